//! Events pushed as XML, as Campaign's SOAP methods receive them: PushEvent takes one
//! `<rtEvent …>` or `<batchEvent …>` element, PushEvents a wrapper element (any name; Adobe uses
//! `<Events>`) holding several.
//!
//! Also holds the one XML-to-[`Node`] builder of the crate (`parse_tree`), used by
//! [`crate::ctx::parse_xml`] and [`parse_document`] as well. It is hardened for untrusted input:
//!
//! - any DTD (`<!DOCTYPE …>`) and any entity reference other than the five predefined ones and
//!   numeric character references are refused ([`ErrorCode::XmlDtdRefused`]): nothing is ever
//!   expanded, so entity bombs and external entities cannot work;
//! - the document size is checked before parsing, nesting and value sizes while parsing, and the
//!   tree is built with an explicit stack (no recursion);
//! - malformed XML gives [`ErrorCode::MalformedXml`] with a `line L, column C: …` message.
//!
//! Elements keep the local part of their names (`urn:rtEvent` → `rtEvent`); attributes keep
//! their names as written. Whitespace-only text runs are dropped, other text is unescaped and
//! concatenated per element; CDATA is text. Comments and processing instructions are ignored.

use crate::error::{err, Error, ErrorCode, Result};
use crate::input::{Limits, Queue, RawEvent};
use crate::tree::{excerpt, is_xml_name, Node};
use quick_xml::escape::EscapeError;
use quick_xml::events::attributes::AttrError;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

/// Extra element levels allowed above `ctx` by [`parse_events`]: wrapper, event, ctx.
const EVENTS_DEPTH_ALLOWANCE: usize = 3;

/// Extra element levels allowed above `ctx` by [`parse_document`]: a SOAP envelope holds
/// Envelope, Body, method, parameter, wrapper, event and ctx, plus one spare.
#[allow(dead_code)]
const DOCUMENT_DEPTH_ALLOWANCE: usize = 8;

/// Limits of [`parse_tree`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct TreeLimits {
    /// Deepest element nesting of the whole document (the root is at depth 1).
    pub max_depth: usize,
    /// Longest text (per element, after unescaping) or attribute value, in bytes.
    pub max_value_bytes: usize,
    /// When set and the root is not an `rtEvent`/`batchEvent` element, the most child elements
    /// the root may have (events of a collection), checked as they come.
    pub max_collection: Option<usize>,
    /// Keep element names as written (`urn:PushEvent`), for a reader that resolves namespaces
    /// (the SOAP module); otherwise their local part.
    pub qualified: bool,
}

/// 1-based line and column (in characters) of a byte offset of `text`.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    let upto = bytes.get(..offset).unwrap_or(bytes);
    let (mut line, mut col) = (1, 1);
    for &b in upto {
        if b == b'\n' {
            line += 1;
            col = 1;
        } else if b & 0xC0 != 0x80 {
            col += 1;
        }
    }
    (line, col)
}

/// A [`ErrorCode::MalformedXml`] error at byte `offset` of `xml`.
fn malformed(xml: &str, offset: usize, what: impl AsRef<str>) -> Error {
    let (line, col) = line_col(xml, offset);
    let (l, c) = (u32::try_from(line).unwrap_or(u32::MAX), u32::try_from(col).unwrap_or(u32::MAX));
    Error::new(ErrorCode::MalformedXml, format!("line {line}, column {col}: {}", what.as_ref())).at("xml", l, c)
}

/// `where` text for limit errors: "at line L, column C".
fn at(xml: &str, offset: usize) -> String {
    let (line, col) = line_col(xml, offset);
    format!("at line {line}, column {col}")
}

fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// The local part of a qualified name: everything after the first `:`.
fn local_name(qname: &str) -> &str {
    qname.split_once(':').map_or(qname, |(_, local)| local)
}

/// Refuses a document over `limits.max_document_bytes` ([`ErrorCode::InputTooLarge`]).
pub(crate) fn check_document_size(text: &str, limits: &Limits) -> Result<()> {
    if text.len() > limits.max_document_bytes {
        return err(
            ErrorCode::InputTooLarge,
            format!("the document is {} bytes, over the limit of {} bytes", text.len(), limits.max_document_bytes),
        );
    }
    Ok(())
}

/// Maps a quick-xml error found at byte `offset` to ours.
fn from_quick_xml(xml: &str, offset: usize, e: quick_xml::Error) -> Error {
    match e {
        quick_xml::Error::Escape(esc) => from_escape(xml, offset, esc),
        quick_xml::Error::InvalidAttr(a) => malformed(xml, offset, attr_error_text(&a)),
        other => malformed(xml, offset, other.to_string()),
    }
}

fn from_escape(xml: &str, offset: usize, e: EscapeError) -> Error {
    match e {
        EscapeError::UnrecognizedEntity(_, name) if !name.is_empty() => refused_entity(&name),
        EscapeError::UnrecognizedEntity(..) => malformed(xml, offset, "empty entity reference '&;'"),
        EscapeError::TooManyNestedEntities => Error::new(ErrorCode::XmlDtdRefused, "nested entity references are refused"),
        other => malformed(xml, offset, other.to_string()),
    }
}

