//! The engine: a state machine the shell drives. An operation starts with `begin`; while it needs
//! records it answers `Step::Read` and the shell calls `resume` with what it read; at the end it
//! answers `Step::Done` with every record to write (one storage transaction), a result, and
//! possibly the request to send next (commands of several transactions: `advance`,
//! `runWorkflow`, `waitForStatus`). The shell then calls `commit` once the transaction is
//! durable, or `rollback` if it failed: the small state goes back to what storage holds.
//!
//! The first operation on an engine is `open`: it reads the small state (or creates it).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::cache::RecordCache;
use crate::error::{err, Error, ErrorCode, Result};
use crate::io::{ReadReq, ReadResult, Results, Writes};
use crate::keys::Rec;
use crate::ops::{self, Continuation, Next, OpState, Query, QueryResult, Request};
use crate::render::Cache;
use crate::state::State;
use crate::txn::TxnLog;
use crate::views::OpResult;

/// The end of an operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Done {
    /// The records to write, as one transaction.
    pub writes: Writes,
    /// The operation's result.
    pub result: OpResult,
    /// The request to send next, for a command of several transactions (None: it is over).
    pub next: Option<Continuation>,
}

/// The engine's answer to `begin` / `resume`. (`Done` is much larger than `Read`; a step is
/// returned once per read phase and moved once, so it is not boxed.)
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub enum Step {
    /// Read these, then call `resume`.
    Read(Vec<ReadReq>),
    /// Write these in one transaction, then call `commit` (or `rollback` if it failed).
    Done(Done),
}

/// Where the engine is between two calls: one state, where seven fields (`op`, `reads`, `busy`,
/// `opened`, `opening`, `pending`, `staged`) used to say it together. `opening`: the operation
/// under way is `open` (its failure leaves the engine closed).
/// (An operation's state is large and kept inline, as it was before: boxing it would allocate at
/// every read phase of every workflow step.)
#[derive(Debug, Default)]
#[allow(clippy::large_enum_variant)]
enum Phase {
    /// Not open: the next operation must be `open`.
    #[default]
    Closed,
    /// Open, no operation under way.
    Idle,
    /// Inside `begin` or `resume`: an operation runs (never seen between calls).
    Running { opening: bool },
    /// An operation waits for its reads (`resume`).
    Reading { op: OpState, reads: Vec<ReadReq>, opening: bool },
    /// An operation's writes wait for `commit` (or `rollback`): the small-state records as
    /// written, and the writes for the record cache.
    Written { records: BTreeMap<Rec, Option<String>>, staged: Option<(Writes, Vec<(String, String)>)>, opening: bool },
}

impl Phase {
    fn opening(&self) -> bool {
        match self {
            Phase::Closed | Phase::Idle => false,
            Phase::Running { opening } | Phase::Reading { opening, .. } | Phase::Written { opening, .. } => *opening,
        }
    }

    /// Whether `open` has committed.
    fn is_open(&self) -> bool {
        !matches!(self, Phase::Closed) && !self.opening()
    }
}

/// The engine.
#[derive(Debug, Default)]
pub struct Engine {
    st: State,
    committed: HashMap<Rec, String>,
    log: TxnLog,
    phase: Phase,
    templates: Cache,
    records: RecordCache,
    cache_limit: usize,
    /// Why the engine can no longer go on (a record it could not put back); every call says so.
    broken: Option<Error>,
}

impl Engine {
    /// An engine on nothing yet: its first operation is `open`.
    pub fn new() -> Self {
        Engine::default()
    }

    /// Whether `open` has committed.
    pub fn is_open(&self) -> bool {
        self.phase.is_open()
    }

