//! Configuration for each linted file: discovery of `nixk8s-lint.toml` (the closest one
//! up from the file wins), user rules, and the resulting linter.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, termcolor::Buffer};

use nixk8s_lint::config::{Config, FILE_NAMES};
use nixk8s_lint::rules::{self, Level, Rule, RuleSet, RuleSpans};
use nixk8s_lint::{Linter, Selection};

use super::args::{CheckArgs, ConfigArgs};
use super::discover::Listed;

/// An error in a configuration or rule file, at a span of it when there is one.
#[derive(Debug)]
pub struct ConfigError {
    pub file: PathBuf,
    pub text: String,
    pub span: Option<Range<usize>>,
    pub message: String,
}

impl ConfigError {
    fn at(
        file: &Path,
        text: &str,
        span: Option<Range<usize>>,
        message: impl Into<String>,
    ) -> ConfigError {
        ConfigError {
            file: file.to_path_buf(),
            text: text.to_string(),
            span,
            message: message.into(),
        }
    }

    /// Renders like a diagnostic: file, line and column, the line, what was expected.
    pub fn render(&self, color: bool) -> Vec<u8> {
        if self.file.as_os_str().is_empty() {
            return format!("nixk8s-lint: error: {}\n", self.message).into_bytes();
        }
        let mut buf = if color {
            Buffer::ansi()
        } else {
            Buffer::no_color()
        };
        let name = self.file.display().to_string();
        let file = SimpleFile::new(name.as_str(), self.text.as_str());
        let labels = self
            .span
            .iter()
            .map(|s| Label::primary((), s.clone()))
            .collect();
        let diag = CsDiagnostic::error()
            .with_message(&self.message)
            .with_labels(labels)
            .with_notes(match self.span {
                None => vec![format!("in {name}")],
                Some(_) => vec![],
            });
        term::emit_to_write_style(&mut buf, &term::Config::default(), &file, &diag)
            .expect("rendering into memory");
        buf.into_inner()
    }
}

/// What applies to the files under one configuration.
pub struct Resolved {
    /// The configuration file's directory (exclusion globs are relative to it).
    pub dir: Option<PathBuf>,
    pub config: Config,
    pub linter: Arc<Linter>,
}

impl Resolved {
    pub fn excludes(&self, path: &Path) -> bool {
        let Some(dir) = &self.dir else { return false };
        normalize(path)
            .strip_prefix(dir)
            .is_ok_and(|rel| self.config.excludes(rel))
    }
}

/// Resolves and caches the configuration of each directory.
pub struct Settings {
    config_args: ConfigArgs,
    /// Where the selection came from, for its error messages.
    selection_origin: &'static str,
    selection: Selection,
    by_dir: HashMap<PathBuf, Option<PathBuf>>,
    /// The same answers by a file's directory as written, which saves normalizing the
    /// path of every file.
    by_written_dir: HashMap<PathBuf, Option<PathBuf>>,
    /// What the walk saw of each directory.
    listed: Listed,
    by_file: HashMap<Option<PathBuf>, Arc<Resolved>>,
    /// The last file's directory and configuration: a walk yields a directory's files
    /// one after another.
    last: Option<(PathBuf, Arc<Resolved>)>,
}

impl Settings {
    /// Checks the command line's rule options, then resolves configurations lazily.
    pub fn new(args: &CheckArgs) -> Result<Settings, String> {
        let mut levels = vec![];
        for s in &args.severity {
            let (rule, level) = s
                .split_once('=')
                .ok_or_else(|| format!("--severity `{s}`: expected RULE=LEVEL"))?;
            let level: Level = level
                .parse()
                .map_err(|e| format!("--severity `{s}`: {e}"))?;
            levels.push((rule.to_string(), level));
        }
        let selection = Selection {
            select: args.select.clone(),
            ignore: args.ignore.clone(),
            levels,
        };
        Ok(Settings::with_selection(
            args.config.clone(),
            selection,
            "--select/--ignore/--severity",
        ))
    }

    pub fn for_config_args(config_args: &ConfigArgs) -> Settings {
        Settings::with_selection(config_args.clone(), Selection::default(), "")
    }

