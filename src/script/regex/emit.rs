//! The tree of `parse.rs` as a program for the backtracking machine of `exec.rs`.

use super::chars;
use super::parse::{Class, Node, Parsed, Repeat, INF};
use super::RegexError;

/// Programs are at most this long (then `TooComplex`); a program counter fits in 28 bits.
const MAX_OPS: usize = 1 << 22;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Op {
    /// One unit.
    Char(u16),
    /// One unit whose `canon` is this (under `i`).
    Fold(u16),
    /// Units `lits[start..start + len]`, exactly or canonicalized.
    Str(u32, u32),
    StrFold(u32, u32),
    Any,
    Class(u32),
    Bol,
    Eol,
    Word(bool),
    /// Push a choice point at the target, go on.
    Fork(u32),
    /// Push a choice point at the next op, go to the target.
    ForkJump(u32),
    Jump(u32),
    Open(u32),
    Close(u32),
    Back(u32),
    /// Set the groups `first..end` to undefined.
    Reset(u32, u32),
    Look(u32),
    LookEnd(u32),
    /// The unit at the next op, repeated (loop id); then the op after it.
    RepUnit(u32),
    LoopInit(u32),
    LoopHead(u32),
    LoopTail(u32),
    Match,
}

#[derive(Clone, Copy, Debug)]
pub(super) struct LoopDef {
    pub min: u32,
    pub max: u32,
    pub greedy: bool,
    /// No undo records for the counters (greedy, and the body leaves no choice point).
    pub det: bool,
    pub head: u32,
    pub exit: u32,
}

#[derive(Clone, Copy, Debug)]
pub(super) struct LookDef {
    pub neg: bool,
    pub first: u32,
    pub end_groups: u32,
    /// The op after the `LookEnd`.
    pub next: u32,
}

/// Units that can start a match: a bit per unit below 256, and whether units above may.
#[derive(Debug)]
pub(super) struct First {
    bits: [u32; 8],
    high: bool,
    any: bool,
    /// Nodes the analysis may still visit (it gives up past that).
    budget: u32,
}

impl First {
    fn add(&mut self, u: u16) {
        match self.bits.get_mut(usize::from(u >> 5)) {
            Some(w) => *w |= 1 << (u & 31),
            None => self.high = true,
        }
    }

    pub(super) fn has(&self, u: u16) -> bool {
        match self.bits.get(usize::from(u >> 5)) {
            Some(w) => w & 1 << (u & 31) != 0,
            None => self.high,
        }
    }
}

#[derive(Debug)]
pub(super) struct Program {
    pub ops: Vec<Op>,
    pub lits: Vec<u16>,
    pub ranges: Vec<(u16, u16)>,
    pub classes: Vec<Class>,
    pub loops: Vec<LoopDef>,
    pub looks: Vec<LookDef>,
    pub groups: u32,
    pub icase: bool,
    /// Register layout: group g's start and end at 2g, 2g+1; loop l's count and iteration
    /// start at `loop_regs + 2l`, +1; lookahead k's stack height and position at
    /// `look_regs + 2k`, +1.
    pub loop_regs: usize,
    pub look_regs: usize,
    pub regs: usize,
    pub first: Option<Box<First>>,
    /// The shortest match: no match starts closer to the end.
    pub width: u32,
    /// Every alternative starts with `^`.
    pub anchored: bool,
}

impl Program {
    pub(super) fn class_has(&self, k: u32, u: u16) -> bool {
        let Some(c) = self.classes.get(k as usize) else { return false };
        let set = self.ranges.get(c.from as usize..c.to as usize).unwrap_or_default();
        (chars::contains(set, u) || (self.icase && chars::contains(set, chars::canon(u)))) != c.neg
    }
}

