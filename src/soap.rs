//! Campaign's SOAP wire format for Message Center (reference §3): reading a `PushEvent` /
//! `PushEvents` envelope exactly as integrators' code sends it, and writing the reply Campaign
//! gives (the response envelope with `plId`, or a `SOAP-ENV:Fault`). Pure text in, text out: the
//! push itself is the push operation's (see `ops::push`), the HTTP side is the host's.
//!
//! What is read, and how tolerantly (as the product appears to be, [I] in the reference):
//! - the envelope in any namespace prefix (SOAP 1.1 or 1.2), an optional `Header`, the method as
//!   the first element child of `Body`;
//! - the service from the method element's namespace (`urn:nms:rtEvent`, `urn:nms:batchEvent`),
//!   else from the `SOAPAction` (`nms:rtEvent#PushEvent`);
//! - parameters by position, whatever their names or prefixes: the session token, then the event
//!   (`domEvent`: its element child, `rtEvent`, `batchEvent` or any name) or the collection
//!   (`domEventCollection`: its element child, a wrapper of any name, whose children are the
//!   events); the queue is the service's, whatever the element names;
//! - `wishedChannel` by number or name (as the push operation takes it).
//!
//! Authentication is the host's (a refused logon's fault comes with the service that checks it).
//! Choices where the product is not documented ([U], docs/service.md): the texts of faults other
//! than the documented malformed-XML one, HTTP 500 for every fault (SOAP 1.1), the `PushEventsResponse`
//! (empty, or with the ids when `soapPushEventsIds` is set), and a method name other than
//! `PushEvent`/`PushEvents` answered `plId` 0 with HTTP 200, as the reference says the product does.

use crate::error::{Error, ErrorCode};
use crate::input::xml::{localize, parse_document};
use crate::input::{Limits, Queue};
use crate::tree::{excerpt, Node};

/// A SOAP service of the router: the two Message Center event services, and the xtk services
/// that clients call before and after pushing (logon, schemas, queries).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// `nms:rtEvent`, namespace `urn:nms:rtEvent`.
    RtEvent,
    /// `nms:batchEvent`, namespace `urn:nms:batchEvent`.
    BatchEvent,
    /// `xtk:session` (Logon, Logoff).
    Session,
    /// `xtk:persist` (GetEntityIfMoreRecent).
    Persist,
    /// `xtk:queryDef` (ExecuteQuery).
    QueryDef,
}

impl Service {
    const ALL: [Service; 5] = [Service::RtEvent, Service::BatchEvent, Service::Session, Service::Persist, Service::QueryDef];

    /// `nms:rtEvent`, `xtk:session`…
    pub fn name(self) -> &'static str {
        match self {
            Service::RtEvent => "nms:rtEvent",
            Service::BatchEvent => "nms:batchEvent",
            Service::Session => "xtk:session",
            Service::Persist => "xtk:persist",
            Service::QueryDef => "xtk:queryDef",
        }
    }

    /// `urn:nms:rtEvent`, `urn:xtk:session`…
    pub fn urn(self) -> &'static str {
        match self {
            Service::RtEvent => "urn:nms:rtEvent",
            Service::BatchEvent => "urn:nms:batchEvent",
            Service::Session => "urn:xtk:session",
            Service::Persist => "urn:xtk:persist",
            Service::QueryDef => "urn:xtk:queryDef",
        }
    }

    /// The queue of an event service's events.
    pub fn queue(self) -> Option<Queue> {
        match self {
            Service::RtEvent => Some(Queue::Rt),
            Service::BatchEvent => Some(Queue::Batch),
            _ => None,
        }
    }

    fn of_urn(urn: &str) -> Option<Service> {
        let u = urn.trim();
        Service::ALL.into_iter().find(|s| s.urn() == u)
    }

    /// The service of a schema name (`nms:rtEvent`).
    pub fn of_name(name: &str) -> Option<Service> {
        let n = name.trim();
        Service::ALL.into_iter().find(|s| s.name() == n)
    }
}

/// A method of the event services.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Method {
    /// One event (`domEvent`), answered with its `plId`.
    PushEvent,
    /// Several events (`domEventCollection`).
    PushEvents,
    /// Any other name: answered `plId` 0 (reference §3.5, "Wrong method name").
    Other(String),
}

