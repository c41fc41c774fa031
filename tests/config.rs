//! End-to-end tests of the rule system through the real binary: configuration discovery
//! and overrides, `exclude`, every configuration error (stderr snapshotted), the rule
//! selection flags, suppression comments, user rules and `test-rules`, and the
//! `rules` / `explain` / `templates` subcommands.
//!
//! Every test works in its own directory under the system temp dir, removed afterwards.
//! Snapshots show that directory as `[TMP]`.

use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

mod common;
use common::Scratch;

const BIN: &str = env!("CARGO_BIN_EXE_nixk8s-lint");

/// `mdns-hostname` (warning by default) at 1:40.
const MDNS: &str = "{ services.kubernetes.masterAddress = \"cp1.local\"; }\n";

/// `mdns-hostname` at 2:38 and `tmpfiles-settings-shape` at 3:29.
const TWO_FINDINGS: &str = r#"{
  services.k3s.serverAddr = "https://edge1.local:6443";
  systemd.tmpfiles.settings."/etc/foo".d = { mode = "0700"; };
}
"#;

const CLEAN: &str = "{ networking.hostName = \"cp1\"; }\n";

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

impl Scratch {
    fn mkdir(&self, rel: &str) {
        std::fs::create_dir_all(self.path().join(rel)).expect("create dir");
    }

    /// Runs the binary in `rel` (relative to the temp dir; "" for the temp dir itself).
    fn run(&self, rel: &str, args: &[&str]) -> Out {
        run_in(&self.path().join(rel), args)
    }

    /// The stderr of a run with this directory replaced by `[TMP]`, for snapshots.
    fn stderr(&self, out: &Out) -> String {
        let mut s = out.stderr.clone();
        if let Ok(canonical) = self.path().canonicalize() {
            s = s.replace(&canonical.display().to_string(), "[TMP]");
        }
        s.replace(&self.path().display().to_string(), "[TMP]")
    }
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Out {
    fn describe(&self) -> String {
        format!(
            "exit: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code, self.stdout, self.stderr
        )
    }

    #[track_caller]
    fn exit(&self, expected: i32) -> &Out {
        assert_eq!(
            self.code,
            expected,
            "unexpected exit status\n{}",
            self.describe()
        );
        self
    }

    #[track_caller]
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON: {e}\n{}", self.describe()))
    }

    /// `(rule, path, line, column)` of each diagnostic of `--format json` output.
    #[track_caller]
    fn findings(&self) -> Vec<(String, String, u64, u64)> {
        diagnostics(&self.json())
            .iter()
            .map(|d| {
                (
                    d["rule"].as_str().unwrap().to_string(),
                    d["path"].as_str().unwrap().to_string(),
                    d["line"].as_u64().unwrap(),
                    d["column"].as_u64().unwrap(),
                )
            })
            .collect()
    }

