//! A reference driver over an in-memory ordered map: what the JavaScript shell does, in Rust, for
//! native tests and the native benchmark. It decides nothing: it moves records between the map
//! and the engine, one `Writes` per transaction, exactly like the shell.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::engine::{encode_results, Engine, ReadReq, ReadResult, Step};
use crate::error::Result;

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
}

impl MemDriver {
    /// A fresh engine on an empty store, initialized with `seed` at `now`.
    pub fn new(seed: u64, now: i64) -> Self {
        let mut d = MemDriver::default();
        d.run(&json!({ "op": "init", "seed": seed.to_string(), "now": now })).expect("init");
        d
    }

    /// A new engine over the same store (a reopen).
    pub fn reopen(&mut self) -> Result<()> {
        let records = self.store.range("m/".to_string().."m0".to_string()).map(|(k, v)| (k.clone(), v.clone())).collect();
        self.eng = Engine::load(records)?;
        Ok(())
    }

    /// Answers reads from the store, encoded for `Engine::resume`.
    pub fn answer(&self, reqs: &[ReadReq]) -> String {
        let results: Vec<ReadResult> = reqs
            .iter()
            .map(|r| match r {
                ReadReq::Get { keys } => ReadResult::Values(keys.iter().map(|k| self.store.get(k).cloned()).collect()),
                ReadReq::Range { gte, lt, limit } => ReadResult::Entries(
                    self.store.range(gte.clone()..lt.clone()).take(*limit as usize).map(|(k, v)| (k.clone(), v.clone())).collect(),
                ),
            })
            .collect();
        encode_results(&results)
    }

    /// Runs one operation to completion and commits it.
    pub fn run(&mut self, req: &Value) -> Result<Value> {
        let mut step = self.eng.begin(&req.to_string())?;
        loop {
            match step {
                Step::Read(reqs) => {
                    let res = self.answer(&reqs);
                    step = self.eng.resume(&res)?;
                }
                Step::Done { writes, result } => {
                    if !writes.is_empty() {
                        self.transactions += 1;
                    }
                    self.records_written += writes.len() as u64;
                    for (k, v) in writes.into_ops() {
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
                    return Ok(result);
                }
            }
        }
    }

    /// A query.
    pub fn query(&self, q: &Value) -> Result<Value> {
        self.eng.query(&q.to_string())
    }

    /// The clock.
    pub fn now(&self) -> i64 {
        self.eng.st.clock
    }

    /// Runs every workflow step due up to `to`, in time order, then sets the clock to `to`.
    pub fn advance_to(&mut self, to: i64) -> Result<u64> {
        let mut steps = 0;
        loop {
            let next = self.query(&json!({ "q": "nextDue", "until": to }))?;
            if next.is_null() {
                break;
            }
            self.run(&json!({ "op": "runWorkflow", "instance": next["instance"], "name": next["name"], "at": next["at"] }))?;
            steps += 1;
        }
        self.run(&json!({ "op": "setClock", "to": to }))?;
        Ok(steps)
    }

    /// `advance_to(now + ms)`.
    pub fn advance(&mut self, ms: i64) -> Result<u64> {
        self.advance_to(self.now() + ms)
    }
}
