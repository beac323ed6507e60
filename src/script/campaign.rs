//! Campaign's own global functions that templates call. What Adobe documents, with the source,
//! is in scripts/oracle/NOTES.md; where it is silent, the choice is made here and listed in the
//! docs/behaviour.md.
//!
//! - `escapeXMLString(s)` / `escapeXmlStr(s)`: `& < > "` as `&amp; &lt; &gt; &quot;` (JSAPI
//!   `escapeXmlStr`: the apostrophe is not escaped); `null` and `undefined` give "" [U];
//! - `escapeUrl(s)`: every character but the alphanumerics and `$-_.!*'(),?/:@&=` as `%XX`, one
//!   byte for ISO-Latin characters (JSAPI), the UTF-8 bytes above U+00FF [U];
//! - `formatDate(date, format[, timeZone])`: `date.rs::format_date` (its token table), in the
//!   instance's time zone unless one is given; `date` a Date, a number of ms or a date string;
//!   anything else gives "" [U];
//! - `getCurrentDate()`: the virtual clock, as a Date.

use super::bi_date;
use super::builtins::{arg, ErrKind, Table};
use super::date;
use super::interp::{Interp, Res};
use super::tz::TimeZone;
use super::value::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum C {
    EscapeXmlString,
    EscapeUrl,
    FormatDate,
    GetCurrentDate,
    Write,
}

/// `out.write(v)` and `document.write(v)`: the message's text (`""` for undefined and null, as
/// `<%= %>` writes them; only the first argument).
pub(crate) const WRITER: Table<C> = &[("write", C::Write, 1)];

pub(crate) const TABLE: Table<C> = &[
    ("escapeXMLString", C::EscapeXmlString, 1),
    ("escapeXmlStr", C::EscapeXmlString, 1),
    ("escapeUrl", C::EscapeUrl, 1),
    ("formatDate", C::FormatDate, 2),
    ("getCurrentDate", C::GetCurrentDate, 0),
];

/// `escapeXMLString` on code units.
pub(crate) fn escape_xml(u: &[u16]) -> Vec<u16> {
    let mut out = Vec::with_capacity(u.len() + 8);
    for &c in u {
        match c {
            0x26 => out.extend("&amp;".encode_utf16()),
            0x3C => out.extend("&lt;".encode_utf16()),
            0x3E => out.extend("&gt;".encode_utf16()),
            0x22 => out.extend("&quot;".encode_utf16()),
            _ => out.push(c),
        }
    }
    out
}

/// `escapeUrl` on code units.
pub(crate) fn escape_url(u: &[u16]) -> Vec<u16> {
    const KEEP: &[u8] = b"$-_.!*'(),?/:@&=";
    let mut out = Vec::with_capacity(u.len());
    let hex = |out: &mut Vec<u16>, b: u8| out.extend(format!("%{b:02X}").encode_utf16());
    for c in char::decode_utf16(u.iter().copied()) {
        let c = c.unwrap_or('\u{FFFD}');
        if c.is_ascii_alphanumeric() || (c.is_ascii() && KEEP.contains(&(c as u8))) {
            out.push(c as u16);
        } else if (c as u32) < 0x100 {
            hex(&mut out, c as u32 as u8);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                hex(&mut out, b);
            }
        }
    }
    out
}

/// A date argument of `formatDate` as a time value (NaN when it is not a date).
fn date_arg(i: &mut Interp, v: &Value) -> Res<f64> {
    Ok(match v {
        Value::Obj(o) => match i.obj(*o).class {
            Class::Date(t) => t,
            _ => {
                let s = i.to_rust_string(v)?;
                parse_campaign_date(&s)
            }
        },
        Value::Num(n) => *n,
        Value::Str(_) | Value::Xml(_) | Value::List(_) => {
            let s = i.to_rust_string(v)?;
            parse_campaign_date(&s)
        }
        _ => f64::NAN,
    })
}

/// A date as Campaign writes one in XML (`YYYY/MM/DD HH:MM:SS`) or ISO 8601; no zone is UTC.
fn parse_campaign_date(s: &str) -> f64 {
    let s = s.trim();
    if s.is_empty() {
        return f64::NAN;
    }
    let normalized: String = s.chars().enumerate().map(|(k, c)| if c == '/' && k < 10 { '-' } else { c }).collect();
    let normalized = match normalized.get(10..11) {
        Some(" ") => format!("{}T{}", normalized.get(..10).unwrap_or_default(), normalized.get(11..).unwrap_or_default()),
        _ => normalized,
    };
    let t = date::parse_date(&normalized, &TimeZone::utc());
    if t.is_nan() {
        return f64::NAN;
    }
    t
}

pub(crate) fn call(i: &mut Interp, c: C, args: &[Value]) -> Res<Value> {
    let a0 = arg(args, 0);
    match c {
        C::EscapeXmlString | C::EscapeUrl => {
            if a0.is_nullish() {
                return Ok(Value::Str(i.empty.clone()));
            }
            let s = i.to_string(&a0)?;
            let out = if c == C::EscapeXmlString { escape_xml(s.units()) } else { escape_url(s.units()) };
            i.str_value(out)
        }
        C::GetCurrentDate => bi_date::new_date(i, i.env.now, None),
        C::Write => {
            if !a0.is_nullish() {
                let s = i.to_rust_string(&a0)?;
                i.write_out(&s)?;
            }
            Ok(Value::Undef)
        }
        C::FormatDate => {
            let t = date_arg(i, &a0)?;
            let format = match arg(args, 1) {
                Value::Undef => "%4Y/%2M/%2D %2H:%2N:%2S".to_owned(),
                f => i.to_rust_string(&f)?,
            };
            let tz = match arg(args, 2) {
                Value::Undef | Value::Null => i.env.tz.clone(),
                z => {
                    let name = i.to_rust_string(&z)?;
                    match TimeZone::from_name(&name).or_else(|| TimeZone::posix(&name)) {
                        Some(tz) => tz,
                        None => return Err(i.error(ErrKind::Range, format!("formatDate: unknown time zone '{name}'"))),
                    }
                }
            };
            let s = date::format_date(t, &format, &tz);
            i.str_value(s.encode_utf16().collect())
        }
    }
}
