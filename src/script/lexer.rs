//! Tokens of a template's JavaScript, read across its JSSP segments.
//!
//! The segments become one stream: a text segment is one [`T::EmitText`] token, an expression tag
//! is [`T::EmitStart`], its tokens, [`T::EmitEnd`], and a code tag its tokens, followed by a line
//! break (so that automatic semicolon insertion ends a statement at the end of a tag, as the
//! JavaScript Campaign compiles a template from would).

use super::jssp::{Pos, SegKind, Segment};
use super::jsstr::JsStr;

/// A token.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum T {
    Eof,
    Num(f64),
    Str(JsStr),
    /// An identifier or a reserved word (the parser tells them apart); `escaped` when it held a
    /// `\u` escape (then it is never a reserved word).
    Ident(JsStr, bool),
    /// A regular expression literal: body and flags (only from [`Lexer::rescan_regex`]).
    Regex(JsStr, JsStr),
    P(P),
    /// A text segment, by index: written as it is.
    EmitText(u32),
    /// The start and end of a `<%= %>` tag.
    EmitStart,
    EmitEnd,
}

/// Punctuators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum P {
    LBrace,
    RBrace,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Dot,
    DotDot,
    Semi,
    Comma,
    Lt,
    Gt,
    Le,
    Ge,
    Eq,
    Ne,
    StrictEq,
    StrictNe,
    Plus,
    Minus,
    Star,
    Percent,
    Inc,
    Dec,
    Shl,
    Shr,
    UShr,
    Amp,
    Pipe,
    Caret,
    Bang,
    Tilde,
    AndAnd,
    OrOr,
    Question,
    Colon,
    ColonColon,
    Assign,
    PlusAssign,
    MinusAssign,
    StarAssign,
    PercentAssign,
    ShlAssign,
    ShrAssign,
    UShrAssign,
    AmpAssign,
    PipeAssign,
    CaretAssign,
    Slash,
    SlashAssign,
    At,
}

/// A token with where it is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub(crate) t: T,
    /// Where it starts in its source.
    pub(crate) pos: Pos,
    /// Whether a line break comes before it (automatic semicolon insertion).
    pub(crate) nl_before: bool,
    /// Segment index and byte offset in the segment's text (to read a `/` again as a regular
    /// expression).
    seg: u32,
    local: u32,
}

/// A syntax error: where, and what.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SyntaxError {
    pub(crate) pos: Pos,
    pub(crate) message: String,
}

/// Whether the next token opens the stream part of a segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// At the start of segment `seg`.
    Start,
    /// Inside its JavaScript.
    Inside,
    /// After the JavaScript of an expression tag (its `EmitEnd` is next).
    End,
}

/// The lexer: segment by segment.
pub(crate) struct Lexer<'a> {
    segs: &'a [Segment],
    seg: usize,
    /// Byte offset in the current segment's text.
    at: usize,
    phase: Phase,
    /// A line break was passed since the last token.
    nl: bool,
}

fn is_line_terminator(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\u{B}' | '\u{C}' | ' ' | '\u{A0}' | '\u{FEFF}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' | '\u{180E}'
    )
}

fn is_id_start(c: char) -> bool {
    c == '$' || c == '_' || c.is_ascii_alphabetic() || (!c.is_ascii() && c.is_alphabetic())
}

