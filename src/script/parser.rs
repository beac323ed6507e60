//! The parser: JavaScript (ES5 with SpiderMonkey's `let`, `const`, `for each` and E4X member
//! syntax) over the lexer's token stream, into the syntax tree of `ast.rs`.
//!
//! Nesting is bounded ([`MAX_NESTING`]): a template of a million parentheses is a syntax error,
//! never a stack overflow.

use std::rc::Rc;

use super::ast::*;
use super::jssp::{Pos, Segment};
use super::jsstr::{Atom, Atoms, JsStr};
use super::lexer::{Lexer, SyntaxError, Token, XmlChunk, XmlScan, P, T};

/// How deep expressions and statements may nest.
pub(crate) const MAX_NESTING: u32 = 200;

/// Reserved words, by what the parser does with them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kw {
    Break,
    Case,
    Catch,
    Continue,
    Debugger,
    Default,
    Delete,
    Do,
    Else,
    Finally,
    For,
    Function,
    If,
    In,
    Instanceof,
    New,
    Return,
    Switch,
    This,
    Throw,
    Try,
    Typeof,
    Var,
    Void,
    While,
    With,
    Null,
    True,
    False,
    Let,
    Const,
    /// class, enum, extends, super, export, import, yield.
    Reserved,
}

fn keyword(s: &JsStr) -> Option<Kw> {
    let u = s.units();
    if u.len() < 2 || u.len() > 10 || !u.iter().all(|c| (u16::from(b'a')..=u16::from(b'z')).contains(c)) {
        return None;
    }
    let w: String = u.iter().map(|&c| char::from(c as u8)).collect();
    Some(match w.as_str() {
        "break" => Kw::Break,
        "case" => Kw::Case,
        "catch" => Kw::Catch,
        "continue" => Kw::Continue,
        "debugger" => Kw::Debugger,
        "default" => Kw::Default,
        "delete" => Kw::Delete,
        "do" => Kw::Do,
        "else" => Kw::Else,
        "finally" => Kw::Finally,
        "for" => Kw::For,
        "function" => Kw::Function,
        "if" => Kw::If,
        "in" => Kw::In,
        "instanceof" => Kw::Instanceof,
        "new" => Kw::New,
        "return" => Kw::Return,
        "switch" => Kw::Switch,
        "this" => Kw::This,
        "throw" => Kw::Throw,
        "try" => Kw::Try,
        "typeof" => Kw::Typeof,
        "var" => Kw::Var,
        "void" => Kw::Void,
        "while" => Kw::While,
        "with" => Kw::With,
        "null" => Kw::Null,
        "true" => Kw::True,
        "false" => Kw::False,
        "let" => Kw::Let,
        "const" => Kw::Const,
        "class" | "enum" | "extends" | "super" | "export" | "import" | "yield" => Kw::Reserved,
        _ => return None,
    })
}

type R<T> = Result<T, SyntaxError>;

/// Parses the segments of a template into the body of its render function (parameters
/// `rtEvent`, `batchEvent`), unresolved.
pub(crate) fn parse(segs: &[Segment], atoms: &mut Atoms) -> R<Function> {
    let mut p =
        Parser { lx: Lexer::new(segs), atoms, cur: None, peeked: None, depth: 0, in_function: 0, in_filter: 0, last: Pos::default() };
    let mut body = Vec::new();
    while !p.at_eof()? {
        body.push(p.statement()?);
    }
    let ident = |a: Atom| Ident { name: a, at: VarRef::Unresolved, filtered: false };
    Ok(Function {
        name: None,
        self_slot: None,
        params: vec![ident(super::jsstr::K::rtEvent.atom()), ident(super::jsstr::K::batchEvent.atom())],
        body,
        slots: 0,
        arguments_slot: None,
        hoisted: Vec::new(),
        source: JsStr::from_str("function render(rtEvent, batchEvent) { [template] }"),
    })
}

struct Parser<'a, 'b> {
    lx: Lexer<'a>,
    atoms: &'b mut Atoms,
    cur: Option<Token>,
    peeked: Option<Token>,
    depth: u32,
    in_function: u32,
    in_filter: u32,
    /// Where the last token taken starts.
    last: Pos,
}

impl Parser<'_, '_> {
    fn cur(&mut self) -> R<&Token> {
        if self.cur.is_none() {
            let t = match self.peeked.take() {
                Some(t) => t,
                None => self.lx.next()?,
            };
            self.cur = Some(t);
        }
        // Filled just above.
        self.cur.as_ref().ok_or_else(|| SyntaxError { pos: Pos::default(), message: "internal: no token".into() })
    }

    fn peek(&mut self) -> R<&Token> {
        self.cur()?;
        if self.peeked.is_none() {
            self.peeked = Some(self.lx.next()?);
        }
        self.peeked.as_ref().ok_or_else(|| SyntaxError { pos: Pos::default(), message: "internal: no token".into() })
    }

    fn bump(&mut self) -> R<Token> {
        self.cur()?;
        let t = self.cur.take().ok_or_else(|| SyntaxError { pos: Pos::default(), message: "internal: no token".into() })?;
        self.last = t.pos;
        Ok(t)
    }

