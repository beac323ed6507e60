//! The bulk boundary format, version `VERSION`: how records cross between the shell and the core.
//! A call carries one text and one array of lengths: every field of the call concatenated, and
//! the length of each, so that a stored value may hold any character (no separator can occur in
//! it, and none is looked for). Everything else (requests, results, the read requests of a step)
//! crosses as typed objects.
//!
//! - **Lengths count UTF-16 code units**, what a JavaScript string's `length` is: free on the
//!   shell's side, which cuts the text it receives with `slice`. The core cuts a field of ASCII
//!   (the common case) by bytes and walks the characters of any other.
//! - **Read results**, answering the reads of a step in order: a `get` has one length per key,
//!   [`ABSENT`] for a missing value; a `range` has its number of entries, then each entry's key
//!   length and value length. The small state at open is a range.
//! - **Writes of a step**, in key order: each record's key length and value length, [`ABSENT`]
//!   for a record deleted.
//!
//! A result that does not match its reads (lengths or text left over or missing, a length that
//! cuts a character, a range out of its bounds, out of order or over its limit) is refused as
//! `INVALID_ARGUMENT` before anything is allocated for it; a value garbled in storage frames like
//! any other and is found by the decoder of its record, which names its key.

use crate::error::{Error, ErrorCode, Result};
use crate::io::Writes;
use crate::io::{ReadReq, ReadResult};

/// The version of this format (the shell states the one it speaks at open).
pub const VERSION: u32 = 2;
/// The length of a value that is absent (a `get` of a missing key; a write that deletes).
pub const ABSENT: u32 = u32::MAX;

/// Fields and their lengths, as they cross.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Framed {
    /// Every field, concatenated.
    pub text: String,
    /// The length of each field in UTF-16 code units (or a count, or [`ABSENT`]).
    pub lens: Vec<u32>,
}

impl Framed {
    fn push(&mut self, s: &str) -> Result<()> {
        self.lens.push(utf16_len(s)?);
        self.text.push_str(s);
        Ok(())
    }

    fn count(&mut self, n: usize) -> Result<()> {
        self.lens.push(u32::try_from(n).ok().filter(|n| *n != ABSENT).ok_or_else(|| too_long("a count"))?);
        Ok(())
    }
}

fn too_long(what: &str) -> Error {
    Error::new(ErrorCode::Internal, format!("{what} over 4,294,967,294 does not cross the boundary"))
}

/// The length of `s` in UTF-16 code units.
fn utf16_len(s: &str) -> Result<u32> {
    let n = if s.is_ascii() { s.len() } else { s.chars().map(char::len_utf16).sum() };
    u32::try_from(n).ok().filter(|n| *n != ABSENT).ok_or_else(|| too_long("a record"))
}

/// Encodes the writes of a step.
pub fn encode_writes(w: &Writes) -> Result<Framed> {
    let size: usize = w.iter().map(|(k, v)| k.len() + v.as_ref().map_or(0, String::len)).sum();
    let mut out = Framed { text: String::with_capacity(size), lens: Vec::with_capacity(2 * w.len()) };
    for (k, v) in w.iter() {
        out.push(k)?;
        match v {
            Some(v) => out.push(v)?,
            None => out.lens.push(ABSENT),
        }
    }
    Ok(out)
}

/// Decodes the writes of a step (the native drivers and tests; the shell does it in
/// js/boundary.js): (key, value) in order, None for a delete.
pub fn decode_writes(f: &Framed) -> Result<Vec<(String, Option<String>)>> {
    let mut r = Reader::new(&f.text, &f.lens);
    let mut out = Vec::new();
    while !r.done() {
        let k = r.field()?.to_string();
        let v = r.value()?.map(str::to_string);
        out.push((k, v));
    }
    r.end()?;
    Ok(out)
}

