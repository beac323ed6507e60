//! The standard objects a template sees: the global object, Object, Function, Error, Boolean,
//! Number, Math, JSON, and the dispatch to the others (String, Array, Date, RegExp, XML, and
//! Campaign's functions). A built-in object's methods are made the first time they are read
//! (`Interp::materialize`), so that a render starts with nothing made.

use super::interp::{is_callable, Interp, Res};
use super::jsstr::{JsStr, K};
use super::num;
use super::value::*;
use super::{bi_array, bi_date, bi_regexp, bi_string, campaign, json, xml};

/// The kinds of native errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ErrKind {
    Error,
    Type,
    Range,
    Reference,
    Syntax,
    Eval,
    Uri,
    Internal,
}

impl ErrKind {
    pub(crate) const ALL: [ErrKind; 8] = [
        ErrKind::Error,
        ErrKind::Type,
        ErrKind::Range,
        ErrKind::Reference,
        ErrKind::Syntax,
        ErrKind::Eval,
        ErrKind::Uri,
        ErrKind::Internal,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            ErrKind::Error => "Error",
            ErrKind::Type => "TypeError",
            ErrKind::Range => "RangeError",
            ErrKind::Reference => "ReferenceError",
            ErrKind::Syntax => "SyntaxError",
            ErrKind::Eval => "EvalError",
            ErrKind::Uri => "URIError",
            ErrKind::Internal => "InternalError",
        }
    }
}

/// The built-in objects, made on first use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Builtin {
    Global,
    ObjectCtor,
    ObjectProto,
    FunctionCtor,
    FunctionProto,
    ArrayCtor,
    ArrayProto,
    StringCtor,
    StringProto,
    NumberCtor,
    NumberProto,
    BooleanCtor,
    BooleanProto,
    DateCtor,
    DateProto,
    RegExpCtor,
    RegExpProto,
    Math,
    Json,
    XmlCtor,
    XmlProto,
    XmlListCtor,
    XmlListProto,
    /// `out` and `document`: their `write` writes to the message.
    Writer,
    /// The event (`rtEvent`, `batchEvent`): its fields made as they are read.
    Event,
    ErrorCtor(ErrKind),
    ErrorProto(ErrKind),
}

impl Builtin {
    /// How many there are (the realm's cache size).
    pub(crate) const COUNT: usize = 25 + 2 * 8;

    /// Its index in the realm's cache.
    pub(crate) fn index(self) -> usize {
        match self {
            Builtin::Global => 0,
            Builtin::ObjectCtor => 1,
            Builtin::ObjectProto => 2,
            Builtin::FunctionCtor => 3,
            Builtin::FunctionProto => 4,
            Builtin::ArrayCtor => 5,
            Builtin::ArrayProto => 6,
            Builtin::StringCtor => 7,
            Builtin::StringProto => 8,
            Builtin::NumberCtor => 9,
            Builtin::NumberProto => 10,
            Builtin::BooleanCtor => 11,
            Builtin::BooleanProto => 12,
            Builtin::DateCtor => 13,
            Builtin::DateProto => 14,
            Builtin::RegExpCtor => 15,
            Builtin::RegExpProto => 16,
            Builtin::Math => 17,
            Builtin::Json => 18,
            Builtin::XmlCtor => 19,
            Builtin::XmlProto => 20,
            Builtin::XmlListCtor => 21,
            Builtin::XmlListProto => 22,
            Builtin::Writer => 23,
            Builtin::Event => 24,
            Builtin::ErrorCtor(k) => 25 + k as usize,
            Builtin::ErrorProto(k) => 33 + k as usize,
        }
    }

    /// Its prototype.
    pub(crate) fn proto(self) -> Option<Builtin> {
        match self {
            Builtin::ObjectProto => None,
            Builtin::ErrorProto(ErrKind::Error) => Some(Builtin::ObjectProto),
            Builtin::ErrorProto(_) => Some(Builtin::ErrorProto(ErrKind::Error)),
            Builtin::ObjectCtor
            | Builtin::FunctionCtor
            | Builtin::ArrayCtor
            | Builtin::StringCtor
            | Builtin::NumberCtor
            | Builtin::BooleanCtor
            | Builtin::DateCtor
            | Builtin::RegExpCtor
            | Builtin::XmlCtor
            | Builtin::XmlListCtor
            | Builtin::ErrorCtor(_) => Some(Builtin::FunctionProto),
            _ => Some(Builtin::ObjectProto),
        }
    }

    /// Its class (constructors are functions).
    pub(crate) fn class(self) -> Class {
        match self {
            Builtin::ObjectCtor
            | Builtin::FunctionCtor
            | Builtin::ArrayCtor
            | Builtin::StringCtor
            | Builtin::NumberCtor
            | Builtin::BooleanCtor
            | Builtin::DateCtor
            | Builtin::RegExpCtor
            | Builtin::XmlCtor
            | Builtin::XmlListCtor
            | Builtin::ErrorCtor(_) => Class::Function(Func::Native(N::Ctor(self))),
            Builtin::FunctionProto => Class::Function(Func::Native(N::Noop)),
            Builtin::ArrayProto => Class::Array(Vec::new()),
            Builtin::StringProto => Class::String(JsStr::from_str("")),
            Builtin::NumberProto => Class::Number(0.0),
            Builtin::BooleanProto => Class::Boolean(false),
            Builtin::DateProto => Class::Date(f64::NAN),
            _ => Class::Object,
        }
    }

    fn ctor_of(self) -> Option<Builtin> {
        Some(match self {
            Builtin::ObjectProto => Builtin::ObjectCtor,
            Builtin::FunctionProto => Builtin::FunctionCtor,
            Builtin::ArrayProto => Builtin::ArrayCtor,
            Builtin::StringProto => Builtin::StringCtor,
            Builtin::NumberProto => Builtin::NumberCtor,
            Builtin::BooleanProto => Builtin::BooleanCtor,
            Builtin::DateProto => Builtin::DateCtor,
            Builtin::RegExpProto => Builtin::RegExpCtor,
            Builtin::XmlProto => Builtin::XmlCtor,
            Builtin::XmlListProto => Builtin::XmlListCtor,
            Builtin::ErrorProto(k) => Builtin::ErrorCtor(k),
            _ => return None,
        })
    }

