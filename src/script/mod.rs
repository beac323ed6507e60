//! The personalization language: JavaScript (ES5 with SpiderMonkey's extensions and E4X) as
//! Campaign's server-side engine runs a transactional template, interpreted in the core.
//!
//! A template field (subject, HTML or text body) is JSSP (`jssp.rs`): its tags and text become
//! one script (`lexer.rs`, `parser.rs`, `resolve.rs`), the body of a render function whose
//! parameters are `rtEvent` and `batchEvent` (the same object: the event as a plain object of
//! its fields, its `ctx` an E4X XML value). `render` runs it under [`Bounds`] against an
//! [`Env`]: the virtual clock, a seed, the instance's time zone; nothing else is reachable (no
//! I/O, no real clock, no randomness but the seed's, no `eval`).

mod ast;
mod bi_array;
mod bi_date;
mod bi_regexp;
mod bi_string;
mod builtins;
mod campaign;
#[cfg(any(test, feature = "bench"))]
pub(crate) mod case;
pub(crate) mod date;
mod interp;
mod json;
pub(crate) mod jssp;
mod jsstr;
mod lexer;
pub(crate) mod num;
mod parser;
pub(crate) mod regex;
mod resolve;
pub(crate) mod tz;
mod value;
mod xml;

use std::rc::Rc;

use crate::tree::Node;
use ast::Function;
use builtins::Builtin;
use interp::{Interp, Throw};
use jssp::{line_col, Cut, Includes, Pos};
use jsstr::{Atoms, JsStr};
use value::*;

pub(crate) use tz::TimeZone;

/// The built-in personalization blocks (name → JSSP): `MirrorPage`, `MirrorPageUrl`,
/// `Greetings`… (their content is ours: see scripts/oracle/NOTES.md).
fn builtins_of(json: &'static str) -> &'static std::collections::BTreeMap<String, String> {
    use std::sync::OnceLock;
    static BLOCKS: OnceLock<std::collections::BTreeMap<String, String>> = OnceLock::new();
    static OPTIONS: OnceLock<std::collections::BTreeMap<String, String>> = OnceLock::new();
    let cell = if std::ptr::eq(json, BUILTIN_BLOCKS) { &BLOCKS } else { &OPTIONS };
    cell.get_or_init(|| serde_json::from_str(json).unwrap_or_default())
}

const BUILTIN_BLOCKS: &str = include_str!("builtin-blocks.json");
const BUILTIN_OPTIONS: &str = include_str!("builtin-options.json");

/// A built-in personalization block's JSSP.
pub(crate) fn builtin_block(name: &str) -> Option<&'static str> {
    builtins_of(BUILTIN_BLOCKS).get(name).map(String::as_str)
}

/// A built-in option's default value (`NmsServer_URL`…).
pub(crate) fn builtin_option(name: &str) -> Option<&'static str> {
    builtins_of(BUILTIN_OPTIONS).get(name).map(String::as_str)
}

/// The names of the built-in blocks.
pub(crate) fn builtin_block_names() -> impl Iterator<Item = &'static str> {
    builtins_of(BUILTIN_BLOCKS).keys().map(String::as_str)
}

/// The built-in options and their defaults.
pub(crate) fn builtin_options() -> impl Iterator<Item = (&'static str, &'static str)> {
    builtins_of(BUILTIN_OPTIONS).iter().map(|(k, v)| (k.as_str(), v.as_str()))
}

/// What a render may use. Each is the default of `config.rs`'s `script` section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Bounds {
    /// Steps (statements, loop turns, calls, regular-expression work…).
    pub(crate) steps: u64,
    /// Nesting of calls and blocks.
    pub(crate) depth: u32,
    /// Bytes of the rendered text.
    pub(crate) output_bytes: usize,
    /// Bytes of objects, strings and XML made (never given back during a render).
    pub(crate) memory_bytes: usize,
    /// Code units of one string.
    pub(crate) string_units: usize,
}

