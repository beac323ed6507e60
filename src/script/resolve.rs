//! Names to slots: each function's scope is one array of slots (parameters, then `var`s and
//! function declarations, then the names of blocks: `let`, `const`, `catch`), and every
//! identifier becomes a slot of its function, a slot of an enclosing one, or a property of the
//! global object. Function declarations of a function's own body are defined on entry
//! (hoisted); those in nested blocks when their statement runs (SpiderMonkey's function
//! statements).

use std::collections::HashMap;
use std::rc::Rc;

use super::ast::*;
use super::jsstr::{Atom, K};

/// The names of one function being resolved.
struct Frame {
    /// `var`-scoped names (parameters, vars, functions) → slot.
    vars: HashMap<Atom, u32>,
    /// Block scopes, innermost last.
    blocks: Vec<HashMap<Atom, u32>>,
    slots: u32,
    arguments_slot: Option<u32>,
    /// The function's own name (a named function expression), if not shadowed.
    self_name: Option<(Atom, u32)>,
    /// A block's scope (`S::Scoped`), not a function's: no `arguments` of its own.
    block: bool,
}

impl Frame {
    fn slot(&mut self) -> u32 {
        let s = self.slots;
        self.slots += 1;
        s
    }

    fn find(&self, a: Atom) -> Option<u32> {
        for b in self.blocks.iter().rev() {
            if let Some(s) = b.get(&a) {
                return Some(*s);
            }
        }
        if let Some(s) = self.vars.get(&a) {
            return Some(*s);
        }
        self.self_name.filter(|(n, _)| *n == a).map(|(_, s)| s)
    }
}

/// Resolves a function (the template's render function) and every function inside it.
pub(crate) fn resolve(f: &mut Function) {
    let mut stack: Vec<Frame> = Vec::new();
    resolve_function(f, &mut stack, false);
}

fn resolve_function(f: &mut Function, stack: &mut Vec<Frame>, expression: bool) {
    let mut frame = Frame { vars: HashMap::new(), blocks: Vec::new(), slots: 0, arguments_slot: None, self_name: None, block: false };
    for p in &mut f.params {
        let s = match frame.vars.get(&p.name) {
            // `function (a, a)`: the last one wins.
            Some(_) => frame.slot(),
            None => frame.slot(),
        };
        frame.vars.insert(p.name, s);
        p.at = VarRef::Local(s);
    }
    // Hoisting: every var and function declaration of the body (not of nested functions).
    let mut names = Vec::new();
    for st in &f.body {
        collect_vars(st, &mut names);
    }
    for n in names {
        if !frame.vars.contains_key(&n) {
            let s = frame.slot();
            frame.vars.insert(n, s);
        }
    }
    if expression {
        if let Some(n) = f.name {
            if !frame.vars.contains_key(&n) {
                let s = frame.slot();
                frame.self_name = Some((n, s));
                f.self_slot = Some(s);
            }
        }
    }
    stack.push(frame);
    let mut hoisted = Vec::new();
    for st in &mut f.body {
        if let S::FunctionDecl(name, func) = &mut st.k {
            resolve_ident(name, stack);
            if let Some(inner) = Rc::get_mut(func) {
                resolve_function(inner, stack, false);
            }
            if let VarRef::Local(s) = name.at {
                hoisted.push((s, func.clone()));
            }
            st.k = S::Empty;
        } else {
            resolve_stmt(st, stack);
        }
    }
    let Some(frame) = stack.pop() else { return };
    f.slots = frame.slots;
    f.arguments_slot = frame.arguments_slot;
    f.hoisted = hoisted;
}

/// The `var`-scoped names a statement declares (not inside nested functions).
fn collect_vars(st: &Stmt, out: &mut Vec<Atom>) {
    match &st.k {
        S::Vars(ds) | S::Let(ds) => out.extend(ds.iter().map(|d| d.name.name)),
        S::FunctionDecl(n, _) => out.push(n.name),
        S::Block(b) => b.iter().for_each(|s| collect_vars(s, out)),
        S::If(_, a, b) => {
            collect_vars(a, out);
            if let Some(b) = b {
                collect_vars(b, out);
            }
        }
        S::For(init, _, _, body) => {
            if let Some(i) = init {
                collect_vars(i, out);
            }
            collect_vars(body, out);
        }
        S::ForIn(t, _, body, _) => {
            if let ForTarget::Decl(d) = t {
                out.push(d.name);
            }
            collect_vars(body, out);
        }
        S::While(_, b) | S::DoWhile(b, _) | S::Labeled(_, b) => collect_vars(b, out),
        S::Switch(_, cases) => cases.iter().flat_map(|c| c.body.iter()).for_each(|s| collect_vars(s, out)),
        S::Try(b, c, f) => {
            b.iter().for_each(|s| collect_vars(s, out));
            if let Some((_, c)) = c {
                c.iter().for_each(|s| collect_vars(s, out));
            }
            if let Some(f) = f {
                f.iter().for_each(|s| collect_vars(s, out));
            }
        }
        _ => {}
    }
}

