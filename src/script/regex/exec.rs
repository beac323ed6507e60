//! The backtracking machine: runs a `Program` over the input with an explicit stack.
//!
//! State: the program counter, the position, and registers (group bounds, loop counts and
//! iteration starts, lookahead marks). The stack holds choice points, each to resume at, and
//! undo records, each the old value of a register written since: failing pops the stack,
//! restoring registers, down to the next choice point. This is §15.10.2's continuation
//! semantics with the continuations made explicit: a choice point is "the rest of the
//! alternatives", tried in the spec's order.

use super::chars::{canon, fold_eq, is_line_terminator, is_word};
use super::emit::{LoopDef, Op, Program};
use super::{Captures, RegexError};

/// An undefined register (a group's end: the group is undefined).
const NONE: u32 = u32::MAX;

/// Stack entry kinds (top 4 bits of `Entry::k`; the rest is a register or program counter).
const UNDO: u32 = 0;
/// Resume at pc, position `a`.
const CHOICE: u32 = 1 << 28;
/// A greedy unit loop at pc: the run ended at `a`; it may give back down to `b`.
const GREEDY: u32 = 2 << 28;
/// A lazy unit loop at pc: resume at `a`, taking one more unit first; not past `b`.
const LAZY: u32 = 3 << 28;
/// A lazy loop whose head is at pc: one more iteration from `a`.
const LAZY_LOOP: u32 = 4 << 28;
const KIND: u32 = 0xF << 28;

#[derive(Clone, Copy, Debug)]
struct Entry {
    k: u32,
    a: u32,
    b: u32,
}

/// The default cap on the stack (64 MiB).
pub(super) const MAX_STACK: usize = (64 << 20) / std::mem::size_of::<Entry>();

pub(super) struct Vm<'a> {
    p: &'a Program,
    input: &'a [u16],
    multiline: bool,
    regs: Vec<u32>,
    stack: Vec<Entry>,
    pub fuel: u64,
    /// The most stack entries allowed, and the most used.
    pub cap: usize,
    pub peak: usize,
}

type R<T> = Result<T, RegexError>;