    fn at_eof(&mut self) -> R<bool> {
        Ok(self.cur()?.t == T::Eof)
    }

    fn is(&mut self, p: P) -> R<bool> {
        Ok(self.cur()?.t == T::P(p))
    }

    fn eat(&mut self, p: P) -> R<bool> {
        if self.is(p)? {
            self.bump()?;
            return Ok(true);
        }
        Ok(false)
    }

    fn kw(&mut self) -> R<Option<Kw>> {
        Ok(match &self.cur()?.t {
            T::Ident(s, false) => keyword(s),
            _ => None,
        })
    }

    fn is_kw(&mut self, k: Kw) -> R<bool> {
        Ok(self.kw()? == Some(k))
    }

    fn eat_kw(&mut self, k: Kw) -> R<bool> {
        if self.is_kw(k)? {
            self.bump()?;
            return Ok(true);
        }
        Ok(false)
    }

    fn fail<X>(&mut self, message: impl Into<String>) -> R<X> {
        let pos = self.cur()?.pos;
        Err(SyntaxError { pos, message: message.into() })
    }

    fn unexpected<X>(&mut self) -> R<X> {
        let t = self.cur()?.t.clone();
        let what = match t {
            T::Eof => return self.fail("syntax error: the template ends in the middle of a statement or expression"),
            T::Num(_) => "a number".to_owned(),
            T::Str(_) => "a string".to_owned(),
            T::Ident(s, _) => format!("'{s}'"),
            T::Regex(..) => "a regular expression".to_owned(),
            T::P(p) => format!("'{}'", punct_text(p)),
            T::EmitText(_) => "template text (a scriptlet is not closed?)".to_owned(),
            T::EmitStart => "'<%='".to_owned(),
            T::EmitEnd => return self.fail("syntax error: '<%= %>' ends in the middle of an expression"),
        };
        self.fail(format!("syntax error: unexpected {what}"))
    }

    fn expect(&mut self, p: P) -> R<Token> {
        if self.is(p)? {
            return self.bump();
        }
        let t = self.cur()?.t.clone();
        let found = match t {
            T::Eof => "the end of the template".to_owned(),
            T::P(q) => format!("'{}'", punct_text(q)),
            T::Ident(s, _) => format!("'{s}'"),
            T::EmitText(_) => "template text".to_owned(),
            T::EmitEnd => "the end of '<%= %>'".to_owned(),
            _ => "something else".to_owned(),
        };
        self.fail(format!("missing '{}' (found {found})", punct_text(p)))
    }

    fn enter(&mut self) -> R<()> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return self.fail(format!("the script nests more than {MAX_NESTING} levels deep"));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Automatic semicolon insertion: a `;`, or a line break before the next token, or `}`, the
    /// end, or template text.
    fn semicolon(&mut self) -> R<()> {
        if self.eat(P::Semi)? {
            return Ok(());
        }
        let t = self.cur()?;
        if t.nl_before || matches!(t.t, T::Eof | T::P(P::RBrace) | T::EmitText(_) | T::EmitStart | T::EmitEnd) {
            return Ok(());
        }
        let t = self.cur()?.t.clone();
        if let T::Ident(s, _) = &t {
            return self.fail(format!("missing ';' before '{s}'"));
        }
        self.fail("missing ';' before statement")
    }

    /// A binding name (not a reserved word).
    fn binding(&mut self) -> R<Ident> {
        if let Some(k) = self.kw()? {
            if k != Kw::Let {
                let t = self.cur()?.t.clone();
                if let T::Ident(s, _) = t {
                    return self.fail(format!("missing variable name ('{s}' is a reserved word)"));
                }
            }
        }
        match self.cur()?.t.clone() {
            T::Ident(s, _) => {
                self.bump()?;
                Ok(Ident { name: self.atoms.intern(s), at: VarRef::Unresolved, filtered: self.in_filter > 0 })
            }
            _ => self.fail("missing variable name"),
        }
    }

    // ---- statements ----

    fn statement(&mut self) -> R<Stmt> {
        self.enter()?;
        let r = self.statement_inner();
        self.leave();
        r
    }