    /// `(path, severity)` of each diagnostic of `rule` in `--format json` output.
    #[track_caller]
    fn severities(&self, rule: &str) -> Vec<(String, String)> {
        diagnostics(&self.json())
            .iter()
            .filter(|d| d["rule"] == rule)
            .map(|d| {
                (
                    d["path"].as_str().unwrap().to_string(),
                    d["severity"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }

    /// The rule names of `--format json` output, in order.
    #[track_caller]
    fn rules(&self) -> Vec<String> {
        self.findings().into_iter().map(|f| f.0).collect()
    }
}

fn run_in(cwd: &Path, args: &[&str]) -> Out {
    let out = Command::new(BIN)
        .args(args)
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR")
        .env_remove("CLICOLOR_FORCE")
        .stdin(Stdio::null())
        .output()
        .expect("run nixk8s-lint");
    Out {
        code: out.status.code().expect("exited normally, not by a signal"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

fn diagnostics(v: &Value) -> &Vec<Value> {
    v["diagnostics"]
        .as_array()
        .unwrap_or_else(|| panic!("`diagnostics` is a list: {v:#}"))
}

fn f(rule: &str, path: &str, line: u64, column: u64) -> (String, String, u64, u64) {
    (rule.to_string(), path.to_string(), line, column)
}

fn s(path: &str, severity: &str) -> (String, String) {
    (path.to_string(), severity.to_string())
}

/// A configuration error: exit 2, nothing on stdout, the stderr (with `[TMP]`) returned.
#[track_caller]
fn config_error(t: &Scratch, args: &[&str]) -> String {
    let out = t.run("", args);
    out.exit(2);
    assert!(
        out.stdout.is_empty(),
        "no report on a configuration error\n{}",
        out.describe()
    );
    t.stderr(&out)
}

/// A rule file with the given template, `[params]` body and `(kind, code)` examples.
fn rule_file(
    name: &str,
    severity: &str,
    summary: &str,
    message: &str,
    template: &str,
    params: &str,
    examples: &[(&str, &str)],
) -> String {
    let mut out = format!(
        "name = \"{name}\"\nseverity = \"{severity}\"\nsummary = \"{summary}\"\n\
         message = \"{message}\"\nhelp = \"fix it\"\nremediation = \"Fix it.\"\n\
         explanation = \"Why {name} matters.\"\ntemplate = \"{template}\"\n\n[params]\n{params}\n"
    );
    for (kind, code) in examples {
        out.push_str(&format!(
            "\n[[examples]]\nkind = \"{kind}\"\ncode = '''\n{code}\n'''\n"
        ));
    }
    out
}

// User rules from the brief, as a user would write them.

const AUDIT_LOG_RULE: &str = r#"name = "apiserver-audit-log"
severity = "warning"
summary = "Every kube-apiserver must set `--audit-log-path`"
message = "{component} runs without `{flag}`: API requests are not audited"
help = "add `{flag}=/var/log/kubernetes/audit.log`"
remediation = "Pass `--audit-log-path` to every kube-apiserver."
explanation = "Without an audit log nobody can tell who changed what in the cluster."
template = "flag-value"

[params]
component = "kube-apiserver"
flag = "--audit-log-path"
fire-when = "absent"

[[examples]]
kind = "bad"
code = '''
{ services.kubernetes.apiserver.enable = true; }
'''

[[examples]]
kind = "good"
code = '''
{ services.kubernetes.apiserver.extraOpts = "--audit-log-path=/var/log/audit.log"; }
'''
"#;

const TRAEFIK_RULE: &str = r#"name = "k3s-keep-traefik"
severity = "error"
summary = "Forbid `services.k3s.extraFlags` containing `--disable=traefik`"
message = "`{option}` is `{value}`: our ingresses need traefik"
help = "remove `--disable=traefik` from `{option}`"
remediation = "Keep k3s' bundled traefik."
explanation = "Every Ingress of the platform is served by traefik."
template = "option-value"

[params]
option = "services.k3s.extraFlags"
fire-when = "contains"
value = "--disable=traefik"

[[examples]]
kind = "bad"
code = '''
{ services.k3s.extraFlags = "--disable=traefik"; }
'''

[[examples]]
kind = "bad"
code = '''
{ services.k3s.extraFlags = [ "--disable=servicelb" "--disable=traefik" ]; }
'''

[[examples]]
kind = "good"
code = '''
{ services.k3s.extraFlags = "--disable=servicelb"; }
'''
"#;

const PRIVILEGED_RULE: &str = r#"name = "no-privileged-pods"
severity = "error"
summary = "`services.kubernetes.apiserver.allowPrivileged` must be false"
message = "`{option}` is `{value}`: privileged pods are root on the node"
help = "set `{option} = false;`"
remediation = "Set `services.kubernetes.apiserver.allowPrivileged = false;`."
explanation = "A privileged container can take over its node."
template = "option-value"

[params]
option = "services.kubernetes.apiserver.allowPrivileged"
fire-when = "not-one-of"
values = [false]

[[examples]]
kind = "bad"
code = '''
{ services.kubernetes.apiserver.allowPrivileged = true; }
'''

[[examples]]
kind = "good"
code = '''
{ services.kubernetes.apiserver.allowPrivileged = false; }
'''
"#;

/// The privileged rule with its labels wrong: example #2 is labelled bad but does not
/// fire (line 21), example #3 is labelled good but fires (line 27).
const MISLABELLED_RULE: &str = r#"name = "privileged-mislabelled"
severity = "error"
summary = "Privileged pods are allowed"
message = "`{option}` is `{value}`"
help = "set it to false"
remediation = "Set it to false."
explanation = "Privileged containers are root on the host."
template = "option-value"

[params]
option = "services.kubernetes.apiserver.allowPrivileged"
fire-when = "one-of"
values = [true]

[[examples]]
kind = "good"
code = '''
{ services.kubernetes.apiserver.allowPrivileged = false; }
'''

[[examples]]
kind = "bad"
code = '''
{ services.kubernetes.apiserver.allowPrivileged = false; }
'''

[[examples]]
kind = "good"
code = '''
{ services.kubernetes.apiserver.allowPrivileged = true; }
'''
"#;

/// A tree with the three user rules of the brief in `lint-rules/`.
fn user_rules_tree(t: &Scratch) {
    t.write("nixk8s-lint.toml", "rule-dirs = [\"lint-rules\"]\n");
    t.write("lint-rules/audit-log.toml", AUDIT_LOG_RULE);
    t.write("lint-rules/traefik.toml", TRAEFIK_RULE);
    t.write("lint-rules/privileged.toml", PRIVILEGED_RULE);
}

// ---------------------------------------------------------------------------------------
// Discovery
// ---------------------------------------------------------------------------------------

/// root config: mdns-hostname is an error; `hosts/edge` (dot-file): off; `hosts/cp`: info.
fn nested_configs(t: &Scratch) {
    t.write(
        "nixk8s-lint.toml",
        "[rules.mdns-hostname]\nseverity = \"error\"\n",
    );
    t.write(
        "hosts/edge/.nixk8s-lint.toml",
        "[rules.mdns-hostname]\nseverity = \"off\"\n",
    );
    t.write(
        "hosts/cp/nixk8s-lint.toml",
        "[rules.mdns-hostname]\nseverity = \"info\"\n",
    );
    for f in [
        "hosts/edge/e.nix",
        "hosts/edge/deep/d.nix",
        "hosts/cp/c.nix",
        "hosts/n.nix",
        "modules/m.nix",
    ] {
        t.write(f, MDNS);
    }
}

#[test]
fn closest_config_wins_and_other_files_use_the_root_one() {
    let t = Scratch::new("closest_wins");
    nested_configs(&t);
    let out = t.run("", &["--format", "json"]);
    out.exit(1);
    assert_eq!(out.json()["files"], 5, "{}", out.describe());
    assert_eq!(
        out.severities("mdns-hostname"),
        vec![
            s("hosts/cp/c.nix", "info"),
            s("hosts/n.nix", "error"),
            s("modules/m.nix", "error"),
        ],
        "hosts/edge (and hosts/edge/deep) have mdns-hostname off\n{}",
        out.describe()
    );
}

#[test]
fn discovery_starts_at_each_file_not_at_the_working_directory() {
    let t = Scratch::new("discovery_from_file");
    nested_configs(&t);
    let parent = t.path().parent().unwrap().to_path_buf();
    let name = t.path().file_name().unwrap().to_str().unwrap().to_string();

    // From outside the tree.
    let out = run_in(&parent, &["--format", "json", &name]);
    out.exit(1);
    assert_eq!(
        out.severities("mdns-hostname"),
        vec![
            s(&format!("{name}/hosts/cp/c.nix"), "info"),
            s(&format!("{name}/hosts/n.nix"), "error"),
            s(&format!("{name}/modules/m.nix"), "error"),
        ],
        "{}",
        out.describe()
    );

    // From a subdirectory: files below it and files given explicitly elsewhere.
    let out = t.run("hosts", &["--format", "json"]);
    out.exit(1);
    assert_eq!(
        out.severities("mdns-hostname"),
        vec![s("cp/c.nix", "info"), s("n.nix", "error")],
        "{}",
        out.describe()
    );
    let out = t.run("hosts/edge", &["--format", "json"]);
    out.exit(0);
    assert_eq!(out.json()["files"], 2, "{}", out.describe());

    let m = t.path().join("modules/m.nix");
    let out = t.run("hosts/edge", &["--format", "json", m.to_str().unwrap()]);
    out.exit(1);
    assert_eq!(
        out.severities("mdns-hostname"),
        vec![s(m.to_str().unwrap(), "error")],
        "a file outside hosts/edge uses the root config even when linted from hosts/edge\n{}",
        out.describe()
    );
}

#[test]

fn dotdot_paths_use_the_config_of_the_real_directory() {
    let t = Scratch::new("dotdot_discovery");
    nested_configs(&t);
    // hosts/n.nix must use the root config (error), not hosts/edge's (off).
    let out = t.run("hosts/edge", &["--format", "json", "../n.nix"]);
    assert_eq!(
        out.severities("mdns-hostname"),
        vec![s("../n.nix", "error")],
        "{}",
        out.describe()
    );
}

#[test]
fn plain_name_is_preferred_to_the_dot_file_in_one_directory() {
    let t = Scratch::new("file_name_preference");
    t.write(
        "nixk8s-lint.toml",
        "[rules.mdns-hostname]\nseverity = \"error\"\n",
    );
    t.write(
        ".nixk8s-lint.toml",
        "[rules.mdns-hostname]\nseverity = \"off\"\n",
    );
    t.write("a.nix", MDNS);
    let out = t.run("", &["--format", "json", "a.nix"]);
    out.exit(1);
    assert_eq!(
        out.severities("mdns-hostname"),
        vec![s("a.nix", "error")],
        "{}",
        out.describe()
    );
}

#[test]
fn config_flag_overrides_discovery_for_every_file() {
    let t = Scratch::new("config_flag");
    nested_configs(&t);
    t.write(
        "elsewhere/strict.toml",
        "exclude = [\"skip\"]\n[rules.mdns-hostname]\nseverity = \"error\"\n",
    );
    // `exclude` of a `--config` file is relative to that file's directory, not to the tree.
    t.write("elsewhere/skip/s.nix", MDNS);
    t.write("hosts/skip/k.nix", MDNS);
    let out = t.run(
        "",
        &[
            "--format",
            "json",
            "--config",
            "elsewhere/strict.toml",
            "hosts",
            "elsewhere",
        ],
    );
    out.exit(1);
    assert_eq!(
        out.severities("mdns-hostname"),
        vec![
            s("hosts/cp/c.nix", "error"),
            s("hosts/edge/deep/d.nix", "error"),
            s("hosts/edge/e.nix", "error"),
            s("hosts/n.nix", "error"),
            s("hosts/skip/k.nix", "error"),
        ],
        "{}",
        out.describe()
    );
}

#[test]
fn config_flag_overrides_discovery_for_subcommands() {
    let t = Scratch::new("config_flag_subcommands");
    t.write("nixk8s-lint.toml", "this is not TOML\n");
    t.write("other.toml", "rule-dirs = [\"lint-rules\"]\n");
    t.write("lint-rules/privileged.toml", PRIVILEGED_RULE);
    let out = t.run("", &["rules", "--config", "other.toml"]);
    out.exit(0);
    assert!(
        out.stdout.contains("no-privileged-pods"),
        "{}",
        out.describe()
    );
    t.run(
        "",
        &["explain", "no-privileged-pods", "--config", "other.toml"],
    )
    .exit(0);
    t.run("", &["test-rules", "--config", "other.toml"]).exit(0);
}

#[test]
fn config_flag_with_a_missing_file_exits_2() {
    let t = Scratch::new("config_flag_missing");
    t.write("a.nix", MDNS);
    let stderr = config_error(&t, &["--config", "missing.toml", "a.nix"]);
    assert!(stderr.contains("missing.toml"), "{stderr}");
    insta::assert_snapshot!("config_flag_missing_file", stderr);
}

#[test]
fn isolated_ignores_every_config_even_a_broken_one() {
    let t = Scratch::new("isolated");
    t.write(
        "nixk8s-lint.toml",
        "exclude = [\"a.nix\"]\n[rules.mdns-hostname]\nseverity = \"off\"\n",
    );
    t.write("sub/nixk8s-lint.toml", "bogus-key = 1\n");
    t.write("a.nix", MDNS);
    t.write("sub/b.nix", MDNS);
    t.run("", &["a.nix"]).exit(0);
    t.run("", &["sub/b.nix"]).exit(2);
    let out = t.run("", &["--isolated", "--format", "json"]);
    out.exit(1);
    assert_eq!(
        out.severities("mdns-hostname"),
        vec![s("a.nix", "warning"), s("sub/b.nix", "warning")],
        "{}",
        out.describe()
    );
    // The subcommands too.
    t.run("sub", &["rules", "--isolated"]).exit(0);
    t.run("sub", &["explain", "mdns-hostname", "--isolated"])
        .exit(0);
}

#[test]
fn config_and_isolated_conflict() {
    let t = Scratch::new("config_isolated_conflict");
    t.write("c.toml", "");
    t.write("a.nix", CLEAN);
    let out = t.run("", &["--config", "c.toml", "--isolated", "a.nix"]);
    out.exit(2);
    assert!(out.stderr.contains("--isolated"), "{}", out.describe());
}

#[test]
fn valid_kubernetes_versions_are_accepted() {
    let t = Scratch::new("k8s_versions_ok");
    t.write("a.nix", CLEAN);
    for v in ["1.20", "1.31", "1.34"] {
        t.write(
            "nixk8s-lint.toml",
            format!("kubernetes-version = \"{v}\"\n"),
        );
        let out = t.run("", &["a.nix"]);
        assert_eq!(out.code, 0, "kubernetes-version {v}\n{}", out.describe());
    }
}

// ---------------------------------------------------------------------------------------
// exclude
// ---------------------------------------------------------------------------------------

#[test]
fn exclude_globs_are_relative_to_the_config_file() {
    let t = Scratch::new("exclude_relative");
    t.write(
        "repo/nixk8s-lint.toml",
        "exclude = [\"vendor\", \"modules/gen/*.nix\"]\n",
    );
    for f in [
        "repo/vendor/v.nix",
        "repo/vendor/deep/w.nix",
        "repo/modules/gen/g.nix",
        "repo/modules/m.nix",
        "repo/hosts/vendor.nix",
        "repo/hosts/gen/g.nix",
    ] {
        t.write(f, MDNS);
    }
    let expected = ["hosts/gen/g.nix", "hosts/vendor.nix", "modules/m.nix"];

    // From the config's directory, from a subdirectory and from above.
    let out = t.run("repo", &["--format", "json"]);
    out.exit(1);
    let paths: Vec<String> = out.findings().into_iter().map(|f| f.1).collect();
    assert_eq!(paths, expected, "{}", out.describe());
    assert_eq!(out.json()["files"], 3);

    let out = t.run("", &["--format", "json", "repo"]);
    let paths: Vec<String> = out.findings().into_iter().map(|f| f.1).collect();
    assert_eq!(
        paths,
        expected.map(|p| format!("repo/{p}")),
        "{}",
        out.describe()
    );

    let out = t.run("repo/modules", &["--format", "json"]);
    let paths: Vec<String> = out.findings().into_iter().map(|f| f.1).collect();
    assert_eq!(
        paths,
        ["m.nix"],
        "`modules/gen/*.nix` is relative to the config, not to the working directory\n{}",
        out.describe()
    );
}

#[test]
fn exclude_applies_to_explicitly_passed_files() {
    let t = Scratch::new("exclude_explicit");
    t.write(
        "nixk8s-lint.toml",
        "exclude = [\"vendor\", \"*.gen.nix\"]\n",
    );
    t.write("vendor/v.nix", MDNS);
    t.write("hosts.gen.nix", MDNS);
    t.write("hosts.nix", MDNS);
    let out = t.run(
        "",
        &[
            "--format",
            "json",
            "vendor/v.nix",
            "hosts.gen.nix",
            "hosts.nix",
        ],
    );
    out.exit(1);
    assert_eq!(out.json()["files"], 1, "{}", out.describe());
    assert_eq!(out.findings(), vec![f("mdns-hostname", "hosts.nix", 1, 40)]);

    let abs = t.path().join("vendor/v.nix");
    let out = t.run("", &[abs.to_str().unwrap()]);
    out.exit(0);
    assert!(out.stdout.contains("0 files checked"), "{}", out.describe());
}

#[test]
fn exclude_of_a_subdirectory_config_is_relative_to_that_config() {
    let t = Scratch::new("exclude_subdir");
    t.write("nixk8s-lint.toml", "");
    t.write("hosts/nixk8s-lint.toml", "exclude = [\"gen\"]\n");
    t.write("gen/top.nix", MDNS);
    t.write("hosts/gen/h.nix", MDNS);
    t.write("hosts/h.nix", MDNS);
    let out = t.run("", &["--format", "json"]);
    out.exit(1);
    let paths: Vec<String> = out.findings().into_iter().map(|f| f.1).collect();
    assert_eq!(paths, ["gen/top.nix", "hosts/h.nix"], "{}", out.describe());
}

#[test]

fn exclude_matches_dotdot_paths() {
    let t = Scratch::new("exclude_dotdot");
    t.write("nixk8s-lint.toml", "exclude = [\"vendor\"]\n");
    t.write("vendor/v.nix", MDNS);
    t.mkdir("hosts/edge");
    let config = t.path().join("nixk8s-lint.toml");
    let out = t.run(
        "hosts/edge",
        &["--config", config.to_str().unwrap(), "../../vendor/v.nix"],
    );
    out.exit(0);
    assert!(out.stdout.contains("0 files checked"), "{}", out.describe());
}

// ---------------------------------------------------------------------------------------
// Configuration errors: exit 2, the file, line and column, and what was expected
// ---------------------------------------------------------------------------------------

#[test]
fn config_error_unknown_key() {
    let t = Scratch::new("err_unknown_key");
    t.write(
        "nixk8s-lint.toml",
        "kubernetes-version = \"1.31\"\ncolour = \"always\"\n",
    );
    t.write("a.nix", CLEAN);
    let stderr = config_error(&t, &["a.nix"]);
    insta::assert_snapshot!("config_error_unknown_key", stderr);
}

#[test]
fn config_error_unknown_key_in_rule_settings() {
    let t = Scratch::new("err_unknown_rule_key");
    t.write(
        "nixk8s-lint.toml",
        "[rules.mdns-hostname]\nlevel = \"off\"\n",
    );
    t.write("a.nix", CLEAN);
    let stderr = config_error(&t, &["a.nix"]);
    insta::assert_snapshot!("config_error_unknown_key_in_rule_settings", stderr);
}

#[test]
fn config_error_wrong_type() {
    let t = Scratch::new("err_wrong_type");
    t.write("nixk8s-lint.toml", "kubernetes-version = 1.31\n");
    t.write("a.nix", CLEAN);
    let stderr = config_error(&t, &["a.nix"]);
    insta::assert_snapshot!("config_error_wrong_type_version", stderr);

    t.write("nixk8s-lint.toml", "exclude = \"vendor\"\n");
    let stderr = config_error(&t, &["a.nix"]);
    insta::assert_snapshot!("config_error_wrong_type_exclude", stderr);

    t.write("nixk8s-lint.toml", "exclude = [\"vendor\", 3]\n");
    let stderr = config_error(&t, &["a.nix"]);
    insta::assert_snapshot!("config_error_wrong_type_exclude_element", stderr);
}

#[test]

fn config_error_rule_severity_shorthand_says_what_to_write() {
    let t = Scratch::new("err_rule_shorthand");
    t.write("nixk8s-lint.toml", "[rules]\nmdns-hostname = \"off\"\n");
    t.write("a.nix", CLEAN);
    let stderr = config_error(&t, &["a.nix"]);
    assert!(stderr.contains("nixk8s-lint.toml:2:17"), "{stderr}");
    assert!(!stderr.contains("RuleSettings"), "{stderr}");
    assert!(stderr.contains("severity"), "{stderr}");
}

#[test]
fn config_error_toml_syntax() {
    let t = Scratch::new("err_toml_syntax");
    t.write("nixk8s-lint.toml", "kubernetes-version = \"1.31\n");
    t.write("a.nix", CLEAN);
    let stderr = config_error(&t, &["a.nix"]);
    insta::assert_snapshot!("config_error_toml_syntax", stderr);
}

#[test]
fn config_error_unknown_rule_name_with_suggestion() {
    let t = Scratch::new("err_unknown_rule");
    t.write(
        "nixk8s-lint.toml",
        "[rules.mdns-hostname]\nseverity = \"error\"\n\n[rules.tmpfile-settings-shape]\nseverity = \"off\"\n",
    );
    t.write("a.nix", CLEAN);
    let stderr = config_error(&t, &["a.nix"]);
    assert!(
        stderr.contains("did you mean `tmpfiles-settings-shape`?"),
        "{stderr}"
    );
    insta::assert_snapshot!("config_error_unknown_rule_with_suggestion", stderr);

    // The suppression checks are rules too.
    t.write(
        "nixk8s-lint.toml",
        "[rules.unused-supression]\nseverity = \"off\"\n",
    );
    let stderr = config_error(&t, &["a.nix"]);
    assert!(
        stderr.contains("did you mean `unused-suppression`?"),
        "{stderr}"
    );

    // Nothing close: no suggestion.
    t.write("nixk8s-lint.toml", "[rules.zzzz]\nseverity = \"off\"\n");
    let stderr = config_error(&t, &["a.nix"]);
    insta::assert_snapshot!("config_error_unknown_rule_without_suggestion", stderr);
}

#[test]
fn config_can_set_severities_of_user_and_suppression_rules() {
    let t = Scratch::new("config_user_rule_severity");
    t.write(
        "nixk8s-lint.toml",
        "rule-dirs = [\"lint-rules\"]\n\n[rules.no-privileged-pods]\nseverity = \"warning\"\n\n[rules.unused-suppression]\nseverity = \"off\"\n",
    );
    t.write("lint-rules/privileged.toml", PRIVILEGED_RULE);
    t.write(
        "a.nix",
        "{\n  services.kubernetes.apiserver.allowPrivileged = true;\n  networking.hostName = \"cp1\"; # nixk8s-lint: ignore[mdns-hostname]\n}\n",
    );
    let out = t.run("", &["--format", "json", "a.nix"]);
    out.exit(1);
    assert_eq!(
        out.severities("no-privileged-pods"),
        vec![s("a.nix", "warning")],
        "{}",
        out.describe()
    );
    assert_eq!(out.rules(), ["no-privileged-pods"], "{}", out.describe());
}

#[test]
fn config_error_bad_severity() {
    let t = Scratch::new("err_bad_severity");
    t.write(
        "nixk8s-lint.toml",
        "[rules.mdns-hostname]\nseverity = \"fatal\"\n",
    );
    t.write("a.nix", CLEAN);
    let stderr = config_error(&t, &["a.nix"]);
    insta::assert_snapshot!("config_error_bad_severity", stderr);
}

#[test]
fn config_error_bad_glob() {
    let t = Scratch::new("err_bad_glob");
    t.write(
        "nixk8s-lint.toml",
        "exclude = [\n  \"vendor\",\n  \"hosts/[abc\",\n]\n",
    );
    t.write("a.nix", CLEAN);
    let stderr = config_error(&t, &["a.nix"]);
    insta::assert_snapshot!("config_error_bad_glob", stderr);
}

#[test]
fn config_error_bad_kubernetes_version() {
    let t = Scratch::new("err_bad_version");
    t.write("a.nix", CLEAN);
    t.write("nixk8s-lint.toml", "kubernetes-version = \"1.99\"\n");
    let stderr = config_error(&t, &["a.nix"]);
    insta::assert_snapshot!("config_error_bad_kubernetes_version", stderr);
    for v in ["1.19", "1.35", "2.0", "v1.31", "131", ""] {
        t.write(
            "nixk8s-lint.toml",
            format!("kubernetes-version = \"{v}\"\n"),
        );
        let stderr = config_error(&t, &["a.nix"]);
        assert!(
            stderr.contains("nixk8s-lint.toml:1:22")
                && stderr.contains("expected a Kubernetes version"),
            "kubernetes-version {v:?}\n{stderr}"
        );
    }
}

#[test]
fn config_error_user_rule_shadows_a_builtin() {
    let t = Scratch::new("err_shadow");
    t.write("nixk8s-lint.toml", "rule-dirs = [\"lint-rules\"]\n");
    t.write(
        "lint-rules/mdns.toml",
        rule_file(
            "mdns-hostname",
            "error",
            "Mine",
            "{option} is {value}",
            "option-value",
            "option = \"services.k3s.serverAddr\"\nfire-when = \"present\"",
            &[],
        ),
    );
    t.write("a.nix", CLEAN);
    let stderr = config_error(&t, &["a.nix"]);
    insta::assert_snapshot!("config_error_user_rule_shadows_builtin", stderr);

    // An inline `[[rule]]` too.
    t.write(
        "nixk8s-lint.toml",
        r#"[[rule]]
name = "tmpfiles-settings-shape"
severity = "error"
summary = "Mine"
message = "{option} is {value}"
help = "h"
remediation = "r"
explanation = "e"
template = "option-value"
params = { option = "services.k3s.serverAddr", fire-when = "present" }
"#,
    );
    let stderr = config_error(&t, &["a.nix"]);
    assert!(
        stderr.contains("user rule `tmpfiles-settings-shape` has the name of a built-in rule"),
        "{stderr}"
    );
    assert!(stderr.contains("[TMP]/nixk8s-lint.toml:"), "{stderr}");
}

#[test]
fn config_error_user_rule_defined_twice() {
    let t = Scratch::new("err_twice");
    t.write(
        "nixk8s-lint.toml",
        format!(
            "rule-dirs = [\"lint-rules\"]\n\n[[rule]]\n{}",
            PRIVILEGED_RULE
                .split("\n[[examples]]")
                .next()
                .unwrap()
                .replace("[params]", "[rule.params]")
        ),
    );
    t.write("lint-rules/privileged.toml", PRIVILEGED_RULE);
    t.write("a.nix", CLEAN);
    let stderr = config_error(&t, &["a.nix"]);
    assert!(
        stderr.contains("user rule `no-privileged-pods` is defined twice"),
        "{stderr}"
    );
}

#[test]
fn config_error_user_rule_with_unknown_template() {
    let t = Scratch::new("err_unknown_template");
    t.write("nixk8s-lint.toml", "rule-dirs = [\"lint-rules\"]\n");
    t.write(
        "lint-rules/mine.toml",
        rule_file(
            "mine",
            "error",
            "Mine",
            "{option} is {value}",
            "option-values",
            "option = \"services.k3s.serverAddr\"\nfire-when = \"present\"",
            &[],
        ),
    );
    t.write("a.nix", CLEAN);
    let stderr = config_error(&t, &["a.nix"]);
    insta::assert_snapshot!("config_error_user_rule_unknown_template", stderr);
}

#[test]
fn config_error_user_rule_with_bad_params() {
    let t = Scratch::new("err_bad_params");
    t.write("nixk8s-lint.toml", "rule-dirs = [\"lint-rules\"]\n");
    t.write("a.nix", CLEAN);

    // An unknown `fire-when`.
    t.write(
        "lint-rules/mine.toml",
        rule_file(
            "mine",
            "error",
            "Mine",
            "{option} is {value}",
            "option-value",
            "option = \"services.k3s.serverAddr\"\nfire-when = \"sometimes\"",
            &[],
        ),
    );
    let stderr = config_error(&t, &["a.nix"]);
    insta::assert_snapshot!("config_error_user_rule_bad_fire_when", stderr);

    // An unknown parameter.
    t.write(
        "lint-rules/mine.toml",
        rule_file(
            "mine",
            "error",
            "Mine",
            "{component} {flag}",
            "flag-value",
            "component = \"kube-apiserver\"\nflag = \"--audit-log-path\"\nfire-when = \"absent\"\ncolour = \"red\"",
            &[],
        ),
    );
    let stderr = config_error(&t, &["a.nix"]);
    insta::assert_snapshot!("config_error_user_rule_unknown_param", stderr);

    // A condition without its operand.
    t.write(
        "lint-rules/mine.toml",
        rule_file(
            "mine",
            "error",
            "Mine",
            "{option} is {value}",
            "option-value",
            "option = \"services.k3s.extraFlags\"\nfire-when = \"contains\"",
            &[],
        ),
    );
    let stderr = config_error(&t, &["a.nix"]);
    assert!(
        stderr.contains("needs `value`") && stderr.contains("[TMP]/lint-rules/mine.toml:"),
        "{stderr}"
    );

    // An invalid regular expression.
    t.write(
        "lint-rules/mine.toml",
        rule_file(
            "mine",
            "error",
            "Mine",
            "{option} is {value}",
            "option-value",
            "option = \"services.k3s.serverAddr\"\nfire-when = \"matches\"\npattern = \"(unclosed\"",
            &[],
        ),
    );
    let stderr = config_error(&t, &["a.nix"]);
    assert!(
        stderr.contains("invalid `pattern`") && stderr.contains("mine.toml:"),
        "{stderr}"
    );
}

#[test]

fn config_error_condition_without_operand_quotes_fire_when_as_written() {
    let t = Scratch::new("err_operand_wording");
    t.write("nixk8s-lint.toml", "rule-dirs = [\"lint-rules\"]\n");
    t.write("a.nix", CLEAN);
    t.write(
        "lint-rules/mine.toml",
        rule_file(
            "mine",
            "error",
            "Mine",
            "{option} is {value}",
            "option-value",
            "option = \"services.k3s.extraFlags\"\nfire-when = \"not-contains\"",
            &[],
        ),
    );
    let stderr = config_error(&t, &["a.nix"]);
    assert!(
        stderr.contains("`fire-when = \"not-contains\"` needs `value`"),
        "{stderr}"
    );
}

#[test]
fn config_error_bad_param_points_at_the_parameter() {
    let t = Scratch::new("err_param_location");
    t.write("nixk8s-lint.toml", "rule-dirs = [\"lint-rules\"]\n");
    t.write("a.nix", CLEAN);
    // Line 12: `fire-when = "sometimes"`, the value at column 13.
    t.write(
        "lint-rules/mine.toml",
        rule_file(
            "mine",
            "error",
            "Mine",
            "{option} is {value}",
            "option-value",
            "option = \"services.k3s.serverAddr\"\nfire-when = \"sometimes\"",
            &[],
        ),
    );
    let stderr = config_error(&t, &["a.nix"]);
    assert!(stderr.contains("mine.toml:12:13"), "{stderr}");
}

#[test]
fn config_error_user_rule_with_placeholder_its_template_lacks() {
    let t = Scratch::new("err_placeholder");
    t.write("nixk8s-lint.toml", "rule-dirs = [\"lint-rules\"]\n");
    t.write(
        "lint-rules/mine.toml",
        rule_file(
            "mine",
            "error",
            "Mine",
            "{option} is {value}, see {flag}",
            "option-value",
            "option = \"services.k3s.serverAddr\"\nfire-when = \"present\"",
            &[],
        ),
    );
    t.write("a.nix", CLEAN);
    let stderr = config_error(&t, &["a.nix"]);
    insta::assert_snapshot!("config_error_user_rule_unknown_placeholder", stderr);
}

#[test]
fn config_error_bad_user_rule_file() {
    let t = Scratch::new("err_bad_rule_file");
    t.write("nixk8s-lint.toml", "rule-dirs = [\"lint-rules\"]\n");
    t.write("a.nix", CLEAN);

    // Not TOML.
    t.write(
        "lint-rules/mine.toml",
        "name = \"mine\"\nseverity = \"error\nsummary = \"s\"\n",
    );
    let stderr = config_error(&t, &["a.nix"]);
    insta::assert_snapshot!("config_error_rule_file_toml_syntax", stderr);

    // A required key missing.
    t.write(
        "lint-rules/mine.toml",
        rule_file(
            "mine",
            "error",
            "Mine",
            "{option}",
            "option-value",
            "option = \"services.k3s.serverAddr\"\nfire-when = \"present\"",
            &[],
        )
        .replace("remediation = \"Fix it.\"\n", ""),
    );
    let stderr = config_error(&t, &["a.nix"]);
    assert!(
        stderr.contains("remediation") && stderr.contains("mine.toml"),
        "{stderr}"
    );

    // A name that is not kebab-case.
    t.write(
        "lint-rules/mine.toml",
        rule_file(
            "My_Rule",
            "error",
            "Mine",
            "{option}",
            "option-value",
            "option = \"services.k3s.serverAddr\"\nfire-when = \"present\"",
            &[],
        ),
    );
    let stderr = config_error(&t, &["a.nix"]);
    insta::assert_snapshot!("config_error_rule_file_bad_name", stderr);
}

#[test]
fn config_error_inline_rule_with_unknown_template() {
    let t = Scratch::new("err_inline_template");
    t.write(
        "nixk8s-lint.toml",
        r#"kubernetes-version = "1.31"

[[rule]]
name = "mine"
severity = "error"
summary = "Mine"
message = "{option} is {value}"
help = "h"
remediation = "r"
explanation = "e"
template = "option-valu"
params = { option = "services.k3s.serverAddr", fire-when = "present" }
"#,
    );
    t.write("a.nix", CLEAN);
    let stderr = config_error(&t, &["a.nix"]);
    assert!(
        stderr.contains("unknown template `option-valu`"),
        "{stderr}"
    );
    insta::assert_snapshot!("config_error_inline_rule_unknown_template", stderr);
}

#[test]
fn config_error_inline_rule_points_at_the_offending_key() {
    let t = Scratch::new("err_inline_location");
    t.write(
        "nixk8s-lint.toml",
        r#"[[rule]]
name = "mine"
severity = "error"
summary = "Mine"
message = "{option} is {flag}"
help = "h"
remediation = "r"
explanation = "e"
template = "option-value"
params = { option = "services.k3s.serverAddr", fire-when = "present" }
"#,
    );
    t.write("a.nix", CLEAN);
    let stderr = config_error(&t, &["a.nix"]);
    assert!(
        stderr.contains("placeholder `{flag}`") && stderr.contains("nixk8s-lint.toml:5:11"),
        "{stderr}"
    );
}

#[test]
fn config_error_missing_rule_dir() {
    let t = Scratch::new("err_missing_rule_dir");
    t.write(
        "nixk8s-lint.toml",
        "rule-dirs = [\"lint-rules\", \"team-rules\"]\n",
    );
    t.mkdir("lint-rules");
    t.write("a.nix", CLEAN);
    let stderr = config_error(&t, &["a.nix"]);
    insta::assert_snapshot!("config_error_missing_rule_dir", stderr);
}

#[test]
fn config_error_in_a_subdirectory_config_is_reported() {
    let t = Scratch::new("err_subdir");
    t.write("nixk8s-lint.toml", "");
    t.write(
        "hosts/nixk8s-lint.toml",
        "[rules.mdns-hostname]\nseverity = \"loud\"\n",
    );
    t.write("hosts/a.nix", MDNS);
    t.write("b.nix", MDNS);
    let stderr = config_error(&t, &[]);
    assert!(
        stderr.contains("[TMP]/hosts/nixk8s-lint.toml:2:12"),
        "{stderr}"
    );
    // A run that never reaches the broken config is fine.
    t.run("", &["b.nix"]).exit(1);
}

#[test]
fn config_errors_exit_2_even_with_exit_zero_and_in_subcommands() {
    let t = Scratch::new("err_everywhere");
    t.write("nixk8s-lint.toml", "colour = 1\n");
    t.write("a.nix", MDNS);
    for args in [
        &["--exit-zero", "a.nix"][..],
        &["check", "a.nix"],
        &["rules"],
        &["rules", "--format", "json"],
        &["explain", "mdns-hostname"],
        &["test-rules"],
    ] {
        let out = t.run("", args);
        assert_eq!(out.code, 2, "{args:?}\n{}", out.describe());
        assert!(
            out.stderr.contains("nixk8s-lint.toml:1:1"),
            "{args:?}\n{}",
            out.describe()
        );
    }
}

// ---------------------------------------------------------------------------------------
// Command-line rule selection and output options
// ---------------------------------------------------------------------------------------

#[test]
fn select_runs_only_the_named_rules() {
    let t = Scratch::new("select");
    t.write("a.nix", TWO_FINDINGS);
    let out = t.run(
        "",
        &["--format", "json", "--select", "mdns-hostname", "a.nix"],
    );
    out.exit(1);
    assert_eq!(out.findings(), vec![f("mdns-hostname", "a.nix", 2, 38)]);
    let out = t.run(
        "",
        &[
            "--format",
            "json",
            "--select",
            "mdns-hostname,tmpfiles-settings-shape",
            "a.nix",
        ],
    );
    assert_eq!(out.rules(), ["mdns-hostname", "tmpfiles-settings-shape"]);
    let out = t.run(
        "",
        &["--select", "authorization-mode-missing-node", "a.nix"],
    );
    out.exit(0);
}

#[test]
fn ignore_skips_the_named_rules() {
    let t = Scratch::new("ignore");
    t.write("a.nix", TWO_FINDINGS);
    let out = t.run(
        "",
        &["--format", "json", "--ignore", "mdns-hostname", "a.nix"],
    );
    out.exit(1);
    assert_eq!(
        out.findings(),
        vec![f("tmpfiles-settings-shape", "a.nix", 3, 29)]
    );
    let out = t.run(
        "",
        &["--ignore", "mdns-hostname,tmpfiles-settings-shape", "a.nix"],
    );
    out.exit(0);
    // --ignore wins over --select.
    let out = t.run(
        "",
        &[
            "--select",
            "mdns-hostname",
            "--ignore",
            "mdns-hostname",
            "a.nix",
        ],
    );
    out.exit(0);
}

#[test]
fn severity_off_and_info() {
    let t = Scratch::new("severity_flag");
    t.write("a.nix", TWO_FINDINGS);
    let out = t.run(
        "",
        &[
            "--format",
            "json",
            "--severity",
            "tmpfiles-settings-shape=off",
            "a.nix",
        ],
    );
    out.exit(1);
    assert_eq!(out.rules(), ["mdns-hostname"]);

    let out = t.run(
        "",
        &[
            "--format",
            "json",
            "--severity",
            "mdns-hostname=info",
            "--severity",
            "tmpfiles-settings-shape=warning",
            "a.nix",
        ],
    );
    out.exit(1);
    assert_eq!(out.severities("mdns-hostname"), vec![s("a.nix", "info")]);
    assert_eq!(
        out.severities("tmpfiles-settings-shape"),
        vec![s("a.nix", "warning")]
    );

    let out = t.run(
        "",
        &[
            "--color",
            "never",
            "--severity",
            "mdns-hostname=info",
            "a.nix",
        ],
    );
    assert!(
        out.stdout
            .contains("Found 1 error, 0 warnings, 1 info; 1 file checked."),
        "{}",
        out.describe()
    );

    // Later wins.
    let out = t.run(
        "",
        &[
            "--format",
            "json",
            "--severity",
            "mdns-hostname=off",
            "--severity",
            "mdns-hostname=error",
            "--severity",
            "tmpfiles-settings-shape=off",
            "a.nix",
        ],
    );
    assert_eq!(out.severities("mdns-hostname"), vec![s("a.nix", "error")]);
    assert_eq!(out.rules(), ["mdns-hostname"]);
}

#[test]
fn severity_flag_wins_over_the_config() {
    let t = Scratch::new("severity_flag_vs_config");
    t.write(
        "nixk8s-lint.toml",
        "[rules.mdns-hostname]\nseverity = \"off\"\n\n[rules.tmpfiles-settings-shape]\nseverity = \"info\"\n",
    );
    t.write("a.nix", TWO_FINDINGS);
    let out = t.run("", &["--format", "json", "a.nix"]);
    assert_eq!(out.rules(), ["tmpfiles-settings-shape"]);
    assert_eq!(
        out.severities("tmpfiles-settings-shape"),
        vec![s("a.nix", "info")]
    );
    let out = t.run(
        "",
        &[
            "--format",
            "json",
            "--severity",
            "mdns-hostname=warning",
            "--severity",
            "tmpfiles-settings-shape=off",
            "a.nix",
        ],
    );
    assert_eq!(out.findings(), vec![f("mdns-hostname", "a.nix", 2, 38)]);
}

#[test]
fn unknown_rule_names_on_the_command_line_exit_2_with_did_you_mean() {
    let t = Scratch::new("flag_unknown_rule");
    t.write("a.nix", TWO_FINDINGS);
    for (args, suggestion) in [
        (&["--select", "mdns-hostnme", "a.nix"][..], "mdns-hostname"),
        (
            &["--ignore", "mdns-hostname,tmpfile-settings-shape", "a.nix"],
            "tmpfiles-settings-shape",
        ),
        (
            &["--severity", "unused-supression=off", "a.nix"],
            "unused-suppression",
        ),
    ] {
        let out = t.run("", args);
        out.exit(2);
        assert!(out.stdout.is_empty(), "{}", out.describe());
        assert!(
            out.stderr
                .contains(&format!("; did you mean `{suggestion}`?")),
            "{args:?}\n{}",
            out.describe()
        );
    }
    let stderr = config_error(&t, &["--select", "mdns-hostnme", "a.nix"]);
    insta::assert_snapshot!("flag_unknown_rule_with_suggestion", stderr);

    let out = t.run("", &["--select", "zzzz", "a.nix"]);
    out.exit(2);
    assert!(
        out.stderr.contains("unknown rule `zzzz`") && !out.stderr.contains("did you mean"),
        "{}",
        out.describe()
    );
}

#[test]
fn user_rule_names_are_known_to_the_selection_flags() {
    let t = Scratch::new("flag_user_rule");
    user_rules_tree(&t);
    t.write(
        "a.nix",
        "{\n  services.kubernetes.apiserver.allowPrivileged = true;\n  services.kubernetes.masterAddress = \"cp1.local\";\n}\n",
    );
    let out = t.run(
        "",
        &[
            "--format",
            "json",
            "--select",
            "no-privileged-pods",
            "a.nix",
        ],
    );
    out.exit(1);
    assert_eq!(out.rules(), ["no-privileged-pods"], "{}", out.describe());
    let out = t.run("", &["--select", "no-privileged-pod", "a.nix"]);
    out.exit(2);
    assert!(
        out.stderr.contains("did you mean `no-privileged-pods`?"),
        "{}",
        out.describe()
    );
}

#[test]

fn unknown_rule_names_exit_2_even_without_files() {
    let t = Scratch::new("flag_unknown_rule_no_files");
    t.mkdir("empty");
    let out = t.run("", &["--select", "mdns-hostnme", "empty"]);
    out.exit(2);
    assert!(
        out.stderr.contains("did you mean `mdns-hostname`?"),
        "{}",
        out.describe()
    );
}

#[test]
fn bad_severity_arguments_exit_2() {
    let t = Scratch::new("flag_bad_severity");
    t.write("a.nix", MDNS);
    let out = t.run("", &["--severity", "mdns-hostname=loud", "a.nix"]);
    out.exit(2);
    assert!(
        out.stderr.contains("unknown severity `loud`"),
        "{}",
        out.describe()
    );
    let out = t.run("", &["--severity", "mdns-hostname", "a.nix"]);
    out.exit(2);
    assert!(out.stderr.contains("RULE=LEVEL"), "{}", out.describe());
}

#[test]
fn exit_zero_reports_but_exits_0() {
    let t = Scratch::new("exit_zero");
    t.write("a.nix", TWO_FINDINGS);
    let out = t.run("", &["--exit-zero", "--color", "never", "a.nix"]);
    out.exit(0);
    assert!(
        out.stdout.contains("error[tmpfiles-settings-shape]")
            && out
                .stdout
                .contains("Found 1 error, 1 warning; 1 file checked."),
        "{}",
        out.describe()
    );
    let out = t.run("", &["--exit-zero", "--format", "json", "a.nix"]);
    out.exit(0);
    assert_eq!(out.findings().len(), 2);
}

#[test]
fn statistics_human_and_json() {
    let t = Scratch::new("statistics");
    t.write("a.nix", TWO_FINDINGS);
    t.write("b.nix", MDNS);
    t.write(
        "c.nix",
        "{\n  services.kubernetes.masterAddress = \"cp1.local\"; # nixk8s-lint: ignore[mdns-hostname] lab\n}\n",
    );
    let out = t.run("", &["--statistics"]);
    out.exit(1);
    assert_eq!(
        out.stdout,
        "    2  warning  mdns-hostname\n    1  error    tmpfiles-settings-shape\n",
        "suppressed findings are not counted\n{}",
        out.describe()
    );

    let out = t.run("", &["--statistics", "--format", "json"]);
    out.exit(1);
    let v = out.json();
    assert_eq!(v["version"], 1, "{v:#}");
    assert_eq!(v["files"], 3, "{v:#}");
    assert_eq!(
        v["statistics"],
        serde_json::json!([
            { "rule": "mdns-hostname", "severity": "warning", "count": 2 },
            { "rule": "tmpfiles-settings-shape", "severity": "error", "count": 1 },
        ]),
        "{v:#}"
    );

    let out = t.run("", &["--statistics", "--exit-zero", "c.nix"]);
    out.exit(0);
    assert_eq!(out.stdout, "", "{}", out.describe());
}

#[test]
fn show_suppressed_shows_the_reason() {
    let t = Scratch::new("show_suppressed");
    t.write(
        "a.nix",
        r#"{
  services.k3s.serverAddr = "https://edge1.local:6443"; # nixk8s-lint: ignore[mdns-hostname] the lab LAN runs avahi
  # nixk8s-lint: ignore[tmpfiles-settings-shape]
  systemd.tmpfiles.settings."/etc/foo".d = { mode = "0700"; };
}
"#,
    );
    let out = t.run("", &["--color", "never", "a.nix"]);
    out.exit(0);
    assert_eq!(
        out.stdout,
        "No problems found; 1 file checked.\n",
        "{}",
        out.describe()
    );

    let out = t.run("", &["--color", "never", "--show-suppressed", "a.nix"]);
    out.exit(0);
    assert!(
        out.stdout
            .contains("= suppressed by a comment: the lab LAN runs avahi"),
        "{}",
        out.describe()
    );
    assert!(
        out.stdout
            .contains("= suppressed by a comment (no reason given)"),
        "{}",
        out.describe()
    );
    assert!(
        out.stdout.contains("warning[mdns-hostname]")
            && out.stdout.contains("a.nix:2:38")
            && out.stdout.contains("error[tmpfiles-settings-shape]")
            && out.stdout.contains("a.nix:4:29"),
        "{}",
        out.describe()
    );

    let out = t.run("", &["--format", "json", "--show-suppressed", "a.nix"]);
    out.exit(0);
    let v = out.json();
    let d = diagnostics(&v);
    assert_eq!(d.len(), 2, "{v:#}");
    assert_eq!(d[0]["rule"], "mdns-hostname");
    assert_eq!(
        d[0]["suppressed"],
        serde_json::json!({ "reason": "the lab LAN runs avahi" })
    );
    assert_eq!(d[1]["rule"], "tmpfiles-settings-shape");
    assert_eq!(d[1]["suppressed"], serde_json::json!({ "reason": null }));

    // Without the flag, JSON has no `suppressed` key at all.
    let out = t.run("", &["--format", "json", "a.nix"]);
    assert!(diagnostics(&out.json()).is_empty());
}

// ---------------------------------------------------------------------------------------
// Suppression comments
// ---------------------------------------------------------------------------------------

#[test]
fn suppression_on_the_findings_line() {
    let t = Scratch::new("suppress_same_line");
    t.write(
        "a.nix",
        r#"{
  services.kubernetes.masterAddress = "cp1.local"; # nixk8s-lint: ignore[mdns-hostname] lab
  services.kubernetes.kubelet.hostname = "n1.local";
}
"#,
    );
    let out = t.run("", &["--format", "json", "a.nix"]);
    out.exit(1);
    assert_eq!(out.findings(), vec![f("mdns-hostname", "a.nix", 3, 43)]);
}

#[test]
fn suppression_alone_on_the_line_above() {
    let t = Scratch::new("suppress_line_above");
    t.write(
        "a.nix",
        r#"{
  # nixk8s-lint: ignore[mdns-hostname] lab
  services.kubernetes.masterAddress = "cp1.local";
  services.kubernetes.kubelet.hostname = "n1.local";
}
"#,
    );
    let out = t.run("", &["--format", "json", "a.nix"]);
    out.exit(1);
    assert_eq!(out.findings(), vec![f("mdns-hostname", "a.nix", 4, 43)]);
}

#[test]
fn suppression_of_several_rules_in_one_comment() {
    let t = Scratch::new("suppress_several");
    t.write(
        "a.nix",
        r#"{
  # nixk8s-lint: ignore[mdns-hostname, tmpfiles-settings-shape] both on purpose
  systemd.tmpfiles.settings."/etc/foo".d = { mode = "0700"; user = "cp1.local"; };
  services.kubernetes.masterAddress = "cp1.local"; # nixk8s-lint: ignore[tmpfiles-settings-shape,mdns-hostname]
}
"#,
    );
    let out = t.run("", &["--format", "json", "a.nix"]);
    // Line 3 has no mdns finding and line 4 no tmpfiles one.
    assert_eq!(
        out.findings(),
        vec![
            f("unused-suppression", "a.nix", 2, 25),
            f("unused-suppression", "a.nix", 4, 74),
        ],
        "{}",
        out.describe()
    );
    out.exit(1);
}

#[test]
fn ignore_file_suppresses_a_rule_in_the_whole_file() {
    let t = Scratch::new("suppress_file");
    t.write(
        "a.nix",
        r#"# Edge nodes find each other over mDNS.
# nixk8s-lint: ignore-file[mdns-hostname] the edge LAN runs avahi
{
  services.kubernetes.masterAddress = "cp1.local";
  services.kubernetes.kubelet.hostname = "n1.local";
  systemd.tmpfiles.settings."/etc/foo".d = { mode = "0700"; };
}
"#,
    );
    let out = t.run("", &["--format", "json", "a.nix"]);
    out.exit(1);
    assert_eq!(
        out.findings(),
        vec![f("tmpfiles-settings-shape", "a.nix", 6, 29)]
    );
    let out = t.run("", &["--format", "json", "--show-suppressed", "a.nix"]);
    let v = out.json();
    let reasons: Vec<&Value> = diagnostics(&v)
        .iter()
        .filter(|d| d["rule"] == "mdns-hostname")
        .map(|d| &d["suppressed"]["reason"])
        .collect();
    assert_eq!(
        reasons,
        ["the edge LAN runs avahi", "the edge LAN runs avahi"]
    );
}

#[test]
fn ignore_file_after_code_is_invalid_and_suppresses_nothing() {
    let t = Scratch::new("suppress_file_late");
    t.write(
        "a.nix",
        r#"{
  # nixk8s-lint: ignore-file[mdns-hostname] too late
  services.kubernetes.masterAddress = "cp1.local";
}
"#,
    );
    let out = t.run("", &["--format", "json", "a.nix"]);
    out.exit(1);
    assert_eq!(
        out.findings(),
        vec![
            f("invalid-suppression", "a.nix", 2, 3),
            f("mdns-hostname", "a.nix", 3, 40),
        ]
    );
}

#[test]
fn unused_suppressions_are_reported() {
    let t = Scratch::new("suppress_unused");
    t.write(
        "a.nix",
        r#"# nixk8s-lint: ignore-file[kubelet-path-missing-mount] no kubelet here
{
  services.kubernetes.masterAddress = "cp1.internal"; # nixk8s-lint: ignore[mdns-hostname]
  # nixk8s-lint: ignore[tmpfiles-settings-shape] old
  networking.hostName = "cp1";
}
"#,
    );
    let out = t.run("", &["--format", "json", "a.nix"]);
    out.exit(1);
    assert_eq!(
        out.findings(),
        vec![
            f("unused-suppression", "a.nix", 1, 28),
            f("unused-suppression", "a.nix", 3, 77),
            f("unused-suppression", "a.nix", 4, 25),
        ],
        "{}",
        out.describe()
    );
    let v = out.json();
    assert_eq!(
        diagnostics(&v)[1]["message"],
        "this suppression of `mdns-hostname` suppresses nothing"
    );
    assert_eq!(diagnostics(&v)[1]["severity"], "warning");

    // A suppression of a rule that is switched off is not "unused".
    let out = t.run(
        "",
        &[
            "--format",
            "json",
            "--select",
            "tmpfiles-settings-shape,unused-suppression",
            "a.nix",
        ],
    );
    assert_eq!(
        out.findings(),
        vec![f("unused-suppression", "a.nix", 4, 25)]
    );
    // And unused-suppression itself can be switched off.
    t.run("", &["--ignore", "unused-suppression", "a.nix"])
        .exit(0);
}

#[test]
fn unknown_rule_in_a_suppression_is_reported_with_a_suggestion() {
    let t = Scratch::new("suppress_unknown");
    t.write(
        "a.nix",
        r#"{
  services.kubernetes.masterAddress = "cp1.local"; # nixk8s-lint: ignore[mdns-hostnme] lab
}
"#,
    );
    let out = t.run("", &["--format", "json", "a.nix"]);
    out.exit(1);
    assert_eq!(
        out.findings(),
        vec![
            f("mdns-hostname", "a.nix", 2, 40),
            f("unknown-rule", "a.nix", 2, 74),
        ]
    );
    let v = out.json();
    assert_eq!(
        diagnostics(&v)[1]["message"],
        "unknown rule `mdns-hostnme`; did you mean `mdns-hostname`?"
    );
    let out = t.run("", &["--color", "never", "a.nix"]);
    assert!(
        out.stdout.contains("warning[unknown-rule]") && out.stdout.contains("a.nix:2:74"),
        "{}",
        out.describe()
    );
}

#[test]
fn malformed_directives_are_invalid_suppressions() {
    let t = Scratch::new("suppress_malformed");
    t.write(
        "a.nix",
        r#"{
  services.kubernetes.masterAddress = "cp1.local"; # nixk8s-lint: ignored[mdns-hostname]
  services.kubernetes.kubelet.hostname = "n1.local"; # nixk8s-lint: ignore mdns-hostname
  networking.hostName = "cp1"; # nixk8s-lint: ignore[mdns-hostname
  networking.domain = "internal"; # nixk8s-lint: ignore[] why
}
"#,
    );
    let out = t.run("", &["--format", "json", "a.nix"]);
    out.exit(1);
    let v = out.json();
    let invalid: Vec<(u64, &str)> = diagnostics(&v)
        .iter()
        .filter(|d| d["rule"] == "invalid-suppression")
        .map(|d| (d["line"].as_u64().unwrap(), d["message"].as_str().unwrap()))
        .collect();
    assert_eq!(invalid.len(), 4, "{v:#}");
    assert_eq!(
        invalid.iter().map(|i| i.0).collect::<Vec<_>>(),
        [2, 3, 4, 5]
    );
    assert!(
        invalid
            .iter()
            .all(|i| i.1.starts_with("invalid suppression comment: ")),
        "{v:#}"
    );
    // They suppress nothing.
    assert_eq!(
        out.severities("mdns-hostname"),
        vec![s("a.nix", "warning"), s("a.nix", "warning")]
    );
}

