//! A text whose tokens are the old tree's, kind for kind and in the same order, but for
//! blank space and comments (trivia), parses to the old tree with the new tokens in place
//! of the old: a file reformatted or reindented, a name or a string replaced throughout,
//! comments rewritten.
//!
//! rnix's parser decides on the kinds of tokens alone, but for the name `__curPos`, and
//! skips trivia: those between two tokens are all put at once into the node being built
//! when it takes the second token or starts a node. That node holds both tokens, and one
//! started then comes after the trivia; so in a tree without errors the trivia between two
//! tokens stand in the smallest node that holds both, between the children that hold
//! each, and before the first token or after the last, at the start or end of the root.
//! There the new trivia go, whatever stood there before.
//!
//! The new text is only lexed, and its tokens put in the old ones' places; nodes whose
//! tokens are all as they were are kept.

use std::iter::Peekable;

use rnix::SyntaxKind::{self, *};
use rowan::{GreenNode, GreenNodeData, GreenToken, GreenTokenData, Language, NodeOrToken};

/// `old` (a tree without errors) with the tokens of `new_text` in place of its own; `None`
/// when they differ in kind or number.
pub(super) fn relex(old: &GreenNodeData, new_text: &str) -> Option<GreenNode> {
    let mut relexer = Relexer {
        tokens: rnix::tokenize(new_text).peekable(),
    };
    let new = relexer.node(old, true)?;
    Some(new.unwrap_or_else(|| old.to_owned()))
}

/// A token as rnix lexes it.
type Token<'a> = (SyntaxKind, &'a str);

struct Relexer<'a, I: Iterator<Item = Token<'a>>> {
    tokens: Peekable<I>,
}

impl<'a, I: Iterator<Item = Token<'a>>> Relexer<'a, I> {
    /// `node` with the new tokens in place: `Some(None)` when they are its own.
    fn node(&mut self, node: &GreenNodeData, root: bool) -> Option<Option<GreenNode>> {
        let mut children = Children {
            old: node,
            same: 0,
            new: None,
        };
        let mut old = node.children().peekable();
        // Whether trivia may stand before the next child: not before a node's first.
        let mut between = root;
        while let Some(child) = old.next() {
            if is_trivia(&child) {
                let rest = std::iter::from_fn(|| old.next_if(is_trivia));
                self.trivia(std::iter::once(child).chain(rest), &mut children);
                between = false;
                continue;
            }
            if between {
                // Trivia between this child and the one before (or before the file's
                // expression), where there were none.
                self.trivia(std::iter::empty(), &mut children);
            }
            between = true;
            match child {
                NodeOrToken::Node(n) => match self.node(n, false)? {
                    Some(new) => children.changed().push(NodeOrToken::Node(new)),
                    None => children.keep(child),
                },
                NodeOrToken::Token(t) => {
                    let (kind, text) = self.tokens.next_if(|(k, _)| !k.is_trivia())?;
                    if !same_kind(t, kind, text) {
                        return None;
                    }
                    match t.text() == text {
                        true => children.keep(child),
                        false => children
                            .changed()
                            .push(NodeOrToken::Token(GreenToken::new(t.kind(), text))),
                    }
                }
            }
        }
        if root {
            // Trivia after the file's expression, where it had none; then nothing else.
            if !node.children().last().is_some_and(|c| is_trivia(&c)) {
                self.trivia(std::iter::empty(), &mut children);
            }
            if self.tokens.next().is_some() {
                return None;
            }
        }
        Some(children.new.map(|new| GreenNode::new(node.kind(), new)))
    }

    /// Puts the new text's next trivia in place of `old`, a run of them (or none). An old
    /// one that the new one in its place equals is kept.
    fn trivia<'o>(
        &mut self,
        mut old: impl Iterator<Item = NodeOrToken<&'o GreenNodeData, &'o GreenTokenData>>,
        children: &mut Children,
    ) {
        loop {
            let new = self.tokens.next_if(|(k, _)| k.is_trivia());
            match (old.next(), new) {
                (None, None) => return,
                (Some(o), Some((k, s)))
                    if o.as_token().is_some_and(|o| k == kind(o) && s == o.text()) =>
                {
                    children.keep(o)
                }
                (_, Some((k, s))) => children.changed().push(NodeOrToken::Token(GreenToken::new(
                    rnix::NixLanguage::kind_to_raw(k),
                    s,
                ))),
                // One old trivia fewer: the old children after it are no longer in place.
                (Some(_), None) => _ = children.changed(),
            }
        }
    }
}

/// A node's children as they are rebuilt: its old ones are copied only once one differs.
struct Children<'n> {
    old: &'n GreenNodeData,
    /// How many of the old children come first, as they were.
    same: usize,
    new: Option<Vec<NodeOrToken<GreenNode, GreenToken>>>,
}

impl Children<'_> {
    fn keep(&mut self, child: NodeOrToken<&GreenNodeData, &GreenTokenData>) {
        match &mut self.new {
            None => self.same += 1,
            Some(new) => new.push(child.to_owned()),
        }
    }

    fn changed(&mut self) -> &mut Vec<NodeOrToken<GreenNode, GreenToken>> {
        let (old, same) = (self.old, self.same);
        self.new
            .get_or_insert_with(|| old.children().take(same).map(|c| c.to_owned()).collect())
    }
}

fn is_trivia(child: &NodeOrToken<&GreenNodeData, &GreenTokenData>) -> bool {
    child.as_token().is_some_and(|t| kind(t).is_trivia())
}

fn kind(token: &GreenTokenData) -> SyntaxKind {
    rnix::NixLanguage::kind_from_raw(token.kind())
}

