//! What the core and its drivers exchange, and nothing else: the reads an operation asks for
//! (`ReadReq`), what they returned (`ReadResult`), and the records to write (`Writes`). A leaf
//! module, as quinn-proto's `shared.rs` holds what its endpoint and connections exchange.
//!
//! An operation that reads builds its requests with [`Reads`], which hands back a typed handle
//! per request ([`GetId`], [`RangeId`]); the phase that resumes keeps the handles and takes each
//! result by its handle from [`Results`]. A result of the wrong shape, a missing one, or one taken
//! twice is an `INTERNAL` error naming the request: never an empty list that would read as "no
//! records".
//!
//! The engine's answers (`Step`, `Done`) stay in `engine.rs`: `Done` carries the operation's
//! result, a type of `ops`, and `ops` imports this module; holding them here would tie the two
//! into an import circle (tests/seam.rs keeps `src/` free of them).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::error::{Error, ErrorCode, Result};

/// One read the core asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "op", rename_all = "camelCase")]
pub enum ReadReq {
    /// Values of these keys (absent ones come back absent).
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

/// The records to write, as one transaction (a later put or delete of the same key wins).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Writes {
    ops: BTreeMap<String, Option<String>>,
}

impl Writes {
    /// Puts a record.
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

    /// The writes by key (value None = delete), in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Option<String>)> {
        self.ops.iter()
    }

    /// The writes by key (value None = delete), owned.
    pub fn into_ops(self) -> BTreeMap<String, Option<String>> {
        self.ops
    }
}

/// The handle of a `Get` request (and how many keys it asked for): its values come back by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use = "a read's result is taken by its handle"]
pub struct GetId(usize, usize);

/// The handle of a `Range` request: its entries come back by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use = "a read's result is taken by its handle"]
pub struct RangeId(usize);

/// The reads of one phase, built one request at a time, each answered by its handle.
#[derive(Debug, Default)]
pub struct Reads {
    reqs: Vec<ReadReq>,
}

impl Reads {
    /// No read yet.
    pub fn new() -> Self {
        Reads::default()
    }

    /// Asks for the values of `keys`.
    pub fn get(&mut self, keys: Vec<String>) -> GetId {
        let n = keys.len();
        self.reqs.push(ReadReq::Get { keys });
        GetId(self.reqs.len() - 1, n)
    }

    /// Asks for the entries with `gte <= key < lt`, ascending, at most `limit`.
    pub fn range(&mut self, gte: String, lt: String, limit: u32) -> RangeId {
        // Bounds the wrong way round read nothing, silently: a bug of the caller.
        debug_assert!(gte <= lt, "a range from {gte} to {lt}");
        self.reqs.push(ReadReq::Range { gte, lt, limit });
        RangeId(self.reqs.len() - 1)
    }

    /// Whether nothing is asked.
    pub fn is_empty(&self) -> bool {
        self.reqs.is_empty()
    }

    /// The requests, in order, for the driver.
    pub fn into_reqs(self) -> Vec<ReadReq> {
        self.reqs
    }
}

/// The results of one phase's reads, taken by their handles.
#[derive(Debug)]
pub struct Results {
    results: Vec<Option<ReadResult>>,
}

impl Results {
    /// The results the driver gave, in the order of the requests.
    pub fn new(results: Vec<ReadResult>) -> Self {
        Results { results: results.into_iter().map(Some).collect() }
    }

    fn take(&mut self, i: usize, what: &str) -> Result<ReadResult> {
        let n = self.results.len();
        match self.results.get_mut(i) {
            None => Err(Error::new(ErrorCode::Internal, format!("read {i} ({what}) has no result: {n} came back"))),
            Some(slot) => slot.take().ok_or_else(|| Error::new(ErrorCode::Internal, format!("read {i} ({what}) was taken twice"))),
        }
    }

    /// The values of a `Get`, one per key, in the order of its keys.
    pub fn take_values(&mut self, id: GetId) -> Result<Vec<Option<String>>> {
        match self.take(id.0, "a get")? {
            ReadResult::Values(v) if v.len() == id.1 => Ok(v),
            ReadResult::Values(v) => {
                Err(Error::new(ErrorCode::Internal, format!("read {} asked for {} keys, and {} values came back", id.0, id.1, v.len())))
            }
            ReadResult::Entries(_) => Err(Error::new(ErrorCode::Internal, format!("read {} is a get, and came back as a range", id.0))),
        }
    }

    /// The values of a `Get` of `N` keys, as an array.
    pub fn take_array<const N: usize>(&mut self, id: GetId) -> Result<[Option<String>; N]> {
        if id.1 != N {
            return Err(Error::new(ErrorCode::Internal, format!("read {} asked for {} keys, not {N}", id.0, id.1)));
        }
        let v = self.take_values(id)?;
        v.try_into().map_err(|_| Error::new(ErrorCode::Internal, format!("read {}: not {N} values", id.0)))
    }

    /// The entries of a `Range`.
    pub fn take_entries(&mut self, id: RangeId) -> Result<Vec<(String, String)>> {
        match self.take(id.0, "a range")? {
            ReadResult::Entries(e) => Ok(e),
            ReadResult::Values(_) => Err(Error::new(ErrorCode::Internal, format!("read {} is a range, and came back as a get", id.0))),
        }
    }

    /// The entries of several ranges, in the order of their handles.
    pub fn take_all_entries(&mut self, ids: &[RangeId]) -> Result<Vec<Vec<(String, String)>>> {
        ids.iter().map(|id| self.take_entries(*id)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_by_their_handles_and_a_wrong_shape_is_an_error() {
        let mut reads = Reads::new();
        let g = reads.get(vec!["a".into()]);
        let r = reads.range("b".into(), "c".into(), 10);
        assert_eq!(reads.into_reqs().len(), 2);
        let mut res = Results::new(vec![ReadResult::Values(vec![Some("1".into())]), ReadResult::Entries(vec![("b1".into(), "x".into())])]);
        assert_eq!(res.take_entries(r).unwrap(), vec![("b1".to_string(), "x".to_string())]);
        assert_eq!(res.take_values(g).unwrap(), vec![Some("1".to_string())]);
        let e = res.take_values(g).unwrap_err();
        assert_eq!((e.code, e.message.as_str()), (ErrorCode::Internal, "read 0 (a get) was taken twice"));

        // The shapes swapped, or a result missing: errors, never an empty list.
        let mut swapped = Results::new(vec![ReadResult::Entries(Vec::new()), ReadResult::Values(Vec::new())]);
        assert_eq!(swapped.take_values(g).unwrap_err().message, "read 0 is a get, and came back as a range");
        assert_eq!(swapped.take_entries(r).unwrap_err().message, "read 1 is a range, and came back as a get");
        let mut short = Results::new(vec![ReadResult::Values(Vec::new())]);
        assert_eq!(short.take_entries(r).unwrap_err().message, "read 1 (a range) has no result: 1 came back");
        // A get answered with fewer values than it asked keys for: an error too.
        assert_eq!(short.take_values(g).unwrap_err().message, "read 0 asked for 1 keys, and 0 values came back");
        let mut two = Reads::new();
        let pair = two.get(vec!["a".into(), "b".into()]);
        let mut res = Results::new(vec![ReadResult::Values(vec![None, Some("2".into())])]);
        assert_eq!(res.take_array::<2>(pair).unwrap(), [None, Some("2".to_string())]);
        assert_eq!(Results::new(Vec::new()).take_array::<3>(pair).unwrap_err().message, "read 0 asked for 2 keys, not 3");
    }
}