impl Default for Bounds {
    fn default() -> Self {
        Bounds { steps: 5_000_000, depth: 400, output_bytes: 4 << 20, memory_bytes: 64 << 20, string_units: 8 << 20 }
    }
}

/// Which bound a render hit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Limit {
    Steps,
    Memory,
    Output,
}

/// The event a template sees.
pub(crate) trait Event {
    /// A top-level field (`id`, `type`, `email`, `wishedChannel`, `created`…) as the event
    /// holds it; dates as ISO 8601 (`created`, `scheduled`, `expiration`).
    fn field(&self, name: &str) -> Option<String>;
    /// The event's ctx.
    fn ctx(&self) -> Option<&Node>;
    /// A date field (`created`, `scheduled`, `expiration`) as ms since 1970.
    fn date(&self, name: &str) -> Option<f64> {
        self.field(name).map(|s| date::parse_date(&s, &TimeZone::utc())).filter(|t| t.is_finite())
    }
}

/// What a render runs against.
pub(crate) struct Env<'a> {
    pub(crate) bounds: Bounds,
    /// The virtual clock (ms since 1970).
    pub(crate) now: f64,
    /// `Math.random`'s seed.
    pub(crate) seed: u32,
    /// The instance's time zone (local time of `Date`, `formatDate`).
    pub(crate) tz: TimeZone,
    pub(crate) event: &'a dyn Event,
}

/// A template field, compiled.
#[derive(Debug)]
pub(crate) struct Program {
    atoms: Atoms,
    main: Rc<Function>,
    cut: Cut,
    /// The whole output when the field is only text.
    text: Option<String>,
}

/// A syntax error: where (line and column in the field; for a block, the include's position
/// and the block's own) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ScriptError {
    pub(crate) line: u32,
    pub(crate) column: u32,
    /// The error's name (`TypeError`…, `SyntaxError`, `TemplateError`, `LimitError`).
    pub(crate) name: String,
    pub(crate) message: String,
}

impl std::fmt::Display for ScriptError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}, column {}: {}: {}", self.line, self.column, self.name, self.message)
    }
}

/// The field position of a source position, and the block it is in.
fn locate(cut: &Cut, pos: Pos) -> (u32, u32, Option<String>) {
    let mut p = pos;
    let mut inner: Option<(String, u32, u32)> = None;
    // Up the include chain to the field.
    for _ in 0..=jssp::MAX_INCLUDE_DEPTH + 1 {
        let Some(src) = cut.sources.get(usize::from(p.source)) else { break };
        let (l, c) = line_col(&src.text, p.offset as usize);
        match (&src.block, src.included_at) {
            (Some(b), Some(at)) => {
                if inner.is_none() {
                    inner = Some((b.clone(), l, c));
                }
                p = at;
            }
            _ => {
                let note = inner.map(|(b, bl, bc)| format!("in personalization block '{b}', line {bl}, column {bc}"));
                return (l, c, note);
            }
        }
    }
    (1, 1, None)
}

fn located(cut: &Cut, pos: Pos, name: &str, message: String) -> ScriptError {
    let (line, column, note) = locate(cut, pos);
    let message = match note {
        Some(n) => format!("{message} ({n})"),
        None => message,
    };
    ScriptError { line, column, name: name.to_owned(), message }
}

/// Compiles a template field.
pub(crate) fn compile(src: &str, includes: &dyn Includes) -> Result<Program, ScriptError> {
    let cut = match jssp::cut(src, includes) {
        Ok(c) => c,
        Err(e) => {
            let c = Cut { sources: vec![jssp::Source { block: None, text: Rc::from(src), included_at: None }], ..Cut::default() };
            // A cut error in a block: its sources are not kept; report at the field's position.
            let pos = if usize::from(e.pos.source) < c.sources.len() { e.pos } else { Pos::default() };
            return Err(located(&c, pos, "TemplateError", e.message));
        }
    };
    let mut atoms = Atoms::default();
    let mut main = match parser::parse(&cut.segments, &mut atoms) {
        Ok(f) => f,
        Err(e) => return Err(located(&cut, e.pos, "SyntaxError", e.message)),
    };
    resolve::resolve(&mut main);
    if let Err((pos, message)) = check_regexes(&main.body) {
        return Err(located(&cut, pos, "SyntaxError", message));
    }
    let text = static_text(&main, &cut.segments);
    Ok(Program { atoms, main: Rc::new(main), cut, text })
}

