//! The model: what a file configures, seen through the way people write NixOS.
//!
//! Built once per file from its syntax tree; knows no rule and does no I/O. Every fact
//! keeps the source range of the value it came from. What cannot be known is unknown.

pub mod cmdline;
pub mod eval;
pub mod libfns;
mod nodes;
pub mod objects;
pub mod options;
pub mod strings;
pub mod units;
pub mod value;
pub mod wanted;

use std::cell::OnceCell;
use std::rc::Rc;

use rnix::TextRange;
use rnix::ast;
use rowan::ast::AstNode;

pub use cmdline::{Arg, Flag};
pub use eval::Evaluator;
pub use objects::{Object, ObjectKind};
pub use options::{Def, Segment};
pub use units::Unit;
pub use value::{Attrs, Elem, Key, Piece, Str, ThunkId, Value};
pub use wanted::Wanted;

/// Where a command line comes from.
#[derive(Clone, Debug)]
pub enum Origin {
    /// A systemd unit's `ExecStart` or `script` (index into [`Model::units`]).
    Unit(usize),
    /// nixpkgs' module for the component, e.g. `services.kubernetes.apiserver`, whose
    /// `extraOpts` are appended after the flags the module generates.
    Module(&'static str),
}

/// A command line that runs a Kubernetes component.
#[derive(Clone, Debug)]
pub struct Command {
    pub component: &'static str,
    /// The component's own arguments (after the executable).
    pub args: Vec<Arg>,
    /// The executable word, or the module's option path.
    pub range: TextRange,
    pub origin: Origin,
    /// The flags of `args`, parsed once for all the rules that read them.
    flags: OnceCell<Vec<Flag>>,
}

impl Command {
    pub fn new(component: &'static str, args: Vec<Arg>, range: TextRange, origin: Origin) -> Self {
        Command {
            component,
            args,
            range,
            origin,
            flags: OnceCell::new(),
        }
    }

    pub fn flags(&self) -> &[Flag] {
        self.flags.get_or_init(|| cmdline::flags(&self.args))
    }

    /// Whether an argument of unknown content follows argv index `i`.
    pub fn opaque_after(&self, i: usize) -> bool {
        self.args
            .iter()
            .skip(i + 1)
            .any(|a| matches!(a, Arg::Opaque(_)))
    }

    /// Whether any argument has unknown content.
    pub fn has_opaque(&self) -> bool {
        self.args.iter().any(|a| matches!(a, Arg::Opaque(_)))
    }
}

/// nixpkgs modules that run a component, and the option holding their extra flags.
pub const MODULE_COMPONENTS: &[(&str, &str)] = &[
    ("kube-apiserver", "services.kubernetes.apiserver"),
    ("kubelet", "services.kubernetes.kubelet"),
    (
        "kube-controller-manager",
        "services.kubernetes.controllerManager",
    ),
    ("kube-scheduler", "services.kubernetes.scheduler"),
    ("kube-proxy", "services.kubernetes.proxy"),
];

pub struct Model {
    /// The file's syntax tree, for templates that build fixes in the file's own style.
    pub root: rnix::SyntaxNode,
    /// The file's source (the tree's text), for fixes that copy from it: rowan's text of a
    /// range of the tree walks every token before it.
    text: Rc<str>,
    pub ev: Evaluator,
    pub defs: Vec<Def>,
    pub imports: Vec<TextRange>,
    pub units: Vec<Unit>,
    pub commands: Vec<Command>,
    pub objects: Vec<Object>,
}

impl Model {
    /// The whole model of a file.
    pub fn build(root: &ast::Root) -> Model {
        Model::build_for(root, &root.syntax().to_string(), &Wanted::everything())
    }

    /// The model of a file whose source is `text`, with only the definitions (and objects)
    /// that `wanted` names.
    pub fn build_for(root: &ast::Root, text: &str, wanted: &Wanted) -> Model {
        let ev = Evaluator::new(root.syntax().text_range().len().into());
        let module = match root.expr() {
            Some(expr) if wanted.any_option() => {
                let t = ev.thunk(expr, Evaluator::ROOT_SCOPE);
                let t = match ev.force(t) {
                    Value::Lambda(_) => {
                        let range = ev.range(t);
                        let args = ev.done(module_args(&ev, range), range);
                        ev.apply_thunk(t, args, range)
                    }
                    _ => t,
                };
                options::module(&ev, t, wanted)
            }
            _ => options::Module {
                defs: vec![],
                imports: vec![],
            },
        };
        let units = units::units(&module.defs);
        let mut model = Model {
            root: root.syntax().clone(),
            text: Rc::from(text),
            ev,
            defs: module.defs,
            imports: module.imports,
            units,
            commands: vec![],
            objects: vec![],
        };
        model.commands = model.find_commands();
        if wanted.objects {
            model.objects = objects::objects(&model.ev, root, text);
        }
        model
    }

