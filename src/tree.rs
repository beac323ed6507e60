//! The XML element tree the core keeps personalization data in ([`Node`]), its canonical
//! serialization, and the helpers the input parsers and error messages share (`excerpt`, XML
//! names, JSON type names). A leaf: parsing a ctx from XML or JSON lives in [`crate::ctx`], which
//! uses the event parsers of [`crate::input`]; both depend on this module, neither on the other
//! through it.
//!
//! Serialization and depth measurement are iterative, so even a tree built by hand, however deep,
//! cannot overflow the stack there.

use serde_json::Value;

/// One XML element of a `ctx` tree. Text of mixed content is concatenated in `text`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Node {
    /// Element name (no namespace prefix handling: the name as written).
    pub name: String,
    /// Attributes in document order.
    pub attrs: Vec<(String, String)>,
    /// Child elements in document order.
    pub children: Vec<Node>,
    /// Concatenated, unescaped text content directly under this element.
    pub text: String,
    /// Mixed content: where each run of `text` stands, as (child elements before it, end of the
    /// run in `text`), in order. Empty when all the text comes before the children (the
    /// common case, and every store written before mixed content was kept).
    pub mixed: Vec<(u32, u32)>,
}

impl Node {
    /// First child element named `name`.
    #[cfg(test)]
    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Value of attribute `name`.
    #[cfg(test)]
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// Longest excerpt of an input-derived string quoted in an error message, in characters.
pub(crate) const EXCERPT_CHARS: usize = 64;

/// `s` cut to a readable length for an error message (an ellipsis marks a cut).
pub(crate) fn excerpt(s: &str) -> String {
    match s.char_indices().nth(EXCERPT_CHARS) {
        Some((i, _)) => format!("{}…", s.get(..i).unwrap_or_default()),
        None => s.to_string(),
    }
}

/// XML 1.0 (5th edition) `NameStartChar`.
fn is_name_start(c: char) -> bool {
    matches!(c,
        ':' | 'A'..='Z' | '_' | 'a'..='z'
        | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{2FF}'
        | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}'
        | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}' | '\u{3001}'..='\u{D7FF}'
        | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}' | '\u{10000}'..='\u{EFFFF}')
}

/// XML 1.0 (5th edition) `NameChar`.
fn is_name_char(c: char) -> bool {
    is_name_start(c) || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

/// Whether `s` is an XML 1.0 `Name` (colons allowed, as in qualified names).
pub(crate) fn is_xml_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(is_name_start) && chars.all(is_name_char)
}

/// Where serialized XML goes: a string, or a byte counter.
trait Sink {
    fn put(&mut self, s: &str);
}

impl Sink for String {
    fn put(&mut self, s: &str) {
        self.push_str(s);
    }
}

/// Counts bytes instead of writing them.
struct Counter(usize);

impl Sink for Counter {
    fn put(&mut self, s: &str) {
        self.0 = self.0.saturating_add(s.len());
    }
}

/// Writes `s` escaped: `& < >` always, `\r` as a character reference (it would not survive
/// end-of-line normalization), and in attribute values also `"`, tab and line feed (they would
/// not survive attribute-value normalization).
fn escape_into(s: &str, attr: bool, out: &mut impl Sink) {
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'\r' => "&#13;",
            b'"' if attr => "&quot;",
            b'\t' if attr => "&#9;",
            b'\n' if attr => "&#10;",
            _ => continue,
        };
        // `i` and `last` sit next to ASCII bytes, hence on char boundaries.
        out.put(s.get(last..i).unwrap_or_default());
        out.put(rep);
        last = i + 1;
    }
    out.put(s.get(last..).unwrap_or_default());
}

