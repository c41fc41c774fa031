//! The partial evaluator: lazy, bounded, and silent about what it cannot know.
//!
//! Expressions are evaluated on demand through thunks kept in an arena that lives as long
//! as the file's model, so recursive `let`s and `rec` sets cost no reference cycles.
//! Evaluation is bounded twice: by depth (no stack overflow) and by fuel (no runaway
//! recursion); past either bound a value is simply unknown.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

use rnix::TextRange;
use rnix::ast::{self, AstToken, BinOpKind, HasEntry, UnaryOpKind};
use rowan::ast::AstNode;
use rustc_hash::FxHashMap;

use super::libfns;
use super::nodes;
use super::strings::{self, Part};
use super::value::*;

pub type ScopeId = u32;

const MAX_DEPTH: u32 = 160;
const FUEL_PER_BYTE: u64 = 40;
const MIN_FUEL: u64 = 200_000;
/// Longer attribute paths (`a.b.c...`) are cut there, with an unknown value.
const MAX_ATTRPATH: usize = 32;

enum Scope {
    Vars {
        parent: Option<ScopeId>,
        vars: FxHashMap<Rc<str>, ThunkId>,
    },
    With {
        parent: Option<ScopeId>,
        namespace: ThunkId,
    },
}

impl Scope {
    fn parent(&self) -> Option<ScopeId> {
        match self {
            Scope::Vars { parent, .. } | Scope::With { parent, .. } => *parent,
        }
    }
}

enum State {
    Expr(ast::Expr, ScopeId),
    Var(Rc<str>, ScopeId),
    Select {
        from: ThunkId,
        key: Rc<str>,
        default: Option<(ast::Expr, ScopeId)>,
    },
    Apply {
        func: ThunkId,
        arg: ThunkId,
    },
    /// The set that dotted paths (`a.b.x = 1; a.b.y = 2;`) make, finished when forced:
    /// most of a module's sets are never read.
    Nested(Builder),
    Forcing,
    Done(Value),
}

struct Slot {
    state: State,
    range: TextRange,
}

/// The evaluator of one file. Owns every thunk and scope it creates.
pub struct Evaluator {
    thunks: RefCell<Vec<Slot>>,
    scopes: RefCell<Vec<Scope>>,
    depth: Cell<u32>,
    fuel: Cell<u64>,
}

impl Evaluator {
    pub fn new(source_len: usize) -> Evaluator {
        Evaluator {
            thunks: RefCell::default(),
            scopes: RefCell::new(vec![Scope::Vars {
                parent: None,
                vars: FxHashMap::default(),
            }]),
            depth: Cell::new(0),
            fuel: Cell::new(MIN_FUEL.max(source_len as u64 * FUEL_PER_BYTE)),
        }
    }

    pub const ROOT_SCOPE: ScopeId = 0;

    // ---- arena ----------------------------------------------------------------------

    fn push(&self, state: State, range: TextRange) -> ThunkId {
        let mut t = self.thunks.borrow_mut();
        t.push(Slot { state, range });
        (t.len() - 1) as ThunkId
    }

    pub fn thunk(&self, expr: ast::Expr, scope: ScopeId) -> ThunkId {
        let range = expr.syntax().text_range();
        self.push(State::Expr(expr, scope), range)
    }

    pub fn done(&self, value: Value, range: TextRange) -> ThunkId {
        self.push(State::Done(value), range)
    }

    pub fn apply_thunk(&self, func: ThunkId, arg: ThunkId, range: TextRange) -> ThunkId {
        self.push(State::Apply { func, arg }, range)
    }

    /// The source range of the expression behind a thunk.
    pub fn range(&self, t: ThunkId) -> TextRange {
        self.thunks.borrow()[t as usize].range
    }

    fn new_scope(&self, scope: Scope) -> ScopeId {
        let mut s = self.scopes.borrow_mut();
        s.push(scope);
        (s.len() - 1) as ScopeId
    }