    fn proto_of(self) -> Option<Builtin> {
        Some(match self {
            Builtin::ObjectCtor => Builtin::ObjectProto,
            Builtin::FunctionCtor => Builtin::FunctionProto,
            Builtin::ArrayCtor => Builtin::ArrayProto,
            Builtin::StringCtor => Builtin::StringProto,
            Builtin::NumberCtor => Builtin::NumberProto,
            Builtin::BooleanCtor => Builtin::BooleanProto,
            Builtin::DateCtor => Builtin::DateProto,
            Builtin::RegExpCtor => Builtin::RegExpProto,
            Builtin::XmlCtor => Builtin::XmlProto,
            Builtin::XmlListCtor => Builtin::XmlListProto,
            Builtin::ErrorCtor(k) => Builtin::ErrorProto(k),
            _ => return None,
        })
    }
}

/// A native function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum N {
    /// `Function.prototype` itself, and functions that do nothing.
    Noop,
    /// A constructor called or constructed.
    Ctor(Builtin),
    Global(G),
    Object(O),
    Function(F),
    Error(Er),
    Boolean(Bo),
    Number(Nu),
    Math(M),
    Json(json::J),
    String(bi_string::St),
    Array(bi_array::A),
    Date(bi_date::D),
    RegExp(bi_regexp::R),
    Xml(xml::X),
    Campaign(campaign::C),
}

/// What a built-in object's property is, before it is made.
pub(crate) enum Virtual {
    Method(N),
    Value(Value),
    Object(Builtin),
}

/// A table of methods: name, function, `length`.
pub(crate) type Table<T> = &'static [(&'static str, T, u8)];

fn find<T: Copy>(table: Table<T>, name: &[u16]) -> Option<T> {
    table.iter().find(|(n, _, _)| n.len() == name.len() && n.bytes().zip(name).all(|(a, b)| u16::from(a) == *b)).map(|(_, f, _)| *f)
}

fn is(name: &[u16], s: &str) -> bool {
    s.len() == name.len() && s.bytes().zip(name).all(|(a, b)| u16::from(a) == *b)
}

/// A built-in object's property by name.
pub(crate) fn lookup(b: Builtin, name: &[u16]) -> Option<Virtual> {
    if is(name, "prototype") {
        return b.proto_of().map(Virtual::Object);
    }
    if is(name, "constructor") {
        if let Some(c) = b.ctor_of() {
            return Some(Virtual::Object(c));
        }
    }
    let m = |n: Option<N>| n.map(Virtual::Method);
    match b {
        Builtin::Global => global_lookup(name),
        Builtin::ObjectCtor => m(find(OBJECT_STATIC, name).map(N::Object)),
        Builtin::ObjectProto => m(find(OBJECT_PROTO, name).map(N::Object)),
        Builtin::FunctionProto => m(find(FUNCTION_PROTO, name).map(N::Function)),
        Builtin::ArrayCtor => m(find(bi_array::STATIC, name).map(N::Array)),
        Builtin::ArrayProto => m(find(bi_array::PROTO, name).map(N::Array)),
        Builtin::StringCtor => m(find(bi_string::STATIC, name).map(N::String)),
        Builtin::StringProto => m(find(bi_string::PROTO, name).map(N::String)),
        Builtin::NumberCtor => number_static(name),
        Builtin::NumberProto => m(find(NUMBER_PROTO, name).map(N::Number)),
        Builtin::BooleanProto => m(find(BOOLEAN_PROTO, name).map(N::Boolean)),
        Builtin::DateCtor => m(find(bi_date::STATIC, name).map(N::Date)),
        Builtin::DateProto => m(find(bi_date::PROTO, name).map(N::Date)),
        Builtin::RegExpProto => m(find(bi_regexp::PROTO, name).map(N::RegExp)),
        Builtin::Math => math_lookup(name),
        Builtin::Json => m(find(json::TABLE, name).map(N::Json)),
        Builtin::Writer => m(find(campaign::WRITER, name).map(N::Campaign)),
        // The event's fields exist; their values come from the event (`Interp::materialize`).
        Builtin::Event => super::EVENT_FIELDS.iter().any(|f| is(name, f)).then_some(Virtual::Value(Value::Undef)),
        Builtin::XmlCtor => xml::ctor_lookup(name),
        Builtin::XmlProto | Builtin::XmlListProto => m(find(xml::PROTO, name).map(N::Xml)),
        Builtin::ErrorProto(k) => {
            if is(name, "name") {
                return Some(Virtual::Value(Value::Str(JsStr::from_str(k.name()))));
            }
            if is(name, "message") {
                return Some(Virtual::Value(Value::Str(JsStr::from_str(""))));
            }
            if k == ErrKind::Error {
                return m(find(ERROR_PROTO, name).map(N::Error));
            }
            None
        }
        _ => None,
    }
}

/// Every property name of a built-in object (to make them all).
pub(crate) fn names(b: Builtin) -> Vec<&'static str> {
    fn of<T>(t: Table<T>) -> impl Iterator<Item = &'static str> {
        t.iter().map(|(n, _, _)| *n)
    }
    let mut v: Vec<&'static str> = Vec::new();
    if b.proto_of().is_some() {
        v.push("prototype");
    }
    if b.ctor_of().is_some() {
        v.push("constructor");
    }
    match b {
        Builtin::Global => v.extend(GLOBAL_NAMES.iter().copied().chain(of(GLOBAL)).chain(campaign::TABLE.iter().map(|(n, _, _)| *n))),
        Builtin::ObjectCtor => v.extend(of(OBJECT_STATIC)),
        Builtin::ObjectProto => v.extend(of(OBJECT_PROTO)),
        Builtin::FunctionProto => v.extend(of(FUNCTION_PROTO)),
        Builtin::ArrayCtor => v.extend(of(bi_array::STATIC)),
        Builtin::ArrayProto => v.extend(of(bi_array::PROTO)),
        Builtin::StringCtor => v.extend(of(bi_string::STATIC)),
        Builtin::StringProto => v.extend(of(bi_string::PROTO)),
        Builtin::NumberCtor => v.extend(["MAX_VALUE", "MIN_VALUE", "NaN", "NEGATIVE_INFINITY", "POSITIVE_INFINITY"]),
        Builtin::NumberProto => v.extend(of(NUMBER_PROTO)),
        Builtin::BooleanProto => v.extend(of(BOOLEAN_PROTO)),
        Builtin::DateCtor => v.extend(of(bi_date::STATIC)),
        Builtin::DateProto => v.extend(of(bi_date::PROTO)),
        Builtin::RegExpProto => v.extend(of(bi_regexp::PROTO)),
        Builtin::Math => v.extend(MATH_CONSTANTS.iter().map(|(n, _)| *n).chain(of(MATH))),
        Builtin::Json => v.extend(of(json::TABLE)),
        Builtin::Writer => v.extend(of(campaign::WRITER)),
        Builtin::Event => v.extend(super::EVENT_FIELDS.iter().copied()),
        Builtin::XmlProto | Builtin::XmlListProto => v.extend(of(xml::PROTO)),
        Builtin::ErrorProto(k) => {
            v.extend(["name", "message"]);
            if k == ErrKind::Error {
                v.extend(of(ERROR_PROTO));
            }
        }
        _ => {}
    }
    v
}

