//! Whether a record from outside (a snapshot to restore, fixtures) is one this engine could have
//! written: its key in the layout (`keys.rs`), its value through the decoders the engine reads it
//! with, no character U+0000–U+0003 (the separators of boundary format 1: no record of this engine
//! holds one, its JSON escapes them), sizes bounded. A
//! snapshot is checked whole before anything of it is written, so that a bad record is a clear
//! error naming it, not a `STORAGE_CORRUPT` at some later workflow step.
//!
//! The small state (`m/…`) is checked here for its key and characters, and decoded by opening the
//! snapshot in a store of its own (the host does that after this check).

use crate::error::{Error, ErrorCode, Result};
use crate::keys::{self, PageId, PageRecord, Rec, Scope, PAGE};
use crate::model::Queue;
use crate::pages::Page;
use crate::records::IdList;

/// Longest key a record may have (the layout's longest are journal keys of 64-character names
/// and quarantine keys of escaped addresses).
pub const MAX_KEY_BYTES: usize = 1024;

/// Largest value a record may have: a page of 128 events whose ctx is at the largest limit the
/// configuration allows stays under it.
pub const MAX_VALUE_BYTES: usize = 16 * 1024 * 1024;

fn bad(key: &str, why: impl std::fmt::Display) -> Error {
    Error::new(ErrorCode::InvalidArgument, format!("{} {why}", keys::record_name(key)))
}

fn framing(s: &str) -> bool {
    s.bytes().any(|b| b <= 3)
}

/// Checks one record (see the module's doc). The error is `INVALID_ARGUMENT` naming the key.
pub fn check_record(key: &str, value: &str) -> Result<()> {
    if key.is_empty() || key.len() > MAX_KEY_BYTES {
        return Err(bad(key, format_args!("has a key of {} bytes (1 to {MAX_KEY_BYTES})", key.len())));
    }
    if value.len() > MAX_VALUE_BYTES {
        return Err(bad(key, format_args!("is {} bytes, over the limit of {MAX_VALUE_BYTES}", value.len())));
    }
    if framing(key) || framing(value) {
        return Err(bad(key, "holds a character U+0000 to U+0003, which no record of this engine holds"));
    }
    let decoded = |r: Result<()>| r.map_err(|e| bad(key, format_args!("does not decode: {}", e.message)));
    let not_layout = || bad(key, "is not a key of the storage layout (HACKING.md, \"Storage layout\")");
    let head = key.split('/').next().unwrap_or("");
    match head {
        "m" => Rec::parse(key).map(|_| ()).ok_or_else(not_layout),
        "e" | "h" => {
            let (id, rec) = keys::parse_page_key(key).ok_or_else(not_layout)?;
            decoded(check_page_record(id, rec, value))
        }
        "x" => {
            let scope = match key.get(..4) {
                Some("x/e/") => Scope::Exec,
                Some("x/h/") => Scope::Histo,
                _ => return Err(not_layout()),
            };
            let pg = keys::summary_page(key).ok_or_else(not_layout)?;
            let ii = instance(key, 4).ok_or_else(not_layout)?;
            let id = PageId { scope, ii, pg };
            if keys::summary_key(id) != key {
                return Err(not_layout());
            }
            decoded(Page::new(id).load_summary(Some(value)))
        }
        "d" | "t" | "u" | "c" => {
            let ii = instance(key, 2).ok_or_else(not_layout)?;
            let rebuilt = if head == "u" {
                // u/<ii>/<pg>/<n>
                let mut it = key.rsplit('/');
                let n = it.next().and_then(|n| u64::from_str_radix(n, 16).ok()).ok_or_else(not_layout)?;
                let pg = it.next().and_then(|p| u64::from_str_radix(p, 16).ok()).ok_or_else(not_layout)?;
                Some(keys::update_key(ii, pg, n))
            } else {
                let (time, n) = keys::parse_timed(key).ok_or_else(not_layout)?;
                match head {
                    "d" => [Queue::Rt, Queue::Batch].into_iter().map(|q| keys::due_key(ii, q, time, n)).find(|k| k == key),
                    "t" => Some(keys::wave_key(ii, time, n)),
                    _ => keys::parse_change_key(key).map(|_| key.to_string()),
                }
            };
            if rebuilt.as_deref() != Some(key) {
                return Err(not_layout());
            }
            decoded(IdList::decode(&key, value).map(|_| ()))
        }
        "q" => {
            // q/<ii>/<address, escaped as keys.rs escapes it>
            let address = key.get(5..).filter(|a| !a.is_empty() && instance(key, 2).is_some()).ok_or_else(not_layout)?;
            let b = address.as_bytes();
            let mut i = 0;
            while i < b.len() {
                match b[i] {
                    b'%' if b.len() > i + 2 && b[i + 1..i + 3].iter().all(|c| c.is_ascii_digit() || (b'A'..=b'F').contains(c)) => i += 3,
                    c if c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'@' | b'+' | b'-') => i += 1,
                    _ => return Err(not_layout()),
                }
            }
            decoded(crate::records::from_json::<crate::records::QuarantineEntry>(&key, value).map(|_| ()))
        }
        "j" => {
            let mut parts = key.splitn(4, '/').skip(1);
            let (Some(inst), Some(wf), Some(run)) = (parts.next(), parts.next(), parts.next()) else { return Err(not_layout()) };
            let run = u32::from_str_radix(run, 16).ok().filter(|_| run.len() == 8).ok_or_else(not_layout)?;
            if keys::journal_key(inst, wf, run) != key {
                return Err(not_layout());
            }
            decoded(crate::records::from_json::<crate::state::RunLog>(&key, value).map(|_| ()))
        }
        _ => Err(not_layout()),
    }
}

