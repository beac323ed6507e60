//! Events pushed as JSON, the form of our JS API: one object per event, with the field names of
//! the XML attributes (`type`, `email`, `mobilePhone`, `externalId`, `origin`, `wishedChannel`,
//! `emailFormat`, `language`, `country`, `scheduled`, `expiration`, `registrationToken`), plus
//! `mobileApp` (the app uuid), `queue` (`"rt"` or `"batch"`) and `ctx` (the JSON form of
//! [`Node::from_json`], or a string holding `<ctx>…</ctx>` XML). `null` is the same as absent.

use crate::error::{err, Error, ErrorCode, Result};
use crate::input::{Limits, Queue, RawEvent};
use crate::tree::{excerpt, json_type, Node};
use serde_json::Value;

/// Maps a serde_json parse error to ours: `line L, column C: …`. Nesting beyond serde_json's
/// recursion limit is [`ErrorCode::InputTooLarge`], anything else [`ErrorCode::InvalidJson`].
fn from_serde(e: &serde_json::Error) -> Error {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let what = full.strip_suffix(&suffix).unwrap_or(&full);
    let code = if what.contains("recursion limit exceeded") { ErrorCode::InputTooLarge } else { ErrorCode::InvalidJson };
    Error::new(code, format!("line {}, column {}: {what}", e.line(), e.column()))
}

/// Parses pushed events from JSON text: one object (one event) or an array of objects.
///
/// Errors: text over `limits.max_document_bytes`, more than `limits.max_events_per_batch`
/// events or JSON nested too deeply → [`ErrorCode::InputTooLarge`]; malformed JSON →
/// [`ErrorCode::InvalidJson`] (`line L, column C: …`); an empty array or anything but an object
/// or an array → [`ErrorCode::InvalidEvent`]; and those of [`event_from_value`], prefixed with
/// `event N of M: ` for an array.
pub fn parse_events(text: &str, limits: &Limits) -> Result<Vec<RawEvent>> {
    if text.len() > limits.max_document_bytes {
        return err(
            ErrorCode::InputTooLarge,
            format!("the document is {} bytes, over the limit of {} bytes", text.len(), limits.max_document_bytes),
        );
    }
    let value: Value = serde_json::from_str(text).map_err(|e| from_serde(&e))?;
    match &value {
        Value::Object(_) => Ok(vec![event_from_value(&value, limits)?]),
        Value::Array(items) => {
            let total = items.len();
            if total > limits.max_events_per_batch {
                return err(
                    ErrorCode::InputTooLarge,
                    format!("{total} events, over the limit of {} per batch", limits.max_events_per_batch),
                );
            }
            if total == 0 {
                return err(ErrorCode::InvalidEvent, "no event: the array is empty");
            }
            items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    event_from_value(item, limits).map_err(|mut e| {
                        e.message = format!("event {} of {total}: {}", i + 1, e.message);
                        e
                    })
                })
                .collect()
        }
        other => err(ErrorCode::InvalidEvent, format!("expected an event object or an array of event objects, got {}", json_type(other))),
    }
}

/// A string field: a string (or null).
fn string_field(key: &str, v: &Value, limits: &Limits) -> Result<Option<String>> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => sized(key, s.clone(), limits),
        other => err(ErrorCode::InvalidEvent, format!("field '{key}' must be a string, got {}", json_type(other))),
    }
}

/// A field that may be a number or a name (`wishedChannel`, `emailFormat`), kept as written.
fn number_or_string_field(key: &str, v: &Value, limits: &Limits) -> Result<Option<String>> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => sized(key, s.clone(), limits),
        Value::Number(n) => Ok(Some(n.to_string())),
        other => err(ErrorCode::InvalidEvent, format!("field '{key}' must be a number or a string, got {}", json_type(other))),
    }
}

fn sized(key: &str, s: String, limits: &Limits) -> Result<Option<String>> {
    if s.len() > limits.max_value_bytes {
        return err(
            ErrorCode::InputTooLarge,
            format!("field '{key}' is {} bytes, over the limit of {} bytes", s.len(), limits.max_value_bytes),
        );
    }
    Ok(Some(s))
}

