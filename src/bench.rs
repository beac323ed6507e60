//! The core benchmark, the same code natively and in wasm (`--features bench`): `n` events pushed
//! in PushEvents of 500, routed, sent and their status derived, over the in-memory driver (the
//! boundary format included, as the shell crosses it). Returns the records written.

use serde_json::json;

use crate::driver::MemDriver;
use crate::error::Result;

/// Routes `n` events and derives their status; the records written.
pub fn route_and_derive(n: u32, seed: u64) -> Result<u64> {
    let start = 1_780_000_000_000;
    let mut d = MemDriver::new(seed, start);
    d.run(&json!({ "op": "configure", "config": { "batchSize": 1000, "email": { "hardPpm": 0, "softPpm": 0, "asyncBouncePpm": 0 } } }))?;
    d.run(&json!({ "op": "addEventType", "name": "order" }))?;
    d.run(&json!({ "op": "addExecutionInstance", "name": "exec1", "executionInstanceId": 1 }))?;
    d.run(&json!({ "op": "createTemplate", "template": {
        "name": "orderConfirmation", "eventType": "order", "channel": "email",
        "subject": "Order <%= rtEvent.ctx.order.@number %>",
        "html": "<p>Hello <%= escapeXMLString(rtEvent.ctx.customer.@firstName) %></p>",
        "text": "Hello <%= rtEvent.ctx.customer.@firstName %>" } }))?;
    d.run(&json!({ "op": "publish", "name": "orderConfirmation" }))?;
    for wf in ["rtEventsProcessing", "updateEventsStatus"] {
        d.run(&json!({ "op": "startWorkflow", "instance": "exec1", "name": wf }))?;
    }
    let before = d.records_written;
    let mut i = 0;
    while i < n {
        let k = (n - i).min(500);
        let events: Vec<_> = (0..k)
            .map(|j| {
                json!({ "type": "order", "email": format!("c{}@example.com", i + j),
                "ctx": { "order": { "@number": (i + j).to_string() }, "customer": { "@firstName": "Ada" } } })
            })
            .collect();
        d.run(&json!({ "op": "push", "target": "exec1", "format": "json", "text": serde_json::Value::Array(events).to_string() }))?;
        i += k;
    }
    d.advance(3_600_000)?;
    Ok(d.records_written - before)
}