fn resolve_ident(id: &mut Ident, stack: &mut [Frame]) {
    for (depth, frame) in stack.iter_mut().rev().enumerate() {
        if let Some(s) = frame.find(id.name) {
            id.at = if depth == 0 { VarRef::Local(s) } else { VarRef::Outer(depth as u32, s) };
            return;
        }
        if id.name == K::arguments.atom() && !frame.block {
            // `arguments` of the nearest function (the template's own code is a function too).
            let s = match frame.arguments_slot {
                Some(s) => s,
                None => {
                    let s = frame.slot();
                    frame.arguments_slot = Some(s);
                    s
                }
            };
            id.at = if depth == 0 { VarRef::Local(s) } else { VarRef::Outer(depth as u32, s) };
            return;
        }
    }
    id.at = VarRef::Global;
}

fn resolve_block(body: &mut [Stmt], stack: &mut Vec<Frame>) {
    for st in body {
        resolve_stmt(st, stack);
    }
}

fn resolve_stmt(st: &mut Stmt, stack: &mut Vec<Frame>) {
    match &mut st.k {
        S::Empty | S::EmitText(_) | S::Break(_) | S::Continue(_) => {}
        S::Expr(e) | S::Throw(e) | S::Emit(e) => resolve_expr(e, stack),
        S::Vars(ds) | S::Let(ds) => {
            for d in ds {
                resolve_ident(&mut d.name, stack);
                if let Some(e) = &mut d.init {
                    resolve_expr(e, stack);
                }
            }
        }
        S::FunctionDecl(name, func) => {
            resolve_ident(name, stack);
            if let Some(inner) = Rc::get_mut(func) {
                resolve_function(inner, stack, false);
            }
        }
        S::Block(b) if lets_captured(b) => {
            // `let` in a block that makes closures: the block gets a scope of its own.
            let mut frame =
                Frame { vars: HashMap::new(), blocks: Vec::new(), slots: 0, arguments_slot: None, self_name: None, block: true };
            for st in b.iter() {
                if let S::Let(ds) = &st.k {
                    for d in ds {
                        if !frame.vars.contains_key(&d.name.name) {
                            let s = frame.slot();
                            frame.vars.insert(d.name.name, s);
                        }
                    }
                }
            }
            stack.push(frame);
            resolve_block(b, stack);
            let slots = stack.pop().map_or(0, |f| f.slots);
            st.k = S::Scoped(slots, std::mem::take(b));
        }
        S::Block(b) => resolve_block(b, stack),
        S::Scoped(_, b) => resolve_block(b, stack),
        S::If(c, a, b) => {
            resolve_expr(c, stack);
            resolve_stmt(a, stack);
            if let Some(b) = b {
                resolve_stmt(b, stack);
            }
        }
        S::For(init, test, update, body) => {
            if let Some(i) = init {
                resolve_stmt(i, stack);
            }
            if let Some(t) = test {
                resolve_expr(t, stack);
            }
            if let Some(u) = update {
                resolve_expr(u, stack);
            }
            resolve_stmt(body, stack);
        }
        S::ForIn(t, obj, body, _) => {
            match t {
                ForTarget::Decl(d) => resolve_ident(d, stack),
                ForTarget::Expr(e) => resolve_expr(e, stack),
            }
            resolve_expr(obj, stack);
            resolve_stmt(body, stack);
        }
        S::While(c, b) | S::DoWhile(b, c) => {
            resolve_expr(c, stack);
            resolve_stmt(b, stack);
        }
        S::Switch(d, cases) => {
            resolve_expr(d, stack);
            for c in cases {
                if let Some(t) = &mut c.test {
                    resolve_expr(t, stack);
                }
                resolve_block(&mut c.body, stack);
            }
        }
        S::Return(e) => {
            if let Some(e) = e {
                resolve_expr(e, stack);
            }
        }
        S::Try(b, c, f) => {
            resolve_block(b, stack);
            if let Some((name, body)) = c {
                // The catch parameter is a name of its block only.
                let Some(frame) = stack.last_mut() else { return };
                let s = frame.slot();
                frame.blocks.push(HashMap::from([(name.name, s)]));
                name.at = VarRef::Local(s);
                resolve_block(body, stack);
                if let Some(frame) = stack.last_mut() {
                    frame.blocks.pop();
                }
            }
            if let Some(f) = f {
                resolve_block(f, stack);
            }
        }
        S::Labeled(_, b) => resolve_stmt(b, stack),
    }
}

/// Whether a block declares `let`/`const` names and makes a function that could keep them.
fn lets_captured(b: &[Stmt]) -> bool {
    b.iter().any(|st| matches!(st.k, S::Let(_))) && b.iter().any(stmt_makes_function)
}

