//! The fuzz targets (`npm run fuzz`, `fuzz/`): each takes any bytes, drives the engine as the
//! shell would, and panics on a finding: a panic of the engine, an `INTERNAL` error, an integrity
//! broken by what the engine committed, or a garbled stored record reported without its key.
//! `tests/fuzz_fixtures.rs` runs every input kept in `tests/fixtures/fuzz/<target>/` through the
//! same functions under plain `cargo test`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_json::{json, Value};

use super::check::{integrity, scan};
use crate::driver::MemDriver;
use crate::engine::Step;
use crate::error::{Error, ErrorCode};
use crate::ops::Request;

/// A fuzz target: any bytes in, a panic on a finding.
pub type Target = fn(&[u8]);

/// The targets, by name.
pub const TARGETS: &[(&str, Target)] = &[
    ("event_xml", event_xml),
    ("event_json", event_json),
    ("soap", soap),
    ("template", template),
    ("query", query),
    ("boundary", boundary),
    ("stored", stored),
];

const T0: i64 = 1_773_144_000_000;

/// A control with exec1 (running, archived) and events in every status: built once.
fn base() -> &'static BTreeMap<String, String> {
    static BASE: OnceLock<BTreeMap<String, String>> = OnceLock::new();
    BASE.get_or_init(|| {
        let mut d = MemDriver::new(7, T0);
        let ok = |d: &mut MemDriver, r: Value| d.command(&r).unwrap_or_else(|e| panic!("fixture {r}: {e}"));
        ok(&mut d, json!({"op": "configure", "config": {"rejectUnknownEventType": false}}));
        ok(&mut d, json!({"op": "addEventType", "name": "order"}));
        ok(&mut d, json!({"op": "addExecutionInstance", "name": "exec1", "executionInstanceId": 1}));
        ok(&mut d, json!({"op": "createTemplate", "template": {"name": "confirm", "eventType": "order", "subject": "Order <%= rtEvent.ctx.@number %>", "html": "<p>Hello <%= escapeXMLString(rtEvent.ctx.@name) %></p>", "text": "t"}}));
        ok(&mut d, json!({"op": "publish", "name": "confirm"}));
        for wf in ["rtEventsProcessing", "batchEventsProcessing", "updateEventsStatus"] {
            ok(&mut d, json!({"op": "startWorkflow", "instance": "exec1", "name": wf}));
        }
        ok(&mut d, json!({"op": "createArchivingWorkflow", "account": "exec1"}));
        let evs: String = ["sent", "ignored", "hard", "soft-1", "bounce-10m", "procerr", "delay-3h"]
            .iter()
            .map(|a| format!("<rtEvent type='order' email='{a}@mc-sim.test'><ctx name='x' number='1'/></rtEvent><batchEvent type='order' email='{a}@mc-sim.test'><ctx/></batchEvent>"))
            .collect();
        ok(&mut d, json!({"op": "push", "target": "exec1", "format": "xml", "text": format!("<events>{evs}<rtEvent type='other' email='a@b.c'><ctx/></rtEvent></events>")}));
        ok(&mut d, json!({"op": "advance", "by": 2 * 3_600_000}));
        ok(&mut d, json!({"op": "push", "target": "exec1", "format": "json", "text": "[{\"type\":\"order\",\"email\":\"late@example.com\",\"ctx\":{}}]"}));
        d.store
    })
}

thread_local! {
    /// A driver on the base store that never commits: requests are tried on it first (most fuzz
    /// inputs are refused), and only one the engine takes is run again, committed, on a copy.
    static READER: std::cell::RefCell<MemDriver> = std::cell::RefCell::new(fresh());
}

/// Runs `req` on the base store without committing: its result (None: refused).
fn attempt(what: &str, req: &Value) -> Option<Value> {
    READER.with(|r| refused(what, r.borrow_mut().dry_run(req)))
}

/// A driver on a copy of the base store.
fn fresh() -> MemDriver {
    let mut d = MemDriver { store: base().clone(), ..MemDriver::default() };
    d.reopen().unwrap_or_else(|e| panic!("the base store does not open: {e}"));
    d
}

/// A refusal is fine; a bug is not.
fn refused(what: &str, r: Result<Value, Error>) -> Option<Value> {
    match r {
        Ok(v) => Some(v),
        Err(e) if e.code == ErrorCode::Internal => panic!("{what}: INTERNAL error: {e}"),
        Err(_) => None,
    }
}