/// The output of a field that is only text (no `<%= %>`, no `<% %>`, blocks of text only): the
/// render writes it without an interpreter. Most subjects and text bodies are of that kind.
fn static_text(main: &ast::Function, segments: &[jssp::Segment]) -> Option<String> {
    if !main.hoisted.is_empty() {
        return None;
    }
    let mut out = String::new();
    for st in &main.body {
        match &st.k {
            ast::S::EmitText(i) => out.push_str(&segments.get(*i as usize)?.text),
            ast::S::Empty => {}
            _ => return None,
        }
    }
    Some(out)
}

/// Regular expression literals are compiled at compile time (as SpiderMonkey reports a bad
/// one before the script runs).
fn check_regexes(body: &[ast::Stmt]) -> Result<(), (Pos, String)> {
    use ast::{E, S};
    fn expr(e: &ast::Expr, depth: u32) -> Result<(), (Pos, String)> {
        if depth > parser::MAX_NESTING * 2 {
            return Ok(());
        }
        let d = depth + 1;
        match &e.k {
            E::Regex(body, flags) => regex::Regex::new(body.units(), &flags.to_rust()).map(|_| ()).map_err(|err| {
                (
                    e.pos,
                    match err {
                        regex::RegexError::Syntax(m) => format!("invalid regular expression: {}", m.trim_end()),
                        other => other.to_string(),
                    },
                )
            }),
            E::Array(items) => items.iter().flatten().try_for_each(|x| expr(x, d)),
            E::Object(props) => props.iter().try_for_each(|p| match p {
                ast::Prop::Value(_, v) => expr(v, d),
                ast::Prop::Get(_, f) | ast::Prop::Set(_, f) => stmts(&f.body, d),
            }),
            E::Function(f) => stmts(&f.body, d),
            E::Member(o, _)
            | E::Attr(o, _)
            | E::Children(o)
            | E::Descendants(o, _, _)
            | E::Unary(_, o)
            | E::Delete(o)
            | E::Update(o, _, _) => expr(o, d),
            E::Index(a, b)
            | E::AttrIndex(a, b)
            | E::Filter(a, b)
            | E::Binary(_, a, b)
            | E::And(a, b)
            | E::Or(a, b)
            | E::Assign(_, a, b) => {
                expr(a, d)?;
                expr(b, d)
            }
            E::Call(f, args) | E::New(f, args) => {
                expr(f, d)?;
                args.iter().try_for_each(|x| expr(x, d))
            }
            E::Cond(a, b, c) => {
                expr(a, d)?;
                expr(b, d)?;
                expr(c, d)
            }
            E::Seq(all) => all.iter().try_for_each(|x| expr(x, d)),
            E::XmlLiteral(parts) => parts.iter().try_for_each(|p| match p {
                ast::XmlPart::Attr(x) | ast::XmlPart::Content(x) => expr(x, d),
                ast::XmlPart::Text(_) => Ok(()),
            }),
            _ => Ok(()),
        }
    }
    fn stmt(s: &ast::Stmt, d: u32) -> Result<(), (Pos, String)> {
        match &s.k {
            S::Expr(e) | S::Throw(e) | S::Emit(e) => expr(e, d),
            S::Vars(ds) | S::Let(ds) => ds.iter().filter_map(|x| x.init.as_ref()).try_for_each(|x| expr(x, d)),
            S::Scoped(_, b) => stmts(b, d),
            S::FunctionDecl(_, f) => stmts(&f.body, d),
            S::Block(b) => stmts(b, d),
            S::If(c, a, b) => {
                expr(c, d)?;
                stmt(a, d + 1)?;
                b.as_ref().map_or(Ok(()), |b| stmt(b, d + 1))
            }
            S::For(i, t, u, b) => {
                if let Some(i) = i {
                    stmt(i, d + 1)?;
                }
                t.as_ref().map_or(Ok(()), |x| expr(x, d))?;
                u.as_ref().map_or(Ok(()), |x| expr(x, d))?;
                stmt(b, d + 1)
            }
            S::ForIn(t, o, b, _) => {
                if let ast::ForTarget::Expr(e) = t {
                    expr(e, d)?;
                }
                expr(o, d)?;
                stmt(b, d + 1)
            }
            S::While(c, b) | S::DoWhile(b, c) => {
                expr(c, d)?;
                stmt(b, d + 1)
            }
            S::Switch(x, cases) => {
                expr(x, d)?;
                cases.iter().try_for_each(|c| {
                    c.test.as_ref().map_or(Ok(()), |t| expr(t, d))?;
                    stmts(&c.body, d + 1)
                })
            }
            S::Return(Some(e)) => expr(e, d),
            S::Try(b, c, f) => {
                stmts(b, d + 1)?;
                if let Some((_, c)) = c {
                    stmts(c, d + 1)?;
                }
                f.as_ref().map_or(Ok(()), |f| stmts(f, d + 1))
            }
            S::Labeled(_, b) => stmt(b, d + 1),
            _ => Ok(()),
        }
    }
    fn stmts(b: &[ast::Stmt], d: u32) -> Result<(), (Pos, String)> {
        if d > parser::MAX_NESTING * 2 {
            return Ok(());
        }
        b.iter().try_for_each(|s| stmt(s, d + 1))
    }
    stmts(body, 0)
}

