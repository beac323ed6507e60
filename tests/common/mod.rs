//! Shared helpers of the integration tests: a control with execution instances, event types and
//! published templates, and short ways to push, run and look.
#![allow(dead_code)]

use std::collections::BTreeMap;

use message_center::driver::MemDriver;
use message_center::engine::Step;
use message_center::io::ReadReq;
use message_center::{Error, Request};
use serde_json::{json, Value};

pub const SEC: i64 = 1_000;
pub const MIN: i64 = 60 * SEC;
pub const HOUR: i64 = 60 * MIN;
pub const DAY: i64 = 24 * HOUR;

/// ms since the epoch of an ISO 8601 date.
pub fn ms(iso: &str) -> i64 {
    message_center::dates::parse_iso8601(iso).unwrap()
}

/// ISO form of a time, as the API writes it.
pub fn iso(t: i64) -> String {
    message_center::dates::format_iso(t)
}

/// Start of every scenario: 2026-03-10 12:00:00 UTC (on every workflow tick, before 04:00 of the
/// next day).
pub fn t0() -> i64 {
    ms("2026-03-10T12:00:00Z")
}

/// A fresh, initialized engine at `t0()`.
pub fn bare(seed: u64) -> MemDriver {
    MemDriver::new(seed, t0())
}

/// Runs a request that must succeed.
pub fn ok(d: &mut MemDriver, req: Value) -> Value {
    match d.run(&req) {
        Ok(v) => v,
        Err(e) => panic!("{req} failed: {e}"),
    }
}

/// A query that must succeed.
pub fn q(d: &MemDriver, query: Value) -> Value {
    match d.query(&query) {
        Ok(v) => v,
        Err(e) => panic!("{query} failed: {e}"),
    }
}

/// The code of an error result (panics on success).
pub fn code(r: Result<Value, Error>) -> &'static str {
    match r {
        Ok(v) => panic!("expected an error, got {v}"),
        Err(e) => e.code.as_str(),
    }
}

/// The error of a result (panics on success).
pub fn error(r: Result<Value, Error>) -> Error {
    match r {
        Ok(v) => panic!("expected an error, got {v}"),
        Err(e) => e,
    }
}

pub fn add_instance(d: &mut MemDriver, name: &str, id: i64) -> Value {
    ok(d, json!({"op": "addExecutionInstance", "name": name, "executionInstanceId": id}))
}

pub fn add_type(d: &mut MemDriver, name: &str) {
    ok(d, json!({"op": "addEventType", "name": name}));
}

/// Creates and publishes an email template `name` for `event_type`.
pub fn email_template(d: &mut MemDriver, name: &str, event_type: &str, subject: &str, html: &str) {
    ok(
        d,
        json!({"op": "createTemplate", "template": {"name": name, "eventType": event_type, "subject": subject, "html": html, "text": "text"}}),
    );
    ok(d, json!({"op": "publish", "name": name}));
}

/// Control + `exec1` (id 1), event types `order` and `reset`, the email template `confirm`
/// (type `order`) published. Execution workflows are left stopped, as the product creates them.
pub fn setup(seed: u64) -> MemDriver {
    setup_instances(seed, &[("exec1", 1)])
}

/// Same as `setup` with these execution instances.
pub fn setup_instances(seed: u64, instances: &[(&str, i64)]) -> MemDriver {
    let mut d = bare(seed);
    add_type(&mut d, "order");
    add_type(&mut d, "reset");
    for (n, id) in instances {
        add_instance(&mut d, n, *id);
    }
    email_template(&mut d, "confirm", "order", "Order <%= rtEvent.ctx.@number %>", "<p>Hello <%= rtEvent.ctx.@name %></p>");
    d
}

/// Starts rtEventsProcessing, batchEventsProcessing and updateEventsStatus of an instance.
pub fn start_exec(d: &mut MemDriver, instance: &str) {
    for wf in ["rtEventsProcessing", "batchEventsProcessing", "updateEventsStatus"] {
        start(d, instance, wf);
    }
}