pub(super) fn compile(p: Parsed, icase: bool) -> Result<Program, RegexError> {
    let Parsed { node, width, mut lits, ranges, classes, groups } = p;
    if icase {
        for u in lits.iter_mut() {
            *u = chars::canon(*u);
        }
    }
    let mut prog = Program {
        ops: Vec::new(),
        lits,
        ranges,
        classes,
        loops: Vec::new(),
        looks: Vec::new(),
        groups,
        icase,
        loop_regs: 0,
        look_regs: 0,
        regs: 0,
        first: None,
        width,
        anchored: anchored(&node),
    };
    let mut f = First { bits: [0; 8], high: false, any: false, budget: 64 };
    if !first(&prog, &node, &mut f) && !f.any {
        prog.first = Some(Box::new(f));
    }
    emit(&mut prog, &node)?;
    push(&mut prog, Op::Match)?;
    let caps = 2 * (groups as usize + 1);
    prog.loop_regs = caps;
    prog.look_regs = caps + 2 * prog.loops.len();
    prog.regs = prog.look_regs + 2 * prog.looks.len();
    Ok(prog)
}

fn push(p: &mut Program, op: Op) -> Result<u32, RegexError> {
    if p.ops.len() >= MAX_OPS {
        return Err(RegexError::TooComplex);
    }
    p.ops.push(op);
    Ok(p.ops.len() as u32 - 1)
}

fn here(p: &Program) -> u32 {
    p.ops.len() as u32
}

/// Points the jump or fork at `at` to `to`.
fn patch(p: &mut Program, at: u32, to: u32) {
    if let Some(Op::Fork(t) | Op::ForkJump(t) | Op::Jump(t)) = p.ops.get_mut(at as usize) {
        *t = to;
    }
}

/// A unit that needs `Fold` under `i` (a canonical unit some other unit canonicalizes to,
/// or may).
fn folds(u: u16) -> bool {
    u >= 128 || (u as u8).is_ascii_alphabetic()
}

fn emit(p: &mut Program, n: &Node) -> Result<(), RegexError> {
    match n {
        Node::Empty => {}
        &Node::Lit(s, len) => {
            let units = p.lits.get(s as usize..(s + len) as usize).unwrap_or_default();
            let fold = p.icase && units.iter().any(|&u| folds(u));
            let op = match (len, units.first()) {
                (1, Some(&u)) if fold => Op::Fold(u),
                (1, Some(&u)) => Op::Char(u),
                _ if fold => Op::StrFold(s, len),
                _ => Op::Str(s, len),
            };
            push(p, op)?;
        }
        Node::Any => _ = push(p, Op::Any)?,
        &Node::Class(k) => _ = push(p, Op::Class(k))?,
        Node::Bol => _ = push(p, Op::Bol)?,
        Node::Eol => _ = push(p, Op::Eol)?,
        &Node::Word(b) => _ = push(p, Op::Word(b))?,
        &Node::Back(g) => _ = push(p, Op::Back(g))?,
        Node::Group(body, g) => {
            push(p, Op::Open(*g))?;
            emit(p, body)?;
            push(p, Op::Close(*g))?;
        }
        Node::Look(l) => {
            let k = p.looks.len() as u32;
            p.looks.push(LookDef { neg: l.neg, first: l.first, end_groups: l.end, next: 0 });
            push(p, Op::Look(k))?;
            emit(p, &l.body)?;
            push(p, Op::LookEnd(k))?;
            let next = here(p);
            if let Some(d) = p.looks.get_mut(k as usize) {
                d.next = next;
            }
        }
        Node::Repeat(r) => emit_repeat(p, r)?,
        Node::Seq(v) => {
            for n in v {
                emit(p, n)?;
            }
        }
        Node::Alt(v) => {
            let mut jumps = Vec::new();
            for (i, n) in v.iter().enumerate() {
                if i + 1 == v.len() {
                    emit(p, n)?;
                } else {
                    let fork = push(p, Op::Fork(0))?;
                    emit(p, n)?;
                    jumps.push(push(p, Op::Jump(0))?);
                    let next = here(p);
                    patch(p, fork, next);
                }
            }
            let end = here(p);
            for j in jumps {
                patch(p, j, end);
            }
        }
    }
    Ok(())
}

