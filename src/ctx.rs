//! The `ctx` element of an event: an open XML tree holding all personalization data.
//! Stored canonically as an XML string (`<ctx>…</ctx>`), as Campaign stores it.
//!
//! Trees come from XML ([`parse_xml`], and the event parsers of [`crate::input::xml`], which keep
//! the local part of element names) or from the JSON form of our JS API ([`Node::from_json`]).
//! [`Node::to_xml`] writes the canonical form; [`Node::byte_size`] is its length, the figure the
//! `max_ctx_bytes` limit applies to. The tree itself and its serialization are in [`crate::tree`].

use crate::error::{err, ErrorCode, Result};
use crate::input::Limits;
use crate::tree::{excerpt, is_xml_name, json_type, Node};
use serde_json::{Map, Value};

/// Parses a ctx the core stored itself (canonical XML, already checked against the limits when it
/// was received), without size limits; None if it does not parse, which renders as missing data.
pub fn parse_stored(xml: &str) -> Option<Node> {
    let node = crate::input::xml::parse_tree(
        xml,
        &crate::input::xml::TreeLimits { max_depth: usize::MAX, max_value_bytes: usize::MAX, max_collection: None, qualified: false },
    )
    .ok()?;
    (node.name == "ctx").then_some(node)
}

impl Node {
    /// Checks this tree against the `ctx` limits: nesting below it at most `limits.max_depth`
    /// ([`ErrorCode::InputTooLarge`]), canonical size at most `limits.max_ctx_bytes`
    /// ([`ErrorCode::CtxTooLarge`]).
    pub fn check_ctx_limits(&self, limits: &Limits) -> Result<()> {
        let depth = self.depth();
        if depth > limits.max_depth {
            return err(
                ErrorCode::InputTooLarge,
                format!("{} nests elements {depth} levels deep, over the limit of {} levels", self.name, limits.max_depth),
            );
        }
        let size = self.byte_size();
        if size > limits.max_ctx_bytes {
            return err(ErrorCode::CtxTooLarge, format!("{} is {size} bytes, over the limit of {} bytes", self.name, limits.max_ctx_bytes));
        }
        Ok(())
    }

    /// Builds a tree from the JSON form of `ctx` used by the JS API.
    ///
    /// `v` is normally an object: keys starting with `@` are attributes (string, number or boolean
    /// values, turned into strings), `$` or `#text` is the text, and every other key is a child
    /// element: a string, number or boolean gives an element holding that text, an object an
    /// element built the same way, an array one element of that name per item; `null` is
    /// skipped everywhere. A scalar `v` gives an element holding just that text. serde_json's
    /// maps are sorted, so children of different names come out in key order.
    ///
    /// Errors: a name that is not an XML name, a value of the wrong JSON type, an array in an
    /// array or an array/`null` as `v` → [`ErrorCode::InvalidEvent`]; nesting deeper than
    /// `limits.max_depth` below the root or a text/attribute over `limits.max_value_bytes` →
    /// [`ErrorCode::InputTooLarge`]; a tree whose canonical XML exceeds `limits.max_ctx_bytes` →
    /// [`ErrorCode::CtxTooLarge`].
    pub fn from_json(name: &str, v: &Value, limits: &Limits) -> Result<Node> {
        check_json_name(name, "element", name)?;
        let node = match v {
            Value::Array(_) | Value::Null => {
                return err(ErrorCode::InvalidEvent, format!("{} must be a JSON object, got {}", excerpt(name), json_type(v)))
            }
            _ => json_element(name, v, 0, name, limits)?,
        };
        let size = node.byte_size();
        if size > limits.max_ctx_bytes {
            return err(
                ErrorCode::CtxTooLarge,
                format!("{} is {size} bytes, over the limit of {} bytes", excerpt(name), limits.max_ctx_bytes),
            );
        }
        Ok(node)
    }
}

/// Text of a JSON scalar (string, number, boolean), None for anything else.
fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn check_json_name(name: &str, what: &str, path: &str) -> Result<()> {
    if is_xml_name(name) {
        Ok(())
    } else {
        err(ErrorCode::InvalidEvent, format!("'{}' is not a valid XML {what} name (in {})", excerpt(name), excerpt(path)))
    }
}

