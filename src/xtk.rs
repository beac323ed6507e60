//! The xtk services a Campaign client calls around its pushes (SDK contract §2, §3.2, §5, §6):
//! `xtk:session#Logon` / `Logoff`, `xtk:persist#GetEntityIfMoreRecent` (the schemas of the
//! services, which Adobe's SDK loads before its first call), `xtk:queryDef#ExecuteQuery` on
//! `nms:rtEvent` / `nms:batchEvent` (an event's status and dates), the faults of a refused caller,
//! and the WSDL of the event services. Text in, text out, as `soap`.
//!
//! What the replies must look like for Adobe's SDK (it compares literal names): the result element
//! `<{Method}Response>` without prefix, in a default namespace; `xsi:type` written literally
//! (`xsd:string`, `xsd:long`, `ns:Element`); a Logon's session info with both `<serverInfo>` and
//! `<userInfo>`; never an empty `pdomOutput`.

use crate::error::ErrorCode;
use crate::soap::{envelope, escape, executing, reading_parameters, Fault, Reply, Service};
use crate::tree::{excerpt, Node};
use crate::views::EventView;

const ENCODING: &str = "SOAP-ENV:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"";
const LITERAL: &str = "SOAP-ENV:encodingStyle=\"http://xml.apache.org/xml-soap/literalxml\"";

/// What the server says of itself in a Logon's `serverInfo` ([U]: a 7.4 build, as the SDK reads it).
pub const SERVER_INFO: (&str, &str, &str, &str) = ("9383", "7", "4", "1");

fn response(service: Service, method: &str, inner: &str) -> Reply {
    let body = if inner.is_empty() {
        format!("    <{method}Response xmlns=\"{}\" {ENCODING}/>\n", service.urn())
    } else {
        format!("    <{method}Response xmlns=\"{}\" {ENCODING}>\n{inner}    </{method}Response>\n", service.urn())
    };
    Reply { status: 200, body: envelope(service, &body) }
}

/// The reply to a Logon: the session token, the session info, the security token.
pub fn logon_reply(session: &str, security: &str, login: &str, now: i64, timeout_ms: i64, instance: &str) -> Reply {
    let (build, maj, min, sp) = SERVER_INFO;
    let secs = timeout_ms / 1000;
    let inner = format!(
        "      <pstrSessionToken xsi:type=\"xsd:string\">{}</pstrSessionToken>\n      <pSessionInfo xsi:type=\"ns:Element\" {LITERAL}><sessionInfo><serverInfo buildNumber=\"{build}\" majNumber=\"{maj}\" minNumber=\"{min}\" servicePack=\"{sp}\" instanceName=\"{}\" releaseName=\"{maj}.{min}.{sp}\" serverDate=\"{}\" sessionTimeOut=\"{secs}\" securityTimeOut=\"{secs}\"/><userInfo login=\"{}\" loginId=\"{}\" loginCS=\"{}\" timezone=\"UTC\" locale=\"en\" instanceLocale=\"en\"><login-right right=\"admin\"/><installed-package namespace=\"nms\" name=\"messageCenter\"/></userInfo></sessionInfo></pSessionInfo>\n      <pstrSecurityToken xsi:type=\"xsd:string\">{}</pstrSecurityToken>\n",
        escape(session),
        escape(instance),
        crate::dates::format_campaign(now),
        escape(login),
        login_id(login),
        escape(&format!("{login} ({login})")),
        escape(security),
    );
    response(Service::Session, "Logon", &inner)
}

