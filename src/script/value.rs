//! Values, objects and scopes of a render. Objects live in one arena per render (never freed
//! before the render ends: a render is short and bounded, see [`super::Bounds`]).

use std::rc::Rc;

use super::ast::Function;
use super::builtins::{Builtin, N};
use super::jsstr::{Atom, JsStr};
use super::regex::Regex;

/// A JavaScript value.
#[derive(Clone, Debug)]
pub(crate) enum Value {
    Undef,
    Null,
    Bool(bool),
    Num(f64),
    Str(JsStr),
    Obj(ObjId),
    /// An E4X XML value (an element, text, attribute… of the render's XML arena).
    Xml(XmlId),
    /// An E4X XMLList value.
    List(XList),
}

/// The items of an XMLList. Each list made is a new object for `===`: a list of one item or
/// none carries a serial number instead of an allocation (most lists a template makes, such as
/// `item.@price`, have one item).
#[derive(Clone, Debug)]
pub(crate) enum XList {
    Empty(u32),
    One(XmlId, u32),
    Many(Rc<[XmlId]>),
}

impl std::ops::Deref for XList {
    type Target = [XmlId];
    fn deref(&self) -> &[XmlId] {
        match self {
            XList::Empty(_) => &[],
            XList::One(x, _) => std::slice::from_ref(x),
            XList::Many(l) => l,
        }
    }
}

impl XList {
    /// Whether two lists are the same object.
    pub(crate) fn same(&self, other: &XList) -> bool {
        match (self, other) {
            (XList::Empty(a), XList::Empty(b)) => a == b,
            (XList::One(_, a), XList::One(_, b)) => a == b,
            (XList::Many(a), XList::Many(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl Value {
    pub(crate) fn is_nullish(&self) -> bool {
        matches!(self, Value::Undef | Value::Null)
    }

    pub(crate) fn obj(&self) -> Option<ObjId> {
        match self {
            Value::Obj(o) => Some(*o),
            _ => None,
        }
    }
}

/// An object of the render's arena.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct ObjId(pub(crate) u32);

/// A scope of the render's arena.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ScopeId(pub(crate) u32);

/// An XML node of the render's XML arena.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct XmlId(pub(crate) u32);

/// A property key: a name, or an index (arrays, strings, array-like objects).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Key {
    Name(Atom),
    Index(u32),
}

/// A property's value: plain, or an accessor pair.
#[derive(Clone, Debug)]
pub(crate) enum Slot {
    Data(Value),
    Accessor(Option<ObjId>, Option<ObjId>),
}

/// Attributes of a property.
pub(crate) const WRITABLE: u8 = 1;
pub(crate) const ENUMERABLE: u8 = 2;
pub(crate) const CONFIGURABLE: u8 = 4;
/// Plain assignment's attributes.
pub(crate) const DEFAULT: u8 = WRITABLE | ENUMERABLE | CONFIGURABLE;
/// Built-in methods' attributes (not enumerable).
pub(crate) const HIDDEN: u8 = WRITABLE | CONFIGURABLE;

/// One named property.
#[derive(Clone, Debug)]
pub(crate) struct Property {
    pub(crate) key: Atom,
    pub(crate) slot: Slot,
    pub(crate) flags: u8,
}

/// Named properties in insertion order, with an index once there are many.
#[derive(Clone, Debug, Default)]
pub(crate) struct Props {
    pub(crate) list: Vec<Property>,
    index: Option<super::jsstr::FxMap<Atom, usize>>,
}

const INDEX_FROM: usize = 24;

impl Props {
    pub(crate) fn find(&self, key: Atom) -> Option<usize> {
        match &self.index {
            Some(ix) => ix.get(&key).copied(),
            None => self.list.iter().position(|p| p.key == key),
        }
    }

    pub(crate) fn get(&self, key: Atom) -> Option<&Property> {
        self.find(key).and_then(|i| self.list.get(i))
    }

    pub(crate) fn get_mut(&mut self, key: Atom) -> Option<&mut Property> {
        self.find(key).and_then(move |i| self.list.get_mut(i))
    }

    /// Adds a property (the key must not be there).
    pub(crate) fn push(&mut self, key: Atom, slot: Slot, flags: u8) {
        let i = self.list.len();
        self.list.push(Property { key, slot, flags });
        if let Some(ix) = &mut self.index {
            ix.insert(key, i);
        } else if self.list.len() > INDEX_FROM {
            self.index = Some(self.list.iter().enumerate().map(|(i, p)| (p.key, i)).collect());
        }
    }

    /// Removes a property, keeping the order of the others.
    pub(crate) fn remove(&mut self, key: Atom) -> bool {
        let Some(i) = self.find(key) else { return false };
        self.list.remove(i);
        if self.index.is_some() {
            self.index = Some(self.list.iter().enumerate().map(|(i, p)| (p.key, i)).collect());
        }
        true
    }

    pub(crate) fn len(&self) -> usize {
        self.list.len()
    }
}

/// A function object's kind.
#[derive(Clone, Debug)]
pub(crate) enum Func {
    /// A function of the script, closed over its scope.
    Script(Rc<Function>, Option<ScopeId>),
    /// A built-in.
    Native(N),
    /// `f.bind(this, args…)`.
    Bound(ObjId, Value, Rc<[Value]>),
}

/// A regular expression object's state (lastIndex is a property).
#[derive(Clone, Debug)]
pub(crate) struct RegExpData {
    pub(crate) source: JsStr,
    pub(crate) flags: JsStr,
    pub(crate) re: Rc<Regex>,
    pub(crate) global: bool,
}

/// What kind of object an object is, with its internal state.
#[derive(Clone, Debug)]
pub(crate) enum Class {
    Object,
    Array(Vec<Value>),
    Function(Func),
    Error,
    Boolean(bool),
    Number(f64),
    String(JsStr),
    Date(f64),
    RegExp(Box<RegExpData>),
    Arguments,
}

/// An object.
#[derive(Clone, Debug)]
pub(crate) struct Obj {
    pub(crate) proto: Option<ObjId>,
    pub(crate) class: Class,
    pub(crate) props: Props,
    pub(crate) extensible: bool,
    /// A built-in object whose methods are made on first use (see `builtins.rs`).
    pub(crate) builtin: Option<Builtin>,
}

impl Obj {
    pub(crate) fn new(proto: Option<ObjId>, class: Class) -> Obj {
        Obj { proto, class, props: Props::default(), extensible: true, builtin: None }
    }
}

/// A function call's scope: its slots, and the scope it was made in.
#[derive(Clone, Debug)]
pub(crate) struct Scope {
    pub(crate) vars: Vec<Value>,
    pub(crate) parent: Option<ScopeId>,
}