fn check_value_len(len: usize, what: &str, limits: &Limits) -> Result<()> {
    if len > limits.max_value_bytes {
        return err(ErrorCode::InputTooLarge, format!("{what} is {len} bytes, over the limit of {} bytes", limits.max_value_bytes));
    }
    Ok(())
}

/// Element `name` (already checked) from an object or a scalar, `depth` levels below the root.
fn json_element(name: &str, v: &Value, depth: usize, path: &str, limits: &Limits) -> Result<Node> {
    if depth > limits.max_depth {
        return err(
            ErrorCode::InputTooLarge,
            format!("{} is nested {depth} levels deep, over the limit of {} levels", excerpt(path), limits.max_depth),
        );
    }
    let mut node = Node { name: name.to_string(), ..Node::default() };
    match v {
        Value::Object(map) => json_members(&mut node, map, depth, path, limits)?,
        _ => match scalar_text(v) {
            Some(text) => node.text = text,
            None => {
                return err(
                    ErrorCode::InvalidEvent,
                    format!("{} must be an object, a string, a number or a boolean, got {}", excerpt(path), json_type(v)),
                )
            }
        },
    }
    check_value_len(node.text.len(), &format!("the text of {}", excerpt(path)), limits)?;
    Ok(node)
}

/// Fills `node` from the members of a JSON object.
fn json_members(node: &mut Node, map: &Map<String, Value>, depth: usize, path: &str, limits: &Limits) -> Result<()> {
    for (key, value) in map {
        if let Some(attr) = key.strip_prefix('@') {
            check_json_name(attr, "attribute", path)?;
            if value.is_null() {
                continue;
            }
            let Some(text) = scalar_text(value) else {
                return err(
                    ErrorCode::InvalidEvent,
                    format!(
                        "attribute '{}' of {} must be a string, a number or a boolean, got {}",
                        excerpt(attr),
                        excerpt(path),
                        json_type(value)
                    ),
                );
            };
            check_value_len(text.len(), &format!("attribute '{}' of {}", excerpt(attr), excerpt(path)), limits)?;
            node.attrs.push((attr.to_string(), text));
        } else if key == "$" || key == "#text" {
            if value.is_null() {
                continue;
            }
            let Some(text) = scalar_text(value) else {
                return err(
                    ErrorCode::InvalidEvent,
                    format!("the text ('{key}') of {} must be a string, a number or a boolean, got {}", excerpt(path), json_type(value)),
                );
            };
            node.text.push_str(&text);
        } else {
            check_json_name(key, "element", path)?;
            let child_path = format!("{path}/{key}");
            match value {
                Value::Null => {}
                Value::Array(items) => {
                    for item in items {
                        match item {
                            Value::Null => {}
                            Value::Array(_) => {
                                return err(
                                    ErrorCode::InvalidEvent,
                                    format!("{} holds an array in an array, which has no XML form", excerpt(&child_path)),
                                )
                            }
                            _ => node.children.push(json_element(key, item, depth + 1, &child_path, limits)?),
                        }
                    }
                }
                _ => node.children.push(json_element(key, value, depth + 1, &child_path, limits)?),
            }
        }
    }
    Ok(())
}

