//! Kubernetes objects written as Nix attrsets (`kind = "KubeletConfiguration"`, kubeconfigs
//! with `clusters`), wherever they sit: in an option, a `let` binding fed to
//! `builtins.toJSON`, or a function's body.

use std::rc::Rc;

use rnix::ast::{self, HasEntry};
use rnix::{SyntaxKind, TextRange};
use rowan::ast::AstNode;

use super::eval::{Evaluator, ScopeId};
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

pub fn objects(ev: &Evaluator, root: &ast::Root) -> Vec<Object> {
    let mut out = vec![];
    for node in root
        .syntax()
        .descendants()
        .filter(|n| n.kind() == SyntaxKind::NODE_ATTR_SET)
    {
        let set = ast::AttrSet::cast(node.clone()).expect("attr set node");
        let is_object = set
            .attrpath_values()
            .filter_map(|apv| apv.attrpath()?.attrs().next())
            .filter_map(|a| static_attr_name(&a))
            .any(|k| k == "kind" || k == "clusters");
        if !is_object {
            continue;
        }
        let scope = scope_at(ev, &node);
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

/// The scope a node sees, rebuilt from its ancestors. Lambda parameters are unknown,
/// except `lib` and `pkgs` by the NixOS convention.
fn scope_at(ev: &Evaluator, node: &rnix::SyntaxNode) -> ScopeId {
    let mut chain: Vec<rnix::SyntaxNode> = node.ancestors().skip(1).collect();
    chain.reverse();
    let mut scope = Evaluator::ROOT_SCOPE;
    for (i, anc) in chain.iter().enumerate() {
        let child = chain.get(i + 1).unwrap_or(node);
        if let Some(l) = ast::LetIn::cast(anc.clone()) {
            scope = ev.let_scope(&l, scope);
        } else if let Some(w) = ast::With::cast(anc.clone()) {
            if w.body().is_some_and(|b| b.syntax() == child) {
                scope = ev.with_scope(&w, scope);
            }
        } else if let Some(a) = ast::AttrSet::cast(anc.clone()) {
            if a.rec_token().is_some() {
                scope = ev.rec_scope(&a, scope).0;
            }
        } else if let Some(l) = ast::Lambda::cast(anc.clone())
            && l.body().is_some_and(|b| b.syntax() == child)
        {
            let range = l.syntax().text_range();
            let args = ev.done(super::module_args(ev, range), range);
            scope = ev.param_scope(&l, args, scope);
        }
    }
    scope
}