impl Program {
    /// The personalization blocks and options the field includes (through blocks too).
    pub(crate) fn uses(&self) -> (&[String], &[String]) {
        (&self.cut.blocks, &self.cut.options)
    }

    /// Renders the field for an event.
    pub(crate) fn render(&self, env: &Env<'_>) -> Result<String, ScriptError> {
        // Text only: no interpreter (over the output bound, the interpreter says where).
        if let Some(t) = self.text.as_ref().filter(|t| t.len() <= env.bounds.output_bytes) {
            return Ok(t.clone());
        }
        let mut i = Interp::new(&self.atoms, env, &self.cut.segments);
        let r = run(&mut i, &self.main);
        match r {
            Ok(()) => Ok(std::mem::take(&mut i.out)),
            Err(Throw::Js(v, pos)) => {
                let (name, message) = describe_thrown(&mut i, &v);
                Err(located(&self.cut, pos, &name, message))
            }
            Err(Throw::Limit(l, pos)) => {
                let message = match l {
                    Limit::Steps => format!("the script ran more than {} steps (an endless loop?)", env.bounds.steps),
                    Limit::Memory => format!(
                        "the script used more than {} MiB of memory, or made a string longer than {} characters",
                        env.bounds.memory_bytes >> 20,
                        env.bounds.string_units
                    ),
                    Limit::Output => format!("the message would be longer than {} MiB", env.bounds.output_bytes >> 20),
                };
                Err(located(&self.cut, pos, "LimitError", message))
            }
        }
    }
}

/// The name and message of a thrown value ("Throw" and its string for a value that is not an
/// Error object).
fn describe_thrown(i: &mut Interp, v: &Value) -> (String, String) {
    if let Value::Obj(o) = v {
        if matches!(i.obj(*o).class, Class::Error) {
            let name = i.get(v, Key::Name(jsstr::K::name.atom())).and_then(|n| i.to_rust_string(&n)).unwrap_or_else(|_| "Error".into());
            let msg = i.get(v, Key::Name(jsstr::K::message.atom())).and_then(|m| i.to_rust_string(&m)).unwrap_or_default();
            return (name, msg);
        }
    }
    let s = i.to_rust_string(v).unwrap_or_else(|_| "(a value that cannot be shown)".into());
    ("Throw".to_owned(), s)
}

