//! A reference driver over an in-memory ordered map: what the JavaScript shell does, in Rust, for
//! native tests, the benchmark and the simulator. It decides nothing: it moves records between
//! the map and the engine in the boundary format, one write per transaction, and sends the next
//! request of a command when the engine names one, exactly like the shell.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::boundary;
use crate::engine::{Engine, Step};
use crate::error::{Error, ErrorCode, Result};
use crate::io::{ReadReq, ReadResult};
use crate::ops::{Query, Request};

/// An engine and its store.
#[derive(Debug, Default)]
pub struct MemDriver {
    /// The engine.
    pub eng: Engine,
    /// The store.
    pub store: BTreeMap<String, String>,
    /// Transactions committed.
    pub transactions: u64,
    /// Records written (puts and deletes).
    pub records_written: u64,
    /// Bytes written: the keys and values of puts, the keys of deletes.
    pub bytes_written: u64,
}

fn request(v: &Value) -> Result<Request> {
    serde_json::from_value(v.clone()).map_err(|e| Error::new(ErrorCode::InvalidArgument, format!("request: {e}")))
}

impl MemDriver {
    /// A fresh engine on an empty store, opened with `seed` at `now`.
    pub fn new(seed: u64, now: i64) -> Self {
        let mut d = MemDriver::default();
        if let Err(e) = d.run(&json!({ "op": "open", "seed": seed.to_string(), "now": now })) {
            panic!("open failed: {e}");
        }
        d
    }

    /// A new engine over the same store (a reopen).
    pub fn reopen(&mut self) -> Result<()> {
        self.reopen_with(&json!({ "op": "open" }))
    }

    /// A new engine on the same store, opened with this request (options of this engine).
    pub fn reopen_with(&mut self, open: &Value) -> Result<()> {
        self.eng = Engine::new();
        // Open, and the steps it names next (the migration of a store of an older format).
        self.command(open).map(|_| ())
    }

    /// Answers reads from the store.
    pub fn answer(&self, reqs: &[ReadReq]) -> Vec<ReadResult> {
        reqs.iter()
            .map(|r| match r {
                ReadReq::Get { keys } => ReadResult::Values(keys.iter().map(|k| self.store.get(k).cloned()).collect()),
                ReadReq::Range { gte, lt, limit } => {
                    if gte >= lt {
                        return ReadResult::Entries(Vec::new());
                    }
                    ReadResult::Entries(
                        self.store.range(gte.clone()..lt.clone()).take(*limit as usize).map(|(k, v)| (k.clone(), v.clone())).collect(),
                    )
                }
            })
            .collect()
    }

    /// Answers reads from the store, in the boundary format.
    pub fn answer_encoded(&self, reqs: &[ReadReq]) -> Result<boundary::Framed> {
        boundary::encode_results(&self.answer(reqs))
    }

    /// Starts an operation and answers its reads until it is done: what it would write (nothing
    /// is written yet; the engine waits for `commit` or `rollback`).
    fn drive(&mut self, req: &Value) -> Result<crate::engine::Done> {
        let mut step = self.eng.begin(request(req)?)?;
        loop {
            match step {
                Step::Read(reqs) => {
                    let res = match self.answer_encoded(&reqs) {
                        Ok(r) => r,
                        Err(e) => {
                            self.eng.rollback();
                            return Err(e);
                        }
                    };
                    step = self.eng.resume_encoded(&res.text, &res.lens)?;
                }
                Step::Done(done) => return Ok(done),
            }
        }
    }

    /// Runs one operation to its end and rolls it back: its result, nothing written.
    pub fn dry_run(&mut self, req: &Value) -> Result<Value> {
        let done = self.drive(req)?;
        self.eng.rollback();
        serde_json::to_value(&done.result).map_err(|e| Error::new(ErrorCode::Internal, e.to_string()))
    }

    /// Runs one operation to completion and commits it; its result and the request it names
    /// next (a command of several transactions).
    pub fn step(&mut self, req: &Value) -> Result<(Value, Option<Value>)> {
        let done = self.drive(req)?;
        // The writes cross the boundary format as they do to the shell, and are applied as it
        // decodes them.
        let ops = match boundary::encode_writes(&done.writes).and_then(|f| boundary::decode_writes(&f)) {
            Ok(ops) => ops,
            Err(e) => {
                self.eng.rollback();
                return Err(e);
            }
        };
        debug_assert_eq!(ops.len(), done.writes.len());
        if !ops.is_empty() {
            self.transactions += 1;
        }
        self.records_written += ops.len() as u64;
        for (k, v) in ops {
            self.bytes_written += (k.len() + v.as_ref().map_or(0, String::len)) as u64;
            match v {
                Some(v) => {
                    self.store.insert(k, v);
                }
                None => {
                    self.store.remove(&k);
                }
            }
        }
        self.eng.commit();
        let result = serde_json::to_value(&done.result).map_err(|e| Error::new(ErrorCode::Internal, e.to_string()))?;
        let next = done.next.map(|n| serde_json::to_value(&n)).transpose().map_err(|e| Error::new(ErrorCode::Internal, e.to_string()))?;
        Ok((result, next))
    }

    /// Runs one operation (one transaction) and returns its result.
    pub fn run(&mut self, req: &Value) -> Result<Value> {
        self.step(req).map(|(r, _)| r)
    }

    /// Runs a command to its end (every transaction it names) and returns its last result.
    pub fn command(&mut self, req: &Value) -> Result<Value> {
        let (mut result, mut next) = self.step(req)?;
        while let Some(n) = next {
            (result, next) = self.step(&n)?;
        }
        Ok(result)
    }

    /// A query.
    pub fn query(&self, q: &Value) -> Result<Value> {
        let q: Query = serde_json::from_value(q.clone()).map_err(|e| Error::new(ErrorCode::InvalidArgument, format!("query: {e}")))?;
        let r = self.eng.query(q)?;
        serde_json::to_value(&r).map_err(|e| Error::new(ErrorCode::Internal, e.to_string()))
    }

    /// The clock.
    pub fn now(&self) -> i64 {
        self.eng.state().clock
    }

    /// Runs every workflow step due up to `to`, in time order, then sets the clock to `to`; the
    /// number of steps.
    pub fn advance_to(&mut self, to: i64) -> Result<u64> {
        let r = self.command(&json!({ "op": "advance", "to": to }))?;
        Ok(r["steps"].as_u64().unwrap_or(0))
    }

    /// `advance_to(now + ms)`.
    pub fn advance(&mut self, ms: i64) -> Result<u64> {
        let r = self.command(&json!({ "op": "advance", "by": ms }))?;
        Ok(r["steps"].as_u64().unwrap_or(0))
    }
}
