//! A parsed file, and reparsing after an edit: the language server keeps a document's tree
//! and, when an edit falls inside an attribute set, a list or a binding, parses only that
//! block again (as rust-analyzer reparses blocks). The result is the tree a full parse
//! would build.

use rnix::{NodeOrToken, ParseError, SyntaxKind, SyntaxNode, TextRange, TextSize};
use rowan::GreenNode;

use crate::diagnostic::Diagnostic;

/// rnix stops parsing at this many nested expressions (its `parse_expr` limit).
const RNIX_DEPTH_LIMIT: usize = 512;

/// A syntax tree and the errors rnix reported while building it.
#[derive(Clone)]
pub struct Parsed {
    pub green: GreenNode,
    pub errors: Vec<ParseError>,
}

impl Parsed {
    /// Parses a file's text; a byte order mark is parsed as whitespace (three spaces, the
    /// same length, so offsets agree with the text). Refuses, with a `too-deep`
    /// diagnostic, a text that would recurse too deep.
    pub fn new(text: &str) -> Result<Parsed, Box<Diagnostic>> {
        if let Some(refusal) = super::too_deep(text) {
            return Err(Box::new(refusal));
        }
        let parse = match text.strip_prefix('\u{feff}') {
            Some(rest) => rnix::Root::parse(&format!("   {rest}")),
            None => rnix::Root::parse(text),
        };
        Ok(Parsed {
            green: parse.syntax().green().to_owned(),
            errors: parse.errors().to_vec(),
        })
    }

    pub fn syntax(&self) -> SyntaxNode {
        SyntaxNode::new_root(self.green.clone())
    }

    pub fn root(&self) -> rnix::Root {
        <rnix::Root as rowan::ast::AstNode>::cast(self.syntax()).expect("a parse's root is a Root")
    }

    /// The tree after replacing `edit` (a range of the old text) with `insert`, giving
    /// `new_text`: the smallest attribute set, list or binding around the edit is parsed
    /// again, on its own, and put in place of the old one. `None` when that cannot be done
    /// exactly as a full parse would (the old tree has errors, the new block has any, the
    /// edit touches a block's brackets or a binding's first character or `;`, the block
    /// could now nest too deep, the new text is `too-deep`): parse fully then.
    pub fn reparse(&self, edit: TextRange, insert: &str, new_text: &str) -> Option<Parsed> {
        if !self.errors.is_empty() {
            return None;
        }
        let root = self.syntax();
        if !root.text_range().contains_range(edit) || super::too_deep(new_text).is_some() {
            return None;
        }
        let block = match root.covering_element(edit) {
            NodeOrToken::Node(n) => n,
            NodeOrToken::Token(t) => t.parent()?,
        }
        .ancestors()
        .find(|n| encloses(n, edit))?;
        let old = block.text_range();
        let end = u32::from(old.end()) as usize + insert.len() - usize::from(edit.len());
        let text = new_text.get(usize::from(old.start())..end)?;
        let new = if is_binding(&block) {
            // A binding parses alike in any set or `let`: parse it in a set of its own.
            let parse = rnix::Root::parse(&format!("{{{text}}}"));
            let set = parse.syntax().first_child()?;
            let mut bindings = set.children();
            let binding = bindings.next().filter(|_| bindings.next().is_none())?;
            let inside = TextRange::at(1.into(), TextSize::of(text));
            (parse.errors().is_empty() && binding.text_range() == inside).then_some(binding)?
        } else {
            let parse = rnix::Root::parse(text);
            let new = parse.syntax().first_child()?;
            let whole = TextRange::up_to(TextSize::of(text));
            (parse.errors().is_empty() && new.text_range() == whole && !looks_like_a_pattern(&new))
                .then_some(new)?
        };
        if new.kind() != block.kind() || block.ancestors().count() + depth(&new) >= RNIX_DEPTH_LIMIT
        {
            return None;
        }
        Some(Parsed {
            green: block.replace_with(new.green().to_owned()),
            errors: vec![],
        })
    }
}

/// Whether `edit` lies strictly inside `node` such that the text around it, and how it
/// lexes, is unchanged: between the brackets of an attribute set or a list, or after the
/// first character and before the `;` of a binding in a set or `let`.
fn encloses(node: &SyntaxNode, edit: TextRange) -> bool {
    use SyntaxKind::*;
    let (open, close) = match node.kind() {
        NODE_ATTR_SET => (TOKEN_L_BRACE, TOKEN_R_BRACE),
        NODE_LIST => (TOKEN_L_BRACK, TOKEN_R_BRACK),
        NODE_ATTRPATH_VALUE | NODE_INHERIT => {
            let in_set = node
                .parent()
                .is_some_and(|p| matches!(p.kind(), NODE_ATTR_SET | NODE_LET_IN));
            let semicolon = node.last_token().filter(|t| t.kind() == TOKEN_SEMICOLON);
            return in_set
                && node.text_range().start() < edit.start()
                && semicolon.is_some_and(|s| edit.end() <= s.text_range().start());
        }
        _ => return false,
    };
    let mut tokens = node
        .children_with_tokens()
        .filter_map(NodeOrToken::into_token);
    let open = tokens.find(|t| t.kind() == open);
    let close = node.last_token().filter(|t| t.kind() == close);
    match (open, close) {
        (Some(open), Some(close)) => {
            open.text_range().end() <= edit.start() && edit.end() <= close.text_range().start()
        }
        _ => false,
    }
}