    /// The transaction of the operation under way, over the small state.
    fn txn(&mut self) -> crate::txn::Txn<'_> {
        crate::txn::Txn::new(&mut self.st, &mut self.log, &mut self.templates)
    }

    /// Starts an operation.
    pub fn begin(&mut self, req: Request) -> Result<Step> {
        if let Some(e) = &self.broken {
            return Err(e.clone());
        }
        let opening = match (&self.phase, &req) {
            (Phase::Running { .. } | Phase::Reading { .. } | Phase::Written { .. }, _) => {
                return err(ErrorCode::Busy, "an operation is already in progress; commit or roll it back first");
            }
            (Phase::Idle, Request::Open(_)) => return err(ErrorCode::InvalidArgument, "this engine is open already"),
            (Phase::Closed, Request::Open(o)) => {
                let bytes = o.cache_bytes.unwrap_or(ops::DEFAULT_CACHE_BYTES);
                if bytes > ops::MAX_CACHE_BYTES {
                    return err(
                        ErrorCode::InvalidArgument,
                        format!("cacheBytes must be at most {} (1 GiB), got {bytes}", ops::MAX_CACHE_BYTES),
                    );
                }
                self.cache_limit = usize::try_from(bytes).unwrap_or(usize::MAX);
                true
            }
            (Phase::Closed, _) => return err(ErrorCode::InvalidArgument, "the engine is not open (open first)"),
            (Phase::Idle, Request::Migrate) => false,
            (Phase::Idle, _) if self.st.format < crate::keys::FORMAT => {
                return err(
                    ErrorCode::StorageFormat,
                    format!(
                        "this store is being migrated from storage format {} to format {}: open it again to finish the migration",
                        self.st.format,
                        crate::keys::FORMAT
                    ),
                );
            }
            (Phase::Idle, _) => false,
        };
        self.phase = Phase::Running { opening };
        self.records.set_limit(if opening { 0 } else { self.cache_limit });
        let r = ops::begin(&mut self.txn(), req);
        self.after(r)
    }

    /// Continues the operation with the results of the reads it asked for.
    pub fn resume(&mut self, results: Vec<ReadResult>) -> Result<Step> {
        let (op, reads, opening) = match std::mem::take(&mut self.phase) {
            Phase::Reading { op, reads, opening } => (op, reads, opening),
            other => {
                self.phase = other;
                return err(ErrorCode::InvalidArgument, "resume without an operation waiting for reads");
            }
        };
        self.phase = Phase::Running { opening };
        if results.len() != reads.len() {
            self.abandon();
            return err(ErrorCode::InvalidArgument, format!("read results: expected {} parts, got {}", reads.len(), results.len()));
        }
        self.records.learn(&reads, &results);
        let r = match op {
            OpState::Open(o) => self.resume_open(o, results),
            op => ops::resume(&mut self.txn(), op, Results::new(results)),
        };
        self.after(r)
    }

    /// Continues with read results in the boundary format (see `boundary.rs`): the fields'
    /// text and their lengths.
    pub fn resume_encoded(&mut self, text: &str, lens: &[u32]) -> Result<Step> {
        let decoded = match &self.phase {
            Phase::Reading { reads, .. } => crate::boundary::decode_results(reads, text, lens),
            _ => return err(ErrorCode::InvalidArgument, "resume without an operation waiting for reads"),
        };
        match decoded {
            Ok(results) => self.resume(results),
            Err(e) => {
                self.phase = Phase::Running { opening: self.phase.opening() };
                self.abandon();
                Err(e)
            }
        }
    }

    fn resume_open(&mut self, o: ops::open::OpenOp, results: Vec<ReadResult>) -> Result<Next> {
        let records = Results::new(results).take_entries(o.read)?;
        if records.is_empty() {
            return ops::open::init(&mut self.txn(), o);
        }
        ops::open::check_format(&records)?;
        let mut st = State::default();
        let mut committed = HashMap::new();
        for (k, v) in records {
            let rec = Rec::parse(&k)
                .ok_or_else(|| Error::new(ErrorCode::StorageCorrupt, format!("stored record {k} is not one of the small state")))?;
            st.load_record(&rec, Some(&v))?;
            committed.insert(rec, v);
        }
        self.st = st;
        self.committed = committed;
        ops::open::reopen(&mut self.txn(), o)
    }

    fn after(&mut self, mut r: Result<Next>) -> Result<Step> {
        loop {
            match r {
                Err(e) => {
                    self.abandon();
                    return Err(e);
                }
                Ok(Next::Read(op, reads)) => {
                    let reads = reads.into_reqs();
                    // What the engine wrote or read before is not read again.
                    if !matches!(op, OpState::Open(_)) {
                        if let Some(results) = self.records.answer_all(&reads) {
                            r = ops::resume(&mut self.txn(), op, Results::new(results));
                            continue;
                        }
                    }
                    self.phase = Phase::Reading { op, reads: reads.clone(), opening: self.phase.opening() };
                    return Ok(Step::Read(reads));
                }
                Ok(Next::Done(result, next)) => {
                    let (writes, records) = match self.txn().close() {
                        Ok(c) => c,
                        Err(e) => {
                            r = Err(e);
                            continue;
                        }
                    };
                    let staged = self.records.enabled().then(|| (writes.clone(), std::mem::take(&mut self.log.empty)));
                    self.log.empty.clear();
                    self.phase = Phase::Written { records, staged, opening: self.phase.opening() };
                    return Ok(Step::Done(Done { writes, result, next }));
                }
            }
        }
    }

    /// Puts back the committed form of records an abandoned operation changed. A committed form
    /// that no longer decodes leaves the engine broken: every later call says so (reopen it),
    /// rather than going on with a state that differs from storage.
    fn restore(&mut self, dirty: BTreeSet<Rec>) {
        for r in dirty {
            let v = self.committed.get(&r).cloned();
            if let Err(e) = self.st.load_record(&r, v.as_deref()) {
                self.broken.get_or_insert(Error::new(
                    ErrorCode::StorageCorrupt,
                    format!("the engine could not put back record {} after a failed operation ({}): reopen the store", r.key(), e.message),
                ));
            }
        }
    }

    fn abandon(&mut self) {
        self.rollback();
    }

    /// The operation's writes are durable.
    pub fn commit(&mut self) {
        match std::mem::take(&mut self.phase) {
            Phase::Written { records, staged, .. } => {
                if let Some((writes, empty)) = staged {
                    self.records.commit(&writes, &empty);
                }
                // The small-state records as they were written (serialized once, at close).
                for (r, v) in records {
                    match v {
                        Some(v) => {
                            self.committed.insert(r, v);
                        }
                        None => {
                            self.committed.remove(&r);
                        }
                    }
                }
                self.phase = Phase::Idle;
            }
            // Nothing was written: nothing to commit.
            other => self.phase = other,
        }
    }

    /// The operation's writes failed (or the operation is abandoned): back to the committed state.
    pub fn rollback(&mut self) {
        let phase = std::mem::take(&mut self.phase);
        let (opening, closed) = (phase.opening(), matches!(phase, Phase::Closed));
        let mut dirty: BTreeSet<Rec> = match phase {
            Phase::Written { records, .. } => records.into_keys().collect(),
            _ => BTreeSet::new(),
        };
        dirty.extend(std::mem::take(&mut self.log.dirty));
        self.log = TxnLog::default();
        if opening {
            *self = Engine::new();
            return;
        }
        self.phase = if closed { Phase::Closed } else { Phase::Idle };
        self.restore(dirty);
    }

    /// A read-only question about the small state. Never touches storage.
    pub fn query(&self, q: Query) -> Result<QueryResult> {
        if let Some(e) = &self.broken {
            return Err(e.clone());
        }
        if !self.phase.is_open() {
            return err(ErrorCode::InvalidArgument, "the engine is not open (open first)");
        }
        ops::query(&self.st, q)
    }

    /// Reads answered from the engine's cache, and reads asked of storage (operations' read phases).
    pub fn cache_stats(&self) -> (u64, u64) {
        (self.records.hits, self.records.misses)
    }

    /// The committed small state (tests compare it across reopens).
    pub fn state(&self) -> &State {
        &self.st
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_that_cannot_be_put_back_breaks_the_engine_and_every_call_says_so() {
        let mut e = Engine::new();
        e.committed.insert(Rec::Accounts, "not json".into());
        e.restore([Rec::Accounts].into());
        let b = e.query(Query::Now).unwrap_err();
        assert_eq!(b.code, ErrorCode::StorageCorrupt);
        assert!(b.message.starts_with("the engine could not put back record m/accounts after a failed operation"), "{}", b.message);
        assert_eq!(e.begin(Request::Open(Default::default())).unwrap_err(), b);
    }
}
