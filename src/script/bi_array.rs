//! `Array` and `Array.prototype` (ES5). The methods that change an array work on arrays; the
//! others also on array-likes (`Array.prototype.slice.call(arguments)`).

use super::builtins::{arg, array_like, ErrKind, Table};
use super::interp::{is_callable, Interp, Res};
use super::jsstr::JsStr;
use super::value::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum A {
    IsArray,
    Push,
    Pop,
    Shift,
    Unshift,
    Slice,
    Splice,
    Concat,
    Join,
    Reverse,
    Sort,
    IndexOf,
    LastIndexOf,
    ForEach,
    Map,
    Filter,
    Some,
    Every,
    Reduce,
    ReduceRight,
    ToString,
}

pub(crate) const STATIC: Table<A> = &[("isArray", A::IsArray, 1)];

pub(crate) const PROTO: Table<A> = &[
    ("push", A::Push, 1),
    ("pop", A::Pop, 0),
    ("shift", A::Shift, 0),
    ("unshift", A::Unshift, 1),
    ("slice", A::Slice, 2),
    ("splice", A::Splice, 2),
    ("concat", A::Concat, 1),
    ("join", A::Join, 1),
    ("reverse", A::Reverse, 0),
    ("sort", A::Sort, 1),
    ("indexOf", A::IndexOf, 1),
    ("lastIndexOf", A::LastIndexOf, 1),
    ("forEach", A::ForEach, 1),
    ("map", A::Map, 1),
    ("filter", A::Filter, 1),
    ("some", A::Some, 1),
    ("every", A::Every, 1),
    ("reduce", A::Reduce, 1),
    ("reduceRight", A::ReduceRight, 1),
    ("toString", A::ToString, 0),
    ("toLocaleString", A::ToString, 0),
];

fn is_array(i: &Interp, v: &Value) -> Option<ObjId> {
    match v {
        Value::Obj(o) if matches!(i.obj(*o).class, Class::Array(_)) => Some(*o),
        _ => None,
    }
}

fn items(i: &Interp, o: ObjId) -> Vec<Value> {
    match &i.obj(o).class {
        Class::Array(v) => v.clone(),
        _ => Vec::new(),
    }
}

fn len_of(i: &Interp, o: ObjId) -> usize {
    match &i.obj(o).class {
        Class::Array(v) => v.len(),
        _ => 0,
    }
}

fn items_mut<'a>(i: &'a mut Interp<'_>, o: ObjId) -> Option<&'a mut Vec<Value>> {
    match &mut i.obj_mut(o).class {
        Class::Array(v) => Some(v),
        _ => None,
    }
}

/// The elements of `this` (an array, or an array-like object, or a string).
fn elements(i: &mut Interp, this: &Value) -> Res<Vec<Value>> {
    match this {
        Value::Obj(o) => array_like(i, *o),
        Value::Str(s) => Ok(s.units().iter().map(|&u| Value::Str(JsStr::from_slice(&[u]))).collect()),
        Value::Undef | Value::Null => i.type_error("Array.prototype method called on null or undefined".into()),
        _ => Ok(Vec::new()),
    }
}

/// A relative index (negative from the end) clamped to 0..=len.
fn rel(i: &mut Interp, v: &Value, len: usize, default: usize) -> Res<usize> {
    if matches!(v, Value::Undef) {
        return Ok(default);
    }
    let n = i.to_integer(v)?;
    let l = len as f64;
    Ok(if n < 0.0 { (l + n).max(0.0) } else { n.min(l) } as usize)
}

/// `join` of these elements.
pub(crate) fn join(i: &mut Interp, els: &[Value], sep: &[u16]) -> Res<Value> {
    let mut out: Vec<u16> = Vec::new();
    for (k, v) in els.iter().enumerate() {
        if k > 0 {
            out.extend_from_slice(sep);
        }
        if !v.is_nullish() {
            let s = i.to_string(v)?;
            out.extend_from_slice(s.units());
        }
        if out.len() > i.env.bounds.string_units {
            return Err(super::interp::Throw::Limit(super::Limit::Memory, i.pos));
        }
    }
    i.str_value(out)
}

/// The callback of forEach/map/…, checked.
fn callback(i: &mut Interp, f: &Value, what: &str) -> Res<()> {
    if !is_callable(i, f) {
        return i.type_error(format!("Array.prototype.{what}: the argument is not a function"));
    }
    Ok(())
}

