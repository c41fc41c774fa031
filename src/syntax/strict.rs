//! What Nix's parser rejects but rnix accepts: attributes and arguments defined twice,
//! a lambda, `if`, `let`, `with` or `assert` where Nix wants an operand, and a search
//! path with an empty segment (`<nixpkgs/>`). Reported only where Nix surely rejects:
//! names behind a dynamic `${…}` are not checked.

use std::collections::HashMap;

use rnix::ast::{self, HasEntry};
use rnix::{SyntaxKind, SyntaxNode, TextRange};
use rowan::ast::AstNode;

use crate::diagnostic::{Diagnostic, Label, builtin};
use crate::model::strings::static_attr_name;

/// Diagnostics for the constructs of `root` that Nix's parser rejects.
pub fn nix_rejects(root: &SyntaxNode) -> Vec<Diagnostic> {
    use SyntaxKind::*;
    let mut out = vec![];
    for node in root.descendants() {
        match node.kind() {
            NODE_ATTR_SET | NODE_LET_IN | NODE_LEGACY_LET if !is_merged_value(&node) => {
                Bindings::of(&node, &mut out);
            }
            NODE_PATTERN => duplicate_formals(&node, &mut out),
            NODE_LAMBDA | NODE_IF_ELSE | NODE_WITH | NODE_ASSERT => misplaced(&node, &mut out),
            NODE_PATH_SEARCH if has_empty_segment(&node.text().to_string()) => {
                out.push(error(
                    node.text_range(),
                    "a search path cannot start or end with `/` or contain `//`".to_string(),
                    "remove the extra `/`",
                ));
            }
            _ => {}
        }
        // A `let` is both a binding set and an expression that may be misplaced.
        if node.kind() == NODE_LET_IN {
            misplaced(&node, &mut out);
        }
    }
    out.sort_by_key(|d| d.range.start());
    out
}

fn error(range: TextRange, message: String, help: &str) -> Diagnostic {
    Diagnostic::builtin_error(builtin::SYNTAX_ERROR, range, message, Some(help))
}

/// Whether `node` is an attribute set written as the value of a binding, which Nix merges
/// into its parent's bindings (checked there, not again on its own).
fn is_merged_value(node: &SyntaxNode) -> bool {
    node.kind() == SyntaxKind::NODE_ATTR_SET
        && unparenthesized_parent(node).is_some_and(|p| {
            p.kind() == SyntaxKind::NODE_ATTRPATH_VALUE
                && p.parent().is_some_and(|g| {
                    matches!(
                        g.kind(),
                        SyntaxKind::NODE_ATTR_SET
                            | SyntaxKind::NODE_LET_IN
                            | SyntaxKind::NODE_LEGACY_LET
                    )
                })
        })
}

/// The parent of `node`, looking through parentheses.
fn unparenthesized_parent(node: &SyntaxNode) -> Option<SyntaxNode> {
    node.ancestors()
        .skip(1)
        .find(|p| p.kind() != SyntaxKind::NODE_PAREN)
}

/// `e` without the parentheses around it.
fn unparenthesized(mut e: ast::Expr) -> ast::Expr {
    while let ast::Expr::Paren(p) = &e {
        match p.expr() {
            Some(inner) => e = inner,
            None => break,
        }
    }
    e
}

/// What a name in a binding set holds, as Nix's parser sees it.
enum Entry {
    /// An attribute set (written, or made by a dotted path): later bindings merge into it.
    Set(Bindings),
    /// Any other value, or an inherited name.
    Value,
}

/// The static names of a binding set, with where each was first defined.
#[derive(Default)]
struct Bindings(HashMap<String, (TextRange, Entry)>);

impl Bindings {
    /// The bindings of an attribute set or `let`, reporting every name defined twice.
    fn of(node: &SyntaxNode, out: &mut Vec<Diagnostic>) -> Bindings {
        let mut set = Bindings::default();
        let entries: Vec<ast::Entry> = match node.kind() {
            SyntaxKind::NODE_ATTR_SET => ast::AttrSet::cast(node.clone())
                .map(|s| s.entries().collect())
                .unwrap_or_default(),
            SyntaxKind::NODE_LET_IN => ast::LetIn::cast(node.clone())
                .map(|s| s.entries().collect())
                .unwrap_or_default(),
            _ => ast::LegacyLet::cast(node.clone())
                .map(|s| s.entries().collect())
                .unwrap_or_default(),
        };
        for entry in entries {
            match entry {
                ast::Entry::Inherit(inherit) => {
                    for attr in inherit.attrs() {
                        if let Some(name) = static_attr_name(&attr) {
                            let range = attr.syntax().text_range();
                            set.define(&[(name, range)], Entry::Value, out);
                        }
                    }
                }
                ast::Entry::AttrpathValue(binding) => {
                    let Some(path) = binding.attrpath() else {
                        continue;
                    };
                    // Names up to the first dynamic one; Nix checks no further.
                    let mut names = vec![];
                    let mut dynamic = false;
                    for attr in path.attrs() {
                        match name_of(&attr) {
                            Some(name) => names.push((name, attr.syntax().text_range())),
                            None => {
                                dynamic = true;
                                break;
                            }
                        }
                    }
                    // A set value merges into this one; its own bindings are checked either way.
                    let value = match binding.value().map(unparenthesized) {
                        Some(ast::Expr::AttrSet(s)) => Entry::Set(Bindings::of(s.syntax(), out)),
                        _ => Entry::Value,
                    };
                    if dynamic {
                        set.descend(&names, out);
                    } else {
                        set.define(&names, value, out);
                    }
                }
            }
        }
        set
    }

