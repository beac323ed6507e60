//! The bulk boundary format, version `VERSION`: how records cross between the shell and the core
//! in one string per call (one copy, no JSON inside JSON). Everything else (requests, results,
//! the read requests of a step) crosses as typed objects.
//!
//! - Read results, answering the reads of a step in order: one part per read, separated by
//!   `PART`. A `get` part is its values separated by `SEP`, `ABSENT` for a missing one; a `range`
//!   part is key, value, key, value… separated by `SEP`.
//! - Writes of a step: the puts (key, value, … separated by `SEP`), `PART`, the deletes (keys
//!   separated by `SEP`).
//! - The small state at open is a range part.
//!
//! The invariant that makes this safe: keys are printable ASCII and values are our JSON (which
//! escapes every control character) or plain ASCII, so the separators never occur inside a
//! field. It is checked, not assumed: `encode_writes` refuses a field holding one, and a read
//! result whose fields do not match the reads is refused.

use crate::error::{Error, ErrorCode, Result};
use crate::io::Writes;
use crate::io::{ReadReq, ReadResult};

/// The version of this format (the shell states the one it speaks at open).
pub const VERSION: u32 = 1;
/// Separates the fields of a part.
pub const SEP: char = '\u{1}';
/// Stands for an absent value in a `get` part.
pub const ABSENT: char = '\u{2}';
/// Separates the parts.
pub const PART: char = '\u{3}';

/// Whether a byte below 4 (a separator, or NUL) occurs: 8 bytes at a time (`x - 0x04…` borrows
/// into the top bit of every byte below 4 that does not have it set already).
fn has_separator(s: &str) -> bool {
    const LO: u64 = 0x0404_0404_0404_0404;
    const HI: u64 = 0x8080_8080_8080_8080;
    let b = s.as_bytes();
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        let x = u64::from_le_bytes(w);
        if x.wrapping_sub(LO) & !x & HI != 0 {
            return true;
        }
    }
    chunks.remainder().iter().any(|b| *b <= 3)
}

/// Encodes the writes of a step. A field holding a separator is an internal error (the
/// invariant above is broken): nothing is written.
pub fn encode_writes(w: &Writes) -> Result<String> {
    let size: usize = w.iter().map(|(k, v)| k.len() + v.as_ref().map_or(0, String::len) + 2).sum();
    let mut out = String::with_capacity(size + 1);
    let mut first = true;
    for (k, v) in w.iter() {
        let Some(v) = v else { continue };
        check_field(k)?;
        check_field(v)?;
        if !first {
            out.push(SEP);
        }
        first = false;
        out.push_str(k);
        out.push(SEP);
        out.push_str(v);
    }
    out.push(PART);
    let mut first = true;
    for (k, v) in w.iter() {
        if v.is_some() {
            continue;
        }
        check_field(k)?;
        if !first {
            out.push(SEP);
        }
        first = false;
        out.push_str(k);
    }
    Ok(out)
}

fn check_field(s: &str) -> Result<()> {
    if has_separator(s) {
        let at = s.bytes().position(|b| b <= 3).unwrap_or(0);
        return Err(Error::new(
            ErrorCode::Internal,
            format!(
                "a record holds a control character (U+{:04X}) at byte {at}: {}",
                s.as_bytes().get(at).copied().unwrap_or(0),
                crate::tree::excerpt(s)
            ),
        ));
    }
    Ok(())
}

/// Encodes read results (what the shell sends; the native driver and tests use it too).
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
            ReadResult::Entries(es) => encode_entries_into(&mut out, es),
        }
    }
    out
}

/// Encodes entries as a range part.
pub fn encode_entries(es: &[(String, String)]) -> String {
    let mut out = String::new();
    encode_entries_into(&mut out, es);
    out
}

fn encode_entries_into(out: &mut String, es: &[(String, String)]) {
    for (j, (k, v)) in es.iter().enumerate() {
        if j > 0 {
            out.push(SEP);
        }
        out.push_str(k);
        out.push(SEP);
        out.push_str(v);
    }
}

fn bad(what: String) -> Error {
    Error::new(ErrorCode::InvalidArgument, format!("read results: {what}"))
}

/// A stored value as storage gave it: one holding a control character the framing uses (U+0000 to
/// U+0003) was garbled in storage. Drivers check what they read with it before they frame it
/// (a separator would make other records of its fields); the decoder checks what got through. The core never writes one, and would
/// refuse to write it back (`encode_writes`), so it is refused as it is read, with its key.
pub fn stored(key: &str, v: &str) -> Result<()> {
    if !has_separator(v) {
        return Ok(());
    }
    let at = v.bytes().position(|b| b <= 3).unwrap_or(0);
    Err(Error::new(
        ErrorCode::StorageCorrupt,
        format!(
            "stored record {key} holds a control character (U+{:04X}) at byte {at}: {}",
            v.as_bytes().get(at).copied().unwrap_or(0),
            crate::tree::excerpt(v)
        ),
    ))
}