impl Method {
    /// The name as written in the envelope.
    pub fn name(&self) -> &str {
        match self {
            Method::PushEvent => "PushEvent",
            Method::PushEvents => "PushEvents",
            Method::Other(n) => n,
        }
    }
}

/// A call read from an envelope.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// The service.
    pub service: Service,
    /// The method.
    pub method: Method,
    /// The first parameter (`sessiontoken`), trimmed; the host authenticates it.
    pub session_token: String,
    /// The event (`PushEvent`) or the collection wrapper (`PushEvents`), with local element names;
    /// None for [`Method::Other`].
    pub document: Option<Node>,
}

/// A SOAP fault, as Campaign shapes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// The service it answers for (the envelope's namespace uses it).
    pub service: Service,
    /// `SOAP-ENV:Client` or `SOAP-ENV:Server`.
    pub code: &'static str,
    /// `faultstring`.
    pub string: String,
    /// `detail`.
    pub detail: String,
    /// The request, echoed after the detail in CDATA (malformed XML only, as the product does).
    pub echo: Option<String>,
    /// The engine's error code behind it, for hosts and tests.
    pub error: ErrorCode,
}

/// A reply: HTTP status, and the envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// 200, or 500 for a fault.
    pub status: u16,
    /// The response envelope.
    pub body: String,
}

/// The `Content-Type` of replies.
pub const CONTENT_TYPE: &str = "text/xml; charset=utf-8";

const SOAP_ENV: &str = "http://schemas.xmlsoap.org/soap/envelope/";

/// The local part of a qualified name.
pub(crate) fn local_name(name: &str) -> &str {
    local(name)
}

fn local(name: &str) -> &str {
    name.split_once(':').map_or(name, |(_, l)| l)
}

fn prefix(name: &str) -> Option<&str> {
    name.split_once(':').map(|(p, _)| p)
}

/// The namespace URI bound to `pfx` (None: the default namespace) by the element at the end of
/// `path` or one of its ancestors.
fn namespace<'a>(path: &[&'a Node], pfx: Option<&str>) -> Option<&'a str> {
    let attr = match pfx {
        Some(p) => format!("xmlns:{p}"),
        None => "xmlns".to_string(),
    };
    path.iter().rev().find_map(|n| n.attrs.iter().find(|(k, _)| *k == attr).map(|(_, v)| v.as_str()))
}

/// The service a `SOAPAction` names (`"nms:rtEvent#PushEvent"`, quotes optional), if any.
fn service_of_action(action: Option<&str>) -> Option<(Service, &str)> {
    let a = action?.trim().trim_matches('"');
    let (service, method) = a.split_once('#')?;
    Some((Service::of_name(service)?, method))
}

/// The words the product uses in its "invalid message" fault: `(service '<method>', method
/// '<service>')`, the two swapped as in the product (reference §3.5).
fn invalid_message(method: &str, service: Service) -> String {
    format!("The XML SOAP message is invalid (service '{method}', method '{}').", service.name())
}

pub(crate) fn reading_parameters(method: &str, service: Service) -> String {
    format!("Error while reading parameters of method '{method}' of service '{}'.", service.name())
}

pub(crate) fn executing(method: &str, service: Service) -> String {
    format!("Error while executing the method '{method}' of service '{}'.", service.name())
}

/// The fault for a request that is not a well-formed SOAP message.
fn malformed_fault(e: &Error, text: &str, method: &str, service: Service) -> Fault {
    let detail = match &e.at {
        // The product writes the position as "(line:column) : message".
        Some(at) => {
            let what = e.message.split_once(": ").map_or(e.message.as_str(), |(_, w)| w);
            format!("({}:{}) : {what}", at.line, at.column)
        }
        None => e.message.clone(),
    };
    Fault {
        service,
        code: "SOAP-ENV:Client",
        string: invalid_message(method, service),
        detail,
        echo: Some(text.to_string()),
        error: e.code,
    }
}

fn not_a_message(what: String, text: &str, method: &str, service: Service) -> Fault {
    Fault {
        service,
        code: "SOAP-ENV:Client",
        string: invalid_message(method, service),
        detail: what,
        echo: Some(text.to_string()),
        error: ErrorCode::MalformedXml,
    }
}