    fn statement_inner(&mut self) -> R<Stmt> {
        let pos = self.cur()?.pos;
        let st = |k| Ok(Stmt { k, pos });
        match self.cur()?.t.clone() {
            T::EmitText(i) => {
                self.bump()?;
                return st(S::EmitText(i));
            }
            T::EmitStart => {
                self.bump()?;
                let e = self.expression(true)?;
                if !self.is_emit_end()? {
                    return self.fail("syntax error in '<%= %>': it holds one expression");
                }
                self.bump()?;
                return st(S::Emit(e));
            }
            T::P(P::LBrace) => {
                self.bump()?;
                let body = self.block_body()?;
                return st(S::Block(body));
            }
            T::P(P::Semi) => {
                self.bump()?;
                return st(S::Empty);
            }
            _ => {}
        }
        match self.kw()? {
            Some(Kw::Var) => {
                self.bump()?;
                let d = self.declarations(true)?;
                self.semicolon()?;
                st(S::Vars(d))
            }
            Some(k @ (Kw::Let | Kw::Const)) => {
                // `let` as a declaration (SpiderMonkey's JavaScript 1.7+): block-scoped; `const`
                // is a name of the function, as in SpiderMonkey 1.8.
                self.bump()?;
                let d = self.declarations(true)?;
                self.semicolon()?;
                st(if k == Kw::Let { S::Let(d) } else { S::Vars(d) })
            }
            Some(Kw::Function) => {
                self.bump()?;
                let name = self.binding()?;
                let f = self.function_rest(Some(name.name))?;
                st(S::FunctionDecl(name, f))
            }
            Some(Kw::If) => {
                self.bump()?;
                self.expect(P::LParen)?;
                let c = self.expression(true)?;
                self.expect(P::RParen)?;
                let then = self.statement()?;
                let other = if self.eat_kw(Kw::Else)? { Some(Box::new(self.statement()?)) } else { None };
                st(S::If(c, Box::new(then), other))
            }
            Some(Kw::For) => self.for_statement(pos),
            Some(Kw::While) => {
                self.bump()?;
                self.expect(P::LParen)?;
                let c = self.expression(true)?;
                self.expect(P::RParen)?;
                let body = self.statement()?;
                st(S::While(c, Box::new(body)))
            }
            Some(Kw::Do) => {
                self.bump()?;
                let body = self.statement()?;
                if !self.eat_kw(Kw::While)? {
                    return self.fail("missing 'while' after a 'do' body");
                }
                self.expect(P::LParen)?;
                let c = self.expression(true)?;
                self.expect(P::RParen)?;
                // A `;` after `do … while (…)` is optional, even on the same line.
                self.eat(P::Semi)?;
                st(S::DoWhile(Box::new(body), c))
            }
            Some(Kw::Continue | Kw::Break) => {
                let is_break = self.is_kw(Kw::Break)?;
                self.bump()?;
                let label = match self.cur()?.clone() {
                    Token { t: T::Ident(s, _), nl_before: false, .. } if keyword(&s).is_none() => {
                        self.bump()?;
                        Some(self.atoms.intern(s))
                    }
                    _ => None,
                };
                self.semicolon()?;
                st(if is_break { S::Break(label) } else { S::Continue(label) })
            }
            Some(Kw::Return) => {
                // Allowed in the template's own code too: it is the body of its render function.
                self.bump()?;
                let t = self.cur()?;
                let value = if t.nl_before || matches!(t.t, T::P(P::Semi) | T::P(P::RBrace) | T::Eof | T::EmitText(_) | T::EmitEnd) {
                    None
                } else {
                    Some(self.expression(true)?)
                };
                self.semicolon()?;
                st(S::Return(value))
            }
            Some(Kw::Throw) => {
                self.bump()?;
                if self.cur()?.nl_before {
                    return self.fail("a line break after 'throw' is not allowed");
                }
                let e = self.expression(true)?;
                self.semicolon()?;
                st(S::Throw(e))
            }
            Some(Kw::Try) => {
                self.bump()?;
                self.expect(P::LBrace)?;
                let body = self.block_body()?;
                let mut handler = None;
                let mut finalizer = None;
                if self.eat_kw(Kw::Catch)? {
                    self.expect(P::LParen)?;
                    let name = self.binding()?;
                    self.expect(P::RParen)?;
                    self.expect(P::LBrace)?;
                    handler = Some((name, self.block_body()?));
                }
                if self.eat_kw(Kw::Finally)? {
                    self.expect(P::LBrace)?;
                    finalizer = Some(self.block_body()?);
                }
                if handler.is_none() && finalizer.is_none() {
                    return self.fail("missing 'catch' or 'finally' after 'try'");
                }
                st(S::Try(body, handler, finalizer))
            }
            Some(Kw::Switch) => {
                self.bump()?;
                self.expect(P::LParen)?;
                let d = self.expression(true)?;
                self.expect(P::RParen)?;
                self.expect(P::LBrace)?;
                let mut cases = Vec::new();
                let mut has_default = false;
                while !self.eat(P::RBrace)? {
                    let test = if self.eat_kw(Kw::Case)? {
                        Some(self.expression(true)?)
                    } else if self.eat_kw(Kw::Default)? {
                        if has_default {
                            return self.fail("more than one 'default' in a switch");
                        }
                        has_default = true;
                        None
                    } else {
                        return self.unexpected();
                    };
                    self.expect(P::Colon)?;
                    let mut body = Vec::new();
                    while !self.is(P::RBrace)? && !self.is_kw(Kw::Case)? && !self.is_kw(Kw::Default)? {
                        if self.at_eof()? {
                            return self.fail("missing '}' at the end of a switch");
                        }
                        body.push(self.statement()?);
                    }
                    cases.push(Case { test, body });
                }
                st(S::Switch(d, cases))
            }
            Some(Kw::With) => self.fail("'with' is not supported in templates"),
            Some(Kw::Debugger) => {
                self.bump()?;
                self.semicolon()?;
                st(S::Empty)
            }
            Some(Kw::Reserved) => {
                let t = self.cur()?.t.clone();
                self.fail(format!(
                    "'{}' is a reserved word",
                    match t {
                        T::Ident(s, _) => s.to_rust(),
                        _ => String::new(),
                    }
                ))
            }
            _ => {
                // A labelled statement?
                if let T::Ident(s, _) = self.cur()?.t.clone() {
                    if keyword(&s).is_none() && self.peek()?.t == T::P(P::Colon) {
                        self.bump()?;
                        self.bump()?;
                        let label = self.atoms.intern(s);
                        let body = self.statement()?;
                        return st(S::Labeled(label, Box::new(body)));
                    }
                }
                let e = self.expression(true)?;
                self.semicolon()?;
                st(S::Expr(e))
            }
        }
    }