/// Decodes a range part.
pub fn decode_entries(part: &str) -> Result<Vec<(String, String)>> {
    let mut es = Vec::new();
    if !part.is_empty() {
        let mut it = part.split(SEP);
        while let Some(k) = it.next() {
            let v = it.next().ok_or_else(|| bad("a range entry has a key and no value".into()))?;
            if k.is_empty() || k.contains(ABSENT) || k.contains(PART) {
                return Err(bad("a range entry has an empty or invalid key".into()));
            }
            es.push((k.to_string(), v.to_string()));
        }
    }
    Ok(es)
}

/// Decodes the results of `reads`. Results that do not frame are refused (a stored value holding
/// a framing character is refused by the driver, with its key, before it frames it).
pub fn decode_results(reads: &[ReadReq], text: &str) -> Result<Vec<ReadResult>> {
    let parts: Vec<&str> = if reads.is_empty() { Vec::new() } else { text.split(PART).collect() };
    if parts.len() != reads.len() || (reads.is_empty() && !text.is_empty()) {
        return Err(bad(format!(
            "expected {} parts, got {}",
            reads.len(),
            if reads.is_empty() { usize::from(!text.is_empty()) } else { parts.len() }
        )));
    }
    let mut out = Vec::with_capacity(parts.len());
    for (req, part) in reads.iter().zip(parts) {
        match req {
            ReadReq::Get { keys } => {
                let raw: Vec<&str> = if keys.is_empty() {
                    if !part.is_empty() {
                        return Err(bad("values for a get of no key".into()));
                    }
                    Vec::new()
                } else {
                    part.split(SEP).collect()
                };
                if raw.len() != keys.len() {
                    return Err(bad(format!("{} values for {} keys", raw.len(), keys.len())));
                }
                let mut vs = Vec::with_capacity(raw.len());
                for (k, v) in keys.iter().zip(raw) {
                    if v.len() == 1 && v.as_bytes()[0] == ABSENT as u8 {
                        vs.push(None);
                    } else if v.contains(ABSENT) {
                        return Err(bad("a value holds the absent marker".into()));
                    } else {
                        stored(k, v)?;
                        vs.push(Some(v.to_string()));
                    }
                }
                out.push(ReadResult::Values(vs));
            }
            ReadReq::Range { gte, lt, limit } => {
                let es = decode_entries(part)?;
                if let Some(k) = es
                    .iter()
                    .map(|(k, _)| k.as_str())
                    .zip(std::iter::once("").chain(es.iter().map(|(k, _)| k.as_str())))
                    .find_map(|(k, prev)| (k < gte.as_str() || k >= lt.as_str() || (!prev.is_empty() && k <= prev)).then_some(k))
                {
                    return Err(bad(format!(
                        "the range [{gte}, {lt}) holds {} out of order or out of its bounds",
                        crate::tree::excerpt(k)
                    )));
                }
                if es.len() > *limit as usize {
                    return Err(bad(format!("{} entries for a range of at most {limit}", es.len())));
                }
                // Once the entries frame (a key shifted by a separator would be named otherwise).
                for (k, v) in &es {
                    stored(k, v)?;
                }
                out.push(ReadResult::Entries(es));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_round_trip() {
        let reads = vec![
            ReadReq::Get { keys: vec!["a".into(), "b".into()] },
            ReadReq::Range { gte: "a".into(), lt: "z".into(), limit: 5 },
            ReadReq::Get { keys: vec![] },
        ];
        let res = vec![
            ReadResult::Values(vec![Some("1".into()), None]),
            ReadResult::Entries(vec![("k".into(), "v".into()), ("k2".into(), String::new())]),
            ReadResult::Values(vec![]),
        ];
        let text = encode_results(&res);
        assert_eq!(decode_results(&reads, &text).unwrap(), res);
    }

    #[test]
    fn malformed_results_are_refused() {
        let reads = vec![ReadReq::Range { gte: "a".into(), lt: "z".into(), limit: 1 }, ReadReq::Get { keys: vec!["a".into()] }];
        for bad in ["", "k\u{1}v", "k\u{1}v\u{1}k2\u{1}v2\u{3}x", "k\u{3}a\u{1}b", "\u{1}v\u{3}x", "k\u{1}v\u{3}x\u{2}y"] {
            assert_eq!(decode_results(&reads, bad).unwrap_err().code, ErrorCode::InvalidArgument, "{bad:?}");
        }
        assert_eq!(decode_results(&[], "x").unwrap_err().code, ErrorCode::InvalidArgument);
        assert!(decode_results(&[], "").unwrap().is_empty());
    }

    #[test]
    fn a_stored_value_with_a_nul_is_corrupt_and_named() {
        let reads =
            vec![ReadReq::Get { keys: vec!["a".into(), "m/x".into()] }, ReadReq::Range { gte: "a".into(), lt: "z".into(), limit: 5 }];
        let e = decode_results(&reads, "1\u{1}b\u{0}c\u{3}").unwrap_err();
        assert_eq!(e.code, ErrorCode::StorageCorrupt);
        assert!(e.message.contains("m/x") && e.message.contains("byte 1"), "{e}");
        let e = decode_results(&reads, "1\u{1}2\u{3}e/01/s\u{1}{\u{0}}").unwrap_err();
        assert_eq!(e.code, ErrorCode::StorageCorrupt);
        assert!(e.message.contains("e/01/s"), "{e}");
    }

    #[test]
    fn range_entries_ascend_within_their_bounds() {
        let range = vec![ReadReq::Range { gte: "c/".into(), lt: "c0".into(), limit: 10 }];
        for bad in ["c/1\u{1}x\u{1}garbage\u{1}y", "c/2\u{1}x\u{1}c/1\u{1}y", "c/1\u{1}x\u{1}c/1\u{1}y", "d/1\u{1}x"] {
            let e = decode_results(&range, bad).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidArgument, "{bad:?}");
            assert!(e.message.contains("out of order or out of its bounds"), "{e}");
        }
        assert_eq!(decode_results(&range, "c/1\u{1}x\u{1}c/2\u{1}y").unwrap().len(), 1);
    }

    #[test]
    fn a_stored_value_with_a_framing_character_is_corrupt_and_named() {
        // What gets through the framing: U+0002 inside a range value, U+0000 anywhere.
        let range = vec![ReadReq::Range { gte: "c/".into(), lt: "c0".into(), limit: 10 }];
        let e = decode_results(&range, "c/1\u{1}x\u{2}y").unwrap_err();
        assert_eq!(e.code, ErrorCode::StorageCorrupt);
        assert!(e.message.contains("stored record c/1 holds a control character (U+0002)"), "{e}");
        let get = vec![ReadReq::Get { keys: vec!["m/a".into(), "m/b".into()] }];
        let e = decode_results(&get, "1\u{1}2\u{0}").unwrap_err();
        assert_eq!(e.code, ErrorCode::StorageCorrupt);
        assert!(e.message.contains("stored record m/b holds a control character (U+0000)"), "{e}");
        // The drivers' check, before they frame.
        for c in ['\u{0}', '\u{1}', '\u{2}', '\u{3}'] {
            let e = stored("e/01/s", &format!("{{{c}}}")).unwrap_err();
            assert_eq!(e.code, ErrorCode::StorageCorrupt);
            assert!(e.message.contains(&format!("stored record e/01/s holds a control character (U+000{})", c as u32)), "{e}");
        }
        assert!(stored("e/01/s", "{\"a\":\"\\u0001\"}").is_ok(), "an escaped one is text");
    }

    #[test]
    fn separators_are_found_anywhere() {
        for len in 0..40 {
            let clean: String = (0..len).map(|i| char::from(b"azAZ09{}\x04\x7f"[i % 10])).collect();
            assert!(!has_separator(&clean), "{clean:?}");
            for at in 0..len {
                for sep in ['\u{0}', '\u{1}', '\u{2}', '\u{3}'] {
                    let mut v: Vec<char> = clean.chars().collect();
                    v[at] = sep;
                    let t: String = v.into_iter().collect();
                    assert!(has_separator(&t), "{t:?}");
                }
            }
        }
        assert!(!has_separator("é€😀 non-ASCII is fine"));
    }

    #[test]
    fn writes_with_a_separator_are_refused() {
        let mut w = Writes::default();
        w.put("k".into(), "v".into());
        w.del("d".into());
        assert_eq!(encode_writes(&w).unwrap(), "k\u{1}v\u{3}d");
        w.put("k2".into(), "bad\u{1}value".into());
        let e = encode_writes(&w).unwrap_err();
        assert_eq!(e.code, ErrorCode::Internal);
        assert!(e.message.contains("U+0001"), "{}", e.message);
    }
}