#[test]
fn suppression_text_inside_a_string_suppresses_nothing() {
    let t = Scratch::new("suppress_in_string");
    t.write(
        "a.nix",
        r##"{
  services.kubernetes.kubelet.extraOpts = ''
    # nixk8s-lint: ignore[mdns-hostname] inside a string
    --hostname-override=n1.local
  '';
  services.kubernetes.masterAddress = let note = "# nixk8s-lint: ignore[mdns-hostname] x"; in "cp1.local";
}
"##,
    );
    let out = t.run("", &["--format", "json", "a.nix"]);
    out.exit(1);
    assert_eq!(
        out.findings(),
        vec![
            f("mdns-hostname", "a.nix", 4, 25),
            f("mdns-hostname", "a.nix", 6, 96),
        ],
        "{}",
        out.describe()
    );
}

#[test]

fn block_comment_directive_before_code_applies_to_its_own_line() {
    let t = Scratch::new("suppress_block_comment");
    t.write(
        "a.nix",
        r#"{
  /* nixk8s-lint: ignore[mdns-hostname] lab */ services.kubernetes.masterAddress = "cp1.local";
  services.kubernetes.kubelet.hostname = "n1.local";
}
"#,
    );
    let out = t.run("", &["--format", "json", "a.nix"]);
    assert_eq!(
        out.findings(),
        vec![f("mdns-hostname", "a.nix", 3, 43)],
        "{}",
        out.describe()
    );
}

