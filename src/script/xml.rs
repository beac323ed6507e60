//! E4X (ECMA-357) for the event's XML: XML and XMLList values over an arena of nodes, their
//! property access (`.name`, `.@attr`, `.*`, `..name`, `[i]`, filters), conversions, equality,
//! printing, and the methods of `XML.prototype` / `XMLList.prototype`.
//!
//! Where Rhino (our oracle) and Campaign's SpiderMonkey part, this follows SpiderMonkey and the
//! E4X specification (documented in docs/personalization.md):
//! - attributes print in document order (Rhino sorts them by name);
//! - text keeps its spaces when it is an element's only content (`<a> x </a>` is " x "); text
//!   made only of whitespace is dropped (`XML.ignoreWhitespace`), and text beside child
//!   elements is trimmed (SpiderMonkey trims it when an element has several children; Rhino
//!   trims every text);
//! - an attribute and an element with the same text are `==` (Rhino says not);
//! - an empty XMLList `==` undefined both ways (Rhino: only `undefined == list`).
//!
//! Namespaces are not supported: a prefixed name (`a:b`) is a name like any other.

use super::ast::XName;
use super::builtins::{arg, Builtin, ErrKind, Table, Virtual, N};
use super::interp::{Interp, Res};
use super::jsstr::{Atom, JsStr, K};
use super::value::*;
use crate::tree::Node;

/// What a node is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum XKind {
    Element,
    Text,
    Attribute,
    Comment,
}

/// A name or a text: the render's own, or borrowed from the event's ctx (read only when used).
#[derive(Clone, Debug)]
pub(crate) enum XStr<'p> {
    Atom(Atom),
    Own(JsStr),
    Src(&'p str),
}

/// A node of the render's XML. A node of the event's ctx keeps its source (`src`) until its
/// children or attributes are first looked at: a greeting that reads two attributes builds two
/// levels, not the whole ctx.
#[derive(Clone, Debug)]
pub(crate) struct XNode<'p> {
    pub(crate) kind: XKind,
    /// The name of an element or attribute.
    pub(crate) name: XStr<'p>,
    /// The value of a text, attribute or comment.
    pub(crate) value: XStr<'p>,
    pub(crate) parent: Option<XmlId>,
    pub(crate) children: Vec<XmlId>,
    pub(crate) attrs: Vec<XmlId>,
    /// The parsed element whose children and attributes are not built yet.
    src: Option<&'p Node>,
}

/// The render's XML nodes.
#[derive(Debug, Default)]
pub(crate) struct XmlArena<'p> {
    pub(crate) nodes: Vec<XNode<'p>>,
}

/// The items of an XML value: one (no allocation) or a list's.
pub(crate) enum Items {
    One([XmlId; 1]),
    Many(XList),
    None,
}

impl std::ops::Deref for Items {
    type Target = [XmlId];
    fn deref(&self) -> &[XmlId] {
        match self {
            Items::One(a) => a,
            Items::Many(l) => l,
            Items::None => &[],
        }
    }
}

/// The bytes a node costs against the memory bound.
const NODE_BYTES: usize = 96;

fn empty_str<'p>() -> XStr<'p> {
    XStr::Src("")
}

fn is_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