fn refused_entity(name: &str) -> Error {
    Error::new(
        ErrorCode::XmlDtdRefused,
        format!(
            "entity reference '&{};' is refused: only &lt; &gt; &amp; &apos; &quot; and numeric character references are allowed",
            excerpt(name)
        ),
    )
}

fn attr_error_text(e: &AttrError) -> String {
    match e {
        AttrError::ExpectedEq(_) => "an attribute name must be followed by '='".into(),
        AttrError::ExpectedValue(_) => "'=' must be followed by an attribute value".into(),
        AttrError::UnquotedValue(_) => "attribute values must be quoted".into(),
        AttrError::ExpectedQuote(_, q) => format!("attribute value not closed: missing {}", char::from(*q)),
        AttrError::Duplicated(..) => "duplicated attribute".into(),
    }
}

/// Byte offset in the document of an attribute error, from the start of its tag.
fn attr_error_offset(tag_start: usize, e: &AttrError) -> usize {
    let rel = match e {
        AttrError::ExpectedEq(p)
        | AttrError::ExpectedValue(p)
        | AttrError::UnquotedValue(p)
        | AttrError::ExpectedQuote(p, _)
        | AttrError::Duplicated(p, _) => *p,
    };
    // Positions count from the byte after '<'.
    tag_start.saturating_add(1).saturating_add(rel)
}

/// Whether a character may appear in an XML 1.0 document.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

