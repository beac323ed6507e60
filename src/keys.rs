//! The storage layout: every key the core reads or writes. Keys are ASCII, so JavaScript's string
//! order (IndexedDB's) and Rust's byte order agree. Fixed-width hex keeps numeric order.
//!
//! | prefix | record |
//! | --- | --- |
//! | `m/…` | small state (clock, config, topology, catalogue, workflows, counters) |
//! | `e/<id>` | event (execution instance) |
//! | `b/<id>` | delivery log (same id as its event) |
//! | `d/<ii>/<q>/<time>/<id>` | due index: Pending events by "process requested on" |
//! | `t/<ii>/<time>/<id>` | MTA queue: delivery logs by next action time |
//! | `u/<ii>/<id>` | delivery logs whose status `updateEventsStatus` has to copy |
//! | `c/<ii>/<seq>` | change log read by `mcSynch_<account>` (value: the id) |
//! | `q/<ii>/<address>` | quarantine and denylist of an execution instance |
//! | `x/<scope>/<kind>/<value>/<inv time>/<inv id>` | status-list indexes, newest first |
//! | `h/<id>`, `hb/<id>` | control: archived event, archived delivery log |
//! | `j/<scope>/<workflow>/<run>` | workflow journal |

use crate::input::Queue;

/// Largest time a key can hold (12 hex digits of ms: year 10889).
pub const MAX_TIME: i64 = 0xFFFF_FFFF_FFFF;

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends the `width` low hex digits of `v` (keys are built on every write: no `format!`).
fn push_hex(out: &mut String, v: u64, width: u32) {
    for i in (0..width).rev() {
        out.push(HEX[((v >> (i * 4)) & 0xf) as usize] as char);
    }
}

/// `prefix` followed by hex fields, each preceded by `/` except the first.
fn key(prefix: &str, fields: &[(u64, u32)]) -> String {
    let mut s = String::with_capacity(prefix.len() + fields.iter().map(|f| f.1 as usize + 1).sum::<usize>());
    s.push_str(prefix);
    for (i, (v, w)) in fields.iter().enumerate() {
        if i > 0 {
            s.push('/');
        }
        push_hex(&mut s, *v, *w);
    }
    s
}

/// 16 hex digits of an id.
pub fn id_hex(id: u64) -> String {
    key("", &[(id, 16)])
}

/// 12 hex digits of a time, clamped to the key range.
pub fn time_hex(t: i64) -> String {
    key("", &[(t.clamp(0, MAX_TIME) as u64, 12)])
}

/// 2 hex digits of an execution instance id.
pub fn ii(exec_id: u8) -> String {
    key("", &[(u64::from(exec_id), 2)])
}

fn q(queue: Queue) -> &'static str {
    match queue {
        Queue::Rt => "r",
        Queue::Batch => "b",
    }
}

/// An event.
pub fn event(id: u64) -> String {
    key("e/", &[(id, 16)])
}

/// A delivery log.
pub fn broadlog(id: u64) -> String {
    key("b/", &[(id, 16)])
}

/// An archived event on the control.
pub fn histo_event(id: u64) -> String {
    key("h/", &[(id, 16)])
}

/// An archived delivery log on the control.
pub fn histo_broadlog(id: u64) -> String {
    key("hb/", &[(id, 16)])
}

/// Prefix of the due index of one queue of one instance.
pub fn due_prefix(exec_id: u8, queue: Queue) -> String {
    format!("d/{}/{}/", ii(exec_id), q(queue))
}

/// Due-index entry.
pub fn due(exec_id: u8, queue: Queue, at: i64, id: u64) -> String {
    key(&due_prefix(exec_id, queue), &[(at.clamp(0, MAX_TIME) as u64, 12), (id, 16)])
}

/// Prefix of the MTA queue of one instance.
pub fn mta_prefix(exec_id: u8) -> String {
    format!("t/{}/", ii(exec_id))
}

/// MTA queue entry.
pub fn mta(exec_id: u8, at: i64, id: u64) -> String {
    key(&mta_prefix(exec_id), &[(at.clamp(0, MAX_TIME) as u64, 12), (id, 16)])
}

/// Prefix of the status-update queue.
pub fn upd_prefix(exec_id: u8) -> String {
    format!("u/{}/", ii(exec_id))
}

/// Status-update entry.
pub fn upd(exec_id: u8, id: u64) -> String {
    key(&upd_prefix(exec_id), &[(id, 16)])
}