    fn bind(&self, scope: ScopeId, name: Rc<str>, t: ThunkId) {
        if let Scope::Vars { vars, .. } = &mut self.scopes.borrow_mut()[scope as usize] {
            vars.insert(name, t);
        }
    }

    pub fn vars_scope(&self, parent: ScopeId) -> ScopeId {
        self.new_scope(Scope::Vars {
            parent: Some(parent),
            vars: FxHashMap::default(),
        })
    }

    /// Binds `name` in a fresh scope below `parent`.
    pub fn scope_with_var(
        &self,
        parent: ScopeId,
        name: &str,
        value: Value,
        range: TextRange,
    ) -> ScopeId {
        let s = self.vars_scope(parent);
        let t = self.done(value, range);
        self.bind(s, name.into(), t);
        s
    }

    // ---- forcing --------------------------------------------------------------------

    /// The value of a thunk, evaluated at most once.
    pub fn force(&self, t: ThunkId) -> Value {
        let state = {
            let mut thunks = self.thunks.borrow_mut();
            let slot = &mut thunks[t as usize];
            if let State::Done(v) = &slot.state {
                return v.clone();
            }
            std::mem::replace(&mut slot.state, State::Forcing)
        };
        let range = self.range(t);
        if !self.enter() {
            self.thunks.borrow_mut()[t as usize].state = state;
            return Value::Unknown;
        }
        let value = match state {
            State::Forcing => Value::Unknown, // infinite recursion
            State::Done(v) => v,
            State::Expr(e, s) => self.eval(&e, s),
            State::Var(name, s) => self.lookup(&name, s),
            State::Select { from, key, default } => self.select_key(from, &key, default),
            State::Apply { func, arg } => {
                let f = self.force(func);
                self.apply(f, arg, range)
            }
            State::Nested(b) => Value::Attrs(Rc::new(b.finish(self))),
        };
        self.leave();
        self.thunks.borrow_mut()[t as usize].state = State::Done(value.clone());
        value
    }

    /// The value with module properties (`mkIf`, `mkForce`, ...) looked through.
    pub fn force_plain(&self, t: ThunkId) -> Value {
        self.plain(self.force(t))
    }

    /// `v` with module properties looked through.
    pub fn plain(&self, mut v: Value) -> Value {
        for _ in 0..32 {
            v = match v {
                Value::Cond {
                    cond: Some(false), ..
                } => return Value::Unknown,
                Value::Cond { inner, .. }
                | Value::Prio { inner, .. }
                | Value::Order { inner, .. } => self.force(inner),
                other => return other,
            }
        }
        Value::Unknown
    }

    fn enter(&self) -> bool {
        let fuel = self.fuel.get();
        if fuel == 0 || self.depth.get() >= MAX_DEPTH {
            return false;
        }
        self.fuel.set(fuel - 1);
        self.depth.set(self.depth.get() + 1);
        true
    }

    /// Takes one unit of fuel for work outside evaluation (walking values); `false` when
    /// there is none left.
    pub fn spend(&self) -> bool {
        let fuel = self.fuel.get();
        self.fuel.set(fuel.saturating_sub(1));
        fuel > 0
    }

    fn leave(&self) {
        self.depth.set(self.depth.get() - 1);
    }

    pub fn eval(&self, expr: &ast::Expr, scope: ScopeId) -> Value {
        if !self.enter() {
            return Value::Unknown;
        }
        let v = self.eval_inner(expr, scope);
        self.leave();
        v
    }

