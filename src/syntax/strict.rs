//! What Nix's parser rejects but rnix accepts: attributes and arguments defined twice,
//! a lambda, `if`, `let`, `with` or `assert` where Nix wants an operand, and a search
//! path with an empty segment (`<nixpkgs/>`). Reported only where Nix surely rejects:
//! names behind a dynamic `${…}` are not checked.
//!
//! Runs on every file, so it walks rowan's green tree (no allocation per node) and keys
//! names by the text they borrow from it.

use std::borrow::Cow;

use rnix::{NixLanguage, SyntaxKind, TextRange, TextSize};
use rowan::{GreenNodeData, GreenTokenData, Language, NodeOrToken};
use rustc_hash::FxHashMap;

use crate::diagnostic::{Diagnostic, Label, builtin};

use SyntaxKind::*;

/// Diagnostics for the constructs of a file's tree (`root`, its green root) that Nix's
/// parser rejects. Green trees can be shared between threads, so this can run beside the
/// model.
pub fn nix_rejects(root: &GreenNodeData) -> Vec<Diagnostic> {
    let mut out = vec![];
    let root = Node {
        green: root,
        start: TextSize::from(0),
    };
    // (node, its parent's kind, whether it is the value of a binding, through parentheses)
    let mut stack = vec![(root, NODE_ROOT, false)];
    while let Some((node, parent, binding_value)) = stack.pop() {
        let kind = node.kind();
        match kind {
            NODE_ATTR_SET if binding_value => {} // merged into the parent's bindings
            _ if is_bindings(kind) => {
                Bindings::of(node, &mut out);
            }
            NODE_PATTERN => duplicate_formals(node, &mut out),
            NODE_PATH_SEARCH => empty_segment(node, &mut out),
            _ => {}
        }
        if matches!(
            kind,
            NODE_LAMBDA | NODE_IF_ELSE | NODE_LET_IN | NODE_WITH | NODE_ASSERT
        ) {
            misplaced(node, parent, &mut out);
        }
        for child in node.nodes() {
            let value = match kind {
                NODE_ATTRPATH_VALUE => is_bindings(parent) && child.kind() != NODE_ATTRPATH,
                NODE_PAREN => binding_value,
                _ => false,
            };
            stack.push((child, kind, value));
        }
    }
    out.sort_by_key(|d| d.range.start());
    out
}

fn is_bindings(kind: SyntaxKind) -> bool {
    matches!(kind, NODE_ATTR_SET | NODE_LET_IN | NODE_LEGACY_LET)
}

fn error(range: TextRange, message: String, help: &str) -> Diagnostic {
    Diagnostic::builtin_error(builtin::SYNTAX_ERROR, range, message, Some(help))
}

/// A node of the green tree with its position.
#[derive(Clone, Copy)]
struct Node<'a> {
    green: &'a GreenNodeData,
    start: TextSize,
}

impl<'a> Node<'a> {
    fn kind(self) -> SyntaxKind {
        NixLanguage::kind_from_raw(self.green.kind())
    }

    fn range(self) -> TextRange {
        TextRange::at(self.start, self.green.text_len())
    }

    /// Children with their positions.
    fn children(self) -> impl Iterator<Item = NodeOrToken<Node<'a>, &'a GreenTokenData>> {
        let mut at = self.start;
        self.green.children().map(move |c| {
            let start = at;
            at += c.text_len();
            match c {
                NodeOrToken::Node(green) => NodeOrToken::Node(Node { green, start }),
                NodeOrToken::Token(t) => NodeOrToken::Token(t),
            }
        })
    }

    fn nodes(self) -> impl Iterator<Item = Node<'a>> {
        self.children().filter_map(NodeOrToken::into_node)
    }

    fn tokens(self) -> impl Iterator<Item = &'a GreenTokenData> {
        self.green.children().filter_map(NodeOrToken::into_token)
    }

    fn token(self, kind: SyntaxKind) -> Option<&'a GreenTokenData> {
        super::child_token(self.green, kind)
    }

    /// The node without the parentheses around it.
    fn unparenthesized(mut self) -> Node<'a> {
        while self.kind() == NODE_PAREN {
            match self.nodes().next() {
                Some(inner) => self = inner,
                None => break,
            }
        }
        self
    }
}

