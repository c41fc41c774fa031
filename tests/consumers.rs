//! The output formats and integration files, checked by the real tools that consume them:
//!
//! * SARIF: the official SARIF 2.1.0 JSON schema (Python `jsonschema`) and Microsoft's
//!   `Sarif.Multitool validate` with the SARIF and GitHub rule sets;
//! * `concise`: Vim's (or Neovim's) errorformat, in a headless editor;
//! * `github`: the workflow-command escaping, parsed back;
//! * `.pre-commit-hooks.yaml`: `pre-commit try-repo` and `prek try-repo` on a scratch repo;
//! * the repository's own Nix files (flake.nix, default.nix, nix/): `nix-instantiate --parse`
//!   and the linter itself.
//!
//! Tools are looked up on PATH; the npm packages in the `node_modules` directory named by
//! `NIXK8S_NODE_MODULES`. `bash .ci/run` installs all of them. Without a tool, its test prints
//! a note and passes, unless `CI` is set, in which case it fails.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

mod common;
use common::Scratch;

const BIN: &str = env!("CARGO_BIN_EXE_nixk8s-lint");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The errorformat for `--format concise` (`path:line:col: severity[rule] message`): the
/// first letter of the severity is the type (`e`, `w`, `i`), the text is `[rule] message`.
/// In a vimrc: `set errorformat=%f:%l:%c:\ %t%*[a-z]%m`.
const ERRORFORMAT: &str = "%f:%l:%c: %t%*[a-z]%m";

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// A consumer tool is missing: `None` after a note, or a panic when `CI` is set.
fn missing<T>(test: &str, what: &str, install: &str) -> Option<T> {
    if std::env::var_os("CI").is_some() {
        panic!("{test}: {what} is missing, and CI is set: {install} (bash .ci/run does)");
    }
    eprintln!("note: {what} is missing; skipping {test} ({install}, or run bash .ci/run)");
    None
}

/// The executable `name` on PATH.
fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        p.is_file()
    }
}

/// `name` on PATH, or [`missing`].
fn tool(test: &str, name: &str, install: &str) -> Option<PathBuf> {
    on_path(name).or_else(|| missing(test, &format!("`{name}` (on PATH)"), install))
}

/// The `node_modules` directory of `NIXK8S_NODE_MODULES`, if it has the SARIF multitool.
fn node_modules(test: &str) -> Option<PathBuf> {
    const INSTALL: &str = "npm install @microsoft/sarif-multitool into a directory and set \
                           NIXK8S_NODE_MODULES to its node_modules";
    let Some(dir) = std::env::var_os("NIXK8S_NODE_MODULES") else {
        return missing(test, "NIXK8S_NODE_MODULES", INSTALL);
    };
    let dir = PathBuf::from(dir);
    if !dir.join(SARIF_SCHEMA).is_file() {
        return missing(
            test,
            &format!("{SARIF_SCHEMA} under NIXK8S_NODE_MODULES={dir:?}"),
            INSTALL,
        );
    }
    Some(dir)
}

const SARIF_SCHEMA: &str = "@microsoft/sarif-multitool-linux/sarif-2.1.0.json";

fn describe(out: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Runs the linter in `cwd`.
fn lint<S: AsRef<OsStr>>(cwd: &Path, args: &[S]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .output()
        .expect("run nixk8s-lint")
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}):\n{}", describe(out)))
}

/// The diagnostics of `--format json` for `args` in `cwd`.
fn diagnostics<S: AsRef<OsStr>>(cwd: &Path, args: &[S]) -> Vec<Value> {
    let mut all: Vec<&OsStr> = vec![OsStr::new("--format"), OsStr::new("json")];
    all.extend(args.iter().map(AsRef::as_ref));
    let out = lint(cwd, &all);
    json_of(&out)["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .clone()
}

fn root() -> &'static Path {
    Path::new(ROOT)
}

// ---------------------------------------------------------------------------------------
// SARIF
// ---------------------------------------------------------------------------------------