pub fn start(d: &mut MemDriver, instance: &str, wf: &str) -> Value {
    ok(d, json!({"op": "startWorkflow", "instance": instance, "name": wf}))
}

/// `setup` with the execution workflows of exec1 started.
pub fn running(seed: u64) -> MemDriver {
    let mut d = setup(seed);
    start_exec(&mut d, "exec1");
    d
}

/// An `<rtEvent>` of type `order` to `email`.
pub fn rt_xml(email: &str) -> String {
    format!("<rtEvent type='order' email='{email}'><ctx name='Ada' number='42'/></rtEvent>")
}

pub fn push_xml(d: &mut MemDriver, target: &str, xml: &str) -> Result<Value, Error> {
    d.run(&json!({"op": "push", "target": target, "format": "xml", "text": xml}))
}

pub fn push_json(d: &mut MemDriver, target: &str, v: Value) -> Result<Value, Error> {
    d.run(&json!({"op": "push", "target": target, "format": "json", "text": v.to_string()}))
}

/// PushEvent of one XML event; its id.
pub fn push1_xml(d: &mut MemDriver, target: &str, xml: &str) -> String {
    let r = ok(d, json!({"op": "push", "target": target, "format": "xml", "text": xml, "single": true}));
    r["events"][0]["id"].as_str().unwrap().to_string()
}

/// PushEvent of an `order` real-time event to `email`; its id.
pub fn push1(d: &mut MemDriver, target: &str, email: &str) -> String {
    push1_xml(d, target, &rt_xml(email))
}

/// `getEvent`.
pub fn get(d: &mut MemDriver, id: &str) -> Value {
    ok(d, json!({"op": "getEvent", "id": id}))
}

/// The event's status name.
pub fn status(d: &mut MemDriver, id: &str) -> String {
    get(d, id)["event"]["status"].as_str().unwrap().to_string()
}

pub fn advance(d: &mut MemDriver, ms: i64) -> u64 {
    d.advance(ms).unwrap()
}

pub fn advance_to(d: &mut MemDriver, t: i64) -> u64 {
    d.advance_to(t).unwrap()
}

/// One step of `runWorkflow` now: its result, with `more` saying whether the run goes on.
pub fn run_wf(d: &mut MemDriver, instance: &str, name: &str) -> Result<Value, Error> {
    let (mut r, next) = d.step(&json!({"op": "runWorkflow", "instance": instance, "name": name}))?;
    r["more"] = json!(next.is_some());
    Ok(r)
}

/// A whole run of a workflow now (every step): the run's result.
pub fn run_all(d: &mut MemDriver, instance: &str, name: &str) -> Result<Value, Error> {
    d.command(&json!({"op": "runWorkflow", "instance": instance, "name": name}))
}

/// `waitForStatus` as a command (every step it names): the event, or the error.
pub fn wait(d: &mut MemDriver, id: &str, status: &str) -> Result<Value, Error> {
    d.command(&json!({"op": "waitForStatus", "id": id, "status": status}))
}

/// The message of a `WAIT_BLOCKED` error of `waitForStatus`.
pub fn blocked(d: &mut MemDriver, id: &str, status: &str) -> String {
    let e = error(wait(d, id, status));
    assert_eq!(e.code.as_str(), "WAIT_BLOCKED", "{e}");
    e.message
}

/// Journal runs of a workflow, newest first.
pub fn journal(d: &mut MemDriver, instance: &str, name: &str) -> Vec<Value> {
    let r = ok(d, json!({"op": "journal", "instance": instance, "name": name, "limit": 500}));
    r["runs"].as_array().unwrap().clone()
}

/// Keys of the store starting with `prefix`.
pub fn keys(d: &MemDriver, prefix: &str) -> Vec<String> {
    d.store.range(prefix.to_string()..).take_while(|(k, _)| k.starts_with(prefix)).map(|(k, _)| k.clone()).collect()
}

