//! Deterministic simulation testing (`--features sim`): from one seed, a random history of what
//! users, integrators and storage do to a control and its execution instances (topology and
//! catalogue changes, pushes valid and invalid, workflows started, paused and stopped, clock moves
//! of every size, configuration changes, reopens, and storage faults: a failed read or write, a
//! write torn at any record, a write durable whose answer is lost, a crash between two steps),
//! run over a store in memory with every invariant checked after every step (`check.rs`).
//!
//! A history is a pure function of its seed (the generator never looks at the engine), so it
//! replays from the seed alone, and a failing one shrinks by dropping actions (`shrink`). The
//! driver (`driver.rs`) decides nothing: it moves records like the JavaScript shell does, and the
//! faults it injects are the ones a storage adapter or a host can produce.

pub mod check;
pub mod driver;
pub mod fuzz;
mod gen;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use check::{Checker, Tally, Violation};
pub use driver::{Outcome, SimDriver};
pub use gen::{generate, GenOptions};

/// A small deterministic random source (SplitMix64): the simulator's, never the engine's.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A source from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    /// The next 64 bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when n is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// True with probability `pct` percent.
    pub fn chance(&mut self, pct: u64) -> bool {
        self.below(100) < pct
    }

    /// One of `items`.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

/// A storage or host fault injected into one action. `nth` counts from 1, over the action's read
/// batches (`failRead`) or over its transactions that write (the others).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase", deny_unknown_fields)]
pub enum Fault {
    /// The nth read fails (STORAGE_FAILED); the engine rolls back, the action fails.
    FailRead {
        /// Which read batch.
        nth: u32,
    },
    /// The nth write fails before storage takes anything; the engine rolls back, the action fails.
    FailWrite {
        /// Which write.
        nth: u32,
    },
    /// The process dies in the middle of the nth write: whatever record it tore at, the storage
    /// transaction never commits (the adapters' transactions are atomic, which their acceptance
    /// suite checks), and the engine never hears. `lostAck` is the other outcome of a death in a
    /// write: durable.
    TornWrite {
        /// Which write.
        nth: u32,
    },
    /// The nth write is durable, then the process dies before the engine commits and the caller
    /// hears: the caller does not know whether it happened.
    LostAck {
        /// Which write.
        nth: u32,
    },
    /// The process dies after the nth write committed (between two transactions of a command).
    CrashAfter {
        /// Which write.
        nth: u32,
    },
}

/// One step of a history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "camelCase", deny_unknown_fields)]
pub enum Action {
    /// A request, run to its end (every transaction a command names), with perhaps a fault.
    Op {
        /// The request, as the shell sends it.
        req: Value,
        /// A fault injected into it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fault: Option<Fault>,
    },
    /// Closes the store and opens it again (a new engine on the same records).
    Reopen,
    /// The process dies between two steps, then opens the store again. Nothing is in flight
    /// between two steps, so for the core it is a reopen without a close; a history says which.
    Crash,
    /// Every workflow of every instance is started and the clock moves past every event's
    /// deadline: then every event must be final.
    Settle,
}

impl Action {
    /// A request with no fault.
    pub fn op(req: Value) -> Action {
        Action::Op { req, fault: None }
    }
}

/// What a run found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Actions run.
    pub steps: usize,
    /// Transactions committed.
    pub transactions: u64,
    /// Faults injected.
    pub faults: usize,
    /// Acknowledged events.
    pub events: usize,
    /// How the requests ended.
    pub tally: Tally,
    /// Requests that succeeded, by operation.
    pub done_by_op: std::collections::BTreeMap<String, usize>,
    /// The first invariant broken, at which action (0-based).
    pub violation: Option<(usize, Violation)>,
    /// A digest of the final store (FNV-1a 64 over its keys and values in order).
    pub digest: u64,
    /// The final store.
    pub store: std::collections::BTreeMap<String, String>,
    /// Every request the driver ran and every reopen, with how it ended (`run_transcribed`).
    pub transcript: Vec<(Action, String)>,
}

