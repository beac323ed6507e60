//! JSSP: a template's text cut into its tags, with the personalization blocks and options it
//! includes spliced in.
//!
//! - literal text, copied to the message;
//! - `<%= expr %>`: the value of a JavaScript expression (written with [`crate::script`]'s rule
//!   for `<%=`, not escaped);
//! - `<% statements %>`: JavaScript run where it stands; a block may open in one tag and close in
//!   another (`<% if (x) { %>yes<% } else { %>no<% } %>`);
//! - `<%-- comment --%>`: nothing;
//! - `<%@ include view='Name' %>` (or `"Name"`): the personalization block's own JSSP, cut the
//!   same way, where the directive stands (blocks may include blocks, [`MAX_INCLUDE_DEPTH`] deep;
//!   a block including itself is an error); `<%@ include option='Name' %>`: the option's value,
//!   as literal text.
//!
//! A tag ends at the first `%>` after it opens, whatever the JavaScript inside says (as
//! Campaign's JSSP cuts them).

use std::rc::Rc;

/// How deep personalization blocks may include one another.
pub(crate) const MAX_INCLUDE_DEPTH: usize = 8;

/// What a piece of a template is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SegKind {
    /// Literal text.
    Text,
    /// `<%= … %>`.
    Expr,
    /// `<% … %>`.
    Code,
}

/// Where something is: a source (0: the template's field; others: included blocks) and a byte
/// offset in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Pos {
    pub(crate) source: u16,
    pub(crate) offset: u32,
}

/// A piece of a template: its kind, its text, and where that text starts.
#[derive(Debug, Clone)]
pub(crate) struct Segment {
    pub(crate) kind: SegKind,
    pub(crate) text: Rc<str>,
    /// Where `text` starts (for `Expr` and `Code`: after `<%=` / `<%`).
    pub(crate) pos: Pos,
}

/// A text a template is made of: the field itself, or a block it includes.
#[derive(Debug, Clone)]
pub(crate) struct Source {
    /// The block's name; None for the template's field.
    pub(crate) block: Option<String>,
    pub(crate) text: Rc<str>,
    /// The directive that included it.
    pub(crate) included_at: Option<Pos>,
}

/// What include directives may name: the personalization blocks and options there are.
pub(crate) trait Includes {
    /// The JSSP source of a personalization block.
    fn block(&self, name: &str) -> Option<Rc<str>>;
    /// The value of an option.
    fn option(&self, name: &str) -> Option<String>;
}

/// No blocks, no options.
#[cfg(test)]
pub(crate) struct NoIncludes;

#[cfg(test)]
impl Includes for NoIncludes {
    fn block(&self, _: &str) -> Option<Rc<str>> {
        None
    }
    fn option(&self, _: &str) -> Option<String> {
        None
    }
}

/// A syntax error of the JSSP layer: where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CutError {
    pub(crate) pos: Pos,
    pub(crate) message: String,
}

/// A template cut into segments, with the sources they come from.
#[derive(Debug, Clone, Default)]
pub(crate) struct Cut {
    pub(crate) segments: Vec<Segment>,
    pub(crate) sources: Vec<Source>,
    /// The blocks it includes, each once, in order of first use.
    pub(crate) blocks: Vec<String>,
    /// The options it includes, each once.
    pub(crate) options: Vec<String>,
}

/// Cuts a template field into segments, splicing in what it includes.
pub(crate) fn cut(src: &str, includes: &dyn Includes) -> Result<Cut, CutError> {
    let mut c = Cut { sources: vec![Source { block: None, text: Rc::from(src), included_at: None }], ..Cut::default() };
    cut_source(&mut c, 0, includes, &mut Vec::new())?;
    Ok(c)
}