    fn is_emit_end(&mut self) -> R<bool> {
        Ok(self.cur()?.t == T::EmitEnd)
    }

    /// Statements up to the `}` (eaten).
    fn block_body(&mut self) -> R<Vec<Stmt>> {
        // The `{` was just taken: an unclosed block is reported where it opens, which is where
        // the fix goes (SpiderMonkey points at the end of the script).
        let open = self.last;
        let mut body = Vec::new();
        while !self.eat(P::RBrace)? {
            if self.at_eof()? {
                return Err(SyntaxError { pos: open, message: "missing } in compound statement: this '{' is never closed".into() });
            }
            body.push(self.statement()?);
        }
        Ok(body)
    }

    fn declarations(&mut self, allow_in: bool) -> R<Vec<Decl>> {
        let mut out = Vec::new();
        loop {
            let name = self.binding()?;
            let init = if self.eat(P::Assign)? { Some(self.assignment(allow_in)?) } else { None };
            out.push(Decl { name, init });
            if !self.eat(P::Comma)? {
                return Ok(out);
            }
        }
    }

    fn for_statement(&mut self, pos: Pos) -> R<Stmt> {
        self.bump()?;
        let each = match self.cur()?.t.clone() {
            T::Ident(s, false) if s.eq_ascii("each") => {
                self.bump()?;
                true
            }
            _ => false,
        };
        self.expect(P::LParen)?;
        let mut init: Option<Box<Stmt>> = None;
        if self.is(P::Semi)? {
            // for (; …
        } else if self.is_kw(Kw::Var)? || self.is_kw(Kw::Let)? || self.is_kw(Kw::Const)? {
            let dpos = self.bump()?.pos;
            let decls = self.declarations(false)?;
            if self.is_kw(Kw::In)? {
                let [d] = <[Decl; 1]>::try_from(decls)
                    .map_err(|_| SyntaxError { pos: dpos, message: "one variable before 'in' in a for-in loop".into() })?;
                self.bump()?;
                let obj = self.expression(true)?;
                self.expect(P::RParen)?;
                let body = self.statement()?;
                // `for (var x = init in o)`: the initializer runs first (legacy).
                let target = ForTarget::Decl(d.name.clone());
                let lp = Stmt { k: S::ForIn(target, obj, Box::new(body), each), pos };
                return Ok(match d.init {
                    Some(init) => {
                        Stmt { k: S::Block(vec![Stmt { k: S::Vars(vec![Decl { name: d.name, init: Some(init) }]), pos: dpos }, lp]), pos }
                    }
                    None => lp,
                });
            }
            init = Some(Box::new(Stmt { k: S::Vars(decls), pos: dpos }));
        } else {
            let e = self.expression(false)?;
            if self.is_kw(Kw::In)? {
                self.bump()?;
                if !is_reference(&e) {
                    return Err(SyntaxError { pos: e.pos, message: "invalid for-in left-hand side".into() });
                }
                let obj = self.expression(true)?;
                self.expect(P::RParen)?;
                let body = self.statement()?;
                return Ok(Stmt { k: S::ForIn(ForTarget::Expr(e), obj, Box::new(body), each), pos });
            }
            let epos = e.pos;
            init = Some(Box::new(Stmt { k: S::Expr(e), pos: epos }));
        }
        if each {
            return self.fail("'for each' takes 'in': for each (var x in list)");
        }
        self.expect(P::Semi)?;
        let test = if self.is(P::Semi)? { None } else { Some(self.expression(true)?) };
        self.expect(P::Semi)?;
        let update = if self.is(P::RParen)? { None } else { Some(self.expression(true)?) };
        self.expect(P::RParen)?;
        let body = self.statement()?;
        Ok(Stmt { k: S::For(init, test, update, Box::new(body)), pos })
    }

    /// After `function` and its name: parameters and body.
    fn function_rest(&mut self, name: Option<Atom>) -> R<Rc<Function>> {
        self.expect(P::LParen)?;
        let mut params = Vec::new();
        if !self.eat(P::RParen)? {
            loop {
                params.push(self.binding()?);
                if self.eat(P::RParen)? {
                    break;
                }
                self.expect(P::Comma)?;
            }
        }
        self.expect(P::LBrace)?;
        self.in_function += 1;
        let saved_filter = std::mem::replace(&mut self.in_filter, 0);
        let body = self.block_body();
        self.in_filter = saved_filter;
        self.in_function -= 1;
        let body = body?;
        Ok(Rc::new(Function {
            name,
            self_slot: None,
            params,
            body,
            slots: 0,
            arguments_slot: None,
            hoisted: Vec::new(),
            source: JsStr::from_str("function () {\n    [native code, arity=0]\n}\n"),
        }))
    }