    fn eval_inner(&self, expr: &ast::Expr, scope: ScopeId) -> Value {
        use ast::Expr as E;
        let range = expr.syntax().text_range();
        match expr {
            E::Literal(l) => match l.kind() {
                ast::LiteralKind::Integer(i) => i.value().map_or(Value::Unknown, Value::Int),
                ast::LiteralKind::Float(f) => f.value().map_or(Value::Unknown, Value::Float),
                ast::LiteralKind::Uri(u) => Value::Str(Str::text(u.syntax().text(), range, true)),
            },
            E::Str(s) => Value::Str(self.string(s, scope)),
            E::PathAbs(_) | E::PathRel(_) | E::PathHome(_) => {
                Value::Path(Str::text(&expr.syntax().text().to_string(), range, true))
            }
            E::PathSearch(_) => Value::Unknown,
            E::Ident(i) => match nodes::ident(i.syntax()) {
                Some(name) => self.lookup(name, scope),
                None => Value::Unknown,
            },
            E::Paren(p) => p.expr().map_or(Value::Unknown, |e| self.eval(&e, scope)),
            E::Select(s) => self.eval_select(s, scope),
            E::Apply(a) => {
                let [Some(f), Some(arg)] = nodes::exprs(a.syntax()) else {
                    return Value::Unknown;
                };
                let f = self.eval(&f, scope);
                let arg = self.thunk(arg, scope);
                self.apply(f, arg, range)
            }
            E::LetIn(l) => {
                let s = self.let_scope(l, scope);
                nodes::body(l.syntax()).map_or(Value::Unknown, |b| self.eval(&b, s))
            }
            E::AttrSet(a) => Value::Attrs(Rc::new(self.attrset(a, scope))),
            E::List(l) => Value::List(l.items().map(|i| Elem::One(self.thunk(i, scope))).collect()),
            E::With(w) => {
                let [namespace, Some(body)] = nodes::exprs(w.syntax()) else {
                    return Value::Unknown;
                };
                let s = self.with_scope(namespace, w.syntax().text_range(), scope);
                self.eval(&body, s)
            }
            E::Lambda(l) => Value::Lambda(Rc::new(Closure {
                lambda: l.clone(),
                scope,
            })),
            E::Assert(a) => a.body().map_or(Value::Unknown, |b| self.eval(&b, scope)),
            E::IfElse(i) => {
                let [cond, then, otherwise] = nodes::exprs(i.syntax());
                let branch = match cond.map(|c| self.eval(&c, scope)) {
                    Some(Value::Bool(true)) => then,
                    Some(Value::Bool(false)) => otherwise,
                    _ => return Value::Unknown,
                };
                branch.map_or(Value::Unknown, |b| self.eval(&b, scope))
            }
            E::BinOp(b) => self.binop(b, scope, range),
            E::UnaryOp(u) => {
                let v = u.expr().map_or(Value::Unknown, |e| self.eval(&e, scope));
                match (u.operator(), v) {
                    (Some(UnaryOpKind::Invert), Value::Bool(b)) => Value::Bool(!b),
                    (Some(UnaryOpKind::Negate), Value::Int(i)) => Value::Int(i.wrapping_neg()),
                    _ => Value::Unknown,
                }
            }
            E::HasAttr(h) => {
                let v = h.expr().map_or(Value::Unknown, |e| self.eval(&e, scope));
                let key = h
                    .attrpath()
                    .and_then(|p| p.attrs().next())
                    .and_then(|a| strings::static_attr_name(&a));
                match (v, key, h.attrpath().map(|p| p.attrs().count())) {
                    (Value::Attrs(a), Some(k), Some(1)) if a.get(&k).is_some() => Value::Bool(true),
                    (Value::Attrs(a), Some(k), Some(1)) if a.surely_lacks(&k) => Value::Bool(false),
                    _ => Value::Unknown,
                }
            }
            E::Root(r) => r.expr().map_or(Value::Unknown, |e| self.eval(&e, scope)),
            E::Error(_) | E::LegacyLet(_) | E::CurPos(_) => Value::Unknown,
        }
    }

    // ---- names ----------------------------------------------------------------------