    /// The set that `path` names, creating the sets a dotted path implies; `None` (after
    /// reporting) when a name on the way holds something else.
    fn descend(
        &mut self,
        path: &[(String, TextRange)],
        out: &mut Vec<Diagnostic>,
    ) -> Option<&mut Bindings> {
        let mut set = self;
        for (i, (name, range)) in path.iter().enumerate() {
            let (first, entry) = set
                .0
                .entry(name.clone())
                .or_insert_with(|| (*range, Entry::Set(Bindings::default())));
            match entry {
                Entry::Set(inner) => set = inner,
                Entry::Value => {
                    out.push(defined_twice(&path[..=i], *range, *first));
                    return None;
                }
            }
        }
        Some(set)
    }

    /// Defines the last name of `path` as `value`. Two attribute sets merge (one level
    /// deep, as in Nix); anything else defined twice is reported.
    fn define(&mut self, path: &[(String, TextRange)], value: Entry, out: &mut Vec<Diagnostic>) {
        let Some(((name, range), parents)) = path.split_last() else {
            return;
        };
        let Some(set) = self.descend(parents, out) else {
            return;
        };
        match (set.0.get_mut(name), value) {
            (None, value) => {
                set.0.insert(name.clone(), (*range, value));
            }
            (Some((_, Entry::Set(old))), Entry::Set(new)) => {
                for (inner, (at, entry)) in new.0 {
                    match old.0.get(&inner) {
                        Some((first, _)) => {
                            let whole = [(inner, at)];
                            out.push(defined_twice(&whole, at, *first));
                        }
                        None => {
                            old.0.insert(inner, (at, entry));
                        }
                    }
                }
            }
            (Some((first, _)), _) => out.push(defined_twice(path, *range, *first)),
        }
    }
}

/// The static name of an attribute: an identifier, a string without interpolation, or
/// `${"…"}` around such a string.
fn name_of(attr: &ast::Attr) -> Option<String> {
    match attr {
        ast::Attr::Dynamic(d) => match d.expr()? {
            ast::Expr::Str(s) => static_attr_name(&ast::Attr::Str(s)),
            _ => None,
        },
        other => static_attr_name(other),
    }
}

fn defined_twice(path: &[(String, TextRange)], at: TextRange, first: TextRange) -> Diagnostic {
    let names: Vec<&str> = path.iter().map(|(n, _)| n.as_str()).collect();
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
fn duplicate_formals(node: &SyntaxNode, out: &mut Vec<Diagnostic>) {
    let Some(pattern) = ast::Pattern::cast(node.clone()) else {
        return;
    };
    let mut seen: Vec<(String, TextRange)> = vec![];
    let bind = pattern
        .pat_bind()
        .and_then(|b| b.ident())
        .into_iter()
        .chain(pattern.pat_entries().filter_map(|e| e.ident()));
    // Nix names the `@` binding first, wherever it is written.
    let mut names: Vec<ast::Ident> = bind.collect();
    names.sort_by_key(|i| i.syntax().text_range().start());
    for ident in names {
        let Some(token) = ident.ident_token() else {
            continue;
        };
        let range = ident.syntax().text_range();
        match seen.iter().find(|(n, _)| n == token.text()) {
            Some((_, first)) => {
                let mut d = error(
                    range,
                    format!("function argument `{}` is declared twice", token.text()),
                    "rename or remove one of them",
                );
                d.labels.push(Label {
                    range: *first,
                    message: "first declared here".to_string(),
                });
                out.push(d);
            }
            None => seen.push((token.text().to_string(), range)),
        }
    }
}

/// Whether a search path such as `<a//b>` or `<nixpkgs/>` has an empty name between `/`s.
fn has_empty_segment(path: &str) -> bool {
    let inner = path.trim_start_matches('<').trim_end_matches('>');
    inner.split('/').any(str::is_empty)
}

/// A lambda, `if`, `let`, `with` or `assert` written as a list element, a function or its
/// argument, an operand, or the subject of `.`/`?`: Nix needs parentheses there.
fn misplaced(node: &SyntaxNode, out: &mut Vec<Diagnostic>) {
    use SyntaxKind::*;
    let Some(parent) = node.parent() else {
        return;
    };
    if !matches!(
        parent.kind(),
        NODE_LIST | NODE_APPLY | NODE_BIN_OP | NODE_UNARY_OP | NODE_SELECT | NODE_HAS_ATTR
    ) {
        return;
    }
    let what = match node.kind() {
        NODE_LAMBDA => "a function",
        NODE_IF_ELSE => "an `if` expression",
        NODE_LET_IN => "a `let` expression",
        NODE_WITH => "a `with` expression",
        _ => "an `assert` expression",
    };
    let place = match parent.kind() {
        NODE_LIST => "a list element",
        NODE_APPLY => "a function call",
        NODE_SELECT | NODE_HAS_ATTR => "an attribute selection",
        _ => "an operand",
    };
    out.push(error(
        node.text_range(),
        format!("{what} cannot be written as {place} without parentheses"),
        "put it in parentheses",
    ));
}