impl<'a> Vm<'a> {
    pub(super) fn new(p: &'a Program, input: &'a [u16], multiline: bool, fuel: u64) -> Vm<'a> {
        Vm { p, input, multiline, regs: vec![NONE; p.regs], stack: Vec::new(), fuel, cap: MAX_STACK, peak: 0 }
    }

    fn charge(&mut self, n: usize) -> R<()> {
        let n = n as u64;
        if self.fuel < n {
            self.fuel = 0;
            return Err(RegexError::OutOfFuel);
        }
        self.fuel -= n;
        Ok(())
    }

    fn reg(&self, r: usize) -> u32 {
        self.regs.get(r).copied().unwrap_or(NONE)
    }

    /// Sets a register, with an undo record.
    fn set(&mut self, r: usize, v: u32) {
        if let Some(x) = self.regs.get_mut(r) {
            self.stack.push(Entry { k: UNDO | r as u32, a: *x, b: 0 });
            *x = v;
        }
    }

    /// Sets a register without an undo record.
    fn put(&mut self, r: usize, v: u32) {
        if let Some(x) = self.regs.get_mut(r) {
            *x = v;
        }
    }

    fn loop_def(&self, l: u32) -> LoopDef {
        self.p.loops.get(l as usize).copied().unwrap_or(LoopDef { min: 0, max: 0, greedy: true, det: true, head: 0, exit: 0 })
    }

    fn unit(&self, op: Op, u: u16) -> bool {
        match op {
            Op::Char(c) => u == c,
            Op::Fold(c) => fold_eq(u, c),
            Op::Any => !is_line_terminator(u),
            Op::Class(k) => self.p.class_has(k, u),
            _ => false,
        }
    }

    /// Searches from `start`: the captures of the first match.
    pub(super) fn search(&mut self, start: usize) -> R<Option<Captures>> {
        let input = self.input;
        let len = input.len();
        if len >= (1 << 31) {
            return Err(RegexError::TooComplex);
        }
        let mut s = start;
        let last = len.saturating_sub(self.p.width as usize);
        if len < self.p.width as usize {
            return Ok(None);
        }
        while s <= last {
            if let Some(f) = &self.p.first {
                let from = s;
                while input.get(s).is_some_and(|&u| !f.has(u)) {
                    s += 1;
                }
                self.charge((s - from) / 4)?;
                if s >= len || s > last {
                    // This pattern cannot match empty, or not this close to the end.
                    return Ok(None);
                }
            }
            if self.p.anchored && s > 0 {
                if !self.multiline {
                    return Ok(None);
                }
                if !input.get(s - 1).is_some_and(|&u| is_line_terminator(u)) {
                    s += 1;
                    continue;
                }
            }
            if let Some(end) = self.attempt(s)? {
                let mut caps: Captures = Vec::with_capacity(self.p.groups as usize + 1);
                caps.push(Some((s, end)));
                for g in 1..=self.p.groups as usize {
                    let e = self.reg(2 * g + 1);
                    caps.push((e != NONE).then(|| (self.reg(2 * g) as usize, e as usize)));
                }
                return Ok(Some(caps));
            }
            s += 1;
        }
        Ok(None)
    }

    /// Pops the stack to the next choice point: where to resume, or `None` (no match here).
    fn backtrack(&mut self) -> R<Option<(usize, usize)>> {
        while let Some(e) = self.stack.pop() {
            let x = (e.k & !KIND) as usize;
            match e.k & KIND {
                UNDO => self.put(x, e.a),
                CHOICE => {
                    self.charge(1)?;
                    return Ok(Some((x, e.a as usize)));
                }
                GREEDY => {
                    self.charge(1)?;
                    let q = e.a.saturating_sub(1);
                    if q > e.b {
                        self.stack.push(Entry { a: q, ..e });
                    }
                    return Ok(Some((x + 2, q as usize)));
                }
                LAZY => {
                    self.charge(1)?;
                    let q = e.a as usize;
                    let op = self.p.ops.get(x + 1).copied().unwrap_or(Op::Match);
                    if e.a < e.b && self.input.get(q).is_some_and(|&u| self.unit(op, u)) {
                        if e.a + 1 < e.b {
                            self.stack.push(Entry { a: e.a + 1, ..e });
                        }
                        return Ok(Some((x + 2, q + 1)));
                    }
                }
                _ => {
                    // LAZY_LOOP: one more iteration.
                    self.charge(1)?;
                    if let Some(&Op::LoopHead(l)) = self.p.ops.get(x) {
                        self.set(self.p.loop_regs + 2 * l as usize + 1, e.a);
                    }
                    return Ok(Some((x + 1, e.a as usize)));
                }
            }
        }
        Ok(None)
    }

    /// Runs the program at `s`: the end of the match, or `None`. Leaves the registers as they
    /// were when there is no match.
    fn attempt(&mut self, s: usize) -> R<Option<usize>> {
        let p = self.p;
        let input = self.input;
        let len = input.len();
        let mut pc = 0usize;
        let mut pos = s;
        self.stack.clear();
        loop {
            if self.fuel == 0 {
                return Err(RegexError::OutOfFuel);
            }
            self.fuel -= 1;
            if self.stack.len() > self.peak {
                self.peak = self.stack.len();
                if self.peak > self.cap {
                    return Err(RegexError::TooComplex);
                }
            }
            let op = p.ops.get(pc).copied().unwrap_or(Op::Match);
            let ok = match op {
                Op::Char(c) => {
                    let ok = input.get(pos) == Some(&c);
                    pos += usize::from(ok);
                    ok
                }
                Op::Fold(c) => {
                    let ok = input.get(pos).is_some_and(|&u| fold_eq(u, c));
                    pos += usize::from(ok);
                    ok
                }
                Op::Any => {
                    let ok = input.get(pos).is_some_and(|&u| !is_line_terminator(u));
                    pos += usize::from(ok);
                    ok
                }
                Op::Class(k) => {
                    let ok = input.get(pos).is_some_and(|&u| p.class_has(k, u));
                    pos += usize::from(ok);
                    ok
                }
                Op::Str(a, n) | Op::StrFold(a, n) => {
                    let n = n as usize;
                    self.charge(n / 4)?;
                    let lit = p.lits.get(a as usize..(a as usize).saturating_add(n)).unwrap_or_default();
                    let ok = match input.get(pos..pos.saturating_add(n)) {
                        Some(t) if matches!(op, Op::Str(..)) => t == lit,
                        Some(t) => t.iter().zip(lit).all(|(&u, &c)| fold_eq(u, c)),
                        None => false,
                    };
                    pos += if ok { n } else { 0 };
                    ok
                }
                Op::Bol => pos == 0 || (self.multiline && input.get(pos - 1).is_some_and(|&u| is_line_terminator(u))),
                Op::Eol => pos == len || (self.multiline && input.get(pos).is_some_and(|&u| is_line_terminator(u))),
                Op::Word(b) => {
                    let before = pos > 0 && input.get(pos - 1).is_some_and(|&u| is_word(u));
                    let after = input.get(pos).is_some_and(|&u| is_word(u));
                    (before != after) == b
                }
                Op::Fork(t) => {
                    self.stack.push(Entry { k: CHOICE | t, a: pos as u32, b: 0 });
                    true
                }
                Op::ForkJump(t) => {
                    self.stack.push(Entry { k: CHOICE | (pc as u32 + 1), a: pos as u32, b: 0 });
                    pc = t as usize;
                    continue;
                }
                Op::Jump(t) => {
                    pc = t as usize;
                    continue;
                }
                Op::Open(g) => {
                    self.set(2 * g as usize, pos as u32);
                    true
                }
                Op::Close(g) => {
                    self.set(2 * g as usize + 1, pos as u32);
                    true
                }
                Op::Back(g) => {
                    let (a, e) = (self.reg(2 * g as usize), self.reg(2 * g as usize + 1));
                    if e == NONE {
                        true
                    } else {
                        let (a, e) = (a as usize, e as usize);
                        let n = e.saturating_sub(a);
                        self.charge(n / 4)?;
                        let ok = match (input.get(a..e), input.get(pos..pos.saturating_add(n))) {
                            (Some(x), Some(y)) if p.icase => x.iter().zip(y).all(|(&u, &v)| u == v || canon(u) == canon(v)),
                            (Some(x), Some(y)) => x == y,
                            _ => false,
                        };
                        pos += if ok { n } else { 0 };
                        ok
                    }
                }
                Op::Reset(first, end) => {
                    self.charge(end.saturating_sub(first) as usize / 4)?;
                    for g in first..end {
                        if self.reg(2 * g as usize + 1) != NONE {
                            self.set(2 * g as usize + 1, NONE);
                        }
                    }
                    true
                }
                Op::Look(k) => {
                    let Some(&d) = p.looks.get(k as usize) else { return Ok(None) };
                    let r = p.look_regs + 2 * k as usize;
                    if d.neg {
                        self.put(r, self.stack.len() as u32);
                        self.stack.push(Entry { k: CHOICE | d.next, a: pos as u32, b: 0 });
                    } else {
                        // The groups inside keep their values past the lookahead, whose stack
                        // is dropped: undo records for them below it.
                        self.charge(d.end_groups.saturating_sub(d.first) as usize / 2)?;
                        for g in d.first..d.end_groups {
                            self.set(2 * g as usize, self.reg(2 * g as usize));
                            self.set(2 * g as usize + 1, self.reg(2 * g as usize + 1));
                        }
                        self.put(r, self.stack.len() as u32);
                    }
                    self.put(r + 1, pos as u32);
                    true
                }
                Op::LookEnd(k) => {
                    let neg = p.looks.get(k as usize).is_none_or(|d| d.neg);
                    let r = p.look_regs + 2 * k as usize;
                    let h = self.reg(r) as usize;
                    if neg {
                        // The lookahead matched: undo what it did, then fail.
                        while self.stack.len() > h {
                            if let Some(e) = self.stack.pop() {
                                if e.k & KIND == UNDO {
                                    self.put((e.k & !KIND) as usize, e.a);
                                }
                            }
                        }
                        false
                    } else {
                        self.stack.truncate(h);
                        pos = self.reg(r + 1) as usize;
                        true
                    }
                }
                Op::RepUnit(l) => {
                    let d = self.loop_def(l);
                    let unit = p.ops.get(pc + 1).copied().unwrap_or(Op::Match);
                    let room = len.saturating_sub(pos);
                    let (min, max) = (d.min as usize, (d.max as usize).min(room));
                    let stop = if d.greedy { max } else { min };
                    let mut k = 0;
                    while k < stop && input.get(pos + k).is_some_and(|&u| self.unit(unit, u)) {
                        k += 1;
                    }
                    self.charge(k / 4)?;
                    if k < min {
                        false
                    } else {
                        if d.greedy && k > min {
                            self.stack.push(Entry { k: GREEDY | pc as u32, a: (pos + k) as u32, b: (pos + min) as u32 });
                        } else if !d.greedy && max > min {
                            self.stack.push(Entry { k: LAZY | pc as u32, a: (pos + k) as u32, b: (pos + max) as u32 });
                        }
                        pos += k;
                        pc += 2;
                        continue;
                    }
                }
                Op::LoopInit(l) => {
                    let r = p.loop_regs + 2 * l as usize;
                    if self.loop_def(l).det {
                        self.put(r, 0);
                    } else {
                        self.set(r, 0);
                    }
                    true
                }
                Op::LoopHead(l) => {
                    let d = self.loop_def(l);
                    let r = p.loop_regs + 2 * l as usize;
                    let c = self.reg(r);
                    if c == d.max {
                        pc = d.exit as usize;
                        continue;
                    }
                    if c >= d.min {
                        if !d.greedy {
                            self.stack.push(Entry { k: LAZY_LOOP | pc as u32, a: pos as u32, b: 0 });
                            pc = d.exit as usize;
                            continue;
                        }
                        self.stack.push(Entry { k: CHOICE | d.exit, a: pos as u32, b: 0 });
                    }
                    if d.det {
                        self.put(r + 1, pos as u32);
                    } else {
                        self.set(r + 1, pos as u32);
                    }
                    true
                }
                Op::LoopTail(l) => {
                    let d = self.loop_def(l);
                    let r = p.loop_regs + 2 * l as usize;
                    let c = self.reg(r);
                    // §15.10.2.5 RepeatMatcher step 2a: once the minimum is reached, an
                    // iteration that matched empty fails.
                    if c >= d.min && pos == self.reg(r + 1) as usize {
                        false
                    } else {
                        let c = c.saturating_add(1).min(NONE - 1);
                        if d.det {
                            self.put(r, c);
                        } else {
                            self.set(r, c);
                        }
                        pc = d.head as usize;
                        continue;
                    }
                }
                Op::Match => return Ok(Some(pos)),
            };
            if ok {
                pc += 1;
                continue;
            }
            match self.backtrack()? {
                Some((a, b)) => {
                    pc = a;
                    pos = b;
                }
                None => return Ok(None),
            }
        }
    }
}