/// Records of the store starting with `prefix`.
pub fn records(d: &MemDriver, prefix: &str) -> BTreeMap<String, String> {
    d.store.range(prefix.to_string()..).take_while(|(k, _)| k.starts_with(prefix)).map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// 16 hex digits of a decimal id.
pub fn hex(id: &str) -> String {
    format!("{:016x}", id.parse::<u64>().unwrap())
}

/// Every answer of every query about the small state: what the engine shows without storage
/// (the simulator's, `sim::check::snapshot`).
pub fn snapshot(d: &MemDriver) -> Value {
    message_center::sim::check::snapshot(d)
}

/// What the driver would answer to the reads of `reqs`, in the boundary format.
pub fn answer(d: &MemDriver, reqs: &[ReadReq]) -> message_center::boundary::Framed {
    d.answer_encoded(reqs).unwrap()
}

/// A request from its JSON form.
pub fn request(v: &Value) -> Request {
    serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{v} is not a request: {e}"))
}

/// Starts `req` and answers its reads until it has asked for `reads` batches (or is done): the
/// step it is at then. Nothing is written.
pub fn drive(d: &mut MemDriver, req: &Value, reads: usize) -> Step {
    let mut step = d.eng.begin(request(req)).unwrap();
    for _ in 0..reads {
        match step {
            Step::Read(reqs) => {
                let a = answer(d, &reqs);
                step = d.eng.resume_encoded(&a.text, &a.lens).unwrap();
            }
            Step::Done(_) => return step,
        }
    }
    step
}

/// How many read batches `req` asks for before it is done, on the current store (the engine is
/// rolled back afterwards).
pub fn read_phases(d: &mut MemDriver, req: &Value) -> usize {
    let mut n = 0;
    let mut step = d.eng.begin(request(req)).unwrap();
    while let Step::Read(reqs) = step {
        n += 1;
        let a = answer(d, &reqs);
        step = d.eng.resume_encoded(&a.text, &a.lens).unwrap();
    }
    d.eng.rollback();
    n
}

/// The events of the store, decoded from the pages: execution instances' (`e`) or the control's
/// history (`h`), by id, each as `{ state, data }` (the stored lines).
pub fn events(d: &MemDriver, scope: char) -> BTreeMap<u64, Value> {
    let mut out = BTreeMap::new();
    for (k, v) in &d.store {
        let parts: Vec<&str> = k.split('/').collect();
        if parts.len() != 4 || parts[0].len() != 1 || !parts[0].starts_with(scope) {
            continue;
        }
        let ii = u64::from_str_radix(parts[1], 16).unwrap();
        let pg = u64::from_str_radix(parts[2], 16).unwrap();
        let rec = parts[3];
        let id = |slot: u64| (ii << 56) | (pg * 128 + slot);
        let v = &message_center::packed::unpack(k, v.clone()).unwrap();
        if rec == "s" {
            for (slot, line) in v.split('\n').enumerate() {
                if line.is_empty() {
                    continue;
                }
                let e = out.entry(id(slot as u64)).or_insert_with(|| json!({}));
                e["state"] = serde_json::from_str(line).unwrap();
            }
        } else if let Some(first) = rec.strip_prefix('d') {
            let first = u64::from_str_radix(first, 16).unwrap();
            for (i, line) in v.split('\n').enumerate() {
                if line.is_empty() {
                    continue;
                }
                let e = out.entry(id(first + i as u64)).or_insert_with(|| json!({}));
                e["data"] = serde_json::from_str(line).unwrap();
            }
        }
    }
    // Data lines of events not archived (or purged) have no state: only events with a state count.
    out.retain(|_, e| e.get("state").is_some());
    out
}

/// An event of `events()` flattened with names, as the API names its fields: `id`, `created`
/// (ms), `queue`, `status`, `type`, `wishedChannel`, `email`, `mobilePhone`.
pub fn flat(id: u64, e: &Value) -> Value {
    let s = &e["state"];
    let d = &e["data"];
    let status = ["pending", "pendingDelivery", "sent", "ignored", "deliveryFailed", "notTakenIntoAccount", "expired"]
        [s["s"].as_u64().unwrap() as usize];
    let channel = match s["c"].as_u64().unwrap() {
        0 => "email",
        1 => "sms",
        40 => "mobileApp",
        41 => "ios",
        42 => "android",
        c => panic!("channel {c}"),
    };
    json!({
        "id": id,
        "created": s["d"],
        "queue": if s["q"] == 0 { "rt" } else { "batch" },
        "status": status,
        "type": s["t"],
        "wishedChannel": channel,
        "email": d["e"],
        "mobilePhone": d["m"],
    })
}

/// The id of a decimal id string.
pub fn num(id: &str) -> u64 {
    id.parse().unwrap()
}

/// The ids held by the queue records of a prefix (`d/01/r/`, `t/01/`, `u/01/`, `c/01/`).
pub fn queued(d: &MemDriver, prefix: &str) -> Vec<u64> {
    let mut out = Vec::new();
    for (k, v) in records(d, prefix) {
        let ii = u64::from_str_radix(k.split('/').nth(1).unwrap(), 16).unwrap();
        for part in v.split(',').filter(|p| !p.is_empty()) {
            match part.split_once('-') {
                Some((a, b)) => out.extend((a.parse::<u64>().unwrap()..=b.parse().unwrap()).map(|s| (ii << 56) | s)),
                None => out.push((ii << 56) | part.parse::<u64>().unwrap()),
            }
        }
    }
    out
}

/// Storage invariants (the simulator's, `sim::check::integrity`): every state line has its data
/// line; summaries agree with their pages (counts, created range, live count, fragments); the
/// instance and control counters equal a scan of the state pages.
pub fn check_integrity(d: &MemDriver) {
    use message_center::sim::check;
    let s = check::scan(&d.store).unwrap_or_else(|v| panic!("{v}"));
    if let Err(v) = check::integrity(d, &s) {
        panic!("{v}");
    }
}

/// Asserts two stores are equal, naming only the keys that differ.
pub fn assert_same_store(a: &BTreeMap<String, String>, b: &BTreeMap<String, String>, what: &str) {
    if a == b {
        return;
    }
    let mut diff = Vec::new();
    for k in a.keys().chain(b.keys()) {
        if a.get(k) != b.get(k) && !diff.contains(k) {
            diff.push(k.clone());
        }
    }
    let show = |m: &BTreeMap<String, String>, k: &str| m.get(k).map_or("<absent>".to_string(), |v| v.chars().take(300).collect());
    let lines: Vec<String> = diff.iter().take(12).map(|k| format!("  {k}\n    left:  {}\n    right: {}", show(a, k), show(b, k))).collect();
    panic!("{what}: stores differ on {} keys:\n{}", diff.len(), lines.join("\n"));
}

/// Asserts that the field at `path` (`"broadLog.sentAt"`) is there and null: a field renamed or
/// gone fails, where `v["x"].is_null()` would pass.
#[track_caller]
pub fn assert_null(v: &Value, path: &str) {
    let mut at = v;
    for k in path.split('.') {
        let Some(obj) = at.as_object() else { panic!("{path}: {k} is not in an object: {at}") };
        let Some(next) = obj.get(k) else { panic!("{path}: no field {k} in {at}") };
        at = next;
    }
    assert!(at.is_null(), "{path} is {at}, not null");
}

/// The store of a fixture of `tests/fixtures/` (`{ "entries": [[key, value], …] }`).
pub fn fixture_store(name: &str) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    v["entries"].as_array().unwrap().iter().map(|e| (e[0].as_str().unwrap().to_string(), e[1].as_str().unwrap().to_string())).collect()
}
