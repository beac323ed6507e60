//! The history generator: a pure function of a seed. It keeps its own idea of the names it used
//! (instances, types, templates) and of the clock, and never looks at the engine, so that a
//! history replays from its seed and still means something with actions dropped.

use serde_json::{json, Value};

use super::{Action, Fault, Rng};
use crate::dates::format_iso;

use crate::config::{DAY, HOUR, MINUTE as MIN, SECOND as SEC};

/// What a history is made of.
#[derive(Debug, Clone)]
pub struct GenOptions {
    /// Actions after the opening ones.
    pub steps: usize,
    /// Percent of requests with a fault.
    pub fault_pct: u64,
}

impl Default for GenOptions {
    fn default() -> Self {
        GenOptions { steps: 60, fault_pct: 12 }
    }
}

const INSTANCES: &[(&str, i64)] = &[("exec1", 1), ("exec2", 2), ("exec3", 3)];
const TYPES: &[&str] = &["order", "reset", "welcome", "otp"];
const TEMPLATES: &[&str] = &["confirm", "welcome", "otp_sms", "reset_mail"];
const WORKFLOWS: &[&str] = &["rtEventsProcessing", "batchEventsProcessing", "updateEventsStatus", "cleanup"];
/// Test addresses of every kind (mta.rs), plain ones, and bad ones.
const EMAILS: &[&str] = &[
    "sent@mc-sim.test",
    "ignored@mc-sim.test",
    "hard@mc-sim.test",
    "soft@mc-sim.test",
    "soft-1@mc-sim.test",
    "soft-2@mc-sim.test",
    "bounce-10m@mc-sim.test",
    "delay-5m@mc-sim.test",
    "delay-30s@mc-sim.test",
    "procerr@mc-sim.test",
    "procerr-2@mc-sim.test",
    "sent+a@mc-sim.test",
    "ada@example.com",
    "grace@example.org",
    "Person@Example.com",
    "explode@mc-sim.test",
    "not-an-email",
    "",
];
const HTML: &[&str] = &[
    "<p>Hello <%= rtEvent.ctx.@name %></p>",
    "<p>Order <%= escapeXMLString(rtEvent.ctx.@number) %> for <%= rtEvent.email %></p>",
    "<p>Plain</p>",
    "<p>Broken <%= rtEvent.ctx.@name</p>",
    "<p><%= rtEvent.ctx.missing.@x %></p>",
    // Scriptlets as Campaign's templates write them: a condition across tags, a loop over the
    // ctx, a block, formatDate on the virtual clock, and a script that fails at render (the
    // message is Delivery failed, the others go on).
    "<% if (rtEvent.ctx.@name == 'Ada') { %><p>Welcome back</p><% } else { %><p>Hello <%= escapeXMLString(rtEvent.ctx.@name) %></p><% } %>",
    "<ul><% var n = 0; for each (var c in rtEvent.ctx.*) { n++; %><li><%= c.name() %>: <%= escapeXMLString(String(c).substring(0, 20)) %></li><% } %></ul><p><%= n %> lines, <%= formatDate(getCurrentDate(), '%4Y-%2M-%2D') %></p><%@ include view='MirrorPage' %>",
    "<p><%= parseInt(rtEvent.ctx.@number, 10) % 3 == 0 ? rtEvent.ctx.@missing.toUpperCase() : 'ok' %></p>",
];

struct Gen {
    rng: Rng,
    now: i64,
    n: u64,
    fault_pct: u64,
    /// Instances and types the history added (whatever became of the requests).
    instances: Vec<(&'static str, i64)>,
    types: Vec<&'static str>,
}

impl Gen {
    /// Mostly (`pct` percent) one of the names the history added; otherwise any of `all`.
    fn known<T: Copy>(&mut self, known: &[T], all: &[T], pct: u64) -> T {
        if !known.is_empty() && self.rng.chance(pct) {
            known[self.rng.below(known.len() as u64) as usize]
        } else {
            self.rng.pick(all)
        }
    }

    fn instance(&mut self) -> (&'static str, i64) {
        let known = std::mem::take(&mut self.instances);
        let i = self.known(&known, INSTANCES, 90);
        self.instances = known;
        i
    }

    fn event_type(&mut self) -> &'static str {
        let known = std::mem::take(&mut self.types);
        let t = self.known(&known, TYPES, 92);
        self.types = known;
        t
    }