    // ---- expressions ----

    /// A comma expression.
    fn expression(&mut self, allow_in: bool) -> R<Expr> {
        let first = self.assignment(allow_in)?;
        if !self.is(P::Comma)? {
            return Ok(first);
        }
        let pos = first.pos;
        let mut all = vec![first];
        while self.eat(P::Comma)? {
            all.push(self.assignment(allow_in)?);
        }
        Ok(Expr { k: E::Seq(all), pos })
    }

    fn assignment(&mut self, allow_in: bool) -> R<Expr> {
        self.enter()?;
        let r = self.assignment_inner(allow_in);
        self.leave();
        r
    }

    fn assignment_inner(&mut self, allow_in: bool) -> R<Expr> {
        let left = self.conditional(allow_in)?;
        let op = match self.cur()?.t {
            T::P(P::Assign) => None,
            T::P(P::PlusAssign) => Some(BinOp::Add),
            T::P(P::MinusAssign) => Some(BinOp::Sub),
            T::P(P::StarAssign) => Some(BinOp::Mul),
            T::P(P::SlashAssign) => Some(BinOp::Div),
            T::P(P::PercentAssign) => Some(BinOp::Mod),
            T::P(P::ShlAssign) => Some(BinOp::Shl),
            T::P(P::ShrAssign) => Some(BinOp::Shr),
            T::P(P::UShrAssign) => Some(BinOp::UShr),
            T::P(P::AmpAssign) => Some(BinOp::BitAnd),
            T::P(P::PipeAssign) => Some(BinOp::BitOr),
            T::P(P::CaretAssign) => Some(BinOp::BitXor),
            _ => return Ok(left),
        };
        let pos = self.bump()?.pos;
        if !is_reference(&left) {
            return Err(SyntaxError { pos, message: "invalid assignment left-hand side".into() });
        }
        let right = self.assignment(allow_in)?;
        Ok(Expr { k: E::Assign(op, Box::new(left), Box::new(right)), pos })
    }

    fn conditional(&mut self, allow_in: bool) -> R<Expr> {
        let c = self.binary(0, allow_in)?;
        if !self.is(P::Question)? {
            return Ok(c);
        }
        let pos = self.bump()?.pos;
        let a = self.assignment(true)?;
        self.expect(P::Colon)?;
        let b = self.assignment(allow_in)?;
        Ok(Expr { k: E::Cond(Box::new(c), Box::new(a), Box::new(b)), pos })
    }

    /// The binary operator of the current token and its precedence (higher binds tighter).
    fn binop(&mut self, allow_in: bool) -> R<Option<(u8, Option<BinOp>)>> {
        // None as BinOp: `&&` (precedence 2) and `||` (precedence 1).
        Ok(match &self.cur()?.t {
            T::P(p) => match p {
                P::OrOr => Some((1, None)),
                P::AndAnd => Some((2, None)),
                P::Pipe => Some((3, Some(BinOp::BitOr))),
                P::Caret => Some((4, Some(BinOp::BitXor))),
                P::Amp => Some((5, Some(BinOp::BitAnd))),
                P::Eq => Some((6, Some(BinOp::Eq))),
                P::Ne => Some((6, Some(BinOp::Ne))),
                P::StrictEq => Some((6, Some(BinOp::StrictEq))),
                P::StrictNe => Some((6, Some(BinOp::StrictNe))),
                P::Lt => Some((7, Some(BinOp::Lt))),
                P::Gt => Some((7, Some(BinOp::Gt))),
                P::Le => Some((7, Some(BinOp::Le))),
                P::Ge => Some((7, Some(BinOp::Ge))),
                P::Shl => Some((8, Some(BinOp::Shl))),
                P::Shr => Some((8, Some(BinOp::Shr))),
                P::UShr => Some((8, Some(BinOp::UShr))),
                P::Plus => Some((9, Some(BinOp::Add))),
                P::Minus => Some((9, Some(BinOp::Sub))),
                P::Star => Some((10, Some(BinOp::Mul))),
                P::Slash => Some((10, Some(BinOp::Div))),
                P::Percent => Some((10, Some(BinOp::Mod))),
                _ => None,
            },
            T::Ident(s, false) => match keyword(s) {
                Some(Kw::Instanceof) => Some((7, Some(BinOp::Instanceof))),
                Some(Kw::In) if allow_in => Some((7, Some(BinOp::In))),
                _ => None,
            },
            _ => None,
        })
    }

