//! The invariants, checked after every action of a history from a scan of the raw records (an
//! oracle apart from the engine: it decodes the stored lines itself and knows the product's state
//! machine from the reference, not from `model.rs`).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use super::driver::{Outcome, SimDriver};
use super::{Action, Fault};
use crate::driver::MemDriver;
use crate::error::{Error, ErrorCode};

/// An invariant broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Which invariant (shrinking keeps a history that breaks the same one).
    pub kind: String,
    /// What was seen.
    pub detail: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.kind, self.detail)
    }
}

fn broken<T>(kind: &str, detail: impl Into<String>) -> Result<T, Violation> {
    Err(Violation { kind: kind.into(), detail: detail.into() })
}

/// Status codes, as stored (model.rs numbers them in this order).
const STATUS: [&str; 7] = ["pending", "pendingDelivery", "sent", "ignored", "deliveryFailed", "notTakenIntoAccount", "expired"];
const PENDING: u64 = 0;
const PENDING_DELIVERY: u64 = 1;
const SENT: u64 = 2;
const FAILED: u64 = 4;

/// The product's state machine (reference §4.6): Pending stays Pending on a processing error.
fn allowed(from: u64, to: u64) -> bool {
    matches!((from, to), (PENDING, PENDING | PENDING_DELIVERY | 5 | 6) | (PENDING_DELIVERY, SENT | 3 | FAILED) | (SENT, FAILED))
}

/// What the checker reads of a state line (the stored names: queue, type, channel, created,
/// status, history).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct StateLine {
    /// Queue code.
    pub q: u64,
    /// Event type.
    pub t: String,
    /// Channel code.
    pub c: u64,
    /// Created (ms).
    pub d: i64,
    /// Status code.
    pub s: u64,
    /// The statuses it went through.
    #[serde(default)]
    pub h: Vec<Change>,
}

/// One status change of a history.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Change {
    /// Status code.
    pub s: u64,
}

/// What the checker reads of a data line: `@scheduled`.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct DataLine {
    /// `@scheduled` (ms).
    #[serde(default)]
    pub s: Option<i64>,
}

/// One stored event: its state line and its data line.
#[derive(Debug)]
pub struct Stored {
    /// The state line.
    pub state: StateLine,
    /// The data line (None: missing).
    pub data: Option<DataLine>,
}

/// The events and queues of a store, decoded from its records.
#[derive(Debug, Default)]
pub struct Scan {
    /// Events of the execution instances, by id.
    pub exec: BTreeMap<u64, Stored>,
    /// The control's history, by id.
    pub histo: BTreeMap<u64, Stored>,
    /// Ids in the due queues, with the key holding them.
    pub due: Vec<(u64, String)>,
    /// Ids in the MTA waves and update lists.
    pub mta: Vec<(u64, String)>,
    /// Per execution instance id: every event of a lower sequence is purged (cleanup leaves the
    /// queue entries it did not read, to be dropped as stale when their workflow takes them).
    pub purged_below: BTreeMap<u64, u64>,
}

impl Scan {
    /// An id whose event cleanup purged.
    fn purged(&self, id: u64) -> bool {
        self.purged_below.get(&(id >> 56)).is_some_and(|b| id & crate::keys::SEQ_MASK < *b)
    }
}

fn hex(s: &str, key: &str) -> Result<u64, Violation> {
    u64::from_str_radix(s, 16).or_else(|_| broken("layout", format!("{key}: {s} is not hex")))
}

fn ids(v: &str, ii: u64, key: &str, out: &mut Vec<(u64, String)>) -> Result<(), Violation> {
    for part in v.split(',').filter(|p| !p.is_empty()) {
        let num = |s: &str| s.parse::<u64>().or_else(|_| broken("layout", format!("{key}: bad id list {v:?}")));
        match part.split_once('-') {
            Some((a, b)) => {
                for s in num(a)?..=num(b)? {
                    out.push(((ii << 56) | s, key.to_string()));
                }
            }
            None => out.push(((ii << 56) | num(part)?, key.to_string())),
        }
    }
    Ok(())
}

