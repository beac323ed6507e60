//! `JSON.parse` and `JSON.stringify` (ES5 §15.12).

use super::builtins::{arg, class_name, ErrKind, Table};
use super::interp::{is_callable, Interp, Res};
use super::jsstr::{JsStr, K};
use super::num;
use super::value::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum J {
    Parse,
    Stringify,
}

pub(crate) const TABLE: Table<J> = &[("parse", J::Parse, 2), ("stringify", J::Stringify, 3)];

/// How deep a JSON text or value may nest.
const MAX_DEPTH: usize = 512;

pub(crate) fn call(i: &mut Interp, j: J, args: &[Value]) -> Res<Value> {
    match j {
        J::Parse => {
            let text = i.to_string(&arg(args, 0))?;
            let mut p = JsonParser { u: text.units(), k: 0 };
            i.tick(text.len() as u64 / 8)?;
            let v = p.value(i, 0)?;
            p.ws();
            if p.k < p.u.len() {
                return Err(p.err(i));
            }
            let reviver = arg(args, 1);
            if is_callable(i, &reviver) {
                let root = i.new_object()?;
                let empty = i.intern(&JsStr::from_str(""));
                i.obj_mut(root).props.push(empty, Slot::Data(v), DEFAULT);
                return revive(i, root, Key::Name(empty), &reviver, 0);
            }
            Ok(v)
        }
        J::Stringify => {
            let v = arg(args, 0);
            let replacer = arg(args, 1);
            let space = arg(args, 2);
            let gap: Vec<u16> = match &space {
                Value::Num(n) => " ".repeat(n.clamp(0.0, 10.0) as usize).encode_utf16().collect(),
                Value::Str(s) => s.units().iter().take(10).copied().collect(),
                _ => Vec::new(),
            };
            let allow: Option<Vec<JsStr>> = match &replacer {
                Value::Obj(o) if matches!(i.obj(*o).class, Class::Array(_)) => {
                    let items = super::builtins::array_like(i, *o)?;
                    let mut keys = Vec::new();
                    for x in items {
                        if matches!(x, Value::Str(_) | Value::Num(_)) {
                            keys.push(i.to_string(&x)?);
                        }
                    }
                    Some(keys)
                }
                _ => None,
            };
            let f = if is_callable(i, &replacer) { Some(replacer) } else { None };
            let mut s = Stringify { gap, indent: Vec::new(), stack: Vec::new(), replacer: f, allow, out: Vec::new() };
            let wrapper = i.new_object()?;
            let empty = i.intern(&JsStr::from_str(""));
            i.obj_mut(wrapper).props.push(empty, Slot::Data(v.clone()), DEFAULT);
            if s.value(i, Value::Obj(wrapper), &JsStr::from_str(""), v)? {
                let out = std::mem::take(&mut s.out);
                i.str_value(out)
            } else {
                Ok(Value::Undef)
            }
        }
    }
}

fn revive(i: &mut Interp, holder: ObjId, key: Key, reviver: &Value, depth: usize) -> Res<Value> {
    if depth > MAX_DEPTH {
        return Err(i.error(ErrKind::Internal, "too much recursion".into()));
    }
    let hv = Value::Obj(holder);
    let val = i.get_obj(holder, key, &hv)?;
    if let Value::Obj(o) = val {
        let keys: Vec<Key> = match &i.obj(o).class {
            Class::Array(v) => (0..v.len() as u32).map(Key::Index).collect(),
            _ => i.obj(o).props.list.iter().filter(|p| p.flags & ENUMERABLE != 0).map(|p| Key::Name(p.key)).collect(),
        };
        for k in keys {
            let nv = revive(i, o, k, reviver, depth + 1)?;
            if matches!(nv, Value::Undef) {
                i.delete(o, k)?;
            } else {
                i.put_obj(o, k, nv, &Value::Obj(o))?;
            }
        }
    }
    let name = i.key_string(key);
    let v = i_get(i, holder, key)?;
    i.call(reviver, hv, &[Value::Str(name), v])
}