    /// Binary operators by precedence climbing (left-associative), iterative over a chain.
    fn binary(&mut self, min: u8, allow_in: bool) -> R<Expr> {
        let mut left = self.unary()?;
        while let Some((prec, op)) = self.binop(allow_in)? {
            if prec <= min {
                break;
            }
            let tok = self.bump()?;
            self.enter()?;
            let right = self.binary(prec, allow_in);
            self.leave();
            let right = right?;
            let pos = tok.pos;
            let (l, r) = (Box::new(left), Box::new(right));
            left = Expr {
                k: match (prec, op) {
                    (1, None) => E::Or(l, r),
                    (2, None) => E::And(l, r),
                    (_, Some(op)) => E::Binary(op, l, r),
                    _ => return Err(SyntaxError { pos, message: "internal: operator".into() }),
                },
                pos,
            };
        }
        Ok(left)
    }

    fn unary(&mut self) -> R<Expr> {
        self.enter()?;
        let r = self.unary_inner();
        self.leave();
        r
    }

    fn unary_inner(&mut self) -> R<Expr> {
        let pos = self.cur()?.pos;
        let op = match &self.cur()?.t {
            T::P(P::Minus) => Some(UnOp::Neg),
            T::P(P::Plus) => Some(UnOp::Plus),
            T::P(P::Bang) => Some(UnOp::Not),
            T::P(P::Tilde) => Some(UnOp::BitNot),
            T::Ident(s, false) => match keyword(s) {
                Some(Kw::Typeof) => Some(UnOp::Typeof),
                Some(Kw::Void) => Some(UnOp::Void),
                _ => None,
            },
            _ => None,
        };
        if let Some(op) = op {
            self.bump()?;
            let e = self.unary()?;
            return Ok(Expr { k: E::Unary(op, Box::new(e)), pos });
        }
        if self.is_kw(Kw::Delete)? {
            self.bump()?;
            let e = self.unary()?;
            return Ok(Expr { k: E::Delete(Box::new(e)), pos });
        }
        if self.is(P::Inc)? || self.is(P::Dec)? {
            let inc = self.is(P::Inc)?;
            self.bump()?;
            let e = self.unary()?;
            if !is_reference(&e) {
                return Err(SyntaxError { pos, message: format!("invalid {} operand", if inc { "increment" } else { "decrement" }) });
            }
            return Ok(Expr { k: E::Update(Box::new(e), true, inc), pos });
        }
        let e = self.postfix()?;
        Ok(e)
    }

    fn postfix(&mut self) -> R<Expr> {
        let e = self.lhs()?;
        let t = self.cur()?;
        if !t.nl_before && (t.t == T::P(P::Inc) || t.t == T::P(P::Dec)) {
            let inc = t.t == T::P(P::Inc);
            let pos = self.bump()?.pos;
            if !is_reference(&e) {
                return Err(SyntaxError { pos, message: format!("invalid {} operand", if inc { "increment" } else { "decrement" }) });
            }
            return Ok(Expr { k: E::Update(Box::new(e), false, inc), pos });
        }
        Ok(e)
    }

    /// Member, call and `new` expressions.
    fn lhs(&mut self) -> R<Expr> {
        let mut e = if self.is_kw(Kw::New)? { self.new_expression()? } else { self.primary()? };
        loop {
            e = match self.member_step(e, true)? {
                Ok(next) => next,
                Err(done) => return Ok(done),
            };
        }
    }

    /// `new C(args)`, `new C`, `new new C()()`…
    fn new_expression(&mut self) -> R<Expr> {
        self.enter()?;
        let pos = self.bump()?.pos;
        let mut callee = if self.is_kw(Kw::New)? { self.new_expression()? } else { self.primary()? };
        loop {
            callee = match self.member_step(callee, false)? {
                Ok(next) => next,
                Err(done) => {
                    callee = done;
                    break;
                }
            };
        }
        let args = if self.is(P::LParen)? { self.arguments()? } else { Vec::new() };
        self.leave();
        Ok(Expr { k: E::New(Box::new(callee), args), pos })
    }

    /// One step of a member expression (`.x`, `[x]`, E4X steps, and calls when `calls`): Ok with
    /// the longer expression, Err with the same when there is no step.
    fn member_step(&mut self, e: Expr, calls: bool) -> R<Result<Expr, Expr>> {
        let pos = self.cur()?.pos;
        let b = Box::new;
        let k = match self.cur()?.t.clone() {
            T::P(P::Dot) => {
                self.bump()?;
                match self.cur()?.t.clone() {
                    T::P(P::At) => {
                        self.bump()?;
                        self.attribute_step(e)?
                    }
                    T::P(P::Star) => {
                        self.bump()?;
                        E::Children(b(e))
                    }
                    T::P(P::LParen) => {
                        self.bump()?;
                        self.in_filter += 1;
                        let pred = self.expression(true);
                        self.in_filter -= 1;
                        let pred = pred?;
                        self.expect(P::RParen)?;
                        E::Filter(b(e), b(pred))
                    }
                    T::Ident(s, _) => {
                        self.bump()?;
                        let a = self.atoms.intern(s);
                        if self.is(P::ColonColon)? {
                            return self.fail("XML namespaces (ns::name) are not supported in templates");
                        }
                        E::Member(b(e), a)
                    }
                    _ => return self.fail("syntax error: a name is missing after '.'"),
                }
            }
            T::P(P::DotDot) => {
                self.bump()?;
                match self.cur()?.t.clone() {
                    T::P(P::At) => {
                        self.bump()?;
                        let n = self.xname()?;
                        E::Descendants(b(e), n, true)
                    }
                    T::P(P::Star) => {
                        self.bump()?;
                        E::Descendants(b(e), XName::Any, false)
                    }
                    T::Ident(s, _) => {
                        self.bump()?;
                        E::Descendants(b(e), XName::Name(self.atoms.intern(s)), false)
                    }
                    _ => return self.fail("syntax error: a name is missing after '..'"),
                }
            }
            T::P(P::LBracket) => {
                self.bump()?;
                let i = self.expression(true)?;
                self.expect(P::RBracket)?;
                E::Index(b(e), b(i))
            }
            T::P(P::LParen) if calls => {
                let args = self.arguments()?;
                E::Call(b(e), args)
            }
            _ => return Ok(Err(e)),
        };
        Ok(Ok(Expr { k, pos }))
    }

