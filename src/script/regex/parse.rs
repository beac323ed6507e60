//! The pattern grammar (ES5 §15.10.1) with the web's leniencies (ES2015 Annex B.1.4, without
//! its later additions): a tree for `emit.rs`.

use super::chars::{self, Ranges};
use super::RegexError;

/// Groups (capturing or not, lookaheads) nest at most this deep.
pub(super) const MAX_DEPTH: u32 = 256;
/// An unbounded maximum count.
pub(super) const INF: u32 = u32::MAX;

pub(super) enum Node {
    Empty,
    /// Literal units `lits[start..start + len]`.
    Lit(u32, u32),
    Any,
    Class(u32),
    Bol,
    Eol,
    /// `\b` (true) or `\B`.
    Word(bool),
    Back(u32),
    Group(Box<Node>, u32),
    Look(Box<Look>),
    Repeat(Box<Repeat>),
    Seq(Vec<Node>),
    Alt(Vec<Node>),
}

pub(super) struct Look {
    pub body: Node,
    pub neg: bool,
    /// The groups inside: `first..end`.
    pub first: u32,
    pub end: u32,
}

pub(super) struct Repeat {
    pub body: Node,
    pub min: u32,
    pub max: u32,
    pub greedy: bool,
    /// The groups inside: `first..end` (reset at each iteration).
    pub first: u32,
    pub end: u32,
    /// The body's shortest match (0: it may match empty).
    pub width: u32,
    /// The body leaves no choice point behind once matched.
    pub det: bool,
}

/// A character class: `ranges[from..to]`, negated or not.
#[derive(Clone, Copy, Debug)]
pub(super) struct Class {
    pub from: u32,
    pub to: u32,
    pub neg: bool,
}

pub(super) struct Parsed {
    pub node: Node,
    /// The shortest match.
    pub width: u32,
    pub lits: Vec<u16>,
    pub ranges: Vec<(u16, u16)>,
    pub classes: Vec<Class>,
    pub groups: u32,
}

#[derive(Clone, Copy)]
struct Info {
    width: u32,
    det: bool,
}

const ZERO: Info = Info { width: 0, det: true };
const ONE: Info = Info { width: 1, det: true };

enum ClassAtom {
    Unit(u16),
    Set(&'static Ranges, bool),
}

#[cold]
#[inline(never)]
fn syntax(m: &str) -> RegexError {
    RegexError::Syntax(m.into())
}

type R<T> = Result<T, RegexError>;

/// Parses `s`; under `i` (`icase`), class sets hold the canonical units of their members too.
pub(super) fn parse(s: &[u16], icase: bool) -> R<Parsed> {
    let mut p = Parser { s, i: 0, icase, total: count_groups(s), groups: 0, lits: Vec::new(), ranges: Vec::new(), classes: Vec::new() };
    let (node, width) = p.pattern()?;
    Ok(Parsed { node, width, lits: p.lits, ranges: p.ranges, classes: p.classes, groups: p.groups })
}

/// A disjunction being parsed: the alternatives done, the terms of the current one.
struct Open {
    alts: Vec<Node>,
    alts_width: u32,
    seq: Vec<Node>,
    info: Info,
    /// 0 (capturing group), `:`, `=` or `!`.
    kind: u16,
    /// The groups before this one.
    before: u32,
}

impl Open {
    fn new(kind: u16, before: u32) -> Open {
        Open { alts: Vec::new(), alts_width: INF, seq: Vec::new(), info: ZERO, kind, before }
    }

    fn push(&mut self, n: Node, i: Info) {
        self.info.width = self.info.width.saturating_add(i.width);
        self.info.det &= i.det;
        // Consecutive literals make one run.
        if let (Node::Lit(s, 1), Some(Node::Lit(s0, n0))) = (&n, self.seq.last_mut()) {
            if *s0 + *n0 == *s {
                *n0 += 1;
                return;
            }
        }
        self.seq.push(n);
    }

    fn end_alternative(&mut self) {
        let mut seq = std::mem::take(&mut self.seq);
        let n = if seq.len() < 2 { seq.pop().unwrap_or(Node::Empty) } else { Node::Seq(seq) };
        self.alts.push(n);
        self.alts_width = self.alts_width.min(self.info.width);
        self.info.width = 0;
    }