fn stmt_makes_function(st: &Stmt) -> bool {
    let e = expr_makes_function;
    match &st.k {
        S::FunctionDecl(..) => true,
        S::Expr(x) | S::Throw(x) | S::Emit(x) | S::Return(Some(x)) => e(x),
        S::Vars(ds) | S::Let(ds) => ds.iter().filter_map(|d| d.init.as_ref()).any(e),
        S::Block(b) | S::Scoped(_, b) => b.iter().any(stmt_makes_function),
        S::If(c, a, b) => e(c) || stmt_makes_function(a) || b.as_deref().is_some_and(stmt_makes_function),
        S::For(i, t, u, b) => {
            i.as_deref().is_some_and(stmt_makes_function)
                || t.as_ref().is_some_and(e)
                || u.as_ref().is_some_and(e)
                || stmt_makes_function(b)
        }
        S::ForIn(_, o, b, _) => e(o) || stmt_makes_function(b),
        S::While(c, b) | S::DoWhile(b, c) => e(c) || stmt_makes_function(b),
        S::Switch(d, cases) => e(d) || cases.iter().any(|c| c.test.as_ref().is_some_and(e) || c.body.iter().any(stmt_makes_function)),
        S::Try(b, c, f) => {
            b.iter().any(stmt_makes_function)
                || c.as_ref().is_some_and(|(_, c)| c.iter().any(stmt_makes_function))
                || f.as_ref().is_some_and(|f| f.iter().any(stmt_makes_function))
        }
        S::Labeled(_, b) => stmt_makes_function(b),
        S::Empty | S::EmitText(_) | S::Break(_) | S::Continue(_) | S::Return(None) => false,
    }
}

fn expr_makes_function(x: &Expr) -> bool {
    let e = expr_makes_function;
    match &x.k {
        E::Function(_) => true,
        E::Object(props) => props.iter().any(|p| match p {
            Prop::Value(_, v) => e(v),
            Prop::Get(..) | Prop::Set(..) => true,
        }),
        E::Array(items) => items.iter().flatten().any(e),
        E::Member(o, _) | E::Attr(o, _) | E::Children(o) | E::Descendants(o, _, _) | E::Unary(_, o) | E::Delete(o) | E::Update(o, _, _) => {
            e(o)
        }
        E::Index(a, b) | E::AttrIndex(a, b) | E::Filter(a, b) | E::Binary(_, a, b) | E::And(a, b) | E::Or(a, b) | E::Assign(_, a, b) => {
            e(a) || e(b)
        }
        E::Call(f, args) | E::New(f, args) => e(f) || args.iter().any(e),
        E::Cond(a, b, c) => e(a) || e(b) || e(c),
        E::Seq(all) => all.iter().any(e),
        E::XmlLiteral(parts) => parts.iter().any(|p| matches!(p, XmlPart::Attr(x) | XmlPart::Content(x) if e(x))),
        _ => false,
    }
}

fn resolve_expr(e: &mut Expr, stack: &mut Vec<Frame>) {
    match &mut e.k {
        E::Num(_) | E::Str(_) | E::Bool(_) | E::Null | E::This | E::Regex(..) | E::AttrOfScope(_) => {}
        E::Var(id) => resolve_ident(id, stack),
        E::Array(items) => items.iter_mut().flatten().for_each(|x| resolve_expr(x, stack)),
        E::Object(props) => {
            for p in props {
                match p {
                    Prop::Value(_, v) => resolve_expr(v, stack),
                    Prop::Get(_, f) | Prop::Set(_, f) => {
                        if let Some(inner) = Rc::get_mut(f) {
                            resolve_function(inner, stack, false);
                        }
                    }
                }
            }
        }
        E::Function(f) => {
            if let Some(inner) = Rc::get_mut(f) {
                resolve_function(inner, stack, true);
            }
        }
        E::Member(o, _) | E::Attr(o, _) | E::Children(o) | E::Descendants(o, _, _) | E::Unary(_, o) | E::Delete(o) | E::Update(o, _, _) => {
            resolve_expr(o, stack)
        }
        E::Index(a, b) | E::AttrIndex(a, b) | E::Filter(a, b) | E::Binary(_, a, b) | E::And(a, b) | E::Or(a, b) | E::Assign(_, a, b) => {
            resolve_expr(a, stack);
            resolve_expr(b, stack);
        }
        E::Call(f, args) | E::New(f, args) => {
            resolve_expr(f, stack);
            args.iter_mut().for_each(|x| resolve_expr(x, stack));
        }
        E::Cond(a, b, c) => {
            resolve_expr(a, stack);
            resolve_expr(b, stack);
            resolve_expr(c, stack);
        }
        E::Seq(all) => all.iter_mut().for_each(|x| resolve_expr(x, stack)),
        E::XmlLiteral(parts) => {
            for p in parts {
                if let XmlPart::Attr(x) | XmlPart::Content(x) = p {
                    resolve_expr(x, stack);
                }
            }
        }
    }
}