    /// After `.@`: a name, `*` or `[expr]`.
    fn attribute_step(&mut self, e: Expr) -> R<E> {
        if self.eat(P::LBracket)? {
            let i = self.expression(true)?;
            self.expect(P::RBracket)?;
            return Ok(E::AttrIndex(Box::new(e), Box::new(i)));
        }
        let n = self.xname()?;
        Ok(E::Attr(Box::new(e), n))
    }

    fn xname(&mut self) -> R<XName> {
        if self.eat(P::Star)? {
            return Ok(XName::Any);
        }
        match self.cur()?.t.clone() {
            T::Ident(s, _) => {
                self.bump()?;
                Ok(XName::Name(self.atoms.intern(s)))
            }
            _ => self.fail("syntax error: an attribute name is missing after '@'"),
        }
    }

    fn arguments(&mut self) -> R<Vec<Expr>> {
        self.expect(P::LParen)?;
        let mut args = Vec::new();
        if self.eat(P::RParen)? {
            return Ok(args);
        }
        loop {
            args.push(self.assignment(true)?);
            if self.eat(P::RParen)? {
                return Ok(args);
            }
            if !self.is(P::Comma)? {
                return self.fail("missing ')' after the arguments");
            }
            self.bump()?;
        }
    }

    fn primary(&mut self) -> R<Expr> {
        self.enter()?;
        let r = self.primary_inner();
        self.leave();
        r
    }

    fn primary_inner(&mut self) -> R<Expr> {
        let tok = self.cur()?.clone();
        let pos = tok.pos;
        let ex = |k| Ok(Expr { k, pos });
        match tok.t {
            T::Num(n) => {
                self.bump()?;
                ex(E::Num(n))
            }
            T::Str(s) => {
                self.bump()?;
                ex(E::Str(s))
            }
            T::P(P::Slash | P::SlashAssign) => {
                // A regular expression where an expression starts.
                self.peeked = None;
                self.cur = None;
                let re = self.lx.rescan_regex(&tok)?;
                match re.t {
                    T::Regex(body, flags) => ex(E::Regex(body, flags)),
                    _ => self.fail("syntax error: regular expression"),
                }
            }
            T::P(P::LParen) => {
                self.bump()?;
                let e = self.expression(true)?;
                self.expect(P::RParen)?;
                Ok(e)
            }
            T::P(P::LBracket) => {
                self.bump()?;
                let mut items = Vec::new();
                loop {
                    if self.eat(P::RBracket)? {
                        break;
                    }
                    if self.eat(P::Comma)? {
                        items.push(None);
                        continue;
                    }
                    items.push(Some(self.assignment(true)?));
                    if self.eat(P::RBracket)? {
                        break;
                    }
                    if !self.eat(P::Comma)? {
                        return self.fail("missing ']' after the element list");
                    }
                }
                ex(E::Array(items))
            }
            T::P(P::LBrace) => {
                self.bump()?;
                self.object_literal(pos)
            }
            T::P(P::At) if self.in_filter > 0 => {
                self.bump()?;
                let n = self.xname()?;
                ex(E::AttrOfScope(n))
            }
            T::P(P::Lt) => self.xml_literal(tok),
            T::Ident(s, escaped) => match if escaped { None } else { keyword(&s) } {
                None | Some(Kw::Let) => {
                    self.bump()?;
                    let name = self.atoms.intern(s);
                    ex(E::Var(Ident { name, at: VarRef::Unresolved, filtered: self.in_filter > 0 }))
                }
                Some(Kw::This) => {
                    self.bump()?;
                    ex(E::This)
                }
                Some(Kw::Null) => {
                    self.bump()?;
                    ex(E::Null)
                }
                Some(Kw::True) => {
                    self.bump()?;
                    ex(E::Bool(true))
                }
                Some(Kw::False) => {
                    self.bump()?;
                    ex(E::Bool(false))
                }
                Some(Kw::Function) => {
                    self.bump()?;
                    let name = match self.cur()?.t.clone() {
                        T::Ident(n, _) if keyword(&n).is_none() => {
                            self.bump()?;
                            Some(self.atoms.intern(n))
                        }
                        _ => None,
                    };
                    let f = self.function_rest(name)?;
                    ex(E::Function(f))
                }
                _ => self.unexpected(),
            },
            _ => self.unexpected(),
        }
    }

