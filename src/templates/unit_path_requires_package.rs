//! A systemd unit that runs a component lacks a package on its `path`
//! (a kubelet unit without util-linux cannot mount volumes).

use serde::Deserialize;

use rnix::ast::{self, HasEntry};
use rnix::{SyntaxKind, TextRange};
use rowan::ast::AstNode;

use super::{Check, Finding, OptionPath, Template, indent_at, insert, node_at, params};
use crate::diagnostic::{Edit, Fix, Safety};
use crate::model::Wanted;
use crate::model::{Elem, Model, Origin, Value};

pub static TEMPLATE: Template = Template {
    key: "unit-path-requires-package",
    description: "A systemd unit that runs `component` has none of `packages` on its `path`.",
    params: &[
        (
            "component",
            "Component the unit runs, decided by its executable, e.g. `kubelet`.",
        ),
        (
            "packages",
            "Attribute names under `pkgs` that satisfy the rule, e.g. `util-linux`.",
        ),
        (
            "module-unit",
            "Name of the unit that a nixpkgs module defines itself with a complete `path` (optional).",
        ),
        (
            "module-prefix",
            "Option prefix of that module; its unit is skipped in files that configure it (optional).",
        ),
    ],
    vars: &[
        ("unit", "the unit's name"),
        ("component", "the component"),
        ("package", "the first accepted package"),
    ],
    instantiate: |t| Ok(Box::new(params::<Params>(t)?)),
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Params {
    component: String,
    packages: Vec<String>,
    #[serde(default)]
    module_unit: Option<String>,
    #[serde(default)]
    module_prefix: Option<OptionPath>,
}

impl Check for Params {
    fn wants(&self, wanted: &mut Wanted) {
        wanted.option("systemd.services.*.path");
        if let Some(prefix) = &self.module_prefix {
            wanted.option(prefix.as_str());
        }
    }

    fn check(&self, model: &Model, out: &mut Vec<Finding>) {
        let mut units: Vec<usize> = model
            .commands
            .iter()
            .filter(|c| c.component == self.component)
            .filter_map(|c| match c.origin {
                Origin::Unit(u) => Some(u),
                Origin::Module(_) => None,
            })
            .collect();
        units.dedup();
        for u in units {
            let unit = &model.units[u];
            if unit.opaque || self.is_module_unit(model, unit.name()) {
                continue;
            }
            let name = unit.name().unwrap_or("<name>").to_string();
            let defs = unit.attr(model, &["path"]);
            let (range, label, fix) = if defs.is_empty() {
                (
                    unit.name_range,
                    "this unit sets no `path`".to_string(),
                    self.add_path(model, unit),
                )
            } else {
                let Some(elems) = model.list_option(&defs) else {
                    continue;
                };
                match self.provides(model, &elems) {
                    Some(true) | None => continue,
                    Some(false) => {}
                }
                let range = model.ev.range(defs[0].value);
                let fix = if defs.len() == 1 {
                    self.append_to_list(model, range)
                } else {
                    None
                };
                (
                    range,
                    format!("no {} on this `path`", self.packages[0]),
                    fix,
                )
            };
            out.push(Finding {
                fix,
                range,
                label,
                secondary: vec![],
                vars: vec![
                    ("unit", name),
                    ("component", self.component.clone()),
                    ("package", self.packages[0].clone()),
                ],
            });
        }
    }
}

impl Params {
    /// Adds the first package to the `path` list written at `range`, in the list's own
    /// form: `pkgs.util-linux` among `pkgs.` elements, bare `util-linux` under `with pkgs;`.
    fn append_to_list(&self, model: &Model, range: TextRange) -> Option<Fix> {
        let (list, with_pkgs) = match node_at(model, range, SyntaxKind::NODE_LIST) {
            Some(l) => (l, false),
            None => {
                let with = ast::With::cast(node_at(model, range, SyntaxKind::NODE_WITH)?)?;
                let ns = with.namespace()?.syntax().text().to_string();
                let ast::Expr::List(l) = with.body()? else {
                    return None;
                };
                (l.syntax().clone(), ns == "pkgs")
            }
        };
        let list = ast::List::cast(list)?;
        let items: Vec<ast::Expr> = list.items().collect();
        let package = &self.packages[0];
        let qualified = items.iter().any(|i| matches!(i, ast::Expr::Select(s) if s.syntax().text().to_string().starts_with("pkgs.")));
        let bare = items.iter().any(|i| matches!(i, ast::Expr::Ident(_)));
        let word = if qualified {
            format!("pkgs.{package}")
        } else if bare || with_pkgs {
            package.clone()
        } else if pkgs_in_scope(model) {
            format!("pkgs.{package}")
        } else {
            return None;
        };
        let edit = match items.last() {
            Some(last) => {
                let end = last.syntax().text_range().end();
                if list.syntax().text().to_string().contains('\n') {
                    insert(
                        end,
                        format!(
                            "\n{}{word}",
                            indent_at(model, last.syntax().text_range().start())
                        ),
                    )
                } else {
                    insert(end, format!(" {word}"))
                }
            }
            None => Edit {
                range: list.syntax().text_range(),
                replacement: format!("[ {word} ]"),
            },
        };
        Some(Fix {
            safety: Safety::Safe,
            description: format!("add `{word}` to `path`"),
            edits: vec![edit],
        })
    }

    /// Adds `path = [ pkgs.util-linux ];` to a unit that has none, next to its definition.
    fn add_path(&self, model: &Model, unit: &crate::model::Unit) -> Option<Fix> {
        if !pkgs_in_scope(model) {
            return None;
        }
        let line = format!("path = [ pkgs.{} ];", self.packages[0]);
        let attr = match model.root.covering_element(unit.name_range) {
            rowan::NodeOrToken::Node(n) => n,
            rowan::NodeOrToken::Token(t) => t.parent()?,
        };
        let apv = attr.ancestors().find_map(ast::AttrpathValue::cast)?;
        let attrs: Vec<ast::Attr> = apv.attrpath()?.attrs().collect();
        let at = attrs
            .iter()
            .position(|a| a.syntax().text_range() == unit.name_range)?;
        let edit = if at + 1 == attrs.len() {
            // `kubelet = { … }` or `kubelet = mkIf cond { … }`: into the set.
            let first = unit_body(apv.value()?)?.entries().next()?;
            let start = first.syntax().text_range().start();
            insert(start, format!("{line}\n{}", indent_at(model, start)))
        } else {
            // `kubelet.serviceConfig = …`: one more dotted definition beside it.
            let start = apv.syntax().text_range().start();
            let prefix = TextRange::new(start, attrs[at].syntax().text_range().end());
            let prefix = model.source(prefix);
            let indent = indent_at(model, start);
            insert(start, format!("{prefix}.{line}\n{indent}"))
        };
        Some(Fix {
            safety: Safety::Safe,
            description: format!("add a `path` with {}", self.packages[0]),
            edits: vec![edit],
        })
    }

    /// Whether one of the packages is on the list; `None` when part of it is unknown.
    fn provides(&self, model: &Model, elems: &[Elem]) -> Option<bool> {
        let mut unknown = false;
        for e in elems {
            let Elem::One(t) = e else {
                unknown = true;
                continue;
            };
            match model.ev.force_plain(*t) {
                Value::Package(p) if self.accepts(&p) => return Some(true),
                Value::Str(s) if s.packages().any(|p| self.accepts(p)) => return Some(true),
                Value::Str(s) if s.known().is_none() && s.packages().next().is_none() => {
                    unknown = true
                }
                Value::Unknown => unknown = true,
                _ => {}
            }
        }
        if unknown { None } else { Some(false) }
    }

    fn accepts(&self, package: &str) -> bool {
        self.packages.iter().any(|p| p == package)
    }

    /// The module's own unit (`systemd.services.kubelet` with `services.kubernetes`
    /// configured in the same file) already has what it needs.
    fn is_module_unit(&self, model: &Model, name: Option<&str>) -> bool {
        let (Some(unit), Some(prefix)) = (&self.module_unit, &self.module_prefix) else {
            return false;
        };
        name == Some(unit.as_str()) && model.defs_under(prefix.names()).next().is_some()
    }
}

/// Whether the file is a module function taking `pkgs`.
/// The attribute set a unit is written as, through parentheses and `mkIf cond`.
fn unit_body(value: ast::Expr) -> Option<ast::AttrSet> {
    match value {
        ast::Expr::AttrSet(set) => Some(set),
        ast::Expr::Paren(p) => unit_body(p.expr()?),
        ast::Expr::Apply(apply) => {
            let ast::Expr::Apply(head) = apply.lambda()? else {
                return None;
            };
            let name = head.lambda()?.syntax().text().to_string();
            (name == "mkIf" || name == "lib.mkIf").then_some(())?;
            unit_body(apply.argument()?)
        }
        _ => None,
    }
}

fn pkgs_in_scope(model: &Model) -> bool {
    let Some(ast::Expr::Lambda(l)) = ast::Root::cast(model.root.clone()).and_then(|r| r.expr())
    else {
        return false;
    };
    let Some(ast::Param::Pattern(p)) = l.param() else {
        return false;
    };
    p.pat_entries()
        .any(|e| e.ident().is_some_and(|i| i.syntax().text() == "pkgs"))
}