fn i_get(i: &mut Interp, o: ObjId, k: Key) -> Res<Value> {
    i.get_obj(o, k, &Value::Obj(o))
}

struct JsonParser<'a> {
    u: &'a [u16],
    k: usize,
}

impl JsonParser<'_> {
    fn err(&self, i: &mut Interp) -> super::interp::Throw {
        let m = if self.k >= self.u.len() {
            "JSON.parse: unexpected end of data".to_owned()
        } else {
            format!("JSON.parse: unexpected character at position {}", self.k)
        };
        i.error(ErrKind::Syntax, m)
    }

    fn ws(&mut self) {
        while let Some(&c) = self.u.get(self.k) {
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D {
                self.k += 1;
            } else {
                break;
            }
        }
    }

    fn lit(&mut self, s: &str) -> bool {
        let n = s.len();
        if self.u.get(self.k..self.k + n).is_some_and(|x| x.iter().zip(s.bytes()).all(|(a, b)| *a == u16::from(b))) {
            self.k += n;
            return true;
        }
        false
    }

    fn value(&mut self, i: &mut Interp, depth: usize) -> Res<Value> {
        if depth > MAX_DEPTH {
            return Err(i.error(ErrKind::Syntax, "JSON.parse: nested too deeply".into()));
        }
        self.ws();
        let Some(&c) = self.u.get(self.k) else { return Err(self.err(i)) };
        match c {
            0x7B => {
                self.k += 1;
                let o = i.new_object()?;
                self.ws();
                if self.u.get(self.k) == Some(&0x7D) {
                    self.k += 1;
                    return Ok(Value::Obj(o));
                }
                loop {
                    self.ws();
                    if self.u.get(self.k) != Some(&0x22) {
                        return Err(self.err(i));
                    }
                    let key = self.string(i)?;
                    self.ws();
                    if self.u.get(self.k) != Some(&0x3A) {
                        return Err(self.err(i));
                    }
                    self.k += 1;
                    let v = self.value(i, depth + 1)?;
                    let k = i.to_key(&Value::Str(key))?;
                    i.define(o, k, v, &Value::Obj(o))?;
                    self.ws();
                    match self.u.get(self.k) {
                        Some(&0x2C) => self.k += 1,
                        Some(&0x7D) => {
                            self.k += 1;
                            return Ok(Value::Obj(o));
                        }
                        _ => return Err(self.err(i)),
                    }
                }
            }
            0x5B => {
                self.k += 1;
                let mut items = Vec::new();
                self.ws();
                if self.u.get(self.k) == Some(&0x5D) {
                    self.k += 1;
                    return i.new_array(items);
                }
                loop {
                    items.push(self.value(i, depth + 1)?);
                    self.ws();
                    match self.u.get(self.k) {
                        Some(&0x2C) => self.k += 1,
                        Some(&0x5D) => {
                            self.k += 1;
                            return i.new_array(items);
                        }
                        _ => return Err(self.err(i)),
                    }
                }
            }
            0x22 => Ok(Value::Str(self.string(i)?)),
            _ if self.lit("true") => Ok(Value::Bool(true)),
            _ if self.lit("false") => Ok(Value::Bool(false)),
            _ if self.lit("null") => Ok(Value::Null),
            _ => self.number(i),
        }
    }

    fn string(&mut self, i: &mut Interp) -> Res<JsStr> {
        self.k += 1;
        let mut out = Vec::new();
        loop {
            let Some(&c) = self.u.get(self.k) else { return Err(self.err(i)) };
            self.k += 1;
            match c {
                0x22 => return i.string(out),
                0x5C => {
                    let Some(&e) = self.u.get(self.k) else { return Err(self.err(i)) };
                    self.k += 1;
                    out.push(match e {
                        0x22 | 0x5C | 0x2F => e,
                        0x62 => 0x08,
                        0x66 => 0x0C,
                        0x6E => 0x0A,
                        0x72 => 0x0D,
                        0x74 => 0x09,
                        0x75 => {
                            let h = self.u.get(self.k..self.k + 4).map(String::from_utf16_lossy);
                            match h.and_then(|h| u16::from_str_radix(&h, 16).ok().filter(|_| h.bytes().all(|b| b.is_ascii_hexdigit()))) {
                                Some(v) => {
                                    self.k += 4;
                                    v
                                }
                                None => return Err(self.err(i)),
                            }
                        }
                        _ => {
                            self.k -= 1;
                            return Err(self.err(i));
                        }
                    });
                }
                c if c < 0x20 => {
                    self.k -= 1;
                    return Err(self.err(i));
                }
                c => out.push(c),
            }
        }
    }

    fn number(&mut self, i: &mut Interp) -> Res<Value> {
        let start = self.k;
        let digit = |c: Option<&u16>| c.is_some_and(|c| (0x30..=0x39).contains(c));
        if self.u.get(self.k) == Some(&0x2D) {
            self.k += 1;
        }
        if self.u.get(self.k) == Some(&0x30) {
            self.k += 1;
        } else if digit(self.u.get(self.k)) {
            while digit(self.u.get(self.k)) {
                self.k += 1;
            }
        } else {
            return Err(self.err(i));
        }
        if self.u.get(self.k) == Some(&0x2E) {
            self.k += 1;
            if !digit(self.u.get(self.k)) {
                return Err(self.err(i));
            }
            while digit(self.u.get(self.k)) {
                self.k += 1;
            }
        }
        if matches!(self.u.get(self.k), Some(&0x65) | Some(&0x45)) {
            self.k += 1;
            if matches!(self.u.get(self.k), Some(&0x2B) | Some(&0x2D)) {
                self.k += 1;
            }
            if !digit(self.u.get(self.k)) {
                return Err(self.err(i));
            }
            while digit(self.u.get(self.k)) {
                self.k += 1;
            }
        }
        let s = String::from_utf16_lossy(self.u.get(start..self.k).unwrap_or_default());
        Ok(Value::Num(s.parse::<f64>().unwrap_or(f64::NAN)))
    }
}