/// The static name of an attribute: an identifier, a `"…"` string without interpolation
/// or escapes, or `${"…"}` around such a string. `None` means it is not checked.
fn name_of(attr: Node<'_>) -> Option<Cow<'_, str>> {
    match attr.kind() {
        NODE_IDENT => Some(Cow::Borrowed(attr.token(TOKEN_IDENT)?.text())),
        NODE_STRING => {
            if attr.nodes().next().is_some() || attr.token(TOKEN_STRING_START)?.text() != "\"" {
                return None;
            }
            let mut parts = attr
                .tokens()
                .filter(|t| NixLanguage::kind_from_raw(t.kind()) == TOKEN_STRING_CONTENT)
                .map(GreenTokenData::text);
            let first = parts.next().unwrap_or("");
            let name = match parts.next() {
                None => Cow::Borrowed(first),
                Some(second) => Cow::Owned([first, second].concat() + &parts.collect::<String>()),
            };
            (!name.contains('\\')).then_some(name)
        }
        NODE_DYNAMIC => {
            let inner = attr.nodes().next()?;
            (inner.kind() == NODE_STRING).then(|| name_of(inner))?
        }
        _ => None,
    }
}

/// What a name in a binding set holds, as Nix's parser sees it.
enum Entry<'a> {
    /// An attribute set (written, or made by a dotted path): later bindings merge into it.
    Set(Bindings<'a>),
    /// Any other value, or an inherited name.
    Value,
}

/// The static names of a binding set, in the order they were first defined, with where.
/// Most sets are small and searched in order; one that grows large gets a hash index.
#[derive(Default)]
struct Bindings<'a> {
    entries: Vec<(Cow<'a, str>, TextRange, Entry<'a>)>,
    /// Each name's place in `entries`, once there are more than [`SMALL`].
    index: FxHashMap<Cow<'a, str>, usize>,
}

/// Sets up to this size are searched without an index.
const SMALL: usize = 16;

type Path<'a> = [(Cow<'a, str>, TextRange)];

