//! `Date` over the algorithms of `date.rs`: `new Date()` and `Date.now()` read the render's
//! virtual clock; local time is the instance's time zone.

use super::builtins::{arg, Builtin, ErrKind, Table};
use super::date::{self, Field};
use super::interp::{Interp, Res};
use super::value::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum D {
    Now,
    Parse,
    Utc,
    GetTime,
    GetFullYear,
    GetUtcFullYear,
    GetMonth,
    GetUtcMonth,
    GetDate,
    GetUtcDate,
    GetDay,
    GetUtcDay,
    GetHours,
    GetUtcHours,
    GetMinutes,
    GetUtcMinutes,
    GetSeconds,
    GetUtcSeconds,
    GetMilliseconds,
    GetUtcMilliseconds,
    GetYear,
    GetTimezoneOffset,
    SetTime,
    Set(Field, bool),
    SetYear,
    ToString,
    ToDateString,
    ToTimeString,
    ToLocaleString,
    ToLocaleDateString,
    ToLocaleTimeString,
    ToUtcString,
    ToIsoString,
    ToJson,
}

pub(crate) const STATIC: Table<D> = &[("now", D::Now, 0), ("parse", D::Parse, 1), ("UTC", D::Utc, 7)];

pub(crate) const PROTO: Table<D> = &[
    ("getTime", D::GetTime, 0),
    ("valueOf", D::GetTime, 0),
    ("getFullYear", D::GetFullYear, 0),
    ("getUTCFullYear", D::GetUtcFullYear, 0),
    ("getMonth", D::GetMonth, 0),
    ("getUTCMonth", D::GetUtcMonth, 0),
    ("getDate", D::GetDate, 0),
    ("getUTCDate", D::GetUtcDate, 0),
    ("getDay", D::GetDay, 0),
    ("getUTCDay", D::GetUtcDay, 0),
    ("getHours", D::GetHours, 0),
    ("getUTCHours", D::GetUtcHours, 0),
    ("getMinutes", D::GetMinutes, 0),
    ("getUTCMinutes", D::GetUtcMinutes, 0),
    ("getSeconds", D::GetSeconds, 0),
    ("getUTCSeconds", D::GetUtcSeconds, 0),
    ("getMilliseconds", D::GetMilliseconds, 0),
    ("getUTCMilliseconds", D::GetUtcMilliseconds, 0),
    ("getYear", D::GetYear, 0),
    ("getTimezoneOffset", D::GetTimezoneOffset, 0),
    ("setTime", D::SetTime, 1),
    ("setMilliseconds", D::Set(Field::Milliseconds, false), 1),
    ("setUTCMilliseconds", D::Set(Field::Milliseconds, true), 1),
    ("setSeconds", D::Set(Field::Seconds, false), 2),
    ("setUTCSeconds", D::Set(Field::Seconds, true), 2),
    ("setMinutes", D::Set(Field::Minutes, false), 3),
    ("setUTCMinutes", D::Set(Field::Minutes, true), 3),
    ("setHours", D::Set(Field::Hours, false), 4),
    ("setUTCHours", D::Set(Field::Hours, true), 4),
    ("setDate", D::Set(Field::Date, false), 1),
    ("setUTCDate", D::Set(Field::Date, true), 1),
    ("setMonth", D::Set(Field::Month, false), 2),
    ("setUTCMonth", D::Set(Field::Month, true), 2),
    ("setFullYear", D::Set(Field::FullYear, false), 3),
    ("setUTCFullYear", D::Set(Field::FullYear, true), 3),
    ("setYear", D::SetYear, 1),
    ("toString", D::ToString, 0),
    ("toDateString", D::ToDateString, 0),
    ("toTimeString", D::ToTimeString, 0),
    ("toLocaleString", D::ToLocaleString, 0),
    ("toLocaleDateString", D::ToLocaleDateString, 0),
    ("toLocaleTimeString", D::ToLocaleTimeString, 0),
    ("toUTCString", D::ToUtcString, 0),
    ("toGMTString", D::ToUtcString, 0),
    ("toISOString", D::ToIsoString, 0),
    ("toJSON", D::ToJson, 1),
];

/// A new Date object of this time value.
pub(crate) fn new_date(i: &mut Interp, t: f64, proto: Option<ObjId>) -> Res<Value> {
    let proto = match proto {
        Some(p) => p,
        None => i.builtin(Builtin::DateProto)?,
    };
    Ok(Value::Obj(i.alloc(Obj::new(Some(proto), Class::Date(t)))?))
}

/// `Date(…)` and `new Date(…)`.
pub(crate) fn construct(i: &mut Interp, args: &[Value], new_target: Option<ObjId>) -> Res<Value> {
    let now = i.env.now;
    if new_target.is_none() {
        // Called as a function: the virtual clock's time as a string.
        return i.str_value(date::to_string(now, &i.env.tz).encode_utf16().collect());
    }
    let t = match args {
        [] => now,
        [v] => {
            let v = match v {
                Value::Obj(o) => match i.obj(*o).class {
                    Class::Date(t) => Value::Num(t),
                    _ => i.to_primitive(v, None)?,
                },
                other => i.to_primitive(other, None)?,
            };
            match v {
                Value::Str(s) => date::time_clip(date::parse_date(&s.to_rust(), &i.env.tz)),
                other => date::time_clip(i.to_number(&other)?),
            }
        }
        _ => {
            let mut n = Vec::with_capacity(args.len().min(7));
            for a in args.iter().take(7) {
                n.push(i.to_number(a)?);
            }
            date::from_components(&n, &i.env.tz)
        }
    };
    let proto = match new_target {
        Some(f) => match i.get_obj(f, Key::Name(super::jsstr::K::prototype.atom()), &Value::Obj(f))? {
            Value::Obj(p) => Some(p),
            _ => None,
        },
        None => None,
    };
    new_date(i, t, proto)
}