fn is_xml_whitespace(s: &str) -> bool {
    s.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

/// The text an entity or character reference stands for.
fn resolve_reference(xml: &str, offset: usize, r: &BytesRef<'_>) -> Result<String> {
    let name: &str = r;
    let predefined = match name {
        "lt" => "<",
        "gt" => ">",
        "amp" => "&",
        "apos" => "'",
        "quot" => "\"",
        "" => return Err(malformed(xml, offset, "empty entity reference '&;'")),
        _ => "",
    };
    if !predefined.is_empty() {
        return Ok(predefined.to_string());
    }
    if !r.is_char_ref() {
        return Err(refused_entity(name));
    }
    match r.resolve_char_ref() {
        Ok(Some(c)) if is_xml_char(c) => Ok(c.to_string()),
        _ => Err(malformed(xml, offset, format!("'&{};' is not a valid character reference", excerpt(name)))),
    }
}

/// Builds the element (name and attributes) of a start or empty tag found at `offset`.
fn element_of(xml: &str, offset: usize, e: &BytesStart<'_>, tl: &TreeLimits) -> Result<Node> {
    let qname = e.name().into_inner();
    let local = local_name(qname);
    if !is_xml_name(qname) || !is_xml_name(local) {
        return Err(malformed(xml, offset, format!("'{}' is not a valid element name", excerpt(qname))));
    }
    let mut node = Node { name: if tl.qualified { qname } else { local }.to_string(), ..Node::default() };
    for attr in e.attributes() {
        let attr = attr.map_err(|a| malformed(xml, attr_error_offset(offset, &a), attr_error_text(&a)))?;
        let key = attr.key.into_inner();
        if !is_xml_name(key) {
            return Err(malformed(xml, offset, format!("'{}' is not a valid attribute name", excerpt(key))));
        }
        if attr.value.contains('<') {
            return Err(malformed(xml, offset, format!("'<' is not allowed in the value of attribute '{}'", excerpt(key))));
        }
        let value = attr.normalized_value(XmlVersion::Implicit1_0).map_err(|x| from_quick_xml(xml, offset, x))?;
        if value.len() > tl.max_value_bytes {
            return err(
                ErrorCode::InputTooLarge,
                format!(
                    "attribute '{}' of <{}> {} is {} bytes, over the limit of {} bytes",
                    excerpt(key),
                    excerpt(qname),
                    at(xml, offset),
                    value.len(),
                    tl.max_value_bytes
                ),
            );
        }
        node.attrs.push((key.to_string(), value.into_owned()));
    }
    Ok(node)
}

/// An element being built: its node and the current run of character data.
struct Frame {
    node: Node,
    /// The runs of text kept so far (see `Node::mixed`).
    runs: Vec<(u32, u32)>,
    /// Character data since the last markup (tag, comment, PI).
    run: String,
    /// Whether `run` is content (not whitespace only, or has a reference or CDATA).
    keep: bool,
}

impl Frame {
    fn new(node: Node) -> Self {
        Frame { node, runs: Vec::new(), run: String::new(), keep: false }
    }

    /// Adds character data; `content` marks it as content even if it is whitespace.
    fn push_text(&mut self, s: &str, content: bool, xml: &str, offset: usize, tl: &TreeLimits) -> Result<()> {
        self.run.push_str(s);
        self.keep = self.keep || content || !is_xml_whitespace(s);
        let len = self.node.text.len().saturating_add(self.run.len());
        if self.keep && len > tl.max_value_bytes {
            return err(
                ErrorCode::InputTooLarge,
                format!("the text of <{}> {} is over the limit of {} bytes", excerpt(&self.node.name), at(xml, offset), tl.max_value_bytes),
            );
        }
        Ok(())
    }

    /// Ends the current run: keeps it as text if it is content, drops it otherwise.
    fn flush(&mut self) {
        if self.keep {
            self.node.text.push_str(&self.run);
            let before = self.node.children.len() as u32;
            let end = self.node.text.len() as u32;
            match self.runs.last_mut() {
                Some((b, e)) if *b == before => *e = end,
                _ => self.runs.push((before, end)),
            }
        }
        self.run.clear();
        self.keep = false;
    }
}

/// Parses a whole XML document into a [`Node`] tree, hardened as the module doc describes.
/// The shared builder of the crate: [`crate::ctx::parse_xml`], [`parse_events`] and
/// [`parse_document`] all go through it. Does not check the document size: callers do, first.
pub(crate) fn parse_tree(xml: &str, tl: &TreeLimits) -> Result<Node> {
    let xml = xml.strip_prefix('\u{FEFF}').unwrap_or(xml);
    let mut reader = Reader::from_str(xml);
    reader.config_mut().enable_all_checks(true);
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<Node> = None;
    // Whether the open root is an event element (the collection limit does not apply then).
    let mut root_is_event = false;

    loop {
        let offset = to_usize(reader.buffer_position());
        let event = reader.read_event().map_err(|e| from_quick_xml(xml, to_usize(reader.error_position()), e))?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let node = element_of(xml, offset, e, tl)?;
                if let Some(done) = &root {
                    if stack.is_empty() {
                        return Err(malformed(
                            xml,
                            offset,
                            format!("only one root element is allowed, found <{}> after </{}>", excerpt(&node.name), excerpt(&done.name)),
                        ));
                    }
                }
                let depth = stack.len() + 1;
                if depth > tl.max_depth {
                    return err(
                        ErrorCode::InputTooLarge,
                        format!(
                            "element <{}> {} is nested {depth} levels deep, over the limit of {} levels",
                            excerpt(&node.name),
                            at(xml, offset),
                            tl.max_depth
                        ),
                    );
                }
                match stack.last_mut() {
                    None => root_is_event = queue_of(&node.name).is_some(),
                    Some(parent) => {
                        parent.flush();
                        if let (1, Some(max), false) = (depth - 1, tl.max_collection, root_is_event) {
                            if parent.node.children.len() >= max {
                                return err(
                                    ErrorCode::InputTooLarge,
                                    format!("<{}> holds more than {max} events, the limit per batch", excerpt(&parent.node.name)),
                                );
                            }
                        }
                    }
                }
                stack.push(Frame::new(node));
                if matches!(event, Event::Empty(_)) {
                    close(&mut stack, &mut root);
                }
            }
            Event::End(_) => close(&mut stack, &mut root),
            Event::Text(t) => {
                let text = t.xml10_content();
                match stack.last_mut() {
                    Some(frame) => frame.push_text(&text, false, xml, offset, tl)?,
                    None if is_xml_whitespace(&text) => {}
                    None => return Err(malformed(xml, offset, "text is not allowed outside the root element")),
                }
            }
            Event::CData(c) => match stack.last_mut() {
                Some(frame) => frame.push_text(&c.xml10_content(), true, xml, offset, tl)?,
                None => return Err(malformed(xml, offset, "CDATA is not allowed outside the root element")),
            },
            Event::GeneralRef(r) => {
                let text = resolve_reference(xml, offset, &r)?;
                match stack.last_mut() {
                    Some(frame) => frame.push_text(&text, true, xml, offset, tl)?,
                    None => return Err(malformed(xml, offset, "text is not allowed outside the root element")),
                }
            }
            Event::DocType(_) => return err(ErrorCode::XmlDtdRefused, format!("a DOCTYPE (DTD) is refused ({})", at(xml, offset))),
            Event::Comment(_) | Event::PI(_) | Event::Decl(_) => {
                if let Some(frame) = stack.last_mut() {
                    frame.flush();
                }
            }
            Event::Eof => break,
        }
    }
    if let Some(open) = stack.last() {
        return Err(malformed(xml, xml.len(), format!("unexpected end of the document: <{}> is not closed", excerpt(&open.node.name))));
    }
    root.ok_or_else(|| malformed(xml, xml.len(), "no root element"))
}

/// Closes the innermost open element: into its parent, or as the root.
fn close(stack: &mut Vec<Frame>, root: &mut Option<Node>) {
    if let Some(mut frame) = stack.pop() {
        frame.flush();
        // Text after a child element: the runs say where each stands.
        if frame.runs.len() > 1 || frame.runs.first().is_some_and(|(b, _)| *b > 0) {
            frame.node.mixed = std::mem::take(&mut frame.runs);
        }
        match stack.last_mut() {
            Some(parent) => parent.node.children.push(frame.node),
            None => *root = Some(frame.node),
        }
    }
}

/// The queue of an event element name, None if it is not one.
fn queue_of(name: &str) -> Option<Queue> {
    match name {
        "rtEvent" => Some(Queue::Rt),
        "batchEvent" => Some(Queue::Batch),
        _ => None,
    }
}