/// Checks what the schema cannot: rule indices, relative URIs that resolve to the linted
/// files, 1-based regions equal to the JSON format's positions.
fn check_sarif(sarif: &Value, expected: &[Value], cwd: &Path) {
    assert_eq!(sarif["version"], "2.1.0");
    let runs = sarif["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1, "{sarif:#}");
    let run = &runs[0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let results = run["results"]
        .as_array()
        .unwrap_or_else(|| panic!("`results` must be an array, even when empty: {run:#}"));
    assert_eq!(results.len(), expected.len(), "{sarif:#}");

    let srcroot = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap_or_else(|| panic!("no %SRCROOT% in originalUriBaseIds: {run:#}"));
    let srcroot_path = srcroot
        .strip_prefix("file://")
        .unwrap_or_else(|| panic!("%SRCROOT% is not a file URI: {srcroot}"));
    assert!(
        srcroot.ends_with('/'),
        "%SRCROOT% must end in `/`: {srcroot}"
    );
    assert!(
        srcroot_path.starts_with('/'),
        "%SRCROOT% must be absolute: {srcroot}"
    );

    for (result, want) in results.iter().zip(expected) {
        let id = result["ruleId"].as_str().expect("ruleId");
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(
            rules.get(index).map(|r| &r["id"]),
            Some(&Value::from(id)),
            "ruleIndex {index} of a `{id}` result points at another rule"
        );
        assert_eq!(id, want["rule"]);
        let level = match want["severity"].as_str().unwrap() {
            "info" => "note",
            other => other,
        };
        assert_eq!(result["level"], level, "{result:#}");

        let locations = result["locations"].as_array().expect("locations");
        let related = result["relatedLocations"].as_array().cloned();
        assert_eq!(locations.len(), 1, "{result:#}");
        for (i, loc) in locations.iter().chain(related.iter().flatten()).enumerate() {
            let artifact = &loc["physicalLocation"]["artifactLocation"];
            let uri = artifact["uri"].as_str().expect("uri");
            assert!(
                !uri.starts_with('/') && !uri.starts_with("file:") && !uri.contains("://"),
                "uri must be relative to %SRCROOT%: {uri:?}"
            );
            assert_eq!(artifact["uriBaseId"], "%SRCROOT%", "{loc:#}");
            let file = Path::new(srcroot_path).join(uri);
            let linted = cwd.join(want["path"].as_str().unwrap());
            assert_eq!(
                file.canonicalize().ok(),
                linted.canonicalize().ok(),
                "%SRCROOT% + {uri:?} is not the linted file {linted:?}"
            );
            let region = &loc["physicalLocation"]["region"];
            let n = |k: &str| {
                region[k]
                    .as_u64()
                    .unwrap_or_else(|| panic!("{k}: {region}"))
            };
            assert!(n("startLine") >= 1 && n("startColumn") >= 1, "{region}");
            assert!(
                (n("endLine"), n("endColumn")) >= (n("startLine"), n("startColumn")),
                "{region}"
            );
            if i == 0 {
                let got = [
                    n("startLine"),
                    n("startColumn"),
                    n("endLine"),
                    n("endColumn"),
                ];
                let want_region =
                    ["line", "column", "end_line", "end_column"].map(|k| want[k].as_u64().unwrap());
                assert_eq!(
                    got, want_region,
                    "SARIF region vs JSON position: {result:#}"
                );
            }
        }
    }
}

/// SARIF of `args` in `cwd`: stdout must be the document and nothing else; `--output` must
/// write the same document and print nothing.
fn sarif_of(cwd: &Path, args: &[&str]) -> (String, Value) {
    let mut all = vec!["--format", "sarif"];
    all.extend(args);
    let out = lint(cwd, &all);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        describe(&out)
    );
    let text = String::from_utf8(out.stdout.clone()).expect("UTF-8");
    let doc = json_of(&out);
    assert!(
        text.starts_with('{') && text.ends_with("}\n"),
        "stdout holds more than the SARIF document:\n{text}"
    );

    let dir = Scratch::new("sarif-output");
    let file = dir.path().join("out.sarif");
    let mut with_output: Vec<&OsStr> = all.iter().map(OsStr::new).collect();
    with_output.extend([OsStr::new("--output"), file.as_os_str()]);
    let out2 = lint(cwd, &with_output);
    assert_eq!(out2.status.code(), out.status.code(), "{}", describe(&out2));
    assert!(
        out2.stdout.is_empty(),
        "stdout with --output: {}",
        describe(&out2)
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    (text, doc)
}

/// Validates the files with tests/support/validate_sarif.py; returns its error lines.
fn jsonschema_errors(python: &Path, schema: &Path, files: &[&Path]) -> Vec<String> {
    let out = Command::new(python)
        .arg(root().join("tests/support/validate_sarif.py"))
        .arg(schema)
        .args(files)
        .output()
        .expect("run python3");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        matches!(out.status.code(), Some(0 | 1)) && stderr.contains("validated"),
        "the validator itself failed: {}",
        describe(&out)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

/// A SARIF document the schema rejects: `startLine` 0 and a result without `message`.
const BROKEN_SARIF: &str = r#"{
  "version": "2.1.0",
  "runs": [{
    "tool": { "driver": { "name": "x", "rules": [{ "id": "r" }] } },
    "results": [{
      "ruleId": "r",
      "locations": [{ "physicalLocation": {
        "artifactLocation": { "uri": "a.nix" },
        "region": { "startLine": 0, "startColumn": 1 } } }]
    }]
  }]
}
"#;

#[test]
fn sarif_validates_against_the_official_schema() {
    const TEST: &str = "sarif_validates_against_the_official_schema";
    let Some(python) = tool(TEST, "python3", "install Python 3") else {
        return;
    };
    let has_jsonschema = Command::new(&python)
        .args(["-c", "import jsonschema"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !has_jsonschema {
        missing::<()>(
            TEST,
            "the Python package jsonschema",
            "pip install jsonschema",
        );
        return;
    }
    let Some(nm) = node_modules(TEST) else {
        return;
    };
    let schema = nm.join(SARIF_SCHEMA);

    let dir = Scratch::new("sarif-schema");
    // The example hosts: findings of three severities' worth of rules.
    let (hosts, hosts_doc) = sarif_of(root(), &["testdata/hosts"]);
    let expected = diagnostics(root(), &["testdata/hosts"]);
    assert_eq!(expected.len(), 4);
    check_sarif(&hosts_doc, &expected, root());

    // A clean file: `results` is an empty array, not missing.
    let clean_dir = Scratch::new("sarif-clean");
    clean_dir.write(
        "clean.nix",
        "{ services.kubernetes.roles = [ \"node\" ]; }\n",
    );
    let (clean, clean_doc) = sarif_of(clean_dir.path(), &["clean.nix"]);
    assert_eq!(
        clean_doc["runs"][0]["results"],
        serde_json::json!([]),
        "{clean}"
    );

    // Everything else: info severity, a user rule, a syntax error, a suppressed finding.
    let misc = misc_repo(ODD_MESSAGE);
    let (misc_text, misc_doc) = sarif_of(misc.path(), &["--show-suppressed", "."]);
    let misc_expected = diagnostics(misc.path(), &["--show-suppressed", "."]);
    check_sarif(&misc_doc, &misc_expected, misc.path());
    let rules: Vec<&str> = misc_expected
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    for rule in ["odd-message", "syntax-error", "mdns-hostname"] {
        assert!(rules.contains(&rule), "{rule} in {rules:?}");
    }
    assert!(
        misc_doc["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["suppressions"][0]["kind"] == "inSource"),
        "{misc_text}"
    );

    let files = [
        dir.write("hosts.sarif", &hosts),
        dir.write("clean.sarif", &clean),
        dir.write("misc.sarif", &misc_text),
    ];
    let errors = jsonschema_errors(
        &python,
        &schema,
        &files.iter().map(|p| p.as_path()).collect::<Vec<_>>(),
    );
    assert!(errors.is_empty(), "schema errors:\n{}", errors.join("\n"));

    // The validator is not vacuous.
    let broken = dir.write("broken.sarif", BROKEN_SARIF);
    let errors = jsonschema_errors(&python, &schema, &[&broken]);
    assert!(
        errors.iter().any(|e| e.contains("startLine"))
            && errors
                .iter()
                .any(|e| e.contains("'message' is a required property")),
        "the schema should reject the broken document: {errors:?}"
    );
}

#[test]
fn sarif_uri_of_a_file_outside_the_repository() {
    let dir = Scratch::new("sarif-outside");
    let file = dir.write("a.nix", PITFALL);
    // The checkout is a git work tree that does not contain the temp dir.
    let out = lint(
        root(),
        &[
            OsStr::new("--format"),
            OsStr::new("sarif"),
            file.as_os_str(),
        ],
    );
    let doc = json_of(&out);
    let artifact =
        &doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    let uri = artifact["uri"].as_str().expect("uri");
    let ok = if artifact["uriBaseId"].is_null() {
        uri.starts_with("file:///")
    } else {
        !uri.starts_with('/') && !uri.contains(':')
    };
    assert!(ok, "{artifact:#}");
}

/// `Sarif.Multitool validate --rule-kind "Gh;Sarif"`: the results of its report (it exits 0
/// whatever it finds).
fn multitool_findings(multitool: &Path, sarif: &Path) -> Vec<String> {
    let report = sarif.with_extension("report.sarif");
    let out = Command::new(multitool)
        .arg("validate")
        .args(["--rule-kind", "Gh;Sarif"])
        .arg(sarif)
        .arg("-o")
        .arg(&report)
        .args(["--log", "ForceOverwrite"])
        // The self-contained .NET app needs no ICU for this.
        .env("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
        .env("DOTNET_CLI_TELEMETRY_OPTOUT", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run Sarif.Multitool");
    assert!(out.status.success(), "{}", describe(&out));
    let text = std::fs::read_to_string(&report)
        .unwrap_or_else(|e| panic!("no report {report:?} ({e}): {}", describe(&out)));
    let v: Value = serde_json::from_str(&text).expect("the report is JSON");
    v["runs"][0]["results"]
        .as_array()
        .unwrap_or_else(|| panic!("report without runs[0].results: {text}"))
        .iter()
        .map(|r| {
            format!(
                "{} {}: {} at {}",
                r["level"].as_str().unwrap_or("?"),
                r["ruleId"].as_str().unwrap_or("?"),
                r["message"]["arguments"],
                r["locations"][0]["physicalLocation"]["region"]
            )
        })
        .collect()
}

#[test]
fn sarif_passes_the_sarif_multitool_with_github_rules() {
    const TEST: &str = "sarif_passes_the_sarif_multitool_with_github_rules";
    let Some(nm) = node_modules(TEST) else {
        return;
    };
    let multitool = nm.join("@microsoft/sarif-multitool-linux/Sarif.Multitool");
    if !multitool.is_file() {
        missing::<()>(
            TEST,
            &format!("{multitool:?}"),
            "npm install @microsoft/sarif-multitool (on Linux)",
        );
        return;
    }
    #[cfg(unix)]
    if !is_executable(&multitool) {
        // npm may skip the package's postinstall chmod.
        use std::os::unix::fs::PermissionsExt;
        let mut perm = std::fs::metadata(&multitool).unwrap().permissions();
        perm.set_mode(perm.mode() | 0o100);
        std::fs::set_permissions(&multitool, perm).expect("chmod u+x Sarif.Multitool");
    }

    let dir = Scratch::new("multitool");
    let (hosts, _) = sarif_of(root(), &["testdata/hosts"]);
    let clean_dir = Scratch::new("multitool-clean");
    clean_dir.write("clean.nix", "{ }\n");
    let (clean, _) = sarif_of(clean_dir.path(), &["clean.nix"]);
    let misc = misc_repo(ODD_MESSAGE);
    let (misc_text, _) = sarif_of(misc.path(), &["--show-suppressed", "."]);

    for (name, text) in [("hosts", &hosts), ("clean", &clean), ("misc", &misc_text)] {
        let file = dir.write(&format!("{name}.sarif"), text);
        let findings = multitool_findings(&multitool, &file);
        assert!(
            findings.is_empty(),
            "Sarif.Multitool on the {name} SARIF:\n{}\n{text}",
            findings.join("\n")
        );
    }

    // The validator is not vacuous.
    let broken = dir.write("broken.sarif", BROKEN_SARIF);
    let findings = multitool_findings(&multitool, &broken);
    assert!(
        !findings.is_empty(),
        "Sarif.Multitool finds nothing wrong with a broken document"
    );
}

/// The message of the user rule of [`misc_repo`], in TOML: `%`, `,`, `:`, CR and LF.
const ODD_MESSAGE: &str = r"100% odd: a, b\r\nthen {option} = {value}";

/// A repository with a user rule with `message` (a TOML basic string's contents) that fires
/// on one file twice (once on a single line, once across lines), an mDNS name on an info
/// severity with a suppressed twin, and a syntax error.
fn misc_repo(message: &str) -> Scratch {
    let dir = Scratch::new("misc");
    dir.write(
        "nixk8s-lint.toml",
        r#"
[rules.mdns-hostname]
severity = "info"

[[rule]]
name = "odd-message"
severity = "warning"
summary = "A message with characters that output formats must escape"
message = "MESSAGE"
help = "50%, then: more"
remediation = "Nothing."
explanation = "A test rule."
template = "option-value"

[rule.params]
option = "services.kubernetes.*.extraOpts"
fire-when = "present"
"#
        .replace("MESSAGE", message),
    );
    dir.write(
        "hosts/odd.nix",
        r#"{
  services.kubernetes.kubelet.extraOpts = "--v=2";
  services.kubernetes.apiserver.extraOpts = ''
    --v=2
  '';
}
"#,
    );
    dir.write(
        "hosts/mdns.nix",
        r#"{
  services.kubernetes.masterAddress = "cp1.local";
  services.kubernetes.kubelet.hostname = "node1.local"; # nixk8s-lint: ignore[mdns-hostname] in /etc/hosts
}
"#,
    );
    dir.write("hosts/broken.nix", "{ a = ; }\n");
    dir
}

// ---------------------------------------------------------------------------------------
// concise + Vim's errorformat
// ---------------------------------------------------------------------------------------

/// Reads `errors` into Vim's quickfix list with [`ERRORFORMAT`], in `cwd` (file names are
/// relative to it), and returns the entries as `{file, lnum, col, type, text, valid}`.
/// `work` holds the script and its output.
fn vim_quickfix(editor: &Path, cwd: &Path, work: &Path, errors: &Path) -> Vec<Value> {
    let quote = |p: &Path| format!("'{}'", p.to_str().unwrap().replace('\'', "''"));
    let out_file = work.join("quickfix.json");
    let script = work.join("quickfix.vim");
    std::fs::write(
        &script,
        format!(
            "let &errorformat = '{ERRORFORMAT}'\n\
             execute 'cgetfile ' . fnameescape({errors})\n\
             let s:out = []\n\
             for s:e in getqflist()\n\
             \x20 call add(s:out, {{'file': bufname(s:e.bufnr), 'lnum': s:e.lnum, 'col': s:e.col, \
             'type': s:e.type, 'text': s:e.text, 'valid': s:e.valid}})\n\
             endfor\n\
             call writefile([json_encode(s:out)], {out})\n\
             qall!\n",
            errors = quote(errors),
            out = quote(&out_file),
        ),
    )
    .unwrap();
    let out = Command::new(editor)
        .args(["-u", "NONE", "-i", "NONE", "-n", "-es"])
        .arg("-c")
        .arg(format!("source {}", script.to_str().unwrap()))
        .current_dir(cwd)
        .env_remove("VIMINIT")
        .env_remove("EXINIT")
        .stdin(Stdio::null())
        .output()
        .expect("run the editor");
    let text = std::fs::read_to_string(&out_file).unwrap_or_else(|e| {
        panic!(
            "{editor:?} wrote no quickfix list ({e}): {}",
            describe(&out)
        )
    });
    serde_json::from_str::<Vec<Value>>(&text).expect("quickfix JSON")
}

#[test]
fn concise_output_is_parsed_by_vim_errorformat() {
    const TEST: &str = "concise_output_is_parsed_by_vim_errorformat";
    let Some(editor) = on_path("vim").or_else(|| on_path("nvim")).or_else(|| {
        missing(
            TEST,
            "`vim` or `nvim` (on PATH)",
            "apt-get install vim-nox (or neovim)",
        )
    }) else {
        return;
    };

    // LF but no CR: see concise_lines_have_no_carriage_return.
    let misc = misc_repo(r"100% odd: a, b\nthen {option} = {value}");
    let work = Scratch::new("vim");
    let mut checked = 0;
    for (cwd, args) in [
        (root(), &["testdata/hosts"][..]),
        (misc.path(), &["hosts"][..]),
    ] {
        let errors = work.path().join("errors.txt");
        let mut all: Vec<&OsStr> = vec![OsStr::new("--format"), OsStr::new("concise")];
        all.extend(args.iter().map(OsStr::new));
        all.extend([OsStr::new("--output"), errors.as_os_str()]);
        let out = lint(cwd, &all);
        assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
        let expected = diagnostics(cwd, args);
        let quickfix = vim_quickfix(&editor, cwd, work.path(), &errors);
        let concise = std::fs::read_to_string(&errors).unwrap();
        assert_eq!(quickfix.len(), expected.len(), "{concise}\n{quickfix:#?}");
        for (q, d) in quickfix.iter().zip(&expected) {
            let severity = d["severity"].as_str().unwrap();
            let message = d["message"].as_str().unwrap().replace('\n', " ");
            let want = serde_json::json!({
                "file": d["path"],
                "lnum": d["line"],
                "col": d["column"],
                "type": &severity[..1],
                "text": format!("[{}] {message}", d["rule"].as_str().unwrap()),
                "valid": 1,
            });
            assert_eq!(q, &want, "errorformat {ERRORFORMAT:?} on:\n{concise}");
            checked += 1;
        }
    }
    assert!(checked >= 10, "{checked}");
}

#[test]
fn concise_lines_have_no_carriage_return() {
    let misc = misc_repo(ODD_MESSAGE);
    let out = lint(misc.path(), &["--format", "concise", "hosts"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\r'), "{text:?}");
}

// ---------------------------------------------------------------------------------------
// github
// ---------------------------------------------------------------------------------------

/// Undoes the workflow-command escaping (`%25`, `%0D`, `%0A`, `%3A`, `%2C`).
fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let code = rest
            .get(i + 1..i + 3)
            .unwrap_or_else(|| panic!("bad escape in {s:?}"));
        out.push(match code {
            "25" => '%',
            "0D" => '\r',
            "0A" => '\n',
            "3A" => ':',
            "2C" => ',',
            _ => panic!("unknown escape %{code} in {s:?}"),
        });
        rest = &rest[i + 3..];
    }
    out.push_str(rest);
    out
}

/// A workflow command `::name k=v,k=v::data`: its name, unescaped properties and data.
fn parse_command(line: &str) -> (String, BTreeMap<String, String>, String) {
    let body = line
        .strip_prefix("::")
        .unwrap_or_else(|| panic!("not a workflow command: {line:?}"));
    let (head, data) = body
        .split_once("::")
        .unwrap_or_else(|| panic!("no `::` before the message: {line:?}"));
    let (name, props) = head.split_once(' ').unwrap_or((head, ""));
    let props = props
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p
                .split_once('=')
                .unwrap_or_else(|| panic!("property without `=`: {p:?} in {line:?}"));
            (k.to_string(), unescape(v))
        })
        .collect();
    (name.to_string(), props, unescape(data))
}

#[test]
fn github_annotations_escape_and_parse_back() {
    let misc = misc_repo(ODD_MESSAGE);
    // A file name with every character that property values escape.
    let odd_name = "hosts/we,ird:50%.nix";
    std::fs::rename(
        misc.path().join("hosts/odd.nix"),
        misc.path().join(odd_name),
    )
    .unwrap();

    for (cwd, args) in [
        (misc.path(), &["hosts"][..]),
        (root(), &["testdata/hosts"][..]),
    ] {
        let mut all = vec!["--format", "github"];
        all.extend(args);
        let out = lint(cwd, &all);
        assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
        let text = String::from_utf8(out.stdout.clone()).unwrap();
        let expected = diagnostics(cwd, args);
        let lines: Vec<&str> = text.split('\n').filter(|l| !l.is_empty()).collect();
        assert_eq!(lines.len(), expected.len(), "one line per finding:\n{text}");
        assert!(!text.contains('\r'), "{text:?}");
        for (line, d) in lines.iter().zip(&expected) {
            let (name, props, message) = parse_command(line);
            let want_name = match d["severity"].as_str().unwrap() {
                "error" => "error",
                "warning" => "warning",
                "info" => "notice",
                s => panic!("severity {s}"),
            };
            assert_eq!(name, want_name, "{line}");
            let n = |k: &str| d[k].as_u64().unwrap().to_string();
            let mut want: BTreeMap<String, String> = [
                ("file", d["path"].as_str().unwrap().to_string()),
                ("line", n("line")),
                ("endLine", n("end_line")),
                ("title", d["rule"].as_str().unwrap().to_string()),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
            // Columns only for single-line ranges.
            if d["line"] == d["end_line"] {
                want.insert("col".into(), n("column"));
                want.insert("endColumn".into(), n("end_column"));
            }
            assert_eq!(props, want, "{line}");
            let mut want_message = d["message"].as_str().unwrap().to_string();
            if let Some(help) = d["help"].as_str() {
                want_message.push_str("\nhelp: ");
                want_message.push_str(help);
            }
            assert_eq!(message, want_message, "{line}");
        }
    }

    // The odd rule's lines, raw: every escape in place.
    let out = lint(misc.path(), &["--format", "github", odd_name]);
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0].starts_with("::warning file=hosts/we%2Cird%3A50%25.nix,line=2,endLine=2,col="),
        "{text}"
    );
    assert!(
        lines[0].contains(
            "::100%25 odd: a, b%0D%0Athen services.kubernetes.kubelet.extraOpts = --v=2%0A"
        ),
        "{text}"
    );
    assert!(lines[0].ends_with("%0Ahelp: 50%25, then: more"), "{text}");
    // Multi-line range: no columns.
    assert!(
        lines[1].starts_with(
            "::warning file=hosts/we%2Cird%3A50%25.nix,line=3,endLine=5,title=odd-message::"
        ),
        "{text}"
    );
}

#[test]
fn show_suppressed_marks_suppressed_findings_in_github_and_concise() {
    let misc = misc_repo(ODD_MESSAGE);
    for format in ["github", "concise"] {
        let out = lint(
            misc.path(),
            &["--show-suppressed", "--format", format, "hosts/mdns.nix"],
        );
        let text = String::from_utf8(out.stdout).unwrap();
        let line = text
            .lines()
            .find(|l| l.contains("node1.local"))
            .unwrap_or_else(|| panic!("no line for the suppressed finding:\n{text}"));
        assert!(line.contains("suppressed"), "{format}: {line}");
    }
}

// ---------------------------------------------------------------------------------------
// pre-commit and prek
// ---------------------------------------------------------------------------------------

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=nixk8s-lint tests",
            "-c",
            "user.email=tests@invalid",
        ])
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .stdin(Stdio::null())
        .output()
        .expect("run git");
    assert!(out.status.success(), "git {args:?}: {}", describe(&out));
    String::from_utf8(out.stdout).unwrap()
}

