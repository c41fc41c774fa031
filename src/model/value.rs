//! Values of the partial evaluator. Every value that came from source keeps its range.

use std::collections::BTreeMap;
use std::rc::Rc;

use rnix::TextRange;

/// Index of a lazily evaluated expression in the evaluator's arena.
pub type ThunkId = u32;

/// A value as far as the model can know it.
#[derive(Clone, Debug)]
pub enum Value {
    /// Anything the model cannot know: rules stay silent on it.
    Unknown,
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Str),
    Path(Str),
    List(Rc<[Elem]>),
    Attrs(Rc<Attrs>),
    Lambda(Rc<Closure>),
    /// A known `lib`/`builtins` function, possibly partially applied.
    Func(Rc<Partial>),
    /// The `lib` attrset (or `builtins`).
    Lib,
    /// The `pkgs` attrset.
    Pkgs,
    /// `pkgs.<attr path>`, e.g. `util-linux` or `unixtools.mount`.
    Package(Rc<str>),
    /// `lib.mkIf cond x`; `cond` is `None` when unknown.
    Cond {
        cond: Option<bool>,
        inner: ThunkId,
    },
    /// `lib.mkMerge [ ... ]`.
    Merge(Rc<[Elem]>),
    /// `lib.mkOverride prio x` and friends.
    Prio {
        prio: i64,
        inner: ThunkId,
    },
    /// `lib.mkOrder order x` (`mkBefore` = 500, `mkAfter` = 1500).
    Order {
        order: i64,
        inner: ThunkId,
    },
}

impl Value {
    pub fn as_str(&self) -> Option<&Str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_attrs(&self) -> Option<&Attrs> {
        match self {
            Value::Attrs(a) => Some(a),
            _ => None,
        }
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown)
    }

    /// A short name of the value's type, as Nix's error messages say it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Unknown => "unknown",
            Value::Null => "null",
            Value::Bool(_) => "a Boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a float",
            Value::Str(_) => "a string",
            Value::Path(_) => "a path",
            Value::List(_) => "a list",
            Value::Attrs(_) => "an attribute set",
            Value::Lambda(_) | Value::Func(_) => "a function",
            Value::Lib | Value::Pkgs => "an attribute set",
            Value::Package(_) => "a package",
            Value::Cond { .. } | Value::Merge(_) | Value::Prio { .. } | Value::Order { .. } => {
                "a module property"
            }
        }
    }
}

/// One element of a list: a value, or a splice of unknown length (`xs ++ unknown`).
#[derive(Clone, Copy, Debug)]
pub enum Elem {
    One(ThunkId),
    Splice(TextRange),
}

/// An attribute key: known text, or partly known (`"${name}.d"`).
#[derive(Clone, Debug)]
pub enum Key {
    Known(Rc<str>),
    Partial(Str),
}

impl Key {
    pub fn known(&self) -> Option<&str> {
        match self {
            Key::Known(k) => Some(k),
            Key::Partial(_) => None,
        }
    }