/// Decodes a store.
pub fn scan(store: &BTreeMap<String, String>) -> Result<Scan, Violation> {
    let mut s = Scan::default();
    let mut data: BTreeMap<(char, u64), DataLine> = BTreeMap::new();
    for (k, v) in store {
        let parts: Vec<&str> = k.split('/').collect();
        match parts.as_slice() {
            [scope @ ("e" | "h"), ii, pg, rec] => {
                let ii = hex(ii, k)?;
                let pg = hex(pg, k)?;
                let id = |slot: u64| (ii << 56) | (pg * 128 + slot);
                let map = if *scope == "e" { &mut s.exec } else { &mut s.histo };
                let sc = if *scope == "e" { 'e' } else { 'h' };
                let v = &crate::packed::unpack(k, v.clone()).or_else(|e| broken("layout", e.message))?;
                if *rec == "s" {
                    for (slot, line) in v.split('\n').enumerate() {
                        if line.is_empty() {
                            continue;
                        }
                        let state: StateLine = serde_json::from_str(line).or_else(|e| broken("layout", format!("{k} line {slot}: {e}")))?;
                        map.insert(id(slot as u64), Stored { state, data: None });
                    }
                } else if let Some(first) = rec.strip_prefix('d') {
                    let first = hex(first, k)?;
                    for (i, line) in v.split('\n').enumerate() {
                        if !line.is_empty() {
                            let line: DataLine = serde_json::from_str(line).or_else(|e| broken("layout", format!("{k} line {i}: {e}")))?;
                            data.insert((sc, id(first + i as u64)), line);
                        }
                    }
                }
            }
            ["d", ii, _q, _t, _n] => ids(v, hex(ii, k)?, k, &mut s.due)?,
            ["m", "inst", ii] => {
                let m: Value = serde_json::from_str(v).or_else(|e| broken("layout", format!("{k}: {e}")))?;
                s.purged_below.insert(hex(ii, k)?, m["purgedBelow"].as_u64().unwrap_or(0));
            }
            ["t" | "u", ii, _, _] => ids(v, hex(ii, k)?, k, &mut s.mta)?,
            _ => {}
        }
    }
    for (id, e) in s.exec.iter_mut() {
        e.data = data.remove(&('e', *id));
    }
    for (id, e) in s.histo.iter_mut() {
        e.data = data.remove(&('h', *id));
    }
    Ok(s)
}

fn statuses(e: &Stored) -> Vec<u64> {
    e.state.h.iter().map(|c| c.s).collect()
}