/// What the engine committed keeps the store whole.
fn whole(d: &MemDriver) {
    let s = scan(&d.store).unwrap_or_else(|v| panic!("{v}"));
    if let Err(v) = integrity(d, &s) {
        panic!("{v}");
    }
}

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

fn push(data: &[u8], format: &str) {
    let single = data.first().is_some_and(|b| b & 1 == 1);
    let req = json!({"op": "push", "target": "exec1", "format": format, "text": text(data), "single": single});
    if attempt("push", &req).is_none() {
        return;
    }
    let mut d = fresh();
    if refused("push", d.run(&req)).is_some() {
        // Accepted: it is processed and rendered like any other.
        refused("rtEventsProcessing", d.command(&json!({"op": "runWorkflow", "instance": "exec1", "name": "rtEventsProcessing"})));
        refused("batchEventsProcessing", d.command(&json!({"op": "runWorkflow", "instance": "exec1", "name": "batchEventsProcessing"})));
        whole(&d);
    }
}

/// A pushed XML document (PushEvent / PushEvents), then processed.
pub fn event_xml(data: &[u8]) {
    push(data, "xml");
}

/// A pushed JSON document, then processed.
pub fn event_json(data: &[u8]) {
    push(data, "json");
}

/// A SOAP request to the router, from a trusted address and from another.
pub fn soap(data: &[u8]) {
    let remote = if data.first().is_some_and(|b| b & 1 == 1) { "127.0.0.1" } else { "203.0.113.9" };
    let req = json!({"op": "soap", "target": "exec1", "caller": {"remote": remote}, "text": text(data)});
    match attempt("soap", &req) {
        // A fault writes nothing: no need to commit it.
        Some(v) if v["status"] == 500 => return,
        Some(_) => {}
        None => return,
    }
    let mut d = fresh();
    if let Some(v) = refused("soap", d.run(&req)) {
        let status = v["status"].as_u64().unwrap_or(0);
        assert!(status == 200 || status == 500, "SOAP reply with HTTP status {status}");
        whole(&d);
    }
}

/// A template: subject, HTML and text (split at NUL bytes) created, previewed, published and
/// rendered for an event.
pub fn template(data: &[u8]) {
    let mut d = fresh();
    let t = text(data);
    let mut parts = t.splitn(3, '\0');
    let (subject, html, txt) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let tpl = json!({"name": "fuzzed", "eventType": "order", "subject": subject, "html": html, "text": txt,
        "seeds": [{"address": "seed@example.com", "ctx": "<ctx name='Ada' number='7'><item n='1'/></ctx>"}]});
    if refused("createTemplate", d.run(&json!({"op": "createTemplate", "template": tpl}))).is_none() {
        return;
    }
    refused("preview", d.query(&json!({"q": "preview", "name": "fuzzed"})));
    refused("unpublish", d.run(&json!({"op": "unpublish", "name": "confirm"})));
    if refused("publish", d.run(&json!({"op": "publish", "name": "fuzzed"}))).is_some() {
        refused("push", d.run(&json!({"op": "push", "target": "exec1", "format": "xml", "text": "<rtEvent type='order' email='sent@mc-sim.test'><ctx name='&lt;b&gt;' number='9'/></rtEvent>"})));
        refused("rtEventsProcessing", d.command(&json!({"op": "runWorkflow", "instance": "exec1", "name": "rtEventsProcessing"})));
        whole(&d);
    }
}

/// The status list's search syntax, on an execution instance and on the control.
pub fn query(data: &[u8]) {
    let q = text(data);
    for instance in ["exec1", "control"] {
        attempt("listEvents", &json!({"op": "listEvents", "filter": {"instance": instance, "query": q, "limit": 50}}));
    }
    attempt(
        "listEvents with an offset",
        &json!({"op": "listEvents", "filter": {"instance": "exec1", "query": q, "limit": 1, "offset": 3}}),
    );
}