/// A stable operator id of a login ([U]: Campaign's ids are database keys).
fn login_id(login: &str) -> u32 {
    // FNV-1a, folded to a positive 31-bit id.
    let mut h: u32 = 0x811c_9dc5;
    for b in login.bytes() {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    (h & 0x7fff_ffff).max(1)
}

/// The reply to a Logoff.
pub fn logoff_reply() -> Reply {
    response(Service::Session, "Logoff", "")
}

/// A refused Logon (contract §7.1): `XSV-350022`.
pub fn logon_fault() -> Fault {
    Fault {
        service: Service::Session,
        code: "SOAP-ENV:Client",
        string: "XSV-350022 Invalid login or password. Connection denied.".into(),
        detail: executing("Logon", Service::Session),
        echo: None,
        error: ErrorCode::AccessDenied,
    }
}

/// A call refused for its login (reference §3.5: the documented PushEvent fault, in the same words
/// for every method).
pub fn login_fault(service: Service, method: &str) -> Fault {
    Fault {
        service,
        code: "SOAP-ENV:Client",
        string: reading_parameters(method, service),
        detail: "Invalid login or password. Connection denied.".into(),
        echo: None,
        error: ErrorCode::AccessDenied,
    }
}

/// A call refused for its session (contract §7.3: `XSV-350008`, which the SDK reads as an expired
/// session and may reconnect on).
pub fn session_fault(service: Service, method: &str) -> Fault {
    Fault {
        service,
        code: "SOAP-ENV:Client",
        string: "XSV-350008 Session has expired or is invalid. Please reconnect.".into(),
        detail: executing(method, service),
        echo: None,
        error: ErrorCode::SessionInvalid,
    }
}

/// A method the service does not have ([U]: the product's text is not documented).
pub fn unknown_method_fault(service: Service, method: &str) -> Fault {
    Fault {
        service,
        code: "SOAP-ENV:Client",
        string: reading_parameters(method, service),
        detail: format!("SOP-330006 The method '{}' of service '{}' is unknown.", excerpt(method), service.name()),
        echo: None,
        error: ErrorCode::InvalidArgument,
    }
}

/// A refused parameter of a method.
fn param_fault(service: Service, method: &str, detail: String, error: ErrorCode) -> Fault {
    Fault { service, code: "SOAP-ENV:Client", string: reading_parameters(method, service), detail, echo: None, error }
}

/// The compiled schema of an entity key (`xtk:schema|nms:rtEvent`), as GetEntityIfMoreRecent
/// returns it; None for an entity the server does not have.
pub fn schema_of(pk: &str) -> Option<String> {
    let id = pk.trim().strip_prefix("xtk:schema|")?;
    let push = |name: &str, element: &str| {
        format!(
            "<schema namespace=\"nms\" name=\"{name}\" label=\"{}\" mappingType=\"sql\"><element name=\"{name}\" label=\"{}\">{}</element><methods><method name=\"PushEvent\" static=\"true\"><parameters><param name=\"{element}\" type=\"DOMDocument\" desc=\"Event\"/><param name=\"id\" type=\"int64\" inout=\"out\" desc=\"Technical identifier of the inserted event\"/></parameters></method><method name=\"PushEvents\" static=\"true\"><parameters><param name=\"eventCollection\" type=\"DOMDocument\" desc=\"Event collection\"/></parameters></method></methods></schema>",
            if name == "rtEvent" { "Real time events" } else { "Batch events" },
            if name == "rtEvent" { "Real time event" } else { "Batch event" },
            EVENT_ATTRIBUTES.iter().map(|(a, t, l)| format!("<attribute name=\"{a}\" type=\"{t}\" label=\"{l}\"/>")).collect::<String>(),
        )
    };
    Some(match id {
        "nms:rtEvent" => push("rtEvent", "event"),
        "nms:batchEvent" => push("batchEvent", "event"),
        "xtk:queryDef" => "<schema namespace=\"xtk\" name=\"queryDef\" label=\"Query\"><element name=\"queryDef\"/><methods><method name=\"ExecuteQuery\" const=\"true\"><parameters><param name=\"output\" type=\"DOMDocument\" inout=\"out\" desc=\"Output XML document\"/></parameters></method></methods></schema>".into(),
        "xtk:session" => "<schema namespace=\"xtk\" name=\"session\" label=\"Session\"><element name=\"session\"/><methods><method name=\"Logon\" static=\"true\"><parameters><param name=\"login\" type=\"string\"/><param name=\"password\" type=\"string\"/><param name=\"parameters\" type=\"DOMElement\"/><param name=\"sessionToken\" type=\"string\" inout=\"out\"/><param name=\"sessionInfo\" type=\"DOMElement\" inout=\"out\"/><param name=\"securityToken\" type=\"string\" inout=\"out\"/></parameters></method><method name=\"Logoff\" static=\"true\"/></methods></schema>".into(),
        _ => return None,
    })
}

/// The attributes of an event that ExecuteQuery selects: name, type, label ([U]: names after
/// the product's screens where the schema is not public; `errorCount` for "Number of errors").
pub const EVENT_ATTRIBUTES: &[(&str, &str, &str)] = &[
    ("id", "int64", "Identifier"),
    ("type", "string", "Type"),
    ("status", "byte", "Status"),
    ("email", "string", "Email"),
    ("mobilePhone", "string", "Mobile phone"),
    ("externalId", "string", "External identifier"),
    ("origin", "string", "Origin"),
    ("wishedChannel", "byte", "Wished channel"),
    ("emailFormat", "byte", "Email format"),
    ("language", "string", "Language"),
    ("country", "string", "Country"),
    ("created", "datetime", "Created"),
    ("lastModified", "datetime", "Last modified"),
    ("scheduled", "datetime", "Scheduled"),
    ("expiration", "datetime", "Expiration"),
    ("processing", "datetime", "Processing"),
    ("processed", "datetime", "Processed"),
    ("processRequestedOn", "datetime", "Process requested on"),
    ("errorCount", "long", "Number of errors"),
    ("errorMessage", "string", "Error message"),
    ("deliveryName", "string", "Delivery"),
];

/// The reply to GetEntityIfMoreRecent: the schema, or an empty `pdomDoc`.
pub fn entity_reply(pk: &str) -> Reply {
    let inner = match schema_of(pk) {
        Some(s) => format!("      <pdomDoc xsi:type=\"ns:Element\" {LITERAL}>{s}</pdomDoc>\n"),
        None => format!("      <pdomDoc xsi:type=\"ns:Element\" {LITERAL}/>\n"),
    };
    response(Service::Persist, "GetEntityIfMoreRecent", &inner)
}

/// What an ExecuteQuery asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operation {
    /// One row; a fault when none matches.
    Get,
    /// One row, or an empty element.
    GetIfExists,
    /// Rows, in a `-collection`.
    Select,
    /// `count`: how many match.
    Count,
}