// ---------------------------------------------------------------------------------------
// User rules: check and test-rules
// ---------------------------------------------------------------------------------------

#[test]
fn user_rules_fire_in_check() {
    let t = Scratch::new("user_rules_check");
    user_rules_tree(&t);
    t.write(
        "hosts/cp.nix",
        r#"{
  services.kubernetes.apiserver.allowPrivileged = true;
  services.k3s.extraFlags = "--disable=traefik --disable=servicelb";
}
"#,
    );
    t.write(
        "hosts/ok.nix",
        r#"{
  services.kubernetes.apiserver.allowPrivileged = false;
  services.kubernetes.apiserver.extraOpts = "--audit-log-path=/var/log/kubernetes/audit.log";
  services.k3s.extraFlags = [ "--disable=servicelb" ];
}
"#,
    );
    t.write(
        "hosts/unit.nix",
        r#"{ pkgs, ... }: {
  systemd.services.apiserver.serviceConfig.ExecStart =
    "${pkgs.kubernetes}/bin/kube-apiserver --secure-port=6443";
  services.k3s.extraFlags = [ "--disable=servicelb" "--disable=traefik" ];
}
"#,
    );
    let out = t.run("", &["--format", "json"]);
    out.exit(1);
    assert_eq!(
        out.findings(),
        vec![
            f("apiserver-audit-log", "hosts/cp.nix", 2, 23),
            f("no-privileged-pods", "hosts/cp.nix", 2, 51),
            f("k3s-keep-traefik", "hosts/cp.nix", 3, 29),
            f("apiserver-audit-log", "hosts/unit.nix", 3, 6),
            f("k3s-keep-traefik", "hosts/unit.nix", 4, 29),
        ],
        "{}",
        out.describe()
    );
    let v = out.json();
    let d = diagnostics(&v);
    assert_eq!(d[0]["severity"], "warning");
    assert_eq!(
        d[0]["message"],
        "kube-apiserver runs without `--audit-log-path`: API requests are not audited"
    );
    assert_eq!(
        d[1]["message"],
        "`services.kubernetes.apiserver.allowPrivileged` is `true`: privileged pods are root on the node"
    );
    assert_eq!(
        d[1]["help"],
        "set `services.kubernetes.apiserver.allowPrivileged = false;`"
    );
    assert_eq!(
        d[2]["message"],
        "`services.k3s.extraFlags` is `--disable=traefik --disable=servicelb`: our ingresses need traefik"
    );

    let out = t.run("", &["--color", "never", "hosts/cp.nix"]);
    assert!(
        out.stdout.contains("error[no-privileged-pods]")
            && out.stdout.contains("hosts/cp.nix:2:51")
            && out.stdout.contains("warning[apiserver-audit-log]"),
        "{}",
        out.describe()
    );
}