/// Parses a standalone `<ctx>…</ctx>` document (an event's ctx sent as a string, seed-address
/// test data). Element names keep their local part only. Same refusals and limits as the event
/// parser of [`crate::input::xml`]: DTDs and non-predefined entities
/// ([`ErrorCode::XmlDtdRefused`]), malformed XML ([`ErrorCode::MalformedXml`], with line and
/// column), document, nesting or value over their limits ([`ErrorCode::InputTooLarge`]), canonical
/// size over `limits.max_ctx_bytes` ([`ErrorCode::CtxTooLarge`]). A root other than `ctx` →
/// [`ErrorCode::InvalidEvent`].
pub fn parse_xml(xml: &str, limits: &Limits) -> Result<Node> {
    crate::input::xml::check_document_size(xml, limits)?;
    let node = crate::input::xml::parse_tree(
        xml,
        &crate::input::xml::TreeLimits {
            max_depth: limits.max_depth.saturating_add(1),
            max_value_bytes: limits.max_value_bytes,
            max_collection: None,
            qualified: false,
        },
    )?;
    if node.name != "ctx" {
        return err(ErrorCode::InvalidEvent, format!("the root element is <{}>, expected <ctx>", excerpt(&node.name)));
    }
    node.check_ctx_limits(limits)?;
    Ok(node)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::EXCERPT_CHARS;
    use serde_json::json;

    fn leaf(name: &str, text: &str) -> Node {
        Node { name: name.into(), text: text.into(), ..Node::default() }
    }

    fn limits() -> Limits {
        Limits::default()
    }

    #[test]
    fn child_and_attr() {
        let n = Node {
            name: "ctx".into(),
            attrs: vec![("a".into(), "1".into())],
            children: vec![leaf("x", "1"), leaf("x", "2")],
            text: String::new(),
            mixed: Vec::new(),
        };
        assert_eq!(n.child("x").map(|c| c.text.as_str()), Some("1"));
        assert_eq!(n.child("y"), None);
        assert_eq!(n.attr("a"), Some("1"));
        assert_eq!(n.attr("b"), None);
    }

    #[test]
    fn to_xml_canonical() {
        let n = Node {
            name: "ctx".into(),
            attrs: vec![("b".into(), "x\"<&>'".into()), ("a".into(), "t\tn\nr\r".into())],
            children: vec![leaf("e", ""), leaf("t", "a<b&c>d\"'\r\n")],
            text: "hi".into(),
            mixed: Vec::new(),
        };
        let xml = n.to_xml();
        assert_eq!(xml, "<ctx b=\"x&quot;&lt;&amp;&gt;'\" a=\"t&#9;n&#10;r&#13;\">hi<e/><t>a&lt;b&amp;c&gt;d\"'&#13;\n</t></ctx>");
        assert_eq!(n.byte_size(), xml.len());
        assert_eq!(leaf("ctx", "").to_xml(), "<ctx/>");
        assert_eq!(leaf("ctx", "é").byte_size(), "<ctx>é</ctx>".len());
        let ws = leaf("ctx", "  \n");
        assert_eq!(ws.to_xml(), "<ctx>&#32; \n</ctx>");
        assert_eq!(ws.byte_size(), ws.to_xml().len());
    }

    #[test]
    fn to_xml_round_trips_through_parse_xml() {
        let n = Node {
            name: "ctx".into(),
            attrs: vec![("a".into(), "t\tn\nr\r \"q\" <&>".into())],
            children: vec![leaf("t", "x<y>&z\r\n \"é\" "), leaf("u", ""), leaf("w", " \t\n"), leaf("r", "\r ")],
            text: "top".into(),
            mixed: Vec::new(),
        };
        let back = parse_xml(&n.to_xml(), &limits()).unwrap();
        assert_eq!(back, n);
    }

    #[test]
    fn mixed_content_keeps_its_order_through_a_round_trip() {
        let xml = "<ctx><p>Hello <b>big</b> world<i/>!</p><q>x</q></ctx>";
        let n = parse_xml(xml, &limits()).unwrap();
        let p = &n.children[0];
        assert_eq!(p.text, "Hello  world!");
        assert_eq!(p.runs(), vec![(0, "Hello "), (1, " world"), (2, "!")]);
        assert_eq!(n.to_xml(), xml);
        assert_eq!(parse_xml(&n.to_xml(), &limits()).unwrap(), n);
        assert_eq!(n.byte_size(), xml.len());
        // Text before the children only: nothing recorded (the form stores always had).
        let plain = parse_xml("<ctx><a>x<b/></a></ctx>", &limits()).unwrap();
        assert!(plain.children[0].mixed.is_empty());
    }

    #[test]
    fn deep_tree_does_not_overflow() {
        let mut n = leaf("a", "x");
        for _ in 0..100_000 {
            n = Node { name: "a".into(), children: vec![n], ..Node::default() };
        }
        assert_eq!(n.depth(), 100_000);
        assert_eq!(n.byte_size(), n.to_xml().len());
        assert_eq!(n.check_ctx_limits(&limits()).unwrap_err().code, ErrorCode::InputTooLarge);
        // Drop iteratively too (the default drop would recurse 100 000 levels).
        let mut stack = vec![n];
        while let Some(mut node) = stack.pop() {
            stack.append(&mut node.children);
        }
    }

    #[test]
    fn check_ctx_limits_sizes() {
        let n = Node { name: "ctx".into(), children: vec![leaf("a", &"x".repeat(70_000))], ..Node::default() };
        let e = n.check_ctx_limits(&limits()).unwrap_err();
        assert_eq!(e.code, ErrorCode::CtxTooLarge);
        assert_eq!(e.message, "ctx is 70018 bytes, over the limit of 65536 bytes");
        assert!(leaf("ctx", "x").check_ctx_limits(&limits()).is_ok());
    }

    #[test]
    fn xml_names() {
        for ok in ["a", "_a", "a-b.c1", "urn:ctx", "été", ":a", "a\u{B7}"] {
            assert!(is_xml_name(ok), "{ok}");
        }
        for bad in ["", "1a", "-a", "a b", "a<", "@a", "$", "a&b", ".a", "a/b"] {
            assert!(!is_xml_name(bad), "{bad}");
        }
    }

    #[test]
    fn excerpt_cuts() {
        assert_eq!(excerpt("short"), "short");
        let long = "é".repeat(100);
        assert_eq!(excerpt(&long).chars().count(), EXCERPT_CHARS + 1);
    }

    #[test]
    fn from_json_full() {
        let v = json!({
            "@id": 12, "@ok": true, "@s": "x", "@gone": null,
            "$": "hello",
            "firstName": "Alex",
            "age": 42,
            "vip": false,
            "nothing": null,
            "order": {"@number": "1596", "item": [{"@sku": "a"}, "b", null, 3]},
            "empty": {},
        });
        let n = Node::from_json("ctx", &v, &limits()).unwrap();
        assert_eq!(
            n.to_xml(),
            "<ctx id=\"12\" ok=\"true\" s=\"x\">hello<firstName>Alex</firstName><age>42</age><vip>false</vip>\
             <order number=\"1596\"><item sku=\"a\"/><item>b</item><item>3</item></order><empty/></ctx>",
            "elements and attributes keep the order they are written in"
        );
        let t = Node::from_json("ctx", &json!({"$": "b", "#text": "a"}), &limits()).unwrap();
        assert_eq!(t.text, "ba", "text parts keep their order");
    }

    #[test]
    fn from_json_scalar_root() {
        let n = Node::from_json("name", &json!("x"), &limits()).unwrap();
        assert_eq!(n.to_xml(), "<name>x</name>");
    }

    #[test]
    fn from_json_errors() {
        let l = limits();
        let code = |name: &str, v: Value| Node::from_json(name, &v, &l).unwrap_err().code;
        assert_eq!(code("ctx", json!([1])), ErrorCode::InvalidEvent);
        assert_eq!(code("ctx", Value::Null), ErrorCode::InvalidEvent);
        assert_eq!(code("1ctx", json!({})), ErrorCode::InvalidEvent);
        assert_eq!(code("ctx", json!({"a b": 1})), ErrorCode::InvalidEvent);
        assert_eq!(code("ctx", json!({"@": 1})), ErrorCode::InvalidEvent);
        assert_eq!(code("ctx", json!({"@a b": 1})), ErrorCode::InvalidEvent);
        assert_eq!(code("ctx", json!({"@a": {}})), ErrorCode::InvalidEvent);
        assert_eq!(code("ctx", json!({"@a": [1]})), ErrorCode::InvalidEvent);
        assert_eq!(code("ctx", json!({"$": {}})), ErrorCode::InvalidEvent);
        assert_eq!(code("ctx", json!({"a": [[1]]})), ErrorCode::InvalidEvent);
        assert_eq!(code("ctx", json!({"a": [{"b": [[]]}]})), ErrorCode::InvalidEvent);
        let e = Node::from_json("ctx", &json!({"a": {"@x": {"y": 1}}}), &l).unwrap_err();
        assert_eq!(e.message, "attribute 'x' of ctx/a must be a string, a number or a boolean, got an object");
        let e = Node::from_json("ctx", &json!({"a": {"1": 1}}), &l).unwrap_err();
        assert_eq!(e.message, "'1' is not a valid XML element name (in ctx/a)");
    }

    #[test]
    fn from_json_limits() {
        let l = Limits { max_depth: 3, max_value_bytes: 10, max_ctx_bytes: 60, ..Limits::default() };
        assert!(Node::from_json("ctx", &json!({"a": {"b": {"c": "x"}}}), &l).is_ok());
        let e = Node::from_json("ctx", &json!({"a": {"b": {"c": {"d": 1}}}}), &l).unwrap_err();
        assert_eq!(e.code, ErrorCode::InputTooLarge);
        assert_eq!(e.message, "ctx/a/b/c/d is nested 4 levels deep, over the limit of 3 levels");
        let e = Node::from_json("ctx", &json!({"a": "01234567890"}), &l).unwrap_err();
        assert_eq!(e.code, ErrorCode::InputTooLarge);
        assert_eq!(e.message, "the text of ctx/a is 11 bytes, over the limit of 10 bytes");
        let e = Node::from_json("ctx", &json!({"$": "01234567890"}), &l).unwrap_err();
        assert_eq!(e.code, ErrorCode::InputTooLarge);
        let e = Node::from_json("ctx", &json!({"@a": "01234567890"}), &l).unwrap_err();
        assert_eq!(e.code, ErrorCode::InputTooLarge);
        let e =
            Node::from_json("ctx", &json!({"a": ["0123456789", "0123456789", "0123456789", "0123456789", "0123456789"]}), &l).unwrap_err();
        assert_eq!(e.code, ErrorCode::CtxTooLarge);
        assert!(e.message.starts_with("ctx is 96 bytes, over the limit of 60 bytes"), "{}", e.message);
    }

    #[test]
    fn from_json_deep_value_stops_at_limit() {
        let mut v = json!("x");
        for _ in 0..10_000 {
            let mut m = Map::new();
            m.insert("a".into(), v);
            v = Value::Object(m);
        }
        let e = Node::from_json("ctx", &v, &limits()).unwrap_err();
        assert_eq!(e.code, ErrorCode::InputTooLarge);
        // Dismantle iteratively: serde_json's Value drop recurses.
        let mut stack = vec![v];
        while let Some(v) = stack.pop() {
            if let Value::Object(m) = v {
                stack.extend(m.into_iter().map(|(_, v)| v));
            }
        }
    }

    #[test]
    fn parse_xml_good() {
        let n = parse_xml("<?xml version=\"1.0\"?>\n<ctx>\n  <client first=\"John\">Doe &amp; co</client>\n  <urn:x/>\n</ctx>", &limits())
            .unwrap();
        assert_eq!(n.to_xml(), "<ctx><client first=\"John\">Doe &amp; co</client><x/></ctx>");
    }

    #[test]
    fn parse_xml_errors() {
        let l = limits();
        let code = |s: &str| parse_xml(s, &l).unwrap_err().code;
        assert_eq!(code("<notctx/>"), ErrorCode::InvalidEvent);
        assert_eq!(code("<ctx>"), ErrorCode::MalformedXml);
        assert_eq!(code("<!DOCTYPE ctx><ctx/>"), ErrorCode::XmlDtdRefused);
        assert_eq!(code("<ctx>&ent;</ctx>"), ErrorCode::XmlDtdRefused);
        let big = format!("<ctx><a>{}</a></ctx>", "x".repeat(16 * 1024 + 1));
        assert_eq!(code(&big), ErrorCode::InputTooLarge);
        let many: String = (0..5000).map(|i| format!("<a n=\"{i}\">0123456789</a>")).collect();
        let e = parse_xml(&format!("<ctx>{many}</ctx>"), &l).unwrap_err();
        assert_eq!(e.code, ErrorCode::CtxTooLarge);
        let small = Limits { max_document_bytes: 10, ..l };
        assert_eq!(parse_xml("<ctx>xxxxxxx</ctx>", &small).unwrap_err().code, ErrorCode::InputTooLarge);
    }

    #[test]
    fn parse_xml_depth() {
        let l = Limits { max_depth: 3, ..Limits::default() };
        assert!(parse_xml("<ctx><a><b><c/></b></a></ctx>", &l).is_ok());
        let e = parse_xml("<ctx><a><b><c><d/></c></b></a></ctx>", &l).unwrap_err();
        assert_eq!(e.code, ErrorCode::InputTooLarge);
        let deep = format!("<ctx>{}{}</ctx>", "<a>".repeat(100_000), "</a>".repeat(100_000));
        assert_eq!(parse_xml(&deep, &limits()).unwrap_err().code, ErrorCode::InputTooLarge);
    }
}