    pub fn with_selection(
        config_args: ConfigArgs,
        selection: Selection,
        selection_origin: &'static str,
    ) -> Settings {
        Settings {
            config_args,
            selection_origin,
            selection,
            by_dir: HashMap::new(),
            by_written_dir: HashMap::new(),
            listed: Listed::default(),
            by_file: HashMap::new(),
            last: None,
        }
    }

    /// Takes what a walk saw, to look for configuration files only where it saw them.
    pub fn learn(&mut self, listed: Listed) {
        self.listed = listed;
    }

    /// Forgets every configuration read so far.
    pub fn reload(&mut self) {
        self.by_dir.clear();
        self.by_written_dir.clear();
        self.listed = Listed::default();
        self.by_file.clear();
        self.last = None;
    }

    /// The configuration that applies to a file (or, for `None`, to the current directory).
    pub fn for_path(&mut self, path: Option<&Path>) -> Result<Arc<Resolved>, ConfigError> {
        // A file's configuration depends on its directory only.
        let dir = path.map(|p| p.parent().unwrap_or(Path::new("")));
        if let (Some(dir), Some((last, resolved))) = (dir, &self.last)
            && dir == last
        {
            return Ok(resolved.clone());
        }
        let config_file = self.config_file(path);
        let resolved = match self.by_file.get(&config_file) {
            Some(r) => r.clone(),
            None => {
                let resolved = Arc::new(self.load(config_file.as_deref())?);
                self.by_file.insert(config_file, resolved.clone());
                resolved
            }
        };
        if let Some(dir) = dir {
            self.last = Some((dir.to_path_buf(), resolved.clone()));
        }
        Ok(resolved)
    }

    fn config_file(&mut self, path: Option<&Path>) -> Option<PathBuf> {
        if self.config_args.isolated {
            return None;
        }
        if let Some(c) = &self.config_args.config {
            return Some(c.clone());
        }
        let Some(path) = path else {
            return self.config_file_in(&std::env::current_dir().ok()?);
        };
        // Up through the directories the walk saw without a configuration file of their
        // own, to one whose answer is known or must be looked up.
        let mut dir = path.parent().unwrap_or(Path::new(""));
        let mut chain = vec![];
        let found = loop {
            if let Some(found) = self.by_written_dir.get(dir) {
                break found.clone();
            }
            chain.push(dir.to_path_buf());
            match dir.parent() {
                Some(parent) if self.listed.lacks_config(dir) => dir = parent,
                _ => break self.config_file_in(&normalize(&Path::new(".").join(dir))),
            }
        };
        for dir in chain {
            self.by_written_dir.insert(dir, found.clone());
        }
        found
    }

    /// The configuration file that applies in the absolute directory `start`.
    fn config_file_in(&mut self, start: &Path) -> Option<PathBuf> {
        // Look in each directory once: the answer for a directory without a file of its
        // own is its parent's, and every directory on the way is remembered.
        let mut unknown = vec![];
        let mut found = None;
        for dir in start.ancestors() {
            if let Some(known) = self.by_dir.get(dir) {
                found = known.clone();
                break;
            }
            unknown.push(dir.to_path_buf());
            let here = FILE_NAMES.iter().map(|n| dir.join(n)).find(|f| f.is_file());
            if here.is_some() {
                found = here;
                break;
            }
        }
        for dir in unknown {
            self.by_dir.insert(dir, found.clone());
        }
        found
    }

    fn load(&self, config_file: Option<&Path>) -> Result<Resolved, ConfigError> {
        let Some(file) = config_file else {
            let rules = RuleSet::builtin();
            let linter = Linter::with_selection(rules, &self.selection)
                .map_err(|e| usage(self.selection_origin, e))?;
            return Ok(Resolved {
                dir: None,
                config: Config::default(),
                linter: Arc::new(linter),
            });
        };
        let text = std::fs::read_to_string(file).map_err(|e| {
            ConfigError::at(
                file,
                "",
                None,
                format!("cannot read configuration file: {e}"),
            )
        })?;
        let config = Config::parse(&text)
            .map_err(|e| ConfigError::at(file, &text, Some(e.span), e.message))?;
        let dir = normalize(file).parent().map(Path::to_path_buf);
        let rules = load_rules(file, &text, &config)?;
        let known = rules.known_names();
        let mut selection = Selection {
            levels: vec![],
            ..self.selection.clone()
        };
        for level in &config.levels {
            let (name, l) = &level.value;
            if !known.contains(name) {
                let message = rules::unknown_rule_message(name, &known);
                return Err(ConfigError::at(
                    file,
                    &text,
                    Some(level.span.clone()),
                    message,
                ));
            }
            selection.levels.push((name.clone(), *l));
        }
        selection
            .levels
            .extend(self.selection.levels.iter().cloned());
        let linter = Linter::with_selection(rules, &selection)
            .map_err(|e| usage(self.selection_origin, e))?;
        Ok(Resolved {
            dir,
            config,
            linter: Arc::new(linter),
        })
    }
}