/// Storage integrity: every state line has its data line; summaries agree with their pages
/// (counts, created range, live count, fragments); the instance and control counters equal a
/// scan of the state pages.
pub fn integrity(d: &MemDriver, s: &Scan) -> Result<(), Violation> {
    let store = &d.store;
    let accounts = d.query(&json!({ "q": "accounts" })).or_else(|e| broken("query", e.to_string()))?;
    let accounts = accounts.as_array().cloned().unwrap_or_default();
    let name_of = |ii: u64| accounts.iter().find(|a| a["executionInstanceId"] == ii).and_then(|a| a["name"].as_str()).map(str::to_string);
    let mut scanned: BTreeMap<String, BTreeMap<&str, i64>> = BTreeMap::new();
    for (scope, evs) in [('e', &s.exec), ('h', &s.histo)] {
        let mut pages: BTreeMap<(u64, u64), Vec<&Stored>> = BTreeMap::new();
        for (id, e) in evs {
            if e.data.is_none() {
                return broken("integrity", format!("{scope} event {id} has a state and no data"));
            }
            let who = if scope == 'h' {
                "control".to_string()
            } else {
                match name_of(id >> 56) {
                    Some(n) => n,
                    None => return broken("integrity", format!("event {id} on an instance with no account")),
                }
            };
            let st = STATUS.get(e.state.s as usize).copied().unwrap_or("?");
            *scanned.entry(who).or_default().entry(st).or_default() += 1;
            pages.entry((id >> 56, (id & crate::keys::SEQ_MASK) / 128)).or_default().push(e);
        }
        let prefix = format!("x/{scope}/");
        for (k, v) in store.range(prefix.clone()..).take_while(|(k, _)| k.starts_with(&prefix)) {
            let parts: Vec<&str> = k.split('/').collect();
            let (ii, pg) = match parts.as_slice() {
                [_, _, ii, pg] => (hex(ii, k)?, (1u64 << 52) - 1 - hex(pg, k)?),
                _ => return broken("layout", format!("{k}: not a summary key")),
            };
            let sum: Value = serde_json::from_str(v).or_else(|e| broken("layout", format!("{k}: {e}")))?;
            let live = pages.remove(&(ii, pg)).unwrap_or_default();
            if sum["n"].as_u64() != Some(live.len() as u64) {
                return broken("integrity", format!("{k}: live count {} for {} events", sum["n"], live.len()));
            }
            let mut counts: BTreeMap<(u64, &str, u64, u64), u64> = BTreeMap::new();
            for e in &live {
                let st = &e.state;
                *counts.entry((st.q, st.t.as_str(), st.c, st.s)).or_default() += 1;
            }
            let mut stored: BTreeMap<(u64, &str, u64, u64), u64> = BTreeMap::new();
            for c in sum["k"].as_array().into_iter().flatten() {
                let n = |i: usize| c[i].as_u64().unwrap_or(u64::MAX);
                stored.insert((n(0), c[1].as_str().unwrap_or("?"), n(2), n(3)), n(4));
            }
            if stored != counts {
                return broken("counters", format!("{k}: summary counts {stored:?}, page {counts:?}"));
            }
            if !live.is_empty() {
                let created = live.iter().map(|e| e.state.d);
                let lo = created.clone().min().unwrap_or(0);
                let hi = created.max().unwrap_or(0);
                if sum["lo"].as_i64() != Some(lo) || sum["hi"].as_i64().unwrap_or(i64::MIN) < hi {
                    return broken("integrity", format!("{k}: created range {}..{} for {lo}..{hi}", sum["lo"], sum["hi"]));
                }
            }
            for (field, letter) in [("d", 'd'), ("m", 'm')] {
                for f in sum[field].as_array().into_iter().flatten() {
                    let key = format!("{scope}/{ii:02x}/{pg:013x}/{letter}{:02x}", f.as_u64().unwrap_or(0));
                    if !store.contains_key(&key) {
                        return broken("orphan-index", format!("{k} lists {key}, which does not exist"));
                    }
                }
            }
        }
        if let Some(((ii, pg), _)) = pages.iter().next() {
            return broken("orphan-index", format!("page {scope}/{ii:02x}/{pg:013x} has events and no summary"));
        }
    }
    let mut scopes: Vec<String> = accounts.iter().filter_map(|a| a["name"].as_str().map(str::to_string)).collect();
    scopes.push("control".into());
    for sc in scopes {
        let c = d.query(&json!({ "q": "counts", "instance": sc })).or_else(|e| broken("query", e.to_string()))?;
        let want = scanned.remove(&sc).unwrap_or_default();
        for (st, n) in c["byStatus"].as_object().into_iter().flatten() {
            if n.as_i64() != Some(*want.get(st.as_str()).unwrap_or(&0)) {
                return broken("counters", format!("counter {sc}/{st} is {n}, a scan finds {}", want.get(st.as_str()).unwrap_or(&0)));
            }
        }
        if c["total"].as_i64() != Some(want.values().sum::<i64>()) {
            return broken("counters", format!("total of {sc} is {}, a scan finds {}", c["total"], want.values().sum::<i64>()));
        }
    }
    Ok(())
}

/// What the checker knows of a history so far.
#[derive(Debug, Default)]
pub struct Checker {
    /// Acknowledged ids, with the clock when they were.
    acked: BTreeMap<u64, i64>,
    /// Ids that may exist: acknowledged, or written by a write whose answer was lost.
    known: BTreeSet<u64>,
    /// The statuses each event went through, as last seen (`e` or `h`, id).
    seen: BTreeMap<(char, u64), Vec<u64>>,
    /// The smallest purge delay configured so far.
    min_purge_ms: i64,
    /// The longest time an event may take to reach a final status under any configuration seen.
    budget_ms: i64,
    /// The longest archiving period seen.
    synch_ms: i64,
    /// Prints each action's outcome to stderr (`simulate --trace`).
    pub trace: bool,
    /// How the requests ended.
    pub tally: Tally,
    /// Requests that succeeded, by operation (a generator whose requests no longer parse would
    /// make a kind disappear).
    pub done_by_op: BTreeMap<String, usize>,
}

/// How the requests of a history ended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Every transaction committed.
    pub done: usize,
    /// Refused by the engine (bad input, a state that does not allow it).
    pub refused: usize,
    /// A read or a write failed in storage (injected).
    pub storage_failed: usize,
    /// The process died (injected), and the store was opened again.
    pub died: usize,
}

