//! Command lines: splitting strings into argv words the way systemd and the shell do,
//! deciding which component an argv runs, and parsing its flags.

use rnix::TextRange;

use super::value::{Piece, Str};

/// One argv word, or text of unknown content that may expand to any number of words.
#[derive(Clone, Debug)]
pub enum Arg {
    Word(Str),
    Opaque(TextRange),
}

impl Arg {
    pub fn word(&self) -> Option<&Str> {
        match self {
            Arg::Word(s) => Some(s),
            Arg::Opaque(_) => None,
        }
    }
}

enum Token {
    Arg(Arg),
    /// `;`, `&&`, `||`, `|`, `&` or an unescaped newline in a shell script.
    Separator,
}

/// Splits a string into words: whitespace separates, `'...'` and `"..."` quote, `\` escapes
/// and `\` + newline continues the line. An interpolation standing alone may be several
/// words and becomes [`Arg::Opaque`].
pub fn split_words(s: &Str) -> Vec<Arg> {
    tokens(s, false)
        .into_iter()
        .filter_map(|t| match t {
            Token::Arg(a) => Some(a),
            Token::Separator => None,
        })
        .collect()
}

/// Splits a shell script into simple commands (argv each), dropping comments,
/// `exec` and leading variable assignments.
pub fn split_script(s: &Str) -> Vec<Vec<Arg>> {
    let mut commands = vec![];
    let mut cur: Vec<Arg> = vec![];
    for t in tokens(s, true) {
        match t {
            Token::Arg(a) => {
                let skip = cur.is_empty()
                    && a.word()
                        .and_then(Str::known)
                        .is_some_and(|w| w == "exec" || is_assignment(&w));
                if !skip {
                    cur.push(a);
                }
            }
            Token::Separator => {
                if !cur.is_empty() {
                    commands.push(std::mem::take(&mut cur));
                }
            }
        }
    }
    if !cur.is_empty() {
        commands.push(cur);
    }
    commands
}

fn is_assignment(w: &str) -> bool {
    w.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

struct WordBuilder {
    pieces: Vec<Piece>,
    started: bool,
    holes: usize,
    quoted: bool,
}

impl WordBuilder {
    fn new() -> Self {
        WordBuilder {
            pieces: vec![],
            started: false,
            holes: 0,
            quoted: false,
        }
    }

    fn finish(&mut self, out: &mut Vec<Token>) {
        if !self.started {
            return;
        }
        let pieces = std::mem::take(&mut self.pieces);
        let lone_hole = !self.quoted && self.holes == 1 && pieces.len() == 1;
        out.push(Token::Arg(if lone_hole {
            Arg::Opaque(pieces[0].range())
        } else {
            Arg::Word(Str::from_pieces(pieces))
        }));
        *self = WordBuilder::new();
    }
}

fn tokens(s: &Str, shell: bool) -> Vec<Token> {
    let mut out = vec![];
    let mut w = WordBuilder::new();
    let mut quote: Option<char> = None;
    let mut comment = false;
    for (i, piece) in s.pieces.iter().enumerate() {
        let text = match piece {
            Piece::Hole { .. } => {
                if !comment {
                    w.pieces.push(piece.clone());
                    w.started = true;
                    w.holes += 1;
                }
                continue;
            }
            Piece::Text { text, .. } => text,
        };
        let mut run: Option<usize> = None;
        let flush = |w: &mut WordBuilder, run: &mut Option<usize>, end: usize| {
            if let Some(start) = run.take()
                && start < end
            {
                w.pieces.push(s.slice_piece(i, start, end));
            }
        };
        let mut chars = text.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            if comment {
                if c == '\n' {
                    comment = false;
                    out.push(Token::Separator);
                }
                continue;
            }
            match (quote, c) {
                (None, c) if c.is_whitespace() => {
                    flush(&mut w, &mut run, at);
                    w.finish(&mut out);
                    if shell && c == '\n' {
                        out.push(Token::Separator);
                    }
                }
                (None, '#') if shell && !w.started => comment = true,
                (None, ';' | '&' | '|') if shell => {
                    flush(&mut w, &mut run, at);
                    w.finish(&mut out);
                    out.push(Token::Separator);
                }
                (None, '\'' | '"') => {
                    flush(&mut w, &mut run, at);
                    quote = Some(c);
                    w.started = true;
                    w.quoted = true;
                }
                (Some(q), c) if c == q => {
                    flush(&mut w, &mut run, at);
                    quote = None;
                }
                (q, '\\') if q != Some('\'') => {
                    flush(&mut w, &mut run, at);
                    match chars.next() {
                        // A line continuation: inside quotes it joins the lines,
                        // outside it separates words.
                        Some((_, '\n')) if quote.is_some() => {}
                        Some((_, '\n')) => w.finish(&mut out),
                        Some((next_at, _)) => {
                            run = Some(next_at);
                            w.started = true;
                        }
                        None => {}
                    }
                }
                _ => {
                    if run.is_none() {
                        run = Some(at);
                    }
                    w.started = true;
                }
            }
        }
        flush(&mut w, &mut run, text.len());
    }
    w.finish(&mut out);
    out
}