/// A command-line rule name that is unknown: not the config file's fault.
fn usage(origin: &str, message: String) -> ConfigError {
    let message = format!("{origin}: {message}");
    ConfigError {
        file: PathBuf::new(),
        text: String::new(),
        span: None,
        message,
    }
}

/// The built-in rules plus the configuration's user rules (from `rule-dirs` and `[[rule]]`).
pub fn load_rules(
    config_file: &Path,
    config_text: &str,
    config: &Config,
) -> Result<RuleSet, ConfigError> {
    let mut set = RuleSet::builtin();
    let builtin: Vec<String> = set.rules.iter().map(|r| r.name().to_string()).collect();
    let base = config_file.parent().unwrap_or(Path::new("."));
    let add = |rule: Rule, at: ConfigError, set: &mut RuleSet| {
        let name = rule.name().to_string();
        if builtin.contains(&name) {
            return Err(ConfigError {
                message: format!("user rule `{name}` has the name of a built-in rule"),
                ..at
            });
        }
        if set.get(&name).is_some() {
            return Err(ConfigError {
                message: format!("user rule `{name}` is defined twice"),
                ..at
            });
        }
        set.rules.push(rule);
        Ok(())
    };
    for dir in &config.rule_dirs {
        let path = base.join(&dir.value);
        for file in rule_files(&path).map_err(|e| {
            let message = format!("cannot read rule directory `{}`: {e}", path.display());
            ConfigError::at(config_file, config_text, Some(dir.span.clone()), message)
        })? {
            let (rule, text) = read_rule(&file)?;
            let spans: RuleSpans = toml::from_str(&text).unwrap_or_default();
            let at = ConfigError::at(&file, &text, spans.of("name"), "");
            add(rule, at, &mut set)?;
        }
    }
    for inline in &config.inline_rules {
        let at = ConfigError::at(config_file, config_text, Some(inline.span.clone()), "");
        let rule = Rule::new(inline.value.clone()).map_err(|e| {
            let span = rules::narrow_span(config_text, inline.span.clone(), e.key, &e.message);
            ConfigError {
                message: e.message.clone(),
                span: Some(span),
                ..at
            }
        })?;
        let at = ConfigError::at(config_file, config_text, Some(inline.span.clone()), "");
        add(rule, at, &mut set)?;
    }
    Ok(set)
}

/// The `*.toml` files of a directory, sorted; a file is itself.
pub fn rule_files(path: &Path) -> std::io::Result<Vec<PathBuf>> {
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    Ok(files)
}

/// Reads and parses one rule file.
pub fn read_rule(file: &Path) -> Result<(Rule, String), ConfigError> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| ConfigError::at(file, "", None, format!("cannot read rule file: {e}")))?;
    match Rule::parse_located(&text) {
        Ok(rule) => Ok((rule, text)),
        Err(e) => Err(ConfigError::at(file, &text, e.span, e.message)),
    }
}

/// The absolute form of a path with `.` and `..` resolved lexically (symlinks are not
/// followed: `hosts/edge/../n.nix` is `hosts/n.nix`, as a person reads it).
pub fn normalize(path: &Path) -> PathBuf {
    // The working directory, read once: it does not change while the linter runs.
    static CWD: OnceLock<Option<PathBuf>> = OnceLock::new();
    let abs = match CWD.get_or_init(|| std::env::current_dir().ok()) {
        Some(cwd) if path.is_relative() => cwd.join(path),
        _ => path.to_path_buf(),
    };
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}