impl<'p> Interp<'p> {
    fn xnode(&self, x: XmlId) -> Option<&XNode<'p>> {
        self.xml.nodes.get(x.0 as usize)
    }

    fn new_node(&mut self, node: XNode<'p>) -> Res<XmlId> {
        self.charge(NODE_BYTES)?;
        let id = XmlId(self.xml.nodes.len() as u32);
        self.xml.nodes.push(node);
        Ok(id)
    }

    fn leaf(&mut self, kind: XKind, name: XStr<'p>, value: XStr<'p>, parent: Option<XmlId>) -> Res<XmlId> {
        self.new_node(XNode { kind, name, value, parent, children: Vec::new(), attrs: Vec::new(), src: None })
    }

    /// The XML of the event's ctx (built as it is read).
    pub(crate) fn xml_of_ctx(&mut self, n: &'p Node) -> Res<XmlId> {
        self.new_node(XNode {
            kind: XKind::Element,
            name: XStr::Src(&n.name),
            value: empty_str(),
            parent: None,
            children: Vec::new(),
            attrs: Vec::new(),
            src: Some(n),
        })
    }

    /// Builds the children and attributes of a node of the ctx, if not done yet. The children in
    /// document order: runs of text among the elements; whitespace-only text is dropped, and
    /// text is trimmed when the element has more than one child (SpiderMonkey's
    /// XML.ignoreWhitespace).
    fn ensure(&mut self, x: XmlId) -> Res<()> {
        let Some(n) = self.xml.nodes.get_mut(x.0 as usize).and_then(|node| node.src.take()) else { return Ok(()) };
        let mut attrs = Vec::with_capacity(n.attrs.len());
        for (k, v) in &n.attrs {
            attrs.push(self.leaf(XKind::Attribute, XStr::Src(k), XStr::Src(v), Some(x))?);
        }
        let content = content(n);
        let count = content.len();
        let mut children = Vec::with_capacity(count);
        for item in content {
            match item {
                Content::Text(text) => children.push(self.leaf(XKind::Text, XStr::Atom(K::empty.atom()), XStr::Src(text), Some(x))?),
                Content::Element(c) => {
                    let id = self.new_node(XNode {
                        kind: XKind::Element,
                        name: XStr::Src(&c.name),
                        value: empty_str(),
                        parent: Some(x),
                        children: Vec::new(),
                        attrs: Vec::new(),
                        src: Some(c),
                    })?;
                    children.push(id);
                }
            }
        }
        self.tick(count as u64 / 8 + 1)?;
        if let Some(node) = self.xml.nodes.get_mut(x.0 as usize) {
            node.attrs = attrs;
            node.children = children;
        }
        Ok(())
    }

    /// Builds an XML tree owned by the render (a parsed string, an XML literal).
    fn xml_from_owned(&mut self, n: &Node, parent: Option<XmlId>) -> Res<XmlId> {
        let name = self.atoms.intern_str(&n.name);
        let id = self.leaf(XKind::Element, XStr::Atom(name), empty_str(), parent)?;
        let mut attrs = Vec::with_capacity(n.attrs.len());
        for (k, v) in &n.attrs {
            let name = self.atoms.intern_str(k);
            attrs.push(self.leaf(XKind::Attribute, XStr::Atom(name), XStr::Own(JsStr::from_str(v)), Some(id))?);
        }
        let content = content(n);
        let mut children = Vec::with_capacity(content.len());
        for item in content {
            children.push(match item {
                Content::Text(text) => self.leaf(XKind::Text, XStr::Atom(K::empty.atom()), XStr::Own(JsStr::from_str(text)), Some(id))?,
                // Deep trees are bounded by the parser's limits.
                Content::Element(c) => self.xml_from_owned(c, Some(id))?,
            });
        }
        if let Some(node) = self.xml.nodes.get_mut(id.0 as usize) {
            node.attrs = attrs;
            node.children = children;
        }
        Ok(id)
    }

    /// Appends a name or text's code units.
    fn push_str_of(&self, s: &XStr<'p>, out: &mut Vec<u16>) {
        match s {
            XStr::Atom(a) => out.extend_from_slice(self.name_of(*a).units()),
            XStr::Own(j) => out.extend_from_slice(j.units()),
            XStr::Src(t) => out.extend(t.encode_utf16()),
        }
    }

    /// A name or text as a JavaScript string.
    fn js_of(&self, s: &XStr<'p>) -> JsStr {
        match s {
            XStr::Atom(a) => self.name_of(*a),
            XStr::Own(j) => j.clone(),
            XStr::Src(t) => JsStr::from_str(t),
        }
    }

    /// Whether two names or texts are the same.
    fn same(&self, a: &XStr<'p>, b: &XStr<'p>) -> bool {
        match (a, b) {
            (XStr::Atom(x), XStr::Atom(y)) => x == y,
            (XStr::Src(x), XStr::Src(y)) => x == y,
            _ => self.js_of(a) == self.js_of(b),
        }
    }

    /// Whether a node's name is the atom's.
    fn named(&self, name: &XStr<'p>, a: Atom) -> bool {
        match name {
            XStr::Atom(x) => *x == a,
            XStr::Src(t) => {
                let u = self.atoms.units(a);
                if t.is_ascii() {
                    t.len() == u.len() && t.bytes().zip(u).all(|(b, c)| u16::from(b) == *c)
                } else {
                    t.encode_utf16().eq(u.iter().copied())
                }
            }
            XStr::Own(j) => *j == self.name_of(a),
        }
    }

    /// The items of an XML value (one) or list; nothing for other values.
    pub(crate) fn xml_items(&self, v: &Value) -> Items {
        match v {
            Value::Xml(x) => Items::One([*x]),
            Value::List(l) => Items::Many(l.clone()),
            _ => Items::None,
        }
    }

    fn kind(&self, x: XmlId) -> Option<XKind> {
        self.xnode(x).map(|n| n.kind)
    }

    fn name_matches(&self, x: XmlId, n: XName) -> bool {
        match n {
            XName::Any => true,
            XName::Name(a) => self.xnode(x).is_some_and(|node| self.named(&node.name, a)),
        }
    }

    /// Child elements named `n` (`x.name`, `x.*` with Any: every child).
    fn children_named(&mut self, items: &[XmlId], n: XName, out: &mut Vec<XmlId>) -> Res<()> {
        for &x in items {
            self.ensure(x)?;
            let Some(node) = self.xnode(x) else { continue };
            for &c in &node.children {
                let keep = match n {
                    XName::Any => true,
                    XName::Name(_) => self.kind(c) == Some(XKind::Element) && self.name_matches(c, n),
                };
                if keep {
                    out.push(c);
                }
            }
        }
        Ok(())
    }

    /// `base[key]` for XML values: a name gives child elements, an index an item.
    pub(crate) fn xml_get(&mut self, base: &Value, key: Key) -> Res<Value> {
        match key {
            Key::Index(i) => Ok(match base {
                Value::Xml(x) if i == 0 => Value::Xml(*x),
                Value::List(l) => l.get(i as usize).map(|x| Value::Xml(*x)).unwrap_or(Value::Undef),
                _ => Value::Undef,
            }),
            Key::Name(a) => {
                let items = self.xml_items(base);
                let mut out = std::mem::take(&mut self.xids);
                out.clear();
                let n = if self.atoms.units(a) == [u16::from(b'*')] { XName::Any } else { XName::Name(a) };
                let r = self.children_named(&items, n, &mut out);
                let list = self.list(&out);
                self.xids = out;
                r?;
                Ok(list)
            }
        }
    }

    /// `base.*`
    pub(crate) fn xml_children(&mut self, base: &Value) -> Res<Value> {
        if !matches!(base, Value::Xml(_) | Value::List(_)) {
            return self.type_error("'.*' applies to XML values only".into());
        }
        let items = self.xml_items(base);
        let mut out = Vec::new();
        self.children_named(&items, XName::Any, &mut out)?;
        Ok(self.list(&out))
    }

    /// `base.@name`, `base.@*`
    pub(crate) fn xml_attribute(&mut self, base: &Value, n: XName) -> Res<Value> {
        if !matches!(base, Value::Xml(_) | Value::List(_)) {
            let s = self.to_string(base).map(|s| s.to_rust()).unwrap_or_default();
            let shown: String = s.chars().take(40).collect();
            return self.type_error(format!("{shown} is not an xml object (.@ reads attributes of XML values)"));
        }
        let items = self.xml_items(base);
        let mut out = std::mem::take(&mut self.xids);
        out.clear();
        for &x in items.iter() {
            self.ensure(x)?;
            let Some(node) = self.xnode(x) else { continue };
            for &a in &node.attrs {
                if self.name_matches(a, n) {
                    out.push(a);
                }
            }
        }
        let list = self.list(&out);
        self.xids = out;
        Ok(list)
    }

    /// `base..name`, `base..*`, `base..@name`
    pub(crate) fn xml_descendants(&mut self, base: &Value, n: XName, attr: bool) -> Res<Value> {
        if !matches!(base, Value::Xml(_) | Value::List(_)) {
            return self.type_error("'..' applies to XML values only".into());
        }
        let items = self.xml_items(base);
        let mut out = Vec::new();
        for &root in items.iter() {
            // Pre-order, without recursion; the root's own attributes count, not the root.
            let mut stack: Vec<(XmlId, bool)> = vec![(root, true)];
            while let Some((x, is_root)) = stack.pop() {
                self.tick(1)?;
                self.ensure(x)?;
                let Some(node) = self.xnode(x) else { continue };
                if attr {
                    for &a in &node.attrs {
                        if self.name_matches(a, n) {
                            out.push(a);
                        }
                    }
                } else if !is_root && (n == XName::Any || (node.kind == XKind::Element && self.name_matches(x, n))) {
                    out.push(x);
                }
                for &c in node.children.iter().rev() {
                    stack.push((c, false));
                }
            }
        }
        Ok(self.list(&out))
    }

    /// Whether the item of a filter has a child element (or, for `@`-less names, an attribute?
    /// no: child elements only) named `name`.
    pub(crate) fn xml_has_child(&mut self, item: &Value, name: Atom) -> Res<bool> {
        let items = self.xml_items(item);
        let mut out = Vec::new();
        self.children_named(&items, XName::Name(name), &mut out)?;
        Ok(!out.is_empty())
    }

    /// `key in xml`.
    pub(crate) fn xml_has_key(&mut self, v: &Value, key: Key) -> Res<bool> {
        match key {
            Key::Index(i) => Ok((i as usize) < self.xml_items(v).len()),
            Key::Name(a) => self.xml_has_child(v, a),
        }
    }

    fn has_simple_content(&mut self, x: XmlId) -> Res<bool> {
        self.ensure(x)?;
        Ok(match self.xnode(x) {
            None => true,
            Some(n) => match n.kind {
                XKind::Comment => false,
                XKind::Text | XKind::Attribute => true,
                XKind::Element => n.children.iter().all(|c| self.kind(*c) != Some(XKind::Element)),
            },
        })
    }

    fn list_simple(&mut self, items: &[XmlId]) -> Res<bool> {
        match items {
            [] => Ok(true),
            [x] => self.has_simple_content(*x),
            _ => Ok(items.iter().all(|x| self.kind(*x) != Some(XKind::Element))),
        }
    }

    /// The string value of a node with simple content: its text (comments left out).
    fn simple_string(&mut self, x: XmlId, out: &mut Vec<u16>) -> Res<()> {
        self.ensure(x)?;
        let Some(n) = self.xnode(x) else { return Ok(()) };
        match n.kind {
            XKind::Text | XKind::Attribute => self.push_str_of(&n.value, out),
            XKind::Element => {
                for &c in &n.children {
                    if let Some(t) = self.xnode(c).filter(|t| t.kind == XKind::Text) {
                        self.push_str_of(&t.value, out);
                    }
                }
            }
            XKind::Comment => {}
        }
        Ok(())
    }

    /// The text of an XML value that is one attribute or text of the event's ctx, or one
    /// element holding only such a text, as the ctx holds it (no copy); None otherwise.
    pub(crate) fn xml_source_text(&mut self, v: &Value) -> Res<Option<&'p str>> {
        let x = match v {
            Value::Xml(x) => *x,
            Value::List(l) if l.len() == 1 => l[0],
            _ => return Ok(None),
        };
        self.ensure(x)?;
        let Some(n) = self.xnode(x) else { return Ok(None) };
        let value = match n.kind {
            XKind::Text | XKind::Attribute => &n.value,
            XKind::Element => match n.children.as_slice() {
                [] => return Ok(Some("")),
                [c] => match self.xnode(*c) {
                    Some(t) if t.kind == XKind::Text => &t.value,
                    _ => return Ok(None),
                },
                _ => return Ok(None),
            },
            XKind::Comment => return Ok(None),
        };
        Ok(match value {
            XStr::Src(s) => Some(s),
            _ => None,
        })
    }

    /// Appends an XML value's string to a Rust string when it has simple content (false, and
    /// nothing written, otherwise: its string is then its XML).
    pub(crate) fn xml_write_simple(&mut self, v: &Value, out: &mut String) -> Res<bool> {
        let items = self.xml_items(v);
        let simple = match (v, items.first()) {
            (Value::Xml(_), Some(x)) => self.has_simple_content(*x)?,
            (Value::Xml(_), None) => true,
            _ => self.list_simple(&items)?,
        };
        if !simple {
            return Ok(false);
        }
        for &x in items.iter() {
            let Some(n) = self.xnode(x) else { continue };
            match n.kind {
                XKind::Text | XKind::Attribute => push_rust(self, &n.value, out),
                XKind::Element => {
                    for &c in &n.children {
                        if let Some(t) = self.xnode(c).filter(|t| t.kind == XKind::Text) {
                            push_rust(self, &t.value, out);
                        }
                    }
                }
                XKind::Comment => {}
            }
        }
        Ok(true)
    }

    /// ToString of an XML value (E4X 10.1).
    pub(crate) fn xml_to_string(&mut self, v: &Value) -> Res<JsStr> {
        let items = self.xml_items(v);
        let simple = match (v, items.first()) {
            (Value::Xml(_), Some(x)) => self.has_simple_content(*x)?,
            (Value::Xml(_), None) => true,
            _ => self.list_simple(&items)?,
        };
        if simple {
            let mut out = Vec::new();
            for &x in items.iter() {
                if matches!(self.kind(x), Some(XKind::Comment)) {
                    continue;
                }
                self.simple_string(x, &mut out)?;
            }
            return self.string(out);
        }
        self.xml_to_xml_string(v)
    }

    /// `toXMLString()` (E4X 10.2), pretty printed as `XML.prettyPrinting` says.
    pub(crate) fn xml_to_xml_string(&mut self, v: &Value) -> Res<JsStr> {
        let (pretty, indent) = self.print_settings()?;
        let items = self.xml_items(v);
        let mut out: Vec<u16> = Vec::new();
        for (k, &x) in items.iter().enumerate() {
            if k > 0 && pretty {
                out.push(0x0A);
            }
            self.print(x, 0, pretty, indent, &mut out)?;
        }
        self.string(out)
    }

    fn print_settings(&mut self) -> Res<(bool, usize)> {
        let Some(ctor) = self.existing_builtin(Builtin::XmlCtor) else { return Ok((true, 2)) };
        let cv = Value::Obj(ctor);
        let p = self.atoms.intern_str("prettyPrinting");
        let pv = self.get_obj(ctor, Key::Name(p), &cv)?;
        let pretty = self.to_boolean(&pv);
        let i = self.atoms.intern_str("prettyIndent");
        let iv = self.get_obj(ctor, Key::Name(i), &cv)?;
        let indent = self.to_number(&iv)?;
        Ok((pretty, if indent.is_finite() && indent >= 0.0 { indent.min(64.0) as usize } else { 2 }))
    }

    fn print(&mut self, root: XmlId, level: usize, pretty: bool, indent: usize, out: &mut Vec<u16>) -> Res<()> {
        // Iterative: (node, level, whether its end tag is due).
        let mut stack: Vec<(XmlId, usize, bool, bool)> = vec![(root, level, false, false)];
        while let Some((x, lvl, closing, indent_children)) = stack.pop() {
            if x.0 == u32::MAX {
                // A line break before an indented child.
                out.push(0x0A);
                continue;
            }
            self.tick(1)?;
            if out.len() > self.env.bounds.string_units {
                return Err(super::interp::Throw::Limit(super::Limit::Memory, self.pos));
            }
            self.ensure(x)?;
            let Some(n) = self.xnode(x).cloned() else { continue };
            if closing {
                if pretty && indent_children {
                    out.push(0x0A);
                    out.extend(std::iter::repeat_n(0x20, lvl));
                }
                out.extend("</".encode_utf16());
                self.push_str_of(&n.name, out);
                out.push(u16::from(b'>'));
                continue;
            }
            if pretty {
                out.extend(std::iter::repeat_n(0x20, lvl));
            }
            match n.kind {
                XKind::Text => {
                    let mut v = Vec::new();
                    self.push_str_of(&n.value, &mut v);
                    let v = if pretty { trim_ws(&v) } else { &v };
                    escape_element(v, out);
                }
                XKind::Attribute => {
                    let mut v = Vec::new();
                    self.push_str_of(&n.value, &mut v);
                    escape_attribute(&v, out);
                }
                XKind::Comment => {
                    out.extend("<!--".encode_utf16());
                    self.push_str_of(&n.value, out);
                    out.extend("-->".encode_utf16());
                }
                XKind::Element => {
                    out.push(u16::from(b'<'));
                    self.push_str_of(&n.name, out);
                    for &a in &n.attrs {
                        let Some(an) = self.xnode(a) else { continue };
                        out.push(0x20);
                        self.push_str_of(&an.name, out);
                        out.extend("=\"".encode_utf16());
                        let mut v = Vec::new();
                        self.push_str_of(&an.value, &mut v);
                        escape_attribute(&v, out);
                        out.push(u16::from(b'"'));
                    }
                    if n.children.is_empty() {
                        out.extend("/>".encode_utf16());
                        continue;
                    }
                    out.push(u16::from(b'>'));
                    let indent_children = n.children.len() > 1 || self.kind(n.children[0]) != Some(XKind::Text);
                    let next = if pretty && indent_children { lvl + indent } else { 0 };
                    stack.push((x, lvl, true, indent_children));
                    for &c in n.children.iter().rev() {
                        // A line break before each indented child: a marker (an id past the
                        // arena) under it.
                        stack.push((c, next, false, false));
                        if pretty && indent_children {
                            stack.push((XmlId(u32::MAX), 0, false, false));
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// `x == y` when one of them is XML (E4X 11.5.1).
    pub(crate) fn xml_loose_eq(&mut self, a: &Value, b: &Value) -> Res<bool> {
        match (a, b) {
            (Value::List(l), other) | (other, Value::List(l)) => {
                if l.is_empty() && matches!(other, Value::Undef) {
                    return Ok(true);
                }
                if let (Value::List(x), Value::List(y)) = (a, b) {
                    if x.len() != y.len() {
                        return Ok(false);
                    }
                    for (p, q) in x.iter().zip(y.iter()) {
                        if !self.xml_node_eq(*p, *q)? {
                            return Ok(false);
                        }
                    }
                    return Ok(true);
                }
                if l.len() == 1 {
                    let first = Value::Xml(l[0]);
                    return self.xml_loose_eq(&first, other);
                }
                Ok(false)
            }
            (Value::Xml(x), Value::Xml(y)) => {
                let attr = self.kind(*x) == Some(XKind::Attribute) || self.kind(*y) == Some(XKind::Attribute);
                if attr && self.has_simple_content(*x)? && self.has_simple_content(*y)? {
                    let s = self.xml_to_string(a)?;
                    let t = self.xml_to_string(b)?;
                    return Ok(s == t);
                }
                self.xml_node_eq(*x, *y)
            }
            (Value::Xml(x), other) | (other, Value::Xml(x)) => {
                if other.is_nullish() {
                    return Ok(false);
                }
                if self.has_simple_content(*x)? {
                    let t = self.to_string(other)?;
                    // The XML's text against the other's string, without building a string.
                    let mut s = std::mem::take(&mut self.scratch);
                    s.clear();
                    self.simple_string(*x, &mut s)?;
                    let eq = s.as_slice() == t.units();
                    self.scratch = s;
                    return Ok(eq);
                }
                let p = self.xml_to_xml_string(&Value::Xml(*x))?;
                self.loose_eq(&Value::Str(p), other)
            }
            _ => Ok(false),
        }
    }

    /// Structural equality of two nodes.
    fn xml_node_eq(&mut self, x: XmlId, y: XmlId) -> Res<bool> {
        let mut stack = vec![(x, y)];
        while let Some((p, q)) = stack.pop() {
            self.tick(1)?;
            if p == q {
                continue;
            }
            self.ensure(p)?;
            self.ensure(q)?;
            let (Some(a), Some(b)) = (self.xnode(p), self.xnode(q)) else { return Ok(false) };
            if a.kind != b.kind
                || !self.same(&a.name, &b.name)
                || !self.same(&a.value, &b.value)
                || a.children.len() != b.children.len()
                || a.attrs.len() != b.attrs.len()
            {
                return Ok(false);
            }
            for &aa in &a.attrs {
                let Some(an) = self.xnode(aa) else { return Ok(false) };
                if !b
                    .attrs
                    .iter()
                    .any(|&bb| self.xnode(bb).is_some_and(|bn| self.same(&bn.name, &an.name) && self.same(&bn.value, &an.value)))
                {
                    return Ok(false);
                }
            }
            stack.extend(a.children.iter().copied().zip(b.children.iter().copied()));
        }
        Ok(true)
    }

    /// The function a method call on an XML value calls: XML.prototype's, else (simple content,
    /// or a list of one item) String.prototype's (E4X 11.2.2.1).
    pub(crate) fn xml_method(&mut self, base: &Value, name: Atom) -> Res<Value> {
        let proto = self.builtin(if matches!(base, Value::List(_)) { Builtin::XmlListProto } else { Builtin::XmlProto })?;
        let f = self.get_obj(proto, Key::Name(name), base)?;
        if super::interp::is_callable(self, &f) {
            return Ok(f);
        }
        let items = self.xml_items(base);
        let simple = match base {
            Value::Xml(x) => self.has_simple_content(*x)?,
            _ => items.len() == 1 && self.has_simple_content(items[0])?,
        };
        if simple {
            let sp = self.builtin(Builtin::StringProto)?;
            return self.get_obj(sp, Key::Name(name), base);
        }
        Ok(Value::Undef)
    }

    /// `x.name = v`, `x[i] = v` on XML.
    pub(crate) fn xml_put(&mut self, base: &Value, key: Key, v: Value) -> Res<()> {
        let target = match base {
            Value::Xml(x) => *x,
            Value::List(l) if l.len() == 1 => l[0],
            _ => return self.type_error("assignment to an XMLList of several items (or none) is not supported".into()),
        };
        let Key::Name(name) = key else {
            return self.type_error("assignment to an index of an XML value is not supported".into());
        };
        if self.kind(target) != Some(XKind::Element) {
            return self.type_error("only XML elements have child elements".into());
        }
        let text = self.to_string(&v)?;
        self.ensure(target)?;
        let existing: Vec<XmlId> = self
            .xnode(target)
            .map(|n| {
                n.children
                    .iter()
                    .copied()
                    .filter(|c| self.kind(*c) == Some(XKind::Element) && self.name_matches(*c, XName::Name(name)))
                    .collect()
            })
            .unwrap_or_default();
        let t = self.leaf(XKind::Text, XStr::Atom(K::empty.atom()), XStr::Own(text), None)?;
        match existing.first() {
            Some(&first) => {
                if let Some(n) = self.xml.nodes.get_mut(first.0 as usize) {
                    n.children = vec![t];
                }
                if let Some(n) = self.xml.nodes.get_mut(t.0 as usize) {
                    n.parent = Some(first);
                }
                // The others with that name go (E4X [[Put]]).
                let rest: Vec<XmlId> = existing.iter().skip(1).copied().collect();
                if let Some(n) = self.xml.nodes.get_mut(target.0 as usize) {
                    n.children.retain(|c| !rest.contains(c));
                }
            }
            None => {
                let e = self.leaf(XKind::Element, XStr::Atom(name), empty_str(), Some(target))?;
                if let Some(n) = self.xml.nodes.get_mut(e.0 as usize) {
                    n.children = vec![t];
                }
                if let Some(n) = self.xml.nodes.get_mut(t.0 as usize) {
                    n.parent = Some(e);
                }
                if let Some(n) = self.xml.nodes.get_mut(target.0 as usize) {
                    n.children.push(e);
                }
            }
        }
        Ok(())
    }

    /// `x.@name = v`.
    pub(crate) fn xml_set_attribute(&mut self, base: &Value, name: Atom, v: Value) -> Res<()> {
        let target = match base {
            Value::Xml(x) => *x,
            Value::List(l) if l.len() == 1 => l[0],
            _ => return self.type_error("an attribute is set on one XML element".into()),
        };
        if self.kind(target) != Some(XKind::Element) {
            return self.type_error("only XML elements have attributes".into());
        }
        let value = self.to_string(&v)?;
        self.ensure(target)?;
        let found = self.xnode(target).and_then(|n| n.attrs.iter().copied().find(|a| self.name_matches(*a, XName::Name(name))));
        match found {
            Some(a) => {
                if let Some(n) = self.xml.nodes.get_mut(a.0 as usize) {
                    n.value = XStr::Own(value);
                }
            }
            None => {
                let a = self.leaf(XKind::Attribute, XStr::Atom(name), XStr::Own(value), Some(target))?;
                if let Some(n) = self.xml.nodes.get_mut(target.0 as usize) {
                    n.attrs.push(a);
                }
            }
        }
        Ok(())
    }

    /// `delete x.name`, `delete x.@name`, `delete list[i]`.
    pub(crate) fn xml_delete(&mut self, base: &Value, key: Key, attribute: bool) -> Res<()> {
        let items = self.xml_items(base);
        match key {
            Key::Index(i) => {
                if let (Value::List(_), Some(&x)) = (base, items.get(i as usize)) {
                    self.detach(x);
                }
            }
            Key::Name(name) => {
                for &x in items.iter() {
                    self.ensure(x)?;
                    let Some(node) = self.xml.nodes.get(x.0 as usize) else { continue };
                    let victims: Vec<XmlId> = if attribute {
                        node.attrs.iter().copied().filter(|a| self.name_matches(*a, XName::Name(name))).collect()
                    } else {
                        node.children
                            .iter()
                            .copied()
                            .filter(|c| self.kind(*c) == Some(XKind::Element) && self.name_matches(*c, XName::Name(name)))
                            .collect()
                    };
                    for v in victims {
                        self.detach(v);
                    }
                }
            }
        }
        Ok(())
    }

    fn detach(&mut self, x: XmlId) {
        let Some(parent) = self.xnode(x).and_then(|n| n.parent) else { return };
        if let Some(p) = self.xml.nodes.get_mut(parent.0 as usize) {
            p.children.retain(|c| *c != x);
            p.attrs.retain(|c| *c != x);
        }
        if let Some(n) = self.xml.nodes.get_mut(x.0 as usize) {
            n.parent = None;
        }
    }

    /// Copies a subtree (`copy()`, `new XML(xml)`).
    fn deep_copy(&mut self, x: XmlId, parent: Option<XmlId>) -> Res<XmlId> {
        let Some(n) = self.xnode(x).cloned() else { return Ok(x) };
        let id = self.new_node(XNode { parent, children: Vec::new(), attrs: Vec::new(), ..n.clone() })?;
        let mut attrs = Vec::new();
        for a in &n.attrs {
            attrs.push(self.deep_copy(*a, Some(id))?);
        }
        let mut children = Vec::new();
        for c in &n.children {
            self.enter()?;
            let r = self.deep_copy(*c, Some(id));
            self.leave();
            children.push(r?);
        }
        if let Some(node) = self.xml.nodes.get_mut(id.0 as usize) {
            node.attrs = attrs;
            node.children = children;
        }
        Ok(id)
    }
}

/// Appends a name or text to a Rust string.
fn push_rust(i: &Interp, s: &XStr, out: &mut String) {
    match s {
        XStr::Src(t) => out.push_str(t),
        XStr::Own(j) => super::jsstr::push_units(out, j.units()),
        XStr::Atom(a) => super::jsstr::push_units(out, i.name_of(*a).units()),
    }
}

fn trim_ws(v: &[u16]) -> &[u16] {
    let ws = |c: &u16| matches!(*c, 0x20 | 0x09 | 0x0A | 0x0D);
    let start = v.iter().position(|c| !ws(c)).unwrap_or(v.len());
    let end = v.iter().rposition(|c| !ws(c)).map(|e| e + 1).unwrap_or(start);
    v.get(start..end.max(start)).unwrap_or_default()
}

/// Text escaped for an element's content.
pub(crate) fn escaped_element(v: &[u16]) -> Vec<u16> {
    let mut out = Vec::with_capacity(v.len());
    escape_element(v, &mut out);
    out
}

/// Text escaped for an attribute value.
pub(crate) fn escaped_attribute(v: &[u16]) -> Vec<u16> {
    let mut out = Vec::with_capacity(v.len());
    escape_attribute(v, &mut out);
    out
}

/// The value of an XML literal's joined text: an XML value, or an XMLList for `<>…</>`.
pub(crate) fn literal(i: &mut Interp, text: &str) -> Res<Value> {
    if let Some(inner) = text.strip_prefix("<>").and_then(|t| t.strip_suffix("</>")) {
        return construct_list(i, &[Value::Str(JsStr::from_str(inner))]);
    }
    Ok(Value::Xml(parse_string(i, text)?))
}

fn escape_element(v: &[u16], out: &mut Vec<u16>) {
    for &c in v {
        match c {
            0x26 => out.extend("&amp;".encode_utf16()),
            0x3C => out.extend("&lt;".encode_utf16()),
            0x3E => out.extend("&gt;".encode_utf16()),
            _ => out.push(c),
        }
    }
}

fn escape_attribute(v: &[u16], out: &mut Vec<u16>) {
    for &c in v {
        match c {
            0x22 => out.extend("&quot;".encode_utf16()),
            0x26 => out.extend("&amp;".encode_utf16()),
            0x3C => out.extend("&lt;".encode_utf16()),
            0x0A => out.extend("&#xA;".encode_utf16()),
            0x0D => out.extend("&#xD;".encode_utf16()),
            0x09 => out.extend("&#x9;".encode_utf16()),
            _ => out.push(c),
        }
    }
}

// ---- XML.prototype, XMLList.prototype and the constructors ----

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum X {
    Attribute,
    Attributes,
    Child,
    ChildIndex,
    Children,
    Comments,
    Contains,
    Copy,
    Descendants,
    Elements,
    HasOwnProperty,
    HasComplexContent,
    HasSimpleContent,
    Length,
    LocalName,
    Name,
    NodeKind,
    Parent,
    Text,
    ToString,
    ToXmlString,
    ValueOf,
    AppendChild,
    Replace,
    Namespace,
}

pub(crate) const PROTO: Table<X> = &[
    ("attribute", X::Attribute, 1),
    ("attributes", X::Attributes, 0),
    ("child", X::Child, 1),
    ("childIndex", X::ChildIndex, 0),
    ("children", X::Children, 0),
    ("comments", X::Comments, 0),
    ("contains", X::Contains, 1),
    ("copy", X::Copy, 0),
    ("descendants", X::Descendants, 1),
    ("elements", X::Elements, 1),
    ("hasOwnProperty", X::HasOwnProperty, 1),
    ("hasComplexContent", X::HasComplexContent, 0),
    ("hasSimpleContent", X::HasSimpleContent, 0),
    ("length", X::Length, 0),
    ("localName", X::LocalName, 0),
    ("name", X::Name, 0),
    ("nodeKind", X::NodeKind, 0),
    ("parent", X::Parent, 0),
    ("text", X::Text, 0),
    ("toString", X::ToString, 0),
    ("toXMLString", X::ToXmlString, 0),
    ("valueOf", X::ValueOf, 0),
    ("appendChild", X::AppendChild, 1),
    ("replace", X::Replace, 2),
    ("namespace", X::Namespace, 1),
];

/// XML's own settings (`XML.prettyPrinting`…).
pub(crate) fn ctor_lookup(name: &[u16]) -> Option<Virtual> {
    let s = String::from_utf16_lossy(name);
    Some(Virtual::Value(match s.as_str() {
        "ignoreComments" | "ignoreProcessingInstructions" | "ignoreWhitespace" | "prettyPrinting" => Value::Bool(true),
        "prettyIndent" => Value::Num(2.0),
        _ => return None,
    }))
}

/// An XML name argument (`child("x")`, `attribute("*")`).
fn xname(i: &mut Interp, v: &Value) -> Res<XName> {
    let s = i.to_string(v)?;
    if s.eq_ascii("*") {
        return Ok(XName::Any);
    }
    Ok(XName::Name(i.intern(&s)))
}

pub(crate) fn call(i: &mut Interp, x: X, this: Value, args: &[Value]) -> Res<Value> {
    if !matches!(this, Value::Xml(_) | Value::List(_)) {
        return i.type_error(format!("XML.prototype.{} called on a value that is not XML", super::builtins::name(N::Xml(x))));
    }
    // The methods of XML objects that XMLList.prototype lacks (ECMA-357 §13.5.4): on a list they
    // are those of its only item, and no function on a list of any other length (Rhino and
    // SpiderMonkey: "TypeError: … is not a function").
    let this = match (x, this) {
        (X::ChildIndex | X::AppendChild | X::LocalName | X::Name | X::NodeKind | X::Namespace | X::Replace, Value::List(l)) => {
            if l.len() != 1 {
                return i.type_error(format!("{} is not a function (an XMLList of {} values)", super::builtins::name(N::Xml(x)), l.len()));
            }
            Value::Xml(l[0])
        }
        (_, v) => v,
    };
    let items = i.xml_items(&this);
    let a0 = arg(args, 0);
    match x {
        X::Attribute => {
            let n = xname(i, &a0)?;
            i.xml_attribute(&this, n)
        }
        X::Attributes => i.xml_attribute(&this, XName::Any),
        X::Child => {
            if let Value::Num(n) = a0 {
                let mut out = Vec::new();
                i.children_named(&items, XName::Any, &mut out)?;
                let keep: Vec<XmlId> =
                    if n >= 0.0 && n.fract() == 0.0 { out.get(n as usize).copied().into_iter().collect() } else { Vec::new() };
                return Ok(i.list(&keep));
            }
            let n = xname(i, &a0)?;
            let mut out = Vec::new();
            i.children_named(&items, n, &mut out)?;
            Ok(i.list(&out))
        }
        X::ChildIndex => {
            let Some(&me) = items.first() else { return Ok(Value::Num(-1.0)) };
            let parent = i.xnode(me).and_then(|n| n.parent);
            let idx = parent.and_then(|p| i.xnode(p)).and_then(|p| p.children.iter().position(|c| *c == me));
            Ok(Value::Num(idx.map(|k| k as f64).unwrap_or(-1.0)))
        }
        X::Children => i.xml_children(&this),
        X::Comments => {
            let mut out = Vec::new();
            i.children_named(&items, XName::Any, &mut out)?;
            out.retain(|c| i.kind(*c) == Some(XKind::Comment));
            Ok(i.list(&out))
        }
        X::Contains => i.xml_loose_eq(&this, &a0).map(Value::Bool),
        X::Copy => {
            let mut out = Vec::new();
            for &it in items.iter() {
                out.push(i.deep_copy(it, None)?);
            }
            Ok(match this {
                Value::Xml(_) => out.first().map(|c| Value::Xml(*c)).unwrap_or(Value::Undef),
                _ => i.list(&out),
            })
        }
        X::Descendants => {
            let n = if matches!(a0, Value::Undef) { XName::Any } else { xname(i, &a0)? };
            i.xml_descendants(&this, n, false)
        }
        X::Elements => {
            let n = if matches!(a0, Value::Undef) { XName::Any } else { xname(i, &a0)? };
            let mut out = Vec::new();
            i.children_named(&items, XName::Any, &mut out)?;
            out.retain(|c| i.kind(*c) == Some(XKind::Element) && i.name_matches(*c, n));
            Ok(i.list(&out))
        }
        X::HasOwnProperty => {
            let k = i.to_key(&a0)?;
            Ok(Value::Bool(i.xml_has_key(&this, k)?))
        }
        X::HasComplexContent | X::HasSimpleContent => {
            let simple = match &this {
                Value::Xml(x) => i.has_simple_content(*x)?,
                _ => i.list_simple(&items)?,
            };
            let complex = match &this {
                Value::Xml(x) => i.kind(*x) == Some(XKind::Element) && !simple,
                _ => {
                    let mut any = false;
                    for x in items.iter() {
                        if i.kind(*x) == Some(XKind::Element) && !i.has_simple_content(*x)? {
                            any = true;
                        }
                    }
                    any || (items.len() > 1 && !simple)
                }
            };
            Ok(Value::Bool(if x == X::HasSimpleContent { simple } else { complex }))
        }
        X::Length => Ok(Value::Num(items.len() as f64)),
        X::LocalName | X::Name => {
            let node = match &this {
                Value::Xml(x) => Some(*x),
                _ if items.len() == 1 => Some(items[0]),
                _ => return i.type_error("name() applies to one XML value".into()),
            };
            let n = node.and_then(|x| i.xnode(x).map(|n| (n.kind, n.name.clone())));
            match n {
                Some((XKind::Element | XKind::Attribute, a)) => Ok(Value::Str(i.js_of(&a))),
                _ => Ok(Value::Null),
            }
        }
        X::NodeKind => {
            let Some(&first) = items.first() else { return i.type_error("nodeKind() of an empty XMLList".into()) };
            let k = match i.kind(first) {
                Some(XKind::Element) => "element",
                Some(XKind::Text) => "text",
                Some(XKind::Attribute) => "attribute",
                Some(XKind::Comment) => "comment",
                None => "element",
            };
            Ok(Value::Str(JsStr::from_str(k)))
        }
        X::Parent => {
            let parents: Vec<Option<XmlId>> = items.iter().map(|x| i.xnode(*x).and_then(|n| n.parent)).collect();
            match parents.first() {
                Some(Some(p)) if parents.iter().all(|q| *q == Some(*p)) => Ok(Value::Xml(*p)),
                _ => Ok(Value::Undef),
            }
        }
        X::Text => {
            let mut out = Vec::new();
            i.children_named(&items, XName::Any, &mut out)?;
            out.retain(|c| i.kind(*c) == Some(XKind::Text));
            Ok(i.list(&out))
        }
        X::ToString => Ok(Value::Str(i.xml_to_string(&this)?)),
        X::ToXmlString => Ok(Value::Str(i.xml_to_xml_string(&this)?)),
        X::ValueOf => Ok(this),
        X::AppendChild => {
            let Some(&target) = items.first() else { return Ok(this) };
            i.ensure(target)?;
            let child = match a0 {
                Value::Xml(c) => i.deep_copy(c, Some(target))?,
                Value::List(ref l) if l.len() == 1 => i.deep_copy(l[0], Some(target))?,
                other => {
                    let s = i.to_string(&other)?;
                    i.leaf(XKind::Text, XStr::Atom(K::empty.atom()), XStr::Own(s), Some(target))?
                }
            };
            if let Some(n) = i.xml.nodes.get_mut(target.0 as usize) {
                n.children.push(child);
            }
            Ok(this)
        }
        X::Replace => i.type_error("XML.prototype.replace replaces child elements: to replace text, write String(value).replace(…)".into()),
        X::Namespace => Ok(Value::Undef),
    }
}

/// Parses an XML string (`new XML("<a/>")`) into a node.
fn parse_string(i: &mut Interp, s: &str) -> Res<XmlId> {
    let limits = crate::input::Limits::default();
    let trimmed = s.trim();
    if trimmed.is_empty() {
        return i.leaf(XKind::Text, XStr::Atom(K::empty.atom()), empty_str(), None);
    }
    if !trimmed.starts_with('<') {
        let v = JsStr::from_str(s);
        return i.leaf(XKind::Text, XStr::Atom(K::empty.atom()), XStr::Own(v), None);
    }
    let tree = crate::input::xml::parse_tree(
        trimmed,
        &crate::input::xml::TreeLimits {
            max_depth: limits.max_depth,
            max_value_bytes: limits.max_value_bytes,
            max_collection: None,
            qualified: false,
        },
    );
    match tree {
        Ok(node) => i.xml_from_owned(&node, None),
        Err(e) => Err(i.error(ErrKind::Syntax, format!("invalid XML: {}", e.message))),
    }
}

/// `XML(v)` / `new XML(v)`.
pub(crate) fn construct_xml(i: &mut Interp, args: &[Value]) -> Res<Value> {
    let v = arg(args, 0);
    match v {
        Value::Xml(x) => Ok(Value::Xml(i.deep_copy(x, None)?)),
        Value::List(l) if l.len() == 1 => Ok(Value::Xml(i.deep_copy(l[0], None)?)),
        Value::Undef | Value::Null => Ok(Value::Xml(parse_string(i, "")?)),
        other => {
            let s = i.to_rust_string(&other)?;
            Ok(Value::Xml(parse_string(i, &s)?))
        }
    }
}

/// `XMLList(v)` / `new XMLList(v)`.
pub(crate) fn construct_list(i: &mut Interp, args: &[Value]) -> Res<Value> {
    let v = arg(args, 0);
    match v {
        Value::List(_) => Ok(v),
        Value::Xml(x) => Ok(i.list(&[x])),
        Value::Undef | Value::Null => Ok(i.list(&[])),
        other => {
            let s = i.to_rust_string(&other)?;
            let wrapped = format!("<parent>{s}</parent>");
            let p = parse_string(i, &wrapped)?;
            let kids = i.xnode(p).map(|n| n.children.clone()).unwrap_or_default();
            for k in &kids {
                if let Some(n) = i.xml.nodes.get_mut(k.0 as usize) {
                    n.parent = None;
                }
            }
            Ok(i.list(&kids))
        }
    }
}

/// An element's content as E4X sees it.
enum Content<'a> {
    Text(&'a str),
    Element(&'a Node),
}

/// The children of an element in document order, with `XML.ignoreWhitespace` applied as
/// SpiderMonkey applies it (our one place for that choice): text runs of whitespace only are
/// dropped, and the others are trimmed only when the element has more than one child.
fn content(n: &Node) -> Vec<Content<'_>> {
    let runs: Vec<(usize, &str)> = n.runs().into_iter().filter(|(_, t)| !t.chars().all(is_ws)).collect();
    let trim = runs.len() + n.children.len() > 1;
    let mut out = Vec::with_capacity(runs.len() + n.children.len());
    let mut r = runs.into_iter().peekable();
    for k in 0..=n.children.len() {
        while let Some((_, t)) = r.next_if(|(b, _)| *b <= k) {
            out.push(Content::Text(if trim { t.trim_matches(is_ws) } else { t }));
        }
        if let Some(c) = n.children.get(k) {
            out.push(Content::Element(c));
        }
    }
    out
}