#[test]
fn user_rules_can_be_suppressed_and_selected() {
    let t = Scratch::new("user_rules_suppress");
    user_rules_tree(&t);
    t.write(
        "a.nix",
        r#"{
  # nixk8s-lint: ignore[no-privileged-pods, apiserver-audit-log] CI runners need it
  services.kubernetes.apiserver.allowPrivileged = true;
  services.k3s.extraFlags = "--disable=traefik"; # nixk8s-lint: ignore[k3s-keep-traefik]
}
"#,
    );
    t.run("", &["a.nix"]).exit(0);
    let out = t.run("", &["--format", "json", "--show-suppressed", "a.nix"]);
    out.exit(0);
    assert_eq!(
        out.rules(),
        [
            "apiserver-audit-log",
            "no-privileged-pods",
            "k3s-keep-traefik"
        ],
        "{}",
        out.describe()
    );
}

#[test]
fn inline_user_rules_fire_in_check() {
    let t = Scratch::new("inline_rule");
    t.write(
        "nixk8s-lint.toml",
        r#"[[rule]]
name = "no-privileged-pods"
severity = "error"
summary = "`services.kubernetes.apiserver.allowPrivileged` must be false"
message = "`{option}` is `{value}`"
help = "set it to false"
remediation = "Set it to false."
explanation = "Privileged containers are root on the host."
template = "option-value"

[rule.params]
option = "services.kubernetes.apiserver.allowPrivileged"
fire-when = "one-of"
values = [true]
"#,
    );
    t.write(
        "a.nix",
        "{ services.kubernetes.apiserver.allowPrivileged = true; }\n",
    );
    let out = t.run("", &["--format", "json", "a.nix"]);
    out.exit(1);
    assert_eq!(
        out.findings(),
        vec![f("no-privileged-pods", "a.nix", 1, 51)]
    );
    let out = t.run("", &["rules"]);
    assert!(
        out.stdout.contains("no-privileged-pods"),
        "{}",
        out.describe()
    );
}

