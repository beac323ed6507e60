//! The engine: a state machine the shell drives. An operation starts with `begin`; while it needs
//! records it answers `Step::Read` and the shell calls `resume` with what it read; at the end it
//! answers `Step::Done` with every record to write (one storage transaction) and a result. The
//! shell then calls `commit` once the transaction is durable, or `rollback` if it failed: the
//! in-memory small state goes back to what storage holds.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{err, Error, ErrorCode, Result};
use crate::ops;
use crate::state::{Journal, State};

/// Separates the fields of a read result or of the records to write. Records are JSON and keys
/// are printable ASCII, so control characters never occur in them: nothing needs escaping, which
/// keeps large batches cheap to cross the wasm boundary (no JSON inside JSON).
pub const SEP: char = '\u{1}';
/// Stands for an absent value in a `get` result.
pub const ABSENT: char = '\u{2}';
const ABSENT_STR: &str = "\u{2}";
/// Separates the results of the reads of one batch, and the parts of an encoded step.
pub const PART: char = '\u{3}';

/// Encodes read results the way `Engine::resume` reads them: one part per request, separated by
/// `PART`; a `get` part is its values separated by `SEP` (`ABSENT` for a missing one), a `range`
/// part is key, value, key, value… separated by `SEP`.
pub fn encode_results(results: &[ReadResult]) -> String {
    let mut out = String::new();
    for (i, r) in results.iter().enumerate() {
        if i > 0 {
            out.push(PART);
        }
        match r {
            ReadResult::Values(vs) => {
                for (j, v) in vs.iter().enumerate() {
                    if j > 0 {
                        out.push(SEP);
                    }
                    match v {
                        Some(v) => out.push_str(v),
                        None => out.push(ABSENT),
                    }
                }
            }
            ReadResult::Entries(es) => {
                for (j, (k, v)) in es.iter().enumerate() {
                    if j > 0 {
                        out.push(SEP);
                    }
                    out.push_str(k);
                    out.push(SEP);
                    out.push_str(v);
                }
            }
        }
    }
    out
}

/// Encodes a step for the shell: a JSON header (`{"kind":"read","reads":[…]}` or
/// `{"kind":"done","result":…}`); for `done`, then `PART`, the puts (key, value, … separated by
/// `SEP`), `PART`, the deletes (keys separated by `SEP`).
pub fn encode_step(step: &Step) -> String {
    match step {
        Step::Read(reads) => serde_json::json!({ "kind": "read", "reads": reads }).to_string(),
        Step::Done { writes, result } => {
            let mut out = serde_json::json!({ "kind": "done", "result": result }).to_string();
            out.push(PART);
            let mut first = true;
            for (k, v) in &writes.ops {
                if let Some(v) = v {
                    if !first {
                        out.push(SEP);
                    }
                    first = false;
                    out.push_str(k);
                    out.push(SEP);
                    out.push_str(v);
                }
            }
            out.push(PART);
            let mut first = true;
            for (k, v) in &writes.ops {
                if v.is_none() {
                    if !first {
                        out.push(SEP);
                    }
                    first = false;
                    out.push_str(k);
                }
            }
            out
        }
    }
}

/// One read the core asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "op", rename_all = "camelCase")]
pub enum ReadReq {
    /// Values of these keys (absent ones come back as null).
    Get {
        /// Keys.
        keys: Vec<String>,
    },
    /// Entries with `gte <= key < lt`, ascending, at most `limit`.
    Range {
        /// Inclusive lower bound.
        gte: String,
        /// Exclusive upper bound.
        lt: String,
        /// Most entries.
        limit: u32,
    },
}

/// What a read returned, in the order of the requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadResult {
    /// For `Get`.
    Values(Vec<Option<String>>),
    /// For `Range`.
    Entries(Vec<(String, String)>),
}

/// The records to write, as one transaction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Writes {
    ops: BTreeMap<String, Option<String>>,
}

impl Writes {
    /// Puts a record (a later put or delete of the same key in the operation wins).
    pub fn put(&mut self, key: String, value: String) {
        self.ops.insert(key, Some(value));
    }

    /// Deletes a record.
    pub fn del(&mut self, key: String) {
        self.ops.insert(key, None);
    }

    /// Number of records written (puts and deletes).
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    /// Whether nothing is written.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// The writes by key (value None = delete), owned.
    pub fn into_ops(self) -> BTreeMap<String, Option<String>> {
        self.ops
    }
}

/// The engine's answer to `begin` / `resume`.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Read these, then call `resume`.
    Read(Vec<ReadReq>),
    /// Write these in one transaction, then call `commit` (or `rollback` if it failed).
    Done {
        /// The records.
        writes: Writes,
        /// The operation's result.
        result: Value,
    },
}

/// The engine.
#[derive(Debug, Default)]
pub struct Engine {
    /// The small state.
    pub st: State,
    journal: Journal,
    op: Option<ops::OpState>,
    reads: Vec<ReadReq>,
    busy: bool,
    /// Whether `init` ran (now or in an earlier process).
    pub initialized: bool,
    /// The records the current operation writes.
    pub tx: Writes,
    /// Parsed templates.
    pub cache: crate::render::Cache,
}

/// Parses a JSON text into `T`, mapping errors to `InvalidJson` / `InvalidArgument`.
pub fn parse_json<T: for<'de> Deserialize<'de>>(what: &str, text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| {
        let code = if e.is_syntax() || e.is_eof() { ErrorCode::InvalidJson } else { ErrorCode::InvalidArgument };
        Error::new(code, format!("{what}: {e}"))
    })
}