    /// Nix's lookup order: lexical bindings, then the builtin globals, then `with`
    /// namespaces from the innermost out.
    pub fn lookup(&self, name: &str, scope: ScopeId) -> Value {
        let mut withs = vec![];
        let mut cur = Some(scope);
        while let Some(id) = cur {
            let found = {
                let scopes = self.scopes.borrow();
                match &scopes[id as usize] {
                    Scope::Vars { vars, .. } => vars.get(name).copied(),
                    Scope::With { namespace, .. } => {
                        withs.push(*namespace);
                        None
                    }
                }
            };
            if let Some(t) = found {
                return self.force(t);
            }
            cur = self.scopes.borrow()[id as usize].parent();
        }
        if let Some(v) = libfns::global(name) {
            return v;
        }
        for ns in withs {
            match self.force_plain(ns) {
                Value::Attrs(a) => {
                    if let Some(e) = a.get(name) {
                        return self.force(e.value);
                    }
                    if !a.surely_lacks(name) {
                        return Value::Unknown;
                    }
                }
                Value::Lib => {
                    if let Some(v) = libfns::lib_member(name) {
                        return v;
                    }
                }
                Value::Pkgs => return libfns::pkgs_member(name),
                _ => return Value::Unknown,
            }
        }
        Value::Unknown
    }

    // ---- attribute sets -------------------------------------------------------------

    /// Evaluates an attribute name: known text, partly known, or a hole.
    pub fn attr_key(&self, attr: &ast::Attr, scope: ScopeId) -> Key {
        let s = match attr {
            ast::Attr::Ident(i) => match nodes::ident(i.syntax()) {
                Some(name) => return Key::Known(name.into()),
                None => return Key::Partial(Str::hole(attr.syntax().text_range(), None)),
            },
            ast::Attr::Str(s) => self.string(s, scope),
            ast::Attr::Dynamic(d) => match d.expr().map(|e| self.eval(&e, scope)) {
                Some(Value::Str(s)) => s,
                _ => Str::hole(attr.syntax().text_range(), None),
            },
        };
        match s.known() {
            Some(k) => Key::Known(k.into()),
            None => Key::Partial(s),
        }
    }

    /// The scope inside `let ... in`: its bindings see each other.
    pub fn let_scope(&self, l: &ast::LetIn, parent: ScopeId) -> ScopeId {
        let s = self.vars_scope(parent);
        // `inherit x;` takes `x` from outside the `let`, not from its own bindings.
        let attrs = self.attrset_entries(l, s, parent);
        for (k, e) in attrs.known {
            self.bind(s, k, e.value);
        }
        s
    }

    /// The scope inside `with ns;` (at `range`).
    pub fn with_scope(
        &self,
        namespace: Option<ast::Expr>,
        range: TextRange,
        parent: ScopeId,
    ) -> ScopeId {
        let ns = match namespace {
            Some(ns) => self.thunk(ns, parent),
            None => self.done(Value::Unknown, range),
        };
        self.new_scope(Scope::With {
            parent: Some(parent),
            namespace: ns,
        })
    }

    /// The scope inside `rec { ... }` and its attributes; `inherit x;` sees the outside.
    pub fn rec_scope(&self, a: &ast::AttrSet, parent: ScopeId) -> (ScopeId, Attrs) {
        let s = self.vars_scope(parent);
        let attrs = self.attrset_entries(a, s, parent);
        for (k, e) in &attrs.known {
            self.bind(s, k.clone(), e.value);
        }
        (s, attrs)
    }

    fn attrset(&self, a: &ast::AttrSet, scope: ScopeId) -> Attrs {
        if nodes::is_rec(a) {
            self.rec_scope(a, scope).1
        } else {
            self.attrset_entries(a, scope, scope)
        }
    }