#[test]
fn user_rules_of_a_subdirectory_config_apply_only_below_it() {
    let t = Scratch::new("user_rules_scoped");
    t.write("nixk8s-lint.toml", "");
    t.write(
        "cluster/nixk8s-lint.toml",
        "rule-dirs = [\"../lint-rules\"]\n",
    );
    t.write("lint-rules/privileged.toml", PRIVILEGED_RULE);
    let bad = "{ services.kubernetes.apiserver.allowPrivileged = true; }\n";
    t.write("cluster/a.nix", bad);
    t.write("other/b.nix", bad);
    let out = t.run("", &["--format", "json"]);
    out.exit(1);
    assert_eq!(
        out.findings(),
        vec![f("no-privileged-pods", "cluster/a.nix", 1, 51)]
    );
}

#[test]
fn test_rules_passes_good_rule_files() {
    let t = Scratch::new("test_rules_pass");
    user_rules_tree(&t);
    let out = t.run("", &["test-rules", "lint-rules"]);
    out.exit(0);
    assert_eq!(
        out.stdout,
        "test-rules: 3 rule files; 7 passed, 0 failed\n",
        "{}",
        out.describe()
    );
    // Without paths: the configured `rule-dirs`.
    let out = t.run("", &["test-rules"]);
    out.exit(0);
    assert!(
        out.stdout.contains("7 passed, 0 failed"),
        "{}",
        out.describe()
    );
    // A single file.
    let out = t.run("", &["test-rules", "lint-rules/privileged.toml"]);
    out.exit(0);
    assert!(
        out.stdout.contains("2 passed, 0 failed"),
        "{}",
        out.describe()
    );
}

