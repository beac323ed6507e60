//! What a snapshot of a store holds (`records()` in the JS API: the browser app's sandbox export
//! and the service's `/__mc/snapshot`), and how one is restored into a store, as far as secrets
//! and sessions go: a snapshot holds no secret and no live session, and a restored snapshot keeps
//! the operators of the store it replaces.
//!
//! Both work on keys (and, to restore, the snapshot's settings record), and answer edits: for a
//! key, the value to hold instead, or none to leave the record out; a key not answered is kept as
//! it is. So the shell moves records in bulk and the core decides which ones change.

use serde_json::Value;

use crate::keys::Rec;
use crate::state::{Settings, State};

/// A snapshot's record in place of a stored one: `(key, None)` leaves it out.
pub type RecordEdit = (String, Option<String>);

fn is_session(rec: &Rec) -> bool {
    matches!(rec, Rec::Session(_) | Rec::LegacySessions)
}

/// For these keys of the store (in any order, any number), what its snapshot holds instead:
/// sessions left out, the settings with operators stripped of every secret (their hashes
/// included: `Config::without_secrets`).
pub fn snapshot_edits(st: &State, keys: &[String]) -> crate::error::Result<Vec<RecordEdit>> {
    let mut out = Vec::new();
    for k in keys {
        match Rec::parse(k) {
            Some(r) if is_session(&r) => out.push((k.clone(), None)),
            Some(Rec::Settings) => {
                let s = Settings { seed: st.seed.to_string(), config: st.config.without_secrets() };
                out.push((k.clone(), Some(crate::records::to_json(&s)?)));
            }
            _ => {}
        }
    }
    Ok(out)
}

/// For the records of a snapshot to restore into this store, the edits that keep this store's
/// operators and trusted ranges (its security zone: a snapshot from elsewhere must not open it)
/// in the snapshot's settings, and leave out any session. A settings record that is not a JSON
/// object is kept as it is: opening the restored store refuses it.
pub fn restore_edits(st: &State, records: &[(String, String)]) -> Vec<RecordEdit> {
    records
        .iter()
        .filter_map(|(k, v)| match Rec::parse(k)? {
            r if is_session(&r) => Some((k.clone(), None)),
            Rec::Settings => {
                let mut s: Value = serde_json::from_str(v).ok()?;
                let config = s.get_mut("config")?.as_object_mut()?;
                config.insert("operators".into(), serde_json::to_value(&st.config.operators).ok()?);
                config.insert("trustedRanges".into(), serde_json::to_value(&st.config.trusted_ranges).ok()?);
                Some((k.clone(), Some(s.to_string())))
            }
            _ => None,
        })
        .collect()
}