/// Read results in the boundary format, as a shell might garble them: the input's first byte
/// says how many lengths it holds (each two bytes, little-endian, `0xFFFF` for `ABSENT`); the
/// rest is the text.
pub fn boundary(data: &[u8]) {
    // A fresh engine: one that took garbled results as what storage holds keeps them in its
    // record cache (a storage that lies is believed), which says nothing of the next input.
    let mut d = fresh();
    let (n, rest) = data.split_first().map_or((0, data), |(n, r)| (usize::from(*n), r));
    let cut = (2 * n).min(rest.len() & !1);
    let lens: Vec<u32> = rest[..cut]
        .chunks_exact(2)
        .map(|c| match u16::from_le_bytes([c[0], c[1]]) {
            0xFFFF => crate::boundary::ABSENT,
            l => u32::from(l),
        })
        .collect();
    let t = text(&rest[cut..]);
    for req in [
        json!({"op": "listEvents", "filter": {"instance": "exec1", "limit": 20}}),
        json!({"op": "runWorkflow", "instance": "exec1", "name": "updateEventsStatus"}),
        json!({"op": "getEvent", "id": "72057594037927937"}),
    ] {
        let request: Request = match serde_json::from_value(req) {
            Ok(r) => r,
            Err(e) => panic!("fixture request: {e}"),
        };
        match d.eng.begin(request) {
            Ok(Step::Read(reqs)) => {
                let _ = crate::boundary::decode_results(&reqs, &t, &lens);
                match d.eng.resume_encoded(&t, &lens) {
                    Ok(Step::Read(_)) | Ok(Step::Done(_)) => d.eng.rollback(),
                    Err(e) if e.code == ErrorCode::Internal => panic!("resume: INTERNAL error: {e}"),
                    Err(_) => {}
                }
            }
            Ok(Step::Done(_)) => d.eng.rollback(),
            Err(e) => panic!("begin: {e}"),
        }
    }
    let _ = crate::boundary::decode_entries(&t, &lens);
}

/// One stored record garbled (which one and how from the input), then the store opened and
/// used: every error is a clear refusal; `STORAGE_CORRUPT` names the garbled key.
pub fn stored(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else { return };
    let Some((&how, rest)) = rest.split_first() else { return };
    let mut store = base().clone();
    let keys: Vec<String> = store.keys().cloned().collect();
    let key = keys[(usize::from(pick) * 257 + rest.len()) % keys.len()].clone();
    let old = store.get(&key).cloned().unwrap_or_default();
    let new = match how % 4 {
        // Replaced whole.
        0 => text(rest),
        // Cut.
        1 => old.chars().take(rest.len() % (old.chars().count() + 1)).collect(),
        // Bytes overwritten at the input's positions.
        2 => {
            let mut b = old.clone().into_bytes();
            for pair in rest.chunks(2) {
                if let (Some(&at), Some(&x), false) = (pair.first(), pair.get(1), b.is_empty()) {
                    let i = usize::from(at) * 31 % b.len();
                    b[i] = x;
                }
            }
            String::from_utf8_lossy(&b).into_owned()
        }
        // Something spliced in.
        _ => {
            let at = rest.len() % (old.len() + 1);
            let at = (0..=at).rev().find(|i| old.is_char_boundary(*i)).unwrap_or(0);
            format!("{}{}{}", &old[..at], text(rest), &old[at..])
        }
    };
    if new == old {
        return;
    }
    store.insert(key.clone(), new);
    let mut d = MemDriver { store, ..MemDriver::default() };
    let check = |what: &str, r: Result<Value, Error>| -> bool {
        match r {
            Ok(_) => true,
            Err(e) if e.code == ErrorCode::Internal => panic!("{what} on a store with {key} garbled: INTERNAL error: {e}"),
            Err(e) if e.code == ErrorCode::StorageCorrupt && !e.message.contains(key.as_str()) => {
                panic!("{what} on a store with {key} garbled: STORAGE_CORRUPT without the key: {e}")
            }
            // What storage gives back is the engine's read: one that does not frame is a garbled
            // record, to be named, not a bad read of the shell's.
            Err(e) if e.code == ErrorCode::InvalidArgument && e.message.starts_with("read results") => {
                panic!("{what} on a store with {key} garbled: a bad read without the key: {e}")
            }
            Err(_) => false,
        }
    };
    if !check("open", d.reopen().map(|_| Value::Null)) {
        return;
    }
    check("listEvents exec1", d.run(&json!({"op": "listEvents", "filter": {"instance": "exec1", "limit": 100}})));
    check("listEvents control", d.run(&json!({"op": "listEvents", "filter": {"instance": "control", "limit": 100}})));
    for seq in 1..=16u64 {
        check("getEvent", d.run(&json!({"op": "getEvent", "id": ((1u64 << 56) | seq).to_string()})));
    }
    check("counts", d.query(&json!({"q": "counts", "instance": "exec1"})));
    check("advance", d.command(&json!({"op": "advance", "by": 2 * 3_600_000})));
    check("cleanup", d.command(&json!({"op": "runWorkflow", "instance": "exec1", "name": "cleanup"})));
    check("push", d.run(&json!({"op": "push", "target": "exec1", "format": "xml", "text": "<rtEvent type='order' email='sent@mc-sim.test'><ctx/></rtEvent>"})));
}