/// One event from its `<rtEvent>`/`<batchEvent>` element.
fn event_of(node: Node, queue: Queue, limits: &Limits) -> Result<RawEvent> {
    let mut ev = RawEvent { queue: Some(queue), ..RawEvent::default() };
    for (key, value) in node.attrs {
        if key == "xmlns" || key.starts_with("xmlns:") {
            continue;
        }
        let slot = match local_name(&key) {
            "type" => &mut ev.event_type,
            "email" => &mut ev.email,
            "mobilePhone" => &mut ev.mobile_phone,
            "externalId" => &mut ev.external_id,
            "origin" => &mut ev.origin,
            "wishedChannel" => &mut ev.wished_channel,
            "emailFormat" => &mut ev.email_format,
            "language" => &mut ev.language,
            "country" => &mut ev.country,
            "scheduled" => &mut ev.scheduled,
            "expiration" => &mut ev.expiration,
            "registrationToken" => &mut ev.registration_token,
            _ => continue,
        };
        if slot.is_none() {
            *slot = Some(value);
        }
    }
    let mut seen_mobile_app = false;
    for child in node.children {
        match child.name.as_str() {
            "ctx" => {
                if ev.ctx.is_some() {
                    return err(ErrorCode::InvalidEvent, format!("<{}> has more than one <ctx>", node.name));
                }
                child.check_ctx_limits(limits)?;
                ev.ctx = Some(child);
            }
            "mobileApp" => {
                if seen_mobile_app {
                    return err(ErrorCode::InvalidEvent, format!("<{}> has more than one <mobileApp>", node.name));
                }
                seen_mobile_app = true;
                ev.mobile_app = child.attrs.into_iter().find(|(k, _)| local_name(k) == "uuid" && !k.starts_with("xmlns")).map(|(_, v)| v);
            }
            _ => {}
        }
    }
    Ok(ev)
}

/// The events of an already parsed document (or of a part of one, e.g. the content of a SOAP
/// `domEvent` / `domEventCollection` parameter): `root` is either one `rtEvent`/`batchEvent`
/// element or a wrapper whose children are all such elements. Names are compared as they are
/// in the tree (local names when it comes from this module).
///
/// Errors: a wrapper child that is not an event or a wrapper without events →
/// [`ErrorCode::InvalidEvent`]; more than `limits.max_events_per_batch` events →
/// [`ErrorCode::InputTooLarge`]; a ctx too large ([`ErrorCode::CtxTooLarge`]) or too deep
/// ([`ErrorCode::InputTooLarge`]); two `<ctx>` or two `<mobileApp>` in one event →
/// [`ErrorCode::InvalidEvent`]. Errors about one event of a collection say which one.
pub fn events_from_node(root: Node, limits: &Limits) -> Result<Vec<RawEvent>> {
    if let Some(queue) = queue_of(&root.name) {
        return Ok(vec![event_of(root, queue, limits)?]);
    }
    let total = root.children.len();
    if total > limits.max_events_per_batch {
        return err(
            ErrorCode::InputTooLarge,
            format!("<{}> holds {total} events, over the limit of {} per batch", excerpt(&root.name), limits.max_events_per_batch),
        );
    }
    if total == 0 {
        return err(ErrorCode::InvalidEvent, format!("no event: <{}> holds no <rtEvent> or <batchEvent> element", excerpt(&root.name)));
    }
    let mut events = Vec::with_capacity(total);
    for (i, child) in root.children.into_iter().enumerate() {
        let Some(queue) = queue_of(&child.name) else {
            return err(
                ErrorCode::InvalidEvent,
                format!(
                    "element {} of {total} in <{}> is <{}>: only <rtEvent> and <batchEvent> are allowed",
                    i + 1,
                    excerpt(&root.name),
                    excerpt(&child.name)
                ),
            );
        };
        let event = event_of(child, queue, limits).map_err(|mut e| {
            e.message = format!("event {} of {total}: {}", i + 1, e.message);
            e
        })?;
        events.push(event);
    }
    Ok(events)
}

/// Parses pushed events from XML: one `<rtEvent …>`/`<batchEvent …>` root (PushEvent) or any
/// wrapper element whose children are such elements (PushEvents). Prefixes on element names are
/// ignored. Attributes `type, email, mobilePhone, externalId, origin, wishedChannel, emailFormat,
/// language, country, scheduled, expiration, registrationToken` fill the fields of the same
/// name, `<mobileApp uuid="…"/>` sets `mobile_app`, `<ctx>` becomes `ctx`; other attributes and
/// children are ignored. The queue comes from the element name.
///
/// Errors: [`ErrorCode::InputTooLarge`] (document, nesting, a value, number of events),
/// [`ErrorCode::XmlDtdRefused`], [`ErrorCode::MalformedXml`] (`line L, column C: …`),
/// [`ErrorCode::CtxTooLarge`], and those of [`events_from_node`].
pub fn parse_events(xml: &str, limits: &Limits) -> Result<Vec<RawEvent>> {
    check_document_size(xml, limits)?;
    let root = parse_tree(
        xml,
        &TreeLimits {
            max_depth: limits.max_depth.saturating_add(EVENTS_DEPTH_ALLOWANCE),
            max_value_bytes: limits.max_value_bytes,
            max_collection: Some(limits.max_events_per_batch),
            qualified: false,
        },
    )?;
    events_from_node(root, limits)
}