/// The `length` of a native function.
pub(crate) fn arity(n: N) -> u8 {
    fn of<T: Copy + PartialEq>(t: Table<T>, x: T) -> u8 {
        t.iter().find(|(_, f, _)| *f == x).map(|(_, _, l)| *l).unwrap_or(0)
    }
    match n {
        N::Noop => 0,
        N::Ctor(b) => match b {
            Builtin::DateCtor => 7,
            Builtin::RegExpCtor => 2,
            _ => 1,
        },
        N::Global(g) => of(GLOBAL, g),
        N::Object(o) => of(OBJECT_STATIC, o).max(of(OBJECT_PROTO, o)),
        N::Function(f) => of(FUNCTION_PROTO, f),
        N::Error(e) => of(ERROR_PROTO, e),
        N::Boolean(b) => of(BOOLEAN_PROTO, b),
        N::Number(x) => of(NUMBER_PROTO, x),
        N::Math(m) => of(MATH, m),
        N::Json(j) => of(json::TABLE, j),
        N::String(s) => of(bi_string::PROTO, s).max(of(bi_string::STATIC, s)),
        N::Array(a) => of(bi_array::PROTO, a).max(of(bi_array::STATIC, a)),
        N::Date(d) => of(bi_date::PROTO, d).max(of(bi_date::STATIC, d)),
        N::RegExp(r) => of(bi_regexp::PROTO, r),
        N::Xml(x) => of(xml::PROTO, x),
        N::Campaign(c) => of(campaign::TABLE, c).max(of(campaign::WRITER, c)),
    }
}

/// The `name` of a native function.
pub(crate) fn name(n: N) -> &'static str {
    fn of<T: Copy + PartialEq>(t: Table<T>, x: T) -> Option<&'static str> {
        t.iter().find(|(_, f, _)| *f == x).map(|(n, _, _)| *n)
    }
    let found = match n {
        N::Noop => Some(""),
        N::Ctor(b) => Some(match b {
            Builtin::ObjectCtor => "Object",
            Builtin::FunctionCtor => "Function",
            Builtin::ArrayCtor => "Array",
            Builtin::StringCtor => "String",
            Builtin::NumberCtor => "Number",
            Builtin::BooleanCtor => "Boolean",
            Builtin::DateCtor => "Date",
            Builtin::RegExpCtor => "RegExp",
            Builtin::XmlCtor => "XML",
            Builtin::XmlListCtor => "XMLList",
            Builtin::ErrorCtor(k) => k.name(),
            _ => "",
        }),
        N::Global(g) => of(GLOBAL, g),
        N::Object(o) => of(OBJECT_STATIC, o).or_else(|| of(OBJECT_PROTO, o)),
        N::Function(f) => of(FUNCTION_PROTO, f),
        N::Error(e) => of(ERROR_PROTO, e),
        N::Boolean(b) => of(BOOLEAN_PROTO, b),
        N::Number(x) => of(NUMBER_PROTO, x),
        N::Math(m) => of(MATH, m),
        N::Json(j) => of(json::TABLE, j),
        N::String(s) => of(bi_string::PROTO, s).or_else(|| of(bi_string::STATIC, s)),
        N::Array(a) => of(bi_array::PROTO, a).or_else(|| of(bi_array::STATIC, a)),
        N::Date(d) => of(bi_date::PROTO, d).or_else(|| of(bi_date::STATIC, d)),
        N::RegExp(r) => of(bi_regexp::PROTO, r),
        N::Xml(x) => of(xml::PROTO, x),
        N::Campaign(c) => of(campaign::TABLE, c).or_else(|| of(campaign::WRITER, c)),
    };
    found.unwrap_or("")
}

/// The `i`th argument (undefined when missing).
pub(crate) fn arg(args: &[Value], i: usize) -> Value {
    args.get(i).cloned().unwrap_or(Value::Undef)
}

/// Calls a native function; `new_target` when it is constructed.
pub(crate) fn call(i: &mut Interp, n: N, this: Value, args: &[Value], new_target: Option<ObjId>) -> Res<Value> {
    match n {
        N::Noop => Ok(Value::Undef),
        N::Ctor(b) => construct(i, b, args, new_target),
        N::Global(g) => global(i, g, args),
        N::Object(o) => object(i, o, this, args),
        N::Function(f) => function(i, f, this, args),
        N::Error(e) => error_method(i, e, this),
        N::Boolean(b) => boolean(i, b, this),
        N::Number(x) => number(i, x, this, args),
        N::Math(m) => math(i, m, args),
        N::Json(j) => json::call(i, j, args),
        N::String(s) => bi_string::call(i, s, this, args),
        N::Array(a) => bi_array::call(i, a, this, args),
        N::Date(d) => bi_date::call(i, d, this, args),
        N::RegExp(r) => bi_regexp::call(i, r, this, args),
        N::Xml(x) => xml::call(i, x, this, args),
        N::Campaign(c) => campaign::call(i, c, args),
    }
}

/// The prototype of a constructed object: `new_target.prototype`, else the built-in's.
fn proto_for(i: &mut Interp, new_target: Option<ObjId>, fallback: Builtin) -> Res<ObjId> {
    if let Some(t) = new_target {
        if let Value::Obj(p) = i.get_obj(t, Key::Name(K::prototype.atom()), &Value::Obj(t))? {
            return Ok(p);
        }
    }
    i.builtin(fallback)
}