    /// The key as a string that may contain holes.
    pub fn to_str(&self, range: TextRange) -> Str {
        match self {
            Key::Known(k) => Str::text(k, range, false),
            Key::Partial(s) => s.clone(),
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Entry {
    pub key_range: TextRange,
    pub value: ThunkId,
}

/// An attribute set. `open` means it may hold more keys than listed (`unknown // { ... }`).
#[derive(Clone, Debug, Default)]
pub struct Attrs {
    pub known: BTreeMap<Rc<str>, Entry>,
    pub partial: Vec<(Str, Entry)>,
    pub open: bool,
}

impl Attrs {
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.known.get(key)
    }

    /// Whether `key` is certainly absent.
    pub fn surely_lacks(&self, key: &str) -> bool {
        !self.open && self.partial.is_empty() && !self.known.contains_key(key)
    }
}

#[derive(Debug)]
pub struct Closure {
    pub lambda: rnix::ast::Lambda,
    pub scope: crate::model::eval::ScopeId,
}

#[derive(Debug)]
pub struct Partial {
    pub func: crate::model::libfns::LibFn,
    pub args: Vec<ThunkId>,
}

/// A string that may be partly unknown: literal pieces (with their source) and holes.
#[derive(Clone, Debug, Default)]
pub struct Str {
    pub pieces: Rc<[Piece]>,
}

#[derive(Clone, Debug)]
pub enum Piece {
    /// Known text. `verbatim` means the text is exactly the source at `range`, so a
    /// byte offset into the text is the same offset into the source.
    Text {
        text: Rc<str>,
        range: TextRange,
        verbatim: bool,
    },
    /// Unknown text; `package` names the package when it is `"${pkgs.foo}"`.
    Hole {
        range: TextRange,
        package: Option<Rc<str>>,
    },
}

impl Piece {
    pub fn range(&self) -> TextRange {
        match self {
            Piece::Text { range, .. } | Piece::Hole { range, .. } => *range,
        }
    }
}

impl Str {
    pub fn text(text: &str, range: TextRange, verbatim: bool) -> Str {
        Str::from_pieces(vec![Piece::Text {
            text: text.into(),
            range,
            verbatim,
        }])
    }

    pub fn hole(range: TextRange, package: Option<Rc<str>>) -> Str {
        Str::from_pieces(vec![Piece::Hole { range, package }])
    }

    pub fn from_pieces(pieces: Vec<Piece>) -> Str {
        Str {
            pieces: pieces.into(),
        }
    }

    pub fn concat(&self, other: &Str) -> Str {
        let mut v: Vec<Piece> = self.pieces.to_vec();
        v.extend(other.pieces.iter().cloned());
        Str::from_pieces(v)
    }

    /// The strings with `sep` between them, in one copy (as `concatStringsSep`).
    pub fn join(words: &[Str], sep: &Str) -> Str {
        let mut pieces: Vec<Piece> = vec![];
        for (i, w) in words.iter().enumerate() {
            if i > 0 {
                pieces.extend(sep.pieces.iter().cloned());
            }
            pieces.extend(w.pieces.iter().cloned());
        }
        Str::from_pieces(pieces)
    }

    /// The whole text, when no part of it is unknown.
    pub fn known(&self) -> Option<String> {
        let mut out = String::new();
        for p in self.pieces.iter() {
            match p {
                Piece::Text { text, .. } => out.push_str(text),
                Piece::Hole { .. } => return None,
            }
        }
        Some(out)
    }

    pub fn is_empty(&self) -> bool {
        self.pieces
            .iter()
            .all(|p| matches!(p, Piece::Text { text, .. } if text.is_empty()))
    }

    /// The range covering all non-empty pieces (pieces may come from several places; this
    /// spans the first piece's start to the last piece's end when they are in order, else
    /// it is the first piece's range).
    pub fn range(&self) -> Option<TextRange> {
        let mut pieces = self
            .pieces
            .iter()
            .filter(|p| !matches!(p, Piece::Text { text, .. } if text.is_empty()));
        let first = pieces.next()?.range();
        let last = pieces.next_back().map_or(first, Piece::range);
        Some(if first.start() <= last.end() {
            first.cover(last)
        } else {
            first
        })
    }

    /// The source range of the known text between byte offsets `start..end` of piece `i`.
    pub fn sub_range(&self, i: usize, start: usize, end: usize) -> TextRange {
        match &self.pieces[i] {
            Piece::Text {
                range,
                verbatim: true,
                ..
            } => {
                let s = range.start() + rnix::TextSize::from(start as u32);
                TextRange::new(s, s + rnix::TextSize::from((end - start) as u32))
            }
            p => p.range(),
        }
    }

    /// The source range of the text from (`i`, `start`) to (`j`, `end`).
    pub fn span(&self, (i, start): (usize, usize), (j, end): (usize, usize)) -> TextRange {
        if i == j {
            return self.sub_range(i, start, end);
        }
        let a = self.sub_range(i, start, self.piece_len(i));
        let b = self.sub_range(j, 0, end);
        if a.start() <= b.end() { a.cover(b) } else { a }
    }

    /// The source range of bytes `start..end` of the known text at the string's start.
    pub fn locate(&self, start: usize, end: usize) -> Option<TextRange> {
        Some(self.span(self.position(start, false)?, self.position(end, true)?))
    }

    /// The piece and offset in it of byte `offset` of the known prefix.
    fn position(&self, offset: usize, is_end: bool) -> Option<(usize, usize)> {
        let mut base = 0;
        for (i, p) in self.pieces.iter().enumerate() {
            let Piece::Text { text, .. } = p else {
                return None;
            };
            if offset < base + text.len() || (is_end && offset == base + text.len()) {
                return Some((i, offset - base));
            }
            base += text.len();
        }
        None
    }

    fn piece_len(&self, i: usize) -> usize {
        match &self.pieces[i] {
            Piece::Text { text, .. } => text.len(),
            Piece::Hole { .. } => 0,
        }
    }

    /// Splits at every occurrence of `sep` in known text. Holes stay inside their part.
    pub fn split(&self, sep: char) -> Vec<Str> {
        let mut parts = vec![];
        let mut cur: Vec<Piece> = vec![];
        for (i, p) in self.pieces.iter().enumerate() {
            match p {
                Piece::Text { text, .. } => {
                    let mut from = 0;
                    for (at, _) in text.match_indices(sep) {
                        cur.push(self.slice_piece(i, from, at));
                        parts.push(Str::from_pieces(std::mem::take(&mut cur)));
                        from = at + sep.len_utf8();
                    }
                    cur.push(self.slice_piece(i, from, text.len()));
                }
                hole => cur.push(hole.clone()),
            }
        }
        parts.push(Str::from_pieces(cur));
        parts
    }

    /// Piece `i` cut to its bytes `start..end` (a hole is returned whole).
    pub fn slice_piece(&self, i: usize, start: usize, end: usize) -> Piece {
        match &self.pieces[i] {
            Piece::Text { text, verbatim, .. } => Piece::Text {
                text: text[start..end].into(),
                range: self.sub_range(i, start, end),
                verbatim: *verbatim,
            },
            hole => hole.clone(),
        }
    }

    /// The known text at the end of the string (after the last hole).
    pub fn known_suffix(&self) -> String {
        let mut out = String::new();
        for p in self.pieces.iter().rev() {
            match p {
                Piece::Text { text, .. } => out.insert_str(0, text),
                Piece::Hole { .. } => break,
            }
        }
        out
    }

    /// The known text at the start of the string (before the first hole).
    pub fn known_prefix(&self) -> String {
        let mut out = String::new();
        for p in self.pieces.iter() {
            match p {
                Piece::Text { text, .. } => out.push_str(text),
                Piece::Hole { .. } => break,
            }
        }
        out
    }

    /// Packages interpolated into this string (`"${pkgs.util-linux}/bin"`).
    pub fn packages(&self) -> impl Iterator<Item = &str> {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Hole {
                package: Some(p), ..
            } => Some(&**p),
            _ => None,
        })
    }

    /// Removes `n` bytes of known text from the start (`n` must not reach into a hole).
    pub fn drop_prefix(&self, mut n: usize) -> Str {
        let mut out = vec![];
        for (i, p) in self.pieces.iter().enumerate() {
            match p {
                Piece::Text { text, .. } if n > 0 => {
                    let cut = n.min(text.len());
                    n -= cut;
                    if cut < text.len() {
                        out.push(self.slice_piece(i, cut, text.len()));
                    }
                }
                p => out.push(p.clone()),
            }
        }
        Str::from_pieces(out)
    }
}