struct Stringify {
    gap: Vec<u16>,
    indent: Vec<u16>,
    stack: Vec<ObjId>,
    replacer: Option<Value>,
    allow: Option<Vec<JsStr>>,
    out: Vec<u16>,
}

fn quote(out: &mut Vec<u16>, s: &[u16]) {
    out.push(0x22);
    for &c in s {
        match c {
            0x22 => out.extend("\\\"".encode_utf16()),
            0x5C => out.extend("\\\\".encode_utf16()),
            0x08 => out.extend("\\b".encode_utf16()),
            0x0C => out.extend("\\f".encode_utf16()),
            0x0A => out.extend("\\n".encode_utf16()),
            0x0D => out.extend("\\r".encode_utf16()),
            0x09 => out.extend("\\t".encode_utf16()),
            c if c < 0x20 => out.extend(format!("\\u{c:04x}").encode_utf16()),
            c => out.push(c),
        }
    }
    out.push(0x22);
}

impl Stringify {
    /// Writes the value of `holder[key]` (given as `v`); false when it is not serialized.
    fn value(&mut self, i: &mut Interp, holder: Value, key: &JsStr, mut v: Value) -> Res<bool> {
        i.tick(1)?;
        if self.out.len() > i.env.bounds.string_units {
            return Err(super::interp::Throw::Limit(super::Limit::Memory, i.pos));
        }
        if matches!(v, Value::Obj(_)) {
            let f = i.get(&v, Key::Name(K::toJSON.atom()))?;
            if is_callable(i, &f) {
                v = i.call(&f, v.clone(), &[Value::Str(key.clone())])?;
            }
        }
        if let Some(r) = self.replacer.clone() {
            v = i.call(&r, holder, &[Value::Str(key.clone()), v])?;
        }
        if let Value::Obj(o) = &v {
            match &i.obj(*o).class {
                Class::Number(_) => v = Value::Num(i.to_number(&v)?),
                Class::String(_) => v = Value::Str(i.to_string(&v)?),
                Class::Boolean(b) => v = Value::Bool(*b),
                _ => {}
            }
        }
        match &v {
            Value::Null => self.out.extend("null".encode_utf16()),
            Value::Bool(b) => self.out.extend((if *b { "true" } else { "false" }).encode_utf16()),
            Value::Str(s) => quote(&mut self.out, s.units()),
            Value::Num(n) => {
                if n.is_finite() {
                    self.out.extend(num::number_to_string(*n).encode_utf16());
                } else {
                    self.out.extend("null".encode_utf16());
                }
            }
            Value::Undef => return Ok(false),
            Value::Xml(_) | Value::List(_) => {
                let s = i.to_string(&v)?;
                quote(&mut self.out, s.units());
            }
            Value::Obj(o) => {
                if super::interp::is_callable(i, &v) {
                    return Ok(false);
                }
                if self.stack.contains(o) {
                    return i.type_error("cyclic object value".into());
                }
                if self.stack.len() > MAX_DEPTH {
                    return Err(i.error(ErrKind::Internal, "too much recursion".into()));
                }
                self.stack.push(*o);
                let r = if class_name(i, &v) == "Array" { self.array(i, *o) } else { self.object(i, *o) };
                self.stack.pop();
                r?;
            }
        }
        Ok(true)
    }