fn construct(i: &mut Interp, b: Builtin, args: &[Value], new_target: Option<ObjId>) -> Res<Value> {
    let a0 = arg(args, 0);
    match b {
        Builtin::ObjectCtor => {
            if a0.is_nullish() {
                return Ok(Value::Obj(i.new_object()?));
            }
            Ok(Value::Obj(i.to_object(&a0)?))
        }
        Builtin::FunctionCtor => i.type_error("new Function() is not supported in templates (there is no eval)".into()),
        Builtin::ArrayCtor => {
            if let [Value::Num(n)] = args {
                if *n < 0.0 || n.fract() != 0.0 || *n > 4_294_967_295.0 {
                    return Err(i.error(ErrKind::Range, "invalid array length".into()));
                }
                if *n > 1_000_000.0 {
                    return Err(i.error(ErrKind::Range, "the array is too large for a template".into()));
                }
                return i.new_array(vec![Value::Undef; *n as usize]);
            }
            i.new_array(args.to_vec())
        }
        Builtin::StringCtor => {
            let s = if args.is_empty() { JsStr::from_str("") } else { i.to_string(&a0)? };
            if new_target.is_none() {
                return Ok(Value::Str(s));
            }
            let p = proto_for(i, new_target, Builtin::StringProto)?;
            Ok(Value::Obj(i.alloc(Obj::new(Some(p), Class::String(s)))?))
        }
        Builtin::NumberCtor => {
            let n = if args.is_empty() { 0.0 } else { i.to_number(&a0)? };
            if new_target.is_none() {
                return Ok(Value::Num(n));
            }
            let p = proto_for(i, new_target, Builtin::NumberProto)?;
            Ok(Value::Obj(i.alloc(Obj::new(Some(p), Class::Number(n)))?))
        }
        Builtin::BooleanCtor => {
            let v = i.to_boolean(&a0);
            if new_target.is_none() {
                return Ok(Value::Bool(v));
            }
            let p = proto_for(i, new_target, Builtin::BooleanProto)?;
            Ok(Value::Obj(i.alloc(Obj::new(Some(p), Class::Boolean(v)))?))
        }
        Builtin::DateCtor => bi_date::construct(i, args, new_target),
        Builtin::RegExpCtor => bi_regexp::construct(i, args, new_target),
        Builtin::XmlCtor => xml::construct_xml(i, args),
        Builtin::XmlListCtor => xml::construct_list(i, args),
        Builtin::ErrorCtor(k) => {
            let p = proto_for(i, new_target, Builtin::ErrorProto(k))?;
            let mut obj = Obj::new(Some(p), Class::Error);
            if !matches!(a0, Value::Undef) {
                let m = i.to_string(&a0)?;
                obj.props.push(K::message.atom(), Slot::Data(Value::Str(m)), HIDDEN);
            }
            Ok(Value::Obj(i.alloc(obj)?))
        }
        _ => i.type_error("not a constructor".into()),
    }
}

// ---- the global object ----

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum G {
    ParseInt,
    ParseFloat,
    IsNaN,
    IsFinite,
    EncodeUriComponent,
    DecodeUriComponent,
    EncodeUri,
    DecodeUri,
    Escape,
    Unescape,
    IsXmlName,
    Eval,
}

const GLOBAL: Table<G> = &[
    ("parseInt", G::ParseInt, 2),
    ("parseFloat", G::ParseFloat, 1),
    ("isNaN", G::IsNaN, 1),
    ("isFinite", G::IsFinite, 1),
    ("encodeURIComponent", G::EncodeUriComponent, 1),
    ("decodeURIComponent", G::DecodeUriComponent, 1),
    ("encodeURI", G::EncodeUri, 1),
    ("decodeURI", G::DecodeUri, 1),
    ("escape", G::Escape, 1),
    ("unescape", G::Unescape, 1),
    ("isXMLName", G::IsXmlName, 1),
    ("eval", G::Eval, 1),
];

const GLOBAL_NAMES: &[&str] = &[
    "NaN",
    "Infinity",
    "undefined",
    "Object",
    "Function",
    "Array",
    "String",
    "Number",
    "Boolean",
    "Date",
    "RegExp",
    "Math",
    "JSON",
    "XML",
    "XMLList",
    "Error",
    "TypeError",
    "RangeError",
    "ReferenceError",
    "SyntaxError",
    "EvalError",
    "URIError",
    "InternalError",
    "out",
    "document",
];

fn global_lookup(name: &[u16]) -> Option<Virtual> {
    if let Some(g) = find(GLOBAL, name) {
        return Some(Virtual::Method(N::Global(g)));
    }
    if let Some(c) = find(campaign::TABLE, name) {
        return Some(Virtual::Method(N::Campaign(c)));
    }
    let v = |x| Some(Virtual::Value(x));
    let o = |b| Some(Virtual::Object(b));
    let s: String = String::from_utf16_lossy(name);
    match s.as_str() {
        "NaN" => v(Value::Num(f64::NAN)),
        "Infinity" => v(Value::Num(f64::INFINITY)),
        "undefined" => v(Value::Undef),
        "Object" => o(Builtin::ObjectCtor),
        "Function" => o(Builtin::FunctionCtor),
        "Array" => o(Builtin::ArrayCtor),
        "String" => o(Builtin::StringCtor),
        "Number" => o(Builtin::NumberCtor),
        "Boolean" => o(Builtin::BooleanCtor),
        "Date" => o(Builtin::DateCtor),
        "RegExp" => o(Builtin::RegExpCtor),
        "Math" => o(Builtin::Math),
        "JSON" => o(Builtin::Json),
        "XML" => o(Builtin::XmlCtor),
        "XMLList" => o(Builtin::XmlListCtor),
        "out" | "document" => o(Builtin::Writer),
        _ => ErrKind::ALL.iter().find(|k| k.name() == s).map(|k| Virtual::Object(Builtin::ErrorCtor(*k))),
    }
}

