//! The interpreter: statements and expressions of the syntax tree, JavaScript's conversions,
//! property access and calls, under the render's bounds.

// `to_string`, `to_number`…: JavaScript's own names for its conversions, which need the
// interpreter (they may call a script's valueOf).
#![allow(clippy::wrong_self_convention)]

use std::rc::Rc;

use super::ast::*;
use super::builtins::{self, Builtin, ErrKind, Virtual};
use super::jssp::{Pos, Segment};
use super::jsstr::{array_index, Atom, Atoms, JsStr, K};
use super::num;
use super::value::*;
use super::xml::XmlArena;
use super::{Env, Limit};

/// What stops a statement list: nothing, `break`, `continue` (with their labels) or `return`.
pub(crate) enum Flow {
    Normal,
    Break(Option<Atom>),
    Continue(Option<Atom>),
    Return(Value),
}

/// An exception: a thrown JavaScript value (catchable), or a bound of the render (not).
#[derive(Debug)]
pub(crate) enum Throw {
    Js(Value, Pos),
    Limit(Limit, Pos),
}

pub(crate) type Res<T> = Result<T, Throw>;

/// The atoms of a render: the program's, then the ones the render makes.
pub(crate) struct AtomTable<'p> {
    base: &'p Atoms,
    extra: Atoms,
    offset: u32,
    /// A buffer for names given as Rust strings (no allocation to look one up).
    scratch: Vec<u16>,
}

impl<'p> AtomTable<'p> {
    pub(crate) fn new(base: &'p Atoms) -> Self {
        AtomTable { base, extra: Atoms::empty(), offset: base.len() as u32, scratch: Vec::new() }
    }

    pub(crate) fn intern(&mut self, s: &[u16]) -> Atom {
        if let Some(a) = self.base.lookup(s) {
            return a;
        }
        if let Some(a) = self.extra.lookup(s) {
            return Atom(a.0 + self.offset);
        }
        let a = self.extra.intern(JsStr::from_slice(s));
        Atom(a.0 + self.offset)
    }

    pub(crate) fn intern_str(&mut self, s: &str) -> Atom {
        let mut u = std::mem::take(&mut self.scratch);
        u.clear();
        u.extend(s.encode_utf16());
        let a = self.intern(&u);
        self.scratch = u;
        a
    }

    /// The code units of an atom's name (no copy).
    pub(crate) fn units(&self, a: Atom) -> &[u16] {
        if a.0 < self.offset {
            return self.base.name(a).map(JsStr::units).unwrap_or_default();
        }
        self.extra.name(Atom(a.0 - self.offset)).map(JsStr::units).unwrap_or_default()
    }

    pub(crate) fn name(&self, a: Atom) -> JsStr {
        if a.0 < self.offset {
            return self.base.name(a).cloned().unwrap_or_else(|| JsStr::from_str(""));
        }
        self.extra.name(Atom(a.0 - self.offset)).cloned().unwrap_or_else(|| JsStr::from_str(""))
    }
}

/// How a value is looked at for `typeof`.
pub(crate) fn is_callable(i: &Interp, v: &Value) -> bool {
    match v {
        Value::Obj(o) => matches!(i.obj(*o).class, Class::Function(_)),
        _ => false,
    }
}

/// A render in progress.
pub(crate) struct Interp<'p> {
    pub(crate) atoms: AtomTable<'p>,
    pub(crate) heap: Vec<Obj>,
    pub(crate) scopes: Vec<Scope>,
    pub(crate) xml: XmlArena<'p>,
    pub(crate) out: String,
    pub(crate) env: &'p Env<'p>,
    pub(crate) segments: &'p [Segment],
    /// Where the statement or call running is.
    pub(crate) pos: Pos,
    /// The built-in objects made so far.
    realm: Vec<Option<ObjId>>,
    /// E4X filter predicates being evaluated: the item they look at.
    filters: Vec<Value>,
    /// The arrays whose join/toString is running (a cycle joins as "", as in Rhino and SpiderMonkey).
    pub(crate) joining: Vec<ObjId>,
    steps: u64,
    depth: u32,
    memory: usize,
    pub(crate) rng: u32,
    pub(crate) empty: JsStr,
    /// Where the machine stack was when the render started.
    stack_base: usize,
    /// A buffer for code units that some operations reuse.
    pub(crate) scratch: Vec<u16>,
    /// A buffer for XML lists being made.
    pub(crate) xids: Vec<XmlId>,
    /// The serial number of the last XMLList made (their identity).
    serial: u32,
    /// Regular expressions compiled during the render, by source and flags.
    pub(crate) regex_cache: std::collections::HashMap<(JsStr, JsStr), Rc<super::regex::Regex>>,
}

/// The machine stack a render may use below where it started (wasm's whole stack is 1 MiB).
const STACK_BYTES: usize = 480 * 1024;

/// Roughly what an object costs in memory (for the memory bound).
const OBJ_BYTES: usize = 96;

impl<'p> Interp<'p> {
    pub(crate) fn new(atoms: &'p Atoms, env: &'p Env<'p>, segments: &'p [Segment]) -> Self {
        Interp {
            atoms: AtomTable::new(atoms),
            heap: Vec::with_capacity(64),
            scopes: Vec::with_capacity(16),
            xml: XmlArena::default(),
            // The template's text plus room for the values: one allocation for most messages.
            out: String::with_capacity(
                segments
                    .iter()
                    .filter(|s| matches!(s.kind, super::jssp::SegKind::Text))
                    .map(|s| s.text.len())
                    .sum::<usize>()
                    .saturating_add(256)
                    .min(1 << 16),
            ),
            env,
            segments,
            pos: Pos::default(),
            realm: vec![None; Builtin::COUNT],
            filters: Vec::new(),
            joining: Vec::new(),
            steps: env.bounds.steps,
            depth: 0,
            memory: 0,
            rng: env.seed,
            empty: JsStr::from_str(""),
            regex_cache: std::collections::HashMap::new(),
            scratch: Vec::new(),
            xids: Vec::new(),
            serial: 0,
            stack_base: {
                let marker = 0u8;
                std::ptr::addr_of!(marker) as usize
            },
        }
    }

    /// A new XMLList of these items.
    pub(crate) fn list(&mut self, items: &[XmlId]) -> Value {
        self.serial = self.serial.wrapping_add(1);
        Value::List(match items {
            [] => XList::Empty(self.serial),
            [x] => XList::One(*x, self.serial),
            _ => XList::Many(Rc::from(items)),
        })
    }

    /// The steps left (regular expressions run on them).
    pub(crate) fn fuel(&self) -> u64 {
        self.steps
    }

    /// Uses steps spent outside `tick` (a regular expression's match).
    pub(crate) fn use_fuel(&mut self, n: u64) {
        self.steps = self.steps.saturating_sub(n);
    }

    /// A built-in object if it was made already.
    pub(crate) fn existing_builtin(&self, b: Builtin) -> Option<ObjId> {
        self.realm.get(b.index()).copied().flatten()
    }

    // ---- bounds ----

    /// Uses `n` steps of the render's budget.
    pub(crate) fn tick(&mut self, n: u64) -> Res<()> {
        if self.steps < n {
            self.steps = 0;
            return Err(Throw::Limit(Limit::Steps, self.pos));
        }
        self.steps -= n;
        Ok(())
    }

    /// Counts `bytes` more of memory against the bound.
    pub(crate) fn charge(&mut self, bytes: usize) -> Res<()> {
        self.memory = self.memory.saturating_add(bytes);
        if self.memory > self.env.bounds.memory_bytes {
            return Err(Throw::Limit(Limit::Memory, self.pos));
        }
        Ok(())
    }

    /// A new string of these code units, counted against the memory bound.
    pub(crate) fn string(&mut self, units: Vec<u16>) -> Res<JsStr> {
        if units.len() > self.env.bounds.string_units {
            return Err(Throw::Limit(Limit::Memory, self.pos));
        }
        self.charge(units.len() * 2 + 16)?;
        self.tick(units.len() as u64 / 64)?;
        Ok(JsStr::from_units(units))
    }

    pub(crate) fn str_value(&mut self, units: Vec<u16>) -> Res<Value> {
        Ok(Value::Str(self.string(units)?))
    }

    pub(crate) fn enter(&mut self) -> Res<()> {
        self.depth += 1;
        // The nesting, and the machine stack it really uses (frames differ in size between
        // builds): whichever ends first is SpiderMonkey's catchable "too much recursion".
        let here = std::ptr::addr_of!(self.depth) as usize;
        let marker = 0u8;
        let sp = std::ptr::addr_of!(marker) as usize;
        let _ = here;
        if self.depth > self.env.bounds.depth || self.stack_base.saturating_sub(sp) > STACK_BYTES {
            self.depth -= 1;
            return Err(self.error(ErrKind::Internal, "too much recursion".into()));
        }
        Ok(())
    }

    pub(crate) fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    // ---- the arena ----

    pub(crate) fn obj(&self, o: ObjId) -> &Obj {
        // Ids are only made by `alloc`: always in range.
        &self.heap[o.0 as usize]
    }

    pub(crate) fn obj_mut(&mut self, o: ObjId) -> &mut Obj {
        &mut self.heap[o.0 as usize]
    }

    pub(crate) fn alloc(&mut self, obj: Obj) -> Res<ObjId> {
        self.charge(OBJ_BYTES)?;
        let id = ObjId(self.heap.len() as u32);
        self.heap.push(obj);
        Ok(id)
    }