impl std::ops::AddAssign for Tally {
    fn add_assign(&mut self, o: Tally) {
        self.done += o.done;
        self.refused += o.refused;
        self.storage_failed += o.storage_failed;
        self.died += o.died;
    }
}

/// Every answer of every query about the small state: what the engine shows without storage.
pub fn snapshot(d: &MemDriver) -> Value {
    let mut out = serde_json::Map::new();
    for q in ["settings", "accounts", "eventTypes", "templates", "workflows", "now"] {
        out.insert(q.into(), d.query(&json!({ "q": q })).unwrap_or_else(|e| json!(e.to_string())));
    }
    out.insert("nextDue".into(), d.query(&json!({ "q": "nextDue", "until": crate::keys::MAX_TIME })).unwrap_or(Value::Null));
    let accounts = d.query(&json!({ "q": "accounts" })).unwrap_or(Value::Null);
    let mut scopes: Vec<String> =
        accounts.as_array().into_iter().flatten().filter_map(|a| a["name"].as_str().map(str::to_string)).collect();
    scopes.push("control".into());
    for n in scopes {
        for q in ["published", "deliveries", "mcPing", "counts"] {
            out.insert(format!("{q}/{n}"), d.query(&json!({ "q": q, "instance": n })).unwrap_or(Value::Null));
        }
    }
    let templates = d.query(&json!({ "q": "templates" })).unwrap_or(Value::Null);
    for t in templates.as_array().into_iter().flatten() {
        if let Some(n) = t["name"].as_str() {
            out.insert(format!("preview/{n}"), d.query(&json!({ "q": "preview", "name": n })).unwrap_or(Value::Null));
        }
    }
    Value::Object(out)
}

/// The queries whose answers differ.
fn differ(a: &Value, b: &Value) -> Vec<String> {
    let obj = |v: &Value| v.as_object().cloned().unwrap_or_default();
    let (a, b) = (obj(a), obj(b));
    a.keys().filter(|k| a.get(*k) != b.get(*k)).cloned().collect()
}

fn fatal(e: &Error) -> bool {
    matches!(e.code, ErrorCode::Internal | ErrorCode::StorageCorrupt | ErrorCode::Busy)
}

impl Checker {
    /// Acknowledged events so far.
    pub fn acknowledged(&self) -> usize {
        self.acked.len()
    }

    /// Takes `id` as acknowledged at `at` (to test that the checker sees it lost).
    pub fn note_acknowledged(&mut self, id: u64, at: i64) {
        self.acked.insert(id, at);
        self.known.insert(id);
    }

    /// Forgets that `id` was ever pushed (to test that the checker sees it appear).
    pub fn forget(&mut self, id: u64) {
        self.acked.remove(&id);
        self.known.remove(&id);
    }

    fn now(d: &SimDriver) -> i64 {
        d.query(&json!({ "q": "now" })).ok().and_then(|v| v.as_i64()).unwrap_or(0)
    }

    fn learn_settings(&mut self, d: &SimDriver) {
        let Ok(s) = d.query(&json!({ "q": "settings" })) else { return };
        let c = &s["config"];
        let i = |v: &Value| v.as_i64().unwrap_or(0);
        let purge = i(&c["eventPurgeDelayMs"]).min(i(&c["eventHistoPurgeDelayMs"]));
        self.min_purge_ms = if self.min_purge_ms == 0 { purge } else { self.min_purge_ms.min(purge) };
        let sch = &c["schedules"];
        let periods: i64 =
            ["rtEventsProcessing", "batchEventsProcessing", "updateEventsStatus"].iter().map(|w| i(&sch[w]["periodMs"])).sum();
        let mut send = 0;
        for ch in ["email", "sms", "push"] {
            send = send.max(i(&c[ch]["sendDelayMs"]) + i(&c[ch]["sendJitterMs"]));
        }
        // Processing retries, then MTA tries (both delays double at each retry: config.rs), a
        // bounce, sending and the workflows' periods at each try; an event may be scheduled two
        // hours ahead (gen.rs), and a test address may delay 5 minutes.
        let doubling = |n: i64, first: i64| first.saturating_mul(1i64 << n.clamp(0, 20));
        let tries = i(&c["maxProcessingErrors"]) + i(&c["mtaMaxTries"]) + 2;
        let budget = doubling(i(&c["maxProcessingErrors"]), i(&c["processingRetryMs"]))
            + doubling(i(&c["mtaMaxTries"]), i(&c["mtaRetryMs"]))
            + tries * (send + periods)
            + i(&c["asyncBounceDelayMs"])
            + 2 * 3_600_000
            + 5 * 60_000;
        self.budget_ms = self.budget_ms.max(budget);
        self.synch_ms = self.synch_ms.max(i(&sch["mcSynch"]["periodMs"]));
    }