fn global(i: &mut Interp, g: G, args: &[Value]) -> Res<Value> {
    let a0 = arg(args, 0);
    match g {
        G::ParseInt => {
            if matches!(a0, Value::Obj(_)) {
                // ToString of the string before ToInt32 of the radix (either may run a script).
                let s = i.to_rust_string(&a0)?;
                let r = i.to_int32(&arg(args, 1))?;
                return Ok(Value::Num(num::parse_int(&s, r)));
            }
            let r = i.to_int32(&arg(args, 1))?;
            Ok(Value::Num(i.with_text(&a0, |s| num::parse_int(s, r))?))
        }
        G::ParseFloat => Ok(Value::Num(i.with_text(&a0, num::parse_float)?)),
        G::IsNaN => Ok(Value::Bool(i.to_number(&a0)?.is_nan())),
        G::IsFinite => Ok(Value::Bool(i.to_number(&a0)?.is_finite())),
        G::EncodeUriComponent | G::EncodeUri => {
            let s = i.to_string(&a0)?;
            let keep: &[u8] = if g == G::EncodeUri { b"-_.!~*'();/?:@&=+$,#" } else { b"-_.!~*'()" };
            match uri_encode(s.units(), keep) {
                Some(out) => i.str_value(out),
                None => Err(i.error(ErrKind::Uri, "malformed URI sequence".into())),
            }
        }
        G::DecodeUriComponent | G::DecodeUri => {
            let s = i.to_string(&a0)?;
            let reserved: &[u8] = if g == G::DecodeUri { b";/?:@&=+$,#" } else { b"" };
            match uri_decode(s.units(), reserved) {
                Some(out) => i.str_value(out),
                None => Err(i.error(ErrKind::Uri, "malformed URI sequence".into())),
            }
        }
        G::Escape => {
            let s = i.to_string(&a0)?;
            let mut out = Vec::with_capacity(s.len());
            for &u in s.units() {
                if u < 0x80 && (u as u8 as char).is_ascii_alphanumeric() || b"@*_+-./".iter().any(|&c| u16::from(c) == u) {
                    out.push(u);
                } else if u < 0x100 {
                    out.extend(format!("%{u:02X}").encode_utf16());
                } else {
                    out.extend(format!("%u{u:04X}").encode_utf16());
                }
            }
            i.str_value(out)
        }
        G::Unescape => {
            let s = i.to_string(&a0)?;
            let u = s.units();
            let mut out = Vec::with_capacity(u.len());
            let mut k = 0;
            let hex = |x: &[u16]| -> Option<u16> {
                u16::from_str_radix(&String::from_utf16(x).ok()?, 16)
                    .ok()
                    .filter(|_| x.iter().all(|c| (*c as u8 as char).is_ascii_hexdigit() && *c < 0x80))
            };
            while k < u.len() {
                if u[k] == u16::from(b'%') {
                    if u.get(k + 1) == Some(&u16::from(b'u')) {
                        if let Some(v) = u.get(k + 2..k + 6).and_then(hex) {
                            out.push(v);
                            k += 6;
                            continue;
                        }
                    } else if let Some(v) = u.get(k + 1..k + 3).and_then(hex) {
                        out.push(v);
                        k += 3;
                        continue;
                    }
                }
                out.push(u[k]);
                k += 1;
            }
            i.str_value(out)
        }
        G::IsXmlName => {
            let s = i.to_rust_string(&a0)?;
            Ok(Value::Bool(crate::tree::is_xml_name(&s) && !s.contains(':')))
        }
        G::Eval => i.type_error("eval is not supported in templates".into()),
    }
}

/// encodeURI(Component): UTF-8 percent-encoding (uppercase hex) of what `keep` and the
/// alphanumerics do not keep; None for a lone surrogate.
fn uri_encode(units: &[u16], keep: &[u8]) -> Option<Vec<u16>> {
    let mut out = Vec::with_capacity(units.len());
    for c in char::decode_utf16(units.iter().copied()) {
        let c = c.ok()?;
        if c.is_ascii_alphanumeric() || (c.is_ascii() && keep.contains(&(c as u8))) {
            out.push(c as u16);
            continue;
        }
        let mut buf = [0u8; 4];
        for b in c.encode_utf8(&mut buf).bytes() {
            out.extend(format!("%{b:02X}").encode_utf16());
        }
    }
    Some(out)
}

/// decodeURI(Component): None for a malformed sequence.
fn uri_decode(units: &[u16], reserved: &[u8]) -> Option<Vec<u16>> {
    let mut out = Vec::with_capacity(units.len());
    let mut k = 0;
    let byte_at = |k: usize| -> Option<u8> {
        if units.get(k) != Some(&u16::from(b'%')) {
            return None;
        }
        let h = units.get(k + 1..k + 3)?;
        let s: String = h.iter().map(|&c| char::from_u32(u32::from(c)).unwrap_or('g')).collect();
        u8::from_str_radix(&s, 16).ok()
    };
    while k < units.len() {
        if units[k] != u16::from(b'%') {
            out.push(units[k]);
            k += 1;
            continue;
        }
        let b = byte_at(k)?;
        if b < 0x80 {
            if reserved.contains(&b) {
                out.extend_from_slice(units.get(k..k + 3)?);
            } else {
                out.push(u16::from(b));
            }
            k += 3;
            continue;
        }
        let len = match b {
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF7 => 4,
            _ => return None,
        };
        let mut bytes = vec![b];
        for j in 1..len {
            bytes.push(byte_at(k + 3 * j)?);
        }
        let s = std::str::from_utf8(&bytes).ok()?;
        out.extend(s.encode_utf16());
        k += 3 * len;
    }
    Some(out)
}

// ---- Object ----

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum O {
    Keys,
    Create,
    GetPrototypeOf,
    DefineProperty,
    GetOwnPropertyNames,
    Freeze,
    IsFrozen,
    ToString,
    ToLocaleString,
    ValueOf,
    HasOwnProperty,
    IsPrototypeOf,
    PropertyIsEnumerable,
}

const OBJECT_STATIC: Table<O> = &[
    ("keys", O::Keys, 1),
    ("create", O::Create, 2),
    ("getPrototypeOf", O::GetPrototypeOf, 1),
    ("defineProperty", O::DefineProperty, 3),
    ("getOwnPropertyNames", O::GetOwnPropertyNames, 1),
    ("freeze", O::Freeze, 1),
    ("isFrozen", O::IsFrozen, 1),
];

const OBJECT_PROTO: Table<O> = &[
    ("toString", O::ToString, 0),
    ("toLocaleString", O::ToLocaleString, 0),
    ("valueOf", O::ValueOf, 0),
    ("hasOwnProperty", O::HasOwnProperty, 1),
    ("isPrototypeOf", O::IsPrototypeOf, 1),
    ("propertyIsEnumerable", O::PropertyIsEnumerable, 1),
];

/// `Object.prototype.toString`'s class name.
pub(crate) fn class_name(i: &Interp, v: &Value) -> &'static str {
    match v {
        Value::Undef => "Undefined",
        Value::Null => "Null",
        Value::Bool(_) => "Boolean",
        Value::Num(_) => "Number",
        Value::Str(_) => "String",
        Value::Xml(_) => "XML",
        Value::List(_) => "XMLList",
        Value::Obj(o) => match &i.obj(*o).class {
            Class::Object => {
                if i.obj(*o).builtin == Some(Builtin::Math) {
                    "Math"
                } else if i.obj(*o).builtin == Some(Builtin::Json) {
                    "JSON"
                } else if i.obj(*o).builtin == Some(Builtin::Global) {
                    "global"
                } else {
                    "Object"
                }
            }
            Class::Array(_) => "Array",
            Class::Function(_) => "Function",
            Class::Error => "Error",
            Class::Boolean(_) => "Boolean",
            Class::Number(_) => "Number",
            Class::String(_) => "String",
            Class::Date(_) => "Date",
            Class::RegExp(_) => "RegExp",
            Class::Arguments => "Arguments",
        },
    }
}