/// Writes a run of text; a whitespace-only run's first character as a reference (parsers drop
/// whitespace-only runs: the reference keeps it alive through a round trip).
fn text_into(text: &str, out: &mut impl Sink) {
    match text.as_bytes().first() {
        Some(&b) if text.bytes().all(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r')) => {
            out.put(match b {
                b' ' => "&#32;",
                b'\t' => "&#9;",
                b'\n' => "&#10;",
                _ => "&#13;",
            });
            escape_into(text.get(1..).unwrap_or_default(), false, out);
        }
        _ => escape_into(text, false, out),
    }
}

impl Node {
    /// The runs of text with the number of child elements before each.
    pub fn runs(&self) -> Vec<(usize, &str)> {
        if self.mixed.is_empty() {
            return if self.text.is_empty() { Vec::new() } else { vec![(0, self.text.as_str())] };
        }
        let mut start = 0usize;
        let mut out = Vec::with_capacity(self.mixed.len());
        for &(before, end) in &self.mixed {
            let end = (end as usize).min(self.text.len());
            out.push((before as usize, self.text.get(start..end).unwrap_or_default()));
            start = end;
        }
        out
    }

    /// Writes the runs of text that stand before child `k`.
    fn runs_before(&self, k: usize, out: &mut impl Sink) {
        for (before, t) in self.runs() {
            if before == k {
                text_into(t, out);
            }
        }
    }

    /// Writes the start tag (and text); false when the element was self-closed.
    fn open_into(&self, out: &mut impl Sink) -> bool {
        out.put("<");
        out.put(&self.name);
        for (k, v) in &self.attrs {
            out.put(" ");
            out.put(k);
            out.put("=\"");
            escape_into(v, true, out);
            out.put("\"");
        }
        if self.text.is_empty() && self.children.is_empty() {
            out.put("/>");
            return false;
        }
        out.put(">");
        self.runs_before(0, out);
        true
    }

    /// Canonical serialization into any sink, without recursion.
    fn write_into(&self, out: &mut impl Sink) {
        let mut stack: Vec<(&Node, usize)> = Vec::new();
        if self.open_into(out) {
            stack.push((self, 0));
        }
        while let Some(top) = stack.last_mut() {
            let node: &Node = top.0;
            match node.children.get(top.1) {
                Some(child) => {
                    if top.1 > 0 && !node.mixed.is_empty() {
                        node.runs_before(top.1, out);
                    }
                    top.1 += 1;
                    if child.open_into(out) {
                        stack.push((child, 0));
                    }
                }
                None => {
                    if !node.children.is_empty() && !node.mixed.is_empty() {
                        node.runs_before(node.children.len(), out);
                    }
                    out.put("</");
                    out.put(&node.name);
                    out.put(">");
                    stack.pop();
                }
            }
        }
    }

    /// Canonical XML serialization: `<name a="v">text<child/></name>`. Attributes in order, text
    /// before the children, self-closing when there is neither text nor children. Escapes
    /// `& < >` (plus `"`, tab and line feed in attributes, and carriage return everywhere, as
    /// character references) so that parsing the result gives the same tree back; for the same
    /// reason a text made only of whitespace starts with a character reference (`&#32;`).
    pub fn to_xml(&self) -> String {
        let mut out = String::with_capacity(self.byte_size());
        self.write_into(&mut out);
        out
    }

    /// Length in bytes of [`Node::to_xml`], computed without building the string.
    pub fn byte_size(&self) -> usize {
        let mut counter = Counter(0);
        self.write_into(&mut counter);
        counter.0
    }

    /// Deepest nesting of elements below this one: 0 for a leaf, 1 when it has only leaf
    /// children, and so on.
    pub fn depth(&self) -> usize {
        let mut deepest = 0;
        let mut stack: Vec<(&Node, usize)> = vec![(self, 0)];
        while let Some((node, d)) = stack.pop() {
            deepest = deepest.max(d);
            stack.extend(node.children.iter().map(|c| (c, d + 1)));
        }
        deepest
    }
}

/// Name of a JSON value's type, for messages.
pub(crate) fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