/// The event's fields as the template sees them, in their order: strings ("" when absent),
/// numbers, dates (null when absent), then `ctx`.
pub(crate) const EVENT_FIELDS: &[&str] = &[
    "id",
    "type",
    "email",
    "mobilePhone",
    "externalId",
    "origin",
    "language",
    "country",
    "registrationToken",
    "wishedChannel",
    "emailFormat",
    "created",
    "scheduled",
    "expiration",
    "ctx",
];

/// The value of an event field (made when first read: a render builds only what it reads).
pub(crate) fn event_value(i: &mut Interp, atom: jsstr::Atom) -> Result<Option<Value>, Throw> {
    use jsstr::K;
    let env = i.env;
    let ev = env.event;
    let k = |x: K| x.atom() == atom;
    let text = |name: &str, default: &str| Value::Str(JsStr::from_str(&ev.field(name).unwrap_or_else(|| default.to_owned())));
    Ok(Some(if k(K::id) {
        text("id", "0")
    } else if k(K::ctx) {
        static EMPTY_CTX: std::sync::OnceLock<Node> = std::sync::OnceLock::new();
        let empty = EMPTY_CTX.get_or_init(|| Node { name: "ctx".into(), ..Node::default() });
        Value::Xml(i.xml_of_ctx(ev.ctx().unwrap_or(empty))?)
    } else if let Some((name, _)) = [("wishedChannel", K::wishedChannel), ("emailFormat", K::emailFormat)].into_iter().find(|(_, x)| k(*x))
    {
        Value::Num(ev.field(name).map(|s| num::string_to_number(&s)).filter(|n| !n.is_nan()).unwrap_or(0.0))
    } else if let Some((name, _)) =
        [("created", K::created), ("scheduled", K::scheduled), ("expiration", K::expiration)].into_iter().find(|(_, x)| k(*x))
    {
        match ev.date(name) {
            Some(t) => bi_date::new_date(i, t, None)?,
            None => Value::Null,
        }
    } else {
        let name = i.name_of(atom).to_rust();
        if !EVENT_FIELDS.contains(&name.as_str()) {
            return Ok(None);
        }
        text(&name, "")
    }))
}

fn run(i: &mut Interp, main: &Rc<Function>) -> Result<(), Throw> {
    let event = Value::Obj(i.builtin(Builtin::Event)?);
    let global = Value::Obj(i.builtin(Builtin::Global)?);
    i.call_script(main, None, None, global, &[event.clone(), event])?;
    Ok(())
}

#[cfg(test)]
mod hostile_tests;

/// The ignored `oracle_diff` tests of a module (run by `scripts/oracle/<name>-diff.mjs`): JSON
/// cases, one a line, from the file `$<PREFIX>_CASES`, their results by `run` to `$<PREFIX>_OUT`.
#[cfg(test)]
pub(crate) fn oracle_diff_files(prefix: &str, run: impl Fn(&serde_json::Value) -> serde_json::Value) {
    let cases = std::env::var(format!("{prefix}_CASES")).expect("the cases' file");
    let out = std::env::var(format!("{prefix}_OUT")).expect("the results' file");
    let text = std::fs::read_to_string(cases).expect("read cases");
    let mut res = String::new();
    for line in text.lines().filter(|l| !l.is_empty()) {
        let c: serde_json::Value = serde_json::from_str(line).expect("case");
        res.push_str(&run(&c).to_string());
        res.push('\n');
    }
    std::fs::write(out, res).expect("write results");
}
#[cfg(test)]
mod tests;