/// The execution instance id of a key whose two hex digits start at `at`.
fn instance(key: &str, at: usize) -> Option<u8> {
    let h = key.get(at..at + 2)?;
    if key.as_bytes().get(at + 2) != Some(&b'/') || !h.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return None;
    }
    u8::from_str_radix(h, 16).ok()
}

/// Decodes every line of a page record as the engine reads them.
fn check_page_record(id: PageId, rec: PageRecord, value: &str) -> Result<()> {
    let mut p = Page::new(id);
    p.load_record(rec, value.to_string())?;
    let slots = 0..PAGE as u8;
    match rec {
        PageRecord::State => {
            for s in slots {
                p.state(s)?;
            }
        }
        PageRecord::Logs => {
            for s in slots {
                p.log(s)?;
            }
        }
        PageRecord::Data(first) => {
            for s in first..PAGE as u8 {
                p.data(s)?;
            }
        }
        PageRecord::Message(_) => {
            for s in slots {
                p.message(s)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_outside_the_layout_or_that_do_not_decode_are_named() {
        let cases: &[(&str, &str, &str)] = &[
            ("zz/1", "x", "not a key of the storage layout"),
            ("c/01/zz", "1", "not a key of the storage layout"),
            ("e/01/0000000000000/zz", "x", "not a key of the storage layout"),
            ("m/nothing", "{}", "not a key of the storage layout"),
            ("c/01/000000000000/0000000000000001", "not a list", "does not decode"),
            ("d/01/r/000000000000/0000000000000001", "1,\u{1}2", "U+0000 to U+0003"),
            ("e/01/0000000000000/s", "{\"q\":\u{0}}", "U+0000 to U+0003"),
            ("e/01/0000000000000/s", "garbage", "does not decode"),
            ("q/01/a@example.com", "{}", "does not decode"),
            ("", "x", "has a key of 0 bytes"),
        ];
        for (k, v, why) in cases {
            let e = check_record(k, v).expect_err(k);
            assert_eq!(e.code, ErrorCode::InvalidArgument, "{k}");
            assert!(e.message.contains(why), "{k}: {}", e.message);
        }
        let big = "1,".repeat(MAX_VALUE_BYTES / 2 + 1);
        assert!(check_record("c/01/000000000000/0000000000000001", &big).unwrap_err().message.contains("over the limit"));
        assert!(check_record(&"m/tpl/".repeat(300), "{}").unwrap_err().message.contains("has a key of"));
    }

    #[test]
    fn records_the_engine_writes_pass() {
        for (k, v) in [
            ("c/01/000000000000/0000000000000001", "1-3,7"),
            ("d/01/b/000000000000/0000000000000002", "4"),
            ("t/02/000000000abc/0000000000000003", "5"),
            ("u/01/0000000000000/0000000000000004", "0-127"),
            ("m/tpl/orderConf", "{}"),
        ] {
            check_record(k, v).unwrap_or_else(|e| panic!("{k}: {}", e.message));
        }
    }
}