    /// The ids a push or a SOAP call acknowledged.
    fn take_ids(&mut self, d: &SimDriver, req: &Value, results: &[Value]) {
        if req["op"] != "push" && req["op"] != "soap" {
            return;
        }
        let now = Self::now(d);
        for r in results {
            for e in r["events"].as_array().into_iter().flatten() {
                if let Some(id) = e["id"].as_str().and_then(|s| s.parse::<u64>().ok()) {
                    self.acked.insert(id, now);
                    self.known.insert(id);
                }
            }
        }
    }

    /// Runs an action, then checks every invariant.
    pub fn apply(&mut self, d: &mut SimDriver, a: &Action) -> Result<(), Violation> {
        match a {
            Action::Op { req, fault } => {
                let out = d.exec(req, fault.as_ref());
                let refused = matches!(out, Outcome::Failed(..) | Outcome::StorageFailed(_));
                match out {
                    Outcome::Done(_) => {
                        self.tally.done += 1;
                        *self.done_by_op.entry(req["op"].as_str().unwrap_or("?").to_string()).or_default() += 1;
                    }
                    Outcome::Failed(..) => self.tally.refused += 1,
                    Outcome::StorageFailed(_) => self.tally.storage_failed += 1,
                    Outcome::Died(_) => self.tally.died += 1,
                }
                if self.trace {
                    let what = match &out {
                        Outcome::Done(r) => {
                            format!("ok {}", r.last().map(|v| v.to_string().chars().take(160).collect::<String>()).unwrap_or_default())
                        }
                        Outcome::Failed(_, e) => format!("refused {e}"),
                        Outcome::StorageFailed(_) => "storage failed".into(),
                        Outcome::Died(_) => "died".into(),
                    };
                    eprintln!("{} {:?} -> {what}", req["op"], fault);
                }
                match out {
                    Outcome::Done(r) => self.take_ids(d, req, &r),
                    Outcome::StorageFailed(r) => self.take_ids(d, req, &r),
                    Outcome::Failed(r, e) => {
                        self.take_ids(d, req, &r);
                        if fatal(&e) {
                            return broken("error", format!("{} failed with {e}", req["op"]));
                        }
                    }
                    Outcome::Died(r) => {
                        self.take_ids(d, req, &r);
                        if let Err(e) = d.reopen() {
                            return broken("reopen", format!("the store does not open after the process died: {e}"));
                        }
                        if matches!(fault, Some(Fault::LostAck { .. })) {
                            // Durable, not acknowledged: those ids may exist from now on.
                            let s = scan(&d.store)?;
                            self.known.extend(s.exec.keys().copied());
                        }
                    }
                }
                if req["op"] == "open" || req["op"] == "configure" {
                    self.learn_settings(d);
                }
                if refused {
                    // A rollback gives back the state storage holds: what a new engine shows.
                    let mut fresh = SimDriver { mem: MemDriver { store: d.store.clone(), ..MemDriver::default() }, transcript: None };
                    if let Err(e) = fresh.reopen() {
                        return broken("rollback", format!("the store does not open after a refused {}: {e}", req["op"]));
                    }
                    let (mine, theirs) = (snapshot(d), snapshot(&fresh));
                    if mine != theirs {
                        return broken(
                            "rollback",
                            format!("after a refused {}, the engine shows {:?} unlike the store", req["op"], differ(&mine, &theirs)),
                        );
                    }
                }
            }
            Action::Reopen | Action::Crash => {
                let (before, bytes) = (snapshot(d), d.store.clone());
                if let Err(e) = d.reopen() {
                    return broken("reopen", format!("the store does not open again: {e}"));
                }
                if d.store != bytes {
                    return broken("reopen", "opening the store again wrote to it");
                }
                let after = snapshot(d);
                if after != before {
                    return broken("reopen", format!("a reopened store shows another state: {:?}", differ(&before, &after)));
                }
            }
            Action::Settle => self.settle(d)?,
        }
        self.check(d)
    }