    fn email(&mut self) -> &'static str {
        // The bad ones (the last three) one time in twenty.
        let n = EMAILS.len() as u64;
        if self.rng.chance(5) {
            EMAILS[(n - 3 + self.rng.below(3)) as usize]
        } else {
            EMAILS[self.rng.below(n - 3) as usize]
        }
    }

    fn at(&mut self, spread: i64) -> String {
        format_iso(self.now + self.rng.range(-spread / 4, spread))
    }

    /// An event; `clean`: valid (a bulk push: one bad event refuses the whole collection).
    fn event(&mut self, json: bool, batch: bool, clean: bool) -> (String, Value) {
        self.n += 1;
        let ty = match (clean, self.types.first()) {
            (true, Some(t)) => t,
            _ if self.rng.chance(2) => "unknownType",
            _ => self.event_type(),
        };
        let sms = self.rng.chance(15);
        let email = if clean { EMAILS[self.rng.below(12) as usize] } else { self.email() };
        let mut attrs: Vec<(&str, String)> = vec![("type", ty.into())];
        if sms {
            attrs.push(("wishedChannel", "1".into()));
            attrs.push(("mobilePhone", if clean || self.rng.chance(97) { format!("+3361{:07}", self.n) } else { "call me".into() }));
        } else if !email.is_empty() || self.rng.chance(50) {
            attrs.push(("email", email.into()));
        }
        if self.rng.chance(15) {
            let t = self.at(2 * HOUR);
            attrs.push(("scheduled", t));
        }
        if self.rng.chance(12) {
            let t = self.at(30 * MIN);
            attrs.push(("expiration", t));
        }
        if !clean && self.rng.chance(1) {
            attrs.push(("scheduled", "tomorrow".into()));
        }
        let name = format!("n{}", self.n);
        let big = !clean && self.rng.chance(1);
        let el = if batch { "batchEvent" } else { "rtEvent" };
        let mut xml = format!("<{el}");
        let mut obj = serde_json::Map::new();
        for (k, v) in &attrs {
            xml.push_str(&format!(" {k}='{}'", v.replace('\'', "&apos;")));
            obj.insert((*k).into(), json!(v));
        }
        let filler = if big { "x".repeat(70 * 1024) } else { String::new() };
        xml.push_str(&format!("><ctx name='{name}' number='{}'>{filler}</ctx></{el}>", self.n));
        obj.insert("ctx".into(), json!({ "@name": name, "@number": self.n.to_string(), "note": filler }));
        if json && batch {
            obj.insert("queue".into(), json!("batch"));
        }
        (xml, Value::Object(obj))
    }

    fn push(&mut self) -> Value {
        let json = self.rng.chance(35);
        let batch = self.rng.chance(25);
        let single = self.rng.chance(70);
        // Now and then a bulk push of several pages of events (steps and cleanups that do not
        // take everything at once).
        let count = match (single, self.rng.chance(4)) {
            (true, _) => 1,
            (false, true) => self.rng.range(100, 400) as usize,
            (false, false) => self.rng.range(1, 5) as usize,
        };
        let mut xmls = Vec::new();
        let mut objs = Vec::new();
        for _ in 0..count {
            let (x, o) = self.event(json, batch, count >= 100);
            xmls.push(x);
            objs.push(o);
        }
        let mut text = if json {
            if single {
                objs[0].to_string()
            } else {
                Value::Array(objs).to_string()
            }
        } else if single {
            xmls[0].clone()
        } else {
            format!("<events>{}</events>", xmls.concat())
        };
        if self.rng.chance(4) {
            // Malformed: cut anywhere.
            let cut = self.rng.below(text.len() as u64) as usize;
            text = text.chars().take(cut).collect();
        }
        let target = match self.rng.below(20) {
            0..=2 => Value::Null,
            3 => json!("control"),
            4 => json!("nowhere"),
            _ => json!(self.instance().0),
        };
        let mut req = json!({ "op": "push", "format": if json { "json" } else { "xml" }, "text": text, "single": single });
        if !target.is_null() {
            req["target"] = target;
        }
        if json && batch && self.rng.chance(50) {
            req["queue"] = json!("batch");
        }
        req
    }

    fn soap(&mut self) -> Value {
        let (xml, _) = self.event(false, false, false);
        let batch = self.rng.chance(30);
        let (svc, xml) = if batch { ("nms:batchEvent", xml.replace("rtEvent", "batchEvent")) } else { ("nms:rtEvent", xml) };
        let token = if self.rng.chance(90) { "admin/" } else { "intruder/secret" };
        let text = format!(
            r#"<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body><m:PushEvent xmlns:m="urn:{svc}"><sessiontoken>{token}</sessiontoken><domEvent>{xml}</domEvent></m:PushEvent></SOAP-ENV:Body></SOAP-ENV:Envelope>"#
        );
        json!({ "op": "soap", "target": self.instance().0, "soapAction": format!("{svc}#PushEvent"), "caller": { "remote": "127.0.0.1" }, "text": text })
    }

    fn advance(&mut self) -> Value {
        let by = match self.rng.below(20) {
            0..=4 => self.rng.range(1, 10) * SEC,
            5..=9 => self.rng.range(10, 120) * SEC,
            10..=13 => self.rng.range(2, 30) * MIN,
            14..=16 => self.rng.range(30, 180) * MIN,
            17 | 18 => self.rng.range(3, 12) * HOUR,
            _ => self.rng.range(1, 3) * DAY,
        };
        self.now += by;
        json!({ "op": "advance", "by": by })
    }

    fn config(&mut self) -> Value {
        match self.rng.below(14) {
            0 => json!({ "batchSize": self.rng.range(1, 600) }),
            1 => json!({ "pagesPerStep": self.rng.range(1, 40) }),
            2 => json!({ "maxProcessingErrors": self.rng.range(1, 6) }),
            3 => json!({ "processingRetryMs": self.rng.range(1, 600) * SEC }),
            4 => json!({ "mtaMaxTries": self.rng.range(1, 6) }),
            5 => json!({ "mtaRetryMs": self.rng.range(1, 30) * MIN }),
            6 => json!({ "eventPurgeDelayMs": self.rng.range(1, 72) * HOUR }),
            7 => json!({ "eventHistoPurgeDelayMs": self.rng.range(2, 200) * HOUR }),
            8 => {
                json!({ "email": { "hardPpm": self.rng.range(0, 300_000), "softPpm": self.rng.range(0, 300_000), "asyncBouncePpm": self.rng.range(0, 100_000) } })
            }
            9 => json!({ "schedules": { "rtEventsProcessing": { "periodMs": self.rng.range(1, 300) * SEC, "offsetMs": 0 } } }),
            10 => json!({ "schedules": { "mcSynch": { "periodMs": self.rng.range(1, 120) * MIN, "offsetMs": 0 } } }),
            11 => json!({ "rejectUnknownEventType": self.rng.chance(50) }),
            12 => json!({ "batchSize": 0 }),
            _ => json!({ "asyncBounceDelayMs": self.rng.range(1, 60) * MIN }),
        }
    }

    fn template(&mut self) -> Value {
        let name = self.rng.pick(TEMPLATES);
        let ty = self.event_type();
        let html = self.rng.pick(HTML);
        let channel = if name.ends_with("sms") { "sms" } else { "email" };
        json!({ "op": "createTemplate", "template": {
            "name": name, "eventType": ty, "channel": channel,
            "subject": "Hi <%= rtEvent.ctx.@name %>", "html": html, "text": "Hello <%= rtEvent.ctx.@name %>"
        } })
    }

    fn fault(&mut self, req: &Value) -> Option<Fault> {
        // Commands write several times; other requests once.
        let long = req["op"] == "advance" || req["op"] == "runWorkflow";
        let nth = if long { self.rng.range(1, 8) as u32 } else { 1 };
        Some(match self.rng.below(5) {
            0 => Fault::FailRead { nth: self.rng.range(1, 3) as u32 },
            1 => Fault::FailWrite { nth },
            2 => Fault::TornWrite { nth },
            3 => Fault::LostAck { nth },
            _ => Fault::CrashAfter { nth },
        })
    }

    fn next(&mut self) -> Action {
        let req = match self.rng.below(100) {
            0..=29 => self.push(),
            30..=33 => self.soap(),
            34..=51 => self.advance(),
            52..=58 => {
                let op = self.rng.pick(&["startWorkflow", "startWorkflow", "pauseWorkflow", "stopWorkflow"]);
                let (instance, name) = if self.rng.chance(20) {
                    let acc = self.instance().0;
                    ("control", if self.rng.chance(70) { format!("mcSynch_{acc}") } else { "cleanup".into() })
                } else {
                    (self.instance().0, (self.rng.pick(WORKFLOWS)).to_string())
                };
                json!({ "op": op, "instance": instance, "name": name })
            }
            59..=62 => {
                let (instance, name) = (self.instance().0, self.rng.pick(WORKFLOWS));
                json!({ "op": "runWorkflow", "instance": instance, "name": name })
            }
            63..=66 => match self.rng.below(4) {
                0 => {
                    let (n, id) = if self.rng.chance(10) { ("bad name", 9) } else { self.rng.pick(INSTANCES) };
                    let id = if self.rng.chance(5) { 300 } else { id };
                    if !self.instances.contains(&(n, id)) {
                        self.instances.push((n, id));
                    }
                    json!({ "op": "addExecutionInstance", "name": n, "executionInstanceId": id })
                }
                1 => json!({ "op": "updateExecutionInstance", "name": self.instance().0, "patch": { "enabled": self.rng.chance(60) } }),
                _ => json!({ "op": "createArchivingWorkflow", "account": self.instance().0 }),
            },
            67..=75 => match self.rng.below(8) {
                0 | 1 => {
                    let t = self.rng.pick(TYPES);
                    if !self.types.contains(&t) {
                        self.types.push(t);
                    }
                    json!({ "op": "addEventType", "name": t })
                }
                2 => self.template(),
                3 => json!({ "op": "updateTemplate", "name": self.rng.pick(TEMPLATES), "patch": { "html": self.rng.pick(HTML) } }),
                4 | 5 => json!({ "op": "publish", "name": self.rng.pick(TEMPLATES) }),
                6 => json!({ "op": "unpublish", "name": self.rng.pick(TEMPLATES) }),
                _ => json!({ "op": "deleteTemplate", "name": self.rng.pick(TEMPLATES) }),
            },
            76..=79 => json!({ "op": "configure", "config": self.config() }),
            80 | 81 => json!({ "op": "denylist", "instance": self.instance().0, "address": self.rng.pick(EMAILS) }),
            82..=84 => {
                let instance = if self.rng.chance(30) { "control" } else { self.instance().0 };
                json!({ "op": "listEvents", "filter": { "instance": instance, "limit": self.rng.range(1, 50) } })
            }
            85..=89 => return Action::Reopen,
            90..=93 => return Action::Crash,
            94 | 95 => return Action::Settle,
            _ => self.advance(),
        };
        let fault = if self.rng.chance(self.fault_pct) { self.fault(&req) } else { None };
        Action::Op { req, fault }
    }
}