pub(crate) fn call(i: &mut Interp, a: A, this: Value, args: &[Value]) -> Res<Value> {
    let a0 = arg(args, 0);
    let a1 = arg(args, 1);
    match a {
        A::IsArray => Ok(Value::Bool(is_array(i, &a0).is_some())),
        A::Push | A::Pop | A::Shift | A::Unshift | A::Splice | A::Reverse | A::Sort => {
            let Some(o) = is_array(i, &this) else {
                return i.type_error(format!(
                    "Array.prototype.{} works on arrays only in templates",
                    super::builtins::name(super::builtins::N::Array(a))
                ));
            };
            mutate(i, a, o, args)
        }
        A::Slice => {
            let els = elements(i, &this)?;
            let start = rel(i, &a0, els.len(), 0)?;
            let end = rel(i, &a1, els.len(), els.len())?;
            let out = els.get(start..end.max(start)).unwrap_or_default().to_vec();
            i.new_array(out)
        }
        A::Concat => {
            let mut out = elements(i, &this)?;
            for x in args {
                match is_array(i, x) {
                    Some(o) => {
                        let more = items(i, o);
                        out.extend(more);
                    }
                    None => out.push(x.clone()),
                }
                i.tick(out.len() as u64 / 16)?;
            }
            i.new_array(out)
        }
        A::Join | A::ToString => {
            let me = match this {
                Value::Obj(o) => Some(o),
                _ => None,
            };
            if me.is_some_and(|o| i.joining.contains(&o)) {
                return i.str_value(Vec::new());
            }
            let els = elements(i, &this)?;
            let sep = if a == A::ToString || matches!(a0, Value::Undef) { JsStr::from_str(",") } else { i.to_string(&a0)? };
            i.joining.extend(me);
            let r = join(i, &els, sep.units());
            if me.is_some() {
                i.joining.pop();
            }
            r
        }
        A::IndexOf | A::LastIndexOf => {
            let els = elements(i, &this)?;
            let n = els.len();
            if a == A::IndexOf {
                let from = if args.len() > 1 { rel(i, &a1, n, 0)? } else { 0 };
                for (k, v) in els.iter().enumerate().skip(from) {
                    if i.strict_eq(v, &a0) {
                        return Ok(Value::Num(k as f64));
                    }
                }
            } else if n > 0 {
                let from = if args.len() > 1 {
                    let f = i.to_integer(&a1)?;
                    if f < 0.0 {
                        n as f64 + f
                    } else {
                        f.min(n as f64 - 1.0)
                    }
                } else {
                    n as f64 - 1.0
                };
                let mut k = from;
                while k >= 0.0 {
                    if let Some(v) = els.get(k as usize) {
                        if i.strict_eq(v, &a0) {
                            return Ok(Value::Num(k));
                        }
                    }
                    k -= 1.0;
                }
            }
            Ok(Value::Num(-1.0))
        }
        A::ForEach | A::Map | A::Filter | A::Some | A::Every => {
            let els = elements(i, &this)?;
            callback(i, &a0, super::builtins::name(super::builtins::N::Array(a)))?;
            let mut mapped = Vec::new();
            for (k, v) in els.iter().enumerate() {
                let r = i.call(&a0, a1.clone(), &[v.clone(), Value::Num(k as f64), this.clone()])?;
                match a {
                    A::Map => mapped.push(r),
                    A::Filter if i.to_boolean(&r) => mapped.push(v.clone()),
                    A::Some if i.to_boolean(&r) => return Ok(Value::Bool(true)),
                    A::Every if !i.to_boolean(&r) => return Ok(Value::Bool(false)),
                    _ => {}
                }
            }
            match a {
                A::Map | A::Filter => i.new_array(mapped),
                A::Some => Ok(Value::Bool(false)),
                A::Every => Ok(Value::Bool(true)),
                _ => Ok(Value::Undef),
            }
        }
        A::Reduce | A::ReduceRight => {
            let mut els = elements(i, &this)?;
            callback(i, &a0, super::builtins::name(super::builtins::N::Array(a)))?;
            let idx: Vec<usize> = if a == A::Reduce { (0..els.len()).collect() } else { (0..els.len()).rev().collect() };
            let mut it = idx.into_iter();
            let mut acc = if args.len() > 1 {
                a1
            } else {
                match it.next() {
                    Some(k) => std::mem::replace(&mut els[k], Value::Undef),
                    None => return i.type_error("reduce of empty array with no initial value".into()),
                }
            };
            for k in it {
                let v = els.get(k).cloned().unwrap_or(Value::Undef);
                acc = i.call(&a0, Value::Undef, &[acc, v, Value::Num(k as f64), this.clone()])?;
            }
            Ok(acc)
        }
    }
}