    /// Every invariant, on the store as it is.
    pub fn check(&mut self, d: &mut SimDriver) -> Result<(), Violation> {
        let s = scan(&d.store)?;
        integrity(d, &s)?;
        let now = Self::now(d);
        // Nothing appears that nobody pushed; nothing acknowledged is lost before its purge.
        for id in s.exec.keys().chain(s.histo.keys()) {
            if !self.known.contains(id) {
                return broken("phantom", format!("event {id} is stored and was never acknowledged"));
            }
        }
        for (id, at) in &self.acked {
            if !s.exec.contains_key(id) && !s.histo.contains_key(id) && now - at < self.min_purge_ms {
                return broken(
                    "lost",
                    format!("acknowledged event {id} is gone after {} ms (purge after {} ms)", now - at, self.min_purge_ms),
                );
            }
        }
        // Every status change is one the product makes, and history only grows.
        for (scope, evs) in [('e', &s.exec), ('h', &s.histo)] {
            for (id, e) in evs {
                let seq = statuses(e);
                if seq.first() != Some(&PENDING) {
                    return broken("transition", format!("{scope} event {id} starts {seq:?}"));
                }
                if let Some(w) = seq.windows(2).find(|w| !allowed(w[0], w[1])) {
                    return broken(
                        "transition",
                        format!("{scope} event {id}: {} → {} ({seq:?})", STATUS[w[0] as usize % 7], STATUS[w[1] as usize % 7]),
                    );
                }
                if seq.last().copied() != Some(e.state.s) {
                    return broken("transition", format!("{scope} event {id} has status {} and history {seq:?}", e.state.s));
                }
                if let Some(old) = self.seen.get(&(scope, *id)) {
                    if !seq.starts_with(old) {
                        return broken("transition", format!("{scope} event {id}: history {old:?} became {seq:?}"));
                    }
                }
            }
        }
        for (id, h) in &s.histo {
            if let Some(e) = s.exec.get(id) {
                let (hs, es) = (statuses(h), statuses(e));
                if !es.starts_with(&hs) {
                    return broken("archive", format!("event {id}: archived history {hs:?} is not a past of {es:?}"));
                }
            }
        }
        self.seen.clear();
        for (scope, evs) in [('e', &s.exec), ('h', &s.histo)] {
            for (id, e) in evs {
                self.seen.insert((scope, *id), statuses(e));
            }
        }
        // Queues hold live events, and every Pending event is queued.
        let mut due = BTreeSet::new();
        for (id, key) in &s.due {
            if s.purged(*id) {
                continue;
            }
            match s.exec.get(id) {
                Some(e) if e.state.s == PENDING => {
                    due.insert(*id);
                }
                Some(e) => return broken("orphan-queue", format!("{key} holds {id}, which is {}", e.state.s)),
                None => return broken("orphan-queue", format!("{key} holds {id}, which does not exist")),
            }
        }
        for (id, e) in &s.exec {
            if e.state.s == PENDING && !due.contains(id) {
                return broken("unqueued", format!("Pending event {id} is in no due queue"));
            }
        }
        for (id, key) in &s.mta {
            if !s.exec.contains_key(id) && !s.purged(*id) {
                return broken("orphan-queue", format!("{key} holds {id}, which does not exist"));
            }
        }
        status_list(d, &s)
    }