/// The hook repository to try: this checkout when it is committed as it is (as in CI),
/// otherwise a commit of its working tree (tracked and untracked, not ignored files) in
/// `scratch`, since `try-repo` would leave untracked files such as a new
/// `.pre-commit-hooks.yaml` out.
fn hook_repo(scratch: &Path) -> PathBuf {
    if git(root(), &["status", "--porcelain"]).trim().is_empty() {
        return root().to_path_buf();
    }
    eprintln!("note: the checkout has uncommitted changes; trying a commit of its working tree");
    let snapshot = scratch.join("hook-repo");
    std::fs::create_dir_all(&snapshot).unwrap();
    let files = git(
        root(),
        &[
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ],
    );
    for f in files.split('\0').filter(|f| !f.is_empty()) {
        let from = root().join(f);
        if from.is_file() {
            let to = snapshot.join(f);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(&from, &to).unwrap();
        }
    }
    git(&snapshot, &["init", "-q"]);
    git(&snapshot, &["add", "-A"]);
    git(&snapshot, &["commit", "-q", "-m", "working tree"]);
    snapshot
}

const PITFALL: &str = "{\n  services.kubernetes.masterAddress = \"cp1.local\";\n}\n";
const FIXED: &str = "{\n  services.kubernetes.masterAddress = \"cp1.internal\";\n}\n";