fn cut_source(c: &mut Cut, source: u16, includes: &dyn Includes, stack: &mut Vec<String>) -> Result<(), CutError> {
    let text = c.sources.get(usize::from(source)).map(|s| s.text.clone()).unwrap_or_else(|| Rc::from(""));
    let at = |offset: usize| Pos { source, offset: offset as u32 };
    let mut i = 0;
    while i < text.len() {
        let rest = text.get(i..).unwrap_or_default();
        let Some(open) = rest.find("<%") else {
            push_text(c, rest, at(i));
            break;
        };
        if open > 0 {
            push_text(c, rest.get(..open).unwrap_or_default(), at(i));
        }
        let tag = i + open;
        let body = text.get(tag + 2..).unwrap_or_default();
        if let Some(comment) = body.strip_prefix("--") {
            let Some(end) = comment.find("--%>") else {
                return Err(CutError { pos: at(tag), message: "this comment '<%--' is never closed by '--%>'".into() });
            };
            i = tag + 4 + end + 4;
            continue;
        }
        let Some(end) = body.find("%>") else {
            return Err(CutError { pos: at(tag), message: "this tag '<%' is never closed by '%>'".into() });
        };
        let inner = body.get(..end).unwrap_or_default();
        i = tag + 2 + end + 2;
        if let Some(expr) = inner.strip_prefix('=') {
            if expr.trim().is_empty() {
                return Err(CutError { pos: at(tag), message: "'<%= %>' holds no expression".into() });
            }
            c.segments.push(Segment { kind: SegKind::Expr, text: Rc::from(expr), pos: at(tag + 3) });
        } else if let Some(directive) = inner.strip_prefix('@') {
            directive_of(c, directive, at(tag), includes, stack)?;
        } else {
            c.segments.push(Segment { kind: SegKind::Code, text: Rc::from(inner), pos: at(tag + 2) });
        }
    }
    Ok(())
}

fn push_text(c: &mut Cut, text: &str, pos: Pos) {
    if !text.is_empty() {
        c.segments.push(Segment { kind: SegKind::Text, text: Rc::from(text), pos });
    }
}

/// `include view='…'` or `include option='…'`.
fn directive_of(c: &mut Cut, directive: &str, pos: Pos, includes: &dyn Includes, stack: &mut Vec<String>) -> Result<(), CutError> {
    let fail = |message: String| Err(CutError { pos, message });
    let d = directive.trim();
    let Some(rest) = d.strip_prefix("include") else {
        let word: String = d.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        return fail(format!("the directive '<%@ {word} %>' is not supported: use <%@ include view='…' %> or <%@ include option='…' %>"));
    };
    let rest = rest.trim_start();
    let (what, rest) = match rest.split_once('=') {
        Some((k, v)) => (k.trim(), v.trim()),
        None => return fail("an include names view='…' or option='…'".into()),
    };
    let quote = rest.chars().next();
    let name = match quote {
        Some(q @ ('\'' | '"')) => match rest.get(1..).and_then(|r| r.find(q).map(|e| (r, e))) {
            Some((r, e)) if r.get(e + 1..).unwrap_or_default().trim().is_empty() => r.get(..e).unwrap_or_default(),
            _ => return fail("the name of an include is quoted, and nothing follows it".into()),
        },
        _ => return fail("the name of an include is quoted ('…' or \"…\")".into()),
    };
    match what {
        "view" => {
            if stack.iter().any(|b| b == name) {
                return fail(format!("the personalization block '{name}' includes itself"));
            }
            if stack.len() >= MAX_INCLUDE_DEPTH {
                return fail(format!("personalization blocks are included more than {MAX_INCLUDE_DEPTH} deep"));
            }
            let Some(text) = includes.block(name) else {
                return fail(format!("there is no personalization block '{name}'"));
            };
            if !c.blocks.iter().any(|b| b == name) {
                c.blocks.push(name.to_owned());
            }
            let Ok(source) = u16::try_from(c.sources.len()) else {
                return fail("too many personalization blocks are included".into());
            };
            c.sources.push(Source { block: Some(name.to_owned()), text, included_at: Some(pos) });
            stack.push(name.to_owned());
            let r = cut_source(c, source, includes, stack);
            stack.pop();
            r
        }
        "option" => {
            let Some(value) = includes.option(name) else {
                return fail(format!("there is no option '{name}'"));
            };
            if !c.options.iter().any(|o| o == name) {
                c.options.push(name.to_owned());
            }
            push_text(c, &value, pos);
            Ok(())
        }
        other => fail(format!("an include names view='…' or option='…', not '{other}'")),
    }
}

