//! Writing events and delivery logs with everything that goes with them: status-list indexes,
//! counters (so counting never scans), the change log read by archiving. One place, so that no
//! step can forget an index.

use crate::engine::Engine;
use crate::error::{Error, ErrorCode, Result};
use crate::keys::{self, IndexKind};
use crate::model::{BroadLogRecord, EventRecord};
use crate::state::{counter_key, InstMeta};

fn index_keys(scope: &str, ev: &EventRecord) -> Vec<String> {
    let suffix = keys::index_suffix(ev.created, ev.id);
    let mut v = vec![
        format!("{}{suffix}", keys::index_prefix(scope, IndexKind::All, "")),
        format!("{}{suffix}", keys::index_prefix(scope, IndexKind::Status, ev.status.name())),
        format!("{}{suffix}", keys::index_prefix(scope, IndexKind::Type, &ev.event_type)),
    ];
    for addr in [&ev.email, &ev.mobile_phone].into_iter().flatten() {
        v.push(format!("{}{suffix}", keys::index_prefix(scope, IndexKind::Address, &addr.to_ascii_lowercase())));
    }
    v
}

fn counter(ev: &EventRecord) -> String {
    counter_key(ev.queue, &ev.event_type, ev.wished_channel, ev.status)
}

/// Index entries and counter changes between two versions of an event in one scope. Only the
/// status of an event changes after it is created (type, addresses and creation time do not), so
/// an update touches the status entry and the counters alone.
fn reindex(
    eng: &mut Engine,
    scope: &str,
    counters: impl FnOnce(&mut Engine) -> &mut std::collections::BTreeMap<String, i64>,
    old: Option<&EventRecord>,
    new: Option<&EventRecord>,
) {
    match (old, new) {
        (None, None) => return,
        (None, Some(n)) => {
            for k in index_keys(scope, n) {
                eng.tx.put(k, String::new());
            }
        }
        (Some(o), None) => {
            for k in index_keys(scope, o) {
                eng.tx.del(k);
            }
        }
        (Some(o), Some(n)) => {
            if o.status == n.status && o.event_type == n.event_type && o.queue == n.queue && o.wished_channel == n.wished_channel {
                return;
            }
            debug_assert!(o.created == n.created && o.email == n.email && o.mobile_phone == n.mobile_phone && o.event_type == n.event_type);
            if o.status != n.status {
                let suffix = keys::index_suffix(n.created, n.id);
                eng.tx.del(format!("{}{suffix}", keys::index_prefix(scope, IndexKind::Status, o.status.name())));
                eng.tx.put(format!("{}{suffix}", keys::index_prefix(scope, IndexKind::Status, n.status.name())), String::new());
            }
        }
    }
    let old_c = old.map(counter);
    let new_c = new.map(counter);
    if old_c != new_c {
        let c = counters(eng);
        if let Some(k) = old_c {
            let n = c.entry(k.clone()).or_insert(0);
            *n -= 1;
            if *n <= 0 {
                c.remove(&k);
            }
        }
        if let Some(k) = new_c {
            *c.entry(k).or_insert(0) += 1;
        }
    }
}

fn inst_mut(eng: &mut Engine, exec_id: u8) -> &mut InstMeta {
    eng.touch(format!("m/inst/{exec_id:02x}"));
    eng.st.inst.entry(exec_id).or_default()
}

fn next_chg(eng: &mut Engine, exec_id: u8, old_seq: u64, id: u64) -> u64 {
    let now = eng.st.clock;
    let meta = inst_mut(eng, exec_id);
    meta.chg_seq += 1;
    let seq = meta.chg_seq;
    meta.chg_since = Some(meta.chg_since.map_or(now, |t| t.min(now)));
    if old_seq != 0 {
        eng.tx.del(keys::chg(exec_id, old_seq));
    }
    eng.tx.put(keys::chg(exec_id, seq), keys::id_hex(id));
    seq
}

/// Writes an event of an execution instance (`old` is what storage holds, None for a new one).
pub fn put_event(eng: &mut Engine, old: Option<&EventRecord>, ev: &mut EventRecord) {
    let exec_id = ev.exec_id();
    ev.chg_seq = next_chg(eng, exec_id, old.map_or(0, |o| o.chg_seq), ev.id);
    let scope = keys::scope_exec(exec_id);
    reindex(eng, &scope, |e| &mut inst_mut(e, exec_id).counters, old, Some(ev));
    eng.tx.put(keys::event(ev.id), to_json(ev));
}

/// Deletes an event of an execution instance, with its indexes, queue entries and change entry.
pub fn delete_event(eng: &mut Engine, ev: &EventRecord) {
    let exec_id = ev.exec_id();
    let scope = keys::scope_exec(exec_id);
    reindex(eng, &scope, |e| &mut inst_mut(e, exec_id).counters, Some(ev), None);
    eng.tx.del(keys::event(ev.id));
    eng.tx.del(keys::due(exec_id, ev.queue, ev.process_requested_on, ev.id));
    if ev.chg_seq != 0 {
        eng.tx.del(keys::chg(exec_id, ev.chg_seq));
    }
}

/// Writes a delivery log (with its change-log entry).
pub fn put_broadlog(eng: &mut Engine, old_chg_seq: u64, bl: &mut BroadLogRecord) {
    let exec_id = (bl.id >> 56) as u8;
    bl.chg_seq = next_chg(eng, exec_id, old_chg_seq, bl.id);
    eng.tx.put(keys::broadlog(bl.id), to_json(bl));
}

/// Deletes a delivery log with its queue entries.
pub fn delete_broadlog(eng: &mut Engine, bl: &BroadLogRecord) {
    let exec_id = (bl.id >> 56) as u8;
    eng.tx.del(keys::broadlog(bl.id));
    if let Some(t) = bl.next_action {
        eng.tx.del(keys::mta(exec_id, t, bl.id));
    }
    eng.tx.del(keys::upd(exec_id, bl.id));
    if bl.chg_seq != 0 {
        eng.tx.del(keys::chg(exec_id, bl.chg_seq));
    }
}

fn histo_counters(e: &mut Engine) -> &mut std::collections::BTreeMap<String, i64> {
    e.touch("m/control");
    &mut e.st.control.counters
}

/// Writes an archived event on the control (`old` = the archived version storage holds).
pub fn put_histo_event(eng: &mut Engine, old: Option<&EventRecord>, ev: &EventRecord) {
    reindex(eng, keys::SCOPE_HISTO, histo_counters, old, Some(ev));
    eng.tx.put(keys::histo_event(ev.id), to_json(ev));
}

/// Deletes an archived event and its archived delivery log.
pub fn delete_histo_event(eng: &mut Engine, ev: &EventRecord) {
    reindex(eng, keys::SCOPE_HISTO, histo_counters, Some(ev), None);
    eng.tx.del(keys::histo_event(ev.id));
    eng.tx.del(keys::histo_broadlog(ev.id));
}

/// Serializes one of our records (cannot fail for these plain structs).
pub fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// Decodes a stored record.
pub fn from_json<T: serde::de::DeserializeOwned>(key: &str, v: &str) -> Result<T> {
    serde_json::from_str(v).map_err(|e| Error::new(ErrorCode::StorageCorrupt, format!("record {key} does not decode: {e}")))
}

/// Lowers a "work may exist from" hint.
pub fn lower(hint: &mut Option<i64>, t: i64) {
    *hint = Some(hint.map_or(t, |h| h.min(t)));
}

/// Touches and returns an instance's meta.
pub fn meta(eng: &mut Engine, exec_id: u8) -> &mut InstMeta {
    inst_mut(eng, exec_id)
}
