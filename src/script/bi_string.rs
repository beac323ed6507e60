//! `String` and `String.prototype` (ES5, with SpiderMonkey's `trimLeft`/`trimRight` and HTML
//! methods; not the ES2015 additions, which Campaign's engine does not have).

use super::bi_regexp;
use super::builtins::{arg, Table};
use super::interp::{is_callable, Interp, Res};
use super::jsstr::JsStr;
use super::num;
use super::value::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum St {
    FromCharCode,
    CharAt,
    CharCodeAt,
    Concat,
    IndexOf,
    LastIndexOf,
    LocaleCompare,
    Match,
    Replace,
    Search,
    Slice,
    Split,
    Substring,
    Substr,
    ToLowerCase,
    ToUpperCase,
    Trim,
    TrimLeft,
    TrimRight,
    ToString,
    ValueOf,
    Anchor,
    Big,
    Blink,
    Bold,
    Fixed,
    FontColor,
    FontSize,
    Italics,
    Link,
    Small,
    Strike,
    Sub,
    Sup,
}

pub(crate) const STATIC: Table<St> = &[("fromCharCode", St::FromCharCode, 1)];

pub(crate) const PROTO: Table<St> = &[
    ("charAt", St::CharAt, 1),
    ("charCodeAt", St::CharCodeAt, 1),
    ("concat", St::Concat, 1),
    ("indexOf", St::IndexOf, 1),
    ("lastIndexOf", St::LastIndexOf, 1),
    ("localeCompare", St::LocaleCompare, 1),
    ("match", St::Match, 1),
    ("replace", St::Replace, 2),
    ("search", St::Search, 1),
    ("slice", St::Slice, 2),
    ("split", St::Split, 2),
    ("substring", St::Substring, 2),
    ("substr", St::Substr, 2),
    ("toLowerCase", St::ToLowerCase, 0),
    ("toUpperCase", St::ToUpperCase, 0),
    ("toLocaleLowerCase", St::ToLowerCase, 0),
    ("toLocaleUpperCase", St::ToUpperCase, 0),
    ("trim", St::Trim, 0),
    ("trimLeft", St::TrimLeft, 0),
    ("trimRight", St::TrimRight, 0),
    ("toString", St::ToString, 0),
    ("valueOf", St::ValueOf, 0),
    ("anchor", St::Anchor, 1),
    ("big", St::Big, 0),
    ("blink", St::Blink, 0),
    ("bold", St::Bold, 0),
    ("fixed", St::Fixed, 0),
    ("fontcolor", St::FontColor, 1),
    ("fontsize", St::FontSize, 1),
    ("italics", St::Italics, 0),
    ("link", St::Link, 1),
    ("small", St::Small, 0),
    ("strike", St::Strike, 0),
    ("sub", St::Sub, 0),
    ("sup", St::Sup, 0),
];

/// `this` as a string (ToString of anything but undefined and null).
fn this_string(i: &mut Interp, this: &Value, what: St) -> Res<JsStr> {
    match this {
        Value::Str(s) => Ok(s.clone()),
        Value::Undef | Value::Null => {
            let n = super::builtins::name(super::builtins::N::String(what));
            i.type_error(format!("String.prototype.{n} called on null or undefined"))
        }
        _ => i.to_string(this),
    }
}

/// A relative position (`slice`): negative counts from the end; clamped to 0..=len.
fn relative(i: &mut Interp, v: &Value, len: usize, default: usize) -> Res<usize> {
    if matches!(v, Value::Undef) {
        return Ok(default);
    }
    let n = i.to_integer(v)?;
    let len = len as f64;
    Ok(if n < 0.0 { (len + n).max(0.0) } else { n.min(len) } as usize)
}

fn clamp(i: &mut Interp, v: &Value, len: usize, default: usize) -> Res<usize> {
    if matches!(v, Value::Undef) {
        return Ok(default);
    }
    let n = i.to_integer(v)?;
    Ok(n.max(0.0).min(len as f64) as usize)
}

