//! The engine's cache of committed records: what it wrote, and what it read, so that a step does
//! not read again what an earlier step just wrote (a push reads the page the previous push
//! filled, routing the page push wrote, the MTA the delivery logs routing wrote…). Storage is
//! where records live; this only saves round trips to it, which cost far more than bytes (an
//! IndexedDB read is a transaction of its own).
//!
//! It is correct because the engine is the only writer of its storage (as for the small state it
//! holds in memory): records enter it when a read returns them or a write commits, and nothing
//! else changes them. Ranges enter as *complete*: a range read that returned fewer entries than
//! its limit says every key of the range, and the ops' knowledge says the same of a page they
//! create. A range is answered from the cache only inside a complete range. Bounded: over its
//! byte budget it is emptied.

use std::collections::BTreeMap;

use crate::io::Writes;
use crate::io::{ReadReq, ReadResult};

/// Committed records known to the engine.
#[derive(Debug, Default)]
pub(crate) struct RecordCache {
    /// Known values (None: known absent).
    map: BTreeMap<String, Option<String>>,
    /// Ranges `[gte, lt)` whose every record is in `map`, disjoint, sorted.
    complete: Vec<(String, String)>,
    /// Bytes held.
    bytes: usize,
    /// Budget.
    limit: usize,
    /// Reads answered from the cache, and asked of storage (for the benchmark).
    pub hits: u64,
    /// Reads asked of storage.
    pub misses: u64,
}

impl RecordCache {
    /// An empty cache of `limit` bytes.
    #[cfg(test)]
    pub fn new(limit: usize) -> RecordCache {
        RecordCache { limit, ..RecordCache::default() }
    }

    /// Whether it holds anything at all (a budget of 0 turns it off).
    pub fn enabled(&self) -> bool {
        self.limit > 0
    }

    /// Changes the budget.
    pub fn set_limit(&mut self, limit: usize) {
        self.limit = limit;
        if self.bytes > limit {
            self.clear();
        }
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        self.map.clear();
        self.complete.clear();
        self.bytes = 0;
    }

    fn set(&mut self, k: &str, v: Option<&str>) {
        let add = k.len() + v.map_or(0, str::len);
        match self.map.get_mut(k) {
            Some(old) => {
                self.bytes = self.bytes.saturating_sub(old.as_ref().map_or(0, String::len)) + v.map_or(0, str::len);
                *old = v.map(str::to_string);
            }
            None => {
                self.bytes += add;
                self.map.insert(k.to_string(), v.map(str::to_string));
            }
        }
    }

    fn is_complete(&self, gte: &str, lt: &str) -> bool {
        self.complete.iter().any(|(a, b)| a.as_str() <= gte && lt <= b.as_str())
    }

    fn mark_complete(&mut self, gte: &str, lt: &str) {
        if gte >= lt {
            return;
        }
        let mut a = gte.to_string();
        let mut b = lt.to_string();
        // Merge with every overlapping or touching range.
        self.complete.retain(|(x, y)| {
            if y.as_str() < a.as_str() || x.as_str() > b.as_str() {
                true
            } else {
                if x.as_str() < a.as_str() {
                    a = x.clone();
                }
                if y.as_str() > b.as_str() {
                    b = y.clone();
                }
                false
            }
        });
        let at = self.complete.partition_point(|(x, _)| x.as_str() < a.as_str());
        self.complete.insert(at, (a, b));
    }

    /// A range the cache knows only a first part of (`[gte, b)`, from a read that filled its
    /// limit): answered if that part holds `limit` entries, which are then the first ones.
    fn answer_prefix(&self, gte: &str, lt: &str, limit: u32) -> Option<ReadResult> {
        let (_, b) = self.complete.iter().find(|(a, b)| a.as_str() <= gte && gte < b.as_str())?;
        let end = if b.as_str() < lt { b.as_str() } else { lt };
        let es: Vec<(String, String)> = self
            .map
            .range::<str, _>((std::ops::Bound::Included(gte), std::ops::Bound::Excluded(end)))
            .filter_map(|(k, v)| v.as_ref().map(|v| (k.clone(), v.clone())))
            .take(limit as usize)
            .collect();
        (es.len() == limit as usize && limit > 0).then_some(ReadResult::Entries(es))
    }