    fn finish(mut self) -> (Node, Info) {
        self.end_alternative();
        let info = Info { width: self.alts_width, det: self.info.det && self.alts.len() == 1 };
        let n = if self.alts.len() == 1 { self.alts.pop().unwrap_or(Node::Empty) } else { Node::Alt(self.alts) };
        (n, info)
    }
}

/// NcapturingParens: the `(` not followed by `?`, outside classes and escapes.
fn count_groups(s: &[u16]) -> u32 {
    let (mut i, mut class, mut n) = (0, false, 0u32);
    while let Some(&c) = s.get(i) {
        match c {
            0x5C => i += 1,
            0x5B => class = true,
            0x5D => class = false,
            0x28 if !class && s.get(i + 1) != Some(&0x3F) => n = n.saturating_add(1),
            _ => {}
        }
        i += 1;
    }
    n
}

fn hex(u: u16) -> Option<u16> {
    char::from_u32(u32::from(u)).and_then(|c| c.to_digit(16)).map(|d| d as u16)
}

fn is(u: Option<u16>, c: u8) -> bool {
    u == Some(u16::from(c))
}

struct Parser<'a> {
    s: &'a [u16],
    i: usize,
    icase: bool,
    total: u32,
    groups: u32,
    lits: Vec<u16>,
    ranges: Vec<(u16, u16)>,
    classes: Vec<Class>,
}