fn mutate(i: &mut Interp, a: A, o: ObjId, args: &[Value]) -> Res<Value> {
    let a0 = arg(args, 0);
    let a1 = arg(args, 1);
    match a {
        A::Push => {
            i.charge(args.len() * 24)?;
            let len = len_of(i, o) + args.len();
            if len > 10_000_000 {
                return Err(i.error(ErrKind::Range, "the array is too large for a template".into()));
            }
            if let Some(v) = items_mut(i, o) {
                v.extend_from_slice(args);
            }
            Ok(Value::Num(len as f64))
        }
        A::Pop => Ok(items_mut(i, o).and_then(Vec::pop).unwrap_or(Value::Undef)),
        A::Shift => {
            let n = len_of(i, o);
            i.tick(n as u64 / 32)?;
            Ok(match items_mut(i, o) {
                Some(v) if !v.is_empty() => v.remove(0),
                _ => Value::Undef,
            })
        }
        A::Unshift => {
            i.charge(args.len() * 24)?;
            let n = len_of(i, o);
            i.tick(n as u64 / 32)?;
            if let Some(v) = items_mut(i, o) {
                v.splice(0..0, args.iter().cloned());
                return Ok(Value::Num(v.len() as f64));
            }
            Ok(Value::Undef)
        }
        A::Reverse => {
            if let Some(v) = items_mut(i, o) {
                v.reverse();
            }
            Ok(Value::Obj(o))
        }
        A::Splice => {
            let len = len_of(i, o);
            let start = rel(i, &a0, len, 0)?;
            let count = if args.len() < 2 { len - start } else { i.to_integer(&a1)?.max(0.0).min((len - start) as f64) as usize };
            let insert: Vec<Value> = args.get(2..).unwrap_or_default().to_vec();
            i.charge(insert.len() * 24)?;
            i.tick(len as u64 / 32)?;
            let removed: Vec<Value> = match items_mut(i, o) {
                Some(v) => v.splice(start..start + count, insert).collect(),
                None => Vec::new(),
            };
            i.new_array(removed)
        }
        A::Sort => {
            let els = items(i, o);
            let cmp = if matches!(a0, Value::Undef) { None } else { Some(a0) };
            if let Some(c) = &cmp {
                callback(i, c, "sort")?;
            }
            let sorted = merge_sort(i, els, cmp.as_ref())?;
            if let Some(v) = items_mut(i, o) {
                *v = sorted;
            }
            Ok(Value::Obj(o))
        }
        _ => Ok(Value::Undef),
    }
}

/// Whether `a` sorts after `b` (undefined last; by the comparator, else by their strings).
fn after(i: &mut Interp, a: &Value, b: &Value, cmp: Option<&Value>) -> Res<bool> {
    match (a, b) {
        (Value::Undef, Value::Undef) => return Ok(false),
        (Value::Undef, _) => return Ok(true),
        (_, Value::Undef) => return Ok(false),
        _ => {}
    }
    i.tick(1)?;
    match cmp {
        Some(f) => {
            let r = i.call(f, Value::Undef, &[a.clone(), b.clone()])?;
            Ok(i.to_number(&r)? > 0.0)
        }
        None => {
            let x = i.to_string(a)?;
            let y = i.to_string(b)?;
            Ok(x.units() > y.units())
        }
    }
}

/// A stable merge sort that never panics, whatever the comparator says.
fn merge_sort(i: &mut Interp, mut v: Vec<Value>, cmp: Option<&Value>) -> Res<Vec<Value>> {
    let n = v.len();
    let mut width = 1;
    let mut buf: Vec<Value> = Vec::with_capacity(n);
    while width < n {
        buf.clear();
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut l, mut r) = (start, mid);
            while l < mid && r < end {
                if after(i, &v[l], &v[r], cmp)? {
                    buf.push(v[r].clone());
                    r += 1;
                } else {
                    buf.push(v[l].clone());
                    l += 1;
                }
            }
            buf.extend_from_slice(&v[l..mid]);
            buf.extend_from_slice(&v[r..end]);
            start = end;
        }
        std::mem::swap(&mut v, &mut buf);
        width *= 2;
    }
    Ok(v)
}