/// 1-based line and column (in characters) of a byte offset in a text; lines end at `\n`, `\r\n`
/// or a lone `\r`.
pub(crate) fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let mut line = 1u32;
    let mut col = 1u32;
    let mut chars = text.char_indices().peekable();
    while let Some((i, ch)) = chars.next() {
        if i >= offset {
            break;
        }
        match ch {
            '\n' => {
                line += 1;
                col = 1;
            }
            '\r' => {
                if chars.peek().map(|&(_, c)| c) != Some('\n') {
                    line += 1;
                    col = 1;
                }
            }
            _ => col += 1,
        }
    }
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct Map(HashMap<&'static str, &'static str>, HashMap<&'static str, &'static str>);
    impl Includes for Map {
        fn block(&self, name: &str) -> Option<Rc<str>> {
            self.0.get(name).map(|s| Rc::from(*s))
        }
        fn option(&self, name: &str) -> Option<String> {
            self.1.get(name).map(|s| (*s).to_owned())
        }
    }

    fn kinds(c: &Cut) -> Vec<(SegKind, String)> {
        c.segments.iter().map(|s| (s.kind, s.text.to_string())).collect()
    }

    #[test]
    fn cuts_tags() {
        let c = cut("Hi <%= a.b %>!<% if (x) { %>y<% } %><%-- no --%>z", &NoIncludes).unwrap();
        assert_eq!(
            kinds(&c),
            vec![
                (SegKind::Text, "Hi ".into()),
                (SegKind::Expr, " a.b ".into()),
                (SegKind::Text, "!".into()),
                (SegKind::Code, " if (x) { ".into()),
                (SegKind::Text, "y".into()),
                (SegKind::Code, " } ".into()),
                (SegKind::Text, "z".into()),
            ]
        );
        assert_eq!(c.segments[1].pos, Pos { source: 0, offset: 6 });
    }

    #[test]
    fn errors_say_where() {
        assert_eq!(cut("ab<% x", &NoIncludes).unwrap_err().pos.offset, 2);
        assert!(cut("<%-- x", &NoIncludes).unwrap_err().message.contains("never closed"));
        assert!(cut("<%=  %>", &NoIncludes).unwrap_err().message.contains("no expression"));
        assert!(cut("<%@ page x %>", &NoIncludes).unwrap_err().message.contains("not supported"));
        assert!(cut("<%@ include view=Mirror %>", &NoIncludes).unwrap_err().message.contains("quoted"));
    }

    #[test]
    fn includes_blocks_and_options() {
        let inc = Map(
            HashMap::from([("A", "a<%@ include view=\"B\" %>"), ("B", "<%= 1 %>"), ("Loop", "<%@ include view='Loop' %>")]),
            HashMap::from([("NmsServer_URL", "https://x")]),
        );
        let c = cut("<%@ include view='A' %>|<%@ include option='NmsServer_URL' %>", &inc).unwrap();
        assert_eq!(
            kinds(&c),
            vec![
                (SegKind::Text, "a".into()),
                (SegKind::Expr, " 1 ".into()),
                (SegKind::Text, "|".into()),
                (SegKind::Text, "https://x".into())
            ]
        );
        assert_eq!(c.blocks, vec!["A".to_owned(), "B".to_owned()]);
        assert_eq!(c.sources[2].block.as_deref(), Some("B"));
        assert!(cut("<%@ include view='Loop' %>", &inc).unwrap_err().message.contains("includes itself"));
        assert!(cut("<%@ include view='Nope' %>", &inc).unwrap_err().message.contains("no personalization block 'Nope'"));
    }

    #[test]
    fn lines_and_columns() {
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("a\r\nb", 3), (2, 1));
        assert_eq!(line_col("a\rb", 2), (2, 1));
        assert_eq!(line_col("é<", 2), (1, 2));
    }
}