    fn open(&mut self, c: u16) -> Vec<u16> {
        self.out.push(c);
        let saved = self.indent.clone();
        self.indent.extend_from_slice(&self.gap);
        saved
    }

    fn sep(&mut self, first: bool) {
        if !first {
            self.out.push(0x2C);
        }
        if !self.gap.is_empty() {
            self.out.push(0x0A);
            self.out.extend_from_slice(&self.indent);
        }
    }

    fn close(&mut self, c: u16, saved: Vec<u16>, any: bool) {
        self.indent = saved;
        if any && !self.gap.is_empty() {
            self.out.push(0x0A);
            self.out.extend_from_slice(&self.indent);
        }
        self.out.push(c);
    }

    fn array(&mut self, i: &mut Interp, o: ObjId) -> Res<()> {
        let items = super::builtins::array_like(i, o)?;
        let saved = self.open(0x5B);
        for (k, v) in items.iter().enumerate() {
            self.sep(k == 0);
            if !self.value(i, Value::Obj(o), &JsStr::from_str(&k.to_string()), v.clone())? {
                self.out.extend("null".encode_utf16());
            }
        }
        self.close(0x5D, saved, !items.is_empty());
        Ok(())
    }

    fn object(&mut self, i: &mut Interp, o: ObjId) -> Res<()> {
        let keys: Vec<JsStr> = match &self.allow {
            Some(a) => a.clone(),
            None => {
                i.materialize_all(o)?;
                let props: Vec<(super::jsstr::Atom, u8)> = i.obj(o).props.list.iter().map(|p| (p.key, p.flags)).collect();
                props.into_iter().filter(|(_, f)| f & ENUMERABLE != 0).map(|(k, _)| i.name_of(k)).collect()
            }
        };
        let saved = self.open(0x7B);
        let mut first = true;
        for k in keys {
            let key = i.to_key(&Value::Str(k.clone()))?;
            let v = i.get_obj(o, key, &Value::Obj(o))?;
            let mark = self.out.len();
            self.sep(first);
            quote(&mut self.out, k.units());
            self.out.push(0x3A);
            if !self.gap.is_empty() {
                self.out.push(0x20);
            }
            if self.value(i, Value::Obj(o), &k, v)? {
                first = false;
            } else {
                self.out.truncate(mark);
            }
        }
        self.close(0x7D, saved, !first);
        Ok(())
    }
}