#[test]
fn test_rules_reports_failing_examples_with_their_location() {
    let t = Scratch::new("test_rules_fail");
    t.write("rules-ok/privileged.toml", PRIVILEGED_RULE);
    t.write("rules-bad/mislabelled.toml", MISLABELLED_RULE);
    let out = t.run("", &["test-rules", "rules-ok", "rules-bad"]);
    out.exit(1);
    assert_eq!(
        out.stdout,
        "rules-bad/mislabelled.toml:21:1: bad example #2 does not fire `privileged-mislabelled`\n\
         rules-bad/mislabelled.toml:27:1: good example #3 fires `privileged-mislabelled`\n\
         test-rules: 2 rule files; 3 passed, 2 failed\n",
        "{}",
        out.describe()
    );
    let out = t.run("", &["test-rules", "rules-ok"]);
    out.exit(0);
}

#[test]
fn test_rules_errors_exit_2() {
    let t = Scratch::new("test_rules_errors");
    t.write("nixk8s-lint.toml", "");
    let out = t.run("", &["test-rules"]);
    out.exit(2);
    assert!(out.stderr.contains("rule-dirs"), "{}", out.describe());
    let out = t.run("", &["test-rules", "missing"]);
    out.exit(2);
    assert!(out.stderr.contains("missing"), "{}", out.describe());
    t.write(
        "bad/mine.toml",
        rule_file(
            "mine",
            "error",
            "Mine",
            "{nope}",
            "option-value",
            "option = \"a.b\"\nfire-when = \"present\"",
            &[],
        ),
    );
    let out = t.run("", &["test-rules", "bad"]);
    out.exit(2);
    assert!(
        out.stderr.contains("placeholder `{nope}`") && out.stderr.contains("bad/mine.toml:4:11"),
        "{}",
        out.describe()
    );
}

/// One rule per template condition; each example must behave as labelled.
#[test]
fn every_fire_when_condition_behaves_as_its_examples_say() {
    let t = Scratch::new("fire_when_matrix");
    let exec = |flags: &str| {
        format!(
            "{{ pkgs, ... }}: {{ systemd.services.api.serviceConfig.ExecStart = \"${{pkgs.kubernetes}}/bin/kube-apiserver {flags}\"; }}"
        )
    };
    let flag = |name: &str, params: &str, bad: &str, good: &str| {
        t.write(
            &format!("rules/{name}.toml"),
            rule_file(
                name,
                "warning",
                "flag rule",
                "{component} {flag} {value}",
                "flag-value",
                &format!("component = \"kube-apiserver\"\n{params}"),
                &[("bad", &exec(bad)), ("good", &exec(good))],
            ),
        );
    };
    flag(
        "flag-absent",
        "flag = \"--audit-log-path\"\nfire-when = \"absent\"",
        "--secure-port=6443",
        "--audit-log-path=/var/log/audit.log",
    );
    flag(
        "flag-present",
        "flag = \"--insecure-port\"\nfire-when = \"present\"",
        "--insecure-port=8080",
        "--secure-port=6443",
    );
    flag(
        "flag-contains",
        "flag = \"--enable-admission-plugins\"\nfire-when = \"contains\"\nvalue = \"AlwaysAdmit\"",
        "--enable-admission-plugins=NodeRestriction,AlwaysAdmit",
        "--enable-admission-plugins=NodeRestriction",
    );
    flag(
        "flag-not-contains",
        "flag = \"--enable-admission-plugins\"\nfire-when = \"not-contains\"\nvalue = \"NodeRestriction\"",
        "--enable-admission-plugins=AlwaysPullImages",
        "--enable-admission-plugins=NodeRestriction",
    );
    flag(
        "flag-one-of",
        "flag = \"--anonymous-auth\"\nfire-when = \"one-of\"\nvalues = [true]",
        "--anonymous-auth=true",
        "--anonymous-auth=false",
    );
    flag(
        "flag-not-one-of",
        "flag = \"--tls-min-version\"\nfire-when = \"not-one-of\"\nvalues = [\"VersionTLS12\", \"VersionTLS13\"]",
        "--tls-min-version=VersionTLS10",
        "--tls-min-version=VersionTLS13",
    );
    flag(
        "flag-matches",
        "flag = \"--etcd-servers\"\nfire-when = \"matches\"\npattern = \"^http://\"",
        "--etcd-servers=http://etcd1:2379",
        "--etcd-servers=https://etcd1:2379",
    );
    flag(
        "flag-not-matches",
        "flag = \"--service-cluster-ip-range\"\nfire-when = \"not-matches\"\npattern = '^10\\.'",
        "--service-cluster-ip-range=192.168.0.0/16",
        "--service-cluster-ip-range=10.43.0.0/16",
    );

    let option = |name: &str, params: &str, bad: &str, good: &str| {
        t.write(
            &format!("rules/{name}.toml"),
            rule_file(
                name,
                "warning",
                "option rule",
                "{option} {value}",
                "option-value",
                params,
                &[("bad", bad), ("good", good)],
            ),
        );
    };
    option(
        "option-absent",
        "option = \"services.kubernetes.apiserver.tlsCertFile\"\nwithin = \"services.kubernetes.apiserver\"\nfire-when = \"absent\"",
        "{ services.kubernetes.apiserver.enable = true; }",
        "{ services.kubernetes.apiserver = { enable = true; tlsCertFile = \"/c.pem\"; }; }",
    );
    option(
        "option-present",
        "option = \"services.kubernetes.apiserver.basicAuthFile\"\nfire-when = \"present\"",
        "{ services.kubernetes.apiserver.basicAuthFile = \"/etc/k8s/users.csv\"; }",
        "{ services.kubernetes.apiserver.enable = true; }",
    );
    option(
        "option-contains",
        "option = \"services.k3s.extraFlags\"\nfire-when = \"contains\"\nvalue = \"--disable=traefik\"",
        "{ services.k3s.extraFlags = [ \"--disable=traefik\" ]; }",
        "{ services.k3s.extraFlags = [ \"--disable=servicelb\" ]; }",
    );
    option(
        "option-not-contains",
        "option = \"services.kubernetes.apiserver.authorizationMode\"\nfire-when = \"not-contains\"\nvalue = \"Node\"",
        "{ services.kubernetes.apiserver.authorizationMode = [ \"RBAC\" ]; }",
        "{ services.kubernetes.apiserver.authorizationMode = [ \"Node\" \"RBAC\" ]; }",
    );
    option(
        "option-one-of",
        "option = \"services.kubernetes.apiserver.allowPrivileged\"\nfire-when = \"one-of\"\nvalues = [true]",
        "{ services.kubernetes.apiserver.allowPrivileged = true; }",
        "{ services.kubernetes.apiserver.allowPrivileged = false; }",
    );
    option(
        "option-not-one-of",
        "option = \"services.k3s.role\"\nfire-when = \"not-one-of\"\nvalues = [\"server\", \"agent\"]",
        "{ services.k3s.role = \"master\"; }",
        "{ services.k3s.role = \"agent\"; }",
    );
    option(
        "option-matches",
        "option = \"services.kubernetes.masterAddress\"\nfire-when = \"matches\"\npattern = '^[0-9.]+$'",
        "{ services.kubernetes.masterAddress = \"10.0.0.1\"; }",
        "{ services.kubernetes.masterAddress = \"cp1.internal\"; }",
    );
    option(
        "option-not-matches",
        "option = \"services.kubernetes.clusterCidr\"\nfire-when = \"not-matches\"\npattern = '^10\\.'",
        "{ services.kubernetes.clusterCidr = \"192.168.0.0/16\"; }",
        "{ services.kubernetes.clusterCidr = \"10.42.0.0/16\"; }",
    );

    let out = t.run("", &["test-rules", "rules"]);
    assert_eq!(
        out.stdout,
        "test-rules: 16 rule files; 32 passed, 0 failed\n",
        "{}",
        out.describe()
    );
    out.exit(0);
}

