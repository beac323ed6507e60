//! The simulator's driver: an engine over an ordered map, moving records exactly like the
//! JavaScript shell (one storage write per transaction, commit once it is durable, rollback when
//! it failed, the next request of a command sent when the engine names one), with the faults of
//! `Fault` injected where a storage adapter or a host produces them. It decides nothing.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::{Action, Fault};
use crate::boundary;
use crate::driver::MemDriver;
use crate::engine::{Engine, Step};
use crate::error::{Error, ErrorCode};
use crate::ops::Request;

/// How an action ended.
#[derive(Debug)]
pub enum Outcome {
    /// Every transaction committed: the result of each, in order.
    Done(Vec<Value>),
    /// A transaction failed (refused by the engine, or a fault the shell sees): the results of
    /// those committed before it, and the error.
    Failed(Vec<Value>, Error),
    /// Storage failed a read or a write (an injected fault: what the shell reports as
    /// STORAGE_FAILED); the engine rolled back. The results of the transactions before it.
    StorageFailed(Vec<Value>),
    /// The process died (a torn write, a lost answer, a crash): the results the caller heard.
    Died(Vec<Value>),
}

impl Outcome {
    /// `done`, `refused:<CODE>`, `storageFailed` or `died`.
    pub fn label(&self) -> String {
        match self {
            Outcome::Done(_) => "done".into(),
            Outcome::Failed(_, e) => format!("refused:{}", e.code.as_str()),
            Outcome::StorageFailed(_) => "storageFailed".into(),
            Outcome::Died(_) => "died".into(),
        }
    }
}

/// The in-memory driver (`driver::MemDriver`: its engine, store and counts), with fault injection
/// and a transcript.
#[derive(Debug, Default)]
pub struct SimDriver {
    /// The engine and its store.
    pub mem: MemDriver,
    /// When set, every request run and every reopen, with how it ended: the transcript the
    /// wasm build replays under Node to compare bytes (`--emit`).
    pub transcript: Option<Vec<(Action, String)>>,
}

impl std::ops::Deref for SimDriver {
    type Target = MemDriver;
    fn deref(&self) -> &MemDriver {
        &self.mem
    }
}

impl std::ops::DerefMut for SimDriver {
    fn deref_mut(&mut self) -> &mut MemDriver {
        &mut self.mem
    }
}

/// FNV-1a 64 of the store's keys and values in key order (`\0` after each key, `\n` after each
/// value): the bytes two runs of a history are compared by.
pub fn digest(store: &BTreeMap<String, String>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |b: &[u8]| {
        for &x in b {
            h ^= u64::from(x);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for (k, v) in store {
        eat(k.as_bytes());
        eat(b"\0");
        eat(v.as_bytes());
        eat(b"\n");
    }
    h
}

impl SimDriver {
    /// An engine on an empty store, not open yet (the history's first action opens it).
    pub fn new() -> SimDriver {
        SimDriver::default()
    }

    /// A new engine on the same store, opened (after a close or a death).
    pub fn reopen(&mut self) -> Result<Value, Error> {
        self.eng = Engine::new();
        let out = self.exec_inner(&json!({ "op": "open", "boundary": crate::boundary::VERSION }), None);
        if let Some(t) = &mut self.transcript {
            t.push((Action::Reopen, out.label()));
        }
        match out {
            Outcome::Done(mut r) => Ok(r.pop().unwrap_or(Value::Null)),
            Outcome::Failed(_, e) => Err(e),
            Outcome::StorageFailed(_) | Outcome::Died(_) => Err(Error::new(ErrorCode::Internal, "open failed in storage")),
        }
    }

    /// Runs a request to its end with perhaps a fault.
    pub fn exec(&mut self, req: &Value, fault: Option<&Fault>) -> Outcome {
        let out = self.exec_inner(req, fault);
        if let Some(t) = &mut self.transcript {
            t.push((Action::Op { req: req.clone(), fault: fault.cloned() }, out.label()));
        }
        out
    }

    fn exec_inner(&mut self, req: &Value, fault: Option<&Fault>) -> Outcome {
        let mut results = Vec::new();
        let mut reads = 0u32;
        let mut writes = 0u32;
        let mut next = Some(req.clone());
        while let Some(r) = next.take() {
            let request: Request = match serde_json::from_value(r) {
                Ok(q) => q,
                Err(e) => return Outcome::Failed(results, Error::new(ErrorCode::InvalidArgument, format!("request: {e}"))),
            };
            let mut step = match self.eng.begin(request) {
                Ok(s) => s,
                Err(e) => return Outcome::Failed(results, e),
            };
            let done = loop {
                match step {
                    Step::Read(reqs) => {
                        reads += 1;
                        if matches!(fault, Some(Fault::FailRead { nth }) if *nth == reads) {
                            self.eng.rollback();
                            return Outcome::StorageFailed(results);
                        }
                        let answer = match self.mem.answer_encoded(&reqs) {
                            Ok(a) => a,
                            Err(e) => {
                                self.eng.rollback();
                                return Outcome::Failed(results, e);
                            }
                        };
                        step = match self.eng.resume_encoded(&answer.text, &answer.lens) {
                            Ok(s) => s,
                            Err(e) => return Outcome::Failed(results, e),
                        };
                    }
                    Step::Done(done) => break done,
                }
            };
            // The writes cross the boundary format, and are applied as the shell decodes them.
            let ops = match boundary::encode_writes(&done.writes).and_then(|f| boundary::decode_writes(&f)) {
                Ok(ops) => ops,
                Err(e) => {
                    self.eng.rollback();
                    return Outcome::Failed(results, e);
                }
            };
            let result = serde_json::to_value(&done.result).unwrap_or(Value::Null);
            next = done.next.as_ref().and_then(|n| serde_json::to_value(n).ok());
            if !ops.is_empty() {
                writes += 1;
                match fault {
                    Some(Fault::FailWrite { nth }) if *nth == writes => {
                        self.eng.rollback();
                        return Outcome::StorageFailed(results);
                    }
                    Some(Fault::TornWrite { nth }) if *nth == writes => {
                        // The process dies in the middle of the write: the storage transaction
                        // never commits (the adapters' transactions are atomic), and the engine
                        // never hears.
                        return Outcome::Died(results);
                    }
                    _ => {}
                }
                self.mem.transactions += 1;
                self.mem.records_written += ops.len() as u64;
                for (k, v) in ops {
                    match v {
                        Some(v) => self.store.insert(k, v),
                        None => self.store.remove(&k),
                    };
                }
                if matches!(fault, Some(Fault::LostAck { nth }) if *nth == writes) {
                    return Outcome::Died(results);
                }
            }
            self.eng.commit();
            results.push(result);
            if matches!(fault, Some(Fault::CrashAfter { nth }) if *nth == writes && next.is_some()) {
                return Outcome::Died(results);
            }
        }
        Outcome::Done(results)
    }
}