/// Where `needle` is in `hay` at or after `from`.
pub(crate) fn index_of(hay: &[u16], needle: &[u16], from: usize) -> Option<usize> {
    if needle.is_empty() {
        return Some(from.min(hay.len()));
    }
    if needle.len() > hay.len() {
        return None;
    }
    let first = needle[0];
    let last_start = hay.len() - needle.len();
    let mut k = from;
    while k <= last_start {
        if hay[k] == first && hay.get(k..k + needle.len()) == Some(needle) {
            return Some(k);
        }
        k += 1;
    }
    None
}

fn html(i: &mut Interp, s: &JsStr, tag: &str, attr: Option<(&str, &Value)>) -> Res<Value> {
    let mut out = format!("<{tag}");
    if let Some((name, v)) = attr {
        let v = i.to_rust_string(v)?.replace('"', "&quot;");
        out.push_str(&format!(" {name}=\"{v}\""));
    }
    out.push('>');
    let mut u: Vec<u16> = out.encode_utf16().collect();
    u.extend_from_slice(s.units());
    u.extend(format!("</{tag}>").encode_utf16());
    i.str_value(u)
}

fn is_ws(u: u16) -> bool {
    char::from_u32(u32::from(u)).is_some_and(num::is_str_whitespace)
}

pub(crate) fn call(i: &mut Interp, f: St, this: Value, args: &[Value]) -> Res<Value> {
    if f == St::FromCharCode {
        let mut out = Vec::with_capacity(args.len());
        for a in args {
            out.push(i.to_uint32(a)? as u16);
        }
        return i.str_value(out);
    }
    if matches!(f, St::ToString | St::ValueOf) {
        return match &this {
            Value::Str(_) => Ok(this),
            Value::Obj(o) => match &i.obj(*o).class {
                Class::String(s) => Ok(Value::Str(s.clone())),
                _ => i.type_error("String.prototype.toString called on incompatible object".into()),
            },
            _ => i.type_error("String.prototype.toString called on incompatible object".into()),
        };
    }
    let s = this_string(i, &this, f)?;
    let u = s.units();
    let a0 = arg(args, 0);
    let a1 = arg(args, 1);
    i.tick(u.len() as u64 / 64)?;
    match f {
        St::CharAt => {
            let p = i.to_integer(&a0)?;
            if p < 0.0 || p >= u.len() as f64 {
                return Ok(Value::Str(i.empty.clone()));
            }
            i.str_value(vec![u[p as usize]])
        }
        St::CharCodeAt => {
            let p = i.to_integer(&a0)?;
            if p < 0.0 || p >= u.len() as f64 {
                return Ok(Value::Num(f64::NAN));
            }
            Ok(Value::Num(f64::from(u[p as usize])))
        }
        St::Concat => {
            let mut out = u.to_vec();
            for a in args {
                let t = i.to_string(a)?;
                out.extend_from_slice(t.units());
            }
            i.str_value(out)
        }
        St::IndexOf => {
            let needle = i.to_string(&a0)?;
            let from = clamp(i, &a1, u.len(), 0)?;
            Ok(Value::Num(index_of(u, needle.units(), from).map(|k| k as f64).unwrap_or(-1.0)))
        }
        St::LastIndexOf => {
            let needle = i.to_string(&a0)?;
            let n = needle.units();
            let pos = i.to_number(&a1)?;
            let start = if pos.is_nan() { u.len() } else { pos.max(0.0).min(u.len() as f64) as usize };
            if n.len() > u.len() {
                return Ok(Value::Num(-1.0));
            }
            let mut k = start.min(u.len() - n.len());
            loop {
                if u.get(k..k + n.len()) == Some(n) {
                    return Ok(Value::Num(k as f64));
                }
                if k == 0 {
                    return Ok(Value::Num(-1.0));
                }
                k -= 1;
            }
        }
        St::LocaleCompare => {
            let t = i.to_string(&a0)?;
            Ok(Value::Num(match u.cmp(t.units()) {
                std::cmp::Ordering::Less => -1.0,
                std::cmp::Ordering::Equal => 0.0,
                std::cmp::Ordering::Greater => 1.0,
            }))
        }
        St::Slice => {
            let start = relative(i, &a0, u.len(), 0)?;
            let end = relative(i, &a1, u.len(), u.len())?;
            i.str_value(u.get(start..end.max(start)).unwrap_or_default().to_vec())
        }
        St::Substring => {
            let a = clamp(i, &a0, u.len(), 0)?;
            let b = clamp(i, &a1, u.len(), u.len())?;
            let (a, b) = if a <= b { (a, b) } else { (b, a) };
            i.str_value(u.get(a..b).unwrap_or_default().to_vec())
        }
        St::Substr => {
            let start = relative(i, &a0, u.len(), 0)?;
            let len = if matches!(a1, Value::Undef) { f64::INFINITY } else { i.to_integer(&a1)? };
            let len = len.max(0.0).min((u.len() - start) as f64) as usize;
            i.str_value(u.get(start..start + len).unwrap_or_default().to_vec())
        }
        St::ToLowerCase | St::ToUpperCase => {
            let r = s.to_rust();
            let r = if f == St::ToLowerCase { r.to_lowercase() } else { r.to_uppercase() };
            // A lone surrogate stays as it was.
            if u.iter().any(|&c| (0xD800..0xE000).contains(&c)) && char::decode_utf16(u.iter().copied()).any(|c| c.is_err()) {
                let mut out = Vec::with_capacity(u.len());
                for c in char::decode_utf16(u.iter().copied()) {
                    match c {
                        Ok(c) => {
                            let m: String = if f == St::ToLowerCase { c.to_lowercase().collect() } else { c.to_uppercase().collect() };
                            out.extend(m.encode_utf16());
                        }
                        Err(e) => out.push(e.unpaired_surrogate()),
                    }
                }
                return i.str_value(out);
            }
            i.str_value(r.encode_utf16().collect())
        }
        St::Trim | St::TrimLeft | St::TrimRight => {
            let mut a = 0;
            let mut b = u.len();
            if f != St::TrimRight {
                while a < b && is_ws(u[a]) {
                    a += 1;
                }
            }
            if f != St::TrimLeft {
                while b > a && is_ws(u[b - 1]) {
                    b -= 1;
                }
            }
            i.str_value(u.get(a..b).unwrap_or_default().to_vec())
        }
        St::Match => {
            let re = bi_regexp::to_regexp(i, &a0)?;
            let global = bi_regexp::is_global(i, re);
            if !global {
                return bi_regexp::exec(i, re, &s);
            }
            bi_regexp::set_last_index(i, re, 0.0)?;
            let mut found = Vec::new();
            let mut last = 0usize;
            loop {
                i.tick(1)?;
                let Some(m) = bi_regexp::raw_exec(i, re, &s, last)? else { break };
                let (a, b) = m.first().copied().flatten().unwrap_or((last, last));
                found.push(Value::Str(JsStr::from_slice(u.get(a..b).unwrap_or_default())));
                last = if b == a { b + 1 } else { b };
                if last > u.len() {
                    break;
                }
            }
            if found.is_empty() {
                return Ok(Value::Null);
            }
            i.new_array(found)
        }
        St::Search => {
            let re = bi_regexp::to_regexp(i, &a0)?;
            Ok(Value::Num(match bi_regexp::raw_exec(i, re, &s, 0)? {
                Some(m) => m.first().copied().flatten().map(|(a, _)| a as f64).unwrap_or(-1.0),
                None => -1.0,
            }))
        }
        St::Replace => replace(i, &s, &a0, &a1),
        St::Split => split(i, &s, &a0, &a1),
        St::Anchor => html(i, &s, "a", Some(("name", &a0))),
        St::Big => html(i, &s, "big", None),
        St::Blink => html(i, &s, "blink", None),
        St::Bold => html(i, &s, "b", None),
        St::Fixed => html(i, &s, "tt", None),
        St::FontColor => html(i, &s, "font", Some(("color", &a0))),
        St::FontSize => html(i, &s, "font", Some(("size", &a0))),
        St::Italics => html(i, &s, "i", None),
        St::Link => html(i, &s, "a", Some(("href", &a0))),
        St::Small => html(i, &s, "small", None),
        St::Strike => html(i, &s, "strike", None),
        St::Sub => html(i, &s, "sub", None),
        St::Sup => html(i, &s, "sup", None),
        St::FromCharCode | St::ToString | St::ValueOf => Ok(Value::Undef),
    }
}

