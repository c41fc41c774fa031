//! Reading the parts of rnix nodes cheaply. rnix's accessors (`value()`, `rhs()`,
//! `ident_token()`) each walk a node's children from the first, creating a red node or
//! token for every child they pass. The evaluator reads several parts of every node it
//! visits, so it reads them here in one pass, and reads token text from the green tree.

use rnix::ast::{self, BinOpKind};
use rnix::{NixLanguage, SyntaxKind, SyntaxNode};
use rowan::ast::AstNode;
use rowan::{Language, NodeOrToken};

/// The first `N` children of `node` that are expressions, in order.
pub fn exprs<const N: usize>(node: &SyntaxNode) -> [Option<ast::Expr>; N] {
    let mut out = [const { None }; N];
    let children = node.children().filter_map(ast::Expr::cast);
    for (slot, e) in out.iter_mut().zip(children) {
        *slot = Some(e);
    }
    out
}

/// The expressions of `node` and its first child of kind `A` (an attribute path), in one
/// pass: for `a.b = v` ([`ast::AttrpathValue`]) and `e.a.b or d` ([`ast::Select`]).
pub fn exprs_and<const N: usize, A: AstNode<Language = NixLanguage>>(
    node: &SyntaxNode,
) -> ([Option<ast::Expr>; N], Option<A>) {
    let mut exprs = [const { None }; N];
    let mut next = exprs.iter_mut();
    let mut other = None;
    for child in node.children() {
        if A::can_cast(child.kind()) {
            other = other.or_else(|| A::cast(child));
        } else if let Some(e) = ast::Expr::cast(child)
            && let Some(slot) = next.next()
        {
            *slot = Some(e);
        }
    }
    (exprs, other)
}

/// The last child of `node` as an expression: the body of `let … in` or of a lambda.
pub fn body(node: &SyntaxNode) -> Option<ast::Expr> {
    node.last_child().and_then(ast::Expr::cast)
}

/// The text of `node`'s first token of kind `kind`, read without creating a red token.
pub fn token_text(node: &SyntaxNode, kind: SyntaxKind) -> Option<&str> {
    crate::syntax::child_token(node.green(), kind).map(|t| t.text())
}

/// Whether an attribute set is `rec { … }`. `rec` comes before the `{`: only the tokens
/// up to it are read, not the thousands of bindings a set may have.
pub fn is_rec(set: &ast::AttrSet) -> bool {
    let [rec, brace] =
        [SyntaxKind::TOKEN_REC, SyntaxKind::TOKEN_L_BRACE].map(NixLanguage::kind_to_raw);
    let first = (set.syntax().green().children())
        .filter_map(NodeOrToken::into_token)
        .map(|t| t.kind())
        .find(|&k| k == rec || k == brace);
    first == Some(rec)
}

/// The name of an identifier node (`NODE_IDENT`).
pub fn ident(node: &SyntaxNode) -> Option<&str> {
    token_text(node, SyntaxKind::TOKEN_IDENT)
}

/// The operator of a binary operation, read without creating red tokens.
pub fn binop_kind(node: &SyntaxNode) -> Option<BinOpKind> {
    node.green().children().find_map(|c| match c {
        NodeOrToken::Token(t) => BinOpKind::from_kind(NixLanguage::kind_from_raw(t.kind())),
        NodeOrToken::Node(_) => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first<N: AstNode<Language = NixLanguage>>(src: &str) -> N {
        let root = rnix::Root::parse(src).syntax();
        root.descendants()
            .find_map(N::cast)
            .expect("node of that kind")
    }

    fn text(e: &Option<ast::Expr>) -> Option<String> {
        e.as_ref().map(|e| e.syntax().text().to_string())
    }

    /// Every helper agrees with rnix's own accessor.
    #[test]
    fn parts_agree_with_rnix_accessors() {
        let apply: ast::Apply = first("f x");
        let [f, x] = exprs::<2>(apply.syntax());
        assert_eq!(
            (text(&f), text(&x)),
            (text(&apply.lambda()), text(&apply.argument()))
        );

        let if_else: ast::IfElse = first("if c then a else b");
        let [c, a, b] = exprs::<3>(if_else.syntax());
        assert_eq!(
            [text(&c), text(&a), text(&b)],
            [
                text(&if_else.condition()),
                text(&if_else.body()),
                text(&if_else.else_body())
            ]
        );

        let select: ast::Select = first("x.a.${b} or d");
        let ([e, d], path) = exprs_and::<2, ast::Attrpath>(select.syntax());
        assert_eq!(
            (text(&e), text(&d)),
            (text(&select.expr()), text(&select.default_expr()))
        );
        assert_eq!(
            path.map(|p| p.syntax().text().to_string()).as_deref(),
            Some("a.${b}")
        );

        let apv: ast::AttrpathValue = first("{ a.\"b\" = v; }");
        let ([value], path) = exprs_and::<1, ast::Attrpath>(apv.syntax());
        assert_eq!(text(&value), text(&apv.value()));
        assert_eq!(
            path.map(|p| p.syntax().text().to_string()).as_deref(),
            Some("a.\"b\"")
        );

        for src in [
            "let a = 1; b = 2; in a",
            "x: y",
            "{ a, ... }@args: a",
            "with p; e",
        ] {
            let root = rnix::Root::parse(src).syntax();
            let node = root.first_child().unwrap();
            let expected = match ast::Expr::cast(node.clone()).unwrap() {
                ast::Expr::LetIn(l) => l.body(),
                ast::Expr::Lambda(l) => l.body(),
                ast::Expr::With(w) => w.body(),
                other => panic!("{other:?}"),
            };
            assert_eq!(text(&body(&node)), text(&expected), "{src}");
        }

        for src in [
            "rec { a = 1; }",
            "rec /* c */ { }",
            "{ a = rec { }; }",
            "{ a = 1; b = { }; }",
        ] {
            let set: ast::AttrSet = first(src);
            assert_eq!(is_rec(&set), set.rec_token().is_some(), "{src}");
        }

        let op: ast::BinOp = first("a // b");
        assert_eq!(binop_kind(op.syntax()), op.operator());
        let name: ast::Ident = first("{ a }: a");
        assert_eq!(
            ident(name.syntax()),
            name.ident_token().as_ref().map(|t| t.text())
        );
    }
}