    /// The source at `range` (a range of the file).
    pub fn source(&self, range: TextRange) -> &str {
        &self.text[range]
    }

    /// The file's source.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Definitions of exactly `path` (dotted; `*` matches one segment).
    pub fn defs_at<'a, S: AsRef<str>>(
        &'a self,
        path: &'a [S],
    ) -> impl Iterator<Item = &'a Def> + 'a {
        self.defs.iter().filter(move |d| d.is_at(path))
    }

    /// Definitions at or below `prefix`, with the rest of their path.
    pub fn defs_under<'a, S: AsRef<str>>(
        &'a self,
        prefix: &'a [S],
    ) -> impl Iterator<Item = (&'a Def, &'a [Segment])> + 'a {
        self.defs
            .iter()
            .filter_map(move |d| d.strip_prefix(prefix).map(|rest| (d, rest)))
    }

    /// The definitions of an option that take effect: those of the highest priority,
    /// in `mkOrder` order.
    pub fn effective<'a>(&self, defs: impl Iterator<Item = &'a Def>) -> Vec<&'a Def> {
        let defs: Vec<&Def> = defs.collect();
        let Some(best) = defs.iter().map(|d| d.prio).min() else {
            return vec![];
        };
        let mut out: Vec<&Def> = defs.into_iter().filter(|d| d.prio == best).collect();
        out.sort_by_key(|d| d.order);
        out
    }

    /// The effective list elements of a list option (definitions concatenated), or `None`
    /// when a definition is not a list.
    pub fn list_option(&self, defs: &[&Def]) -> Option<Vec<Elem>> {
        let mut out = vec![];
        for d in defs {
            match self.ev.force_plain(d.value) {
                Value::List(items) => out.extend(items.iter().copied()),
                Value::Unknown => out.push(Elem::Splice(self.ev.range(d.value))),
                _ => return None,
            }
        }
        Some(out)
    }

    /// The effective value of a string option, definitions joined by `sep` (for
    /// `separatedString` options such as `extraOpts`).
    pub fn string_option(&self, defs: &[&Def], sep: &str) -> Str {
        let mut out = Str::default();
        for (i, d) in defs.iter().enumerate() {
            let range = self.ev.range(d.value);
            if i > 0 {
                out = out.concat(&Str::text(sep, range, false));
            }
            let v = self.ev.force_plain(d.value);
            out = out.concat(
                &self
                    .ev
                    .coerce(&v, range)
                    .unwrap_or_else(|| Str::hole(range, None)),
            );
        }
        out
    }

    fn find_commands(&self) -> Vec<Command> {
        let mut out = vec![];
        for (i, unit) in self.units.iter().enumerate() {
            for argv in unit.argvs(self) {
                if let Some((component, start)) = cmdline::component(&argv) {
                    let range = argv[0]
                        .word()
                        .and_then(Str::range)
                        .unwrap_or(unit.name_range);
                    let args = argv[start..].to_vec();
                    out.push(Command::new(component, args, range, Origin::Unit(i)));
                }
            }
        }
        for (component, prefix) in MODULE_COMPONENTS {
            let path: Vec<&str> = prefix.split('.').collect();
            let Some((first, _)) = self.defs_under(&path).next() else {
                continue;
            };
            let extra: Vec<&str> = path.iter().copied().chain(["extraOpts"]).collect();
            let extra = self.effective(self.defs_at(&extra));
            let args = cmdline::split_words(&self.string_option(&extra, " "));
            let range = first.path[path.len() - 1].range;
            out.push(Command::new(component, args, range, Origin::Module(prefix)));
        }
        out
    }
}

/// The argument a NixOS module function is called with: `lib` and `pkgs` are known,
/// everything else (`config`, `options`, `modulesPath`, ...) is not.
pub fn module_args(ev: &Evaluator, range: TextRange) -> Value {
    let mut a = Attrs {
        open: true,
        ..Attrs::default()
    };
    for (name, v) in [("lib", Value::Lib), ("pkgs", Value::Pkgs)] {
        a.known.insert(
            name.into(),
            value::Entry {
                key_range: range,
                value: ev.done(v, range),
            },
        );
    }
    Value::Attrs(Rc::new(a))
}

#[cfg(test)]
mod tests;