/// An ExecuteQuery on an event schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryDef {
    /// `nms:rtEvent` or `nms:batchEvent`.
    pub schema: Service,
    /// The operation.
    pub operation: Operation,
    /// The selected attributes (without `@`), in order.
    pub select: Vec<&'static str>,
    /// The id of `@id = N` (the low 56 bits, or the whole id with its instance byte).
    pub id: u64,
}

/// Reads the queryDef of an ExecuteQuery (its `document` parameter's element). Conditions other
/// than `@id = N` are refused with a fault that says so ([U]: the emulator reads events by id).
pub fn read_query(doc: Option<&Node>) -> Result<QueryDef, Box<Fault>> {
    let method = "ExecuteQuery";
    let fault = |d: String, e: ErrorCode| Box::new(param_fault(Service::QueryDef, method, d, e));
    let Some(q) = doc else { return Err(fault("the parameter 'document' holds no <queryDef>".into(), ErrorCode::InvalidQuery)) };
    let attr = |n: &str| q.attrs.iter().find(|(k, _)| k == n).map(|(_, v)| v.trim());
    let schema = match attr("schema").and_then(Service::of_name) {
        Some(s) if s.queue().is_some() => s,
        _ => {
            return Err(fault(
                format!(
                    "XTK-170036 The schema '{}' cannot be queried here: only nms:rtEvent and nms:batchEvent",
                    excerpt(attr("schema").unwrap_or(""))
                ),
                ErrorCode::InvalidQuery,
            ))
        }
    };
    let operation = match attr("operation").unwrap_or("select") {
        "get" => Operation::Get,
        "getIfExists" => Operation::GetIfExists,
        "select" => Operation::Select,
        "count" => Operation::Count,
        o => {
            return Err(fault(
                format!("XTK-170036 The operation '{}' is unknown (get, getIfExists, select, count)", excerpt(o)),
                ErrorCode::InvalidQuery,
            ))
        }
    };
    let child = |n: &str| q.children.iter().find(|c| crate::soap::local_name(&c.name) == n);
    let mut select = Vec::new();
    for node in child("select").map(|s| s.children.as_slice()).unwrap_or_default() {
        let expr = node.attrs.iter().find(|(k, _)| k == "expr").map_or("", |(_, v)| v.trim());
        let name = expr.strip_prefix('@').unwrap_or("");
        match EVENT_ATTRIBUTES.iter().find(|(a, _, _)| *a == name) {
            Some((a, _, _)) => select.push(*a),
            None => {
                return Err(fault(
                    format!("XTK-170007 The field '{}' is unknown in the schema '{}'", excerpt(expr), schema.name()),
                    ErrorCode::InvalidQuery,
                ))
            }
        }
    }
    if select.is_empty() && operation != Operation::Count {
        return Err(fault(
            "XTK-170036 The query selects no field: add <select><node expr=\"@status\"/></select>".into(),
            ErrorCode::InvalidQuery,
        ));
    }
    let conditions: Vec<&str> = child("where")
        .map(|w| w.children.iter().filter_map(|c| c.attrs.iter().find(|(k, _)| k == "expr").map(|(_, v)| v.trim())).collect())
        .unwrap_or_default();
    let [cond] = conditions.as_slice() else {
        return Err(fault(
            "XTK-170036 The emulator reads events by id: the query needs exactly one condition, @id = <id>".into(),
            ErrorCode::InvalidQuery,
        ));
    };
    let id = cond
        .strip_prefix("@id")
        .map(str::trim_start)
        .and_then(|r| r.strip_prefix('='))
        .map(|r| r.trim().trim_matches(|c| c == '\'' || c == '"'))
        .and_then(|n| if !n.is_empty() && n.len() <= 20 && n.bytes().all(|b| b.is_ascii_digit()) { n.parse::<u64>().ok() } else { None });
    let Some(id) = id else {
        return Err(fault(
            format!("XTK-170036 Unsupported condition '{}': the emulator reads events by id (@id = <id>)", excerpt(cond)),
            ErrorCode::InvalidQuery,
        ));
    };
    Ok(QueryDef { schema, operation, select, id })
}