/// Encodes read results (what the shell sends; the native driver and tests use it too).
pub fn encode_results(results: &[ReadResult]) -> Result<Framed> {
    let mut out = Framed::default();
    for r in results {
        match r {
            ReadResult::Values(vs) => {
                for v in vs {
                    match v {
                        Some(v) => out.push(v)?,
                        None => out.lens.push(ABSENT),
                    }
                }
            }
            ReadResult::Entries(es) => encode_entries_into(&mut out, es)?,
        }
    }
    Ok(out)
}

/// Encodes entries as a range answer.
pub fn encode_entries(es: &[(String, String)]) -> Result<Framed> {
    let mut out = Framed::default();
    encode_entries_into(&mut out, es)?;
    Ok(out)
}

fn encode_entries_into(out: &mut Framed, es: &[(String, String)]) -> Result<()> {
    out.count(es.len())?;
    for (k, v) in es {
        out.push(k)?;
        out.push(v)?;
    }
    Ok(())
}

fn bad(what: String) -> Error {
    Error::new(ErrorCode::InvalidArgument, format!("read results: {what}"))
}

/// Cuts a text into fields by their lengths.
struct Reader<'a> {
    text: &'a str,
    pos: usize,
    lens: &'a [u32],
    next: usize,
}

impl<'a> Reader<'a> {
    fn new(text: &'a str, lens: &'a [u32]) -> Self {
        Reader { text, pos: 0, lens, next: 0 }
    }

    fn done(&self) -> bool {
        self.next == self.lens.len()
    }

    /// Lengths not read yet.
    fn left(&self) -> usize {
        self.lens.len() - self.next
    }

    fn len(&mut self) -> Result<u32> {
        let n = *self.lens.get(self.next).ok_or_else(|| bad(format!("the lengths end after {}", self.lens.len())))?;
        self.next += 1;
        Ok(n)
    }

    /// The next field, of the next length (not absent).
    fn field(&mut self) -> Result<&'a str> {
        let at = self.next;
        match self.len()? {
            ABSENT => Err(bad(format!("length {at} is absent where a key or entry is"))),
            n => self.cut(n, at),
        }
    }

    /// The next value, None when its length is absent.
    fn value(&mut self) -> Result<Option<&'a str>> {
        let at = self.next;
        match self.len()? {
            ABSENT => Ok(None),
            n => self.cut(n, at).map(Some),
        }
    }

    /// A count of at most `max` (and of no more items than lengths left, `per` each).
    fn count(&mut self, max: u32, per: usize) -> Result<usize> {
        let n = self.len()?;
        if n > max {
            return Err(bad(format!("{n} entries for a range of at most {max}")));
        }
        let n = n as usize;
        if n.saturating_mul(per) > self.left() {
            return Err(bad(format!("a range of {n} entries, and {} lengths left", self.left())));
        }
        Ok(n)
    }

    fn cut(&mut self, units: u32, at: usize) -> Result<&'a str> {
        let rest = &self.text[self.pos..];
        let units = units as usize;
        // ASCII: a unit is a byte.
        let bytes = match rest.as_bytes().get(..units) {
            Some(b) if b.is_ascii() => units,
            _ => {
                let mut seen = 0usize;
                let mut end = None;
                for (i, c) in rest.char_indices() {
                    if seen == units {
                        end = Some(i);
                        break;
                    }
                    seen += c.len_utf16();
                    if seen > units {
                        return Err(bad(format!("length {at} ({units}) cuts a character in two")));
                    }
                }
                match end {
                    Some(e) => e,
                    None if seen == units => rest.len(),
                    None => return Err(bad(format!("length {at} ({units}) runs past the end of the text"))),
                }
            }
        };
        self.pos += bytes;
        Ok(&rest[..bytes])
    }

    fn end(&self) -> Result<()> {
        if !self.done() {
            return Err(bad(format!("{} lengths left over", self.left())));
        }
        if self.pos != self.text.len() {
            return Err(bad(format!("{} bytes of text left over", self.text.len() - self.pos)));
        }
        Ok(())
    }
}

/// Decodes a range answer (entries only: the benchmark).
pub fn decode_entries(text: &str, lens: &[u32]) -> Result<Vec<(String, String)>> {
    let mut r = Reader::new(text, lens);
    let es = entries(&mut r, u32::MAX - 1)?;
    r.end()?;
    Ok(es)
}