/// The components a command line can run, by executable name.
const COMPONENTS: &[&str] = &[
    "kubelet",
    "kube-apiserver",
    "kube-controller-manager",
    "kube-scheduler",
    "kube-proxy",
    "k3s",
    "rke2",
    "etcd",
];

/// The component an argv runs, decided by its executable's file name (`.../bin/kubelet`),
/// with the argv index where its own arguments start. `hyperkube kubelet ...` is looked
/// through.
pub fn component(argv: &[Arg]) -> Option<(&'static str, usize)> {
    let exe = basename(argv.first()?.word()?)?;
    if exe == "hyperkube" {
        let sub = argv.get(1)?.word()?.known()?;
        let name = if sub.starts_with("kube") {
            sub
        } else {
            format!("kube-{sub}")
        };
        return COMPONENTS.iter().find(|c| **c == name).map(|c| (*c, 2));
    }
    COMPONENTS.iter().find(|c| **c == exe).map(|c| (*c, 1))
}

fn basename(word: &Str) -> Option<String> {
    let suffix = word.known_suffix();
    match suffix.rsplit_once('/') {
        Some((_, base)) => Some(base.to_string()),
        // Without a slash the whole word must be known: `kubelet`, not `${x}kubelet`.
        None => word.known(),
    }
}

/// A flag occurrence: `--name=value` or `--name value`.
#[derive(Clone, Debug)]
pub struct Flag {
    pub name: String,
    pub name_range: TextRange,
    pub value: Option<Str>,
    /// Index of the flag's word in the argv.
    pub index: usize,
}

/// Parses the flags of `args` (pflag syntax). A word after a flag without `=` is taken as
/// its value unless it starts with `-`.
pub fn flags(args: &[Arg]) -> Vec<Flag> {
    let mut out = vec![];
    let mut i = 0;
    while i < args.len() {
        let Some(word) = args[i].word() else {
            i += 1;
            continue;
        };
        let prefix = word.known_prefix();
        if !prefix.starts_with("--") || prefix.len() == 2 {
            i += 1;
            continue;
        }
        let fallback = word.pieces[0].range();
        if let Some(eq) = prefix.find('=') {
            out.push(Flag {
                name: prefix[..eq].to_string(),
                name_range: word.locate(0, eq).unwrap_or(fallback),
                value: Some(word.drop_prefix(eq + 1)),
                index: i,
            });
            i += 1;
            continue;
        }
        let name = match word.known() {
            Some(n) => n,
            None => {
                // `--${name}`: a flag whose name is unknown.
                i += 1;
                continue;
            }
        };
        let value = match args.get(i + 1) {
            Some(Arg::Word(v)) if !v.known_prefix().starts_with('-') => Some(v.clone()),
            _ => None,
        };
        let consumed = if value.is_some() { 2 } else { 1 };
        out.push(Flag {
            name_range: word.locate(0, name.len()).unwrap_or(fallback),
            name,
            value,
            index: i,
        });
        i += consumed;
    }
    out
}

/// Flags whose repeated occurrences accumulate (pflag `StringSlice`/`StringToString`
/// types); any other flag is a scalar whose last occurrence wins.
const ACCUMULATING: &[(&str, &str)] = &[
    ("kube-apiserver", "--authorization-mode"),
    ("kube-apiserver", "--enable-admission-plugins"),
    ("kube-apiserver", "--disable-admission-plugins"),
    ("kube-apiserver", "--etcd-servers"),
    ("kube-apiserver", "--api-audiences"),
    ("kube-apiserver", "--service-account-key-file"),
    ("kube-apiserver", "--cors-allowed-origins"),
    ("kube-apiserver", "--tls-sni-cert-key"),
    ("kube-apiserver", "--runtime-config"),
    ("kubelet", "--cluster-dns"),
    ("kubelet", "--node-labels"),
    ("kubelet", "--register-with-taints"),
    ("kubelet", "--eviction-hard"),
    ("kubelet", "--kube-reserved"),
    ("kubelet", "--system-reserved"),
    ("kubelet", "--allowed-unsafe-sysctls"),
    ("kube-controller-manager", "--controllers"),
    ("k3s", "--tls-san"),
    ("k3s", "--kubelet-arg"),
    ("k3s", "--kube-apiserver-arg"),
    ("k3s", "--disable"),
    ("k3s", "--node-label"),
    ("k3s", "--node-taint"),
];

/// Every component's `--feature-gates` and `--tls-cipher-suites` accumulate too.
const ACCUMULATING_EVERYWHERE: &[&str] = &["--feature-gates", "--tls-cipher-suites"];

/// Whether repeated occurrences of `flag` accumulate for `component`.
pub fn accumulates(component: &str, flag: &str) -> bool {
    ACCUMULATING_EVERYWHERE.contains(&flag)
        || ACCUMULATING
            .iter()
            .any(|(c, f)| *c == component && *f == flag)
}

/// A flag's effective comma-separated items from its occurrences' items, as pflag combines
/// them: an accumulating flag's first occurrence replaces the default and later ones
/// append; a scalar flag takes the last occurrence. No occurrence leaves the default.
pub fn combine(accumulating: bool, default: &[String], occurrences: &[Vec<String>]) -> Vec<String> {
    match occurrences {
        [] => default.to_vec(),
        _ if accumulating => occurrences.concat(),
        [.., last] => last.clone(),
    }
}