    fn attrset_entries(
        &self,
        node: &impl HasEntry,
        scope: ScopeId,
        inherit_scope: ScopeId,
    ) -> Attrs {
        let mut b = Builder::default();
        // The names of one binding's path, reused from binding to binding.
        let mut keys: Vec<(Key, TextRange)> = vec![];
        for entry in node.entries() {
            match entry {
                ast::Entry::Inherit(inh) => {
                    let from = inh
                        .from()
                        .and_then(|f| f.expr())
                        .map(|e| self.thunk(e, scope));
                    for attr in inh.attrs() {
                        let Some(name) = strings::static_attr_name(&attr) else {
                            continue;
                        };
                        let name: Rc<str> = name.into();
                        let range = attr.syntax().text_range();
                        let t = match from {
                            Some(f) => self.push(
                                State::Select {
                                    from: f,
                                    key: name.clone(),
                                    default: None,
                                },
                                range,
                            ),
                            None => self.push(State::Var(name.clone(), inherit_scope), range),
                        };
                        b.insert(self, &[(Key::Known(name), range)], t);
                    }
                }
                ast::Entry::AttrpathValue(apv) => {
                    let ([Some(value)], Some(path)) =
                        nodes::exprs_and::<1, ast::Attrpath>(apv.syntax())
                    else {
                        continue;
                    };
                    keys.clear();
                    keys.extend(
                        path.attrs()
                            .map(|a| (self.attr_key(&a, scope), a.syntax().text_range())),
                    );
                    if keys.is_empty() {
                        continue;
                    }
                    let t = if keys.len() > MAX_ATTRPATH {
                        // Cut the path; what is below the cut is unknown.
                        keys.truncate(MAX_ATTRPATH);
                        self.done(Value::Unknown, value.syntax().text_range())
                    } else {
                        self.thunk(value, scope)
                    };
                    b.insert(self, &keys, t);
                }
            }
        }
        b.finish(self)
    }

    fn eval_select(&self, s: &ast::Select, scope: ScopeId) -> Value {
        let ([Some(e), default], Some(path)) = nodes::exprs_and::<2, ast::Attrpath>(s.syntax())
        else {
            return Value::Unknown;
        };
        let mut cur = self.thunk(e, scope);
        let attrs: Vec<ast::Attr> = path.attrs().collect();
        for (i, attr) in attrs.iter().enumerate() {
            let Key::Known(k) = self.attr_key(attr, scope) else {
                return Value::Unknown;
            };
            let default = if i + 1 == attrs.len() {
                default.clone().map(|d| (d, scope))
            } else {
                None
            };
            let range = s.syntax().text_range();
            cur = self.push(
                State::Select {
                    from: cur,
                    key: k,
                    default,
                },
                range,
            );
        }
        self.force(cur)
    }

    fn select_key(&self, from: ThunkId, key: &str, default: Option<(ast::Expr, ScopeId)>) -> Value {
        let fallback = |ev: &Self| {
            default
                .as_ref()
                .map_or(Value::Unknown, |(d, s)| ev.eval(d, *s))
        };
        match self.force_plain(from) {
            Value::Attrs(a) => match a.get(key) {
                Some(e) => self.force(e.value),
                None if a.surely_lacks(key) => fallback(self),
                None => Value::Unknown,
            },
            Value::Lib => libfns::lib_member(key).unwrap_or(Value::Unknown),
            Value::Pkgs => libfns::pkgs_member(key),
            Value::Package(p) => Value::Package(format!("{p}.{key}").into()),
            // `inputs.nixpkgs.lib`, `nixpkgs.lib`: the nixpkgs library by every convention.
            Value::Unknown if key == "lib" => Value::Lib,
            _ => Value::Unknown,
        }
    }

    // ---- functions ------------------------------------------------------------------

    pub fn apply(&self, f: Value, arg: ThunkId, range: TextRange) -> Value {
        match f {
            Value::Lambda(c) => self.call_closure(&c, arg),
            Value::Func(p) => {
                let mut args = p.args.clone();
                args.push(arg);
                if args.len() < p.func.arity() {
                    Value::Func(Rc::new(Partial { func: p.func, args }))
                } else {
                    libfns::call(self, p.func, &args, range)
                }
            }
            // A module property applied further is not a function.
            _ => Value::Unknown,
        }
    }