    /// Starts everything and moves the clock past every deadline: every event must be final,
    /// and the archive must hold the final statuses.
    fn settle(&mut self, d: &mut SimDriver) -> Result<(), Violation> {
        let run = |d: &mut SimDriver, req: Value| match d.exec(&req, None) {
            Outcome::Failed(_, e) if fatal(&e) => broken("error", format!("{} failed with {e}", req["op"])),
            _ => Ok(()),
        };
        let accounts = d.query(&json!({ "q": "accounts" })).unwrap_or(Value::Null);
        for a in accounts.as_array().into_iter().flatten() {
            run(d, json!({ "op": "updateExecutionInstance", "name": a["name"], "patch": { "enabled": true } }))?;
        }
        let wfs = d.query(&json!({ "q": "workflows" })).unwrap_or(Value::Null);
        for w in wfs.as_array().into_iter().flatten() {
            if w["state"] != "started" {
                run(d, json!({ "op": "startWorkflow", "instance": w["instance"], "name": w["name"] }))?;
            }
        }
        self.learn_settings(d);
        // Nothing is purged while the settle looks: an event purged before its check would pass
        // it unseen (the clock may move years, to an event scheduled far ahead).
        const CENTURY: i64 = 100 * 365 * crate::config::DAY;
        run(d, json!({ "op": "configure", "config": { "eventPurgeDelayMs": CENTURY, "eventHistoPurgeDelayMs": CENTURY } }))?;
        // Every event is due by its creation or its @scheduled: those due now are final within
        // the budget, then those due later within the budget after the last of them.
        let start = Self::now(d);
        let due = |e: &Stored| {
            let created = e.state.d;
            created.max(e.data.as_ref().and_then(|x| x.s).unwrap_or(created))
        };
        let last = scan(&d.store)?.exec.values().map(due).max().unwrap_or(start).max(start);
        for until in [start, last] {
            run(d, json!({ "op": "advance", "to": until + self.budget_ms }))?;
            let s = scan(&d.store)?;
            for (id, e) in &s.exec {
                let st = e.state.s;
                if (st == PENDING || st == PENDING_DELIVERY) && due(e) <= until {
                    let line = format!("{:?}", e.state);
                    return broken(
                        "not-final",
                        format!(
                            "event {id} is still {} {} ms after it was due, the workflows running: {line}",
                            STATUS[st as usize], self.budget_ms
                        ),
                    );
                }
            }
            if last == start {
                break;
            }
        }
        // Archiving catches up within one more period.
        run(d, json!({ "op": "advance", "by": self.synch_ms + 60_000 }))?;
        let s = scan(&d.store)?;
        for (id, h) in &s.histo {
            if let Some(e) = s.exec.get(id) {
                if statuses(h) != statuses(e) {
                    return broken(
                        "archive",
                        format!("event {id}: archived {:?}, execution {:?} after archiving ran", statuses(h), statuses(e)),
                    );
                }
            }
        }
        Ok(())
    }
}

/// The status list of each instance and of the control, paged, is the scan sorted newest first.
pub fn status_list(d: &mut SimDriver, s: &Scan) -> Result<(), Violation> {
    let accounts = d.query(&json!({ "q": "accounts" })).unwrap_or(Value::Null);
    let mut scopes: Vec<(String, Option<u64>)> = accounts
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| Some((a["name"].as_str()?.to_string(), a["executionInstanceId"].as_u64())))
        .collect();
    scopes.push(("control".into(), None));
    for (name, ii) in scopes {
        let evs = if ii.is_some() { &s.exec } else { &s.histo };
        let mut want: Vec<(i64, u64)> =
            evs.iter().filter(|(id, _)| ii.is_none_or(|ii| *id >> 56 == ii)).map(|(id, e)| (e.state.d, *id)).collect();
        want.sort_by(|a, b| b.cmp(a));
        let want: Vec<u64> = want.into_iter().map(|(_, id)| id).collect();
        let got = list(d, &name)?;
        if got != want {
            return broken(
                "status-list",
                format!(
                    "{name}: listed {} events, a scan finds {}; first difference at {:?}",
                    got.len(),
                    want.len(),
                    got.iter().zip(&want).position(|(a, b)| a != b)
                ),
            );
        }
    }
    Ok(())
}

/// Every id the status list of an instance shows, page after page.
fn list(d: &mut SimDriver, instance: &str) -> Result<Vec<u64>, Violation> {
    let mut out = Vec::new();
    let mut after: Option<String> = None;
    for _ in 0..10_000 {
        let mut f = json!({ "instance": instance, "limit": 200 });
        if let Some(a) = &after {
            f["after"] = json!(a);
        }
        let page = match d.exec(&json!({ "op": "listEvents", "filter": f }), None) {
            Outcome::Done(mut r) => r.pop().unwrap_or(Value::Null),
            Outcome::Failed(_, e) => return broken("status-list", format!("{instance}: {e}")),
            Outcome::StorageFailed(_) | Outcome::Died(_) => return broken("status-list", "storage failed with no fault injected"),
        };
        for e in page["events"].as_array().into_iter().flatten() {
            out.push(e["id"].as_str().and_then(|s| s.parse().ok()).unwrap_or(0));
        }
        match page["next"].as_str() {
            Some(n) if after.as_deref() == Some(n) => return broken("status-list", format!("{instance}: the same token twice")),
            Some(n) => after = Some(n.to_string()),
            None => return Ok(out),
        }
    }
    broken("status-list", format!("{instance}: paging does not end"))
}