    /// The built-in object `b`, made on first use.
    pub(crate) fn builtin(&mut self, b: Builtin) -> Res<ObjId> {
        if let Some(Some(o)) = self.realm.get(b.index()) {
            return Ok(*o);
        }
        let proto = match b.proto() {
            Some(p) => Some(self.builtin(p)?),
            None => None,
        };
        let mut obj = Obj::new(proto, b.class());
        obj.builtin = Some(b);
        let id = self.alloc(obj)?;
        if let Some(slot) = self.realm.get_mut(b.index()) {
            *slot = Some(id);
        }
        Ok(id)
    }

    pub(crate) fn new_object(&mut self) -> Res<ObjId> {
        let proto = self.builtin(Builtin::ObjectProto)?;
        self.alloc(Obj::new(Some(proto), Class::Object))
    }

    pub(crate) fn new_array(&mut self, items: Vec<Value>) -> Res<Value> {
        self.charge(items.len() * 24)?;
        let proto = self.builtin(Builtin::ArrayProto)?;
        Ok(Value::Obj(self.alloc(Obj::new(Some(proto), Class::Array(items)))?))
    }

    pub(crate) fn new_function(&mut self, f: Func) -> Res<ObjId> {
        let proto = self.builtin(Builtin::FunctionProto)?;
        self.alloc(Obj::new(Some(proto), Class::Function(f)))
    }

    pub(crate) fn intern(&mut self, s: &JsStr) -> Atom {
        self.atoms.intern(s.units())
    }

    pub(crate) fn name_of(&self, a: Atom) -> JsStr {
        self.atoms.name(a)
    }

    // ---- errors ----

    /// A new error object of this kind, as a throw.
    pub(crate) fn error(&mut self, kind: ErrKind, message: String) -> Throw {
        match self.make_error(kind, &message) {
            Ok(v) => Throw::Js(v, self.pos),
            Err(t) => t,
        }
    }

    pub(crate) fn make_error(&mut self, kind: ErrKind, message: &str) -> Res<Value> {
        let proto = self.builtin(Builtin::ErrorProto(kind))?;
        let mut obj = Obj::new(Some(proto), Class::Error);
        let m = self.string(message.encode_utf16().collect())?;
        obj.props.push(K::message.atom(), Slot::Data(Value::Str(m)), HIDDEN);
        Ok(Value::Obj(self.alloc(obj)?))
    }

    pub(crate) fn type_error<X>(&mut self, message: String) -> Res<X> {
        Err(self.error(ErrKind::Type, message))
    }

    // ---- conversions ----

    pub(crate) fn to_boolean(&self, v: &Value) -> bool {
        match v {
            Value::Undef | Value::Null => false,
            Value::Bool(b) => *b,
            Value::Num(n) => !(n.is_nan() || *n == 0.0),
            Value::Str(s) => !s.is_empty(),
            Value::Obj(_) | Value::Xml(_) | Value::List(_) => true,
        }
    }

    /// ToPrimitive, with a hint: `Some(true)` number, `Some(false)` string, None default.
    pub(crate) fn to_primitive(&mut self, v: &Value, hint_number: Option<bool>) -> Res<Value> {
        let o = match v {
            Value::Obj(o) => *o,
            Value::Xml(_) | Value::List(_) => return Ok(Value::Str(self.xml_to_string(v)?)),
            _ => return Ok(v.clone()),
        };
        let string_first = match hint_number {
            Some(n) => !n,
            None => matches!(self.obj(o).class, Class::Date(_)),
        };
        let order = if string_first { [K::toString, K::valueOf] } else { [K::valueOf, K::toString] };
        for k in order {
            let f = self.get_obj(o, Key::Name(k.atom()), v)?;
            if is_callable(self, &f) {
                let r = self.call(&f, v.clone(), &[])?;
                if !matches!(r, Value::Obj(_)) {
                    return Ok(r);
                }
            }
        }
        self.type_error("can't convert the object to a primitive value".into())
    }

    pub(crate) fn to_number(&mut self, v: &Value) -> Res<f64> {
        Ok(match v {
            Value::Undef => f64::NAN,
            Value::Null => 0.0,
            Value::Bool(b) => f64::from(u8::from(*b)),
            Value::Num(n) => *n,
            Value::Str(s) => num::string_to_number(&s.to_rust()),
            Value::Xml(_) | Value::List(_) => return self.with_text(v, num::string_to_number),
            _ => {
                let p = self.to_primitive(v, Some(true))?;
                return self.to_number(&p);
            }
        })
    }

    pub(crate) fn to_string(&mut self, v: &Value) -> Res<JsStr> {
        Ok(match v {
            Value::Undef => JsStr::from_str("undefined"),
            Value::Null => JsStr::from_str("null"),
            Value::Bool(true) => JsStr::from_str("true"),
            Value::Bool(false) => JsStr::from_str("false"),
            Value::Num(n) => JsStr::from_str(&num::number_to_string(*n)),
            Value::Str(s) => s.clone(),
            Value::Xml(_) | Value::List(_) => self.xml_to_string(v)?,
            Value::Obj(_) => {
                let p = self.to_primitive(v, Some(false))?;
                return self.to_string(&p);
            }
        })
    }

    pub(crate) fn to_rust_string(&mut self, v: &Value) -> Res<String> {
        let mut out = String::new();
        self.write_string(v, &mut out)?;
        Ok(out)
    }

    /// Runs `f` on ToString of a value as a Rust string, without copying the text of an
    /// attribute or element of the event (parseFloat, parseInt, Number of XML).
    pub(crate) fn with_text<R>(&mut self, v: &Value, f: impl FnOnce(&str) -> R) -> Res<R> {
        if let Some(s) = self.xml_source_text(v)? {
            return Ok(f(s));
        }
        let s = self.to_rust_string(v)?;
        Ok(f(&s))
    }

    /// Appends ToString of a value to a Rust string (XML text and strings without the copies
    /// of a JavaScript string in between).
    pub(crate) fn write_string(&mut self, v: &Value, out: &mut String) -> Res<()> {
        match v {
            Value::Str(s) => super::jsstr::push_units(out, s.units()),
            Value::Num(n) => out.push_str(&num::number_to_string(*n)),
            Value::Xml(_) | Value::List(_) => {
                if !self.xml_write_simple(v, out)? {
                    let s = self.xml_to_xml_string(v)?;
                    super::jsstr::push_units(out, s.units());
                }
            }
            _ => {
                let s = self.to_string(v)?;
                super::jsstr::push_units(out, s.units());
            }
        }
        Ok(())
    }

    pub(crate) fn to_integer(&mut self, v: &Value) -> Res<f64> {
        let n = self.to_number(v)?;
        Ok(if n.is_nan() {
            0.0
        } else if n.is_infinite() {
            n
        } else {
            n.trunc()
        })
    }

    pub(crate) fn to_int32(&mut self, v: &Value) -> Res<i32> {
        Ok(num::to_int32(self.to_number(v)?))
    }

    pub(crate) fn to_uint32(&mut self, v: &Value) -> Res<u32> {
        Ok(num::to_uint32(self.to_number(v)?))
    }

    pub(crate) fn to_object(&mut self, v: &Value) -> Res<ObjId> {
        let (b, class) = match v {
            Value::Obj(o) => return Ok(*o),
            Value::Undef | Value::Null => {
                let what = if matches!(v, Value::Undef) { "undefined" } else { "null" };
                return self.type_error(format!("{what} has no properties"));
            }
            Value::Bool(b) => (Builtin::BooleanProto, Class::Boolean(*b)),
            Value::Num(n) => (Builtin::NumberProto, Class::Number(*n)),
            Value::Str(s) => (Builtin::StringProto, Class::String(s.clone())),
            Value::Xml(_) | Value::List(_) => {
                let s = self.xml_to_string(v)?;
                (Builtin::StringProto, Class::String(s))
            }
        };
        let proto = self.builtin(b)?;
        self.alloc(Obj::new(Some(proto), class))
    }

    /// The key of a value used as a property name (`o[v]`).
    pub(crate) fn to_key(&mut self, v: &Value) -> Res<Key> {
        match v {
            Value::Num(n) if *n >= 0.0 && *n < 4_294_967_295.0 && n.fract() == 0.0 => Ok(Key::Index(*n as u32)),
            _ => {
                let s = self.to_string(v)?;
                Ok(match array_index(s.units()) {
                    Some(i) => Key::Index(i),
                    None => Key::Name(self.intern(&s)),
                })
            }
        }
    }

    pub(crate) fn key_name(&mut self, k: Key) -> Atom {
        match k {
            Key::Name(a) => a,
            Key::Index(i) => self.atoms.intern_str(&i.to_string()),
        }
    }

    pub(crate) fn key_string(&mut self, k: Key) -> JsStr {
        match k {
            Key::Name(a) => self.name_of(a),
            Key::Index(i) => JsStr::from_str(&i.to_string()),
        }
    }