/// Whether the tree's token `old` was lexed as the new token (`kind`, `text`) is: the
/// parser makes an `or` a name where it stands as one, and reads the name `__curPos` as
/// a token of its own.
fn same_kind(old: &GreenTokenData, kind: SyntaxKind, text: &str) -> bool {
    let lexed = match (self::kind(old), old.text()) {
        (TOKEN_IDENT, "or") => TOKEN_OR,
        (TOKEN_CUR_POS, _) => TOKEN_IDENT,
        (old_kind, _) => old_kind,
    };
    lexed == kind && (kind != TOKEN_IDENT || (old.text() == "__curPos") == (text == "__curPos"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::Parsed;

    /// `new` relexed onto the tree of `old`, checked against a full parse of `new`.
    fn check(old: &str, new: &str) -> bool {
        check_tree(&Parsed::new(old).unwrap(), new)
    }

    fn check_tree(tree: &Parsed, new: &str) -> bool {
        assert!(tree.errors.is_empty());
        let Some(green) = relex(&tree.green, new) else {
            return false;
        };
        let full = Parsed::new(new).unwrap();
        assert!(full.errors.is_empty() && green == full.green, "{new:?}");
        true
    }

    #[test]
    fn tokens_of_the_same_kinds_take_the_old_tokens_places() {
        let old = "{ a = x: x.y or \"s\"; b = [ 1 /* c */ ]; c = __curPos; d = f or; }\n";
        assert!(check(old, old));
        assert!(check(old, &old.replace(' ', "  ")));
        assert!(check(
            old,
            &old.replace('x', "name").replace("\"s\"", "\"t\"")
        ));
        // Trivia changed, added or taken away, between tokens or around the expression.
        assert!(check(old, &old.replace("/* c */", "# c\n")));
        assert!(check(old, &old.replace(" 1 ", "\n  1\n  # one\n")));
        assert!(check(old, &format!("# a module\n\n {old}  # end")));
        assert!(check(&format!(" {old}"), old.trim_end()));
        assert!(check(old, &old.replace(" }", "}")));
        for (from, to) in [
            ("x.y", "x. y /* y */"),
            ("x:", "x :"),
            (";", " ;"),
            ("f or", "f\nor"),
        ] {
            assert!(check(old, &old.replace(from, to)), "{to}");
        }
        // A new kind of token, or a new token, or one fewer.
        assert!(!check(old, &old.replace("[ 1", "[ 1.5")));
        assert!(!check(old, &old.replace("1 ", "1 2 ")));
        assert!(!check(old, &old.replace("x.y", "x.y.z")));
        // `or` and `__curPos` mean something else as other names.
        assert!(!check(old, &old.replace("d = f or", "d = f nor")));
        assert!(!check(old, &old.replace("__curPos", "curPos")));
        assert!(!check(
            old,
            &old.replace("c = __curPos", "c = __curPos; e = x")
        ));
    }

    #[test]
    fn trivia_put_between_any_two_tokens_or_taken_away_give_what_a_full_parse_gives() {
        let (mut texts, mut relexed) = (0, 0);
        for text in crate::syntax::clean_testdata() {
            let tree = Parsed::new(&text).unwrap();
            let tokens = tree
                .syntax()
                .descendants_with_tokens()
                .filter_map(|e| e.into_token());
            for (n, token) in tokens.enumerate().step_by(2) {
                let at = usize::from(token.text_range().start());
                let new = match (token.kind().is_trivia(), n / 2 % 3) {
                    (true, _) => format!("{}{}", &text[..at], &text[at + token.text().len()..]),
                    (false, 0) => format!("{} {}", &text[..at], &text[at..]),
                    (false, 1) => format!("{}/* c */{}", &text[..at], &text[at..]),
                    (false, _) => format!("{}\n# c\n{}", &text[..at], &text[at..]),
                };
                if Parsed::new(&new).is_ok_and(|p| p.errors.is_empty()) {
                    texts += 1;
                    relexed += usize::from(check_tree(&tree, &new));
                }
            }
        }
        assert!(
            relexed * 10 > texts * 9,
            "{relexed} of {texts} texts relexed"
        );
    }

    #[test]
    fn a_byte_order_mark_is_blank_space_as_in_a_full_parse() {
        let (old, new) = (
            "\u{feff}{\n  a = [ 1 ];\n}\n",
            "\u{feff}  {\n    a = [ 1 ];\n  }\n",
        );
        let tree = Parsed::new(old).unwrap();
        let whole = rnix::TextRange::up_to(rnix::TextSize::of(old));
        let relexed = tree.edited(whole, new, &[(whole, new.len())], new).unwrap();
        assert!(relexed.green == Parsed::new(new).unwrap().green);
        // Relexed: the list's node is the old tree's own.
        let list = |p: &Parsed| {
            let list = p.syntax().descendants().find(|n| n.kind() == NODE_LIST);
            list.unwrap().green().to_owned()
        };
        assert!(std::ptr::eq(&*list(&tree), &*list(&relexed)));
    }

    #[test]
    fn any_file_indented_or_renamed_gives_what_a_full_parse_gives() {
        let (mut files, mut relexed) = (0, 0);
        for text in crate::syntax::clean_testdata() {
            let indented: String = text.lines().map(|l| format!("  {l}\n")).collect();
            for new in [
                indented,
                text.replace("pkgs", "p"),
                text.replace('=', " = "),
                text.replace(';', " ;"),
                text.replace("  ", " "),
            ] {
                files += 1;
                relexed += usize::from(check(&text, &new));
            }
        }
        assert!(
            relexed * 10 > files * 9,
            "{relexed} of {files} texts relexed"
        );
    }
}