/// An envelope read: the service and method it calls, and its parameters by position.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    /// The service (from the method element's namespace, else the `SOAPAction`).
    pub service: Service,
    /// The method's local name.
    pub method: String,
    /// The first parameter (`sessiontoken`), trimmed.
    pub session_token: String,
    /// Whether the method element has a first parameter at all.
    pub has_session_token: bool,
    /// Every parameter after the session token, in order, whatever their names.
    pub params: Vec<Node>,
    /// The `X-Security-Token` of the SOAP header, if any.
    pub header_security: Option<String>,
}

impl Envelope {
    /// The text of the parameter at `i` (after the session token), trimmed; empty if absent.
    pub fn text(&self, i: usize) -> &str {
        self.params.get(i).map_or("", |p| p.text.trim())
    }

    /// The element held by the parameter at `i` (a DOMDocument / DOMElement), if it holds one.
    pub fn element(&self, i: usize) -> Option<&Node> {
        self.params.get(i).and_then(|p| p.children.first())
    }
}

/// Reads an envelope of any service. `soap_action` is the HTTP `SOAPAction` header (or the
/// `?soapAction=` of the URL), when there is one. A request that cannot be read is a [`Fault`]:
/// malformed XML with its position and the request echoed, something other than an envelope, a
/// service the router does not know.
pub fn read_envelope(text: &str, soap_action: Option<&str>, limits: &Limits) -> Result<Envelope, Box<Fault>> {
    let hinted = service_of_action(soap_action);
    let fallback_service = hinted.map_or(Service::RtEvent, |(s, _)| s);
    let fallback_method = hinted.map_or("PushEvent", |(_, m)| m);
    let root = match parse_document(text, limits) {
        Ok(r) => r,
        Err(e) if e.code == ErrorCode::MalformedXml => return Err(Box::new(malformed_fault(&e, text, fallback_method, fallback_service))),
        Err(e) => {
            return Err(Box::new(Fault {
                service: fallback_service,
                code: "SOAP-ENV:Client",
                string: invalid_message(fallback_method, fallback_service),
                detail: e.message.clone(),
                echo: None,
                error: e.code,
            }))
        }
    };
    let fail = |what: String| Box::new(not_a_message(what, text, fallback_method, fallback_service));
    if local(&root.name) != "Envelope" {
        return Err(fail(format!("the root element is <{}>, expected a SOAP <Envelope>", excerpt(&root.name))));
    }
    let header_security = root
        .children
        .iter()
        .find(|c| local(&c.name) == "Header")
        .and_then(|h| h.children.iter().find(|c| local(&c.name) == "X-Security-Token"))
        .map(|t| t.text.trim().to_string())
        .filter(|t| !t.is_empty());
    let mut bodies = root.children.iter().filter(|c| local(&c.name) == "Body");
    let Some(body) = bodies.next() else {
        return Err(fail("the envelope has no <Body>".to_string()));
    };
    if bodies.next().is_some() {
        return Err(fail("the envelope has two <Body> elements: one call per envelope".to_string()));
    }
    let Some(call) = body.children.first() else {
        return Err(fail("the <Body> holds no method element".to_string()));
    };
    let method = local(&call.name).to_string();
    let path = [&root, body, call];
    // Namespaces in XML: a prefix must be bound (on the element or an ancestor).
    for (i, n) in path.iter().enumerate() {
        if let Some(p) = prefix(&n.name) {
            if p != "xml" && namespace(&path[..=i], Some(p)).is_none() {
                return Err(fail(format!(
                    "the prefix '{}' of <{}> is bound to no namespace (xmlns:{} is missing)",
                    excerpt(p),
                    excerpt(&n.name),
                    excerpt(p)
                )));
            }
        }
    }
    let ns = namespace(&path, prefix(&call.name)).map(str::trim).filter(|u| !u.is_empty());
    // The method's namespace names the service; only a method in no namespace takes the
    // SOAPAction's (a namespace the router does not serve is not overridden by the header).
    let served = match ns {
        Some(u) => Service::of_urn(u),
        None => hinted.map(|(s, _)| s),
    };
    let service = match served {
        Some(s) => s,
        None => {
            let what = match ns {
                Some(u) => format!("SOP-330006 The service '{}' is unknown: this server offers nms:rtEvent, nms:batchEvent, xtk:session, xtk:persist and xtk:queryDef", excerpt(u.trim().trim_start_matches("urn:"))),
                None => "the method element has no namespace and no SOAPAction names the service (e.g. nms:rtEvent)".to_string(),
            };
            return Err(Box::new(Fault {
                service: fallback_service,
                code: "SOAP-ENV:Client",
                string: reading_parameters(&method, fallback_service),
                detail: what,
                echo: None,
                error: ErrorCode::InvalidArgument,
            }));
        }
    };
    let has_session_token = !call.children.is_empty();
    let mut children = call.children.iter();
    let session_token = children.next().map(|t| t.text.trim().to_string()).unwrap_or_default();
    let params = children.cloned().collect();
    Ok(Envelope { service, method, session_token, has_session_token, params, header_security })
}