/// A binding (`a.b = v;` or `inherit (x) a;`), which parses alike in any set or `let`.
fn is_binding(node: &SyntaxNode) -> bool {
    matches!(
        node.kind(),
        SyntaxKind::NODE_ATTRPATH_VALUE | SyntaxKind::NODE_INHERIT
    )
}

/// An empty set `{ }` parses as a function's pattern when `:` or `@` follows it, which
/// the block alone cannot tell.
fn looks_like_a_pattern(node: &SyntaxNode) -> bool {
    node.kind() == SyntaxKind::NODE_ATTR_SET && node.first_child().is_none()
}

/// How many nodes deep `node`'s subtree goes.
fn depth(node: &SyntaxNode) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    for event in node.preorder() {
        match event {
            rowan::WalkEvent::Enter(_) => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            rowan::WalkEvent::Leave(_) => depth -= 1,
        }
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Applies `insert` at `range` and checks the reparse against a full parse; returns
    /// whether the reparse applied.
    fn check(text: &str, range: std::ops::Range<usize>, insert: &str) -> bool {
        let old = Parsed::new(text).unwrap();
        let mut new_text = text.to_string();
        new_text.replace_range(range.clone(), insert);
        let edit = TextRange::new((range.start as u32).into(), (range.end as u32).into());
        let full = Parsed::new(&new_text).unwrap();
        match old.reparse(edit, insert, &new_text) {
            Some(re) => {
                assert_eq!(re.green, full.green, "{new_text:?}");
                assert!(full.errors.is_empty(), "{new_text:?}");
                true
            }
            None => false,
        }
    }

    const MODULE: &str =
        "{ lib, ... }: {\n  a = { b = \"x\"; c = [ 1 2 ]; };\n  d = \"${toString 1}\";\n}\n";

    fn at(needle: &str) -> usize {
        MODULE.find(needle).unwrap()
    }

    #[test]
    fn edits_inside_a_block_reparse_only_the_block() {
        let x = at("x\"");
        assert!(check(MODULE, x..x + 1, "y z"));
        assert!(check(MODULE, x..x, "k8s-"));
        let two = at("2 ]");
        assert!(check(MODULE, two..two + 1, "[ 3 ] 4"));
        let c = at("c =");
        assert!(check(MODULE, c..c, "e = { }; "));
        // Inside a string, inside an interpolation: the module's body is reparsed.
        let d = at("toString 1");
        assert!(check(MODULE, d..d + 8, "builtins.toString"));
    }

    #[test]
    fn edits_that_a_block_alone_cannot_decide_parse_fully() {
        // Touches the set's braces.
        let open = at("{ b");
        assert!(!check(MODULE, open..open + 1, "("));
        // Leaves an error: the old tree is kept for a full parse to report it.
        let x = at("x\"");
        assert!(!check(MODULE, x..x + 1, "\""));
        assert!(!check(MODULE, x..x, "${"));
        // An empty set may be a pattern, depending on what follows it.
        let inner = at("b = \"x\"; c = [ 1 2 ]; ");
        assert!(!check(
            MODULE,
            inner..inner + "b = \"x\"; c = [ 1 2 ]; ".len(),
            ""
        ));
        // Outside any set, list or binding: the function's pattern.
        let lib = at("lib");
        assert!(!check(MODULE, lib..lib + 3, "pkgs"));
    }

    #[test]
    fn edits_inside_a_binding_reparse_only_the_binding() {
        let text =
            "let\n  pki = \"/var/lib/pki\";\n  n = 1;\n  inherit (lib) mkIf;\nin { a = pki; }\n";
        let at = |needle: &str| text.find(needle).unwrap();
        let v = at("/var");
        assert!(check(text, v..v, "x"));
        assert!(check(text, v..v + 4, "${toString n}"));
        let one = at("1;");
        assert!(check(text, one..one + 1, "{ x = 2; }"));
        let name = at("ki =");
        assert!(check(text, name..name + 2, "ath"));
        let mk = at("mkIf");
        assert!(check(text, mk..mk, "mkMerge "));
        // Touches the binding's first character or its `;`: parsed in full.
        let p = at("pki");
        assert!(!check(text, p..p, "x"));
        let semi = at(";\n  n");
        assert!(!check(text, semi..semi + 1, ""));
        // Swallows what follows: a string or comment left open.
        assert!(!check(text, v..v, "\""));
        assert!(!check(text, one..one + 1, "1 #"));
    }

    #[test]
    fn a_tree_with_errors_is_parsed_again_in_full() {
        let text = "{ a = { b = 1; }; c = ; }";
        let old = Parsed::new(text).unwrap();
        let at = text.find('1').unwrap() as u32;
        let edit = TextRange::new(at.into(), (at + 1).into());
        assert!(
            old.reparse(edit, "2", &text.replacen('1', "2", 1))
                .is_none()
        );
    }
}
