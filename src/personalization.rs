//! Personalization of transactional message templates (subject, HTML body, text body).
//!
//! Campaign templates carry JSSP-like tags. The simulator supports a small, safe, deterministic
//! subset of them:
//!
//! * literal text, copied as is;
//! * `<%= expr %>`: the value of `expr`, **not** escaped (as in Campaign: authors wrap values with
//!   `escapeXMLString(…)` in HTML and `encodeURIComponent(…)` in URLs);
//! * `<%@ include view='MirrorPage' %>`: the mirror-page link ([`MIRROR_PAGE_LINK`]).
//!
//! Anything else opening with `<%` (JavaScript scriptlets `<% … %>`, `<%- …`, other directives) is a
//! syntax error: the simulator runs no JavaScript.
//!
//! Expression grammar (whitespace allowed around tokens):
//!
//! ```text
//! expr  := term ('+' term)*
//! term  := call | path | string
//! call  := ident '(' expr ')'        ident ∈ escapeXMLString, encodeURIComponent, escapeUrl,
//!                                            toUpperCase, toLowerCase, trim
//! path  := ident ('.' '@'? ident)*   an '@' segment (attribute) can only come last
//! string:= '…' | "…"                 escapes \\ \' \" \n \t \r
//! ident := [A-Za-z_][A-Za-z0-9_-]*
//! ```
//!
//! Paths start with `rtEvent` or `batchEvent` (both address the event being rendered).
//! `rtEvent.ctx.a.b` walks the `ctx` tree (first child element of each name; the value of an
//! element is its text), `rtEvent.ctx.a.@b` reads an attribute, `rtEvent.email` and
//! `rtEvent.@email` read a top-level event field. Missing data renders as the empty string.
//!
//! The parser is linear in the size of the source, iterative over `+` chains, and bounds the
//! nesting of function calls to [`MAX_CALL_DEPTH`]; it never panics on any input.

use crate::ctx::Node;
use crate::error::{Error, ErrorCode};
use std::collections::BTreeSet;
use std::fmt;

/// What `<%@ include view='MirrorPage' %>` renders to.
pub const MIRROR_PAGE_LINK: &str = "<a href=\"#mirror-page\">View this message in a browser</a>";

/// Deepest nesting of function calls accepted in one expression (`trim(trim(…))`).
pub const MAX_CALL_DEPTH: usize = 16;

/// Top-level event fields a template may reference (outside `ctx`), checked at publication.
pub const EVENT_FIELDS: &[&str] = &[
    "id",
    "type",
    "email",
    "mobilePhone",
    "externalId",
    "origin",
    "wishedChannel",
    "emailFormat",
    "language",
    "country",
    "scheduled",
    "expiration",
    "registrationToken",
    "created",
];

/// Path roots that address the event being rendered.
const ROOTS: &[&str] = &["rtEvent", "batchEvent"];

/// Functions callable in an expression, as written in templates.
const FUNCTION_NAMES: &str = "escapeXMLString, encodeURIComponent, escapeUrl, toUpperCase, toLowerCase, trim";

/// Position of a template error: 1-based line and column (column counted in characters).
///
/// Lines are separated by `\n`, `\r\n` or a lone `\r`; a column counts Unicode scalar values (an
/// emoji is one column, a tab is one column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// 1-based line of the error.
    pub line: u32,
    /// 1-based column of the error, in characters.
    pub column: u32,
    /// What is wrong, without the position.
    pub message: String,
}

impl TemplateError {
    /// The core error for a syntax error in template field `field` (e.g. `"subject"`): code
    /// `TEMPLATE_SYNTAX`, message `"<field>: line L, column C: <message>"`.
    pub fn into_error(self, field: &str) -> Error {
        self.into_error_with(ErrorCode::TemplateSyntax, field)
    }

    /// Same as [`TemplateError::into_error`] with code `TEMPLATE_NOT_PUBLISHABLE`, for errors of
    /// [`Template::check_references`] raised at publication.
    pub fn into_unpublishable_error(self, field: &str) -> Error {
        self.into_error_with(ErrorCode::TemplateNotPublishable, field)
    }