fn emit_repeat(p: &mut Program, r: &Repeat) -> Result<(), RegexError> {
    let &Repeat { ref body, min, max, greedy, first, end, width, det } = r;
    let unit = matches!(body, Node::Lit(_, 1) | Node::Any | Node::Class(_));
    let new_loop = |p: &mut Program, det: bool| {
        p.loops.push(LoopDef { min, max, greedy, det, head: 0, exit: 0 });
        p.loops.len() as u32 - 1
    };
    if unit {
        let l = new_loop(p, true);
        push(p, Op::RepUnit(l))?;
        return emit(p, body);
    }
    let reset = |p: &mut Program| if end > first { push(p, Op::Reset(first, end)).map(|_| ()) } else { Ok(()) };
    if width > 0 && min == 0 {
        // The body cannot match empty: no empty check, and no count for `?` and `*`.
        if max == 1 {
            let fork = push(p, if greedy { Op::Fork(0) } else { Op::ForkJump(0) })?;
            emit(p, body)?;
            let exit = here(p);
            patch(p, fork, exit);
            return Ok(());
        }
        if max == INF {
            let fork = push(p, if greedy { Op::Fork(0) } else { Op::ForkJump(0) })?;
            reset(p)?;
            emit(p, body)?;
            push(p, Op::Jump(fork))?;
            let exit = here(p);
            patch(p, fork, exit);
            return Ok(());
        }
    }
    if width > 0 && min == 1 && max == INF {
        let top = here(p);
        reset(p)?;
        emit(p, body)?;
        let fork = push(p, if greedy { Op::ForkJump(top) } else { Op::Fork(top) })?;
        let _ = fork;
        return Ok(());
    }
    let l = new_loop(p, greedy && det);
    push(p, Op::LoopInit(l))?;
    let head = push(p, Op::LoopHead(l))?;
    reset(p)?;
    emit(p, body)?;
    push(p, Op::LoopTail(l))?;
    let exit = here(p);
    if let Some(d) = p.loops.get_mut(l as usize) {
        d.head = head;
        d.exit = exit;
    }
    Ok(())
}

/// Every alternative starts with `^`.
fn anchored(n: &Node) -> bool {
    match n {
        Node::Bol => true,
        Node::Group(b, _) => anchored(b),
        Node::Seq(v) => v.first().is_some_and(anchored),
        Node::Alt(v) => v.iter().all(anchored),
        _ => false,
    }
}

/// Adds to `f` the units a match of `n` can start with; whether `n` can match empty. Sets
/// `f.any` when it cannot tell.
fn first(p: &Program, n: &Node, f: &mut First) -> bool {
    if f.any || f.budget == 0 {
        f.any = true;
        return true;
    }
    f.budget -= 1;
    match n {
        Node::Empty | Node::Bol | Node::Eol | Node::Word(_) | Node::Look(_) => true,
        Node::Back(_) | Node::Any => {
            f.any = true;
            matches!(n, Node::Back(_))
        }
        &Node::Lit(s, _) => {
            let u = p.lits.get(s as usize).copied().unwrap_or(0);
            if p.icase && folds(u) {
                if u < 128 {
                    f.add(u);
                    f.add(u | 0x20);
                } else {
                    f.high = true;
                    (128..256).filter(|&v| chars::canon(v) == u).for_each(|v| f.add(v));
                }
            } else {
                f.add(u);
            }
            false
        }
        &Node::Class(k) => {
            let c = p.classes.get(k as usize).copied().unwrap_or(Class { from: 0, to: 0, neg: true });
            for u in 0..256 {
                if p.class_has(k, u) {
                    f.add(u);
                }
            }
            // Units from 128 canonicalize to units from 128.
            f.high |= c.neg || p.ranges.get(c.to.saturating_sub(1) as usize).is_some_and(|r| r.1 >= 128);
            false
        }
        Node::Group(b, _) => first(p, b, f),
        Node::Repeat(r) => first(p, &r.body, f) || r.min == 0,
        Node::Seq(v) => v.iter().all(|n| first(p, n, f)),
        Node::Alt(v) => v.iter().fold(false, |e, n| first(p, n, f) | e),
    }
}