/// Parses any XML document (a SOAP envelope…) into a [`Node`] tree with element names as
/// written (prefixes kept, for the caller to resolve), with the refusals and limits of
/// [`parse_events`]; nesting may go `limits.max_depth + 8` levels deep, room for an envelope
/// around an event's ctx. Give the event part, with local names ([`localize`]), to
/// [`events_from_node`] to get the events.
pub fn parse_document(xml: &str, limits: &Limits) -> Result<Node> {
    check_document_size(xml, limits)?;
    parse_tree(
        xml,
        &TreeLimits {
            max_depth: limits.max_depth.saturating_add(DOCUMENT_DEPTH_ALLOWANCE),
            max_value_bytes: limits.max_value_bytes,
            max_collection: None,
            qualified: true,
        },
    )
}

/// Gives every element of a tree its local name (`urn:rtEvent` → `rtEvent`), without recursion.
pub fn localize(node: &mut Node) {
    let mut stack: Vec<&mut Node> = vec![node];
    while let Some(n) = stack.pop() {
        if let Some((_, local)) = n.name.split_once(':') {
            n.name = local.to_string();
        }
        stack.extend(n.children.iter_mut());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits::default()
    }

    fn parse(xml: &str) -> Result<Vec<RawEvent>> {
        parse_events(xml, &limits())
    }

    fn code(xml: &str) -> ErrorCode {
        parse(xml).unwrap_err().code
    }

    const ONE: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<rtEvent type="create_account" email="esther.hall@example.com" origin="eShopping"
         wishedChannel="0" externalId="1596" language="english" country="EN"
         emailFormat="2" mobilePhone="+447700123123" scheduled="2026-11-26T13:40:00Z"
         expiration="2026-11-27" registrationToken="tok" _operation="insert" hashlpId="h"
         correlationId="c" id="12" xtkschema="nms:rtEvent" xmlns="urn:nms:rtEvent">
  <mobileApp _operation="none" uuid="com.adobe.NeoMiles"/>
  <unknown><x/></unknown>
  <ctx>
    <website name="eShopping" url="http://www.eShopping.uk"/>
    <customer title="Ms" firstName="Esther">Hall &amp; sons</customer>
  </ctx>
</rtEvent>"#;

    #[test]
    fn push_event() {
        let evs = parse(ONE).unwrap();
        assert_eq!(evs.len(), 1);
        let e = &evs[0];
        assert_eq!(e.queue, Some(Queue::Rt));
        assert_eq!(e.event_type.as_deref(), Some("create_account"));
        assert_eq!(e.email.as_deref(), Some("esther.hall@example.com"));
        assert_eq!(e.mobile_phone.as_deref(), Some("+447700123123"));
        assert_eq!(e.external_id.as_deref(), Some("1596"));
        assert_eq!(e.origin.as_deref(), Some("eShopping"));
        assert_eq!(e.wished_channel.as_deref(), Some("0"));
        assert_eq!(e.email_format.as_deref(), Some("2"));
        assert_eq!(e.language.as_deref(), Some("english"));
        assert_eq!(e.country.as_deref(), Some("EN"));
        assert_eq!(e.scheduled.as_deref(), Some("2026-11-26T13:40:00Z"));
        assert_eq!(e.expiration.as_deref(), Some("2026-11-27"));
        assert_eq!(e.registration_token.as_deref(), Some("tok"));
        assert_eq!(e.mobile_app.as_deref(), Some("com.adobe.NeoMiles"));
        assert_eq!(
            e.ctx.as_ref().map(Node::to_xml).as_deref(),
            Some(
                "<ctx><website name=\"eShopping\" url=\"http://www.eShopping.uk\"/>\
                 <customer title=\"Ms\" firstName=\"Esther\">Hall &amp; sons</customer></ctx>"
            )
        );
    }

    #[test]
    fn batch_event_minimal_and_prefixed() {
        let evs = parse("<urn:batchEvent xmlns:urn='urn:x' type='t'><urn:ctx/></urn:batchEvent>").unwrap();
        assert_eq!(evs[0].queue, Some(Queue::Batch));
        assert_eq!(evs[0].event_type.as_deref(), Some("t"));
        assert_eq!(evs[0].ctx.as_ref().map(Node::to_xml).as_deref(), Some("<ctx/>"));
        let evs = parse("<rtEvent/>").unwrap();
        assert_eq!(evs[0], RawEvent { queue: Some(Queue::Rt), ..RawEvent::default() });
    }

    #[test]
    fn push_events_collection() {
        let xml = r#"<Events>
            <rtEvent type="password_reset" email="a@example.com"><ctx><link>https://x/1</link></ctx></rtEvent>
            <!-- a comment -->
            <batchEvent type="password_reset" email="b@example.com"><ctx><link>https://x/2</link></ctx></batchEvent>
        </Events>"#;
        let evs = parse(xml).unwrap();
        assert_eq!(evs.len(), 2);
        assert_eq!(evs[0].queue, Some(Queue::Rt));
        assert_eq!(evs[1].queue, Some(Queue::Batch));
        assert_eq!(evs[1].email.as_deref(), Some("b@example.com"));
        assert_eq!(evs[1].ctx.as_ref().and_then(|c| c.child("link")).map(|l| l.text.as_str()), Some("https://x/2"));
        let evs = parse("<domEventCollection><rtEvent type='a'/></domEventCollection>").unwrap();
        assert_eq!(evs.len(), 1);
    }

    #[test]
    fn collection_errors() {
        let e = parse("<Events><rtEvent/><foo/></Events>").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidEvent);
        assert_eq!(e.message, "element 2 of 2 in <Events> is <foo>: only <rtEvent> and <batchEvent> are allowed");
        let e = parse("<Events>  </Events>").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidEvent);
        assert_eq!(code("<Events/>"), ErrorCode::InvalidEvent);
        let e = parse("<Events><rtEvent><ctx/><ctx/></rtEvent></Events>").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidEvent);
        assert_eq!(e.message, "event 1 of 1: <rtEvent> has more than one <ctx>");
        assert_eq!(code("<rtEvent><mobileApp uuid='a'/><mobileApp uuid='b'/></rtEvent>"), ErrorCode::InvalidEvent);
    }

    #[test]
    fn many_events() {
        let l = Limits { max_events_per_batch: 3, ..limits() };
        let three = "<E><rtEvent/><rtEvent/><rtEvent/></E>";
        assert_eq!(parse_events(three, &l).unwrap().len(), 3);
        let four = "<E><rtEvent/><rtEvent/><rtEvent/><rtEvent/></E>";
        let e = parse_events(four, &l).unwrap_err();
        assert_eq!(e.code, ErrorCode::InputTooLarge);
        assert_eq!(e.message, "<E> holds more than 3 events, the limit per batch");
        // The same limit on an already built tree.
        let node = parse_document(four, &l).unwrap();
        assert_eq!(events_from_node(node, &l).unwrap_err().code, ErrorCode::InputTooLarge);
        // An event with many children is not a collection.
        let kids = "<rtEvent><a/><b/><c/><d/><ctx/></rtEvent>";
        assert_eq!(parse_events(kids, &l).unwrap().len(), 1);
        // Default limit, 10 001 events.
        let big = format!("<E>{}</E>", "<rtEvent/>".repeat(10_001));
        assert_eq!(code(&big), ErrorCode::InputTooLarge);
        let ok = format!("<E>{}</E>", "<rtEvent type='x'><ctx><a>1</a></ctx></rtEvent>".repeat(10_000));
        assert_eq!(parse(&ok).unwrap().len(), 10_000);
    }

    #[test]
    fn text_handling() {
        let n = parse_document(
            "<r>\n  <a>  </a>\n  <b> x </b><c>&lt; &gt;</c><d><![CDATA[ <raw> & ]]></d><e><![CDATA[ ]]></e>\
             <f>a<!-- c -->b</f><g>1\r\n2</g><h>&#65;&#x42;&#x1F600;&apos;&quot;</h><i>x<j/>y</i></r>",
            &limits(),
        )
        .unwrap();
        let text = |name: &str| n.child(name).map(|c| c.text.clone()).unwrap_or_default();
        assert_eq!(n.text, "");
        assert_eq!(text("a"), "");
        assert_eq!(text("b"), " x ");
        assert_eq!(text("c"), "< >");
        assert_eq!(text("d"), " <raw> & ");
        assert_eq!(text("e"), " ");
        assert_eq!(text("f"), "ab");
        assert_eq!(text("g"), "1\n2");
        assert_eq!(text("h"), "AB😀'\"");
        assert_eq!(text("i"), "xy");
    }

    #[test]
    fn attribute_values() {
        let n = parse_document("<r a='x &amp; &lt;y&gt; &#65;' b=\"1\n2\tz\" c='&quot;&apos;'/>", &limits()).unwrap();
        assert_eq!(n.attr("a"), Some("x & <y> A"));
        assert_eq!(n.attr("b"), Some("1 2 z"));
        assert_eq!(n.attr("c"), Some("\"'"));
    }

    #[test]
    fn document_and_soap_envelope() {
        let soap = r#"<?xml version="1.0"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:nms:rtEvent">
  <soapenv:Header/>
  <soapenv:Body>
    <urn:PushEvents>
      <urn:sessiontoken>mc/</urn:sessiontoken>
      <urn:domEventCollection>
        <Events><rtEvent type="a"><ctx><x>1</x></ctx></rtEvent><rtEvent type="b"/></Events>
      </urn:domEventCollection>
    </urn:PushEvents>
  </soapenv:Body>
</soapenv:Envelope>"#;
        let mut env = parse_document(soap, &limits()).unwrap();
        // Names as written (the SOAP module resolves the prefixes), local once localized.
        assert_eq!(env.name, "soapenv:Envelope");
        localize(&mut env);
        assert_eq!(env.name, "Envelope");
        assert_eq!(env.attr("xmlns:soapenv"), Some("http://schemas.xmlsoap.org/soap/envelope/"));
        let method = env.child("Body").and_then(|b| b.child("PushEvents")).unwrap();
        assert_eq!(method.child("sessiontoken").map(|t| t.text.as_str()), Some("mc/"));
        let events = method.child("domEventCollection").and_then(|d| d.child("Events")).cloned().unwrap();
        let evs = events_from_node(events, &limits()).unwrap();
        assert_eq!(evs.len(), 2);
        assert_eq!(evs[1].event_type.as_deref(), Some("b"));
    }

    #[test]
    fn dtd_refused() {
        let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<rtEvent type="x"><ctx><a>&lol3;</a></ctx></rtEvent>"#;
        let e = parse(laughs).unwrap_err();
        assert_eq!(e.code, ErrorCode::XmlDtdRefused);
        assert_eq!(e.message, "a DOCTYPE (DTD) is refused (at line 2, column 1)");
        let xxe = r#"<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rtEvent><ctx>&x;</ctx></rtEvent>"#;
        assert_eq!(code(xxe), ErrorCode::XmlDtdRefused);
        assert_eq!(code("<!DOCTYPE rtEvent><rtEvent/>"), ErrorCode::XmlDtdRefused);
        assert_eq!(code("<!DOCTYPE rtEvent SYSTEM 'http://x/y.dtd'><rtEvent/>"), ErrorCode::XmlDtdRefused);
    }

    #[test]
    fn entities_refused() {
        let e = parse("<rtEvent><ctx><a>&lol;</a></ctx></rtEvent>").unwrap_err();
        assert_eq!(e.code, ErrorCode::XmlDtdRefused);
        assert!(e.message.starts_with("entity reference '&lol;' is refused"), "{}", e.message);
        let e = parse("<rtEvent type='&nbsp;'/>").unwrap_err();
        assert_eq!(e.code, ErrorCode::XmlDtdRefused);
        assert!(e.message.contains("'&nbsp;'"), "{}", e.message);
        assert_eq!(code("<rtEvent>&x;</rtEvent>"), ErrorCode::XmlDtdRefused);
    }

    #[test]
    fn processing_instructions_ignored() {
        let evs = parse("<?xml version='1.0'?><?php evil() ?><rtEvent type='a'><?pi x?><ctx>a<?p?>b</ctx></rtEvent><?end?>").unwrap();
        assert_eq!(evs[0].ctx.as_ref().map(|c| c.text.as_str()), Some("ab"));
        assert!(parse("\u{FEFF}<rtEvent/>").is_ok(), "a byte-order mark is fine");
    }

    #[test]
    fn malformed() {
        let cases: &[(&str, &str)] = &[
            ("", "line 1, column 1: no root element"),
            ("   \n ", "line 2, column 2: no root element"),
            ("<rtEvent>", "line 1, column 10: unexpected end of the document: <rtEvent> is not closed"),
            ("<rtEvent>\n  <ctx>\n</rtEvent>", "line 3, column 1: ill-formed document: expected `</ctx>`, but `</rtEvent>` was found"),
            ("</rtEvent>", "line 1, column 1: ill-formed document: close tag `</rtEvent>` does not match any open tag"),
            ("<rtEvent/><rtEvent/>", "line 1, column 11: only one root element is allowed, found <rtEvent> after </rtEvent>"),
            ("hello<rtEvent/>", "line 1, column 1: text is not allowed outside the root element"),
            ("<rtEvent/>&amp;", "line 1, column 11: text is not allowed outside the root element"),
            ("<rtEvent/><![CDATA[x]]>", "line 1, column 11: CDATA is not allowed outside the root element"),
            ("<rtEvent a='1' a='2'/>", "line 1, column 16: duplicated attribute"),
            ("<rtEvent a=1/>", "line 1, column 12: attribute values must be quoted"),
            ("<rtEvent a/>", "line 1, column 11: an attribute name must be followed by '='"),
            ("<rtEvent a='<'/>", "line 1, column 1: '<' is not allowed in the value of attribute 'a'"),
            ("<>", "line 1, column 1: '' is not a valid element name"),
            ("<1a/>", "line 1, column 1: '1a' is not a valid element name"),
            ("<a:/>", "line 1, column 1: 'a:' is not a valid element name"),
            ("<rtEvent 1='x'/>", "line 1, column 1: '1' is not a valid attribute name"),
            (
                "<rtEvent>& x</rtEvent>",
                "line 1, column 10: ill-formed document: entity or character reference not closed: `;` not found before end of input",
            ),
            ("<rtEvent>&;</rtEvent>", "line 1, column 10: empty entity reference '&;'"),
            ("<rtEvent>&#0;</rtEvent>", "line 1, column 10: '&#0;' is not a valid character reference"),
            ("<rtEvent>&#1;</rtEvent>", "line 1, column 10: '&#1;' is not a valid character reference"),
            ("<rtEvent>&#xZZ;</rtEvent>", "line 1, column 10: '&#xZZ;' is not a valid character reference"),
            ("<rtEvent>&#xD800;</rtEvent>", "line 1, column 10: '&#xD800;' is not a valid character reference"),
            ("<é>\n<ü a='&#0;'/></é>", ""),
            ("<rtEvent><!-- a -- b --></rtEvent>", "line 1, column 17: ill-formed document: forbidden string `--` was found in a comment"),
            ("<rtEvent a='x", "line 1, column 1: syntax error: attribute value not closed: `'` not found before end of input"),
            ("<rtEvent a='x'", "line 1, column 1: syntax error: tag not closed: `>` not found before end of input"),
            ("<rtEvent><!-- x", "line 1, column 10: syntax error: comment not closed: `-->` not found before end of input"),
            ("<rtEvent><![CDATA[x", "line 1, column 10: syntax error: CDATA not closed: `]]>` not found before end of input"),
        ];
        for (xml, msg) in cases {
            let e = parse(xml).unwrap_err();
            assert_eq!(e.code, ErrorCode::MalformedXml, "{xml:?}: {}", e.message);
            if !msg.is_empty() {
                assert_eq!(&e.message, msg, "{xml:?}");
            }
        }
        // Columns count characters, not bytes.
        let e = parse("<é><ü>\n  <ö></é>").unwrap_err();
        assert!(e.message.starts_with("line 2, column 6:"), "{}", e.message);
    }

    #[test]
    fn line_col_any_offset() {
        assert_eq!(line_col("ab\ncd", 0), (1, 1));
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("ab\ncd", 999), (2, 3));
        assert_eq!(line_col("é", 1), (1, 2), "inside a character");
    }

    #[test]
    fn document_too_large() {
        let l = Limits { max_document_bytes: 20, ..limits() };
        let e = parse_events("<rtEvent type='aaaaaaaaaaaaa'/>", &l).unwrap_err();
        assert_eq!(e.code, ErrorCode::InputTooLarge);
        assert_eq!(e.message, "the document is 31 bytes, over the limit of 20 bytes");
        assert_eq!(parse_document("<rtEvent type='aaaaaaaaaaaaa'/>", &l).unwrap_err().code, ErrorCode::InputTooLarge);
    }

    #[test]
    fn deep_nesting() {
        let l = Limits { max_depth: 2, ..limits() };
        assert!(parse_events("<E><rtEvent><ctx><a><b/></a></ctx></rtEvent></E>", &l).is_ok());
        let e = parse_events("<E><rtEvent><ctx><a><b><c/></b></a></ctx></rtEvent></E>", &l).unwrap_err();
        assert_eq!(e.code, ErrorCode::InputTooLarge);
        // Single event root: caught by the ctx check after parsing.
        let e = parse_events("<rtEvent><ctx><a><b><c/></b></a></ctx></rtEvent>", &l).unwrap_err();
        assert_eq!(e.code, ErrorCode::InputTooLarge);
        assert_eq!(e.message, "ctx nests elements 3 levels deep, over the limit of 2 levels");
        // Hostile: a million levels stops at the limit, without recursion.
        let n = 1_000_000;
        let deep = format!("<rtEvent><ctx>{}{}</ctx></rtEvent>", "<a>".repeat(n), "</a>".repeat(n));
        let e = parse(&deep).unwrap_err();
        assert_eq!(e.code, ErrorCode::InputTooLarge);
        assert_eq!(e.message, "element <a> at line 1, column 114 is nested 36 levels deep, over the limit of 35 levels");
        let unclosed = "<a>".repeat(n);
        assert_eq!(code(&unclosed), ErrorCode::InputTooLarge);
        assert_eq!(parse_document(&deep, &limits()).unwrap_err().code, ErrorCode::InputTooLarge);
    }

    #[test]
    fn huge_values() {
        let l = Limits { max_value_bytes: 8, ..limits() };
        assert!(parse_events("<rtEvent type='12345678'><ctx><a>12345678</a></ctx></rtEvent>", &l).is_ok());
        let e = parse_events("<rtEvent type='123456789'/>", &l).unwrap_err();
        assert_eq!(e.code, ErrorCode::InputTooLarge);
        assert_eq!(e.message, "attribute 'type' of <rtEvent> at line 1, column 1 is 9 bytes, over the limit of 8 bytes");
        let e = parse_events("<rtEvent><ctx><a>1234<!-- -->56789</a></ctx></rtEvent>", &l).unwrap_err();
        assert_eq!(e.code, ErrorCode::InputTooLarge);
        assert_eq!(e.message, "the text of <a> at line 1, column 30 is over the limit of 8 bytes");
        let e = parse_events("<rtEvent><ctx><a><![CDATA[123456789]]></a></ctx></rtEvent>", &l).unwrap_err();
        assert_eq!(e.code, ErrorCode::InputTooLarge);
        // Whitespace that is dropped does not count.
        let spaces = format!("<rtEvent>{}<ctx/></rtEvent>", " ".repeat(100));
        assert!(parse_events(&spaces, &l).is_ok());
        // Default limit, 16 KiB.
        let big = format!("<rtEvent><ctx><a>{}</a></ctx></rtEvent>", "x".repeat(16 * 1024 + 1));
        assert_eq!(code(&big), ErrorCode::InputTooLarge);
        let big = format!("<rtEvent email='{}'/>", "&amp;".repeat(16 * 1024 + 1));
        assert_eq!(code(&big), ErrorCode::InputTooLarge);
    }

    #[test]
    fn ctx_too_large() {
        let items: String = (0..7000).map(|i| format!("<i n=\"{i:04}\"/>")).collect();
        let xml = format!("<E><rtEvent/><rtEvent type='t'><ctx>{items}</ctx></rtEvent></E>");
        let e = parse(&xml).unwrap_err();
        assert_eq!(e.code, ErrorCode::CtxTooLarge);
        assert_eq!(e.message, "event 2 of 2: ctx is 91011 bytes, over the limit of 65536 bytes");
    }

    #[test]
    fn mobile_app_without_uuid() {
        let evs = parse("<rtEvent><mobileApp id='1'/></rtEvent>").unwrap();
        assert_eq!(evs[0].mobile_app, None);
    }
}