    /// `field` is the template's field as the API names it (`subject`, `html`, `text`); the
    /// message names it as people do ("HTML body"), and the error's `at` as the API does.
    fn into_error_with(self, code: ErrorCode, field: &str) -> Error {
        let label = match field {
            "html" => "HTML body",
            "text" => "text body",
            other => other,
        };
        Error::new(code, format!("{}: line {}, column {}: {}", label, self.line, self.column, self.message)).at(
            field,
            self.line,
            self.column,
        )
    }
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for TemplateError {}

/// What an event offers to a template.
pub trait Lookup {
    /// Value of the top-level event field `name` (`"email"`, `"externalId"`…), if any.
    fn field(&self, name: &str) -> Option<String>;
    /// The `ctx` tree of the event, if any.
    fn ctx(&self) -> Option<&Node>;
}

/// A parsed template: render it any number of times against events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
    /// Every path occurrence, in source order; `Term::Path` indexes into it.
    paths: Vec<Path>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Expr(Expr),
    MirrorPage,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Expr {
    /// Concatenated in order; never empty.
    terms: Vec<Term>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Term {
    Str(String),
    Path(usize),
    Call(Func, Box<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Func {
    EscapeXml,
    EncodeUri,
    Upper,
    Lower,
    Trim,
}

impl Func {
    fn from_name(name: &str) -> Option<Func> {
        Some(match name {
            "escapeXMLString" => Func::EscapeXml,
            "encodeURIComponent" | "escapeUrl" => Func::EncodeUri,
            "toUpperCase" => Func::Upper,
            "toLowerCase" => Func::Lower,
            "trim" => Func::Trim,
            _ => return None,
        })
    }

    fn apply(self, s: &str) -> String {
        match self {
            Func::EscapeXml => escape_xml_string(s),
            Func::EncodeUri => encode_uri_component(s),
            Func::Upper => s.to_uppercase(),
            Func::Lower => s.to_lowercase(),
            Func::Trim => js_trim(s).to_owned(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Path {
    root: String,
    segs: Vec<Seg>,
    /// Normalized text, e.g. `rtEvent.ctx.customer.@firstName`.
    text: String,
    line: u32,
    column: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Seg {
    name: String,
    attr: bool,
}

/// Parses a template source.
///
/// # Errors
/// The first syntax error of the source, with its position.
pub fn parse(src: &str) -> Result<Template, TemplateError> {
    let mut p = Parser { cur: Cursor::new(src), paths: Vec::new() };
    let mut parts = Vec::new();
    loop {
        let rest = p.cur.rest();
        if rest.is_empty() {
            break;
        }
        match rest.find("<%") {
            None => {
                parts.push(Part::Text(rest.to_owned()));
                break;
            }
            Some(i) => {
                if i > 0 {
                    parts.push(Part::Text(rest.get(..i).unwrap_or_default().to_owned()));
                    p.cur.advance_bytes(i);
                }
                parts.push(p.tag()?);
            }
        }
    }
    Ok(Template { parts, paths: p.paths })
}

impl Template {
    /// Renders the template against an event. Never fails: missing data renders as `""`.
    pub fn render(&self, ev: &dyn Lookup) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::MirrorPage => out.push_str(MIRROR_PAGE_LINK),
                Part::Expr(e) => out.push_str(&self.eval(e, ev)),
            }
        }
        out
    }

    /// Publication-time check: every path's root is rtEvent/batchEvent and a top-level field (not
    /// under ctx) is one of: id, type, email, mobilePhone, externalId, origin, wishedChannel,
    /// emailFormat, language, country, scheduled, expiration, registrationToken, created. Error
    /// names the path and where it is.
    ///
    /// Reports the first offending path in source order. Anything under `ctx` is accepted (the
    /// `ctx` element is open).
    pub fn check_references(&self) -> Result<(), TemplateError> {
        for p in &self.paths {
            let fail = |message: String| Err(TemplateError { line: p.line, column: p.column, message });
            if !ROOTS.contains(&p.root.as_str()) {
                return fail(format!("unknown root '{}' in '{}': paths start with rtEvent or batchEvent", p.root, p.text));
            }
            let Some(first) = p.segs.first() else {
                return fail(format!("'{}' is the event itself, not a value: use e.g. {}.email or {}.ctx.…", p.text, p.root, p.root));
            };
            if !first.attr && first.name == "ctx" {
                continue;
            }
            if !EVENT_FIELDS.contains(&first.name.as_str()) {
                return fail(format!(
                    "unknown event field '{}' in '{}': a top-level field is one of {}; \
                     personalization data lives under {}.ctx",
                    first.name,
                    p.text,
                    EVENT_FIELDS.join(", "),
                    p.root
                ));
            }
            if p.segs.len() > 1 {
                return fail(format!("'{}': the event field '{}' has no sub-fields", p.text, first.name));
            }
        }
        Ok(())
    }

    /// The distinct paths used, e.g. `["rtEvent.ctx.customer.@firstName", "rtEvent.email"]` (for the UI).
    ///
    /// Sorted; each path is written without whitespace, with the root as written in the template.
    #[allow(dead_code)] // the template editor of www/ lists them (issue 6)
    pub fn paths(&self) -> Vec<String> {
        let set: BTreeSet<&str> = self.paths.iter().map(|p| p.text.as_str()).collect();
        set.into_iter().map(str::to_owned).collect()
    }

    /// Recursion is bounded by [`MAX_CALL_DEPTH`] (enforced by the parser).
    fn eval(&self, e: &Expr, ev: &dyn Lookup) -> String {
        let mut out = String::new();
        for t in &e.terms {
            match t {
                Term::Str(s) => out.push_str(s),
                Term::Path(i) => {
                    if let Some(p) = self.paths.get(*i) {
                        out.push_str(&resolve(p, ev));
                    }
                }
                Term::Call(f, inner) => out.push_str(&f.apply(&self.eval(inner, ev))),
            }
        }
        out
    }
}

/// The value of a path for an event; `""` when anything is missing.
fn resolve(p: &Path, ev: &dyn Lookup) -> String {
    if !ROOTS.contains(&p.root.as_str()) {
        return String::new();
    }
    let Some((first, rest)) = p.segs.split_first() else {
        return String::new();
    };
    if !first.attr && first.name == "ctx" {
        let Some(mut node) = ev.ctx() else {
            return String::new();
        };
        for seg in rest {
            if seg.attr {
                // The parser only lets an attribute be the last segment.
                return node.attr(&seg.name).unwrap_or_default().to_owned();
            }
            match node.child(&seg.name) {
                Some(c) => node = c,
                None => return String::new(),
            }
        }
        return node.text.clone();
    }
    if rest.is_empty() {
        ev.field(&first.name).unwrap_or_default()
    } else {
        String::new()
    }
}

/// `escapeXMLString`: escapes `& < > " '` as `&amp; &lt; &gt; &quot; &#39;`.
pub fn escape_xml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// JavaScript's `encodeURIComponent`: UTF-8 percent-encoding (uppercase hex) of everything except
/// `A-Z a-z 0-9 - _ . ! ~ * ' ( )`.
pub fn encode_uri_component(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
    out
}

/// JavaScript's `String.prototype.trim`: strips WhiteSpace (incl. U+FEFF and category Zs) and
/// LineTerminator characters, which is not exactly Rust's `char::is_whitespace` (U+0085).
fn js_trim(s: &str) -> &str {
    fn js_ws(c: char) -> bool {
        matches!(
            c,
            '\u{9}' | '\u{A}' | '\u{B}' | '\u{C}' | '\u{D}' | ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'
                ..='\u{200A}' | '\u{2028}' | '\u{2029}' | '\u{202F}' | '\u{205F}' | '\u{3000}' | '\u{FEFF}'
        )
    }
    s.trim_matches(js_ws)
}

/// Walks the source, tracking line and column.
struct Cursor<'a> {
    src: &'a str,
    /// Byte offset; always on a char boundary.
    pos: usize,
    line: u32,
    col: u32,
}

impl<'a> Cursor<'a> {
    fn new(src: &'a str) -> Self {
        Cursor { src, pos: 0, line: 1, col: 1 }
    }

    fn rest(&self) -> &'a str {
        self.src.get(self.pos..).unwrap_or_default()
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn starts_with(&self, s: &str) -> bool {
        self.rest().starts_with(s)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        let newline = match c {
            '\n' => true,
            '\r' => self.peek() != Some('\n'),
            _ => false,
        };
        if newline {
            self.line = self.line.saturating_add(1);
            self.col = 1;
        } else {
            self.col = self.col.saturating_add(1);
        }
        Some(c)
    }

    /// Advances over `n` bytes (whole characters).
    fn advance_bytes(&mut self, n: usize) {
        let end = self.pos.saturating_add(n);
        while self.pos < end && self.bump().is_some() {}
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }

    fn here(&self) -> (u32, u32) {
        (self.line, self.col)
    }

    fn ident(&mut self) -> Option<String> {
        let c = self.peek()?;
        if !(c.is_ascii_alphabetic() || c == '_') {
            return None;
        }
        let rest = self.rest();
        let len = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')).unwrap_or(rest.len());
        let name = rest.get(..len).unwrap_or_default().to_owned();
        self.advance_bytes(len);
        Some(name)
    }

    /// How to name what is at the cursor in an error message.
    fn found(&self) -> String {
        match self.peek() {
            None => "the end of the template".to_owned(),
            Some('%') if self.starts_with("%>") => "'%>'".to_owned(),
            Some(c) => format!("'{}'", c.escape_debug()),
        }
    }
}

fn error_at((line, column): (u32, u32), message: impl Into<String>) -> TemplateError {
    TemplateError { line, column, message: message.into() }
}

struct Parser<'a> {
    cur: Cursor<'a>,
    paths: Vec<Path>,
}

impl Parser<'_> {
    fn err(&self, message: impl Into<String>) -> TemplateError {
        error_at(self.cur.here(), message)
    }

    /// At `<%`: parses one tag up to and including its `%>`.
    fn tag(&mut self) -> Result<Part, TemplateError> {
        let start = self.cur.here();
        // Linear overall: the tag is parsed at least up to the first `%>` found here.
        if !self.cur.rest().get(2..).unwrap_or_default().contains("%>") {
            return Err(error_at(start, "unclosed '<%': no matching '%>'"));
        }
        self.cur.advance_bytes(2);
        match self.cur.peek() {
            Some('=') => {
                self.cur.bump();
                let e = self.expr(0)?;
                self.cur.skip_ws();
                if !self.cur.starts_with("%>") {
                    return Err(self.err(format!("expected '+' or '%>', found {}", self.cur.found())));
                }
                self.cur.advance_bytes(2);
                Ok(Part::Expr(e))
            }
            Some('@') => {
                self.cur.bump();
                self.directive()
            }
            _ => Err(error_at(
                start,
                "JavaScript scriptlets are not supported by the simulator: only <%= … %> \
                 expressions and <%@ include view='MirrorPage' %> are",
            )),
        }
    }

    /// After `<%@`: only `include view='MirrorPage'`.
    fn directive(&mut self) -> Result<Part, TemplateError> {
        const ONLY: &str = "only <%@ include view='MirrorPage' %> is supported";
        self.cur.skip_ws();
        let at = self.cur.here();
        if self.cur.ident().as_deref() != Some("include") {
            return Err(error_at(at, format!("unsupported directive: {ONLY}")));
        }
        self.cur.skip_ws();
        let at = self.cur.here();
        if self.cur.ident().as_deref() != Some("view") {
            return Err(error_at(at, format!("unsupported include: {ONLY}")));
        }
        self.cur.skip_ws();
        if self.cur.peek() != Some('=') {
            return Err(self.err(format!("expected '=' after 'view', found {}", self.cur.found())));
        }
        self.cur.bump();
        self.cur.skip_ws();
        let at = self.cur.here();
        let quote = match self.cur.peek() {
            Some(q @ ('\'' | '"')) => q,
            _ => return Err(self.err(format!("expected a quoted block name after 'view=', found {}", self.cur.found()))),
        };
        self.cur.bump();
        let mut name = String::new();
        loop {
            match self.cur.bump() {
                None => return Err(error_at(at, "unterminated block name")),
                Some(c) if c == quote => break,
                Some(c) => name.push(c),
            }
        }
        if name != "MirrorPage" {
            return Err(error_at(at, format!("unknown personalization block '{name}'")));
        }
        self.cur.skip_ws();
        if !self.cur.starts_with("%>") {
            return Err(self.err(format!("expected '%>', found {}", self.cur.found())));
        }
        self.cur.advance_bytes(2);
        Ok(Part::MirrorPage)
    }

    /// `term ('+' term)*`, iterative over the `+` chain. `depth` is the number of enclosing calls.
    fn expr(&mut self, depth: usize) -> Result<Expr, TemplateError> {
        let mut terms = vec![self.term(depth)?];
        loop {
            self.cur.skip_ws();
            if self.cur.peek() != Some('+') {
                break;
            }
            self.cur.bump();
            terms.push(self.term(depth)?);
        }
        Ok(Expr { terms })
    }

    fn term(&mut self, depth: usize) -> Result<Term, TemplateError> {
        self.cur.skip_ws();
        let start = self.cur.here();
        match self.cur.peek() {
            Some('\'' | '"') => self.string().map(Term::Str),
            Some(c) if c.is_ascii_alphabetic() || c == '_' => {
                let name = self.cur.ident().unwrap_or_default();
                self.cur.skip_ws();
                if self.cur.peek() == Some('(') {
                    let Some(f) = Func::from_name(&name) else {
                        return Err(error_at(start, format!("unknown function '{name}' (supported: {FUNCTION_NAMES})")));
                    };
                    if depth >= MAX_CALL_DEPTH {
                        return Err(error_at(start, format!("function calls nested deeper than {MAX_CALL_DEPTH}")));
                    }
                    self.cur.bump();
                    let inner = self.expr(depth + 1)?;
                    self.cur.skip_ws();
                    if self.cur.peek() != Some(')') {
                        return Err(self.err(format!("expected '+' or ')', found {}", self.cur.found())));
                    }
                    self.cur.bump();
                    Ok(Term::Call(f, Box::new(inner)))
                } else {
                    self.path(name, start).map(Term::Path)
                }
            }
            _ => Err(self.err(format!("expected an expression, found {}", self.cur.found()))),
        }
    }

    /// After the root identifier of a path (and any whitespace after it).
    fn path(&mut self, root: String, start: (u32, u32)) -> Result<usize, TemplateError> {
        let mut segs: Vec<Seg> = Vec::new();
        let mut text = root.clone();
        loop {
            self.cur.skip_ws();
            if self.cur.peek() != Some('.') {
                break;
            }
            self.cur.bump();
            self.cur.skip_ws();
            if let Some(prev) = segs.last().filter(|s| s.attr) {
                return Err(self.err(format!("'{text}': an attribute (@{}) can only be the last segment of a path", prev.name)));
            }
            let attr = self.cur.peek() == Some('@');
            if attr {
                self.cur.bump();
                self.cur.skip_ws();
            }
            let Some(name) = self.cur.ident() else {
                return Err(self.err(format!(
                    "expected a name after '{text}.{}', found {}",
                    if attr { "@" } else { "" },
                    self.cur.found()
                )));
            };
            text.push('.');
            if attr {
                text.push('@');
            }
            text.push_str(&name);
            segs.push(Seg { name, attr });
        }
        if self.cur.peek() == Some('(') {
            return Err(self.err(format!(
                "'{text}(…)': method calls are not supported; apply one of the functions \
                 {FUNCTION_NAMES} as f(expression)"
            )));
        }
        let (line, column) = start;
        self.paths.push(Path { root, segs, text, line, column });
        Ok(self.paths.len() - 1)
    }

    /// A single- or double-quoted string literal, at its opening quote.
    fn string(&mut self) -> Result<String, TemplateError> {
        let start = self.cur.here();
        let quote = self.cur.bump();
        let mut out = String::new();
        loop {
            let at = self.cur.here();
            match self.cur.bump() {
                None | Some('\n' | '\r') => return Err(error_at(start, "unterminated string literal")),
                Some(c) if Some(c) == quote => return Ok(out),
                Some('\\') => match self.cur.bump() {
                    Some('\\') => out.push('\\'),
                    Some('\'') => out.push('\''),
                    Some('"') => out.push('"'),
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('r') => out.push('\r'),
                    None | Some('\n' | '\r') => return Err(error_at(start, "unterminated string literal")),
                    Some(c) => {
                        return Err(error_at(
                            at,
                            format!(
                                "unsupported escape sequence '\\{}' in a string literal \
                                 (supported: \\\\ \\' \\\" \\n \\t \\r)",
                                c.escape_debug()
                            ),
                        ))
                    }
                },
                Some(c) => out.push(c),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render_str(src: &str, ev: &dyn Lookup) -> Result<String, TemplateError> {
        Ok(parse(src)?.render(ev))
    }

    #[derive(Default)]
    struct Ev {
        fields: Vec<(&'static str, &'static str)>,
        ctx: Option<Node>,
    }

    impl Lookup for Ev {
        fn field(&self, name: &str) -> Option<String> {
            self.fields.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned())
        }
        fn ctx(&self) -> Option<&Node> {
            self.ctx.as_ref()
        }
    }

    fn node(name: &str, attrs: &[(&str, &str)], text: &str, children: Vec<Node>) -> Node {
        Node {
            name: name.to_owned(),
            attrs: attrs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
            children,
            text: text.to_owned(),
        }
    }

    /// `<ctx><customer firstName="Zoé" lastName="O'Hara &lt;x&gt;"/><account>Gold  </account>
    ///  <order-line sku="A1"><price>12.5</price></order-line><order-line sku="B2"/></ctx>`
    fn sample() -> Ev {
        let ctx = node(
            "ctx",
            &[("lang", "fr")],
            "",
            vec![
                node("customer", &[("firstName", "Zoé"), ("lastName", "O'Hara <x>")], "", vec![]),
                node("account", &[], "Gold  ", vec![]),
                node("order-line", &[("sku", "A1")], "", vec![node("price", &[], "12.5", vec![])]),
                node("order-line", &[("sku", "B2")], "", vec![]),
                node("url", &[], "https://x.test/a b?c=d&e=é", vec![]),
            ],
        );
        Ev { fields: vec![("email", "zoe@example.com"), ("externalId", "ext-1"), ("type", "ORDER")], ctx: Some(ctx) }
    }

    fn render(src: &str) -> String {
        render_str(src, &sample()).expect("parses")
    }

    fn err(src: &str) -> TemplateError {
        parse(src).expect_err("must not parse")
    }

    fn pos(e: &TemplateError) -> (u32, u32) {
        (e.line, e.column)
    }

    // ---- literal text, expressions, paths ----

    #[test]
    fn literal_text_is_copied() {
        assert_eq!(render(""), "");
        assert_eq!(render("Hello <b>world</b> % > %> 100%"), "Hello <b>world</b> % > %> 100%");
        assert_eq!(render("é🎉\r\n\tx"), "é🎉\r\n\tx");
    }

    #[test]
    fn ctx_attribute_and_element() {
        assert_eq!(render("Hi <%= rtEvent.ctx.customer.@firstName %>!"), "Hi Zoé!");
        assert_eq!(render("<%= rtEvent.ctx.account %>"), "Gold  ");
        assert_eq!(render("<%= rtEvent.ctx.@lang %>"), "fr");
        assert_eq!(render("<%=rtEvent.ctx.order-line.price%>"), "12.5");
        // First child of that name.
        assert_eq!(render("<%= rtEvent.ctx.order-line.@sku %>"), "A1");
    }

    #[test]
    fn top_level_fields() {
        assert_eq!(render("<%= rtEvent.email %>"), "zoe@example.com");
        assert_eq!(render("<%= rtEvent.@email %>"), "zoe@example.com");
        assert_eq!(render("<%= rtEvent.@externalId %>/<%= rtEvent.type %>"), "ext-1/ORDER");
    }

    #[test]
    fn both_roots() {
        assert_eq!(render("<%= batchEvent.ctx.customer.@firstName %>"), "Zoé");
        assert_eq!(render("<%= batchEvent.@email %>"), "zoe@example.com");
    }

    #[test]
    fn output_is_not_escaped() {
        assert_eq!(render("<%= rtEvent.ctx.customer.@lastName %>"), "O'Hara <x>");
    }

    #[test]
    fn missing_data_renders_empty() {
        assert_eq!(render("[<%= rtEvent.mobilePhone %>]"), "[]");
        assert_eq!(render("[<%= rtEvent.ctx.nope %>]"), "[]");
        assert_eq!(render("[<%= rtEvent.ctx.customer.@nope %>]"), "[]");
        assert_eq!(render("[<%= rtEvent.ctx.nope.deeper.@x %>]"), "[]");
        assert_eq!(render("[<%= rtEvent.ctx.customer %>]"), "[]");
        assert_eq!(render("[<%= rtEvent.email.more %>]"), "[]");
        assert_eq!(render("[<%= rtEvent %>]"), "[]");
        assert_eq!(render("[<%= other.email %>]"), "[]");
        assert_eq!(render("[<%= toUpperCase(rtEvent.ctx.nope) %>]"), "[]");
        let no_ctx = Ev { fields: vec![("email", "a@b.c")], ctx: None };
        assert_eq!(
            render_str("[<%= rtEvent.ctx.customer.@firstName %>|<%= rtEvent.ctx %>|<%= rtEvent.email %>]", &no_ctx).unwrap(),
            "[||a@b.c]"
        );
        let empty = Ev::default();
        assert_eq!(render_str("<%= rtEvent.email %>x", &empty).unwrap(), "x");
    }

    #[test]
    fn whitespace_around_tokens() {
        assert_eq!(render("<%=\n  rtEvent . ctx . customer . @ firstName\t+ ' ' +\r\n'x'  %>"), "Zoé x");
        assert_eq!(render("<%= trim ( rtEvent.ctx.account ) %>"), "Gold");
    }

    #[test]
    fn strings_and_concatenation() {
        assert_eq!(render(r#"<%= 'a' + "b" + 'c' %>"#), "abc");
        assert_eq!(render(r#"<%= 'it\'s' + " \"q\" " + 'back\\slash' + 'n\nl' %>"#), "it's \"q\" back\\slashn\nl");
        assert_eq!(render(r#"<%= "it's " + 'say "hi"' %>"#), "it's say \"hi\"");
        assert_eq!(render(r#"<%= 'tab\there' + '\r' %>"#), "tab\there\r");
        assert_eq!(render("<%= '' %>"), "");
        assert_eq!(render("<%= 'Dear ' + rtEvent.ctx.customer.@firstName + ', ' + rtEvent.email %>"), "Dear Zoé, zoe@example.com");
        // `%>` inside a string literal does not close the tag.
        assert_eq!(render("<%= '%>' + \"<%\" %>!"), "%><%!");
    }

    #[test]
    fn long_plus_chain_is_iterative() {
        let n = 200_000;
        let mut src = String::from("<%= 'x'");
        for _ in 0..n {
            src.push_str(" + 'x'");
        }
        src.push_str(" %>");
        assert_eq!(render(&src).len(), n + 1);
    }

    #[test]
    fn many_tags_render() {
        let src = "<%= rtEvent.email %>,".repeat(10_000);
        let out = render(&src);
        assert_eq!(out.len(), "zoe@example.com,".len() * 10_000);
        assert_eq!(parse(&src).unwrap().paths(), vec!["rtEvent.email"]);
    }

    // ---- functions ----

    #[test]
    fn escape_xml_string_fn() {
        assert_eq!(render(r#"<%= escapeXMLString('a & b < c > d " e \' f') %>"#), "a &amp; b &lt; c &gt; d &quot; e &#39; f");
        assert_eq!(render("<%= escapeXMLString(rtEvent.ctx.customer.@lastName) %>"), "O&#39;Hara &lt;x&gt;");
        assert_eq!(escape_xml_string("é&amp;"), "é&amp;amp;");
    }

    #[test]
    fn encode_uri_component_matches_js() {
        // Outputs of JavaScript's encodeURIComponent.
        let cases = [
            ("", ""),
            ("abcXYZ019", "abcXYZ019"),
            ("-_.!~*'()", "-_.!~*'()"),
            (" ", "%20"),
            ("a b&c=d/e?f#g", "a%20b%26c%3Dd%2Fe%3Ff%23g"),
            ("é", "%C3%A9"),
            ("€", "%E2%82%AC"),
            ("😀", "%F0%9F%98%80"),
            ("日本", "%E6%97%A5%E6%9C%AC"),
            ("+@$,;:[]{}|\\^`\"<>%", "%2B%40%24%2C%3B%3A%5B%5D%7B%7D%7C%5C%5E%60%22%3C%3E%25"),
            ("\n\t\u{0}", "%0A%09%00"),
            ("\u{7f}\u{80}", "%7F%C2%80"),
        ];
        for (input, expected) in cases {
            assert_eq!(encode_uri_component(input), expected, "input {input:?}");
        }
        assert_eq!(render("<%= encodeURIComponent(rtEvent.ctx.url) %>"), "https%3A%2F%2Fx.test%2Fa%20b%3Fc%3Dd%26e%3D%C3%A9");
        assert_eq!(render("<%= escapeUrl('Zoé 😀') %>"), "Zo%C3%A9%20%F0%9F%98%80");
        assert_eq!(render("https://x.test/?u=<%= encodeURIComponent(rtEvent.email) %>"), "https://x.test/?u=zoe%40example.com");
    }

    #[test]
    fn case_and_trim() {
        assert_eq!(render("<%= toUpperCase(rtEvent.ctx.customer.@firstName) %>"), "ZOÉ");
        assert_eq!(render("<%= toLowerCase('ÀB Σ') %>"), "àb σ");
        assert_eq!(render("<%= toUpperCase('straße') %>"), "STRASSE");
        assert_eq!(render("[<%= trim(rtEvent.ctx.account) %>]"), "[Gold]");
        assert_eq!(render("[<%= trim(' \\t\\n x y \\r ') %>]"), "[x y]");
        // JS trim: strips U+FEFF and U+00A0, keeps U+0085.
        assert_eq!(js_trim("\u{FEFF}\u{A0}\u{3000}a\u{2028}"), "a");
        assert_eq!(js_trim("\u{85}a\u{85}"), "\u{85}a\u{85}");
    }

    #[test]
    fn nested_calls_and_concat_inside() {
        assert_eq!(
            render("<%= escapeXMLString(toUpperCase(trim(rtEvent.ctx.account) + ' & ' + rtEvent.ctx.customer.@lastName)) %>"),
            "GOLD &amp; O&#39;HARA &lt;X&gt;"
        );
        assert_eq!(render("<%= trim('a') + toUpperCase('b') %>"), "aB");
    }

    #[test]
    fn call_depth_limit() {
        let nested = |n: usize| format!("<%= {}'x'{} %>", "trim(".repeat(n), ")".repeat(n));
        assert_eq!(render(&nested(MAX_CALL_DEPTH)), "x");
        let e = err(&nested(MAX_CALL_DEPTH + 1));
        // The 17th `trim(` starts at column 5 + 16 * 5.
        assert_eq!(pos(&e), (1, 5 + 16 * 5));
        assert!(e.message.contains("nested deeper than 16"), "{}", e.message);
        // Hostile depth: no stack overflow, an error.
        let e = err(&nested(1_000_000));
        assert_eq!(pos(&e), (1, 85));
    }

    // ---- MirrorPage include ----

    #[test]
    fn mirror_page_include() {
        let link = "<a href=\"#mirror-page\">View this message in a browser</a>";
        assert_eq!(render("<%@ include view='MirrorPage' %>"), link);
        assert_eq!(render("a<%@include view=\"MirrorPage\"%>b"), format!("a{link}b"));
        assert_eq!(render("<%@   include \n view = 'MirrorPage'\t%>"), link);
        assert!(parse("<%@ include view='MirrorPage' %>").unwrap().paths().is_empty());
    }

    #[test]
    fn unknown_include_and_directives() {
        let e = err("x\n  <%@ include view='Unsubscribe' %>");
        assert_eq!(e.message, "unknown personalization block 'Unsubscribe'");
        assert_eq!(pos(&e), (2, 20));
        let e = err("<%@ include view=\"mirrorpage\" %>");
        assert_eq!(e.message, "unknown personalization block 'mirrorpage'");
        let e = err("<%@ include option='NmsServer_URL' %>");
        assert!(e.message.starts_with("unsupported include"), "{}", e.message);
        assert_eq!(pos(&e), (1, 13));
        let e = err("<%@ value object='provider' xpath='@trackingURL' %>");
        assert!(e.message.starts_with("unsupported directive"), "{}", e.message);
        assert_eq!(pos(&e), (1, 5));
        let e = err("<%@ include view=MirrorPage %>");
        assert!(e.message.contains("quoted block name"), "{}", e.message);
        assert_eq!(pos(&e), (1, 18));
        let e = err("<%@ include view='MirrorPage' x %>");
        assert_eq!(e.message, "expected '%>', found 'x'");
        assert_eq!(pos(&e), (1, 31));
        let e = err("<%@ include view 'MirrorPage' %>");
        assert_eq!(pos(&e), (1, 18));
        let e = err("<%@ include view='MirrorPage %>");
        assert_eq!(e.message, "unterminated block name");
        assert_eq!(pos(&e), (1, 18));
    }

    // ---- errors and positions ----

    #[test]
    fn scriptlets_are_refused() {
        for src in ["<% var x = 1; %>", "<%- foo %>", "<%-- comment --%>", "<%\nif (a) { %>"] {
            let e = err(src);
            assert_eq!(pos(&e), (1, 1), "{src}");
            assert!(e.message.contains("JavaScript scriptlets are not supported"), "{}", e.message);
            assert!(e.message.contains("<%= … %>"), "{}", e.message);
        }
        let e = err("line1\nab<% x %>");
        assert_eq!(pos(&e), (2, 3));
    }

    #[test]
    fn unclosed_tags() {
        let e = err("Hello <%= rtEvent.email");
        assert_eq!(pos(&e), (1, 7));
        assert_eq!(e.message, "unclosed '<%': no matching '%>'");
        assert_eq!(pos(&err("a\nb\r\n  é🎉<%")), (3, 5));
        assert_eq!(pos(&err("<%= 'a' %> then <% ")), (1, 17));
        assert_eq!(pos(&err("<%>")), (1, 1));
        assert_eq!(pos(&err("<%@ include view='MirrorPage'")), (1, 1));
        // The only `%>` is inside an unterminated string.
        let e = err("<%= 'abc %>");
        assert_eq!(e.message, "unterminated string literal");
        assert_eq!(pos(&e), (1, 5));
    }

    #[test]
    fn expression_errors_with_positions() {
        // Non-ASCII before the error: columns count characters.
        let e = err("Zoé 🎉 <%= foo(rtEvent.email) %>");
        assert_eq!(pos(&e), (1, 11));
        assert_eq!(
            e.message,
            "unknown function 'foo' (supported: escapeXMLString, encodeURIComponent, escapeUrl, toUpperCase, toLowerCase, trim)"
        );
        // Multi-line, error on line 3.
        let e = err("<p>\nHello <%= rtEvent.email %>\n  <%= rtEvent.email rtEvent.id %>");
        assert_eq!(pos(&e), (3, 21));
        assert_eq!(e.message, "expected '+' or '%>', found 'r'");
        // CRLF and lone CR count as one line break each.
        assert_eq!(pos(&err("a\r\nb\rc <%= 1 %>")), (3, 7));
        let e = err("<%= %>");
        assert_eq!(e.message, "expected an expression, found '%>'");
        assert_eq!(pos(&e), (1, 5));
        let e = err("<%= 'a' + %>");
        assert_eq!(pos(&e), (1, 11));
        let e = err("<%= trim('a' %>");
        assert_eq!(e.message, "expected '+' or ')', found '%>'");
        assert_eq!(pos(&e), (1, 14));
        let e = err("<%= 'a') %>");
        assert_eq!(e.message, "expected '+' or '%>', found ')'");
        assert_eq!(pos(&e), (1, 8));
        let e = err("<%= rtEvent.email.toUpperCase() %>");
        assert!(e.message.contains("method calls are not supported"), "{}", e.message);
        assert_eq!(pos(&e), (1, 30));
        let e = err("<%= rtEvent. %>");
        assert_eq!(e.message, "expected a name after 'rtEvent.', found '%>'");
        assert_eq!(pos(&e), (1, 14));
        let e = err("<%= rtEvent.ctx.@a.b %>");
        assert!(e.message.contains("can only be the last segment"), "{}", e.message);
        assert_eq!(pos(&e), (1, 20));
        let e = err("<%= rtEvent.@ %>");
        assert_eq!(e.message, "expected a name after 'rtEvent.@', found '%>'");
        let e = err("<%= 'a' - 'b' %>");
        assert_eq!(pos(&e), (1, 9));
        let e = err("<%= 'a'\n + 'b\\q' %>");
        assert_eq!(pos(&e), (2, 6));
        assert!(e.message.contains("unsupported escape sequence '\\q'"), "{}", e.message);
        let e = err("<%= 'a\nb' %>");
        assert_eq!(e.message, "unterminated string literal");
        assert_eq!(pos(&e), (1, 5));
        let e = err("<%= <%= 'x' %>");
        assert_eq!(pos(&e), (1, 5));
        assert_eq!(e.message, "expected an expression, found '<'");
        let e = err("<%= 😀 %>");
        assert_eq!(e.message, "expected an expression, found '😀'");
        let e = err("<%= 42 %>");
        assert_eq!(pos(&e), (1, 5));
        let e = err("<%== 'x' %>");
        assert_eq!(pos(&e), (1, 4));
        // The first error of the source wins.
        let e = err("<%= 'ok' %>\n<%= bad( %> <% %>");
        assert_eq!(pos(&e), (2, 5));
    }

    #[test]
    fn into_error_format() {
        let e = err("\n  <%= nope('x') %>").into_error("html");
        assert_eq!(e.code, ErrorCode::TemplateSyntax);
        assert!(e.message.starts_with("HTML body: line 2, column 7: unknown function 'nope'"), "{}", e.message);
        let at = e.at.expect("a syntax error says where it is");
        assert_eq!((at.field.as_str(), at.line, at.column), ("html", 2, 7));
        let te = TemplateError { line: 3, column: 4, message: "boom".into() };
        assert_eq!(te.to_string(), "line 3, column 4: boom");
        let e = te.into_unpublishable_error("subject");
        assert_eq!(e.code, ErrorCode::TemplateNotPublishable);
        assert_eq!(e.message, "subject: line 3, column 4: boom");
        assert_eq!(e.at.map(|a| (a.field, a.line, a.column)), Some(("subject".to_owned(), 3, 4)));
    }

    // ---- paths and references ----

    #[test]
    fn paths_are_distinct_and_sorted() {
        let t = parse(
            "<%= rtEvent.email %> <%= rtEvent . ctx . customer . @ firstName %>\
             <%= escapeXMLString(rtEvent.email + rtEvent.ctx.account) %><%= 'rtEvent.x' %>",
        )
        .unwrap();
        assert_eq!(t.paths(), vec!["rtEvent.ctx.account", "rtEvent.ctx.customer.@firstName", "rtEvent.email"]);
        assert!(parse("plain text").unwrap().paths().is_empty());
        assert_eq!(parse("<%= batchEvent.@email %>").unwrap().paths(), vec!["batchEvent.@email"]);
    }

    #[test]
    fn check_references_accepts_known() {
        let src = "<%= rtEvent.email %><%= batchEvent.@mobilePhone %><%= rtEvent.ctx %>\
                   <%= rtEvent.ctx.anything.deep.@at %><%= trim(rtEvent.created + rtEvent.registrationToken) %>";
        assert_eq!(parse(src).unwrap().check_references(), Ok(()));
        for f in EVENT_FIELDS {
            let t = parse(&format!("<%= rtEvent.{f} %><%= batchEvent.@{f} %>")).unwrap();
            assert_eq!(t.check_references(), Ok(()), "{f}");
        }
        assert_eq!(parse("no tags").unwrap().check_references(), Ok(()));
    }

    #[test]
    fn check_references_errors() {
        let t = parse("Hi\n  é <%= trim(rtEvent.firstName) %>").unwrap();
        let e = t.check_references().unwrap_err();
        assert_eq!(pos(&e), (2, 14));
        assert!(e.message.starts_with("unknown event field 'firstName' in 'rtEvent.firstName'"), "{}", e.message);
        assert!(e.message.contains("rtEvent.ctx"), "{}", e.message);
        // Rendering still works (empty).
        assert_eq!(t.render(&sample()), "Hi\n  é ");

        let e = parse("<%= rtEvent.email %> <%= event.ctx.a %>").unwrap().check_references().unwrap_err();
        assert_eq!(pos(&e), (1, 26));
        assert_eq!(e.message, "unknown root 'event' in 'event.ctx.a': paths start with rtEvent or batchEvent");

        let e = parse("<%= batchEvent %>").unwrap().check_references().unwrap_err();
        assert_eq!(pos(&e), (1, 5));
        assert!(e.message.contains("'batchEvent' is the event itself"), "{}", e.message);

        let e = parse("<%= rtEvent.email.domain %>").unwrap().check_references().unwrap_err();
        assert_eq!(e.message, "'rtEvent.email.domain': the event field 'email' has no sub-fields");

        let e = parse("<%= rtEvent.@ctx %>").unwrap().check_references().unwrap_err();
        assert!(e.message.starts_with("unknown event field 'ctx'"), "{}", e.message);

        // The first offending path in source order is reported.
        let e = parse("<%= rtEvent.a %><%= rtEvent.b %>").unwrap().check_references().unwrap_err();
        assert!(e.message.contains("'a'"), "{}", e.message);

        let e = parse("\n\n<%= rtEvent.Email %>").unwrap().check_references().unwrap_err().into_unpublishable_error("text");
        assert_eq!(e.code, ErrorCode::TemplateNotPublishable);
        assert!(e.message.starts_with("text body: line 3, column 5: unknown event field 'Email'"), "{}", e.message);
    }

    // ---- hostile input ----

    #[test]
    fn hostile_inputs_do_not_panic() {
        let inputs = [
            "<",
            "<%",
            "<%=",
            "<%@",
            "%>",
            "<%=%>",
            "<%='",
            "<%=\"",
            "<%= '\\",
            "<%= '\\%>",
            "<%= a.%>",
            "<%= a.@%>",
            "<%= a(%>",
            "<%= trim(%>",
            "<%= trim('x'%>",
            "<%= +%>",
            "<%= a + + b %>",
            "<%@%>",
            "<%@ include%>",
            "<%@ include view%>",
            "<%@ include view=%>",
            "<%@ include view='%>",
            "é<%=é%>",
            "<%=\u{0}%>",
            "<%= '\u{FEFF}' %>",
            "\r",
            "\r\n<%",
            "<%= trim)%>",
            "<%= ( %>",
            "<%= . %>",
            "<%= @a %>",
            "<%= a..b %>",
            "<%= a.@b.@c %>",
        ];
        for src in inputs {
            if let Ok(t) = parse(src) {
                let _ = t.render(&sample());
                let _ = t.check_references();
                let _ = t.paths();
            }
        }
        // Every prefix of a rich template, cut at each char boundary.
        let rich = "Zoé <%= escapeXMLString(rtEvent.ctx.customer.@firstName + ' 🎉 \\'x\\'') %>\n\
                    <%@ include view=\"MirrorPage\" %><%= trim(batchEvent.@email) %>";
        for (i, _) in rich.char_indices() {
            let _ = parse(&rich[..i]).map(|t| t.render(&sample()));
        }
        assert!(parse(rich).is_ok());
    }

    #[test]
    fn large_sources_are_fine() {
        let big = "x".repeat(1_000_000) + "<%= rtEvent.email %>";
        assert_eq!(render(&big).len(), 1_000_000 + 15);
        // Many unclosed-looking openers would be quadratic with a naive search per tag; here the
        // first one is reported.
        let e = err(&"<%".repeat(100_000));
        assert_eq!(pos(&e), (1, 1));
        // Many lines: position still exact.
        let src = "line\n".repeat(50_000) + "ab<%= bad() %>";
        assert_eq!(pos(&err(&src)), (50_001, 7));
    }
}