fn is_id_part(c: char) -> bool {
    is_id_start(c) || c.is_ascii_digit() || (!c.is_ascii() && (c.is_alphanumeric() || c == '\u{200C}' || c == '\u{200D}'))
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(segs: &'a [Segment]) -> Self {
        Lexer { segs, seg: 0, at: 0, phase: Phase::Start, nl: false }
    }

    fn text(&self) -> &'a str {
        self.segs.get(self.seg).map(|s| &*s.text).unwrap_or_default()
    }

    fn pos_at(&self, local: usize) -> Pos {
        let base = self.segs.get(self.seg).map(|s| s.pos).unwrap_or_default();
        Pos { source: base.source, offset: base.offset.saturating_add(local as u32) }
    }

    fn err<X>(&self, local: usize, message: impl Into<String>) -> Result<X, SyntaxError> {
        Err(SyntaxError { pos: self.pos_at(local), message: message.into() })
    }

    fn token(&mut self, t: T, local: usize) -> Token {
        let tok = Token { t, pos: self.pos_at(local), nl_before: self.nl, seg: self.seg as u32, local: local as u32 };
        self.nl = false;
        tok
    }

    /// The next token.
    pub(crate) fn next(&mut self) -> Result<Token, SyntaxError> {
        loop {
            let Some(seg) = self.segs.get(self.seg) else {
                // The end: where the last segment ends.
                let pos = self
                    .segs
                    .last()
                    .map(|s| Pos { source: s.pos.source, offset: s.pos.offset.saturating_add(s.text.len() as u32) })
                    .unwrap_or_default();
                let t = Token { t: T::Eof, pos, nl_before: true, seg: self.seg as u32, local: 0 };
                self.nl = false;
                return Ok(t);
            };
            match (self.phase, seg.kind) {
                (Phase::Start, SegKind::Text) => {
                    let t = self.token(T::EmitText(self.seg as u32), 0);
                    self.advance_segment();
                    return Ok(t);
                }
                (Phase::Start, SegKind::Expr) => {
                    self.phase = Phase::Inside;
                    self.at = 0;
                    return Ok(self.token(T::EmitStart, 0));
                }
                (Phase::Start, SegKind::Code) => {
                    self.phase = Phase::Inside;
                    self.at = 0;
                }
                (Phase::End, _) => {
                    let t = self.token(T::EmitEnd, self.text().len());
                    self.advance_segment();
                    return Ok(t);
                }
                (Phase::Inside, kind) => {
                    self.skip_space()?;
                    if self.at >= self.text().len() {
                        if kind == SegKind::Expr {
                            self.phase = Phase::End;
                        } else {
                            // The end of a code tag is a line break.
                            self.nl = true;
                            self.advance_segment();
                        }
                        continue;
                    }
                    return self.scan();
                }
            }
        }
    }

    fn advance_segment(&mut self) {
        self.seg += 1;
        self.at = 0;
        self.phase = Phase::Start;
    }

    fn peek_char(&self) -> Option<char> {
        self.text().get(self.at..).and_then(|r| r.chars().next())
    }

    fn peek_char_at(&self, n: usize) -> Option<char> {
        self.text().get(self.at..).and_then(|r| r.chars().nth(n))
    }

    fn skip_space(&mut self) -> Result<(), SyntaxError> {
        while let Some(c) = self.peek_char() {
            if is_space(c) {
                self.at += c.len_utf8();
            } else if is_line_terminator(c) {
                self.nl = true;
                self.at += c.len_utf8();
            } else if c == '/' && self.peek_char_at(1) == Some('/') {
                while let Some(c) = self.peek_char() {
                    if is_line_terminator(c) {
                        break;
                    }
                    self.at += c.len_utf8();
                }
            } else if c == '/' && self.peek_char_at(1) == Some('*') {
                let start = self.at;
                let rest = self.text().get(self.at + 2..).unwrap_or_default();
                let Some(end) = rest.find("*/") else {
                    return self.err(start, "unterminated comment");
                };
                if rest.get(..end).unwrap_or_default().chars().any(is_line_terminator) {
                    self.nl = true;
                }
                self.at += 2 + end + 2;
            } else {
                break;
            }
        }
        Ok(())
    }

    fn scan(&mut self) -> Result<Token, SyntaxError> {
        let start = self.at;
        let Some(c) = self.peek_char() else {
            return Ok(self.token(T::Eof, start));
        };
        if c.is_ascii_digit() || (c == '.' && self.peek_char_at(1).is_some_and(|d| d.is_ascii_digit())) {
            return self.number(start);
        }
        if c == '"' || c == '\'' {
            return self.string(start, c);
        }
        if is_id_start(c) || c == '\\' {
            return self.ident(start);
        }
        let rest = self.text().get(start..).unwrap_or_default();
        const PUNCT: &[(&str, P)] = &[
            (">>>=", P::UShrAssign),
            ("===", P::StrictEq),
            ("!==", P::StrictNe),
            (">>>", P::UShr),
            ("<<=", P::ShlAssign),
            (">>=", P::ShrAssign),
            ("..", P::DotDot),
            ("::", P::ColonColon),
            ("==", P::Eq),
            ("!=", P::Ne),
            ("<=", P::Le),
            (">=", P::Ge),
            ("++", P::Inc),
            ("--", P::Dec),
            ("<<", P::Shl),
            (">>", P::Shr),
            ("&&", P::AndAnd),
            ("||", P::OrOr),
            ("+=", P::PlusAssign),
            ("-=", P::MinusAssign),
            ("*=", P::StarAssign),
            ("%=", P::PercentAssign),
            ("&=", P::AmpAssign),
            ("|=", P::PipeAssign),
            ("^=", P::CaretAssign),
            ("/=", P::SlashAssign),
            ("{", P::LBrace),
            ("}", P::RBrace),
            ("(", P::LParen),
            (")", P::RParen),
            ("[", P::LBracket),
            ("]", P::RBracket),
            (".", P::Dot),
            (";", P::Semi),
            (",", P::Comma),
            ("<", P::Lt),
            (">", P::Gt),
            ("+", P::Plus),
            ("-", P::Minus),
            ("*", P::Star),
            ("%", P::Percent),
            ("&", P::Amp),
            ("|", P::Pipe),
            ("^", P::Caret),
            ("!", P::Bang),
            ("~", P::Tilde),
            ("?", P::Question),
            (":", P::Colon),
            ("=", P::Assign),
            ("/", P::Slash),
            ("@", P::At),
        ];
        for (s, p) in PUNCT {
            if rest.starts_with(s) {
                // `..` followed by a digit is `.` then a number (`1..toString()` is not E4X).
                self.at += s.len();
                return Ok(self.token(T::P(*p), start));
            }
        }
        self.err(start, format!("illegal character '{}'", c.escape_default()))
    }

    fn number(&mut self, start: usize) -> Result<Token, SyntaxError> {
        let text = self.text();
        let rest = text.get(start..).unwrap_or_default();
        let bytes = rest.as_bytes();
        let mut n = 0;
        let value;
        if bytes.len() > 1 && bytes[0] == b'0' && (bytes[1] | 0x20) == b'x' {
            n = 2;
            while bytes.get(n).is_some_and(u8::is_ascii_hexdigit) {
                n += 1;
            }
            if n == 2 {
                return self.err(start, "missing hexadecimal digits after '0x'");
            }
            value =
                rest.get(2..n).unwrap_or_default().bytes().fold(0f64, |a, d| a * 16.0 + f64::from((d as char).to_digit(16).unwrap_or(0)));
        } else if bytes.len() > 1
            && bytes[0] == b'0'
            && bytes[1].is_ascii_digit()
            && rest.bytes().skip(1).take_while(u8::is_ascii_digit).all(|d| d < b'8')
        {
            // A legacy octal literal (`017` is 15), as SpiderMonkey reads one outside strict mode.
            n = 1;
            while bytes.get(n).is_some_and(u8::is_ascii_digit) {
                n += 1;
            }
            value = rest.get(1..n).unwrap_or_default().bytes().fold(0f64, |a, d| a * 8.0 + f64::from(d - b'0'));
        } else {
            while bytes.get(n).is_some_and(u8::is_ascii_digit) {
                n += 1;
            }
            if bytes.get(n) == Some(&b'.') {
                n += 1;
                while bytes.get(n).is_some_and(u8::is_ascii_digit) {
                    n += 1;
                }
            }
            if bytes.get(n).is_some_and(|b| (b | 0x20) == b'e') {
                let mut m = n + 1;
                if bytes.get(m).is_some_and(|b| *b == b'+' || *b == b'-') {
                    m += 1;
                }
                if bytes.get(m).is_some_and(u8::is_ascii_digit) {
                    while bytes.get(m).is_some_and(u8::is_ascii_digit) {
                        m += 1;
                    }
                    n = m;
                } else {
                    return self.err(start, "missing exponent");
                }
            }
            value = rest.get(..n).unwrap_or_default().parse::<f64>().unwrap_or(f64::NAN);
        }
        if rest.get(n..).and_then(|r| r.chars().next()).is_some_and(|c| is_id_start(c) || c.is_ascii_digit()) {
            return self.err(start, "identifier starts immediately after numeric literal");
        }
        self.at = start + n;
        Ok(self.token(T::Num(value), start))
    }

    fn hex(&self, from: usize, len: usize) -> Option<u32> {
        let s = self.text().get(from..from + len)?;
        if s.len() != len || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(s, 16).ok()
    }

    fn string(&mut self, start: usize, quote: char) -> Result<Token, SyntaxError> {
        let mut out: Vec<u16> = Vec::new();
        self.at = start + 1;
        loop {
            let Some(c) = self.peek_char() else {
                return self.err(start, "unterminated string literal");
            };
            if c == quote {
                self.at += 1;
                break;
            }
            if is_line_terminator(c) {
                return self.err(start, "unterminated string literal");
            }
            if c != '\\' {
                let mut buf = [0u16; 2];
                out.extend_from_slice(c.encode_utf16(&mut buf));
                self.at += c.len_utf8();
                continue;
            }
            let esc_at = self.at;
            self.at += 1;
            let Some(e) = self.peek_char() else {
                return self.err(start, "unterminated string literal");
            };
            self.at += e.len_utf8();
            match e {
                'n' => out.push(0x0A),
                't' => out.push(0x09),
                'r' => out.push(0x0D),
                'b' => out.push(0x08),
                'f' => out.push(0x0C),
                'v' => out.push(0x0B),
                'x' => match self.hex(self.at, 2) {
                    Some(v) => {
                        out.push(v as u16);
                        self.at += 2;
                    }
                    None => out.push(u16::from(b'x')),
                },
                'u' => match self.hex(self.at, 4) {
                    Some(v) => {
                        out.push(v as u16);
                        self.at += 4;
                    }
                    None => out.push(u16::from(b'u')),
                },
                '0'..='7' => {
                    // Legacy octal escapes (`\0`, `\12`, `\377`).
                    let mut v = e as u32 - '0' as u32;
                    let max_len = if e <= '3' { 3 } else { 2 };
                    let mut len = 1;
                    while len < max_len {
                        match self.peek_char() {
                            Some(d @ '0'..='7') => {
                                v = v * 8 + (d as u32 - '0' as u32);
                                self.at += 1;
                                len += 1;
                            }
                            _ => break,
                        }
                    }
                    out.push(v as u16);
                }
                '\r' => {
                    if self.peek_char() == Some('\n') {
                        self.at += 1;
                    }
                }
                '\n' | '\u{2028}' | '\u{2029}' => {}
                other => {
                    let _ = esc_at;
                    let mut buf = [0u16; 2];
                    out.extend_from_slice(other.encode_utf16(&mut buf));
                }
            }
        }
        Ok(self.token(T::Str(JsStr::from_units(out)), start))
    }

    fn ident(&mut self, start: usize) -> Result<Token, SyntaxError> {
        let mut out: Vec<u16> = Vec::new();
        let mut escaped = false;
        self.at = start;
        while let Some(c) = self.peek_char() {
            if c == '\\' {
                if self.peek_char_at(1) != Some('u') {
                    return self.err(self.at, "illegal character '\\'");
                }
                let Some(v) = self.hex(self.at + 2, 4) else {
                    return self.err(self.at, "bad Unicode escape in an identifier");
                };
                let ch = char::from_u32(v).filter(|&ch| if out.is_empty() { is_id_start(ch) } else { is_id_part(ch) });
                let Some(ch) = ch else {
                    return self.err(self.at, "bad Unicode escape in an identifier");
                };
                let mut buf = [0u16; 2];
                out.extend_from_slice(ch.encode_utf16(&mut buf));
                escaped = true;
                self.at += 6;
                continue;
            }
            if !(if out.is_empty() { is_id_start(c) } else { is_id_part(c) }) {
                break;
            }
            let mut buf = [0u16; 2];
            out.extend_from_slice(c.encode_utf16(&mut buf));
            self.at += c.len_utf8();
        }
        Ok(self.token(T::Ident(JsStr::from_units(out), escaped), start))
    }

    /// Reads the token `tok` (a `/` or `/=`) again as a regular expression literal, and goes on
    /// after it.
    pub(crate) fn rescan_regex(&mut self, tok: &Token) -> Result<Token, SyntaxError> {
        self.seg = tok.seg as usize;
        self.phase = Phase::Inside;
        let start = tok.local as usize;
        self.at = start + 1;
        let mut in_class = false;
        let body_start = self.at;
        loop {
            let Some(c) = self.peek_char() else {
                return self.err(start, "unterminated regular expression literal");
            };
            if is_line_terminator(c) {
                return self.err(start, "unterminated regular expression literal");
            }
            self.at += c.len_utf8();
            match c {
                '\\' => match self.peek_char() {
                    Some(n) if !is_line_terminator(n) => self.at += n.len_utf8(),
                    _ => return self.err(start, "unterminated regular expression literal"),
                },
                '[' => in_class = true,
                ']' => in_class = false,
                '/' if !in_class => break,
                _ => {}
            }
        }
        let body = self.text().get(body_start..self.at - 1).unwrap_or_default();
        let flags_start = self.at;
        while let Some(c) = self.peek_char() {
            if !is_id_part(c) {
                break;
            }
            self.at += c.len_utf8();
        }
        let flags = self.text().get(flags_start..self.at).unwrap_or_default();
        self.nl = false;
        let mut t = self.token(T::Regex(JsStr::from_str(body), JsStr::from_str(flags)), start);
        t.nl_before = tok.nl_before;
        Ok(t)
    }
}