fn this_time(i: &mut Interp, this: &Value, d: D) -> Res<f64> {
    if let Value::Obj(o) = this {
        if let Class::Date(t) = i.obj(*o).class {
            return Ok(t);
        }
    }
    let n = super::builtins::name(super::builtins::N::Date(d));
    i.type_error(format!("Date.prototype.{n} called on incompatible object"))
}

fn set_time(i: &mut Interp, this: &Value, t: f64) -> Res<Value> {
    if let Value::Obj(o) = this {
        if let Class::Date(x) = &mut i.obj_mut(*o).class {
            *x = t;
        }
    }
    Ok(Value::Num(t))
}

fn text(i: &mut Interp, s: String) -> Res<Value> {
    i.str_value(s.encode_utf16().collect())
}

pub(crate) fn call(i: &mut Interp, d: D, this: Value, args: &[Value]) -> Res<Value> {
    match d {
        D::Now => return Ok(Value::Num(i.env.now)),
        D::Parse => {
            let s = i.to_rust_string(&arg(args, 0))?;
            return Ok(Value::Num(date::parse_date(&s, &i.env.tz)));
        }
        D::Utc => {
            let mut n = Vec::with_capacity(args.len().min(7));
            for a in args.iter().take(7) {
                n.push(i.to_number(a)?);
            }
            return Ok(Value::Num(date::date_utc(&n)));
        }
        D::ToJson => {
            // Generic (ES5 §15.9.5.44): through toISOString.
            let tv = i.to_primitive(&this, Some(true))?;
            if let Value::Num(n) = tv {
                if !n.is_finite() {
                    return Ok(Value::Null);
                }
            }
            let name = i_atom(i, "toISOString");
            let f = i.get(&this, Key::Name(name))?;
            if !super::interp::is_callable(i, &f) {
                return i.type_error("toISOString is not a function".into());
            }
            return i.call(&f, this, &[]);
        }
        _ => {}
    }
    let t = this_time(i, &this, d)?;
    let tz = i.env.tz.clone();
    let local = || date::local_time(t, &tz);
    let num = |x: f64| Ok(Value::Num(if t.is_nan() { f64::NAN } else { x }));
    match d {
        D::GetTime => Ok(Value::Num(t)),
        D::GetFullYear => num(date::year_from_time(local())),
        D::GetUtcFullYear => num(date::year_from_time(t)),
        D::GetMonth => num(date::month_from_time(local())),
        D::GetUtcMonth => num(date::month_from_time(t)),
        D::GetDate => num(date::date_from_time(local())),
        D::GetUtcDate => num(date::date_from_time(t)),
        D::GetDay => num(date::week_day(local())),
        D::GetUtcDay => num(date::week_day(t)),
        D::GetHours => num(date::hour_from_time(local())),
        D::GetUtcHours => num(date::hour_from_time(t)),
        D::GetMinutes => num(date::min_from_time(local())),
        D::GetUtcMinutes => num(date::min_from_time(t)),
        D::GetSeconds => num(date::sec_from_time(local())),
        D::GetUtcSeconds => num(date::sec_from_time(t)),
        D::GetMilliseconds => num(date::ms_from_time(local())),
        D::GetUtcMilliseconds => num(date::ms_from_time(t)),
        D::GetYear => num(date::year_from_time(local()) - 1900.0),
        D::GetTimezoneOffset => Ok(Value::Num(date::timezone_offset(t, &tz))),
        D::SetTime => {
            let n = i.to_number(&arg(args, 0))?;
            set_time(i, &this, date::time_clip(n))
        }
        D::Set(field, utc) => {
            let mut n = Vec::with_capacity(args.len().min(4));
            for a in args.iter().take(4) {
                n.push(i.to_number(a)?);
            }
            let nt = date::set_fields(t, field, &n, if utc { None } else { Some(&tz) });
            set_time(i, &this, nt)
        }
        D::SetYear => {
            let y = i.to_number(&arg(args, 0))?;
            set_time(i, &this, date::set_year(t, y, &tz))
        }
        D::ToString => text(i, date::to_string(t, &tz)),
        D::ToDateString => text(i, date::to_date_string(t, &tz)),
        D::ToTimeString => text(i, date::to_time_string(t, &tz)),
        D::ToLocaleString => text(i, date::to_locale_string(t, &tz)),
        D::ToLocaleDateString => text(i, date::to_locale_date_string(t, &tz)),
        D::ToLocaleTimeString => text(i, date::to_locale_time_string(t, &tz)),
        D::ToUtcString => text(i, date::to_utc_string(t)),
        D::ToIsoString => match date::to_iso_string(t) {
            Ok(s) => text(i, s),
            Err(m) => Err(i.error(ErrKind::Range, m)),
        },
        D::Now | D::Parse | D::Utc | D::ToJson => Ok(Value::Undef),
    }
}

fn i_atom(i: &mut Interp, s: &str) -> super::jsstr::Atom {
    i.atoms.intern_str(s)
}