fn own_keys(i: &mut Interp, o: ObjId, all: bool) -> Res<Vec<Value>> {
    i.materialize_all(o)?;
    let mut out = Vec::new();
    match &i.obj(o).class {
        Class::Array(v) => out.extend((0..v.len()).map(|k| Value::Str(JsStr::from_str(&k.to_string())))),
        Class::String(s) => out.extend((0..s.len()).map(|k| Value::Str(JsStr::from_str(&k.to_string())))),
        _ => {}
    }
    let props: Vec<(super::jsstr::Atom, u8)> = i.obj(o).props.list.iter().map(|p| (p.key, p.flags)).collect();
    for (k, flags) in props {
        if all || flags & ENUMERABLE != 0 {
            out.push(Value::Str(i.name_of(k)));
        }
    }
    if all && matches!(i.obj(o).class, Class::Array(_) | Class::String(_)) {
        out.push(Value::Str(JsStr::from_str("length")));
    }
    i.tick(out.len() as u64)?;
    Ok(out)
}

fn object(i: &mut Interp, o: O, this: Value, args: &[Value]) -> Res<Value> {
    let a0 = arg(args, 0);
    let need_obj = |i: &mut Interp, v: &Value, what: &str| -> Res<ObjId> {
        match v {
            Value::Obj(o) => Ok(*o),
            _ => i.type_error(format!("{what}: the argument is not an object")),
        }
    };
    match o {
        O::Keys | O::GetOwnPropertyNames => {
            let ob = need_obj(i, &a0, if o == O::Keys { "Object.keys" } else { "Object.getOwnPropertyNames" })?;
            let keys = own_keys(i, ob, o == O::GetOwnPropertyNames)?;
            i.new_array(keys)
        }
        O::Create => {
            let proto = match &a0 {
                Value::Obj(p) => Some(*p),
                Value::Null => None,
                _ => return i.type_error("Object.create: the prototype is neither an object nor null".into()),
            };
            let ob = i.alloc(Obj::new(proto, Class::Object))?;
            if let Value::Obj(props) = arg(args, 1) {
                define_properties(i, ob, props)?;
            }
            Ok(Value::Obj(ob))
        }
        O::GetPrototypeOf => {
            let ob = need_obj(i, &a0, "Object.getPrototypeOf")?;
            Ok(i.obj(ob).proto.map(Value::Obj).unwrap_or(Value::Null))
        }
        O::DefineProperty => {
            let ob = need_obj(i, &a0, "Object.defineProperty")?;
            let key = i.to_key(&arg(args, 1))?;
            let Value::Obj(desc) = arg(args, 2) else {
                return i.type_error("Object.defineProperty: the descriptor is not an object".into());
            };
            define_property(i, ob, key, desc)?;
            Ok(a0)
        }
        O::Freeze => {
            if let Value::Obj(ob) = a0 {
                i.materialize_all(ob)?;
                let obj = i.obj_mut(ob);
                obj.extensible = false;
                for p in &mut obj.props.list {
                    p.flags &= !(WRITABLE | CONFIGURABLE);
                }
            }
            Ok(a0)
        }
        O::IsFrozen => match a0 {
            Value::Obj(ob) => {
                let obj = i.obj(ob);
                Ok(Value::Bool(!obj.extensible && obj.props.list.iter().all(|p| p.flags & (WRITABLE | CONFIGURABLE) == 0)))
            }
            _ => Ok(Value::Bool(true)),
        },
        O::ToString | O::ToLocaleString => {
            if o == O::ToLocaleString {
                let f = i.get(&this, Key::Name(K::toString.atom()))?;
                return i.call(&f, this, &[]);
            }
            let c = class_name(i, &this);
            Ok(Value::Str(JsStr::from_str(&format!("[object {c}]"))))
        }
        O::ValueOf => match this {
            Value::Obj(_) => Ok(this),
            other => Ok(Value::Obj(i.to_object(&other)?)),
        },
        O::HasOwnProperty => {
            let key = i.to_key(&a0)?;
            match &this {
                Value::Obj(ob) => Ok(Value::Bool(i.has_own(*ob, key)?)),
                Value::Str(s) => Ok(Value::Bool(match key {
                    Key::Index(k) => (k as usize) < s.len(),
                    Key::Name(a) => a == K::length.atom(),
                })),
                Value::Xml(_) | Value::List(_) => Ok(Value::Bool(i.xml_has_key(&this, key)?)),
                _ => Ok(Value::Bool(false)),
            }
        }
        O::IsPrototypeOf => {
            let (Value::Obj(me), Value::Obj(mut cur)) = (&this, a0) else { return Ok(Value::Bool(false)) };
            while let Some(p) = i.obj(cur).proto {
                if p == *me {
                    return Ok(Value::Bool(true));
                }
                cur = p;
            }
            Ok(Value::Bool(false))
        }
        O::PropertyIsEnumerable => {
            let key = i.to_key(&a0)?;
            let Value::Obj(ob) = this else { return Ok(Value::Bool(false)) };
            if let (Class::Array(v), Key::Index(k)) = (&i.obj(ob).class, key) {
                return Ok(Value::Bool((k as usize) < v.len()));
            }
            let a = i.key_name(key);
            Ok(Value::Bool(i.obj(ob).props.get(a).is_some_and(|p| p.flags & ENUMERABLE != 0)))
        }
    }
}

fn define_properties(i: &mut Interp, ob: ObjId, props: ObjId) -> Res<()> {
    let keys = own_keys(i, props, false)?;
    for k in keys {
        let key = i.to_key(&k)?;
        let d = i.get_obj(props, key, &Value::Obj(props))?;
        let Value::Obj(d) = d else {
            return i.type_error("a property descriptor is not an object".into());
        };
        define_property(i, ob, key, d)?;
    }
    Ok(())
}