/// Reads a `PushEvent` / `PushEvents` envelope of an event service (see [`read_envelope`]); a
/// call of another service, or without its parameters, is a [`Fault`].
#[cfg(test)]
pub fn parse(text: &str, soap_action: Option<&str>, limits: &Limits) -> Result<Call, Box<Fault>> {
    event_call(read_envelope(text, soap_action, limits)?)
}

/// The call of an event service's envelope.
pub fn event_call(env: Envelope) -> Result<Call, Box<Fault>> {
    let Envelope { service, method: method_name, session_token, has_session_token, params, .. } = env;
    let Some(queue) = service.queue() else {
        return Err(Box::new(Fault {
            service,
            code: "SOAP-ENV:Client",
            string: reading_parameters(&method_name, service),
            detail: format!("'{}' is not a Message Center event service", service.name()),
            echo: None,
            error: ErrorCode::InvalidArgument,
        }));
    };
    let method = match method_name.as_str() {
        "PushEvent" => Method::PushEvent,
        "PushEvents" => Method::PushEvents,
        other => Method::Other(other.to_string()),
    };
    let params_fault = |detail: String| {
        Box::new(Fault {
            service,
            code: "SOAP-ENV:Client",
            string: reading_parameters(&method_name, service),
            detail,
            echo: None,
            error: ErrorCode::InvalidEvent,
        })
    };
    if matches!(method, Method::Other(_)) {
        return Ok(Call { service, method, session_token, document: None });
    }
    let (param, what) = match method {
        Method::PushEvent => ("domEvent", "the event (e.g. <rtEvent>)"),
        _ => ("domEventCollection", "the collection (e.g. <Events>)"),
    };
    if !has_session_token {
        return Err(params_fault(format!("the parameters 'sessiontoken' and '{param}' are missing")));
    }
    let Some(doc_param) = params.first() else {
        return Err(params_fault(format!("the parameter '{param}' (the second) is missing")));
    };
    let mut elements = doc_param.children.iter();
    let (Some(doc), None) = (elements.next(), elements.next()) else {
        let n = doc_param.children.len();
        return Err(params_fault(if n == 0 {
            format!("the parameter '{param}' holds no element: it must hold {what}")
        } else {
            format!("the parameter '{param}' holds {n} elements: it must hold one, {what}")
        }));
    };
    let mut doc = doc.clone();
    localize(&mut doc);
    // The queue is the service's: the event element of PushEvent, and each child of the collection,
    // is an event of that schema whatever its name.
    let element = match queue {
        Queue::Rt => "rtEvent",
        Queue::Batch => "batchEvent",
    };
    match method {
        Method::PushEvent => doc.name = element.to_string(),
        _ => {
            for c in &mut doc.children {
                c.name = element.to_string();
            }
            // A wrapper named like an event would be read as one.
            if doc.name == "rtEvent" || doc.name == "batchEvent" {
                doc.name = "Events".to_string();
            }
        }
    }
    Ok(Call { service, method, session_token, document: Some(doc) })
}

/// Escapes text for element content and attribute values.
pub(crate) fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            _ => o.push(ch),
        }
    }
    o
}