/// A date as Campaign writes it in XML (`2026-11-26 13:16:55.149Z`).
fn campaign_date(iso: &str) -> String {
    iso.replacen('T', " ", 1)
}

fn field(e: &EventView, name: &str) -> Option<String> {
    let s = |v: &Option<String>| v.clone();
    let d = |v: &Option<String>| v.as_deref().map(campaign_date);
    match name {
        "id" => e.id.parse::<u64>().ok().map(|id| (id & crate::keys::SEQ_MASK).to_string()),
        "type" => Some(e.event_type.clone()),
        "status" => Some(e.status_code.to_string()),
        "email" => s(&e.email),
        "mobilePhone" => s(&e.mobile_phone),
        "externalId" => s(&e.external_id),
        "origin" => s(&e.origin),
        "wishedChannel" => Some(e.wished_channel_code.to_string()),
        "emailFormat" => Some(e.email_format.to_string()),
        "language" => s(&e.language),
        "country" => s(&e.country),
        "created" => Some(campaign_date(&e.created)),
        "lastModified" => Some(campaign_date(&e.last_modified)),
        "scheduled" => d(&e.scheduled),
        "expiration" => d(&e.expiration),
        "processing" => d(&e.processing),
        "processed" => d(&e.processed),
        "processRequestedOn" => Some(campaign_date(&e.process_requested_on)),
        "errorCount" => Some(e.errors.to_string()),
        "errorMessage" => s(&e.last_error),
        "deliveryName" => s(&e.delivery),
        _ => None,
    }
}