/// `<tool> try-repo <hook repo> nixk8s-lint --all-files` in a scratch repository with a
/// planted pitfall (must fail and show it), then with it fixed (must pass).
fn try_repo(test: &str, tool_path: &Path, home_var: &str) {
    let Some(_) = tool(test, "git", "apt-get install git") else {
        return;
    };
    let Some(_) = tool(test, "cargo", "install Rust") else {
        return;
    };
    let tmp = Scratch::new(test);
    let hooks = hook_repo(tmp.path());
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q"]);
    std::fs::create_dir_all(repo.join("hosts")).unwrap();
    std::fs::write(repo.join("hosts/cp.nix"), PITFALL).unwrap();
    // Not a Nix file: `types: [nix]` keeps it away from the hook.
    std::fs::write(repo.join("notes.txt"), PITFALL).unwrap();
    git(&repo, &["add", "-A"]);

    let expected = diagnostics(&repo, &["hosts/cp.nix"]);
    assert_eq!(expected.len(), 1, "{expected:?}");
    let position = format!(
        "hosts/cp.nix:{}:{}",
        expected[0]["line"], expected[0]["column"]
    );

    let run = || {
        let mut cmd = Command::new(tool_path);
        cmd.args(["try-repo", "--color", "never"])
            .arg(&hooks)
            .args(["nixk8s-lint", "--all-files"])
            .current_dir(&repo)
            .stdin(Stdio::null());
        for (k, _) in std::env::vars_os() {
            let k = k.to_string_lossy();
            if k.starts_with("GIT_") || (k.starts_with("CARGO_") && k != "CARGO_HOME") {
                cmd.env_remove(&*k);
            }
        }
        // Isolated from the user's hook cache (try-repo also installs the hook into a store
        // of its own, every time). CARGO_TARGET_DIR keeps the dependencies built by
        // `cargo install --path .` across runs, and the profile settings cut the build of
        // the linter itself from minutes (the release profile's LTO) to about one: what is
        // tested is how the hook is built and run, not how fast the binary is.
        cmd.env(home_var, tmp.path().join("home"))
            .env(
                "CARGO_TARGET_DIR",
                root().join("target/test-tools/hook-build"),
            )
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
            .env("CARGO_PROFILE_RELEASE_LTO", "off")
            .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "256");
        let out = cmd.output().expect("run try-repo");
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out, all)
    };

    let (out, all) = run();
    assert!(
        !out.status.success(),
        "the pitfall must fail the hook: {}",
        describe(&out)
    );
    assert!(
        all.contains(&position) && all.contains("mdns-hostname"),
        "the output should show {position} and the rule: {}",
        describe(&out)
    );
    assert!(all.contains("Failed"), "{}", describe(&out));
    assert!(
        !all.contains("notes.txt"),
        "a .txt file was linted: {}",
        describe(&out)
    );

    std::fs::write(repo.join("hosts/cp.nix"), FIXED).unwrap();
    git(&repo, &["add", "-A"]);
    let (out, all) = run();
    assert!(
        out.status.success(),
        "the fixed file must pass: {}",
        describe(&out)
    );
    assert!(all.contains("Passed"), "{}", describe(&out));
    assert!(!all.contains("mdns-hostname"), "{}", describe(&out));
}

