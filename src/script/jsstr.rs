//! JavaScript strings (UTF-16 code units, lone surrogates allowed) and interned property names.

use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;

/// A JavaScript string: immutable UTF-16 code units, shared by reference count.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct JsStr(Rc<[u16]>);

impl JsStr {
    /// The string of a Rust string.
    pub(crate) fn from_str(s: &str) -> JsStr {
        if s.is_ascii() {
            return JsStr(s.bytes().map(u16::from).collect::<Vec<u16>>().into());
        }
        let mut v = Vec::with_capacity(s.len());
        v.extend(s.encode_utf16());
        JsStr(v.into())
    }

    /// The string of code units.
    pub(crate) fn from_units(units: Vec<u16>) -> JsStr {
        JsStr(units.into())
    }

    /// The string of a slice of code units.
    pub(crate) fn from_slice(units: &[u16]) -> JsStr {
        JsStr(Rc::from(units))
    }

    /// Its code units.
    pub(crate) fn units(&self) -> &[u16] {
        &self.0
    }

    /// Its length in code units (JavaScript's `length`).
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether it is `""`.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// As UTF-8 (a lone surrogate becomes U+FFFD).
    pub(crate) fn to_rust(&self) -> String {
        let mut s = String::with_capacity(self.0.len());
        push_units(&mut s, &self.0);
        s
    }

    /// Whether it equals this ASCII text.
    pub(crate) fn eq_ascii(&self, s: &str) -> bool {
        self.0.len() == s.len() && self.0.iter().zip(s.bytes()).all(|(a, b)| *a == u16::from(b))
    }
}

/// Appends UTF-16 code units to a Rust string (a lone surrogate becomes U+FFFD).
pub(crate) fn push_units(out: &mut String, units: &[u16]) {
    // The common case: ASCII, copied as bytes.
    let mut i = 0;
    while let Some(&u) = units.get(i) {
        if u < 0x80 {
            out.push(char::from(u as u8));
            i += 1;
            continue;
        }
        for c in char::decode_utf16(units.get(i..).unwrap_or_default().iter().copied()) {
            match c {
                Ok(c) if (c as u32) < 0x80 => {
                    // Back to the fast path.
                    break;
                }
                Ok(c) => {
                    out.push(c);
                    i += c.len_utf16();
                }
                Err(_) => {
                    out.push('\u{FFFD}');
                    i += 1;
                }
            }
        }
    }
}

impl fmt::Debug for JsStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.to_rust())
    }
}

impl fmt::Display for JsStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rust())
    }
}

/// An interned property name: an index into [`Atoms`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub(crate) struct Atom(pub(crate) u32);

macro_rules! predefined {
    ($($id:ident => $s:literal,)*) => {
        /// The names the interpreter itself uses, interned first in every table, in this order.
        #[allow(non_camel_case_types, dead_code, clippy::upper_case_acronyms)]
        #[derive(Clone, Copy, PartialEq, Eq, Debug)]
        #[repr(u32)]
        pub(crate) enum K { $($id,)* }
        const PREDEFINED: &[&str] = &[$($s,)*];
    };
}

predefined! {
    length => "length",
    prototype => "prototype",
    constructor => "constructor",
    name => "name",
    message => "message",
    toString => "toString",
    valueOf => "valueOf",
    arguments => "arguments",
    callee => "callee",
    lastIndex => "lastIndex",
    index => "index",
    input => "input",
    source => "source",
    global => "global",
    ignoreCase => "ignoreCase",
    multiline => "multiline",
    undefined => "undefined",
    NaN => "NaN",
    Infinity => "Infinity",
    rtEvent => "rtEvent",
    batchEvent => "batchEvent",
    ctx => "ctx",
    toJSON => "toJSON",
    get => "get",
    set => "set",
    value => "value",
    writable => "writable",
    enumerable => "enumerable",
    configurable => "configurable",
    stack => "stack",
    lineNumber => "lineNumber",
    empty => "",
    id => "id",
    type_ => "type",
    email => "email",
    mobilePhone => "mobilePhone",
    externalId => "externalId",
    origin => "origin",
    language => "language",
    country => "country",
    registrationToken => "registrationToken",
    wishedChannel => "wishedChannel",
    emailFormat => "emailFormat",
    created => "created",
    scheduled => "scheduled",
    expiration => "expiration",
}