impl Parser<'_> {
    fn at(&self, k: usize) -> Option<u16> {
        self.s.get(self.i + k).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        let yes = is(self.at(0), c);
        self.i += usize::from(yes);
        yes
    }

    /// The whole pattern. Groups are parsed with an explicit stack, not by recursion.
    fn pattern(&mut self) -> R<(Node, u32)> {
        let mut stack: Vec<Open> = Vec::new();
        let mut cur = Open::new(0, 0);
        loop {
            let Some(c) = self.at(0) else {
                if !stack.is_empty() {
                    return Err(syntax("unterminated parenthetical"));
                }
                let (n, i) = cur.finish();
                return Ok((n, i.width));
            };
            // The atom, and the groups before it.
            let (atom, info, before) = match c {
                0x7C => {
                    self.i += 1;
                    cur.end_alternative();
                    continue;
                }
                0x28 => {
                    self.i += 1;
                    let kind = if is(self.at(0), b'?') {
                        let k = self.at(1).unwrap_or(0);
                        if !matches!(k, 0x3A | 0x3D | 0x21) {
                            return Err(syntax("invalid quantifier"));
                        }
                        self.i += 2;
                        k
                    } else {
                        0
                    };
                    if stack.len() >= MAX_DEPTH as usize {
                        return Err(RegexError::TooComplex);
                    }
                    let open = Open::new(kind, self.groups);
                    if kind == 0 {
                        self.groups += 1;
                    }
                    stack.push(std::mem::replace(&mut cur, open));
                    continue;
                }
                0x29 => {
                    self.i += 1;
                    let Some(outer) = stack.pop() else { return Err(syntax("unmatched ) in regular expression")) };
                    let (kind, before) = (cur.kind, cur.before);
                    let (body, info) = std::mem::replace(&mut cur, outer).finish();
                    let atom = match kind {
                        0 => (Node::Group(Box::new(body), before + 1), info),
                        0x3A => (body, info),
                        _ => (Node::Look(Box::new(Look { body, neg: kind == 0x21, first: before + 1, end: self.groups + 1 })), ZERO),
                    };
                    (atom.0, atom.1, before)
                }
                _ => {
                    let (atom, info, quantifiable) = self.atom(c)?;
                    if !quantifiable {
                        cur.push(atom, info);
                        continue;
                    }
                    (atom, info, self.groups)
                }
            };
            let (n, i) = self.quantified(atom, info, before)?;
            cur.push(n, i);
        }
    }

    fn lit(&mut self, u: u16) -> (Node, Info) {
        self.lits.push(u);
        (Node::Lit(self.lits.len() as u32 - 1, 1), ONE)
    }

    /// An atom or assertion other than a group, at `i` (whose unit is `c`); whether it takes
    /// a quantifier.
    fn atom(&mut self, c: u16) -> R<(Node, Info, bool)> {
        let (atom, info) = match c {
            0x5E | 0x24 => {
                self.i += 1;
                return Ok((if c == 0x5E { Node::Bol } else { Node::Eol }, ZERO, false));
            }
            0x5C => match self.at(1) {
                None => return Err(syntax("trailing \\ in regular expression")),
                Some(e @ (0x62 | 0x42)) => {
                    self.i += 2;
                    return Ok((Node::Word(e == 0x62), ZERO, false));
                }
                Some(_) => self.atom_escape()?,
            },
            0x5B => self.class()?,
            0x2E => {
                self.i += 1;
                (Node::Any, ONE)
            }
            0x2A | 0x2B | 0x3F => return Err(syntax("nothing to repeat")),
            0x7B if self.braces().is_some() => return Err(syntax("nothing to repeat")),
            _ => {
                self.i += 1;
                self.lit(c)
            }
        };
        Ok((atom, info, true))
    }

    /// The atom with the quantifier at `i`, if any. `before`: the groups before the atom.
    fn quantified(&mut self, atom: Node, info: Info, before: u32) -> R<(Node, Info)> {
        let (min, max) = match self.at(0) {
            Some(0x2A) => (0, INF),
            Some(0x2B) => (1, INF),
            Some(0x3F) => (0, 1),
            Some(0x7B) => match self.braces() {
                Some((_, _, _, true)) => return Err(syntax("numbers out of order in {} quantifier")),
                Some((min, max, end, false)) => {
                    self.i = end - 1;
                    (min, max)
                }
                None => return Ok((atom, info)),
            },
            _ => return Ok((atom, info)),
        };
        self.i += 1;
        let greedy = !self.eat(b'?');
        if max == 0 {
            return Ok((Node::Empty, ZERO));
        }
        if min == 1 && max == 1 {
            // Once: the body as it is (its groups are undefined before it).
            return Ok((atom, info));
        }
        let width = info.width.saturating_mul(min);
        let det = min == max && info.det;
        let r = Repeat { body: atom, min, max, greedy, first: before + 1, end: self.groups + 1, width: info.width, det: info.det };
        Ok((Node::Repeat(Box::new(r)), Info { width, det }))
    }

    /// `{n}`, `{n,}` or `{n,m}` at `i`: (min, max, index past `}`, whether n > m); `None` if
    /// it is not one (then `{` is a literal). Counts saturate below `INF`.
    fn braces(&self) -> Option<(u32, u32, usize, bool)> {
        let digits = |from: usize| {
            let mut j = from;
            let mut v: u32 = 0;
            while let Some(d @ 0..=9) = self.s.get(j).map(|&u| u.wrapping_sub(0x30)) {
                v = v.saturating_mul(10).saturating_add(u32::from(d)).min(INF - 1);
                j += 1;
            }
            (v, from, j)
        };
        let (min, a, b) = digits(self.i + 1);
        if a == b {
            return None;
        }
        let (max, bad, j) = match self.s.get(b) {
            Some(0x7D) => (min, false, b),
            Some(0x2C) => {
                let (max, c, d) = digits(b + 1);
                let bad = c < d && greater(self.s.get(a..b).unwrap_or_default(), self.s.get(c..d).unwrap_or_default());
                (if c == d { INF } else { max }, bad, d)
            }
            _ => return None,
        };
        if self.s.get(j) != Some(&0x7D) {
            return None;
        }
        Some((min, max, j + 1, bad))
    }

    /// `\` then not `b` or `B`, outside a class.
    fn atom_escape(&mut self) -> R<(Node, Info)> {
        let e = self.at(1).unwrap_or(0);
        if let Some(set) = class_escape(e) {
            self.i += 2;
            let (set, neg) = set;
            return Ok((self.push_class(set, neg), ONE));
        }
        match e {
            0x31..=0x39 => {
                // DecimalEscape: a backreference if there are that many groups.
                let mut j = self.i + 1;
                let mut n: u32 = 0;
                while let Some(&d @ 0x30..=0x39) = self.s.get(j) {
                    n = n.saturating_mul(10).saturating_add(u32::from(d - 0x30));
                    j += 1;
                }
                if n <= self.total {
                    self.i = j;
                    return Ok((Node::Back(n), ZERO));
                }
            }
            0x63 if !self.at(2).is_some_and(|c| (c as u8).is_ascii_alphabetic() && c < 128) => {
                // `\c` without a control letter: a backslash.
                self.i += 1;
                return Ok(self.lit(0x5C));
            }
            _ => {}
        }
        self.i += 1;
        let u = self.char_escape();
        Ok(self.lit(u))
    }

    /// The CharacterEscape at `i` (after the backslash): legacy octal, control, hex, unicode
    /// or identity escape.
    fn char_escape(&mut self) -> u16 {
        let e = self.at(0).unwrap_or(0);
        self.i += 1;
        match e {
            0x30..=0x37 => {
                let mut v = e - 0x30;
                let most = if v < 4 { 2 } else { 1 };
                for _ in 0..most {
                    match self.at(0) {
                        Some(d @ 0x30..=0x37) => {
                            v = v * 8 + d - 0x30;
                            self.i += 1;
                        }
                        _ => break,
                    }
                }
                v
            }
            0x66 => 0x0C,
            0x6E => 0x0A,
            0x72 => 0x0D,
            0x74 => 0x09,
            0x76 => 0x0B,
            0x63 => {
                // Only reached with a control letter next (classes also take digits and `_`).
                let l = self.at(0).unwrap_or(0);
                self.i += 1;
                l % 32
            }
            0x78 | 0x75 => {
                let n = if e == 0x78 { 2 } else { 4 };
                let mut v: u16 = 0;
                for k in 0..n {
                    match self.at(k).and_then(hex) {
                        Some(d) => v = v << 4 | d,
                        None => return e,
                    }
                }
                self.i += n;
                v
            }
            _ => e,
        }
    }

    fn class(&mut self) -> R<(Node, Info)> {
        self.i += 1;
        let neg = self.eat(b'^');
        let mut set: Vec<(u16, u16)> = Vec::new();
        loop {
            match self.at(0) {
                None => return Err(syntax("unterminated character class")),
                Some(0x5D) => {
                    self.i += 1;
                    break;
                }
                Some(_) => {}
            }
            let a = self.class_atom()?;
            if is(self.at(0), b'-') && self.at(1).is_some_and(|c| c != 0x5D) {
                self.i += 1;
                let b = self.class_atom()?;
                match (a, b) {
                    (ClassAtom::Unit(x), ClassAtom::Unit(y)) => {
                        if x > y {
                            return Err(syntax("invalid range in character class"));
                        }
                        set.push((x, y));
                    }
                    (a, b) => {
                        // Annex B: a class escape at either end makes the `-` a literal.
                        add(&mut set, a);
                        add(&mut set, b);
                        set.push((0x2D, 0x2D));
                    }
                }
            } else {
                add(&mut set, a);
            }
        }
        chars::normalize(&mut set);
        if let (false, [(a, b)]) = (neg, set.as_slice()) {
            if a == b {
                return Ok(self.lit(*a));
            }
        }
        Ok((self.push_class(&set, neg), ONE))
    }

    fn class_atom(&mut self) -> R<ClassAtom> {
        let c = self.at(0).unwrap_or(0);
        self.i += 1;
        if c != 0x5C {
            return Ok(ClassAtom::Unit(c));
        }
        let Some(e) = self.at(0) else { return Err(syntax("unterminated character class")) };
        if let Some((set, neg)) = class_escape(e) {
            self.i += 1;
            return Ok(ClassAtom::Set(set, neg));
        }
        Ok(ClassAtom::Unit(match e {
            0x62 => {
                self.i += 1;
                8
            }
            0x63 => match self.at(1) {
                Some(l) if l < 128 && ((l as u8).is_ascii_alphanumeric() || l == 0x5F) => {
                    self.i += 2;
                    l % 32
                }
                _ => 0x5C,
            },
            _ => self.char_escape(),
        }))
    }

    fn push_class(&mut self, set: &Ranges, neg: bool) -> Node {
        let from = self.ranges.len() as u32;
        if self.icase {
            let mut v = set.to_vec();
            chars::close_over_case(&mut v);
            chars::normalize(&mut v);
            self.ranges.extend_from_slice(&v);
        } else {
            self.ranges.extend_from_slice(set);
        }
        self.classes.push(Class { from, to: self.ranges.len() as u32, neg });
        Node::Class(self.classes.len() as u32 - 1)
    }
}

/// `\d \D \w \W \s \S`: the set and whether it is negated.
fn class_escape(e: u16) -> Option<(&'static Ranges, bool)> {
    let set = match e | 0x20 {
        0x64 => chars::DIGIT,
        0x77 => chars::WORD,
        0x73 => chars::SPACE,
        _ => return None,
    };
    Some((set, e & 0x20 == 0))
}

fn add(set: &mut Vec<(u16, u16)>, a: ClassAtom) {
    match a {
        ClassAtom::Unit(u) => set.push((u, u)),
        ClassAtom::Set(s, false) => set.extend_from_slice(s),
        ClassAtom::Set(s, true) => chars::push_complement(s, set),
    }
}

/// Whether the decimal digits `a` are a larger number than `b`.
fn greater(a: &[u16], b: &[u16]) -> bool {
    let trim = |s: &[u16]| -> usize { s.iter().take_while(|&&d| d == 0x30).count() };
    let (a, b) = (a.get(trim(a)..).unwrap_or_default(), b.get(trim(b)..).unwrap_or_default());
    a.len() > b.len() || (a.len() == b.len() && a > b)
}