impl<'a> Bindings<'a> {
    /// The bindings of an attribute set or `let`, reporting every name defined twice.
    fn of(node: Node<'a>, out: &mut Vec<Diagnostic>) -> Bindings<'a> {
        let mut set = Bindings::default();
        let mut names = vec![];
        for entry in node.nodes() {
            match entry.kind() {
                NODE_INHERIT => {
                    for attr in entry.nodes().filter(|n| n.kind() != NODE_INHERIT_FROM) {
                        if let Some(name) = name_of(attr) {
                            set.define(&[(name, attr.range())], Entry::Value, out);
                        }
                    }
                }
                NODE_ATTRPATH_VALUE => {
                    let mut parts = entry.nodes();
                    let Some(path) = parts.next().filter(|p| p.kind() == NODE_ATTRPATH) else {
                        continue;
                    };
                    // Names up to the first dynamic one; Nix checks no further.
                    names.clear();
                    let mut dynamic = false;
                    for attr in path.nodes() {
                        match name_of(attr) {
                            Some(name) => names.push((name, attr.range())),
                            None => {
                                dynamic = true;
                                break;
                            }
                        }
                    }
                    // A set value merges into this one; its own bindings are checked either way.
                    let value = match parts.next().map(Node::unparenthesized) {
                        Some(v) if v.kind() == NODE_ATTR_SET => Entry::Set(Bindings::of(v, out)),
                        _ => Entry::Value,
                    };
                    if dynamic {
                        set.descend(&names, out);
                    } else {
                        set.define(&names, value, out);
                    }
                }
                _ => {}
            }
        }
        set
    }

    fn position(&self, name: &str) -> Option<usize> {
        if self.entries.len() <= SMALL {
            self.entries.iter().position(|(n, ..)| n == name)
        } else {
            self.index.get(name).copied()
        }
    }

    /// Adds a name not defined yet; returns its place.
    fn push(&mut self, name: Cow<'a, str>, range: TextRange, entry: Entry<'a>) -> usize {
        let at = self.entries.len();
        if at == SMALL {
            self.index = (self.entries.iter().enumerate())
                .map(|(i, (n, ..))| (n.clone(), i))
                .collect();
        }
        if at >= SMALL {
            self.index.insert(name.clone(), at);
        }
        self.entries.push((name, range, entry));
        at
    }

    /// The set that `path` names, creating the sets a dotted path implies; `None` (after
    /// reporting) when a name on the way holds something else.
    fn descend(&mut self, path: &Path<'a>, out: &mut Vec<Diagnostic>) -> Option<&mut Bindings<'a>> {
        let mut set = self;
        for (i, (name, range)) in path.iter().enumerate() {
            let at = match set.position(name) {
                Some(at) => at,
                None => set.push(name.clone(), *range, Entry::Set(Bindings::default())),
            };
            match &mut set.entries[at] {
                (_, _, Entry::Set(inner)) => set = inner,
                (_, first, Entry::Value) => {
                    out.push(defined_twice(&path[..=i], *range, *first));
                    return None;
                }
            }
        }
        Some(set)
    }

    /// Defines the last name of `path` as `value`. Two attribute sets merge (one level
    /// deep, as in Nix); anything else defined twice is reported.
    fn define(&mut self, path: &Path<'a>, value: Entry<'a>, out: &mut Vec<Diagnostic>) {
        let Some(((name, range), parents)) = path.split_last() else {
            return;
        };
        let Some(set) = self.descend(parents, out) else {
            return;
        };
        let Some(at) = set.position(name) else {
            set.push(name.clone(), *range, value);
            return;
        };
        match (&mut set.entries[at], value) {
            ((_, _, Entry::Set(old)), Entry::Set(new)) => {
                for (inner, at, entry) in new.entries {
                    match old.position(&inner) {
                        Some(i) => {
                            let first = old.entries[i].1;
                            out.push(defined_twice(&[(inner, at)], at, first));
                        }
                        None => {
                            old.push(inner, at, entry);
                        }
                    }
                }
            }
            ((_, first, _), _) => out.push(defined_twice(path, *range, *first)),
        }
    }
}

fn defined_twice(path: &Path<'_>, at: TextRange, first: TextRange) -> Diagnostic {
    let names: Vec<&str> = path.iter().map(|(n, _)| n.as_ref()).collect();
    let mut d = error(
        at,
        format!("attribute `{}` is already defined", names.join(".")),
        "remove one of the definitions, or merge them into one",
    );
    d.labels.push(Label {
        range: first,
        message: "first defined here".to_string(),
    });
    d
}

/// `{ a, a }:` and `a@{ a }:`.
fn duplicate_formals(pattern: Node<'_>, out: &mut Vec<Diagnostic>) {
    let mut seen: Vec<(&str, TextRange)> = vec![];
    let idents = pattern
        .nodes()
        .filter(|n| matches!(n.kind(), NODE_PAT_ENTRY | NODE_PAT_BIND))
        .filter_map(|n| n.nodes().find(|i| i.kind() == NODE_IDENT));
    for ident in idents {
        let Some(token) = ident.token(TOKEN_IDENT) else {
            continue;
        };
        match seen.iter().find(|(n, _)| *n == token.text()) {
            Some((_, first)) => {
                let mut d = error(
                    ident.range(),
                    format!("function argument `{}` is declared twice", token.text()),
                    "rename or remove one of them",
                );
                d.labels.push(Label {
                    range: *first,
                    message: "first declared here".to_string(),
                });
                out.push(d);
            }
            None => seen.push((token.text(), ident.range())),
        }
    }
}

/// `<a//b>` and `<nixpkgs/>`: a search path with an empty name between `/`s.
fn empty_segment(node: Node<'_>, out: &mut Vec<Diagnostic>) {
    let text: String = node.tokens().map(GreenTokenData::text).collect();
    let inner = text.trim_start_matches('<').trim_end_matches('>');
    if inner.split('/').any(str::is_empty) {
        out.push(error(
            node.range(),
            "a search path cannot start or end with `/` or contain `//`".to_string(),
            "remove the extra `/`",
        ));
    }
}

/// A lambda, `if`, `let`, `with` or `assert` written as a list element, a function or its
/// argument, an operand, or the subject of `.`/`?`: Nix needs parentheses there.
fn misplaced(node: Node<'_>, parent: SyntaxKind, out: &mut Vec<Diagnostic>) {
    let place = match parent {
        NODE_LIST => "a list element",
        NODE_APPLY => "a function call",
        NODE_SELECT | NODE_HAS_ATTR => "an attribute selection",
        NODE_BIN_OP | NODE_UNARY_OP => "an operand",
        _ => return,
    };
    let what = match node.kind() {
        NODE_LAMBDA => "a function",
        NODE_IF_ELSE => "an `if` expression",
        NODE_LET_IN => "a `let` expression",
        NODE_WITH => "a `with` expression",
        _ => "an `assert` expression",
    };
    out.push(error(
        node.range(),
        format!("{what} cannot be written as {place} without parentheses"),
        "put it in parentheses",
    ));
}