fn entries(r: &mut Reader<'_>, limit: u32) -> Result<Vec<(String, String)>> {
    let n = r.count(limit, 2)?;
    let mut es = Vec::with_capacity(n);
    for _ in 0..n {
        let k = r.field()?;
        if k.is_empty() {
            return Err(bad("a range entry has an empty key".into()));
        }
        let at = r.next;
        let v = r.value()?.ok_or_else(|| bad(format!("length {at} is absent where a range entry's value is")))?;
        es.push((k.to_string(), v.to_string()));
    }
    Ok(es)
}

/// Decodes the results of `reads`. Results that do not match the reads are refused.
pub fn decode_results(reads: &[ReadReq], text: &str, lens: &[u32]) -> Result<Vec<ReadResult>> {
    let mut r = Reader::new(text, lens);
    let mut out = Vec::with_capacity(reads.len());
    for req in reads {
        match req {
            ReadReq::Get { keys } => {
                if keys.len() > r.left() {
                    return Err(bad(format!("{} values for {} keys", r.left(), keys.len())));
                }
                let mut vs = Vec::with_capacity(keys.len());
                for _ in keys {
                    vs.push(r.value()?.map(str::to_string));
                }
                out.push(ReadResult::Values(vs));
            }
            ReadReq::Range { gte, lt, limit } => {
                let es = entries(&mut r, *limit)?;
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
                out.push(ReadResult::Entries(es));
            }
        }
    }
    r.end()?;
    Ok(out)
}

/// Format 1's framing (fields separated by U+0001, parts by U+0003), kept for the
/// benchmark only, which measures it beside the lengths (`npm run bench`, section (b)).
#[cfg(feature = "bench")]
pub mod separated {
    const SEP: char = '\u{1}';

    /// Encodes entries as one separated string.
    pub fn encode_entries(es: &[(String, String)]) -> String {
        let mut out = String::new();
        for (j, (k, v)) in es.iter().enumerate() {
            if j > 0 {
                out.push(SEP);
            }
            out.push_str(k);
            out.push(SEP);
            out.push_str(v);
        }
        out
    }

