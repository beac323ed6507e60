//! The syntax tree of a template's script, with names resolved to slots (see `resolve.rs`).

use std::rc::Rc;

use super::jssp::Pos;
use super::jsstr::{Atom, JsStr};

/// Where a variable lives, decided once the function is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VarRef {
    /// Not resolved yet (the parser's value).
    Unresolved,
    /// A slot of the current function's scope.
    Local(u32),
    /// A slot of an enclosing function's scope, `hops` scopes up.
    Outer(u32, u32),
    /// A property of the global object.
    Global,
}

/// An identifier as written, and where it lives.
#[derive(Debug, Clone)]
pub(crate) struct Ident {
    pub(crate) name: Atom,
    pub(crate) at: VarRef,
    /// Inside an E4X filter predicate: the XML item is looked at first.
    pub(crate) filtered: bool,
}

/// What an E4X step names: an element or attribute name, or `*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum XName {
    Name(Atom),
    Any,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UnOp {
    Neg,
    Plus,
    Not,
    BitNot,
    Typeof,
    Void,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Shl,
    Shr,
    UShr,
    BitAnd,
    BitOr,
    BitXor,
    Eq,
    Ne,
    StrictEq,
    StrictNe,
    Lt,
    Gt,
    Le,
    Ge,
    In,
    Instanceof,
}

/// An expression, with the position of what can fail in it.
#[derive(Debug, Clone)]
pub(crate) struct Expr {
    pub(crate) k: E,
    pub(crate) pos: Pos,
}

#[derive(Debug, Clone)]
pub(crate) enum E {
    Num(f64),
    Str(JsStr),
    Bool(bool),
    Null,
    This,
    Regex(JsStr, JsStr),
    Var(Ident),
    /// An array literal; None is a hole.
    Array(Vec<Option<Expr>>),
    Object(Vec<Prop>),
    Function(Rc<Function>),
    /// `a.b`
    Member(Box<Expr>, Atom),
    /// `a[b]`
    Index(Box<Expr>, Box<Expr>),
    /// `a.@b`, `a.@*`, `a.@[expr]`
    Attr(Box<Expr>, XName),
    AttrIndex(Box<Expr>, Box<Expr>),
    /// `a.*`
    Children(Box<Expr>),
    /// `a..b`, `a..*`, `a..@b`
    Descendants(Box<Expr>, XName, bool),
    /// `a.(predicate)`
    Filter(Box<Expr>, Box<Expr>),
    /// `@b` alone (inside a filter predicate).
    AttrOfScope(XName),
    Call(Box<Expr>, Vec<Expr>),
    New(Box<Expr>, Vec<Expr>),
    Unary(UnOp, Box<Expr>),
    Delete(Box<Expr>),
    /// `++a`, `a--`…: the target, whether prefix, whether increment.
    Update(Box<Expr>, bool, bool),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `a = b`, `a += b`…: the operator of a compound assignment.
    Assign(Option<BinOp>, Box<Expr>, Box<Expr>),
    Seq(Vec<Expr>),
    /// An E4X XML literal: its raw text and embedded expressions, parsed once joined.
    XmlLiteral(Vec<XmlPart>),
}

/// A piece of an XML literal.
#[derive(Debug, Clone)]
pub(crate) enum XmlPart {
    Text(String),
    /// `attr={expr}`: the value, quoted and escaped.
    Attr(Expr),
    /// `{expr}` in content: XML as it prints, anything else as escaped text.
    Content(Expr),
}

/// A property of an object literal.
#[derive(Debug, Clone)]
pub(crate) enum Prop {
    Value(Atom, Expr),
    Get(Atom, Rc<Function>),
    Set(Atom, Rc<Function>),
}

/// A declaration of `var`, `let` or `const`.
#[derive(Debug, Clone)]
pub(crate) struct Decl {
    pub(crate) name: Ident,
    pub(crate) init: Option<Expr>,
}

/// A statement.
#[derive(Debug, Clone)]
pub(crate) struct Stmt {
    pub(crate) k: S,
    pub(crate) pos: Pos,
}

/// The head of a `for (… in …)` loop: a declared or assigned name, or any reference.
#[derive(Debug, Clone)]
pub(crate) enum ForTarget {
    Decl(Ident),
    Expr(Expr),
}

#[derive(Debug, Clone)]
pub(crate) enum S {
    Empty,
    Expr(Expr),
    /// `var` declarations, and `let`/`const` in a `for` head (the hoisting is the resolver's).
    Vars(Vec<Decl>),
    /// `let`/`const` declarations of a block: names of the block when it makes closures (the
    /// resolver turns it into `Scoped`, a scope per entry: per loop iteration), else of the
    /// function, as `var`; without an initializer the name is set to `undefined`.
    Let(Vec<Decl>),
    /// A block with a scope of its own, entered afresh each time it runs: `slots` names.
    Scoped(u32, Vec<Stmt>),
    /// A function declaration: assigned when its block is entered (hoisted by the resolver).
    FunctionDecl(Ident, Rc<Function>),
    Block(Vec<Stmt>),
    If(Expr, Box<Stmt>, Option<Box<Stmt>>),
    For(Option<Box<Stmt>>, Option<Expr>, Option<Expr>, Box<Stmt>),
    /// `for (x in o)` and, with `each`, `for each (x in o)`.
    ForIn(ForTarget, Expr, Box<Stmt>, bool),
    While(Expr, Box<Stmt>),
    DoWhile(Box<Stmt>, Expr),
    Switch(Expr, Vec<Case>),
    Break(Option<Atom>),
    Continue(Option<Atom>),
    Return(Option<Expr>),
    Throw(Expr),
    Try(Vec<Stmt>, Option<(Ident, Vec<Stmt>)>, Option<Vec<Stmt>>),
    Labeled(Atom, Box<Stmt>),
    /// A text segment of the template, written as it is.
    EmitText(u32),
    /// `<%= expr %>`.
    Emit(Expr),
}

/// A case of a switch (None: `default`).
#[derive(Debug, Clone)]
pub(crate) struct Case {
    pub(crate) test: Option<Expr>,
    pub(crate) body: Vec<Stmt>,
}

/// A function: its parameters, body and frame.
#[derive(Debug, Clone)]
pub(crate) struct Function {
    pub(crate) name: Option<Atom>,
    /// For a named function expression: the slot that holds the function itself.
    pub(crate) self_slot: Option<u32>,
    pub(crate) params: Vec<Ident>,
    pub(crate) body: Vec<Stmt>,
    /// How many slots its scope has (parameters first).
    pub(crate) slots: u32,
    /// The slot of `arguments`, when the body uses it.
    pub(crate) arguments_slot: Option<u32>,
    /// Function declarations to define on entry: their slot and function.
    pub(crate) hoisted: Vec<(u32, Rc<Function>)>,
    /// The source text (`Function.prototype.toString`).
    pub(crate) source: JsStr,
}