/// `s.replace(pattern, replacement)`.
fn replace(i: &mut Interp, s: &JsStr, pattern: &Value, replacement: &Value) -> Res<Value> {
    let u = s.units();
    // The matches: (start, end, captures).
    let mut matches: Vec<Vec<Option<(usize, usize)>>> = Vec::new();
    if let Some(re) = bi_regexp::as_regexp(i, pattern) {
        if bi_regexp::is_global(i, re) {
            bi_regexp::set_last_index(i, re, 0.0)?;
            let mut last = 0usize;
            while last <= u.len() {
                i.tick(1)?;
                let Some(m) = bi_regexp::raw_exec(i, re, s, last)? else { break };
                let (a, b) = m.first().copied().flatten().unwrap_or((last, last));
                last = if b == a { b + 1 } else { b };
                matches.push(m);
            }
        } else if let Some(m) = bi_regexp::raw_exec(i, re, s, 0)? {
            matches.push(m);
        }
    } else {
        let p = i.to_string(pattern)?;
        if let Some(k) = index_of(u, p.units(), 0) {
            matches.push(vec![Some((k, k + p.len()))]);
        }
    }
    let func = is_callable(i, replacement);
    let template = if func { None } else { Some(i.to_string(replacement)?) };
    let mut out: Vec<u16> = Vec::with_capacity(u.len());
    let mut last = 0;
    for m in &matches {
        let Some((a, b)) = m.first().copied().flatten() else { continue };
        out.extend_from_slice(u.get(last..a).unwrap_or_default());
        match &template {
            None => {
                let mut call_args: Vec<Value> = m
                    .iter()
                    .map(|c| c.map(|(x, y)| Value::Str(JsStr::from_slice(u.get(x..y).unwrap_or_default()))).unwrap_or(Value::Undef))
                    .collect();
                call_args.push(Value::Num(a as f64));
                call_args.push(Value::Str(s.clone()));
                let r = i.call(replacement, Value::Undef, &call_args)?;
                let r = i.to_string(&r)?;
                out.extend_from_slice(r.units());
            }
            Some(t) => expand(&mut out, t.units(), u, m),
        }
        last = b;
        if out.len() > i.env.bounds.string_units {
            return Err(super::interp::Throw::Limit(super::Limit::Memory, i.pos));
        }
    }
    out.extend_from_slice(u.get(last..).unwrap_or_default());
    i.str_value(out)
}