    fn call_closure(&self, c: &Closure, arg: ThunkId) -> Value {
        let s = self.param_scope(&c.lambda, arg, c.scope);
        nodes::body(c.lambda.syntax()).map_or(Value::Unknown, |b| self.eval(&b, s))
    }

    /// The scope inside a lambda's body when it is called with `arg`.
    pub fn param_scope(&self, lambda: &ast::Lambda, arg: ThunkId, parent: ScopeId) -> ScopeId {
        use rnix::SyntaxKind::*;
        let s = self.vars_scope(parent);
        let Some(param) = lambda.syntax().first_child() else {
            return s;
        };
        let first_ident = |n: &rnix::SyntaxNode| n.first_child().filter(|i| i.kind() == NODE_IDENT);
        match param.kind() {
            NODE_IDENT_PARAM => {
                if let Some(name) = first_ident(&param).as_ref().and_then(nodes::ident) {
                    self.bind(s, name.into(), arg);
                }
            }
            NODE_PATTERN => {
                for part in param.children() {
                    let Some(ident) = first_ident(&part) else {
                        continue;
                    };
                    let Some(name) = nodes::ident(&ident) else {
                        continue;
                    };
                    let name: Rc<str> = name.into();
                    if part.kind() == NODE_PAT_BIND {
                        self.bind(s, name, arg);
                        continue;
                    }
                    // `name ? default`: the default is the entry's second expression.
                    let [_, default] = nodes::exprs(&part);
                    let t = self.push(
                        State::Select {
                            from: arg,
                            key: name.clone(),
                            default: default.map(|d| (d, s)),
                        },
                        part.text_range(),
                    );
                    self.bind(s, name, t);
                }
            }
            _ => {}
        }
        s
    }

    /// Calls a known function by value with already-built argument thunks.
    pub fn call_value(&self, f: &Value, args: &[ThunkId], range: TextRange) -> Value {
        let mut v = f.clone();
        for &a in args {
            v = self.apply(v, a, range);
        }
        v
    }

    // ---- operators ------------------------------------------------------------------

    fn binop(&self, b: &ast::BinOp, scope: ScopeId, range: TextRange) -> Value {
        let ([Some(l), Some(r)], Some(op)) =
            (nodes::exprs(b.syntax()), nodes::binop_kind(b.syntax()))
        else {
            return Value::Unknown;
        };
        match op {
            BinOpKind::Concat => {
                let lt = self.thunk(l, scope);
                let rt = self.thunk(r, scope);
                let mut out = self.list_elems(lt);
                out.extend(self.list_elems(rt));
                Value::List(out.into())
            }
            BinOpKind::Update => {
                let lv = self.plain(self.eval(&l, scope));
                let rv = self.plain(self.eval(&r, scope));
                update(lv, rv)
            }
            BinOpKind::Add => match (self.eval(&l, scope), self.eval(&r, scope)) {
                (Value::Int(a), Value::Int(b)) => Value::Int(a.wrapping_add(b)),
                (Value::Str(a), rv) => self
                    .coerce(&rv, range)
                    .map_or(Value::Unknown, |b| Value::Str(a.concat(&b))),
                (Value::Path(a), rv) => self
                    .coerce(&rv, range)
                    .map_or(Value::Unknown, |b| Value::Path(a.concat(&b))),
                (Value::Unknown, Value::Str(b)) => {
                    Value::Str(Str::hole(l.syntax().text_range(), None).concat(&b))
                }
                _ => Value::Unknown,
            },
            BinOpKind::And | BinOpKind::Or | BinOpKind::Implication => {
                let lv = self.eval(&l, scope);
                match (op, lv) {
                    (BinOpKind::And, Value::Bool(false)) => Value::Bool(false),
                    (BinOpKind::Or, Value::Bool(true)) => Value::Bool(true),
                    (BinOpKind::Implication, Value::Bool(false)) => Value::Bool(true),
                    (_, Value::Bool(_)) => match self.eval(&r, scope) {
                        Value::Bool(x) => Value::Bool(x),
                        _ => Value::Unknown,
                    },
                    _ => Value::Unknown,
                }
            }
            BinOpKind::Equal | BinOpKind::NotEqual => {
                let eq = simple_eq(&self.eval(&l, scope), &self.eval(&r, scope));
                match eq {
                    Some(e) => Value::Bool(e == (op == BinOpKind::Equal)),
                    None => Value::Unknown,
                }
            }
            BinOpKind::PipeRight => {
                let f = self.eval(&r, scope);
                let arg = self.thunk(l, scope);
                self.apply(f, arg, range)
            }
            BinOpKind::PipeLeft => {
                let f = self.eval(&l, scope);
                let arg = self.thunk(r, scope);
                self.apply(f, arg, range)
            }
            _ => Value::Unknown,
        }
    }