fn define_property(i: &mut Interp, ob: ObjId, key: Key, desc: ObjId) -> Res<()> {
    let dv = Value::Obj(desc);
    let field = |i: &mut Interp, k: K| -> Res<Option<Value>> {
        if i.has_property(desc, Key::Name(k.atom()))? {
            Ok(Some(i.get_obj(desc, Key::Name(k.atom()), &dv)?))
        } else {
            Ok(None)
        }
    };
    let value = field(i, K::value)?;
    let get = field(i, K::get)?;
    let set = field(i, K::set)?;
    let flag = |i: &mut Interp, k: K, bit: u8| -> Res<u8> {
        Ok(match field(i, k)? {
            Some(v) if i.to_boolean(&v) => bit,
            _ => 0,
        })
    };
    let flags = flag(i, K::writable, WRITABLE)? | flag(i, K::enumerable, ENUMERABLE)? | flag(i, K::configurable, CONFIGURABLE)?;
    let as_fn = |i: &mut Interp, v: Option<Value>| -> Res<Option<ObjId>> {
        match v {
            None | Some(Value::Undef) => Ok(None),
            Some(v) if is_callable(i, &v) => Ok(v.obj()),
            Some(_) => i.type_error("a getter or setter is not a function".into()),
        }
    };
    if matches!(i.obj(ob).class, Class::Array(_)) {
        if let (Key::Index(_), Some(v)) = (key, &value) {
            return i.put_obj(ob, key, v.clone(), &Value::Obj(ob));
        }
    }
    i.materialize_all(ob)?;
    let atom = i.key_name(key);
    let slot = if get.is_some() || set.is_some() {
        let g = as_fn(i, get)?;
        let s = as_fn(i, set)?;
        Slot::Accessor(g, s)
    } else {
        Slot::Data(value.unwrap_or(Value::Undef))
    };
    let obj = i.obj_mut(ob);
    match obj.props.get_mut(atom) {
        Some(p) => {
            if p.flags & CONFIGURABLE == 0 {
                return i.type_error("can't redefine a non-configurable property".into());
            }
            p.slot = slot;
            p.flags = flags;
        }
        None => obj.props.push(atom, slot, flags),
    }
    Ok(())
}

// ---- Function.prototype ----

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum F {
    Call,
    Apply,
    Bind,
    ToString,
}

const FUNCTION_PROTO: Table<F> = &[("call", F::Call, 1), ("apply", F::Apply, 2), ("bind", F::Bind, 1), ("toString", F::ToString, 0)];

fn function(i: &mut Interp, f: F, this: Value, args: &[Value]) -> Res<Value> {
    if !is_callable(i, &this) {
        return i.type_error(format!("Function.prototype.{} called on something that is not a function", name(N::Function(f))));
    }
    match f {
        F::Call => {
            let t = arg(args, 0);
            let t = if t.is_nullish() { Value::Obj(i.builtin(Builtin::Global)?) } else { t };
            i.call(&this, t, args.get(1..).unwrap_or_default())
        }
        F::Apply => {
            let t = arg(args, 0);
            let t = if t.is_nullish() { Value::Obj(i.builtin(Builtin::Global)?) } else { t };
            let list = match arg(args, 1) {
                Value::Undef | Value::Null => Vec::new(),
                Value::Obj(o) => array_like(i, o)?,
                _ => return i.type_error("second argument to Function.prototype.apply must be an array".into()),
            };
            i.call(&this, t, &list)
        }
        F::Bind => {
            let Value::Obj(target) = this else { return Ok(Value::Undef) };
            let bound = Func::Bound(target, arg(args, 0), args.get(1..).unwrap_or_default().to_vec().into());
            Ok(Value::Obj(i.new_function(bound)?))
        }
        F::ToString => {
            let Value::Obj(o) = this else { return Ok(Value::Undef) };
            let s = match &i.obj(o).class {
                Class::Function(Func::Script(def, _)) => def.source.clone(),
                Class::Function(Func::Native(n)) => JsStr::from_str(&format!("\nfunction {}() {{\n    [native code]\n}}\n", name(*n))),
                _ => JsStr::from_str("function () {\n    [native code]\n}"),
            };
            Ok(Value::Str(s))
        }
    }
}

/// The elements of an array-like object (`length` and indexes).
pub(crate) fn array_like(i: &mut Interp, o: ObjId) -> Res<Vec<Value>> {
    if let Class::Array(v) = &i.obj(o).class {
        return Ok(v.clone());
    }
    let ov = Value::Obj(o);
    let len = i.get_obj(o, Key::Name(K::length.atom()), &ov)?;
    let len = i.to_uint32(&len)?;
    if len > 1_000_000 {
        return Err(i.error(ErrKind::Range, "too many arguments".into()));
    }
    let mut out = Vec::with_capacity(len as usize);
    for k in 0..len {
        out.push(i.get_obj(o, Key::Index(k), &ov)?);
    }
    Ok(out)
}

// ---- Error.prototype ----

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Er {
    ToString,
}

const ERROR_PROTO: Table<Er> = &[("toString", Er::ToString, 0)];

fn error_method(i: &mut Interp, _: Er, this: Value) -> Res<Value> {
    let name = i.get(&this, Key::Name(K::name.atom()))?;
    let name = if matches!(name, Value::Undef) { JsStr::from_str("Error") } else { i.to_string(&name)? };
    let msg = i.get(&this, Key::Name(K::message.atom()))?;
    let msg = if matches!(msg, Value::Undef) { JsStr::from_str("") } else { i.to_string(&msg)? };
    if msg.is_empty() {
        return Ok(Value::Str(name));
    }
    if name.is_empty() {
        return Ok(Value::Str(msg));
    }
    let mut u = name.units().to_vec();
    u.extend(": ".encode_utf16());
    u.extend_from_slice(msg.units());
    i.str_value(u)
}

// ---- Boolean and Number ----

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Bo {
    ToString,
    ValueOf,
}

const BOOLEAN_PROTO: Table<Bo> = &[("toString", Bo::ToString, 0), ("valueOf", Bo::ValueOf, 0)];