/// A replacement template's `$` patterns.
fn expand(out: &mut Vec<u16>, t: &[u16], u: &[u16], m: &[Option<(usize, usize)>]) {
    let dollar = u16::from(b'$');
    let (a, b) = m.first().copied().flatten().unwrap_or((0, 0));
    let mut k = 0;
    while k < t.len() {
        if t[k] != dollar || k + 1 >= t.len() {
            out.push(t[k]);
            k += 1;
            continue;
        }
        let c = t[k + 1];
        match c {
            0x24 => {
                out.push(dollar);
                k += 2;
            }
            0x26 => {
                out.extend_from_slice(u.get(a..b).unwrap_or_default());
                k += 2;
            }
            0x60 => {
                out.extend_from_slice(u.get(..a).unwrap_or_default());
                k += 2;
            }
            0x27 => {
                out.extend_from_slice(u.get(b..).unwrap_or_default());
                k += 2;
            }
            0x30..=0x39 => {
                let d1 = usize::from(c - 0x30);
                let two = t.get(k + 2).filter(|d| (0x30..=0x39).contains(*d)).map(|d| d1 * 10 + usize::from(d - 0x30));
                let groups = m.len().saturating_sub(1);
                let (n, used) = match two {
                    Some(n2) if n2 >= 1 && n2 <= groups => (n2, 3),
                    _ => (d1, 2),
                };
                if n >= 1 && n <= groups {
                    if let Some(Some((x, y))) = m.get(n) {
                        out.extend_from_slice(u.get(*x..*y).unwrap_or_default());
                    }
                    k += used;
                } else {
                    out.push(dollar);
                    k += 1;
                }
            }
            _ => {
                out.push(dollar);
                k += 1;
            }
        }
    }
}