    /// The elements of a list-valued thunk; anything else becomes a splice of unknown length.
    pub fn list_elems(&self, t: ThunkId) -> Vec<Elem> {
        match self.force_plain(t) {
            Value::List(items) => items.to_vec(),
            _ => vec![Elem::Splice(self.range(t))],
        }
    }

    // ---- strings --------------------------------------------------------------------

    pub fn string(&self, s: &ast::Str, scope: ScopeId) -> Str {
        let mut pieces = vec![];
        for part in strings::parts(s) {
            match part {
                Part::Text {
                    text,
                    range,
                    verbatim,
                } => pieces.push(Piece::Text {
                    text: text.into(),
                    range,
                    verbatim,
                }),
                Part::Interpol(i) => {
                    let range = i.syntax().text_range();
                    let v = i.expr().map_or(Value::Unknown, |e| self.eval(&e, scope));
                    match self.coerce(&v, range) {
                        Some(s) => pieces.extend(s.pieces.iter().cloned()),
                        None => pieces.push(Piece::Hole {
                            range,
                            package: None,
                        }),
                    }
                }
            }
        }
        Str::from_pieces(pieces)
    }

    /// String interpolation's coercion (`"${x}"`): strings, paths, numbers and packages.
    pub fn coerce(&self, v: &Value, range: TextRange) -> Option<Str> {
        match v {
            Value::Str(s) | Value::Path(s) => Some(s.clone()),
            Value::Int(i) => Some(Str::text(&i.to_string(), range, false)),
            Value::Package(p) => Some(Str::hole(range, Some(p.clone()))),
            Value::Unknown | Value::Attrs(_) => Some(Str::hole(range, None)),
            Value::Cond { .. } | Value::Prio { .. } | Value::Order { .. } => {
                Some(Str::hole(range, None))
            }
            _ => None,
        }
    }

    /// `toString`: like interpolation, plus Booleans, null and lists (joined by spaces,
    /// nested lists flattened).
    pub fn to_string(&self, v: &Value, range: TextRange) -> Str {
        self.to_string_nested(v, range, 0)
    }

    /// Lists nest two levels at most: a list can contain itself (`let l = [ l l ]; in`).
    fn to_string_nested(&self, v: &Value, range: TextRange, depth: usize) -> Str {
        match v {
            Value::Bool(true) => Str::text("1", range, false),
            Value::Bool(false) | Value::Null => Str::text("", range, false),
            Value::List(_) if depth >= 2 => Str::hole(range, None),
            Value::List(items) => {
                let words: Vec<Str> = (items.iter())
                    .map(|e| match e {
                        Elem::One(t) => {
                            self.to_string_nested(&self.force(*t), self.range(*t), depth + 1)
                        }
                        Elem::Splice(r) => Str::hole(*r, None),
                    })
                    .collect();
                Str::join(&words, &Str::text(" ", range, false))
            }
            other => self
                .coerce(other, range)
                .unwrap_or_else(|| Str::hole(range, None)),
        }
    }
}