    /// The answer to a read, if the cache holds it.
    fn answer(&self, r: &ReadReq) -> Option<ReadResult> {
        match r {
            ReadReq::Get { keys } => {
                let mut out = Vec::with_capacity(keys.len());
                for k in keys {
                    match self.map.get(k) {
                        Some(v) => out.push(v.clone()),
                        // Not there, inside a range known whole: absent.
                        None if self.complete.iter().any(|(a, b)| a.as_str() <= k.as_str() && k.as_str() < b.as_str()) => out.push(None),
                        None => return None,
                    }
                }
                Some(ReadResult::Values(out))
            }
            ReadReq::Range { gte, lt, limit } => {
                if gte >= lt {
                    return Some(ReadResult::Entries(Vec::new()));
                }
                if !self.is_complete(gte, lt) {
                    return self.answer_prefix(gte, lt, *limit);
                }
                let es = self
                    .map
                    .range::<str, _>((std::ops::Bound::Included(gte.as_str()), std::ops::Bound::Excluded(lt.as_str())))
                    .filter_map(|(k, v)| v.as_ref().map(|v| (k.clone(), v.clone())))
                    .take(*limit as usize)
                    .collect();
                Some(ReadResult::Entries(es))
            }
        }
    }

    /// Answers every read from the cache, or none.
    pub fn answer_all(&mut self, reads: &[ReadReq]) -> Option<Vec<ReadResult>> {
        if self.limit == 0 {
            return None;
        }
        let mut out = Vec::with_capacity(reads.len());
        for r in reads {
            match self.answer(r) {
                Some(a) => out.push(a),
                None => {
                    self.misses += 1;
                    return None;
                }
            }
        }
        self.hits += 1;
        Some(out)
    }

    /// Learns what storage answered.
    pub fn learn(&mut self, reads: &[ReadReq], results: &[ReadResult]) {
        if self.limit == 0 {
            return;
        }
        for (r, res) in reads.iter().zip(results) {
            match (r, res) {
                (ReadReq::Get { keys }, ReadResult::Values(vs)) => {
                    for (k, v) in keys.iter().zip(vs) {
                        self.set(k, v.as_deref());
                    }
                }
                (ReadReq::Range { gte, lt, limit }, ReadResult::Entries(es)) => {
                    for (k, v) in es {
                        self.set(k, Some(v));
                    }
                    // Every key of the range known: all of it if the read returned fewer entries
                    // than its limit, else from `gte` to the last one returned.
                    let known = if es.len() < *limit as usize {
                        lt.clone()
                    } else if let Some((last, _)) = es.last() {
                        format!("{last}\u{0}")
                    } else {
                        continue;
                    };
                    // Those returned, and no other.
                    let present: std::collections::BTreeSet<&str> = es.iter().map(|(k, _)| k.as_str()).collect();
                    let stale: Vec<String> = self
                        .map
                        .range::<str, _>((std::ops::Bound::Included(gte.as_str()), std::ops::Bound::Excluded(known.as_str())))
                        .filter(|(k, v)| v.is_some() && !present.contains(k.as_str()))
                        .map(|(k, _)| k.clone())
                        .collect();
                    for k in stale {
                        self.set(&k, None);
                    }
                    self.mark_complete(gte, &known);
                }
                _ => {}
            }
        }
        self.trim();
    }

    /// Learns a committed write; `empty` are ranges the operation knew to hold nothing before it.
    pub fn commit(&mut self, writes: &Writes, empty: &[(String, String)]) {
        if self.limit == 0 {
            return;
        }
        for (a, b) in empty {
            // The range held nothing: what it holds now is what was just written.
            let old: Vec<String> = self
                .map
                .range::<str, _>((std::ops::Bound::Included(a.as_str()), std::ops::Bound::Excluded(b.as_str())))
                .map(|(k, _)| k.clone())
                .collect();
            for k in old {
                self.set(&k, None);
            }
            self.mark_complete(a, b);
        }
        for (k, v) in writes.iter() {
            self.set(k, v.as_deref());
        }
        self.trim();
    }

