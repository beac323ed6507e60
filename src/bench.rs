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

/// A template case of `tests/fixtures/templates` (corpus format), ready to render again and
/// again: the benchmark of the personalization language (`npm run bench`, native and wasm).
pub struct RenderCase {
    parsed: crate::render::Parsed,
    event: crate::render::EventView,
    env: crate::render::RenderEnv,
    fields: Vec<(&'static str, String)>,
    ctx: String,
}

impl RenderCase {
    /// Reads a case (its template as the HTML body, its event, clock and time zone).
    pub fn new(case_json: &str) -> Result<RenderCase> {
        use crate::error::{Error, ErrorCode};
        let case: serde_json::Value = serde_json::from_str(case_json).map_err(|e| Error::new(ErrorCode::InvalidJson, e.to_string()))?;
        let template = case["template"].as_str().unwrap_or_default();
        let parsed = crate::render::Parsed::compile("", template, "", &crate::render::Includes::default());
        parsed.check(ErrorCode::TemplateSyntax)?;
        let ev = &case["event"];
        let mut fields: Vec<(&'static str, String)> = Vec::new();
        for f in
            ["id", "type", "email", "mobilePhone", "externalId", "origin", "language", "country", "wishedChannel", "emailFormat", "created"]
        {
            match &ev[f] {
                serde_json::Value::String(s) => fields.push((f, s.clone())),
                serde_json::Value::Number(n) => fields.push((f, n.to_string())),
                _ => {}
            }
        }
        let ctx_xml = ev["ctx"].as_str().unwrap_or("<ctx/>").to_owned();
        let ctx = crate::ctx::parse_stored(&ctx_xml);
        let now = case["now"].as_str().and_then(|s| crate::dates::parse_iso8601(s).ok()).unwrap_or(0);
        let mut cfg = crate::config::Config::default();
        if let Some(tz) = case["timeZone"].as_str() {
            cfg.time_zone = tz.to_owned();
        }
        Ok(RenderCase {
            parsed,
            event: crate::render::EventView::of_fields(fields.clone(), ctx),
            env: crate::render::RenderEnv::new(&cfg, 1, now),
            fields,
            ctx: ctx_xml,
        })
    }

    /// Renders it once with the event's ctx parsed from its stored XML first, as the engine
    /// renders a message.
    pub fn render_stored(&self) -> Result<String> {
        let event = crate::render::EventView::of_fields(self.fields.clone(), crate::ctx::parse_stored(&self.ctx));
        self.parsed.render(&event, &self.env, 1).map(|r| r.html).map_err(crate::render::RenderFailure::into_error)
    }

    /// Renders it once (the ctx's XML built again, as each message's is); the HTML.
    pub fn render(&self) -> Result<String> {
        self.parsed.render(&self.event, &self.env, 1).map(|r| r.html).map_err(crate::render::RenderFailure::into_error)
    }
}

/// Renders one template case of the corpus format (a JSON text) as the language does, for the
/// differential fuzzer: `{"output": …}` or `{"error": {"name": …, "message": …}}` as JSON.
pub fn render_case_json(case_json: &str) -> String {
    let r = match serde_json::from_str::<serde_json::Value>(case_json) {
        Ok(case) => crate::script::case::run_case(&case),
        Err(e) => Err(("CaseError".to_owned(), e.to_string())),
    };
    match r {
        Ok(output) => serde_json::json!({ "output": output }).to_string(),
        Err((name, message)) => serde_json::json!({ "error": { "name": name, "message": message } }).to_string(),
    }
}