/// One event from a JSON value (an object; see the module doc for the fields).
///
/// Errors: not an object, an unknown field (`unknown field 'x'`), a field of the wrong type (the
/// message names the field and the expected type), a `queue` other than `"rt"`/`"batch"` →
/// [`ErrorCode::InvalidEvent`]; a string over `limits.max_value_bytes` →
/// [`ErrorCode::InputTooLarge`]; the errors of [`Node::from_json`] or
/// [`crate::ctx::parse_xml`] for `ctx` (so [`ErrorCode::CtxTooLarge`] for a ctx too large).
pub fn event_from_value(v: &Value, limits: &Limits) -> Result<RawEvent> {
    let Value::Object(map) = v else {
        return err(ErrorCode::InvalidEvent, format!("an event must be a JSON object, got {}", json_type(v)));
    };
    let mut ev = RawEvent::default();
    for (key, value) in map {
        let k = key.as_str();
        match k {
            "queue" => {
                ev.queue = match value {
                    Value::Null => None,
                    Value::String(s) if s == "rt" => Some(Queue::Rt),
                    Value::String(s) if s == "batch" => Some(Queue::Batch),
                    Value::String(s) => {
                        return err(ErrorCode::InvalidEvent, format!("field 'queue' must be \"rt\" or \"batch\", got '{}'", excerpt(s)))
                    }
                    other => {
                        return err(
                            ErrorCode::InvalidEvent,
                            format!("field 'queue' must be a string (\"rt\" or \"batch\"), got {}", json_type(other)),
                        )
                    }
                }
            }
            "type" => ev.event_type = string_field(k, value, limits)?,
            "email" => ev.email = string_field(k, value, limits)?,
            "mobilePhone" => ev.mobile_phone = string_field(k, value, limits)?,
            "externalId" => ev.external_id = string_field(k, value, limits)?,
            "origin" => ev.origin = string_field(k, value, limits)?,
            "wishedChannel" => ev.wished_channel = number_or_string_field(k, value, limits)?,
            "emailFormat" => ev.email_format = number_or_string_field(k, value, limits)?,
            "language" => ev.language = string_field(k, value, limits)?,
            "country" => ev.country = string_field(k, value, limits)?,
            "scheduled" => ev.scheduled = string_field(k, value, limits)?,
            "expiration" => ev.expiration = string_field(k, value, limits)?,
            "registrationToken" => ev.registration_token = string_field(k, value, limits)?,
            "mobileApp" => ev.mobile_app = string_field(k, value, limits)?,
            "ctx" => {
                ev.ctx = match value {
                    Value::Null => None,
                    Value::Object(_) => Some(Node::from_json("ctx", value, limits)?),
                    Value::String(xml) => Some(crate::ctx::parse_xml(xml, limits)?),
                    other => {
                        return err(
                            ErrorCode::InvalidEvent,
                            format!("field 'ctx' must be an object or a string holding <ctx> XML, got {}", json_type(other)),
                        )
                    }
                }
            }
            _ => return err(ErrorCode::InvalidEvent, format!("unknown field '{}'", excerpt(k))),
        }
    }
    Ok(ev)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn limits() -> Limits {
        Limits::default()
    }

    fn one(v: Value) -> Result<RawEvent> {
        event_from_value(&v, &limits())
    }

    #[test]
    fn full_event() {
        let text = r#"{
            "queue": "batch", "type": "order", "email": "a@example.com", "mobilePhone": "+33600000000",
            "externalId": "42", "origin": "shop", "wishedChannel": 0, "emailFormat": "html",
            "language": "english", "country": "FR", "scheduled": "2026-11-26T13:40:00Z",
            "expiration": "2026-11-27", "registrationToken": "tok", "mobileApp": "com.x",
            "ctx": {"client": {"@id": 7, "firstname": "John"}}
        }"#;
        let evs = parse_events(text, &limits()).unwrap();
        assert_eq!(evs.len(), 1);
        let e = &evs[0];
        assert_eq!(e.queue, Some(Queue::Batch));
        assert_eq!(e.event_type.as_deref(), Some("order"));
        assert_eq!(e.email.as_deref(), Some("a@example.com"));
        assert_eq!(e.mobile_phone.as_deref(), Some("+33600000000"));
        assert_eq!(e.external_id.as_deref(), Some("42"));
        assert_eq!(e.origin.as_deref(), Some("shop"));
        assert_eq!(e.wished_channel.as_deref(), Some("0"));
        assert_eq!(e.email_format.as_deref(), Some("html"));
        assert_eq!(e.language.as_deref(), Some("english"));
        assert_eq!(e.country.as_deref(), Some("FR"));
        assert_eq!(e.scheduled.as_deref(), Some("2026-11-26T13:40:00Z"));
        assert_eq!(e.expiration.as_deref(), Some("2026-11-27"));
        assert_eq!(e.registration_token.as_deref(), Some("tok"));
        assert_eq!(e.mobile_app.as_deref(), Some("com.x"));
        assert_eq!(e.ctx.as_ref().map(Node::to_xml).as_deref(), Some("<ctx><client id=\"7\"><firstname>John</firstname></client></ctx>"));
    }

    #[test]
    fn minimal_and_nulls() {
        let e = one(json!({})).unwrap();
        assert_eq!(e, RawEvent::default());
        let e = one(json!({"queue": null, "type": null, "ctx": null, "wishedChannel": null})).unwrap();
        assert_eq!(e, RawEvent::default());
        let e = one(json!({"queue": "rt", "wishedChannel": "sms", "emailFormat": 2})).unwrap();
        assert_eq!(e.queue, Some(Queue::Rt));
        assert_eq!(e.wished_channel.as_deref(), Some("sms"));
        assert_eq!(e.email_format.as_deref(), Some("2"));
    }

    #[test]
    fn ctx_as_xml_string() {
        let e = one(json!({"ctx": "<ctx><a b='1'>x &amp; y</a></ctx>"})).unwrap();
        assert_eq!(e.ctx.map(|c| c.to_xml()).as_deref(), Some("<ctx><a b=\"1\">x &amp; y</a></ctx>"));
        assert_eq!(one(json!({"ctx": "<ctx>"})).unwrap_err().code, ErrorCode::MalformedXml);
        assert_eq!(one(json!({"ctx": "<other/>"})).unwrap_err().code, ErrorCode::InvalidEvent);
        assert_eq!(one(json!({"ctx": "<!DOCTYPE ctx><ctx/>"})).unwrap_err().code, ErrorCode::XmlDtdRefused);
        assert_eq!(one(json!({"ctx": [1]})).unwrap_err().code, ErrorCode::InvalidEvent);
        assert_eq!(one(json!({"ctx": 1})).unwrap_err().code, ErrorCode::InvalidEvent);
    }

    #[test]
    fn array_of_events() {
        let evs = parse_events(r#"[{"type":"a"},{"type":"b","queue":"rt"}]"#, &limits()).unwrap();
        assert_eq!(evs.len(), 2);
        assert_eq!(evs[1].event_type.as_deref(), Some("b"));
        let e = parse_events(r#"[{"type":"a"},{"type":1}]"#, &limits()).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidEvent);
        assert_eq!(e.message, "event 2 of 2: field 'type' must be a string, got a number");
        let e = parse_events(r#"[{"type":"a"}, 3]"#, &limits()).unwrap_err();
        assert_eq!(e.message, "event 2 of 2: an event must be a JSON object, got a number");
        assert_eq!(parse_events("[]", &limits()).unwrap_err().code, ErrorCode::InvalidEvent);
        assert_eq!(parse_events("\"x\"", &limits()).unwrap_err().code, ErrorCode::InvalidEvent);
        assert_eq!(parse_events("null", &limits()).unwrap_err().code, ErrorCode::InvalidEvent);
    }

    #[test]
    fn field_errors() {
        let e = one(json!({"typo": 1})).unwrap_err();
        assert_eq!((e.code, e.message.as_str()), (ErrorCode::InvalidEvent, "unknown field 'typo'"));
        let e = one(json!({"email": ["a"]})).unwrap_err();
        assert_eq!(e.message, "field 'email' must be a string, got an array");
        let e = one(json!({"wishedChannel": true})).unwrap_err();
        assert_eq!(e.message, "field 'wishedChannel' must be a number or a string, got a boolean");
        let e = one(json!({"emailFormat": {}})).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidEvent);
        let e = one(json!({"queue": "fast"})).unwrap_err();
        assert_eq!(e.message, "field 'queue' must be \"rt\" or \"batch\", got 'fast'");
        assert_eq!(one(json!({"queue": 1})).unwrap_err().code, ErrorCode::InvalidEvent);
        assert_eq!(one(json!({"mobileApp": {"uuid": "x"}})).unwrap_err().code, ErrorCode::InvalidEvent);
        assert_eq!(one(json!("x")).unwrap_err().code, ErrorCode::InvalidEvent);
        let e = one(json!({"ctx": {"bad name": 1}})).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidEvent);
    }

    #[test]
    fn malformed_json() {
        let e = parse_events("{\"type\": \n  \"a\",}", &limits()).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidJson);
        assert_eq!(e.message, "line 2, column 7: trailing comma");
        let e = parse_events("", &limits()).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidJson);
        assert!(e.message.starts_with("line 1, column 0: EOF"), "{}", e.message);
        assert_eq!(parse_events("{} {}", &limits()).unwrap_err().code, ErrorCode::InvalidJson);
        assert_eq!(parse_events("<rtEvent/>", &limits()).unwrap_err().code, ErrorCode::InvalidJson);
    }

    #[test]
    fn limits_enforced() {
        let l = Limits { max_document_bytes: 10, ..limits() };
        let e = parse_events(r#"{"type":"abc"}"#, &l).unwrap_err();
        assert_eq!(e.code, ErrorCode::InputTooLarge);
        assert_eq!(e.message, "the document is 14 bytes, over the limit of 10 bytes");

        let l = Limits { max_events_per_batch: 2, ..limits() };
        let e = parse_events("[{},{},{}]", &l).unwrap_err();
        assert_eq!(e.code, ErrorCode::InputTooLarge);
        assert_eq!(e.message, "3 events, over the limit of 2 per batch");
        let many = format!("[{}{{}}]", "{},".repeat(10_000));
        assert_eq!(parse_events(&many, &limits()).unwrap_err().code, ErrorCode::InputTooLarge);

        let l = Limits { max_value_bytes: 4, ..limits() };
        let e = event_from_value(&json!({"email": "abcde"}), &l).unwrap_err();
        assert_eq!(e.code, ErrorCode::InputTooLarge);
        assert_eq!(e.message, "field 'email' is 5 bytes, over the limit of 4 bytes");
        let e = event_from_value(&json!({"wishedChannel": "abcde"}), &l).unwrap_err();
        assert_eq!(e.code, ErrorCode::InputTooLarge);

        let items: Vec<Value> = (0..7000).map(|i| json!({"@n": format!("{i:04}")})).collect();
        let e = one(json!({"ctx": {"i": items}})).unwrap_err();
        assert_eq!(e.code, ErrorCode::CtxTooLarge);
        assert_eq!(e.message, "ctx is 91011 bytes, over the limit of 65536 bytes");
        let xml_items: String = (0..7000).map(|i| format!("<i n=\"{i:04}\"/>")).collect();
        let e = one(json!({"ctx": format!("<ctx>{xml_items}</ctx>")})).unwrap_err();
        assert_eq!(e.code, ErrorCode::CtxTooLarge);

        let l = Limits { max_depth: 2, ..limits() };
        assert!(event_from_value(&json!({"ctx": {"a": {"b": 1}}}), &l).is_ok());
        let e = event_from_value(&json!({"ctx": {"a": {"b": {"c": 1}}}}), &l).unwrap_err();
        assert_eq!(e.code, ErrorCode::InputTooLarge);
    }

    #[test]
    fn deep_json() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let e = parse_events(&deep, &limits()).unwrap_err();
        assert_eq!(e.code, ErrorCode::InputTooLarge);
        assert!(e.message.contains("recursion limit exceeded"), "{}", e.message);
        let ctx = format!(r#"{{"ctx":{}1{}}}"#, r#"{"a":"#.repeat(100), "}".repeat(100));
        assert_eq!(parse_events(&ctx, &limits()).unwrap_err().code, ErrorCode::InputTooLarge);
    }
}