impl K {
    /// Its atom.
    pub(crate) const fn atom(self) -> Atom {
        Atom(self as u32)
    }
}

/// FxHash (rustc's): a fast hash for short keys that no attacker chooses the table of (a
/// render's names are bounded, and the table lives for one template).
#[derive(Default, Clone, Copy)]
pub(crate) struct Fx(u64);

impl std::hash::Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A HashMap with [`Fx`].
pub(crate) type FxMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<Fx>>;

/// An intern table of property names.
#[derive(Clone, Debug)]
pub(crate) struct Atoms {
    names: Vec<JsStr>,
    map: FxMap<JsStr, Atom>,
}

impl Default for Atoms {
    fn default() -> Self {
        let mut t = Atoms { names: Vec::new(), map: FxMap::default() };
        for s in PREDEFINED {
            t.intern(JsStr::from_str(s));
        }
        t
    }
}

impl Atoms {
    /// A table without the predefined names (a render's own names, numbered after its program's).
    pub(crate) fn empty() -> Atoms {
        Atoms { names: Vec::new(), map: FxMap::default() }
    }

    /// The atom of a name, added when new.
    pub(crate) fn intern(&mut self, s: JsStr) -> Atom {
        if let Some(a) = self.map.get(&s) {
            return *a;
        }
        let a = Atom(self.names.len() as u32);
        self.names.push(s.clone());
        self.map.insert(s, a);
        a
    }

    /// The atom of a Rust string.
    #[cfg(test)]
    pub(crate) fn intern_str(&mut self, s: &str) -> Atom {
        self.intern(JsStr::from_str(s))
    }

    /// The atom of a name if it is interned.
    pub(crate) fn lookup(&self, s: &[u16]) -> Option<Atom> {
        self.map.get(s).copied()
    }

    /// The name of an atom.
    pub(crate) fn name(&self, a: Atom) -> Option<&JsStr> {
        self.names.get(a.0 as usize)
    }

    /// How many names there are.
    pub(crate) fn len(&self) -> usize {
        self.names.len()
    }
}

impl std::borrow::Borrow<[u16]> for JsStr {
    fn borrow(&self) -> &[u16] {
        &self.0
    }
}

/// Whether a string is an array index (`"0"`, `"42"`, not `"01"`), and which.
pub(crate) fn array_index(units: &[u16]) -> Option<u32> {
    let (&first, rest) = units.split_first()?;
    if !(u16::from(b'0')..=u16::from(b'9')).contains(&first) || (first == u16::from(b'0') && !rest.is_empty()) || units.len() > 10 {
        return None;
    }
    let mut n: u64 = 0;
    for &u in units {
        if !(u16::from(b'0')..=u16::from(b'9')).contains(&u) {
            return None;
        }
        n = n * 10 + u64::from(u - u16::from(b'0'));
    }
    // 2^32 - 1 is not an index.
    u32::try_from(n).ok().filter(|&i| i != u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_surrogates() {
        let s = JsStr::from_str("héllo 😀");
        assert_eq!(s.len(), 8);
        assert_eq!(s.to_rust(), "héllo 😀");
        let lone = JsStr::from_units(vec![0x61, 0xD83D, 0x62]);
        assert_eq!(lone.to_rust(), "a\u{FFFD}b");
        assert!(JsStr::from_str("abc").eq_ascii("abc"));
    }

    #[test]
    fn atoms_and_indexes() {
        let mut t = Atoms::default();
        assert_eq!(t.intern_str("length"), K::length.atom());
        let a = t.intern_str("customer");
        assert_eq!(t.intern_str("customer"), a);
        assert_eq!(t.name(a).map(JsStr::to_rust).as_deref(), Some("customer"));
        let idx = |s: &str| array_index(&s.encode_utf16().collect::<Vec<_>>());
        assert_eq!(idx("0"), Some(0));
        assert_eq!(idx("42"), Some(42));
        assert_eq!(idx("01"), None);
        assert_eq!(idx("4294967295"), None);
        assert_eq!(idx("4294967294"), Some(4_294_967_294));
        assert_eq!(idx(""), None);
        assert_eq!(idx("1a"), None);
    }
}
