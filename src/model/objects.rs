//! Kubernetes objects written as Nix attrsets (`kind = "KubeletConfiguration"`, kubeconfigs
//! with `clusters`), wherever they sit: in an option, a `let` binding fed to
//! `builtins.toJSON`, or a function's body.

use std::rc::Rc;
use std::sync::LazyLock;

use memchr::memmem::Finder;

use rnix::ast::{self, HasEntry};
use rnix::{NodeOrToken, SyntaxKind, TextRange, TextSize};
use rowan::ast::AstNode;

use super::eval::{Evaluator, ScopeId};
use super::nodes;
use super::strings::static_attr_name;
use super::value::{Attrs, Elem, ThunkId, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectKind {
    KubeletConfiguration,
    Kubeconfig,
}

#[derive(Clone, Debug)]
pub struct Object {
    pub kind: ObjectKind,
    pub attrs: Rc<Attrs>,
    pub range: TextRange,
}

impl Object {
    /// The `server` of each `clusters[].cluster` of a kubeconfig.
    pub fn cluster_servers(&self, ev: &Evaluator) -> Vec<ThunkId> {
        let Some(clusters) = self.attrs.get("clusters") else {
            return vec![];
        };
        let mut out = vec![];
        for e in ev.list_elems(clusters.value) {
            let Elem::One(t) = e else { continue };
            let Value::Attrs(entry) = ev.force_plain(t) else {
                continue;
            };
            let Some(cluster) = entry.get("cluster") else {
                continue;
            };
            if let Value::Attrs(c) = ev.force_plain(cluster.value)
                && let Some(server) = c.get("server")
            {
                out.push(server.value);
            }
        }
        out
    }
}

/// Keys an attribute set needs to be an object: `kind` or a kubeconfig's `clusters`.
const KEYS: [&str; 2] = ["kind", "clusters"];

pub fn objects(ev: &Evaluator, root: &ast::Root, text: &str) -> Vec<Object> {
    let mut out = vec![];
    let mut scopes = Scopes::default();
    for node in candidates(root.syntax(), text) {
        let set = ast::AttrSet::cast(node.clone()).expect("attr set node");
        if !binds_a_key(&set) {
            continue;
        }
        let scope = scopes.at(ev, &node);
        let Value::Attrs(attrs) = ev.eval(&ast::Expr::AttrSet(set), scope) else {
            continue;
        };
        let kind = match attrs.get("kind").map(|k| ev.force_plain(k.value)) {
            Some(Value::Str(s)) if s.known().as_deref() == Some("KubeletConfiguration") => {
                ObjectKind::KubeletConfiguration
            }
            _ if attrs.get("clusters").is_some() => ObjectKind::Kubeconfig,
            _ => continue,
        };
        out.push(Object {
            kind,
            attrs,
            range: node.text_range(),
        });
    }
    out
}

/// Whether the set binds one of [`KEYS`] (as `kind = ...` or `kind.x = ...`).
fn binds_a_key(set: &ast::AttrSet) -> bool {
    set.attrpath_values()
        .filter_map(|apv| {
            let path =
                (apv.syntax().first_child()).filter(|p| p.kind() == SyntaxKind::NODE_ATTRPATH)?;
            path.first_child().and_then(ast::Attr::cast)
        })
        .any(|a| match &a {
            // Most names are identifiers: compare without allocating.
            ast::Attr::Ident(i) => nodes::ident(i.syntax()).is_some_and(|t| KEYS.contains(&t)),
            other => static_attr_name(other).is_some_and(|k| KEYS.contains(&k.as_str())),
        })
}

/// The attribute sets whose first name of some binding contains one of [`KEYS`], found
/// from where the text writes them rather than by visiting every node; outer sets first.
fn candidates(root: &rnix::SyntaxNode, text: &str) -> Vec<rnix::SyntaxNode> {
    use SyntaxKind::*;
    static FINDERS: LazyLock<[Finder<'static>; 2]> = LazyLock::new(|| KEYS.map(Finder::new));
    let mut offsets: Vec<TextSize> = FINDERS
        .iter()
        .flat_map(|f| f.find_iter(text.as_bytes()))
        .map(|at| TextSize::from(at as u32))
        .collect();
    offsets.sort();
    let mut sets: Vec<rnix::SyntaxNode> = tokens_at(root, &offsets)
        .into_iter()
        .filter_map(|token| {
            let attrpath = token
                .parent_ancestors()
                .take_while(|n| !matches!(n.kind(), NODE_ATTRPATH_VALUE | NODE_ATTR_SET))
                .find(|n| n.kind() == NODE_ATTRPATH)?;
            let set = attrpath.parent()?.parent()?;
            (set.kind() == NODE_ATTR_SET).then_some(set)
        })
        .collect();
    sets.sort_by_key(|s| {
        (
            s.text_range().start(),
            std::cmp::Reverse(s.text_range().end()),
        )
    });
    sets.dedup();
    sets
}

/// The tokens that contain the (sorted) `offsets`, found in one descent that visits the
/// children of a node once for all the offsets inside it. (`token_at_offset` scans the
/// children of every node on the way down, for each offset again.)
fn tokens_at(root: &rnix::SyntaxNode, offsets: &[TextSize]) -> Vec<rnix::SyntaxToken> {
    let mut out = vec![];
    let mut stack = vec![(root.clone(), offsets)];
    while let Some((node, mut rest)) = stack.pop() {
        for child in node.children_with_tokens() {
            let Some(&first) = rest.first() else { break };
            let end = child.text_range().end();
            if first >= end {
                continue;
            }
            let (inside, after) = rest.split_at(rest.partition_point(|&o| o < end));
            rest = after;
            match child {
                NodeOrToken::Token(t) => out.push(t),
                NodeOrToken::Node(n) => stack.push((n, inside)),
            }
        }
    }
    out
}

/// The scopes nodes see, rebuilt from their ancestors once and shared by all objects below
/// them. Lambda parameters are unknown, except `lib` and `pkgs` by the NixOS convention.
#[derive(Default)]
struct Scopes(rustc_hash::FxHashMap<(TextRange, SyntaxKind), ScopeId>);

impl Scopes {
    /// The scope that `node` is evaluated in.
    fn at(&mut self, ev: &Evaluator, node: &rnix::SyntaxNode) -> ScopeId {
        let key = |n: &rnix::SyntaxNode| (n.text_range(), n.kind());
        // Up to the nearest ancestor whose scope is known, then down again.
        let mut chain = vec![node.clone()];
        let mut scope = Evaluator::ROOT_SCOPE;
        while let Some(parent) = chain.last().and_then(|n| n.parent()) {
            if let Some(&known) = self.0.get(&key(&parent)) {
                scope = known;
                chain.push(parent);
                break;
            }
            chain.push(parent);
        }
        let mut pairs: Vec<(rnix::SyntaxNode, rnix::SyntaxNode)> = chain
            .windows(2)
            .map(|w| (w[1].clone(), w[0].clone()))
            .collect();
        pairs.reverse();
        for (anc, child) in pairs {
            scope = Self::inside(ev, &anc, &child, scope);
            self.0.insert(key(&child), scope);
        }
        scope
    }

    /// The scope that `child` sees inside `anc`, which sees `scope`.
    fn inside(
        ev: &Evaluator,
        anc: &rnix::SyntaxNode,
        child: &rnix::SyntaxNode,
        scope: ScopeId,
    ) -> ScopeId {
        if let Some(l) = ast::LetIn::cast(anc.clone()) {
            return ev.let_scope(&l, scope);
        }
        if anc.kind() == SyntaxKind::NODE_WITH
            && let [namespace, Some(body)] = nodes::exprs(anc)
            && body.syntax() == child
        {
            return ev.with_scope(namespace, anc.text_range(), scope);
        }
        if let Some(a) = ast::AttrSet::cast(anc.clone())
            && nodes::is_rec(&a)
        {
            return ev.rec_scope(&a, scope).0;
        }
        if let Some(l) = ast::Lambda::cast(anc.clone())
            && nodes::body(l.syntax()).is_some_and(|b| b.syntax() == child)
        {
            let range = l.syntax().text_range();
            let args = ev.done(super::module_args(ev, range), range);
            return ev.param_scope(&l, args, scope);
        }
        scope
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sets found from the text are those a visit of every node finds, in its order.
    #[test]
    fn candidates_include_every_set_that_binds_a_key() {
        let files = crate::testdata_files();
        let extra = r#"{
          a = { "kind" = "KubeletConfiguration"; }; b = { clusters.x = 1; kind = 2; };
          c = { x.kind = 1; }; d = { ${"kind"} = 1; "${"clusters"}" = [ ]; };
          e = { inherit kind; y = kind; }; # kind = 1;
          f = { kind = { clusters = { kind = 3; }; }; }; g = rec { kinds = 1; kind = 2; };
        }"#;
        let mut found = 0;
        for text in files
            .iter()
            .map(|f| std::fs::read_to_string(f).unwrap())
            .chain([extra.to_string()])
        {
            let root = rnix::Root::parse(&text).tree();
            let sets = |nodes: Vec<rnix::SyntaxNode>| -> Vec<TextRange> {
                nodes
                    .into_iter()
                    .filter(|n| binds_a_key(&ast::AttrSet::cast(n.clone()).unwrap()))
                    .map(|n| n.text_range())
                    .collect()
            };
            let all: Vec<_> = root
                .syntax()
                .descendants()
                .filter(|n| n.kind() == SyntaxKind::NODE_ATTR_SET)
                .collect();
            let expected = sets(all);
            assert_eq!(sets(candidates(root.syntax(), &text)), expected, "{text}");
            found += expected.len();
        }
        assert!(found >= 5, "testdata has objects ({found})");
    }
}