/// The history of a seed: it opens a store, most often builds a small topology and catalogue,
/// then takes `steps` random actions, and settles at the end.
pub fn generate(seed: u64, opts: &GenOptions) -> Vec<Action> {
    let mut g = Gen {
        rng: Rng::new(seed),
        now: 1_773_144_000_000 + (seed % 1000) as i64 * 7_919_000,
        n: 0,
        fault_pct: opts.fault_pct,
        instances: Vec::new(),
        types: Vec::new(),
    };
    let mut h =
        vec![Action::op(json!({ "op": "open", "seed": g.rng.next_u64().to_string(), "now": g.now, "boundary": crate::boundary::VERSION }))];
    if g.rng.chance(85) {
        h.push(Action::op(json!({ "op": "addEventType", "name": "order" })));
        h.push(Action::op(json!({ "op": "addEventType", "name": "reset" })));
        h.push(Action::op(json!({ "op": "addExecutionInstance", "name": "exec1", "executionInstanceId": 1 })));
        g.types = vec!["order", "reset"];
        g.instances.push(("exec1", 1));
        if g.rng.chance(50) {
            h.push(Action::op(json!({ "op": "addExecutionInstance", "name": "exec2", "executionInstanceId": 2 })));
            g.instances.push(("exec2", 2));
        }
        h.push(Action::op(json!({ "op": "createTemplate", "template": {
            "name": "confirm", "eventType": "order", "subject": "Order <%= rtEvent.ctx.@number %>",
            "html": "<p>Hello <%= rtEvent.ctx.@name %></p>", "text": "text" } })));
        h.push(Action::op(json!({ "op": "publish", "name": "confirm" })));
        if g.rng.chance(70) {
            for wf in ["rtEventsProcessing", "batchEventsProcessing", "updateEventsStatus"] {
                h.push(Action::op(json!({ "op": "startWorkflow", "instance": "exec1", "name": wf })));
            }
        }
        if g.rng.chance(50) {
            h.push(Action::op(json!({ "op": "createArchivingWorkflow", "account": "exec1" })));
            h.push(Action::op(json!({ "op": "startWorkflow", "instance": "control", "name": "mcSynch_exec1" })));
        }
    }
    for _ in 0..opts.steps {
        h.push(g.next());
    }
    h.push(Action::Settle);
    h
}