/// Prefix of the change log.
pub fn chg_prefix(exec_id: u8) -> String {
    format!("c/{}/", ii(exec_id))
}

/// Change-log entry.
pub fn chg(exec_id: u8, seq: u64) -> String {
    key(&chg_prefix(exec_id), &[(seq, 16)])
}

/// Quarantine entry.
pub fn quarantine(exec_id: u8, address: &str) -> String {
    format!("q/{}/{}", ii(exec_id), escape(&address.to_ascii_lowercase()))
}

/// Journal entry.
pub fn journal(scope: &str, workflow: &str, run: u32) -> String {
    format!("j/{scope}/{workflow}/{run:08x}")
}

/// The upper bound of every key that starts with `prefix` (prefixes end in `/`; `0` follows `/`).
pub fn prefix_end(prefix: &str) -> String {
    let mut s = prefix.to_string();
    if s.ends_with('/') {
        s.pop();
        s.push('0');
    } else {
        s.push('\u{7f}');
    }
    s
}

/// Percent-encodes everything but `[A-Za-z0-9._@+-]`, so index values are ASCII without `/`.
pub fn escape(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'@' | b'+' | b'-') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Scope of the status list: an execution instance, or the control's history.
pub fn scope_exec(exec_id: u8) -> String {
    format!("i{}", ii(exec_id))
}

/// Scope of the control's event history.
pub const SCOPE_HISTO: &str = "h";

/// Index kinds of the status list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexKind {
    /// Every event.
    All,
    /// By status code.
    Status,
    /// By event type.
    Type,
    /// By address (email, phone, token), lower-cased.
    Address,
}

impl IndexKind {
    fn tag(self) -> &'static str {
        match self {
            IndexKind::All => "a",
            IndexKind::Status => "s",
            IndexKind::Type => "y",
            IndexKind::Address => "m",
        }
    }
}

/// Prefix of one index value: `x/<scope>/<kind>/<value>/`.
pub fn index_prefix(scope: &str, kind: IndexKind, value: &str) -> String {
    format!("x/{scope}/{}/{}/", kind.tag(), escape(value))
}

/// The part of an index key that orders it newest first.
pub fn index_suffix(created: i64, id: u64) -> String {
    key("", &[((MAX_TIME - created.clamp(0, MAX_TIME)) as u64, 12), (u64::MAX - id, 16)])
}

/// Reads the id back from an index key.
pub fn id_from_index_key(key: &str) -> Option<u64> {
    let inv = key.rsplit('/').next()?;
    u64::from_str_radix(inv, 16).ok().map(|v| u64::MAX - v)
}

/// Reads the id at the end of a `…/<16 hex>` key.
pub fn id_from_tail(key: &str) -> Option<u64> {
    let tail = key.rsplit('/').next()?;
    if tail.len() != 16 {
        return None;
    }
    u64::from_str_radix(tail, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_keys_sort_newest_first_and_round_trip() {
        let p = index_prefix("i01", IndexKind::All, "");
        let older = format!("{p}{}", index_suffix(1_000, 5));
        let newer = format!("{p}{}", index_suffix(2_000, 6));
        assert!(newer < older);
        let same_ms_higher_id = format!("{p}{}", index_suffix(1_000, 7));
        assert!(same_ms_higher_id < older);
        assert_eq!(id_from_index_key(&older), Some(5));
    }

    #[test]
    fn hex_keys_match_format() {
        for v in [0u64, 1, 0xab, u64::MAX, 1 << 56] {
            assert_eq!(id_hex(v), format!("{v:016x}"));
            assert_eq!(due(3, Queue::Batch, 1_700_000_000_000, v), format!("d/03/b/{:012x}/{v:016x}", 1_700_000_000_000u64));
        }
        assert_eq!(time_hex(-5), "000000000000");
        assert_eq!(time_hex(i64::MAX), "ffffffffffff");
        assert_eq!(ii(255), "ff");
    }

    #[test]
    fn escaping_keeps_keys_ascii_and_slash_free() {
        assert_eq!(escape("a/b é"), "a%2Fb%20%C3%A9");
        assert_eq!(prefix_end("d/01/r/"), "d/01/r0");
        assert!("d/01/r/ffffffffffff/ffffffffffffffff" < prefix_end("d/01/r/").as_str());
        assert_eq!(id_from_tail(&event(42)), Some(42));
    }
}