    /// Decodes one separated string of entries, refusing a stored value that holds a separator
    /// (the check every stored value went through).
    pub fn decode_entries(part: &str) -> Option<Vec<(String, String)>> {
        let mut es = Vec::new();
        if !part.is_empty() {
            let mut it = part.split(SEP);
            while let Some(k) = it.next() {
                let v = it.next()?;
                if k.is_empty() || k.bytes().any(|b| b <= 3) || v.bytes().any(|b| b == 0 || b == 2 || b == 3) {
                    return None;
                }
                es.push((k.to_string(), v.to_string()));
            }
        }
        Some(es)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn framed(text: &str, lens: &[u32]) -> Framed {
        Framed { text: text.into(), lens: lens.to_vec() }
    }

    #[test]
    fn results_round_trip_with_any_character() {
        let reads = vec![
            ReadReq::Get { keys: vec!["a".into(), "b".into(), "c".into()] },
            ReadReq::Range { gte: "a".into(), lt: "z".into(), limit: 5 },
            ReadReq::Get { keys: vec![] },
            ReadReq::Range { gte: "a".into(), lt: "z".into(), limit: 5 },
        ];
        // Values holding what the separators of version 1 were, NUL, and characters of one, two,
        // three and four bytes (the last two UTF-16 units).
        let res = vec![
            ReadResult::Values(vec![Some("1\u{0}\u{1}\u{2}\u{3}".into()), None, Some(String::new())]),
            ReadResult::Entries(vec![("k".into(), "é€😀x".into()), ("k2".into(), String::new()), ("k😀".into(), "\u{3}".into())]),
            ReadResult::Values(vec![]),
            ReadResult::Entries(vec![]),
        ];
        let f = encode_results(&res).unwrap();
        assert_eq!(f.lens, vec![5, ABSENT, 0, 3, 1, 5, 2, 0, 3, 1, 0]);
        assert_eq!(decode_results(&reads, &f.text, &f.lens).unwrap(), res);
    }

    #[test]
    fn results_that_do_not_match_their_reads_are_refused() {
        let reads = vec![ReadReq::Range { gte: "a".into(), lt: "z".into(), limit: 2 }, ReadReq::Get { keys: vec!["a".into()] }];
        for (text, lens, why) in [
            ("", &[][..], "the lengths end after 0"),
            ("kv", &[2, 1, 1][..], "a range of 2 entries, and 2 lengths left"),
            ("kv", &[1, 1, 1][..], "0 values for 1 keys"),
            ("kvxy", &[1, 1, 1, 1][..], "1 bytes of text left over"),
            ("kv", &[1, 1, 1, ABSENT, 0][..], "1 lengths left over"),
            ("kvxy", &[3, 1, 1, 1][..], "3 entries for a range of at most 2"),
            ("kv", &[1, 1, 2, ABSENT][..], "runs past the end of the text"),
            ("kv", &[1, ABSENT, 1, ABSENT][..], "is absent where a key or entry is"),
            ("kv", &[1, 1, ABSENT, ABSENT][..], "is absent where a range entry's value is"),
            ("v", &[1, 0, 1, ABSENT][..], "an empty key"),
            ("k😀", &[1, 1, 1, ABSENT][..], "cuts a character in two"),
            ("kv", &[u32::MAX - 1, 1, 1, ABSENT][..], "entries for a range of at most 2"),
        ] {
            let e = decode_results(&reads, text, lens).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidArgument, "{text:?} {lens:?}");
            assert!(e.message.starts_with("read results: ") && e.message.contains(why), "{text:?} {lens:?}: {e}");
        }
        // A huge count with few lengths is refused before anything is allocated for it.
        let big = vec![ReadReq::Range { gte: "a".into(), lt: "z".into(), limit: u32::MAX - 1 }];
        assert!(decode_results(&big, "", &[u32::MAX - 1]).unwrap_err().message.contains("lengths left"));
        assert!(decode_results(&[], "", &[]).unwrap().is_empty());
        assert!(decode_results(&[], "x", &[]).unwrap_err().message.contains("text left over"));
    }

    #[test]
    fn range_entries_ascend_within_their_bounds() {
        let range = vec![ReadReq::Range { gte: "c/".into(), lt: "c0".into(), limit: 10 }];
        for es in
            [vec![("c/1", "x"), ("garbage", "y")], vec![("c/2", "x"), ("c/1", "y")], vec![("c/1", "x"), ("c/1", "y")], vec![("d/1", "x")]]
        {
            let es: Vec<(String, String)> = es.into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
            let f = encode_entries(&es).unwrap();
            let e = decode_results(&range, &f.text, &f.lens).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidArgument, "{es:?}");
            assert!(e.message.contains("out of order or out of its bounds"), "{e}");
        }
        let f = encode_entries(&[("c/1".into(), "x".into()), ("c/2".into(), "y".into())]).unwrap();
        assert_eq!(decode_results(&range, &f.text, &f.lens).unwrap().len(), 1);
        assert_eq!(decode_entries(&f.text, &f.lens).unwrap().len(), 2);
    }

    #[test]
    fn writes_round_trip_with_any_character() {
        let mut w = Writes::default();
        w.put("k".into(), "v\u{1}\u{0}é😀".into());
        w.del("d".into());
        w.put("e".into(), String::new());
        let f = encode_writes(&w).unwrap();
        assert_eq!(f, framed("dekv\u{1}\u{0}é😀", &[1, ABSENT, 1, 0, 1, 6]));
        assert_eq!(
            decode_writes(&f).unwrap(),
            vec![("d".to_string(), None), ("e".to_string(), Some(String::new())), ("k".to_string(), Some("v\u{1}\u{0}é😀".to_string()))]
        );
        assert!(decode_writes(&framed("k", &[1])).unwrap_err().message.contains("the lengths end after 1"));
    }
}