/// Runs a history from its first action, checking every invariant after every action; stops at
/// the first violation.
pub fn run(history: &[Action]) -> Report {
    run_with(history, false)
}

/// `run`, printing each action's outcome to stderr when `trace`.
pub fn run_with(history: &[Action], trace: bool) -> Report {
    run_driver(history, trace, SimDriver::new())
}

/// `run`, with the transcript of every request the driver ran (`Report::transcript`).
pub fn run_transcribed(history: &[Action]) -> Report {
    run_driver(history, false, SimDriver { transcript: Some(Vec::new()), ..SimDriver::default() })
}

fn run_driver(history: &[Action], trace: bool, mut d: SimDriver) -> Report {
    let mut c = Checker::default();
    c.trace = trace;
    let mut rep = Report::default();
    for (i, a) in history.iter().enumerate() {
        rep.steps = i + 1;
        if matches!(a, Action::Op { fault: Some(_), .. }) {
            rep.faults += 1;
        }
        let step = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| c.apply(&mut d, a)));
        let v = match step {
            Ok(Ok(())) => continue,
            Ok(Err(v)) => v,
            Err(p) => {
                let msg = p.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| p.downcast_ref::<String>().cloned());
                Violation { kind: "panic".into(), detail: msg.unwrap_or_else(|| "a panic".into()) }
            }
        };
        rep.violation = Some((i, v));
        break;
    }
    rep.transactions = d.transactions;
    rep.events = c.acknowledged();
    rep.tally = c.tally;
    rep.done_by_op = std::mem::take(&mut c.done_by_op);
    rep.digest = driver::digest(&d.store);
    rep.transcript = d.transcript.take().unwrap_or_default();
    rep.store = std::mem::take(&mut d.mem.store);
    rep
}

/// Shrinks a failing history: the smallest sub-history found (by dropping chunks of actions,
/// then single actions, then faults) that still breaks an invariant of the same kind. `budget`
/// bounds the runs tried.
pub fn shrink(history: &[Action], budget: usize) -> Vec<Action> {
    match run(history).violation {
        // Nothing after the failing action matters.
        Some((i, v)) => shrink_kind(history[..=i].to_vec(), &v.kind, budget),
        None => history.to_vec(),
    }
}

fn shrink_kind(h: Vec<Action>, kind: &str, budget: usize) -> Vec<Action> {
    let mut h = shrink_by(h, budget, |h| matches!(run(h).violation, Some((_, v)) if v.kind == kind));
    // The failing action may now come earlier: nothing after it matters.
    if let Some((i, _)) = run(&h).violation {
        h.truncate(i + 1);
    }
    h
}

/// The smallest sub-history found for which `fails` still holds, trying at most `budget`
/// candidates: chunks of actions dropped (halves, then quarters… then single actions; the first
/// action, which opens the store, stays), then each fault taken off its request.
pub fn shrink_by(mut h: Vec<Action>, mut budget: usize, fails: impl Fn(&[Action]) -> bool) -> Vec<Action> {
    let mut chunk = h.len() / 2;
    while chunk >= 1 && budget > 0 {
        let mut i = 1;
        let mut progressed = false;
        while i < h.len() && budget > 0 {
            let end = (i + chunk).min(h.len());
            let mut cand = h[..i].to_vec();
            cand.extend_from_slice(&h[end..]);
            budget -= 1;
            if fails(&cand) {
                h = cand;
                progressed = true;
            } else {
                i += chunk;
            }
        }
        if !progressed {
            chunk /= 2;
        }
    }
    for i in 0..h.len() {
        if budget == 0 {
            break;
        }
        if let Action::Op { req, fault: Some(_) } = &h[i] {
            let mut cand = h.clone();
            cand[i] = Action::op(req.clone());
            budget -= 1;
            if fails(&cand) {
                h = cand;
            }
        }
    }
    h
}