    fn trim(&mut self) {
        if self.bytes > self.limit {
            self.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(keys: &[&str]) -> ReadReq {
        ReadReq::Get { keys: keys.iter().map(|k| k.to_string()).collect() }
    }

    fn range(a: &str, b: &str, limit: u32) -> ReadReq {
        ReadReq::Range { gte: a.into(), lt: b.into(), limit }
    }

    #[test]
    fn answers_only_what_it_knows() {
        let mut c = RecordCache::new(1 << 20);
        let reads = [get(&["a", "b"])];
        assert!(c.answer_all(&reads).is_none());
        c.learn(&reads, &[ReadResult::Values(vec![Some("1".into()), None])]);
        assert_eq!(c.answer_all(&reads), Some(vec![ReadResult::Values(vec![Some("1".into()), None])]));
        // A range is known only once read whole (fewer entries than the limit).
        let r = [range("k/", "k0", 2)];
        c.learn(&r, &[ReadResult::Entries(vec![("k/1".into(), "x".into()), ("k/2".into(), "y".into())])]);
        assert!(c.answer_all(&[range("k/", "k0", 3)]).is_none(), "two entries for a limit of two: maybe more");
        let r = [range("k/", "k0", 10)];
        c.learn(&r, &[ReadResult::Entries(vec![("k/1".into(), "x".into())])]);
        assert_eq!(c.answer_all(&[range("k/", "k0", 10)]), Some(vec![ReadResult::Entries(vec![("k/1".into(), "x".into())])]));
        assert_eq!(c.answer_all(&[range("k/0", "k/5", 10)]), Some(vec![ReadResult::Entries(vec![("k/1".into(), "x".into())])]));
        assert!(c.answer_all(&[range("j/", "k0", 10)]).is_none(), "not inside a complete range");
        assert_eq!(c.answer_all(&[get(&["k/9"])]), Some(vec![ReadResult::Values(vec![None])]), "absent, inside a complete range");
        assert!(c.answer_all(&[get(&["z"])]).is_none());
        // Committed writes update it, complete ranges included.
        let mut w = Writes::default();
        w.put("k/3".into(), "z".into());
        w.del("k/1".into());
        c.commit(&w, &[]);
        assert_eq!(c.answer_all(&[range("k/", "k0", 10)]), Some(vec![ReadResult::Entries(vec![("k/3".into(), "z".into())])]));
        // A range known empty before a write is complete after it.
        let mut w = Writes::default();
        w.put("p/1/s".into(), "s".into());
        c.commit(&w, &[("p/1/".into(), "p/10".into())]);
        assert_eq!(c.answer_all(&[range("p/1/", "p/10", 5)]), Some(vec![ReadResult::Entries(vec![("p/1/s".into(), "s".into())])]));
        // Over budget, it forgets.
        c.set_limit(1);
        assert!(c.answer_all(&reads).is_none());
    }

    #[test]
    fn a_range_that_filled_its_limit_is_known_up_to_its_last_key() {
        let mut c = RecordCache::new(1 << 20);
        // The first record of a queue after a time: one asked, one returned (more may follow).
        let r = [range("t/05", "t0", 1)];
        c.learn(&r, &[ReadResult::Entries(vec![("t/07".into(), "a".into())])]);
        assert_eq!(c.answer_all(&r), Some(vec![ReadResult::Entries(vec![("t/07".into(), "a".into())])]));
        assert_eq!(c.answer_all(&[range("t/06", "t0", 1)]), Some(vec![ReadResult::Entries(vec![("t/07".into(), "a".into())])]));
        assert!(c.answer_all(&[range("t/05", "t0", 2)]).is_none(), "what follows t/07 is not known");
        assert!(c.answer_all(&[range("t/04", "t0", 1)]).is_none(), "what precedes t/05 is not known");
        assert_eq!(c.answer_all(&[get(&["t/06"])]), Some(vec![ReadResult::Values(vec![None])]), "absent: between t/05 and t/07");
        // A record written inside the known part is known; once the one record is gone, the range is not.
        let mut w = Writes::default();
        w.put("t/06".into(), "b".into());
        c.commit(&w, &[]);
        assert_eq!(c.answer_all(&r), Some(vec![ReadResult::Entries(vec![("t/06".into(), "b".into())])]));
        let mut w = Writes::default();
        w.del("t/06".into());
        w.del("t/07".into());
        c.commit(&w, &[]);
        assert!(c.answer_all(&r).is_none());
    }
}
