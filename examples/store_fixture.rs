//! Writes a store of this build's storage format, with what its reader must show, as a fixture for
//! the migration of the next format (`tests/fixtures/format<N>-store.json`):
//!
//! `cargo run --example store_fixture > tests/fixtures/format<N>-store.json`
//!
//! The store: one execution instance with the real-time and batch processing, the MTA (hard
//! bounces on, so that some messages fail and some addresses are quarantined), updateEventsStatus
//! and mcSynch_exec1; 160 events pushed 8 at a time over 100 s (every fifth push to the batch
//! queue), then four more minutes:
//! Sent, Delivery failed, archived to the history, and the last few still Pending. `expected`
//! holds the status lists (execution instance and history) and, as `getEvent` shows them, every
//! sixth event and every event failed or archived: the migration tests compare them with what the
//! migrated store shows.

use message_center::driver::MemDriver;
use serde_json::{json, Value};

fn main() {
    if let Err(e) = run() {
        eprintln!("store_fixture: {e}");
        std::process::exit(1);
    }
}

fn all(d: &mut MemDriver, instance: &str) -> message_center::error::Result<Vec<Value>> {
    let mut out = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = d.run(&json!({ "op": "listEvents", "filter": { "instance": instance, "limit": 100, "after": after } }))?;
        out.extend(page["events"].as_array().cloned().unwrap_or_default());
        match page["next"].as_str() {
            Some(n) => after = Some(n.to_string()),
            None => return Ok(out),
        }
    }
}

fn run() -> message_center::error::Result<()> {
    let start = 1_773_144_000_000; // 2026-03-10T12:00:00Z
    let mut d = MemDriver::new(7, start);
    d.run(&json!({ "op": "configure", "config": { "email": { "hardPpm": 60_000, "softPpm": 0, "asyncBouncePpm": 0 } } }))?;
    for t in ["order", "reset"] {
        d.run(&json!({ "op": "addEventType", "name": t }))?;
    }
    d.run(&json!({ "op": "addExecutionInstance", "name": "exec1", "executionInstanceId": 1 }))?;
    d.run(&json!({ "op": "createTemplate", "template": {
        "name": "confirm", "eventType": "order", "channel": "email",
        "subject": "Order <%= rtEvent.ctx.order.@number %>",
        "html": "<p>Hello <%= escapeXMLString(rtEvent.ctx.customer.@firstName) %>, <% for each (var l in rtEvent.ctx.order.line) { %><%= l.@sku %> × <%= l.@qty %>; <% } %></p>",
        "text": "Hello <%= rtEvent.ctx.customer.@firstName %>" } }))?;
    d.run(&json!({ "op": "publish", "name": "confirm" }))?;
    for wf in ["rtEventsProcessing", "batchEventsProcessing", "updateEventsStatus"] {
        d.run(&json!({ "op": "startWorkflow", "instance": "exec1", "name": wf }))?;
    }
    d.run(&json!({ "op": "createArchivingWorkflow", "account": "exec1" }))?;
    let names = ["Ada", "Grace", "Zoë", "Émile", "李"];
    for i in 0..20u32 {
        let events: Vec<Value> = (0..8u32)
            .map(|j| {
                let n = i * 8 + j;
                let lines: Vec<Value> =
                    (0..(n % 4)).map(|k| json!({ "@sku": format!("SKU-{k}"), "@qty": (k + 1).to_string() })).collect();
                json!({ "type": "order", "email": format!("client{n}@example.com"),
                    "ctx": { "order": { "@number": format!("N{n}"), "line": lines }, "customer": { "@firstName": names[n as usize % 5] } } })
            })
            .collect();
        let queue = if i % 5 == 4 { "batch" } else { "rt" };
        d.run(&json!({ "op": "push", "target": "exec1", "format": "json", "queue": queue, "text": Value::Array(events).to_string() }))?;
        d.advance(5_000)?;
    }
    d.advance(4 * 60_000 - 5_000)?;
    // A last push, not processed yet: Pending.
    let last: Vec<Value> =
        (0..5).map(|n| json!({ "type": "reset", "email": format!("late{n}@example.com"), "ctx": { "token": format!("t{n}") } })).collect();
    d.run(&json!({ "op": "push", "target": "exec1", "format": "json", "text": Value::Array(last).to_string() }))?;

    let exec = all(&mut d, "exec1")?;
    let histo = all(&mut d, "control")?;
    let mut events = serde_json::Map::new();
    for (i, e) in exec.iter().chain(&histo).enumerate() {
        let id = e["id"].as_str().unwrap_or_default().to_string();
        let instance = if histo.contains(e) { "control" } else { "exec1" };
        // Every sixth event, and every event that failed or was archived.
        if i % 6 != 0 && e["status"] != "deliveryFailed" && instance == "exec1" {
            continue;
        }
        let got = d.run(&json!({ "op": "getEvent", "id": id }))?;
        events.insert(format!("{instance}/{id}"), got);
    }
    let format = d.store.get("m/format").cloned().unwrap_or_default();
    let out = json!({
        "writtenBy": format!("examples/store_fixture.rs, storage format {format}: 165 events on exec1 (160 pushed 8 at a time, Sent or Delivery failed, some archived; the batch queue's and 5 more Pending), a quarantine, the history of mcSynch_exec1"),
        "entries": d.store.iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>(),
        "expected": { "exec1": exec, "control": histo, "events": events },
    });
    println!("{out}");
    Ok(())
}