fn row(element: &str, q: &QueryDef, e: &EventView) -> String {
    let mut out = format!("<{element}");
    for name in &q.select {
        if let Some(v) = field(e, name) {
            out.push_str(&format!(" {name}=\"{}\"", escape(&v)));
        }
    }
    out.push_str("/>");
    out
}

/// The reply to an ExecuteQuery, given the event it found (None: no event of that id in the
/// schema's queue). `get` with no event is a fault.
pub fn query_reply(q: &QueryDef, found: Option<&EventView>) -> Result<Reply, Box<Fault>> {
    let element = match q.schema {
        Service::BatchEvent => "batchEvent",
        _ => "rtEvent",
    };
    let output = match (&q.operation, found) {
        (Operation::Get | Operation::GetIfExists, Some(e)) => row(element, q, e),
        (Operation::GetIfExists, None) => format!("<{element}/>"),
        (Operation::Get, None) => {
            return Err(Box::new(Fault {
                service: Service::QueryDef,
                code: "SOAP-ENV:Client",
                string: "SOP-330011 Error while executing the method 'ExecuteQuery' of service 'xtk:queryDef'.".into(),
                detail: format!("XTK-170023 No record of the schema '{}' matches the query (@id = {}).", q.schema.name(), q.id),
                echo: None,
                error: ErrorCode::UnknownEvent,
            }))
        }
        (Operation::Select, Some(e)) => format!("<{element}-collection>{}</{element}-collection>", row(element, q, e)),
        (Operation::Select, None) => format!("<{element}-collection/>"),
        (Operation::Count, f) => format!("<{element} count=\"{}\"/>", u8::from(f.is_some())),
    };
    let inner = format!("      <pdomOutput xsi:type=\"ns:Element\" {LITERAL}>{output}</pdomOutput>\n");
    Ok(response(Service::QueryDef, "ExecuteQuery", &inner))
}

