//! Shared helpers of the integration tests: a control with execution instances, event types and
//! published templates, and short ways to push, run and look.
#![allow(dead_code)]

use std::collections::BTreeMap;

use message_center::driver::MemDriver;
use message_center::engine::{ReadReq, Step};
use message_center::Error;
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
    ok(d, json!({"op": "createTemplate", "template": {"name": name, "eventType": event_type, "subject": subject, "html": html, "text": "text"}}));
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

/// `runWorkflow` now.
pub fn run_wf(d: &mut MemDriver, instance: &str, name: &str) -> Result<Value, Error> {
    d.run(&json!({"op": "runWorkflow", "instance": instance, "name": name}))
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

/// Every answer of every query about the small state: what the engine shows without storage.
pub fn snapshot(d: &MemDriver) -> Value {
    let mut out = serde_json::Map::new();
    for name in ["settings", "accounts", "eventTypes", "templates"] {
        out.insert(name.into(), d.query(&json!({"q": name})).unwrap());
    }
    out.insert("workflows".into(), d.query(&json!({"q": "workflows"})).unwrap());
    out.insert("nextDue".into(), d.query(&json!({"q": "nextDue", "until": message_center::keys::MAX_TIME})).unwrap());
    out.insert("controlCounts".into(), d.query(&json!({"q": "counts", "instance": "control"})).unwrap());
    let accounts = d.query(&json!({"q": "accounts"})).unwrap();
    for a in accounts.as_array().unwrap() {
        let n = a["name"].as_str().unwrap();
        for qn in ["published", "deliveries", "mcPing"] {
            out.insert(format!("{qn}/{n}"), d.query(&json!({"q": qn, "instance": n})).unwrap());
        }
        out.insert(format!("counts/{n}"), d.query(&json!({"q": "counts", "instance": n})).unwrap());
    }
    let tpls = d.query(&json!({"q": "templates"})).unwrap();
    for t in tpls.as_array().unwrap() {
        let n = t["name"].as_str().unwrap();
        out.insert(format!("preview/{n}"), d.query(&json!({"q": "preview", "name": n})).unwrap_or(Value::Null));
    }
    Value::Object(out)
}

/// What the driver would answer to the reads of `reqs` (same as `MemDriver`'s private reader).
pub fn answer(d: &MemDriver, reqs: &[ReadReq]) -> String {
    d.answer(reqs)
}

/// Starts `req` and answers its reads until it has asked for `reads` batches (or is done): the
/// step it is at then. Nothing is written.
pub fn drive(d: &mut MemDriver, req: &Value, reads: usize) -> Step {
    let mut step = d.eng.begin(&req.to_string()).unwrap();
    for _ in 0..reads {
        match step {
            Step::Read(reqs) => {
                let a = answer(d, &reqs);
                step = d.eng.resume(&a).unwrap();
            }
            Step::Done { .. } => return step,
        }
    }
    step
}

/// How many read batches `req` asks for before it is done, on the current store (the engine is
/// rolled back afterwards).
pub fn read_phases(d: &mut MemDriver, req: &Value) -> usize {
    let mut n = 0;
    let mut step = d.eng.begin(&req.to_string()).unwrap();
    while let Step::Read(reqs) = step {
        n += 1;
        let a = answer(d, &reqs);
        step = d.eng.resume(&a).unwrap();
    }
    d.eng.rollback().unwrap();
    n
}

/// Storage invariants: every index, queue and change-log entry points to a record that exists,
/// and the status counters equal what a scan of the records finds.
pub fn check_integrity(d: &MemDriver) {
    let inv = |k: &str| u64::MAX - u64::from_str_radix(k.rsplit('/').next().unwrap(), 16).unwrap();
    let tail = |k: &str| u64::from_str_radix(k.rsplit('/').next().unwrap(), 16).unwrap();
    for (k, v) in &d.store {
        let target = match k.split('/').next().unwrap() {
            "x" => {
                let scope = k.split('/').nth(1).unwrap();
                if scope == "h" {
                    vec![format!("h/{:016x}", inv(k))]
                } else {
                    vec![format!("e/{:016x}", inv(k))]
                }
            }
            "d" => vec![format!("e/{:016x}", tail(k))],
            "t" | "u" => vec![format!("b/{:016x}", tail(k))],
            "c" => vec![format!("e/{v}"), format!("b/{v}")],
            _ => continue,
        };
        assert!(target.iter().any(|t| d.store.contains_key(t)), "{k} points to nothing ({target:?})");
    }
    // Counters = scan.
    let mut scanned: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
    for (k, v) in &d.store {
        let scope = if k.starts_with("e/") {
            let e: Value = serde_json::from_str(v).unwrap();
            e["instance"].as_str().unwrap().to_string()
        } else if k.starts_with("h/") {
            "control".to_string()
        } else {
            continue;
        };
        let e: Value = serde_json::from_str(v).unwrap();
        *scanned.entry(scope).or_default().entry(e["status"].as_str().unwrap().to_string()).or_default() += 1;
    }
    let mut scopes: Vec<String> = d.query(&json!({"q": "accounts"})).unwrap().as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap().to_string()).collect();
    scopes.push("control".into());
    for s in scopes {
        let c = d.query(&json!({"q": "counts", "instance": s})).unwrap();
        let want = scanned.remove(&s).unwrap_or_default();
        for (st, n) in c["byStatus"].as_object().unwrap() {
            assert_eq!(n.as_i64().unwrap(), *want.get(st).unwrap_or(&0), "counter {s}/{st}");
        }
        assert_eq!(c["total"].as_i64().unwrap(), want.values().sum::<i64>(), "total of {s}");
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