/// `l // r`: the right side wins; an unknown side keeps what is known of the other.
fn update(l: Value, r: Value) -> Value {
    match (l, r) {
        (Value::Attrs(a), Value::Attrs(b)) => {
            let mut out = (*a).clone();
            for (k, e) in b.known.iter() {
                out.known.insert(k.clone(), *e);
            }
            out.partial.extend(b.partial.iter().cloned());
            out.open |= b.open;
            Value::Attrs(Rc::new(out))
        }
        (Value::Unknown, Value::Attrs(b)) => {
            let mut out = (*b).clone();
            out.open = true;
            Value::Attrs(Rc::new(out))
        }
        _ => Value::Unknown,
    }
}

fn simple_eq(a: &Value, b: &Value) -> Option<bool> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x == y),
        (Value::Bool(x), Value::Bool(y)) => Some(x == y),
        (Value::Null, Value::Null) => Some(true),
        (Value::Str(x), Value::Str(y)) => Some(x.known()? == y.known()?),
        _ => None,
    }
}

/// Collects `a.b.c = v` entries into nested attribute sets, merging shared prefixes the
/// way Nix does (`a.x = 1; a.y = 2;` and `a = { x = 1; }; a.y = 2;` are one `a`).
#[derive(Default)]
struct Builder {
    known: BTreeMap<Rc<str>, (TextRange, Slot2)>,
    partial: Vec<(Str, TextRange, Slot2)>,
}

enum Slot2 {
    Leaf(ThunkId),
    Nested(Builder),
}

impl Builder {
    fn insert(&mut self, ev: &Evaluator, path: &[(Key, TextRange)], value: ThunkId) {
        let ((key, range), rest) = path.split_first().expect("non-empty attribute path");
        let slot = match key {
            Key::Partial(s) => {
                let mut slot = Slot2::Leaf(value);
                if !rest.is_empty() {
                    let mut b = Builder::default();
                    b.insert(ev, rest, value);
                    slot = Slot2::Nested(b);
                }
                self.partial.push((s.clone(), *range, slot));
                return;
            }
            Key::Known(k) => k,
        };
        if rest.is_empty() {
            match self.known.get_mut(slot) {
                // `a.y = 2; a = { x = 1; };`: merge the literal set into what is there.
                Some((_, Slot2::Nested(b))) => b.absorb(ev, value),
                _ => {
                    self.known
                        .insert(slot.clone(), (*range, Slot2::Leaf(value)));
                }
            }
            return;
        }
        let entry = self
            .known
            .entry(slot.clone())
            .or_insert_with(|| (*range, Slot2::Nested(Builder::default())));
        if let Slot2::Leaf(t) = entry.1 {
            let mut b = Builder::default();
            b.absorb(ev, t);
            entry.1 = Slot2::Nested(b);
        }
        if let Slot2::Nested(b) = &mut entry.1 {
            b.insert(ev, rest, value);
        }
    }

    /// Adds the entries of an attrset-valued thunk.
    fn absorb(&mut self, ev: &Evaluator, t: ThunkId) {
        if let Value::Attrs(a) = ev.force(t) {
            for (k, e) in a.known.iter() {
                self.insert(ev, &[(Key::Known(k.clone()), e.key_range)], e.value);
            }
            for (s, e) in a.partial.iter() {
                self.partial
                    .push((s.clone(), e.key_range, Slot2::Leaf(e.value)));
            }
        }
    }

    fn finish(self, ev: &Evaluator) -> Attrs {
        let slot_thunk = |slot: Slot2, range: TextRange| match slot {
            Slot2::Leaf(t) => t,
            Slot2::Nested(b) => ev.push(State::Nested(b), range),
        };
        let mut out = Attrs::default();
        for (k, (range, slot)) in self.known {
            out.known.insert(
                k,
                Entry {
                    key_range: range,
                    value: slot_thunk(slot, range),
                },
            );
        }
        for (s, range, slot) in self.partial {
            out.partial.push((
                s,
                Entry {
                    key_range: range,
                    value: slot_thunk(slot, range),
                },
            ));
        }
        out
    }
}