/// Where an E4X XML literal's scan is.
#[derive(Debug, Default)]
pub(crate) struct XmlScan {
    /// Open elements.
    depth: u32,
    /// Inside a start tag (between `<name` and `>`).
    in_tag: bool,
    /// Started (the first `<` was read).
    started: bool,
}

/// A piece of an XML literal: raw XML text, then whether an embedded expression follows (in an
/// attribute value or in content), or the end.
#[derive(Debug)]
pub(crate) enum XmlChunk {
    /// `{` was read: an expression follows (true: as an attribute value).
    Brace(String, bool),
    /// The literal ended (after this text).
    End(String),
}

impl Lexer<'_> {
    /// Starts reading an XML literal at the `<` token `tok`.
    pub(crate) fn xml_start(&mut self, tok: &Token) {
        self.seg = tok.seg as usize;
        self.phase = Phase::Inside;
        self.at = tok.local as usize;
    }

    /// The next piece of an XML literal.
    pub(crate) fn xml_chunk(&mut self, st: &mut XmlScan) -> Result<XmlChunk, SyntaxError> {
        let text = self.text();
        let start = self.at;
        let mut out = String::new();
        let unterminated = |l: &Self| l.err::<XmlChunk>(start, "unterminated XML literal");
        loop {
            let rest = text.get(self.at..).unwrap_or_default();
            let Some(c) = rest.chars().next() else { return unterminated(self) };
            if st.in_tag {
                match c {
                    '{' => {
                        self.at += 1;
                        return Ok(XmlChunk::Brace(out, true));
                    }
                    '"' | '\'' => {
                        let Some(end) = rest.get(1..).and_then(|r| r.find(c)) else { return unterminated(self) };
                        out.push_str(rest.get(..end + 2).unwrap_or_default());
                        self.at += end + 2;
                    }
                    '/' if rest.starts_with("/>") => {
                        out.push_str("/>");
                        self.at += 2;
                        st.in_tag = false;
                        if st.depth == 0 {
                            return Ok(XmlChunk::End(out));
                        }
                    }
                    '>' => {
                        out.push('>');
                        self.at += 1;
                        st.in_tag = false;
                        st.depth += 1;
                    }
                    _ => {
                        out.push(c);
                        self.at += c.len_utf8();
                    }
                }
                continue;
            }
            if c == '{' && st.started {
                self.at += 1;
                return Ok(XmlChunk::Brace(out, false));
            }
            if c != '<' {
                if !st.started {
                    return self.err(self.at, "an XML literal starts with '<'");
                }
                out.push(c);
                self.at += c.len_utf8();
                continue;
            }
            st.started = true;
            for (open, close) in [("<!--", "-->"), ("<![CDATA[", "]]>"), ("<?", "?>")] {
                if rest.starts_with(open) {
                    let Some(end) = rest.find(close) else { return unterminated(self) };
                    out.push_str(rest.get(..end + close.len()).unwrap_or_default());
                    self.at += end + close.len();
                    if st.depth == 0 {
                        return Ok(XmlChunk::End(out));
                    }
                    break;
                }
            }
            if rest.starts_with("<!--") || rest.starts_with("<![CDATA[") || rest.starts_with("<?") {
                continue;
            }
            if rest.starts_with("</") {
                let Some(end) = rest.find('>') else { return unterminated(self) };
                out.push_str(rest.get(..end + 1).unwrap_or_default());
                self.at += end + 1;
                st.depth = st.depth.saturating_sub(1);
                if st.depth == 0 {
                    return Ok(XmlChunk::End(out));
                }
                continue;
            }
            if st.depth > 256 {
                return self.err(self.at, "the XML literal nests too deep");
            }
            out.push('<');
            self.at += 1;
            st.in_tag = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::jssp::{cut, NoIncludes};
    use super::*;

    fn lex(src: &str) -> Vec<T> {
        let c = cut(src, &NoIncludes).unwrap();
        let mut l = Lexer::new(&c.segments);
        let mut out = Vec::new();
        loop {
            let t = l.next().unwrap();
            if t.t == T::Eof {
                break;
            }
            out.push(t.t);
        }
        out
    }

    fn id(s: &str) -> T {
        T::Ident(JsStr::from_str(s), false)
    }

    #[test]
    fn tokens_across_tags() {
        assert_eq!(
            lex("a<%= x.y %>b<% i++ %>"),
            vec![T::EmitText(0), T::EmitStart, id("x"), T::P(P::Dot), id("y"), T::EmitEnd, T::EmitText(2), id("i"), T::P(P::Inc)]
        );
    }

    #[test]
    fn numbers_and_strings() {
        assert_eq!(
            lex("<% 0x1F 017 1.5e3 .5 'a\\n\\x41\\u0042\\101' %>"),
            vec![T::Num(31.0), T::Num(15.0), T::Num(1500.0), T::Num(0.5), T::Str(JsStr::from_str("a\nABA"))]
        );
        assert_eq!(lex("<% 089 %>"), vec![T::Num(89.0)]);
    }

    #[test]
    fn newlines_are_seen() {
        let c = cut("<% a\nb %><% c %>", &NoIncludes).unwrap();
        let mut l = Lexer::new(&c.segments);
        let toks: Vec<bool> = (0..3).map(|_| l.next().unwrap().nl_before).collect();
        assert_eq!(toks, vec![false, true, true]);
    }

    #[test]
    fn regex_rescan() {
        let c = cut("<% x = /a[/]b/gi; %>", &NoIncludes).unwrap();
        let mut l = Lexer::new(&c.segments);
        l.next().unwrap();
        l.next().unwrap();
        let slash = l.next().unwrap();
        assert_eq!(slash.t, T::P(P::Slash));
        let re = l.rescan_regex(&slash).unwrap();
        assert_eq!(re.t, T::Regex(JsStr::from_str("a[/]b"), JsStr::from_str("gi")));
        assert_eq!(l.next().unwrap().t, T::P(P::Semi));
    }

    #[test]
    fn errors() {
        let c = cut("<% 'abc %>", &NoIncludes).unwrap();
        assert!(Lexer::new(&c.segments).next().is_err());
        let c = cut("<% 3in %>", &NoIncludes).unwrap();
        assert!(Lexer::new(&c.segments).next().is_err());
        let c = cut("<% # %>", &NoIncludes).unwrap();
        assert!(Lexer::new(&c.segments).next().unwrap_err().message.contains("illegal character"));
    }
}