    /// An E4X XML literal, from its `<` token: raw XML with `{expression}`s.
    fn xml_literal(&mut self, tok: Token) -> R<Expr> {
        self.peeked = None;
        self.cur = None;
        self.lx.xml_start(&tok);
        let mut scan = XmlScan::default();
        let mut parts = Vec::new();
        loop {
            match self.lx.xml_chunk(&mut scan)? {
                XmlChunk::End(t) => {
                    parts.push(XmlPart::Text(t));
                    break;
                }
                XmlChunk::Brace(t, attr) => {
                    parts.push(XmlPart::Text(t));
                    let e = self.expression(true)?;
                    if !self.is(P::RBrace)? {
                        return self.fail("missing '}' after an expression in an XML literal");
                    }
                    // The `}` is read: the scan goes on right after it.
                    self.cur = None;
                    parts.push(if attr { XmlPart::Attr(e) } else { XmlPart::Content(e) });
                }
            }
        }
        Ok(Expr { k: E::XmlLiteral(parts), pos: tok.pos })
    }

    fn object_literal(&mut self, pos: Pos) -> R<Expr> {
        let mut props = Vec::new();
        loop {
            if self.eat(P::RBrace)? {
                break;
            }
            let key_tok = self.bump()?;
            let key = match key_tok.t {
                T::Ident(s, _) => {
                    // `get name() {…}` / `set name(v) {…}`
                    let accessor = if s.eq_ascii("get") {
                        Some(true)
                    } else if s.eq_ascii("set") {
                        Some(false)
                    } else {
                        None
                    };
                    if let (Some(getter), false) = (accessor, self.is(P::Colon)? || self.is(P::Comma)? || self.is(P::RBrace)?) {
                        let name = self.property_name()?;
                        let f = self.function_rest(Some(name))?;
                        props.push(if getter { Prop::Get(name, f) } else { Prop::Set(name, f) });
                        if !self.eat(P::Comma)? {
                            self.expect(P::RBrace)?;
                            break;
                        }
                        continue;
                    }
                    self.atoms.intern(s)
                }
                T::Str(s) => self.atoms.intern(s),
                T::Num(n) => self.atoms.intern(JsStr::from_str(&super::num::number_to_string(n))),
                _ => return Err(SyntaxError { pos: key_tok.pos, message: "invalid property id".into() }),
            };
            self.expect(P::Colon)?;
            let v = self.assignment(true)?;
            props.push(Prop::Value(key, v));
            if !self.eat(P::Comma)? {
                if !self.is(P::RBrace)? {
                    return self.fail("missing '}' after the property list");
                }
                self.bump()?;
                break;
            }
        }
        Ok(Expr { k: E::Object(props), pos })
    }

    fn property_name(&mut self) -> R<Atom> {
        let t = self.bump()?;
        match t.t {
            T::Ident(s, _) | T::Str(s) => Ok(self.atoms.intern(s)),
            T::Num(n) => Ok(self.atoms.intern(JsStr::from_str(&super::num::number_to_string(n)))),
            _ => Err(SyntaxError { pos: t.pos, message: "invalid property id".into() }),
        }
    }
}

/// Whether an expression can be assigned to.
fn is_reference(e: &Expr) -> bool {
    matches!(
        e.k,
        E::Var(_) | E::Member(..) | E::Index(..) | E::Attr(..) | E::AttrIndex(..) | E::Call(..) | E::Descendants(..) | E::Children(_)
    )
}

fn punct_text(p: P) -> &'static str {
    match p {
        P::LBrace => "{",
        P::RBrace => "}",
        P::LParen => "(",
        P::RParen => ")",
        P::LBracket => "[",
        P::RBracket => "]",
        P::Dot => ".",
        P::DotDot => "..",
        P::Semi => ";",
        P::Comma => ",",
        P::Lt => "<",
        P::Gt => ">",
        P::Le => "<=",
        P::Ge => ">=",
        P::Eq => "==",
        P::Ne => "!=",
        P::StrictEq => "===",
        P::StrictNe => "!==",
        P::Plus => "+",
        P::Minus => "-",
        P::Star => "*",
        P::Percent => "%",
        P::Inc => "++",
        P::Dec => "--",
        P::Shl => "<<",
        P::Shr => ">>",
        P::UShr => ">>>",
        P::Amp => "&",
        P::Pipe => "|",
        P::Caret => "^",
        P::Bang => "!",
        P::Tilde => "~",
        P::AndAnd => "&&",
        P::OrOr => "||",
        P::Question => "?",
        P::Colon => ":",
        P::ColonColon => "::",
        P::Assign => "=",
        P::PlusAssign => "+=",
        P::MinusAssign => "-=",
        P::StarAssign => "*=",
        P::PercentAssign => "%=",
        P::ShlAssign => "<<=",
        P::ShrAssign => ">>=",
        P::UShrAssign => ">>>=",
        P::AmpAssign => "&=",
        P::PipeAssign => "|=",
        P::CaretAssign => "^=",
        P::Slash => "/",
        P::SlashAssign => "/=",
        P::At => "@",
    }
}