fn boolean(i: &mut Interp, b: Bo, this: Value) -> Res<Value> {
    let v = match &this {
        Value::Bool(b) => *b,
        Value::Obj(o) => match i.obj(*o).class {
            Class::Boolean(b) => b,
            _ => return i.type_error("Boolean.prototype method called on incompatible object".into()),
        },
        _ => return i.type_error("Boolean.prototype method called on incompatible object".into()),
    };
    Ok(match b {
        Bo::ToString => Value::Str(JsStr::from_str(if v { "true" } else { "false" })),
        Bo::ValueOf => Value::Bool(v),
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Nu {
    ToString,
    ToLocaleString,
    ValueOf,
    ToFixed,
    ToExponential,
    ToPrecision,
}

const NUMBER_PROTO: Table<Nu> = &[
    ("toString", Nu::ToString, 1),
    ("toLocaleString", Nu::ToLocaleString, 0),
    ("valueOf", Nu::ValueOf, 0),
    ("toFixed", Nu::ToFixed, 1),
    ("toExponential", Nu::ToExponential, 1),
    ("toPrecision", Nu::ToPrecision, 1),
];

fn number_static(name: &[u16]) -> Option<Virtual> {
    let s = String::from_utf16_lossy(name);
    let n = match s.as_str() {
        "MAX_VALUE" => f64::MAX,
        "MIN_VALUE" => 5e-324,
        "NaN" => f64::NAN,
        "NEGATIVE_INFINITY" => f64::NEG_INFINITY,
        "POSITIVE_INFINITY" => f64::INFINITY,
        _ => return None,
    };
    Some(Virtual::Value(Value::Num(n)))
}

fn number(i: &mut Interp, n: Nu, this: Value, args: &[Value]) -> Res<Value> {
    let x = match &this {
        Value::Num(x) => *x,
        Value::Obj(o) => match i.obj(*o).class {
            Class::Number(x) => x,
            _ => return i.type_error(format!("Number.prototype.{} called on incompatible object", name(N::Number(n)))),
        },
        _ => return i.type_error(format!("Number.prototype.{} called on incompatible object", name(N::Number(n)))),
    };
    let digits = |i: &mut Interp| -> Res<Option<f64>> {
        match arg(args, 0) {
            Value::Undef => Ok(None),
            v => Ok(Some(i.to_integer(&v)?)),
        }
    };
    let r = match n {
        Nu::ValueOf => return Ok(Value::Num(x)),
        Nu::ToString => {
            let radix = match arg(args, 0) {
                Value::Undef => 10.0,
                v => i.to_integer(&v)?,
            };
            if !(2.0..=36.0).contains(&radix) {
                return Err(i.error(ErrKind::Range, format!("illegal radix {}", num::number_to_string(radix))));
            }
            Ok(if radix == 10.0 { num::number_to_string(x) } else { num::number_to_string_radix(x, radix as u32) })
        }
        Nu::ToLocaleString => Ok(num::number_to_string(x)),
        Nu::ToFixed => {
            let d = digits(i)?;
            num::to_fixed(x, d)
        }
        Nu::ToExponential => {
            let d = digits(i)?;
            num::to_exponential(x, d)
        }
        Nu::ToPrecision => {
            let d = digits(i)?;
            num::to_precision(x, d)
        }
    };
    match r {
        Ok(s) => i.str_value(s.encode_utf16().collect()),
        Err(m) => Err(i.error(ErrKind::Range, m)),
    }
}

// ---- Math ----

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum M {
    Abs,
    Acos,
    Asin,
    Atan,
    Atan2,
    Ceil,
    Cos,
    Exp,
    Floor,
    Log,
    Max,
    Min,
    Pow,
    Random,
    Round,
    Sin,
    Sqrt,
    Tan,
}

const MATH: Table<M> = &[
    ("abs", M::Abs, 1),
    ("acos", M::Acos, 1),
    ("asin", M::Asin, 1),
    ("atan", M::Atan, 1),
    ("atan2", M::Atan2, 2),
    ("ceil", M::Ceil, 1),
    ("cos", M::Cos, 1),
    ("exp", M::Exp, 1),
    ("floor", M::Floor, 1),
    ("log", M::Log, 1),
    ("max", M::Max, 2),
    ("min", M::Min, 2),
    ("pow", M::Pow, 2),
    ("random", M::Random, 0),
    ("round", M::Round, 1),
    ("sin", M::Sin, 1),
    ("sqrt", M::Sqrt, 1),
    ("tan", M::Tan, 1),
];

const MATH_CONSTANTS: &[(&str, f64)] = &[
    ("E", std::f64::consts::E),
    ("LN10", std::f64::consts::LN_10),
    ("LN2", std::f64::consts::LN_2),
    ("LOG10E", std::f64::consts::LOG10_E),
    ("LOG2E", std::f64::consts::LOG2_E),
    ("PI", std::f64::consts::PI),
    ("SQRT1_2", std::f64::consts::FRAC_1_SQRT_2),
    ("SQRT2", std::f64::consts::SQRT_2),
];

fn math_lookup(name: &[u16]) -> Option<Virtual> {
    if let Some(m) = find(MATH, name) {
        return Some(Virtual::Method(N::Math(m)));
    }
    MATH_CONSTANTS.iter().find(|(n, _)| is(name, n)).map(|(_, v)| Virtual::Value(Value::Num(*v)))
}

fn math(i: &mut Interp, m: M, args: &[Value]) -> Res<Value> {
    let mut x = || -> Res<f64> { i.to_number(&arg(args, 0)) };
    let r = match m {
        M::Abs => x()?.abs(),
        M::Acos => x()?.acos(),
        M::Asin => x()?.asin(),
        M::Atan => x()?.atan(),
        M::Ceil => x()?.ceil(),
        M::Cos => x()?.cos(),
        M::Exp => x()?.exp(),
        M::Floor => x()?.floor(),
        M::Log => x()?.ln(),
        M::Sin => x()?.sin(),
        M::Sqrt => x()?.sqrt(),
        M::Tan => x()?.tan(),
        M::Round => {
            let v = x()?;
            // The closest integer, halves toward +Infinity; -0 and (-0.5, 0) give -0.
            if v.is_nan() || v.is_infinite() || v == 0.0 {
                v
            } else if (-0.5..0.0).contains(&v) {
                -0.0
            } else {
                let r = v.floor();
                if v - r >= 0.5 {
                    r + 1.0
                } else {
                    r
                }
            }
        }
        M::Atan2 => {
            let a = i.to_number(&arg(args, 0))?;
            let b = i.to_number(&arg(args, 1))?;
            a.atan2(b)
        }
        M::Pow => {
            let a = i.to_number(&arg(args, 0))?;
            let b = i.to_number(&arg(args, 1))?;
            if b.is_nan() || (a.abs() == 1.0 && b.is_infinite()) {
                f64::NAN
            } else {
                a.powf(b)
            }
        }
        M::Max | M::Min => {
            let mut acc = if m == M::Max { f64::NEG_INFINITY } else { f64::INFINITY };
            let mut nan = false;
            for a in args {
                let v = i.to_number(a)?;
                if v.is_nan() {
                    nan = true;
                } else if (m == M::Max && (v > acc || (v == 0.0 && acc == 0.0 && acc.is_sign_negative())))
                    || (m == M::Min && (v < acc || (v == 0.0 && acc == 0.0 && v.is_sign_negative())))
                {
                    acc = v;
                }
            }
            if nan {
                f64::NAN
            } else {
                acc
            }
        }
        M::Random => random(i),
    };
    Ok(Value::Num(r))
}

/// `Math.random()`: mulberry32 on the render's seed (the same in every render of an event).
pub(crate) fn random(i: &mut Interp) -> f64 {
    i.rng = i.rng.wrapping_add(0x6D2B_79F5);
    let mut t = i.rng;
    t = (t ^ (t >> 15)).wrapping_mul(t | 1);
    t ^= t.wrapping_add((t ^ (t >> 7)).wrapping_mul(t | 61));
    f64::from(t ^ (t >> 14)) / 4_294_967_296.0
}
