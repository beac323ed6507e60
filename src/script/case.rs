//! A template case in the corpus format of `tests/fixtures/templates` (template, event with its
//! ctx XML, clock, seed, time zone, blocks and options over the built-in ones), rendered by the
//! language: what the corpus test checks against Rhino's `expected`, and what the differential
//! fuzzer (`npm run fuzz -- templates`) compares with Rhino on random cases.

use std::collections::HashMap;
use std::rc::Rc;

use serde_json::Value as J;

use super::{compile, date, jssp::Includes, Bounds, Env, Event, TimeZone};
use crate::tree::Node;

struct Inc {
    blocks: HashMap<String, String>,
    options: HashMap<String, String>,
}

impl Includes for Inc {
    fn block(&self, name: &str) -> Option<Rc<str>> {
        self.blocks.get(name).map(|s| Rc::from(s.as_str()))
    }
    fn option(&self, name: &str) -> Option<String> {
        self.options.get(name).cloned()
    }
}

struct Ev(Vec<(&'static str, String)>, Option<Node>);

impl Event for Ev {
    fn field(&self, name: &str) -> Option<String> {
        self.0.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone())
    }
    fn ctx(&self) -> Option<&Node> {
        self.1.as_ref()
    }
}

fn map(v: Option<&J>) -> HashMap<String, String> {
    v.and_then(J::as_object)
        .map(|o| o.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned())).collect())
        .unwrap_or_default()
}

/// Runs one case: its output, or the error's name and message.
pub(crate) fn run_case(case: &J) -> Result<String, (String, String)> {
    let mut blocks: HashMap<String, String> =
        super::builtin_block_names().filter_map(|n| Some((n.to_owned(), super::builtin_block(n)?.to_owned()))).collect();
    blocks.extend(map(case.get("blocks")));
    let mut options: HashMap<String, String> = super::builtin_options().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
    options.extend(map(case.get("options")));
    let inc = Inc { blocks, options };
    let ev = case.get("event").cloned().unwrap_or(J::Null);
    let mut fields: Vec<(&'static str, String)> = Vec::new();
    // The event fields a case may give (as strings or numbers): the template's, but its ctx.
    for &f in super::EVENT_FIELDS.iter().filter(|f| **f != "ctx") {
        match ev.get(f) {
            Some(J::String(s)) => fields.push((f, s.clone())),
            Some(J::Number(n)) => fields.push((f, n.to_string())),
            _ => {}
        }
    }
    let ctx_node = ev
        .get("ctx")
        .and_then(J::as_str)
        .map(|x| crate::ctx::parse_stored(x).ok_or_else(|| ("EventError".to_owned(), "ctx does not parse".to_owned())))
        .transpose()?;
    let event = Ev(fields, ctx_node);
    let now = case.get("now").and_then(J::as_str).unwrap_or("2026-01-01T00:00:00Z");
    let now = date::parse_date(now, &TimeZone::utc());
    let seed = case.get("seed").and_then(J::as_u64).unwrap_or(0) as u32;
    let tz = case.get("timeZone").and_then(J::as_str).and_then(TimeZone::from_name).unwrap_or_else(TimeZone::utc);
    let template = case.get("template").and_then(J::as_str).unwrap_or_default();
    let p = compile(template, &inc).map_err(|e| (e.name, e.message))?;
    let env = Env { bounds: Bounds::default(), now, seed, tz, event: &event };
    p.render(&env).map_err(|e| (e.name, e.message))
}