#[test]
fn pre_commit_try_repo_runs_the_hook() {
    const TEST: &str = "pre_commit_try_repo_runs_the_hook";
    let Some(pre_commit) = tool(TEST, "pre-commit", "pip install pre-commit") else {
        return;
    };
    try_repo(TEST, &pre_commit, "PRE_COMMIT_HOME");
}

#[test]
fn prek_try_repo_runs_the_hook() {
    const TEST: &str = "prek_try_repo_runs_the_hook";
    let Some(prek) = tool(TEST, "prek", "pip install prek") else {
        return;
    };
    try_repo(TEST, &prek, "PREK_HOME");
}

#[test]
fn hooks_file_defines_the_check_and_fix_hooks() {
    let text = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap();
    let ids: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("- id: "))
        .map(str::trim)
        .collect();
    assert_eq!(ids, ["nixk8s-lint", "nixk8s-lint-fix"], "{text}");
    assert!(
        text.lines().any(|l| l.trim() == "args: [check, --fix]"),
        "{text}"
    );
    for line in [
        "entry: nixk8s-lint",
        "args: [check]",
        "language: rust",
        "types: [nix]",
        "require_serial: false",
    ] {
        assert!(
            text.lines().any(|l| l.trim() == line),
            "missing `{line}`:\n{text}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// The repository's own Nix files
// ---------------------------------------------------------------------------------------

/// Every `*.nix` file git tracks outside testdata/, relative to the root (local fuzzing
/// corpora and build outputs are not the repository's).
fn own_nix_files() -> Vec<PathBuf> {
    let out = Command::new("git")
        .args(["ls-files", "-z", "--", "*.nix", ":!testdata"])
        .current_dir(root())
        .output()
        .expect("run git ls-files");
    assert!(out.status.success(), "git ls-files: {}", describe(&out));
    out.stdout
        .split(|&b| b == 0)
        .filter(|f| !f.is_empty())
        .map(|f| PathBuf::from(String::from_utf8_lossy(f).into_owned()))
        .collect()
}

#[test]
fn own_nix_files_parse_and_lint_clean() {
    const TEST: &str = "own_nix_files_parse_and_lint_clean";
    let Some(nix) = tool(TEST, "nix-instantiate", "apt-get install nix-bin") else {
        return;
    };
    let files = own_nix_files();
    for f in ["flake.nix", "default.nix", "nix/package.nix"] {
        assert!(files.contains(&PathBuf::from(f)), "{f} in {files:?}");
    }

    let state = Scratch::new("nix-state");
    for f in &files {
        let out = Command::new(&nix)
            .arg("--parse")
            .arg(f)
            .current_dir(root())
            .env("NIX_STATE_DIR", state.path().join("state"))
            .env("HOME", state.path().join("home"))
            .env("XDG_CACHE_HOME", state.path().join("cache"))
            .env("XDG_CONFIG_HOME", state.path().join("config"))
            .env("NIX_CONFIG", "build-users-group =")
            .env_remove("NIX_REMOTE")
            .stdin(Stdio::null())
            .output()
            .expect("run nix-instantiate");
        assert!(
            out.status.success(),
            "nix-instantiate --parse {f:?}: {}",
            describe(&out)
        );
    }

    let out = lint(root(), &files);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let json = diagnostics(root(), &files);
    assert!(json.is_empty(), "{json:#?}");
}
