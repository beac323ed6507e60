//! `RegExp` objects over the engine of `regex/` (matches cost the render's steps).

use std::rc::Rc;

use super::builtins::{arg, Builtin, ErrKind, Table};
use super::interp::{Interp, Res, Throw};
use super::jsstr::{JsStr, K};
use super::regex::{Captures, Regex, RegexError};
use super::value::*;
use super::Limit;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum R {
    Exec,
    Test,
    ToString,
}

pub(crate) const PROTO: Table<R> = &[("exec", R::Exec, 1), ("test", R::Test, 1), ("toString", R::ToString, 0)];

/// The error of a regular expression that does not compile or run.
pub(crate) fn regex_error(i: &mut Interp, e: RegexError) -> Throw {
    match e {
        RegexError::Syntax(m) => i.error(ErrKind::Syntax, m.trim_end().to_owned()),
        RegexError::TooComplex => i.error(ErrKind::Internal, "too complex regular expression".into()),
        RegexError::OutOfFuel => Throw::Limit(Limit::Steps, i.pos),
    }
}

/// A compiled regular expression (kept per render: a literal in a loop compiles once).
pub(crate) fn compile(i: &mut Interp, source: &JsStr, flags: &JsStr) -> Res<Rc<Regex>> {
    let key = (source.clone(), flags.clone());
    if let Some(r) = i.regex_cache.get(&key) {
        return Ok(r.clone());
    }
    i.tick(source.len() as u64)?;
    match Regex::new(source.units(), &flags.to_rust()) {
        Ok(r) => {
            let r = Rc::new(r);
            i.regex_cache.insert(key, r.clone());
            Ok(r)
        }
        Err(e) => Err(regex_error(i, e)),
    }
}

/// A new RegExp object.
pub(crate) fn new_regexp(i: &mut Interp, source: JsStr, flags: JsStr) -> Res<Value> {
    let re = compile(i, &source, &flags)?;
    let f = re.flags();
    let proto = i.builtin(Builtin::RegExpProto)?;
    let mut obj = Obj::new(Some(proto), Class::RegExp(Box::new(RegExpData { source: source.clone(), flags, re, global: f.global })));
    obj.props.push(K::lastIndex.atom(), Slot::Data(Value::Num(0.0)), WRITABLE);
    obj.props.push(K::source.atom(), Slot::Data(Value::Str(source)), 0);
    obj.props.push(K::global.atom(), Slot::Data(Value::Bool(f.global)), 0);
    obj.props.push(K::ignoreCase.atom(), Slot::Data(Value::Bool(f.ignore_case)), 0);
    obj.props.push(K::multiline.atom(), Slot::Data(Value::Bool(f.multiline)), 0);
    Ok(Value::Obj(i.alloc(obj)?))
}

/// `new RegExp(pattern, flags)` and `RegExp(pattern, flags)`.
pub(crate) fn construct(i: &mut Interp, args: &[Value], new_target: Option<ObjId>) -> Res<Value> {
    let p = arg(args, 0);
    let fl = arg(args, 1);
    if let Some(re) = as_regexp(i, &p) {
        if !matches!(fl, Value::Undef) {
            return i.type_error("can't supply flags when constructing one RegExp from another".into());
        }
        if new_target.is_none() {
            return Ok(p);
        }
        let (source, flags) = match &i.obj(re).class {
            Class::RegExp(d) => (d.source.clone(), d.flags.clone()),
            _ => (JsStr::from_str(""), JsStr::from_str("")),
        };
        return new_regexp(i, source, flags);
    }
    let source = if matches!(p, Value::Undef) { JsStr::from_str("") } else { i.to_string(&p)? };
    let flags = if matches!(fl, Value::Undef) { JsStr::from_str("") } else { i.to_string(&fl)? };
    new_regexp(i, source, flags)
}

/// The RegExp object a value is, if it is one.
pub(crate) fn as_regexp(i: &Interp, v: &Value) -> Option<ObjId> {
    match v {
        Value::Obj(o) if matches!(i.obj(*o).class, Class::RegExp(_)) => Some(*o),
        _ => None,
    }
}