    pub(crate) fn typeof_of(&self, v: &Value) -> &'static str {
        match v {
            Value::Undef => "undefined",
            Value::Null => "object",
            Value::Bool(_) => "boolean",
            Value::Num(_) => "number",
            Value::Str(_) => "string",
            Value::Xml(_) | Value::List(_) => "xml",
            Value::Obj(o) => match self.obj(*o).class {
                Class::Function(_) => "function",
                _ => "object",
            },
        }
    }

    // ---- equality ----

    pub(crate) fn strict_eq(&self, a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::Undef, Value::Undef) | (Value::Null, Value::Null) => true,
            (Value::Bool(x), Value::Bool(y)) => x == y,
            (Value::Num(x), Value::Num(y)) => x == y,
            (Value::Str(x), Value::Str(y)) => x == y,
            (Value::Obj(x), Value::Obj(y)) => x == y,
            (Value::Xml(x), Value::Xml(y)) => x == y,
            (Value::List(x), Value::List(y)) => x.same(y),
            _ => false,
        }
    }

    pub(crate) fn loose_eq(&mut self, a: &Value, b: &Value) -> Res<bool> {
        if matches!(a, Value::Xml(_) | Value::List(_)) || matches!(b, Value::Xml(_) | Value::List(_)) {
            return self.xml_loose_eq(a, b);
        }
        Ok(match (a, b) {
            (Value::Undef | Value::Null, Value::Undef | Value::Null) => true,
            (Value::Undef | Value::Null, _) | (_, Value::Undef | Value::Null) => false,
            (Value::Num(x), Value::Num(y)) => x == y,
            (Value::Str(x), Value::Str(y)) => x == y,
            (Value::Bool(x), Value::Bool(y)) => x == y,
            (Value::Obj(x), Value::Obj(y)) => x == y,
            (Value::Num(x), Value::Str(_)) => *x == self.to_number(b)?,
            (Value::Str(_), Value::Num(y)) => self.to_number(a)? == *y,
            (Value::Bool(x), _) => return self.loose_eq(&Value::Num(f64::from(u8::from(*x))), b),
            (_, Value::Bool(y)) => return self.loose_eq(a, &Value::Num(f64::from(u8::from(*y)))),
            (Value::Num(_) | Value::Str(_), Value::Obj(_)) => {
                let p = self.to_primitive(b, None)?;
                return self.loose_eq(a, &p);
            }
            (Value::Obj(_), Value::Num(_) | Value::Str(_)) => {
                let p = self.to_primitive(a, None)?;
                return self.loose_eq(&p, b);
            }
            _ => false,
        })
    }

    // ---- properties ----

    /// `base[key]` for any value (strings' length and characters, primitives through their
    /// prototypes, E4X).
    pub(crate) fn get(&mut self, base: &Value, key: Key) -> Res<Value> {
        match base {
            Value::Obj(o) => self.get_obj(*o, key, base),
            Value::Str(s) => {
                match key {
                    Key::Index(i) => {
                        if let Some(&u) = s.units().get(i as usize) {
                            return self.str_value(vec![u]);
                        }
                    }
                    Key::Name(a) if a == K::length.atom() => return Ok(Value::Num(s.len() as f64)),
                    _ => {}
                }
                let p = self.builtin(Builtin::StringProto)?;
                self.get_obj(p, key, base)
            }
            Value::Num(_) => {
                let p = self.builtin(Builtin::NumberProto)?;
                self.get_obj(p, key, base)
            }
            Value::Bool(_) => {
                let p = self.builtin(Builtin::BooleanProto)?;
                self.get_obj(p, key, base)
            }
            Value::Undef | Value::Null => {
                let k = self.key_string(key);
                let what = if matches!(base, Value::Undef) { "undefined" } else { "null" };
                self.type_error(format!("Cannot read property \"{k}\" from {what}"))
            }
            Value::Xml(_) | Value::List(_) => self.xml_get(base, key),
        }
    }

    /// `o[key]`, looking up the prototype chain; `receiver` is `this` for getters.
    pub(crate) fn get_obj(&mut self, o: ObjId, key: Key, receiver: &Value) -> Res<Value> {
        let mut cur = Some(o);
        let mut hops = 0u32;
        while let Some(id) = cur {
            hops += 1;
            if hops > 10_000 {
                return self.type_error("the prototype chain is too long".into());
            }
            let obj = self.obj(id);
            match (&obj.class, key) {
                (Class::Array(v), Key::Index(i)) => {
                    if let Some(x) = v.get(i as usize) {
                        return Ok(x.clone());
                    }
                }
                (Class::Array(v), Key::Name(a)) if a == K::length.atom() => return Ok(Value::Num(v.len() as f64)),
                (Class::String(s), Key::Index(i)) => {
                    if let Some(&u) = s.units().get(i as usize) {
                        return self.str_value(vec![u]);
                    }
                }
                (Class::String(s), Key::Name(a)) if a == K::length.atom() => return Ok(Value::Num(s.len() as f64)),
                _ => {}
            }
            let atom = match key {
                Key::Name(a) => a,
                Key::Index(i) => {
                    if matches!(obj.class, Class::Array(_)) && obj.props.len() == 0 {
                        // Not in the array and nothing else named: the prototypes.
                        cur = obj.proto;
                        continue;
                    }
                    self.atoms.intern_str(&i.to_string())
                }
            };
            let obj = self.obj(id);
            if let Some(p) = obj.props.get(atom) {
                return match p.slot.clone() {
                    Slot::Data(v) => Ok(v),
                    Slot::Accessor(Some(g), _) => self.call(&Value::Obj(g), receiver.clone(), &[]),
                    Slot::Accessor(None, _) => Ok(Value::Undef),
                };
            }
            if let Class::Function(f) = &obj.class {
                if atom == K::length.atom() || atom == K::name.atom() || atom == K::prototype.atom() {
                    let f = f.clone();
                    if let Some(v) = self.function_prop(id, &f, atom)? {
                        return Ok(v);
                    }
                }
            }
            if let Some(b) = self.obj(id).builtin {
                if let Some(v) = self.materialize(id, b, atom)? {
                    return Ok(v);
                }
            }
            cur = self.obj(id).proto;
        }
        Ok(Value::Undef)
    }

    /// `length`, `name` and `prototype` of functions (the prototype made on first use).
    fn function_prop(&mut self, id: ObjId, f: &Func, atom: Atom) -> Res<Option<Value>> {
        if atom == K::length.atom() {
            let n = match f {
                Func::Script(def, _) => def.params.len() as f64,
                Func::Native(n) => f64::from(builtins::arity(*n)),
                Func::Bound(t, _, args) => {
                    let t = Value::Obj(*t);
                    let l = self.get(&t, Key::Name(K::length.atom()))?;
                    let l = self.to_number(&l)?;
                    (l - args.len() as f64).max(0.0)
                }
            };
            return Ok(Some(Value::Num(n)));
        }
        if atom == K::name.atom() {
            let name = match f {
                Func::Script(def, _) => def.name.map(|a| self.name_of(a)).unwrap_or_else(|| self.empty.clone()),
                Func::Native(n) => JsStr::from_str(builtins::name(*n)),
                Func::Bound(..) => self.empty.clone(),
            };
            return Ok(Some(Value::Str(name)));
        }
        if atom == K::prototype.atom() && matches!(f, Func::Script(..)) {
            let proto = self.new_object()?;
            self.obj_mut(proto).props.push(K::constructor.atom(), Slot::Data(Value::Obj(id)), HIDDEN);
            self.obj_mut(id).props.push(K::prototype.atom(), Slot::Data(Value::Obj(proto)), WRITABLE);
            return Ok(Some(Value::Obj(proto)));
        }
        Ok(None)
    }

    /// A built-in object's property made on first use, kept as its own from then on.
    fn materialize(&mut self, id: ObjId, b: Builtin, atom: Atom) -> Res<Option<Value>> {
        if b == Builtin::Event {
            let Some(value) = super::event_value(self, atom)? else { return Ok(None) };
            self.obj_mut(id).props.push(atom, Slot::Data(value.clone()), DEFAULT);
            return Ok(Some(value));
        }
        let name = self.name_of(atom);
        let Some(v) = builtins::lookup(b, name.units()) else { return Ok(None) };
        let value = match v {
            Virtual::Method(n) => Value::Obj(self.new_function(Func::Native(n))?),
            Virtual::Value(v) => v,
            Virtual::Object(other) => Value::Obj(self.builtin(other)?),
        };
        let flags = match b {
            Builtin::Math | Builtin::NumberCtor if matches!(value, Value::Num(_)) => 0,
            Builtin::Global if matches!(value, Value::Num(_) | Value::Undef) => 0,
            _ if atom == K::prototype.atom() => 0,
            _ => HIDDEN,
        };
        self.obj_mut(id).props.push(atom, Slot::Data(value.clone()), flags);
        Ok(Some(value))
    }

    /// Makes every built-in property of an object its own (before it is listed, changed or
    /// deleted).
    pub(crate) fn materialize_all(&mut self, id: ObjId) -> Res<()> {
        let Some(b) = self.obj(id).builtin else { return Ok(()) };
        let names = builtins::names(b);
        for name in &names {
            let a = self.atoms.intern_str(name);
            if self.obj(id).props.find(a).is_none() {
                self.materialize(id, b, a)?;
            }
        }
        if b == Builtin::Event {
            // The event's fields in their order (whichever was read first), then the rest.
            let mut order: Vec<Atom> = names.iter().map(|n| self.atoms.intern_str(n)).collect();
            let obj = self.obj_mut(id);
            let mut props = std::mem::take(&mut obj.props);
            let mut list: Vec<Property> = Vec::with_capacity(props.len());
            for a in order.drain(..) {
                if let Some(k) = props.list.iter().position(|p| p.key == a) {
                    list.push(props.list.remove(k));
                }
            }
            list.append(&mut props.list);
            for p in list {
                obj.props.push(p.key, p.slot, p.flags);
            }
        }
        self.obj_mut(id).builtin = None;
        Ok(())
    }

    /// Whether `o` has the property, own or inherited.
    pub(crate) fn has_property(&mut self, o: ObjId, key: Key) -> Res<bool> {
        let mut cur = Some(o);
        while let Some(id) = cur {
            if self.has_own(id, key)? {
                return Ok(true);
            }
            cur = self.obj(id).proto;
        }
        Ok(false)
    }

    pub(crate) fn has_own(&mut self, id: ObjId, key: Key) -> Res<bool> {
        match (&self.obj(id).class, key) {
            (Class::Array(v), Key::Index(i)) if (i as usize) < v.len() => return Ok(true),
            (Class::String(s), Key::Index(i)) if (i as usize) < s.len() => return Ok(true),
            (Class::Array(_) | Class::String(_), Key::Name(a)) if a == K::length.atom() => return Ok(true),
            (Class::Function(_), Key::Name(a)) if a == K::length.atom() || a == K::name.atom() => return Ok(true),
            (Class::Function(Func::Script(..)), Key::Name(a)) if a == K::prototype.atom() => return Ok(true),
            _ => {}
        }
        let atom = self.key_name(key);
        if self.obj(id).props.find(atom).is_some() {
            return Ok(true);
        }
        if let Some(b) = self.obj(id).builtin {
            let name = self.name_of(atom);
            return Ok(builtins::lookup(b, name.units()).is_some());
        }
        Ok(false)
    }

    /// `base[key] = value`.
    pub(crate) fn put(&mut self, base: &Value, key: Key, value: Value) -> Res<()> {
        match base {
            Value::Obj(o) => self.put_obj(*o, key, value, base),
            Value::Undef | Value::Null => {
                let k = self.key_string(key);
                let what = if matches!(base, Value::Undef) { "undefined" } else { "null" };
                self.type_error(format!("Cannot set property \"{k}\" of {what}"))
            }
            Value::Xml(_) | Value::List(_) => self.xml_put(base, key, value),
            // Assigning to a primitive's property does nothing (sloppy mode).
            _ => Ok(()),
        }
    }

    pub(crate) fn put_obj(&mut self, o: ObjId, key: Key, value: Value, receiver: &Value) -> Res<()> {
        // Arrays: elements and length.
        if let Class::Array(v) = &mut self.heap[o.0 as usize].class {
            match key {
                Key::Index(i) => {
                    let i = i as usize;
                    if i < v.len() {
                        v[i] = value;
                        return Ok(());
                    }
                    if i <= v.len() + 1_000_000 {
                        let grow = i + 1 - v.len();
                        self.charge(grow * 24)?;
                        self.tick(grow as u64 / 16)?;
                        if let Class::Array(v) = &mut self.heap[o.0 as usize].class {
                            v.resize(i, Value::Undef);
                            v.push(value);
                        }
                        return Ok(());
                    }
                    return Err(self.error(ErrKind::Range, "the array index is too large for a template".into()));
                }
                Key::Name(a) if a == K::length.atom() => {
                    let n = self.to_number(&value)?;
                    if n < 0.0 || n.fract() != 0.0 || n > 4_294_967_295.0 {
                        return Err(self.error(ErrKind::Range, "invalid array length".into()));
                    }
                    let n = n as usize;
                    if let Class::Array(v) = &self.heap[o.0 as usize].class {
                        if n > v.len() {
                            let grow = n - v.len();
                            if grow > 1_000_000 {
                                return Err(self.error(ErrKind::Range, "the array is too large for a template".into()));
                            }
                            self.charge(grow * 24)?;
                        }
                    }
                    if let Class::Array(v) = &mut self.heap[o.0 as usize].class {
                        v.resize(n, Value::Undef);
                    }
                    return Ok(());
                }
                _ => {}
            }
        }
        if let Class::String(_) = self.obj(o).class {
            if matches!(key, Key::Index(_)) || key == Key::Name(K::length.atom()) {
                return Ok(());
            }
        }
        let atom = self.key_name(key);
        // An own data property: set it; a setter up the chain: call it.
        let mut cur = Some(o);
        while let Some(id) = cur {
            if self.obj(id).props.find(atom).is_none() {
                if let Some(b) = self.obj(id).builtin {
                    self.materialize(id, b, atom)?;
                }
            }
            if let Some(p) = self.obj(id).props.get(atom) {
                match p.slot.clone() {
                    Slot::Accessor(_, Some(s)) => {
                        self.call(&Value::Obj(s), receiver.clone(), &[value])?;
                        return Ok(());
                    }
                    Slot::Accessor(_, None) => return Ok(()),
                    Slot::Data(_) => {
                        if p.flags & WRITABLE == 0 {
                            return Ok(());
                        }
                        if id == o {
                            if let Some(p) = self.obj_mut(o).props.get_mut(atom) {
                                p.slot = Slot::Data(value);
                            }
                            return Ok(());
                        }
                        break;
                    }
                }
            }
            cur = self.obj(id).proto;
        }
        if !self.obj(o).extensible {
            return Ok(());
        }
        self.charge(32)?;
        self.obj_mut(o).props.push(atom, Slot::Data(value), DEFAULT);
        Ok(())
    }

    /// `delete o[key]`: whether it is gone.
    pub(crate) fn delete(&mut self, o: ObjId, key: Key) -> Res<bool> {
        if let Class::Array(v) = &mut self.heap[o.0 as usize].class {
            if let Key::Index(i) = key {
                if let Some(x) = v.get_mut(i as usize) {
                    *x = Value::Undef;
                }
                return Ok(true);
            }
        }
        self.materialize_all(o)?;
        let atom = self.key_name(key);
        if let Some(p) = self.obj(o).props.get(atom) {
            if p.flags & CONFIGURABLE == 0 {
                return Ok(false);
            }
        }
        self.obj_mut(o).props.remove(atom);
        Ok(true)
    }

    /// The enumerable keys `for (k in o)` visits: own, then inherited, each name once.
    pub(crate) fn enumerate(&mut self, o: ObjId) -> Res<Vec<JsStr>> {
        let mut out: Vec<JsStr> = Vec::new();
        let mut seen: std::collections::HashSet<JsStr> = std::collections::HashSet::new();
        let mut cur = Some(o);
        while let Some(id) = cur {
            if self.obj(id).builtin == Some(Builtin::Event) {
                self.materialize_all(id)?;
            }
            match &self.obj(id).class {
                Class::Array(v) => {
                    for i in 0..v.len() {
                        let s = JsStr::from_str(&i.to_string());
                        if seen.insert(s.clone()) {
                            out.push(s);
                        }
                    }
                }
                Class::String(s) => {
                    for i in 0..s.len() {
                        let s = JsStr::from_str(&i.to_string());
                        if seen.insert(s.clone()) {
                            out.push(s);
                        }
                    }
                }
                _ => {}
            }
            let keys: Vec<(Atom, u8)> = self.obj(id).props.list.iter().map(|p| (p.key, p.flags)).collect();
            for (k, flags) in keys {
                let s = self.name_of(k);
                if seen.insert(s.clone()) && flags & ENUMERABLE != 0 {
                    out.push(s);
                }
            }
            cur = self.obj(id).proto;
            self.tick(out.len() as u64 / 16 + 1)?;
        }
        Ok(out)
    }

    // ---- calls ----

    /// Calls a function value.
    pub(crate) fn call(&mut self, f: &Value, this: Value, args: &[Value]) -> Res<Value> {
        let Value::Obj(fo) = f else {
            return self.type_error("not a function".into());
        };
        let func = match &self.obj(*fo).class {
            Class::Function(func) => func.clone(),
            _ => return self.type_error("not a function".into()),
        };
        self.tick(1)?;
        self.enter()?;
        let r = match func {
            Func::Native(n) => builtins::call(self, n, this, args, None),
            Func::Script(def, scope) => self.call_script(&def, scope, Some(*fo), this, args),
            Func::Bound(target, bthis, bargs) => {
                let mut all: Vec<Value> = bargs.to_vec();
                all.extend_from_slice(args);
                self.call(&Value::Obj(target), bthis, &all)
            }
        };
        self.leave();
        r
    }

    /// `new F(args)`.
    pub(crate) fn construct(&mut self, f: &Value, args: &[Value]) -> Res<Value> {
        let Value::Obj(fo) = f else {
            return self.type_error("not a constructor".into());
        };
        let func = match &self.obj(*fo).class {
            Class::Function(func) => func.clone(),
            _ => return self.type_error("not a constructor".into()),
        };
        self.tick(1)?;
        self.enter()?;
        let r = match func {
            Func::Native(n) => builtins::call(self, n, Value::Undef, args, Some(*fo)),
            Func::Script(def, scope) => {
                let proto = self.get_obj(*fo, Key::Name(K::prototype.atom()), f)?;
                let proto = match proto {
                    Value::Obj(p) => p,
                    _ => self.builtin(Builtin::ObjectProto)?,
                };
                let this = Value::Obj(self.alloc(Obj::new(Some(proto), Class::Object))?);
                let r = self.call_script(&def, scope, Some(*fo), this.clone(), args)?;
                Ok(if matches!(r, Value::Obj(_)) { r } else { this })
            }
            Func::Bound(target, _, bargs) => {
                let mut all: Vec<Value> = bargs.to_vec();
                all.extend_from_slice(args);
                self.construct(&Value::Obj(target), &all)
            }
        };
        self.leave();
        r
    }

    /// Runs a script function with a new scope.
    pub(crate) fn call_script(
        &mut self,
        def: &Rc<Function>,
        parent: Option<ScopeId>,
        me: Option<ObjId>,
        this: Value,
        args: &[Value],
    ) -> Res<Value> {
        let mut vars = vec![Value::Undef; def.slots as usize];
        for (i, a) in args.iter().take(def.params.len()).enumerate() {
            if let Some(VarRef::Local(s)) = def.params.get(i).map(|p| p.at) {
                if let Some(v) = vars.get_mut(s as usize) {
                    *v = a.clone();
                }
            }
        }
        self.charge(def.slots as usize * 24 + 32)?;
        let scope = ScopeId(self.scopes.len() as u32);
        self.scopes.push(Scope { vars, parent });
        if let (Some(s), Some(me)) = (def.self_slot, me) {
            self.set_slot(scope, s, Value::Obj(me));
        }
        if let Some(s) = def.arguments_slot {
            let proto = self.builtin(Builtin::ObjectProto)?;
            let mut obj = Obj::new(Some(proto), Class::Arguments);
            for (i, a) in args.iter().enumerate() {
                let k = self.atoms.intern_str(&i.to_string());
                obj.props.push(k, Slot::Data(a.clone()), HIDDEN | ENUMERABLE);
            }
            obj.props.push(K::length.atom(), Slot::Data(Value::Num(args.len() as f64)), HIDDEN);
            if let Some(me) = me {
                obj.props.push(K::callee.atom(), Slot::Data(Value::Obj(me)), HIDDEN);
            }
            let a = self.alloc(obj)?;
            self.set_slot(scope, s, Value::Obj(a));
        }
        for (slot, f) in &def.hoisted {
            let fo = self.new_function(Func::Script(f.clone(), Some(scope)))?;
            self.set_slot(scope, *slot, Value::Obj(fo));
        }
        let frame = Frame { scope, this };
        let saved = self.pos;
        let r = self.exec_list(&def.body, &frame);
        self.pos = saved;
        match r? {
            Flow::Return(v) => Ok(v),
            _ => Ok(Value::Undef),
        }
    }

    fn set_slot(&mut self, scope: ScopeId, slot: u32, v: Value) {
        if let Some(x) = self.scopes.get_mut(scope.0 as usize).and_then(|s| s.vars.get_mut(slot as usize)) {
            *x = v;
        }
    }

    fn scope_at(&self, scope: ScopeId, hops: u32) -> ScopeId {
        let mut s = scope;
        for _ in 0..hops {
            match self.scopes.get(s.0 as usize).and_then(|x| x.parent) {
                Some(p) => s = p,
                None => break,
            }
        }
        s
    }

    // ---- variables ----

    fn read_var(&mut self, id: &Ident, frame: &Frame) -> Res<Value> {
        if id.filtered {
            if let Some(v) = self.filter_lookup(id.name)? {
                return Ok(v);
            }
        }
        match id.at {
            VarRef::Local(s) => {
                Ok(self.scopes.get(frame.scope.0 as usize).and_then(|x| x.vars.get(s as usize)).cloned().unwrap_or(Value::Undef))
            }
            VarRef::Outer(h, s) => {
                let sc = self.scope_at(frame.scope, h);
                Ok(self.scopes.get(sc.0 as usize).and_then(|x| x.vars.get(s as usize)).cloned().unwrap_or(Value::Undef))
            }
            VarRef::Global | VarRef::Unresolved => {
                let g = self.builtin(Builtin::Global)?;
                if !self.has_property(g, Key::Name(id.name))? {
                    let n = self.name_of(id.name);
                    return Err(self.error(ErrKind::Reference, format!("\"{n}\" is not defined")));
                }
                self.get_obj(g, Key::Name(id.name), &Value::Obj(g))
            }
        }
    }

    fn write_var(&mut self, id: &Ident, frame: &Frame, v: Value) -> Res<()> {
        if id.filtered && self.filter_has(id.name)? {
            let item = self.filters.last().cloned().unwrap_or(Value::Undef);
            return self.put(&item, Key::Name(id.name), v);
        }
        match id.at {
            VarRef::Local(s) => {
                self.set_slot(frame.scope, s, v);
                Ok(())
            }
            VarRef::Outer(h, s) => {
                let sc = self.scope_at(frame.scope, h);
                self.set_slot(sc, s, v);
                Ok(())
            }
            VarRef::Global | VarRef::Unresolved => {
                let g = self.builtin(Builtin::Global)?;
                self.put_obj(g, Key::Name(id.name), v, &Value::Obj(g))
            }
        }
    }

    /// A name inside an E4X filter predicate: the item's child elements (or attribute) first.
    fn filter_lookup(&mut self, name: Atom) -> Res<Option<Value>> {
        if !self.filter_has(name)? {
            return Ok(None);
        }
        let item = self.filters.last().cloned().unwrap_or(Value::Undef);
        Ok(Some(self.xml_get(&item, Key::Name(name))?))
    }

    fn filter_has(&mut self, name: Atom) -> Res<bool> {
        let Some(item) = self.filters.last().cloned() else { return Ok(false) };
        self.xml_has_child(&item, name)
    }

    // ---- statements ----

    pub(crate) fn exec_list(&mut self, list: &[Stmt], frame: &Frame) -> Res<Flow> {
        for st in list {
            match self.exec(st, frame)? {
                Flow::Normal => {}
                other => return Ok(other),
            }
        }
        Ok(Flow::Normal)
    }

    fn exec(&mut self, st: &Stmt, frame: &Frame) -> Res<Flow> {
        self.tick(1)?;
        self.pos = st.pos;
        match &st.k {
            S::Empty => {}
            S::EmitText(i) => {
                if let Some(seg) = self.segments.get(*i as usize) {
                    let t = seg.text.clone();
                    self.write_out(&t)?;
                }
            }
            S::Emit(e) => {
                let v = self.eval(e, frame)?;
                if !v.is_nullish() {
                    let mut out = std::mem::take(&mut self.out);
                    let r = self.write_string(&v, &mut out);
                    self.out = out;
                    r?;
                    if self.out.len() > self.env.bounds.output_bytes {
                        return Err(Throw::Limit(Limit::Output, self.pos));
                    }
                }
            }
            S::Expr(e) => {
                self.eval(e, frame)?;
            }
            S::Vars(ds) => {
                for d in ds {
                    if let Some(init) = &d.init {
                        let v = self.eval(init, frame)?;
                        self.write_var(&d.name, frame, v)?;
                    }
                }
            }
            S::Let(ds) => {
                for d in ds {
                    let v = match &d.init {
                        Some(init) => self.eval(init, frame)?,
                        None => Value::Undef,
                    };
                    self.write_var(&d.name, frame, v)?;
                }
            }
            S::Scoped(slots, b) => {
                // A scope per entry, so that closures made in a loop's body keep that turn's names.
                self.charge(*slots as usize * 24 + 32)?;
                let scope = ScopeId(self.scopes.len() as u32);
                self.scopes.push(Scope { vars: vec![Value::Undef; *slots as usize], parent: Some(frame.scope) });
                let inner = Frame { scope, this: frame.this.clone() };
                self.enter()?;
                let r = self.exec_list(b, &inner);
                self.leave();
                return r;
            }
            S::FunctionDecl(name, f) => {
                let fo = self.new_function(Func::Script(f.clone(), Some(frame.scope)))?;
                self.write_var(name, frame, Value::Obj(fo))?;
            }
            S::Block(b) => {
                self.enter()?;
                let r = self.exec_list(b, frame);
                self.leave();
                return r;
            }
            S::If(c, a, b) => {
                let v = self.eval(c, frame)?;
                self.enter()?;
                let r = if self.to_boolean(&v) {
                    self.exec(a, frame)
                } else if let Some(b) = b {
                    self.exec(b, frame)
                } else {
                    Ok(Flow::Normal)
                };
                self.leave();
                return r;
            }
            S::For(init, test, update, body) => {
                if let Some(i) = init {
                    self.exec(i, frame)?;
                }
                self.enter()?;
                let r = self.run_for(test.as_ref(), update.as_ref(), body, frame, None);
                self.leave();
                return r;
            }
            S::While(c, body) => {
                self.enter()?;
                let r = self.run_for(Some(c), None, body, frame, None);
                self.leave();
                return r;
            }
            S::DoWhile(body, c) => {
                self.enter()?;
                let r = self.run_do(body, c, frame, None);
                self.leave();
                return r;
            }
            S::ForIn(target, obj, body, each) => {
                self.enter()?;
                let r = self.run_for_in(target, obj, body, *each, frame, None);
                self.leave();
                return r;
            }
            S::Labeled(label, inner) => {
                self.enter()?;
                let r = match &inner.k {
                    S::For(init, test, update, body) => {
                        if let Some(i) = init {
                            self.exec(i, frame)?;
                        }
                        self.run_for(test.as_ref(), update.as_ref(), body, frame, Some(*label))
                    }
                    S::While(c, body) => self.run_for(Some(c), None, body, frame, Some(*label)),
                    S::DoWhile(body, c) => self.run_do(body, c, frame, Some(*label)),
                    S::ForIn(t, o, body, each) => self.run_for_in(t, o, body, *each, frame, Some(*label)),
                    _ => self.exec(inner, frame),
                };
                self.leave();
                return Ok(match r? {
                    Flow::Break(Some(l)) if l == *label => Flow::Normal,
                    other => other,
                });
            }
            S::Break(l) => return Ok(Flow::Break(*l)),
            S::Continue(l) => return Ok(Flow::Continue(*l)),
            S::Return(e) => {
                let v = match e {
                    Some(e) => self.eval(e, frame)?,
                    None => Value::Undef,
                };
                return Ok(Flow::Return(v));
            }
            S::Throw(e) => {
                let v = self.eval(e, frame)?;
                return Err(Throw::Js(v, st.pos));
            }
            S::Try(body, handler, finalizer) => {
                self.enter()?;
                let r = self.run_try(body, handler.as_ref(), finalizer.as_deref(), frame);
                self.leave();
                return r;
            }
            S::Switch(d, cases) => {
                let v = self.eval(d, frame)?;
                self.enter()?;
                let r = self.run_switch(&v, cases, frame);
                self.leave();
                return r;
            }
        }
        Ok(Flow::Normal)
    }

    pub(crate) fn write_out(&mut self, s: &str) -> Res<()> {
        if self.out.len() + s.len() > self.env.bounds.output_bytes {
            return Err(Throw::Limit(Limit::Output, self.pos));
        }
        self.out.push_str(s);
        Ok(())
    }

    /// Whether a loop body's flow ends the loop, and with what.
    fn loop_flow(flow: Flow, label: Option<Atom>) -> Option<Flow> {
        match flow {
            Flow::Normal => None,
            Flow::Continue(None) => None,
            Flow::Continue(Some(l)) if Some(l) == label => None,
            Flow::Break(None) => Some(Flow::Normal),
            Flow::Break(Some(l)) if Some(l) == label => Some(Flow::Normal),
            other => Some(other),
        }
    }

    fn run_for(&mut self, test: Option<&Expr>, update: Option<&Expr>, body: &Stmt, frame: &Frame, label: Option<Atom>) -> Res<Flow> {
        loop {
            self.tick(1)?;
            if let Some(t) = test {
                let v = self.eval(t, frame)?;
                if !self.to_boolean(&v) {
                    return Ok(Flow::Normal);
                }
            }
            let f = self.exec(body, frame)?;
            if let Some(out) = Self::loop_flow(f, label) {
                return Ok(out);
            }
            if let Some(u) = update {
                self.eval(u, frame)?;
            }
        }
    }

    fn run_do(&mut self, body: &Stmt, c: &Expr, frame: &Frame, label: Option<Atom>) -> Res<Flow> {
        loop {
            self.tick(1)?;
            let f = self.exec(body, frame)?;
            if let Some(out) = Self::loop_flow(f, label) {
                return Ok(out);
            }
            let v = self.eval(c, frame)?;
            if !self.to_boolean(&v) {
                return Ok(Flow::Normal);
            }
        }
    }

    fn run_for_in(&mut self, target: &ForTarget, obj: &Expr, body: &Stmt, each: bool, frame: &Frame, label: Option<Atom>) -> Res<Flow> {
        let o = self.eval(obj, frame)?;
        // What is visited: (key, value) pairs.
        let items: Vec<(Value, Option<Value>)> = match &o {
            Value::Undef | Value::Null => return Ok(Flow::Normal),
            Value::Xml(_) | Value::List(_) => {
                let list = self.xml_items(&o);
                // `for each` visits the items; `for … in` their indexes as strings.
                list.iter()
                    .enumerate()
                    .map(
                        |(i, x)| {
                            if each {
                                (Value::Undef, Some(Value::Xml(*x)))
                            } else {
                                (Value::Str(JsStr::from_str(&i.to_string())), None)
                            }
                        },
                    )
                    .collect()
            }
            _ => {
                let ob = self.to_object(&o)?;
                let keys = self.enumerate(ob)?;
                keys.into_iter().map(|k| (Value::Str(k), None)).collect()
            }
        };
        let base = o.clone();
        for (k, v) in items {
            self.tick(1)?;
            let value = if each {
                match v {
                    Some(v) => v,
                    None => {
                        let key = self.to_key(&k)?;
                        // A key deleted during the loop is not visited.
                        if let Value::Obj(ob) = &base {
                            if !self.has_property(*ob, key)? {
                                continue;
                            }
                        }
                        self.get(&base, key)?
                    }
                }
            } else {
                k
            };
            match target {
                ForTarget::Decl(id) => self.write_var(id, frame, value)?,
                ForTarget::Expr(e) => self.assign_to(e, value, frame)?,
            }
            let f = self.exec(body, frame)?;
            if let Some(out) = Self::loop_flow(f, label) {
                return Ok(out);
            }
        }
        Ok(Flow::Normal)
    }

    fn run_try(&mut self, body: &[Stmt], handler: Option<&(Ident, Vec<Stmt>)>, finalizer: Option<&[Stmt]>, frame: &Frame) -> Res<Flow> {
        let mut r = self.exec_list(body, frame);
        if let (Err(Throw::Js(v, _)), Some((name, h))) = (&r, handler) {
            let v = v.clone();
            self.write_var(name, frame, v)?;
            r = self.exec_list(h, frame);
        }
        if let Some(f) = finalizer {
            // A limit is not caught, and a finally block does not run after one.
            if matches!(r, Err(Throw::Limit(..))) {
                return r;
            }
            match self.exec_list(f, frame)? {
                Flow::Normal => {}
                other => return Ok(other),
            }
        }
        r
    }

    fn run_switch(&mut self, v: &Value, cases: &[Case], frame: &Frame) -> Res<Flow> {
        let mut start = None;
        for (i, c) in cases.iter().enumerate() {
            if let Some(t) = &c.test {
                let tv = self.eval(t, frame)?;
                if self.strict_eq(v, &tv) {
                    start = Some(i);
                    break;
                }
            }
        }
        let start = match start {
            Some(s) => s,
            None => match cases.iter().position(|c| c.test.is_none()) {
                Some(d) => d,
                None => return Ok(Flow::Normal),
            },
        };
        for c in cases.iter().skip(start) {
            match self.exec_list(&c.body, frame)? {
                Flow::Normal => {}
                Flow::Break(None) => return Ok(Flow::Normal),
                other => return Ok(other),
            }
        }
        Ok(Flow::Normal)
    }

    // ---- expressions ----

    pub(crate) fn eval(&mut self, e: &Expr, frame: &Frame) -> Res<Value> {
        match &e.k {
            E::Num(n) => Ok(Value::Num(*n)),
            E::Str(s) => Ok(Value::Str(s.clone())),
            E::Bool(b) => Ok(Value::Bool(*b)),
            E::Null => Ok(Value::Null),
            E::This => Ok(frame.this.clone()),
            E::Var(id) => self.read_var(id, frame),
            E::Member(o, name) => {
                let base = self.eval(o, frame)?;
                self.pos = e.pos;
                if base.is_nullish() {
                    return Err(self.nullish_error(o, &base));
                }
                self.get(&base, Key::Name(*name))
            }
            E::Index(o, i) => {
                let base = self.eval(o, frame)?;
                let k = self.eval(i, frame)?;
                self.pos = e.pos;
                if base.is_nullish() {
                    return Err(self.nullish_error(o, &base));
                }
                let key = self.to_key(&k)?;
                self.get(&base, key)
            }
            _ => {
                self.enter()?;
                let r = self.eval_slow(e, frame);
                self.leave();
                r
            }
        }
    }

    fn eval_slow(&mut self, e: &Expr, frame: &Frame) -> Res<Value> {
        match &e.k {
            E::Regex(body, flags) => {
                self.pos = e.pos;
                super::bi_regexp::new_regexp(self, body.clone(), flags.clone())
            }
            E::Array(items) => {
                let mut v = Vec::with_capacity(items.len());
                for it in items {
                    v.push(match it {
                        Some(x) => self.eval(x, frame)?,
                        None => Value::Undef,
                    });
                }
                self.new_array(v)
            }
            E::Object(props) => {
                let o = self.new_object()?;
                for p in props {
                    match p {
                        Prop::Value(k, x) => {
                            let v = self.eval(x, frame)?;
                            let key = match array_index(self.name_of(*k).units()) {
                                Some(i) => Key::Index(i),
                                None => Key::Name(*k),
                            };
                            let ov = Value::Obj(o);
                            self.define(o, key, v, &ov)?;
                        }
                        Prop::Get(k, f) | Prop::Set(k, f) => {
                            let fo = self.new_function(Func::Script(f.clone(), Some(frame.scope)))?;
                            let getter = matches!(p, Prop::Get(..));
                            let obj = self.obj_mut(o);
                            match obj.props.get_mut(*k) {
                                Some(Property { slot: Slot::Accessor(g, s), .. }) => {
                                    if getter {
                                        *g = Some(fo);
                                    } else {
                                        *s = Some(fo);
                                    }
                                }
                                Some(other) => {
                                    other.slot = if getter { Slot::Accessor(Some(fo), None) } else { Slot::Accessor(None, Some(fo)) }
                                }
                                None => obj.props.push(
                                    *k,
                                    if getter { Slot::Accessor(Some(fo), None) } else { Slot::Accessor(None, Some(fo)) },
                                    DEFAULT,
                                ),
                            }
                        }
                    }
                }
                Ok(Value::Obj(o))
            }
            E::Function(f) => Ok(Value::Obj(self.new_function(Func::Script(f.clone(), Some(frame.scope)))?)),
            E::Attr(o, n) => {
                let base = self.eval(o, frame)?;
                self.pos = e.pos;
                self.xml_attribute(&base, *n)
            }
            E::AttrIndex(o, i) => {
                let base = self.eval(o, frame)?;
                let k = self.eval(i, frame)?;
                let name = self.to_string(&k)?;
                let n = if name.eq_ascii("*") { XName::Any } else { XName::Name(self.intern(&name)) };
                self.pos = e.pos;
                self.xml_attribute(&base, n)
            }
            E::Children(o) => {
                let base = self.eval(o, frame)?;
                self.pos = e.pos;
                self.xml_children(&base)
            }
            E::Descendants(o, n, attr) => {
                let base = self.eval(o, frame)?;
                self.pos = e.pos;
                self.xml_descendants(&base, *n, *attr)
            }
            E::AttrOfScope(n) => {
                let item = match self.filters.last().cloned() {
                    Some(i) => i,
                    None => return self.type_error("'@' names an attribute only inside an XML filter (list.(@name == …))".into()),
                };
                self.xml_attribute(&item, *n)
            }
            E::Filter(o, pred) => {
                let base = self.eval(o, frame)?;
                self.pos = e.pos;
                if !matches!(base, Value::Xml(_) | Value::List(_)) {
                    return self.type_error("the filter .( ) applies to XML values only".into());
                }
                let items = self.xml_items(&base);
                let mut kept = Vec::new();
                for it in items.iter() {
                    self.tick(1)?;
                    self.filters.push(Value::Xml(*it));
                    let r = self.eval(pred, frame);
                    self.filters.pop();
                    let v = r?;
                    if self.to_boolean(&v) {
                        kept.push(*it);
                    }
                }
                Ok(self.list(&kept))
            }
            E::Call(callee, args) => self.eval_call(callee, args, frame, e.pos),
            E::New(callee, args) => {
                let f = self.eval(callee, frame)?;
                let mut a = Vec::with_capacity(args.len());
                for x in args {
                    a.push(self.eval(x, frame)?);
                }
                self.pos = e.pos;
                if !is_callable(self, &f) {
                    let what = self.describe(callee);
                    return self.type_error(format!("{what} is not a constructor"));
                }
                self.construct(&f, &a)
            }
            E::Unary(op, x) => {
                if *op == UnOp::Typeof {
                    if let E::Var(id) = &x.k {
                        if matches!(id.at, VarRef::Global | VarRef::Unresolved) && !id.filtered {
                            let g = self.builtin(Builtin::Global)?;
                            if !self.has_property(g, Key::Name(id.name))? {
                                return Ok(Value::Str(JsStr::from_str("undefined")));
                            }
                        }
                    }
                }
                let v = self.eval(x, frame)?;
                Ok(match op {
                    UnOp::Neg => Value::Num(-self.to_number(&v)?),
                    UnOp::Plus => Value::Num(self.to_number(&v)?),
                    UnOp::Not => Value::Bool(!self.to_boolean(&v)),
                    UnOp::BitNot => Value::Num(f64::from(!self.to_int32(&v)?)),
                    UnOp::Typeof => Value::Str(JsStr::from_str(self.typeof_of(&v))),
                    UnOp::Void => Value::Undef,
                })
            }
            E::Delete(x) => self.eval_delete(x, frame),
            E::Update(target, prefix, inc) => {
                let old = self.eval(target, frame)?;
                let n = self.to_number(&old)?;
                let new = if *inc { n + 1.0 } else { n - 1.0 };
                self.pos = e.pos;
                self.assign_to(target, Value::Num(new), frame)?;
                Ok(Value::Num(if *prefix { new } else { n }))
            }
            E::Binary(op, a, b) => {
                let x = self.eval(a, frame)?;
                let y = self.eval(b, frame)?;
                self.pos = e.pos;
                self.binary(*op, &x, &y)
            }
            E::And(a, b) => {
                let x = self.eval(a, frame)?;
                if !self.to_boolean(&x) {
                    return Ok(x);
                }
                self.eval(b, frame)
            }
            E::Or(a, b) => {
                let x = self.eval(a, frame)?;
                if self.to_boolean(&x) {
                    return Ok(x);
                }
                self.eval(b, frame)
            }
            E::Cond(c, a, b) => {
                let x = self.eval(c, frame)?;
                if self.to_boolean(&x) {
                    self.eval(a, frame)
                } else {
                    self.eval(b, frame)
                }
            }
            E::Assign(op, target, value) => {
                let v = match op {
                    None => self.eval(value, frame)?,
                    Some(op) => {
                        let old = self.eval(target, frame)?;
                        let r = self.eval(value, frame)?;
                        self.pos = e.pos;
                        self.binary(*op, &old, &r)?
                    }
                };
                self.pos = e.pos;
                self.assign_to(target, v.clone(), frame)?;
                Ok(v)
            }
            E::Seq(all) => {
                let mut last = Value::Undef;
                for x in all {
                    last = self.eval(x, frame)?;
                }
                Ok(last)
            }
            E::XmlLiteral(parts) => {
                let mut src: Vec<u16> = Vec::new();
                for p in parts {
                    match p {
                        XmlPart::Text(t) => src.extend(t.encode_utf16()),
                        XmlPart::Attr(x) => {
                            let v = self.eval(x, frame)?;
                            let s = self.to_string(&v)?;
                            src.push(u16::from(b'"'));
                            src.extend(super::xml::escaped_attribute(s.units()));
                            src.push(u16::from(b'"'));
                        }
                        XmlPart::Content(x) => {
                            let v = self.eval(x, frame)?;
                            if matches!(v, Value::Xml(_) | Value::List(_)) {
                                let s = self.xml_to_xml_string(&v)?;
                                src.extend_from_slice(s.units());
                            } else {
                                let s = self.to_string(&v)?;
                                src.extend(super::xml::escaped_element(s.units()));
                            }
                        }
                    }
                }
                self.pos = e.pos;
                let text = JsStr::from_units(src).to_rust();
                super::xml::literal(self, &text)
            }
            // The quick cases are in `eval`.
            E::Num(_) | E::Str(_) | E::Bool(_) | E::Null | E::This | E::Var(_) | E::Member(..) | E::Index(..) => self.eval(e, frame),
        }
    }

    /// Defines an own data property (object literals).
    pub(crate) fn define(&mut self, o: ObjId, key: Key, v: Value, receiver: &Value) -> Res<()> {
        let atom = match key {
            Key::Index(_) if matches!(self.obj(o).class, Class::Array(_)) => return self.put_obj(o, key, v, receiver),
            _ => self.key_name(key),
        };
        match self.obj_mut(o).props.get_mut(atom) {
            Some(p) => {
                p.slot = Slot::Data(v);
                p.flags = DEFAULT;
            }
            None => self.obj_mut(o).props.push(atom, Slot::Data(v), DEFAULT),
        }
        Ok(())
    }

    fn eval_call(&mut self, callee: &Expr, args: &[Expr], frame: &Frame, pos: Pos) -> Res<Value> {
        // The function and its `this`.
        let (f, this) = match &callee.k {
            E::Member(o, name) => {
                let base = self.eval(o, frame)?;
                self.pos = pos;
                if base.is_nullish() {
                    return Err(self.nullish_error(o, &base));
                }
                let f = if matches!(base, Value::Xml(_) | Value::List(_)) {
                    self.xml_method(&base, *name)?
                } else {
                    self.get(&base, Key::Name(*name))?
                };
                (f, base)
            }
            E::Index(o, i) => {
                let base = self.eval(o, frame)?;
                let k = self.eval(i, frame)?;
                self.pos = pos;
                if base.is_nullish() {
                    return Err(self.nullish_error(o, &base));
                }
                let key = self.to_key(&k)?;
                let f = self.get(&base, key)?;
                (f, base)
            }
            _ => {
                let f = self.eval(callee, frame)?;
                (f, Value::Undef)
            }
        };
        // Up to four arguments without an allocation.
        let mut few = [Value::Undef, Value::Undef, Value::Undef, Value::Undef];
        let mut many = Vec::new();
        if args.len() <= few.len() {
            for (slot, x) in few.iter_mut().zip(args) {
                *slot = self.eval(x, frame)?;
            }
        } else {
            many.reserve(args.len());
            for x in args {
                many.push(self.eval(x, frame)?);
            }
        }
        let a: &[Value] = if args.len() <= few.len() { few.get(..args.len()).unwrap_or_default() } else { &many };
        self.pos = pos;
        if !is_callable(self, &f) {
            let what = self.describe(callee);
            return self.type_error(format!("{what} is not a function"));
        }
        let this = if this.is_nullish() { Value::Obj(self.builtin(Builtin::Global)?) } else { this };
        self.call(&f, this, a)
    }

    fn eval_delete(&mut self, x: &Expr, frame: &Frame) -> Res<Value> {
        match &x.k {
            E::Member(o, name) => {
                let base = self.eval(o, frame)?;
                if matches!(base, Value::Xml(_) | Value::List(_)) {
                    self.xml_delete(&base, Key::Name(*name), false)?;
                    return Ok(Value::Bool(true));
                }
                let ob = self.to_object(&base)?;
                Ok(Value::Bool(self.delete(ob, Key::Name(*name))?))
            }
            E::Index(o, i) => {
                let base = self.eval(o, frame)?;
                let k = self.eval(i, frame)?;
                let key = self.to_key(&k)?;
                if matches!(base, Value::Xml(_) | Value::List(_)) {
                    self.xml_delete(&base, key, false)?;
                    return Ok(Value::Bool(true));
                }
                let ob = self.to_object(&base)?;
                Ok(Value::Bool(self.delete(ob, key)?))
            }
            E::Attr(o, XName::Name(n)) => {
                let base = self.eval(o, frame)?;
                self.xml_delete(&base, Key::Name(*n), true)?;
                Ok(Value::Bool(true))
            }
            E::Var(id) => {
                if matches!(id.at, VarRef::Global | VarRef::Unresolved) {
                    let g = self.builtin(Builtin::Global)?;
                    return Ok(Value::Bool(self.delete(g, Key::Name(id.name))?));
                }
                Ok(Value::Bool(false))
            }
            _ => {
                self.eval(x, frame)?;
                Ok(Value::Bool(true))
            }
        }
    }

    /// Assigns to a reference expression.
    fn assign_to(&mut self, target: &Expr, v: Value, frame: &Frame) -> Res<()> {
        match &target.k {
            E::Var(id) => self.write_var(id, frame, v),
            E::Member(o, name) => {
                let base = self.eval(o, frame)?;
                self.pos = target.pos;
                self.put(&base, Key::Name(*name), v)
            }
            E::Index(o, i) => {
                let base = self.eval(o, frame)?;
                let k = self.eval(i, frame)?;
                self.pos = target.pos;
                let key = self.to_key(&k)?;
                self.put(&base, key, v)
            }
            E::Attr(o, XName::Name(n)) => {
                let base = self.eval(o, frame)?;
                self.pos = target.pos;
                self.xml_set_attribute(&base, *n, v)
            }
            E::AttrIndex(o, i) => {
                let base = self.eval(o, frame)?;
                let k = self.eval(i, frame)?;
                let name = self.to_string(&k)?;
                let n = self.intern(&name);
                self.xml_set_attribute(&base, n, v)
            }
            _ => self.type_error("invalid assignment left-hand side".into()),
        }
    }

    // ---- operators ----

    pub(crate) fn binary(&mut self, op: BinOp, x: &Value, y: &Value) -> Res<Value> {
        Ok(match op {
            BinOp::Add => return self.add(x, y),
            BinOp::Sub => Value::Num(self.to_number(x)? - self.to_number(y)?),
            BinOp::Mul => Value::Num(self.to_number(x)? * self.to_number(y)?),
            BinOp::Div => Value::Num(self.to_number(x)? / self.to_number(y)?),
            BinOp::Mod => {
                let a = self.to_number(x)?;
                let b = self.to_number(y)?;
                Value::Num(a % b)
            }
            BinOp::Shl => {
                let a = self.to_int32(x)?;
                let b = self.to_uint32(y)?;
                Value::Num(f64::from(a.wrapping_shl(b & 31)))
            }
            BinOp::Shr => {
                let a = self.to_int32(x)?;
                let b = self.to_uint32(y)?;
                Value::Num(f64::from(a >> (b & 31)))
            }
            BinOp::UShr => {
                let a = self.to_uint32(x)?;
                let b = self.to_uint32(y)?;
                Value::Num(f64::from(a >> (b & 31)))
            }
            BinOp::BitAnd => Value::Num(f64::from(self.to_int32(x)? & self.to_int32(y)?)),
            BinOp::BitOr => Value::Num(f64::from(self.to_int32(x)? | self.to_int32(y)?)),
            BinOp::BitXor => Value::Num(f64::from(self.to_int32(x)? ^ self.to_int32(y)?)),
            BinOp::Eq => Value::Bool(self.loose_eq(x, y)?),
            BinOp::Ne => Value::Bool(!self.loose_eq(x, y)?),
            BinOp::StrictEq => Value::Bool(self.strict_eq(x, y)),
            BinOp::StrictNe => Value::Bool(!self.strict_eq(x, y)),
            BinOp::Lt => Value::Bool(self.compare(x, y, false)? == Some(true)),
            BinOp::Gt => Value::Bool(self.compare(y, x, true)? == Some(true)),
            BinOp::Le => Value::Bool(self.compare(y, x, true)? == Some(false)),
            BinOp::Ge => Value::Bool(self.compare(x, y, false)? == Some(false)),
            BinOp::In => {
                let Value::Obj(o) = y else {
                    if matches!(y, Value::Xml(_) | Value::List(_)) {
                        let k = self.to_key(x)?;
                        return Ok(Value::Bool(self.xml_has_key(y, k)?));
                    }
                    return self.type_error("invalid 'in' operand".into());
                };
                let k = self.to_key(x)?;
                Value::Bool(self.has_property(*o, k)?)
            }
            BinOp::Instanceof => {
                let Value::Obj(f) = y else {
                    return self.type_error("invalid 'instanceof' operand".into());
                };
                if !is_callable(self, y) {
                    return self.type_error("invalid 'instanceof' operand".into());
                }
                let target = match &self.obj(*f).class {
                    Class::Function(Func::Bound(t, ..)) => *t,
                    _ => *f,
                };
                let proto = self.get_obj(target, Key::Name(K::prototype.atom()), &Value::Obj(target))?;
                let Value::Obj(proto) = proto else {
                    return self.type_error("'prototype' is not an object".into());
                };
                let mut cur = match x {
                    Value::Obj(o) => self.obj(*o).proto,
                    Value::Xml(_) => Some(self.builtin(Builtin::XmlProto)?),
                    Value::List(_) => Some(self.builtin(Builtin::XmlListProto)?),
                    _ => return Ok(Value::Bool(false)),
                };
                while let Some(c) = cur {
                    if c == proto {
                        return Ok(Value::Bool(true));
                    }
                    cur = self.obj(c).proto;
                }
                Value::Bool(false)
            }
        })
    }

    /// `x + y`, with E4X's list concatenation.
    pub(crate) fn add(&mut self, x: &Value, y: &Value) -> Res<Value> {
        if matches!(x, Value::Xml(_) | Value::List(_)) && matches!(y, Value::Xml(_) | Value::List(_)) {
            let mut items: Vec<XmlId> = self.xml_items(x).to_vec();
            items.extend_from_slice(&self.xml_items(y));
            return Ok(self.list(&items));
        }
        if let (Value::Num(a), Value::Num(b)) = (x, y) {
            return Ok(Value::Num(a + b));
        }
        let a = self.to_primitive(x, None)?;
        let b = self.to_primitive(y, None)?;
        if matches!(a, Value::Str(_)) || matches!(b, Value::Str(_)) {
            let sa = self.to_string(&a)?;
            let sb = self.to_string(&b)?;
            let mut u = Vec::with_capacity(sa.len() + sb.len());
            u.extend_from_slice(sa.units());
            u.extend_from_slice(sb.units());
            return self.str_value(u);
        }
        Ok(Value::Num(self.to_number(&a)? + self.to_number(&b)?))
    }

    /// The abstract relational comparison `x < y` (None: undefined, a NaN).
    fn compare(&mut self, x: &Value, y: &Value, left_first_is_y: bool) -> Res<Option<bool>> {
        let (a, b) = if left_first_is_y {
            let b = self.to_primitive(y, Some(true))?;
            let a = self.to_primitive(x, Some(true))?;
            (a, b)
        } else {
            let a = self.to_primitive(x, Some(true))?;
            let b = self.to_primitive(y, Some(true))?;
            (a, b)
        };
        if let (Value::Str(s), Value::Str(t)) = (&a, &b) {
            return Ok(Some(s.units() < t.units()));
        }
        let p = self.to_number(&a)?;
        let q = self.to_number(&b)?;
        if p.is_nan() || q.is_nan() {
            return Ok(None);
        }
        Ok(Some(p < q))
    }
}

