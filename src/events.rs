//! Validation of received events: from a `RawEvent` (shape checked by the parser) to the fields of
//! an event record, or a specific error. Nothing is written unless every event of a call passes.

use crate::dates;
use crate::error::{err, Error, ErrorCode, Result};
use crate::input::RawEvent;
use crate::model::{Channel, Queue};
use crate::mta;
use crate::records::EventData;
use crate::state::State;

/// The first character of `s` that XML 1.0 cannot carry (NUL and the other C0 controls but tab,
/// line feed and carriage return; U+FFFE, U+FFFF), with its position in characters.
pub fn xml_forbidden(s: &str) -> Option<(usize, char)> {
    let quick = s.bytes().all(|b| (b >= 0x20 || matches!(b, b'\t' | b'\n' | b'\r')) && b != 0xEF);
    if quick {
        return None;
    }
    s.chars().enumerate().find(|(_, c)| matches!(*c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}'))
}

/// Refuses a value holding a character XML 1.0 cannot carry: every XML export and SOAP reply of
/// the event would be malformed.
pub fn check_xml_chars(what: &str, s: &str) -> Result<()> {
    match xml_forbidden(s) {
        None => Ok(()),
        Some((i, c)) => Err(Error::new(
            ErrorCode::InvalidEvent,
            format!("{what} holds U+{:04X} at character {}, a character XML 1.0 cannot carry", u32::from(c), i + 1),
        )),
    }
}

/// Whether `s` is a well-formed email address (the pragmatic subset Campaign accepts: one `@`, a
/// dotted domain, no spaces or control characters, at most 128 characters).
pub fn is_valid_email(s: &str) -> bool {
    if s.is_empty() || s.len() > 128 {
        return false;
    }
    let Some((local, domain)) = s.rsplit_once('@') else { return false };
    if local.is_empty() || local.len() > 64 || domain.len() < 3 || local.contains('@') {
        return false;
    }
    let local_ok = local.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~.-".contains(&b))
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..");
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    local_ok && domain_ok
}

/// Whether `s` is a plausible phone number: optional leading `+`, digits with spaces, dots, dashes
/// or parentheses, 3 to 20 digits, at most 32 characters.
pub fn is_valid_phone(s: &str) -> bool {
    if s.is_empty() || s.len() > 32 {
        return false;
    }
    let body = s.strip_prefix('+').unwrap_or(s);
    let digits = body.bytes().filter(u8::is_ascii_digit).count();
    (3..=20).contains(&digits) && body.bytes().all(|b| b.is_ascii_digit() || b" .-()".contains(&b))
}

fn non_empty(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

fn limited(name: &str, v: Option<String>, max: usize) -> Result<Option<String>> {
    let v = non_empty(v);
    if let Some(s) = &v {
        if s.chars().count() > max {
            return err(ErrorCode::InvalidEvent, format!("{name} is longer than {max} characters"));
        }
    }
    Ok(v)
}

/// Validates one received event. `default_queue` applies when the input did not say.
pub fn validate(st: &State, raw: RawEvent, default_queue: Queue) -> Result<EventData> {
    let queue = raw.queue.unwrap_or(default_queue);
    for (what, v) in [
        ("type", &raw.event_type),
        ("email", &raw.email),
        ("mobilePhone", &raw.mobile_phone),
        ("externalId", &raw.external_id),
        ("origin", &raw.origin),
        ("wishedChannel", &raw.wished_channel),
        ("emailFormat", &raw.email_format),
        ("language", &raw.language),
        ("country", &raw.country),
        ("scheduled", &raw.scheduled),
        ("expiration", &raw.expiration),
        ("registrationToken", &raw.registration_token),
        ("mobileApp", &raw.mobile_app),
    ] {
        if let Some(v) = v {
            check_xml_chars(what, v)?;
        }
    }
    let event_type = match non_empty(raw.event_type) {
        None => return err(ErrorCode::MissingEventType, "the event has no type (attribute 'type' is mandatory)"),
        Some(t) => t,
    };
    #[cfg(feature = "fault-injection")]
    crate::faults::check(&event_type);
    if st.config.reject_unknown_event_type && !st.event_types.contains_key(&event_type) {
        let known: Vec<&str> = st.event_types.keys().map(String::as_str).collect();
        return err(
            ErrorCode::UnknownEventType,
            format!(
                "event type '{event_type}' is not a value of the eventType enumeration (known: {})",
                if known.is_empty() { "none".to_string() } else { known.join(", ") }
            ),
        );
    }
    let wished_channel = match non_empty(raw.wished_channel) {
        None => Channel::Email,
        Some(c) => match Channel::parse(&c) {
            Some(ch) => ch,
            None => return err(ErrorCode::UnknownChannel, format!("wishedChannel '{c}' is not a known channel")),
        },
    };
    let email = limited("email", raw.email, 128)?;
    if let Some(e) = &email {
        if !is_valid_email(e) {
            return err(ErrorCode::InvalidEmail, format!("'{e}' is not a valid email address"));
        }
        mta::directive(e)?;
    }
    let mobile_phone = limited("mobilePhone", raw.mobile_phone, 32)?;
    if let Some(p) = &mobile_phone {
        if !is_valid_phone(p) {
            return err(ErrorCode::InvalidPhone, format!("'{p}' is not a valid mobile phone number"));
        }
    }
    let registration_token = limited("registrationToken", raw.registration_token, 4096)?;
    match wished_channel {
        Channel::Email if email.is_none() => return err(ErrorCode::InvalidEvent, "the wished channel is email but the event has no email"),
        Channel::Sms if mobile_phone.is_none() => {
            return err(ErrorCode::InvalidEvent, "the wished channel is SMS but the event has no mobilePhone")
        }
        Channel::MobileApp | Channel::Ios | Channel::Android if registration_token.is_none() => {
            return err(ErrorCode::InvalidEvent, "the wished channel is a push channel but the event has no registrationToken")
        }
        _ => {}
    }
    let email_format = match non_empty(raw.email_format) {
        None => 0,
        Some(f) => match f.to_ascii_lowercase().as_str() {
            "0" | "unknown" => 0,
            "1" | "text" => 1,
            "2" | "html" => 2,
            _ => return err(ErrorCode::InvalidEvent, format!("emailFormat '{f}' is not 0 (unknown), 1 (text) or 2 (html)")),
        },
    };
    let date = |name: &str, v: Option<String>| -> Result<Option<i64>> {
        match non_empty(v) {
            None => Ok(None),
            Some(s) => dates::parse_iso8601(&s)
                .map(Some)
                .map_err(|e| crate::error::Error::new(ErrorCode::InvalidDate, format!("{name}: {}", e.message))),
        }
    };
    let scheduled = date("scheduled", raw.scheduled)?;
    let expiration = date("expiration", raw.expiration)?;
    let ctx = match raw.ctx {
        Some(node) => node,
        None => return err(ErrorCode::InvalidEvent, "the event has no <ctx> element (it is mandatory, even empty)"),
    };
    let ctx_xml = ctx.to_xml();
    check_xml_chars("ctx", &ctx_xml)?;
    if ctx_xml.len() > st.config.max_ctx_bytes {
        return err(ErrorCode::CtxTooLarge, format!("ctx is {} bytes, over the limit of {} bytes", ctx_xml.len(), st.config.max_ctx_bytes));
    }
    Ok(EventData {
        queue,
        event_type,
        email,
        mobile_phone,
        external_id: limited("externalId", raw.external_id, 255)?,
        origin: limited("origin", raw.origin, 255)?,
        wished_channel,
        email_format,
        language: limited("language", raw.language, 64)?,
        country: limited("country", raw.country, 64)?,
        scheduled,
        expiration,
        registration_token,
        mobile_app: limited("mobileApp", raw.mobile_app, 255)?,
        ctx: ctx_xml,
        // Given at push, with the event's id.
        created: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        for ok in ["a@b.co", "john.doe+x@example.com", "sent+1@mc-sim.test", "o'neil@example.ie"] {
            assert!(is_valid_email(ok), "{ok}");
        }
        for bad in ["", "a", "a@", "@b.co", "a@b", "a b@c.de", "a@@b.co", "a@b..co", ".a@b.co", "a@-b.co"] {
            assert!(!is_valid_email(bad), "{bad}");
        }
        assert!(!is_valid_email(&format!("{}@example.com", "a".repeat(130))));
    }

    #[test]
    fn phones() {
        for ok in ["+33620202020", "+44 7700 123123", "555-0100", "+99900001"] {
            assert!(is_valid_phone(ok), "{ok}");
        }
        for bad in ["", "12", "+", "abc", "+33 6x", "1234567890123456789012345"] {
            assert!(!is_valid_phone(bad), "{bad}");
        }
    }
}