/// A value as a RegExp (`match`, `search`): itself, or `new RegExp(String(v))`.
pub(crate) fn to_regexp(i: &mut Interp, v: &Value) -> Res<ObjId> {
    if let Some(o) = as_regexp(i, v) {
        return Ok(o);
    }
    let source = if matches!(v, Value::Undef) { JsStr::from_str("") } else { i.to_string(v)? };
    match new_regexp(i, source, JsStr::from_str(""))? {
        Value::Obj(o) => Ok(o),
        _ => i.type_error("not a regular expression".into()),
    }
}

pub(crate) fn is_global(i: &Interp, re: ObjId) -> bool {
    matches!(&i.obj(re).class, Class::RegExp(d) if d.global)
}

pub(crate) fn set_last_index(i: &mut Interp, re: ObjId, n: f64) -> Res<()> {
    i.put_obj(re, Key::Name(K::lastIndex.atom()), Value::Num(n), &Value::Obj(re))
}

/// The first match from `start` on, ignoring `lastIndex`.
pub(crate) fn raw_exec(i: &mut Interp, re: ObjId, s: &JsStr, start: usize) -> Res<Option<Captures>> {
    let Class::RegExp(d) = &i.obj(re).class else { return Ok(None) };
    let r = d.re.clone();
    let mut fuel = i.fuel();
    let before = fuel;
    let out = r.exec(s.units(), start, &mut fuel);
    i.use_fuel(before - fuel);
    match out {
        Ok(m) => Ok(m),
        Err(e) => Err(regex_error(i, e)),
    }
}

/// `re.exec(s)` with `lastIndex` (global) and the result array (`index`, `input`).
pub(crate) fn exec(i: &mut Interp, re: ObjId, s: &JsStr) -> Res<Value> {
    let global = is_global(i, re);
    let start = if global {
        let li = i.get_obj(re, Key::Name(K::lastIndex.atom()), &Value::Obj(re))?;
        let n = i.to_integer(&li)?;
        if n < 0.0 || n > s.len() as f64 {
            set_last_index(i, re, 0.0)?;
            return Ok(Value::Null);
        }
        n as usize
    } else {
        0
    };
    let Some(m) = raw_exec(i, re, s, start)? else {
        if global {
            set_last_index(i, re, 0.0)?;
        }
        return Ok(Value::Null);
    };
    let (a, b) = m.first().copied().flatten().unwrap_or((start, start));
    if global {
        set_last_index(i, re, b as f64)?;
    }
    let u = s.units();
    let items: Vec<Value> =
        m.iter().map(|c| c.map(|(x, y)| Value::Str(JsStr::from_slice(u.get(x..y).unwrap_or_default()))).unwrap_or(Value::Undef)).collect();
    let arr = i.new_array(items)?;
    if let Value::Obj(o) = &arr {
        i.obj_mut(*o).props.push(K::index.atom(), Slot::Data(Value::Num(a as f64)), DEFAULT);
        i.obj_mut(*o).props.push(K::input.atom(), Slot::Data(Value::Str(s.clone())), DEFAULT);
    }
    Ok(arr)
}

pub(crate) fn call(i: &mut Interp, r: R, this: Value, args: &[Value]) -> Res<Value> {
    let Some(re) = as_regexp(i, &this) else {
        return i.type_error("RegExp.prototype method called on incompatible object".into());
    };
    match r {
        R::Exec | R::Test => {
            let a = arg(args, 0);
            let s = i.to_string(&a)?;
            let v = exec(i, re, &s)?;
            Ok(if r == R::Test { Value::Bool(!matches!(v, Value::Null)) } else { v })
        }
        R::ToString => {
            let (source, flags) = match &i.obj(re).class {
                Class::RegExp(d) => (d.source.clone(), d.flags.clone()),
                _ => (JsStr::from_str(""), JsStr::from_str("")),
            };
            let mut u = vec![u16::from(b'/')];
            u.extend_from_slice(source.units());
            u.push(u16::from(b'/'));
            // The flags in the canonical order g, i, m.
            let f = flags.to_rust();
            for c in ['g', 'i', 'm'] {
                if f.contains(c) {
                    u.push(c as u16);
                }
            }
            i.str_value(u)
        }
    }
}