pub(crate) fn envelope(service: Service, body: &str) -> String {
    format!(
        "<SOAP-ENV:Envelope xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"\n    xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n    xmlns:ns=\"{}\"\n    xmlns:SOAP-ENV=\"{SOAP_ENV}\">\n  <SOAP-ENV:Body>\n{body}  </SOAP-ENV:Body>\n</SOAP-ENV:Envelope>\n",
        service.urn()
    )
}

/// The reply to a PushEvent: `plId`, the event's id (0 for an unknown method).
pub fn push_event_reply(service: Service, id: u64) -> Reply {
    let body = format!(
        "    <PushEventResponse xmlns=\"{}\"\n        SOAP-ENV:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\">\n      <plId xsi:type=\"xsd:long\">{id}</plId>\n    </PushEventResponse>\n",
        service.urn()
    );
    Reply { status: 200, body: envelope(service, &body) }
}

/// The reply to a PushEvents: an empty `PushEventsResponse`, or one `plId` per event when `ids`.
pub fn push_events_reply(service: Service, ids: &[u64], with_ids: bool) -> Reply {
    let urn = service.urn();
    let body = if with_ids {
        let mut b = format!(
            "    <PushEventsResponse xmlns=\"{urn}\"\n        SOAP-ENV:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\">\n"
        );
        for id in ids {
            b.push_str(&format!("      <plId xsi:type=\"xsd:long\">{id}</plId>\n"));
        }
        b.push_str("    </PushEventsResponse>\n");
        b
    } else {
        format!("    <PushEventsResponse xmlns=\"{urn}\"\n        SOAP-ENV:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"/>\n")
    };
    Reply { status: 200, body: envelope(service, &body) }
}

/// CDATA of any text (a `]]>` inside is split across two sections).
fn cdata(s: &str) -> String {
    format!("<![CDATA[{}]]>", s.replace("]]>", "]]]]><![CDATA[>"))
}

/// The reply carrying a fault (HTTP 500).
pub fn fault_reply(f: &Fault) -> Reply {
    let echo = f.echo.as_deref().map(cdata).unwrap_or_default();
    let body = format!(
        "    <SOAP-ENV:Fault>\n      <faultcode>{}</faultcode>\n      <faultstring xsi:type=\"xsd:string\">{}</faultstring>\n      <detail xsi:type=\"xsd:string\">{}{echo}</detail>\n    </SOAP-ENV:Fault>\n",
        f.code,
        escape(&f.string),
        escape(&f.detail)
    );
    Reply { status: 500, body: envelope(f.service, &body) }
}

/// The fault a test harness answers in place of a call: `SOAP-ENV:Server`, in the words of the
/// call's service and method (from its `SOAPAction`; `nms:rtEvent#PushEvent` without one).
pub fn injected_fault(soap_action: Option<&str>) -> Fault {
    let a = soap_action.unwrap_or("").trim().trim_matches('"');
    let (service, method) =
        a.split_once('#').map_or((Service::RtEvent, "PushEvent"), |(s, m)| (Service::of_name(s).unwrap_or(Service::RtEvent), m));
    Fault {
        service,
        code: "SOAP-ENV:Server",
        string: executing(&excerpt(method), service),
        detail: "A fault injected by the test harness (POST /__mc/faults).".into(),
        echo: None,
        error: ErrorCode::Busy,
    }
}

/// The fault of an event the engine refused (a bad email, an unknown type…): the engine's code
/// and message in the detail ([U]: the product's text is not documented).
pub fn refused_fault(service: Service, method: &str, e: &Error) -> Fault {
    Fault {
        service,
        code: "SOAP-ENV:Client",
        string: executing(method, service),
        detail: format!("{}: {}", e.code.as_str(), e.message),
        echo: None,
        error: e.code,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PUSH: &str = r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
                  xmlns:urn="urn:nms:rtEvent">
  <soapenv:Header/>
  <soapenv:Body>
    <urn:PushEvent>
      <urn:sessiontoken>mc/</urn:sessiontoken>
      <urn:domEvent>
        <rtEvent type="order_confirmation" email="john.doe@example.com"
                 origin="eCommerce" wishedChannel="0" externalId="1242"
                 mobilePhone="+33620202020" emailFormat="2">
          <ctx>
            <client><firstname>John</firstname><lastname>Doe</lastname></client>
          </ctx>
        </rtEvent>
      </urn:domEvent>
    </urn:PushEvent>
  </soapenv:Body>
</soapenv:Envelope>"#;

    fn limits() -> Limits {
        Limits::default()
    }

    #[test]
    fn reads_the_documented_push_event() {
        let c = parse(PUSH, None, &limits()).unwrap();
        assert_eq!((c.service, c.method.clone(), c.session_token.as_str()), (Service::RtEvent, Method::PushEvent, "mc/"));
        let d = c.document.unwrap();
        assert_eq!(d.name, "rtEvent");
        assert_eq!(d.children[0].name, "ctx");
    }

    #[test]
    fn any_prefix_default_namespace_unqualified_parameters_any_root() {
        let text = r#"<S:Envelope xmlns:S="http://www.w3.org/2003/05/soap-envelope"><S:Body>
            <PushEvent xmlns="urn:nms:batchEvent"><token>mc/secret</token><event><myEvent type="t" email="a@b.co"><ctx/></myEvent></event></PushEvent>
            </S:Body></S:Envelope>"#;
        let c = parse(text, None, &limits()).unwrap();
        assert_eq!(c.service, Service::BatchEvent);
        assert_eq!(c.session_token, "mc/secret");
        assert_eq!(c.document.unwrap().name, "batchEvent", "any root is an event of the service's queue");
    }

    #[test]
    fn service_from_soap_action_when_the_method_has_no_namespace() {
        let text =
            "<Envelope><Body><PushEvents><a/><b><Events><rtEvent type=\"t\"/><x type=\"u\"/></Events></b></PushEvents></Body></Envelope>";
        let c = parse(text, Some("\"nms:batchEvent#PushEvents\""), &limits()).unwrap();
        assert_eq!((c.service, c.method.clone()), (Service::BatchEvent, Method::PushEvents));
        let d = c.document.unwrap();
        assert_eq!(d.name, "Events");
        assert!(d.children.iter().all(|e| e.name == "batchEvent"));
        let f = parse(text, None, &limits()).unwrap_err();
        assert_eq!(f.string, "Error while reading parameters of method 'PushEvents' of service 'nms:rtEvent'.");
        assert!(f.detail.contains("no namespace"), "{}", f.detail);
    }

    #[test]
    fn malformed_xml_is_the_documented_fault_with_position_and_echo() {
        let text = "<soapenv:Envelope xmlns:soapenv=\"x\">\n<soapenv:Body>\n<rtEvent>\n</rtevent>";
        let f = parse(text, Some("nms:rtEvent#PushEvent"), &limits()).unwrap_err();
        assert_eq!(f.code, "SOAP-ENV:Client");
        assert_eq!(f.string, "The XML SOAP message is invalid (service 'PushEvent', method 'nms:rtEvent').");
        assert!(f.detail.starts_with("(4:"), "{}", f.detail);
        assert_eq!(f.echo.as_deref(), Some(text));
        let r = fault_reply(&f);
        assert_eq!(r.status, 500);
        assert!(r.body.contains("<![CDATA[<soapenv:Envelope"), "{}", r.body);
    }

    #[test]
    fn not_an_envelope_and_missing_parameters() {
        for (text, want) in [
            ("<rtEvent type=\"t\"><ctx/></rtEvent>", "expected a SOAP <Envelope>"),
            ("<Envelope/>", "no <Body>"),
            ("<Envelope><Body/></Envelope>", "no method element"),
        ] {
            let f = parse(text, None, &limits()).unwrap_err();
            assert!(f.detail.contains(want), "{text}: {}", f.detail);
        }
        let ns = "xmlns=\"urn:nms:rtEvent\"";
        for (text, want) in [
            (format!("<Envelope><Body><PushEvent {ns}/></Body></Envelope>"), "'sessiontoken' and 'domEvent' are missing"),
            (format!("<Envelope><Body><PushEvent {ns}><t/></PushEvent></Body></Envelope>"), "'domEvent' (the second) is missing"),
            (format!("<Envelope><Body><PushEvent {ns}><t/><d/></PushEvent></Body></Envelope>"), "holds no element"),
            (format!("<Envelope><Body><PushEvents {ns}><t/><d><a/><b/></d></PushEvents></Body></Envelope>"), "holds 2 elements"),
        ] {
            let f = parse(&text, None, &limits()).unwrap_err();
            assert!(f.detail.contains(want), "{text}: {}", f.detail);
            assert!(f.string.starts_with("Error while reading parameters of method 'PushEvent"), "{}", f.string);
        }
        let f = parse("<Envelope><Body><PushEvent xmlns=\"urn:xtk:session\"/></Body></Envelope>", None, &limits()).unwrap_err();
        assert!(f.detail.contains("'xtk:session' is not a Message Center event service"), "{}", f.detail);
        let f = parse("<Envelope><Body><PushEvent xmlns=\"urn:nms:recipient\"/></Body></Envelope>", None, &limits()).unwrap_err();
        assert!(f.detail.starts_with("SOP-330006 The service 'nms:recipient' is unknown"), "{}", f.detail);
    }

    #[test]
    fn hostile_input_is_a_fault_not_a_panic() {
        let bomb = "<!DOCTYPE x [<!ENTITY a \"aaaa\">]><Envelope><Body>&a;</Body></Envelope>";
        assert_eq!(parse(bomb, None, &limits()).unwrap_err().error, ErrorCode::XmlDtdRefused);
        let small = Limits { max_document_bytes: 10, ..Limits::default() };
        assert_eq!(parse(PUSH, None, &small).unwrap_err().error, ErrorCode::InputTooLarge);
        let deep = format!("<Envelope><Body>{}{}</Body></Envelope>", "<a>".repeat(10_000), "</a>".repeat(10_000));
        assert_eq!(parse(&deep, None, &limits()).unwrap_err().error, ErrorCode::InputTooLarge);
        let f = parse("", None, &limits()).unwrap_err();
        assert_eq!(f.code, "SOAP-ENV:Client");
    }

    #[test]
    fn replies_are_the_documented_envelopes() {
        let r = push_event_reply(Service::RtEvent, 72057594037935966);
        assert_eq!(r.status, 200);
        assert_eq!(
            r.body,
            r#"<SOAP-ENV:Envelope xmlns:xsd="http://www.w3.org/2001/XMLSchema"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xmlns:ns="urn:nms:rtEvent"
    xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/">
  <SOAP-ENV:Body>
    <PushEventResponse xmlns="urn:nms:rtEvent"
        SOAP-ENV:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">
      <plId xsi:type="xsd:long">72057594037935966</plId>
    </PushEventResponse>
  </SOAP-ENV:Body>
</SOAP-ENV:Envelope>
"#
        );
        let e = push_events_reply(Service::BatchEvent, &[1, 2], false);
        assert!(e.body.contains("<PushEventsResponse xmlns=\"urn:nms:batchEvent\"\n        SOAP-ENV:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"/>"), "{}", e.body);
        let ids = push_events_reply(Service::BatchEvent, &[1, 2], true);
        assert_eq!(ids.body.matches("<plId xsi:type=\"xsd:long\">").count(), 2);
        let f = refused_fault(Service::RtEvent, "PushEvent", &Error::new(ErrorCode::InvalidEmail, "bad"));
        let r = fault_reply(&f);
        assert!(r.body.contains(
            "<faultstring xsi:type=\"xsd:string\">Error while executing the method 'PushEvent' of service 'nms:rtEvent'.</faultstring>"
        ));
        assert!(r.body.contains("<detail xsi:type=\"xsd:string\">INVALID_EMAIL: bad</detail>"));
        // Fault texts are escaped; a ]]> in the echo does not end the CDATA early.
        let f = Fault {
            service: Service::RtEvent,
            code: "SOAP-ENV:Client",
            string: "a<b".into(),
            detail: "&".into(),
            echo: Some("x]]>y".into()),
            error: ErrorCode::MalformedXml,
        };
        let r = fault_reply(&f);
        assert!(r.body.contains("a&lt;b") && r.body.contains("&amp;<![CDATA[x]]]]><![CDATA[>y]]>"), "{}", r.body);
    }
}