/// The frame of a running function: its scope and `this`.
pub(crate) struct Frame {
    pub(crate) scope: ScopeId,
    pub(crate) this: Value,
}

impl Interp<'_> {
    /// How an expression is named in an error, as SpiderMonkey names it: `rtEvent.ctx.foo`,
    /// `items[i]`, or a placeholder for anything longer.
    pub(crate) fn describe(&self, e: &Expr) -> String {
        let mut s = String::new();
        self.describe_into(e, &mut s, 0);
        if s.len() > 80 {
            s.truncate(s.char_indices().nth(77).map(|(i, _)| i).unwrap_or(77));
            s.push_str("...");
        }
        s
    }

    fn describe_into(&self, e: &Expr, s: &mut String, depth: u32) {
        if depth > 16 {
            s.push_str("...");
            return;
        }
        match &e.k {
            E::Var(id) => s.push_str(&self.name_of(id.name).to_rust()),
            E::This => s.push_str("this"),
            E::Member(o, a) => {
                self.describe_into(o, s, depth + 1);
                s.push('.');
                s.push_str(&self.name_of(*a).to_rust());
            }
            E::Attr(o, n) => {
                self.describe_into(o, s, depth + 1);
                s.push_str(".@");
                match n {
                    XName::Name(a) => s.push_str(&self.name_of(*a).to_rust()),
                    XName::Any => s.push('*'),
                }
            }
            E::Index(o, i) => {
                self.describe_into(o, s, depth + 1);
                s.push('[');
                match &i.k {
                    E::Num(n) => s.push_str(&num::number_to_string(*n)),
                    E::Str(t) => {
                        s.push('"');
                        s.push_str(&t.to_rust());
                        s.push('"');
                    }
                    _ => self.describe_into(i, s, depth + 1),
                }
                s.push(']');
            }
            E::Call(f, _) => {
                self.describe_into(f, s, depth + 1);
                s.push_str("(...)");
            }
            E::Str(t) => {
                s.push('"');
                s.push_str(&t.to_rust());
                s.push('"');
            }
            E::Num(n) => s.push_str(&num::number_to_string(*n)),
            E::Null => s.push_str("null"),
            _ => s.push_str("(expression)"),
        }
    }

    /// The error of reading a property of `undefined` or `null`, naming the expression.
    fn nullish_error(&mut self, base_expr: &Expr, base: &Value) -> Throw {
        let what = if matches!(base, Value::Undef) { "undefined" } else { "null" };
        let d = self.describe(base_expr);
        self.error(ErrKind::Type, format!("{d} is {what}"))
    }
}