/// The WSDL of an event service (`/nl/jsp/schemawsdl.jsp?schema=nms:rtEvent`) or of `xtk:session`
/// (Logon, Logoff), with the router at `location`. Its part names are the documented ones
/// (`sessiontoken`, `domEvent`, `domEventCollection`, `plId`; `strLogin`, `strPassword`,
/// `pstrSessionToken`…); the router reads parameters by position, whatever their names.
pub fn wsdl(service: Service, location: &str) -> Option<String> {
    let urn = service.urn();
    let name = service.name();
    let short = name.split_once(':').map_or(name, |(_, s)| s);
    let loc = escape(location);
    // The methods: name, parameters, output elements (type `tns:Element` is a DOM element; a
    // parameter after a `?` may be left out). Names as Campaign's WSDLs write them; the router
    // reads parameters by position, whatever their names.
    type Params = &'static [(&'static str, &'static str)];
    let methods: &[(&str, Params, Params)] = match service {
        Service::RtEvent | Service::BatchEvent => &[
            ("PushEvent", &[("sessiontoken", "s:string"), ("domEvent", "tns:Element")], &[("plId", "s:long")]),
            ("PushEvents", &[("sessiontoken", "s:string"), ("domEventCollection", "tns:Element")], &[]),
        ],
        Service::Session => &[
            (
                "Logon",
                &[("sessiontoken", "s:string"), ("strLogin", "s:string"), ("strPassword", "s:string"), ("?elemParameters", "tns:Element")],
                &[("pstrSessionToken", "s:string"), ("pSessionInfo", "tns:Element"), ("pstrSecurityToken", "s:string")],
            ),
            ("Logoff", &[("sessiontoken", "s:string")], &[]),
        ],
        Service::Persist | Service::QueryDef => return None,
    };
    let seq = |params: Params| -> String {
        if params.is_empty() {
            return "<s:sequence/>".to_string();
        }
        let mut out = String::from("<s:sequence>\n");
        for (n, t) in params {
            let (n, min) = n.strip_prefix('?').map_or((*n, 1), |n| (n, 0));
            out.push_str(&format!("            <s:element maxOccurs=\"1\" minOccurs=\"{min}\" name=\"{n}\" type=\"{t}\"/>\n"));
        }
        out.push_str("          </s:sequence>");
        out
    };
    let (mut elements, mut messages, mut operations, mut bindings) = (String::new(), String::new(), String::new(), String::new());
    for (m, inputs, outputs) in methods {
        let (input, out) = (seq(inputs), seq(outputs));
        elements.push_str(&format!(
            r#"      <s:element name="{m}">
        <s:complexType>
          {input}
        </s:complexType>
      </s:element>
      <s:element name="{m}Response">
        <s:complexType>
          {out}
        </s:complexType>
      </s:element>
"#
        ));
        messages.push_str(&format!(
            "  <wsdl:message name=\"{m}In\">\n    <wsdl:part element=\"tns:{m}\" name=\"parameters\"/>\n  </wsdl:message>\n  <wsdl:message name=\"{m}Out\">\n    <wsdl:part element=\"tns:{m}Response\" name=\"parameters\"/>\n  </wsdl:message>\n"
        ));
        operations.push_str(&format!(
            "    <wsdl:operation name=\"{m}\">\n      <wsdl:input message=\"tns:{m}In\"/>\n      <wsdl:output message=\"tns:{m}Out\"/>\n    </wsdl:operation>\n"
        ));
        let body = "<soap:body encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\" use=\"literal\"/>";
        bindings.push_str(&format!(
            "    <wsdl:operation name=\"{m}\">\n      <soap:operation soapAction=\"{name}#{m}\" style=\"document\"/>\n      <wsdl:input>\n        {body}\n      </wsdl:input>\n      <wsdl:output>\n        {body}\n      </wsdl:output>\n    </wsdl:operation>\n"
        ));
    }
    Some(format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<wsdl:definitions xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:s="http://www.w3.org/2001/XMLSchema" xmlns:tns="{urn}" xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" targetNamespace="{urn}">
  <wsdl:types>
    <s:schema elementFormDefault="qualified" targetNamespace="{urn}">
      <s:complexType name="Element">
        <s:sequence>
          <s:any processContents="lax"/>
        </s:sequence>
      </s:complexType>
{elements}    </s:schema>
  </wsdl:types>
{messages}  <wsdl:portType name="{short}MethodsSoap">
{operations}  </wsdl:portType>
  <wsdl:binding name="{short}MethodsSoap" type="tns:{short}MethodsSoap">
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
{bindings}  </wsdl:binding>
  <wsdl:service name="{short}">
    <wsdl:port binding="tns:{short}MethodsSoap" name="{short}MethodsSoap">
      <soap:address location="{loc}"/>
    </wsdl:port>
  </wsdl:service>
</wsdl:definitions>
"#
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Limits;

    fn query(xml: &str) -> Result<QueryDef, Box<Fault>> {
        let n = crate::input::xml::parse_document(xml, &Limits::default()).unwrap();
        read_query(Some(&n))
    }

    #[test]
    fn query_defs() {
        let q = query(r#"<queryDef schema="nms:rtEvent" operation="get" xtkschema="xtk:queryDef"><select><node expr="@id"/><node expr="@status"/><node expr="@created"/></select><where><condition expr="@id=1000"/></where></queryDef>"#).unwrap();
        assert_eq!(q, QueryDef { schema: Service::RtEvent, operation: Operation::Get, select: vec!["id", "status", "created"], id: 1000 });
        let q = query(r#"<queryDef schema="nms:batchEvent" operation="select"><select><node expr="@status"/></select><where><condition expr="@id = '72057594037927937'"/></where></queryDef>"#).unwrap();
        assert_eq!((q.schema, q.operation, q.id), (Service::BatchEvent, Operation::Select, 72057594037927937));
        for (bad, what) in [
            (r#"<queryDef schema="nms:recipient" operation="get"><select><node expr="@id"/></select></queryDef>"#, "nms:recipient"),
            (r#"<queryDef schema="nms:rtEvent" operation="delete"><select><node expr="@id"/></select></queryDef>"#, "'delete'"),
            (r#"<queryDef schema="nms:rtEvent" operation="get"><select><node expr="@password"/></select></queryDef>"#, "@password"),
            (r#"<queryDef schema="nms:rtEvent" operation="get"><select><node expr="@id"/></select></queryDef>"#, "exactly one condition"),
            (
                r#"<queryDef schema="nms:rtEvent" operation="get"><select><node expr="@id"/></select><where><condition expr="@email='a@b.c'"/></where></queryDef>"#,
                "Unsupported condition",
            ),
            (
                r#"<queryDef schema="nms:rtEvent" operation="get"><select/><where><condition expr="@id=1"/></where></queryDef>"#,
                "selects no field",
            ),
        ] {
            let f = query(bad).unwrap_err();
            assert!(f.detail.contains(what), "{bad}: {}", f.detail);
            assert_eq!(f.error, ErrorCode::InvalidQuery);
        }
    }

    #[test]
    fn schemas_for_the_sdk() {
        let s = schema_of("xtk:schema|nms:rtEvent").unwrap();
        assert!(s.starts_with("<schema namespace=\"nms\" name=\"rtEvent\""));
        assert!(s.contains("<method name=\"PushEvent\" static=\"true\">"));
        assert!(s.contains("type=\"int64\" inout=\"out\""));
        assert!(!s.contains("implements"));
        assert!(schema_of("xtk:schema|xtk:queryDef").unwrap().contains("<method name=\"ExecuteQuery\" const=\"true\">"));
        assert_eq!(schema_of("xtk:schema|nms:recipient"), None);
        assert!(entity_reply("xtk:schema|nope").body.contains("<pdomDoc xsi:type=\"ns:Element\""));
    }

    #[test]
    fn logon_reply_has_what_the_sdk_checks() {
        let r = logon_reply("___s", "@k==", "mc", 0, 86_400_000, "mcExec1");
        assert_eq!(r.status, 200);
        assert!(r.body.contains("<LogonResponse xmlns=\"urn:xtk:session\""));
        assert!(r.body.contains("<pstrSessionToken xsi:type=\"xsd:string\">___s</pstrSessionToken>"));
        assert!(r.body.contains("<serverInfo ") && r.body.contains("<userInfo login=\"mc\""));
        assert!(r.body.contains("<pstrSecurityToken xsi:type=\"xsd:string\">@k==</pstrSecurityToken>"));
        assert!(r.body.contains("<SOAP-ENV:Body>"));
    }

    #[test]
    fn wsdl_of_event_services_and_session() {
        let w = wsdl(Service::BatchEvent, "http://h/nl/jsp/soaprouter.jsp").unwrap();
        assert!(w.contains("targetNamespace=\"urn:nms:batchEvent\""));
        assert!(w.contains("soapAction=\"nms:batchEvent#PushEvents\""));
        assert!(w.contains("<soap:address location=\"http://h/nl/jsp/soaprouter.jsp\"/>"));
        // xtk:session, so that a WSDL-driven client can log on and off.
        let s = wsdl(Service::Session, "x").unwrap();
        assert!(s.contains("soapAction=\"xtk:session#Logon\"") && s.contains("soapAction=\"xtk:session#Logoff\""));
        assert!(s.contains("name=\"pstrSessionToken\"") && s.contains("minOccurs=\"0\" name=\"elemParameters\""));
        assert_eq!(wsdl(Service::Persist, "x"), None);
    }
}