impl Engine {
    /// A new engine on empty storage: the `m/…` records of the initial state are written by the
    /// first operation (`init`).
    pub fn new() -> Self {
        Engine::default()
    }

    /// An engine on existing storage: `records` are every `m/…` record.
    pub fn load(records: Vec<(String, String)>) -> Result<Self> {
        let mut e = Engine::new();
        for (k, v) in records {
            if k == "m/settings" {
                e.initialized = true;
            }
            e.st.load_record(&k, Some(&v))?;
            e.journal.set_committed(k, v);
        }
        Ok(e)
    }

    /// Whether the state was initialized (by `init`, or found in storage).
    pub fn is_initialized(&self) -> bool {
        self.initialized
    }

    /// Marks an `m/…` record changed by the current operation.
    pub fn touch(&mut self, key: impl Into<String>) {
        self.journal.touch(key.into());
    }

    /// Starts an operation (a JSON request, see `ops::Request`).
    pub fn begin(&mut self, request: &str) -> Result<Step> {
        if self.busy {
            return err(ErrorCode::Busy, "an operation is already in progress; commit or roll it back first");
        }
        let req: ops::Request = parse_json("request", request)?;
        self.busy = true;
        self.tx = Writes::default();
        match ops::begin(self, req) {
            Ok(step) => self.after(step),
            Err(e) => {
                self.abandon();
                Err(e)
            }
        }
    }

    /// Continues the operation with the results of the reads it asked for (see `encode_results`).
    pub fn resume(&mut self, results: &str) -> Result<Step> {
        let Some(op) = self.op.take() else {
            return err(ErrorCode::InvalidArgument, "resume without an operation waiting for reads");
        };
        let parsed = match self.parse_results(results) {
            Ok(p) => p,
            Err(e) => {
                self.abandon();
                return Err(e);
            }
        };
        match ops::resume(self, op, parsed) {
            Ok(step) => self.after(step),
            Err(e) => {
                self.abandon();
                Err(e)
            }
        }
    }

    fn parse_results(&self, text: &str) -> Result<Vec<ReadResult>> {
        let bad = |what: String| Error::new(ErrorCode::InvalidArgument, format!("read results: {what}"));
        let parts: Vec<&str> = if self.reads.is_empty() { Vec::new() } else { text.split(PART).collect() };
        if parts.len() != self.reads.len() {
            return Err(bad(format!("expected {} parts, got {}", self.reads.len(), parts.len())));
        }
        let mut out = Vec::with_capacity(parts.len());
        for (req, part) in self.reads.iter().zip(parts) {
            match req {
                ReadReq::Get { keys } => {
                    let vs: Vec<Option<String>> = if keys.is_empty() {
                        if !part.is_empty() {
                            return Err(bad("values for a get of no key".into()));
                        }
                        Vec::new()
                    } else {
                        part.split(SEP).map(|v| if v == ABSENT_STR { None } else { Some(v.to_string()) }).collect()
                    };
                    if vs.len() != keys.len() {
                        return Err(bad(format!("{} values for {} keys", vs.len(), keys.len())));
                    }
                    out.push(ReadResult::Values(vs));
                }
                ReadReq::Range { limit, .. } => {
                    let mut es = Vec::new();
                    if !part.is_empty() {
                        let mut it = part.split(SEP);
                        while let Some(k) = it.next() {
                            let v = it.next().ok_or_else(|| bad("a range entry has a key and no value".into()))?;
                            es.push((k.to_string(), v.to_string()));
                        }
                    }
                    if es.len() > *limit as usize {
                        return Err(bad("more entries than the limit".into()));
                    }
                    out.push(ReadResult::Entries(es));
                }
            }
        }
        Ok(out)
    }

    fn after(&mut self, step: ops::Next) -> Result<Step> {
        match step {
            ops::Next::Read(op, reads) => {
                self.op = Some(op);
                self.reads = reads.clone();
                Ok(Step::Read(reads))
            }
            ops::Next::Done(result) => {
                let mut writes = std::mem::take(&mut self.tx);
                for (k, v) in self.journal.pending(&self.st) {
                    match v {
                        Some(v) => writes.put(k, v),
                        None => writes.del(k),
                    }
                }
                self.reads.clear();
                Ok(Step::Done { writes, result })
            }
        }
    }

    fn abandon(&mut self) {
        self.op = None;
        self.reads.clear();
        self.tx = Writes::default();
        // Input errors are found before any state is touched; a state change made before an error
        // is undone here as well.
        let _ = self.journal.rollback(&mut self.st);
        self.busy = false;
    }

    /// The operation's writes are durable.
    pub fn commit(&mut self) {
        self.journal.commit(&self.st);
        self.op = None;
        self.busy = false;
    }

    /// The operation's writes failed: back to the committed state.
    pub fn rollback(&mut self) -> Result<()> {
        self.op = None;
        self.reads.clear();
        self.tx = Writes::default();
        self.busy = false;
        let r = self.journal.rollback(&mut self.st);
        if !self.journal.is_committed("m/settings") {
            // The rolled-back operation was `init`: storage holds nothing, so neither does the
            // engine (otherwise a second `init` would be refused on an empty store).
            self.st = State::default();
            self.initialized = false;
        }
        r
    }

    /// A read-only question about the small state (see `ops::query`). Never touches storage.
    pub fn query(&self, request: &str) -> Result<Value> {
        let q: ops::Query = parse_json("query", request)?;
        ops::query(self, q)
    }
}