/// `s.split(separator, limit)`.
fn split(i: &mut Interp, s: &JsStr, sep: &Value, limit: &Value) -> Res<Value> {
    let u = s.units();
    let lim = if matches!(limit, Value::Undef) { u32::MAX } else { i.to_uint32(limit)? } as usize;
    if lim == 0 {
        return i.new_array(Vec::new());
    }
    if matches!(sep, Value::Undef) {
        return i.new_array(vec![Value::Str(s.clone())]);
    }
    let mut parts: Vec<Value> = Vec::new();
    if let Some(re) = bi_regexp::as_regexp(i, sep) {
        if u.is_empty() {
            let whole = bi_regexp::raw_exec(i, re, s, 0)?.and_then(|m| m.first().copied().flatten());
            if whole == Some((0, 0)) {
                return i.new_array(Vec::new());
            }
            return i.new_array(vec![Value::Str(s.clone())]);
        }
        // ES5's SplitMatch at q, q+1…: the search from q finds the first of them.
        let mut p = 0;
        let mut q = p;
        while q < u.len() {
            i.tick(1)?;
            let Some(m) = bi_regexp::raw_exec(i, re, s, q)? else { break };
            let Some((qs, e)) = m.first().copied().flatten() else { break };
            if qs >= u.len() {
                break;
            }
            if e == p || (e == qs && qs == p) {
                q = qs + 1;
                continue;
            }
            parts.push(Value::Str(JsStr::from_slice(u.get(p..qs).unwrap_or_default())));
            if parts.len() == lim {
                return i.new_array(parts);
            }
            for c in m.iter().skip(1) {
                parts.push(c.map(|(x, y)| Value::Str(JsStr::from_slice(u.get(x..y).unwrap_or_default()))).unwrap_or(Value::Undef));
                if parts.len() == lim {
                    return i.new_array(parts);
                }
            }
            p = e;
            q = if e == qs { e + 1 } else { e };
        }
        parts.push(Value::Str(JsStr::from_slice(u.get(p..).unwrap_or_default())));
        return i.new_array(parts);
    }
    let sep = i.to_string(sep)?;
    let n = sep.units();
    if n.is_empty() {
        for &c in u.iter().take(lim) {
            parts.push(Value::Str(JsStr::from_slice(&[c])));
        }
        i.charge(parts.len() * 40)?;
        return i.new_array(parts);
    }
    let mut start = 0;
    while let Some(k) = index_of(u, n, start) {
        i.tick(1)?;
        parts.push(Value::Str(JsStr::from_slice(u.get(start..k).unwrap_or_default())));
        if parts.len() == lim {
            return i.new_array(parts);
        }
        start = k + n.len();
    }
    parts.push(Value::Str(JsStr::from_slice(u.get(start..).unwrap_or_default())));
    i.charge(parts.len() * 40)?;
    i.new_array(parts)
}