// ---------------------------------------------------------------------------------------
// rules, explain, templates
// ---------------------------------------------------------------------------------------

const BUILTIN_RULES: [&str; 4] = [
    "authorization-mode-missing-node",
    "kubelet-path-missing-mount",
    "mdns-hostname",
    "tmpfiles-settings-shape",
];
const META_RULES: [&str; 3] = ["unused-suppression", "unknown-rule", "invalid-suppression"];
const USER_RULES: [&str; 3] = [
    "apiserver-audit-log",
    "no-privileged-pods",
    "k3s-keep-traefik",
];

#[test]
fn rules_human_lists_user_rules_with_their_severity() {
    let t = Scratch::new("rules_human");
    user_rules_tree(&t);
    t.write(
        "nixk8s-lint.toml",
        "rule-dirs = [\"lint-rules\"]\n[rules.mdns-hostname]\nseverity = \"off\"\n[rules.k3s-keep-traefik]\nseverity = \"info\"\n",
    );
    let out = t.run("", &["rules"]);
    out.exit(0);
    for name in BUILTIN_RULES.iter().chain(&USER_RULES).chain(&META_RULES) {
        assert!(
            out.stdout
                .lines()
                .any(|l| l.starts_with(&format!("{name} "))),
            "`{name}` listed\n{}",
            out.describe()
        );
    }
    assert_eq!(out.stdout.lines().count(), 10, "{}", out.describe());
    let line = |name: &str| {
        out.stdout
            .lines()
            .find(|l| l.starts_with(&format!("{name} ")))
            .unwrap()
            .split_whitespace()
            .take(2)
            .collect::<Vec<_>>()
    };
    assert_eq!(line("mdns-hostname"), ["mdns-hostname", "off"]);
    assert_eq!(line("k3s-keep-traefik"), ["k3s-keep-traefik", "info"]);
    assert_eq!(
        line("apiserver-audit-log"),
        ["apiserver-audit-log", "warning"]
    );
    assert!(
        out.stdout
            .contains("Every kube-apiserver must set `--audit-log-path`"),
        "{}",
        out.describe()
    );
}

#[test]
fn rules_json_lists_user_rules() {
    let t = Scratch::new("rules_json");
    user_rules_tree(&t);
    let out = t.run("", &["rules", "--format", "json"]);
    out.exit(0);
    let v = out.json();
    let list = v.as_array().expect("a list of rules");
    let names: Vec<&str> = list.iter().map(|r| r["name"].as_str().unwrap()).collect();
    for name in BUILTIN_RULES.iter().chain(&USER_RULES).chain(&META_RULES) {
        assert!(names.contains(name), "`{name}` listed: {v:#}");
    }
    assert_eq!(names.len(), 10, "{v:#}");
    let traefik = list
        .iter()
        .find(|r| r["name"] == "k3s-keep-traefik")
        .unwrap();
    assert_eq!(traefik["severity"], "error");
    assert_eq!(traefik["template"], "option-value");
    assert_eq!(
        traefik["summary"],
        "Forbid `services.k3s.extraFlags` containing `--disable=traefik`"
    );
    let audit = list
        .iter()
        .find(|r| r["name"] == "apiserver-audit-log")
        .unwrap();
    assert_eq!(audit["template"], "flag-value");
    assert_eq!(audit["severity"], "warning");

    // Without the config, only the built-in rules and the suppression checks.
    let out = t.run("", &["rules", "--format", "json", "--isolated"]);
    assert_eq!(out.json().as_array().unwrap().len(), 7);
}

#[test]
fn rules_markdown_lists_and_documents_user_rules() {
    let t = Scratch::new("rules_markdown");
    user_rules_tree(&t);
    let out = t.run("", &["rules", "--format", "markdown"]);
    out.exit(0);
    let md = &out.stdout;
    assert!(md.starts_with("# Rules\n"), "{md}");
    for name in BUILTIN_RULES.iter().chain(&USER_RULES) {
        assert!(
            md.contains(&format!("| [`{name}`](#{name}) |")),
            "`{name}` in the table\n{md}"
        );
        assert!(
            md.contains(&format!("\n## {name}\n")),
            "`{name}` section\n{md}"
        );
    }
    for name in META_RULES {
        assert!(md.contains(&format!("| `{name}` |")), "`{name}`\n{md}");
    }
    assert!(
        md.contains("**error** · template `option-value`")
            && md.contains("A privileged container can take over its node.")
            && md.contains("{ services.kubernetes.apiserver.allowPrivileged = true; }"),
        "{md}"
    );
}

#[test]

fn rules_listing_reflects_the_configured_severities_in_every_format() {
    let t = Scratch::new("rules_configured");
    t.write(
        "nixk8s-lint.toml",
        "[rules.mdns-hostname]\nseverity = \"off\"\n[rules.unused-suppression]\nseverity = \"off\"\n",
    );
    let out = t.run("", &["rules", "--format", "json"]);
    let v = out.json();
    let severity = |name: &str| {
        v.as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .unwrap()["severity"]
            .clone()
    };
    assert_eq!(severity("mdns-hostname"), "off");
    assert_eq!(severity("unused-suppression"), "off", "{v:#}");
    let md = t.run("", &["rules", "--format", "markdown"]).stdout;
    assert!(
        md.contains("| [`mdns-hostname`](#mdns-hostname) | off |"),
        "{md}"
    );
    assert!(md.contains("| `unused-suppression` | off |"), "{md}");
}

#[test]
fn explain_prints_a_rules_docs() {
    let t = Scratch::new("explain");
    user_rules_tree(&t);
    let out = t.run("", &["explain", "no-privileged-pods"]);
    out.exit(0);
    assert_eq!(
        out.stdout,
        "no-privileged-pods (error)\n\n\
         `services.kubernetes.apiserver.allowPrivileged` must be false\n\n\
         Why\n\n    A privileged container can take over its node.\n\n\
         Fix\n\n    Set `services.kubernetes.apiserver.allowPrivileged = false;`.\n\n\
         Reported\n\n    { services.kubernetes.apiserver.allowPrivileged = true; }\n\n\
         Not reported\n\n    { services.kubernetes.apiserver.allowPrivileged = false; }\n\n",
        "{}",
        out.describe()
    );

    let out = t.run("", &["explain", "authorization-mode-missing-node"]);
    out.exit(0);
    for part in [
        "authorization-mode-missing-node (error)",
        "Why\n\n    Kubelets authenticate as",
        "Fix\n\n",
        "Reported\n\n",
        "Not reported\n\n",
        "References\n\n  https://github.com/kubernetes/kubernetes/issues/52711",
    ] {
        assert!(out.stdout.contains(part), "{part:?}\n{}", out.describe());
    }
}

#[test]
fn explain_suggests_a_name_for_a_typo() {
    let t = Scratch::new("explain_typo");
    user_rules_tree(&t);
    let stderr = config_error(&t, &["explain", "no-privileged-pod"]);
    assert_eq!(
        stderr,
        "nixk8s-lint: error: unknown rule `no-privileged-pod`; did you mean `no-privileged-pods`?\n"
    );
    let stderr = config_error(&t, &["explain", "mdns-hostnam", "--isolated"]);
    insta::assert_snapshot!("explain_typo", stderr);
    let stderr = config_error(&t, &["explain", "zzzz"]);
    assert_eq!(stderr, "nixk8s-lint: error: unknown rule `zzzz`\n");
}

#[test]

fn explain_knows_the_suppression_checks() {
    let t = Scratch::new("explain_meta");
    for name in META_RULES {
        let out = t.run("", &["explain", name, "--isolated"]);
        out.exit(0);
        assert!(out.stdout.starts_with(name), "{}", out.describe());
    }
}

#[test]
fn templates_lists_all_six_with_their_parameters() {
    let t = Scratch::new("templates");
    let out = t.run("", &["templates"]);
    out.exit(0);
    let names: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with(' '))
        .collect();
    assert_eq!(
        names,
        [
            "slice-flag-requires",
            "unit-path-requires-package",
            "hostname-suffix",
            "tmpfiles-settings-shape",
            "flag-value",
            "option-value",
        ],
        "{}",
        out.describe()
    );
    let section = |name: &str| {
        let start = out.stdout.find(&format!("{name}\n")).unwrap();
        let rest = &out.stdout[start..];
        rest[..rest.find("\n\n").unwrap()].to_string()
    };
    let flag_value = section("flag-value");
    for part in [
        "component:",
        "flag:",
        "fire-when: absent, present, contains, not-contains, one-of, not-one-of, matches or not-matches.",
        "value:",
        "values:",
        "pattern:",
        "{component}:",
        "{flag}:",
        "{value}:",
    ] {
        assert!(flag_value.contains(part), "{part:?}\n{flag_value}");
    }
    let option_value = section("option-value");
    for part in ["option:", "within:", "fire-when:", "{option}:", "{value}:"] {
        assert!(option_value.contains(part), "{part:?}\n{option_value}");
    }
}
