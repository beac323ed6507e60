//! Rendering a template for an event (or a seed address): the event as personalization sees it,
//! the three fields compiled by the personalization language (`script`), the environment of a
//! render (the virtual clock, a seed, the instance's time zone, the bounds), and a cache of
//! compiled templates.

use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use crate::config::Config;
use crate::dates;
use crate::error::{Error, ErrorCode, Result};
use crate::records::{EventData, Rendered};
use crate::script::{self, Program, ScriptError};
use crate::tree::Node;

/// What personalization sees of an event, borrowed (no copy of its fields).
#[derive(Debug)]
pub(crate) struct EventRef<'a> {
    id: u64,
    ev: &'a EventData,
    ctx: Option<Node>,
}

impl<'a> EventRef<'a> {
    /// The view of an event (its ctx parsed again from canonical XML).
    pub fn new(id: u64, ev: &'a EventData) -> Self {
        EventRef { id, ev, ctx: crate::ctx::parse_stored(&ev.ctx) }
    }
}

impl script::Event for EventRef<'_> {
    fn field(&self, name: &str) -> Option<String> {
        let ev = self.ev;
        match name {
            "id" => Some(self.id.to_string()),
            "type" => Some(ev.event_type.clone()),
            "wishedChannel" => Some(ev.wished_channel.code().to_string()),
            "emailFormat" => Some(ev.email_format.to_string()),
            "created" => Some(dates::format_iso(ev.created)),
            "email" => ev.email.clone(),
            "mobilePhone" => ev.mobile_phone.clone(),
            "externalId" => ev.external_id.clone(),
            "origin" => ev.origin.clone(),
            "language" => ev.language.clone(),
            "country" => ev.country.clone(),
            "registrationToken" => ev.registration_token.clone(),
            "scheduled" => ev.scheduled.map(dates::format_iso),
            "expiration" => ev.expiration.map(dates::format_iso),
            _ => None,
        }
    }

    fn ctx(&self) -> Option<&Node> {
        self.ctx.as_ref()
    }

    fn date(&self, name: &str) -> Option<f64> {
        let t = match name {
            "created" => Some(self.ev.created),
            "scheduled" => self.ev.scheduled,
            "expiration" => self.ev.expiration,
            _ => None,
        };
        t.map(|t| t as f64)
    }
}

/// What personalization sees of an event given field by field (seed addresses).
#[derive(Debug, Default)]
pub struct EventView {
    fields: Vec<(&'static str, String)>,
    ctx: Option<Node>,
}

impl script::Event for EventView {
    fn field(&self, name: &str) -> Option<String> {
        self.fields.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone())
    }

    fn ctx(&self) -> Option<&Node> {
        self.ctx.as_ref()
    }
}

impl EventView {
    /// A view from explicit fields (seed addresses).
    pub fn of_fields(fields: Vec<(&'static str, String)>, ctx: Option<Node>) -> Self {
        EventView { fields, ctx }
    }
}

/// The personalization blocks and options a template may include: the control's own, with the
/// built-in ones below them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Includes {
    /// Custom personalization blocks (`nms:includeView`): name → JSSP.
    pub blocks: BTreeMap<String, String>,
    /// Options (`xtk:option`): name → value.
    pub options: BTreeMap<String, String>,
}

impl script::jssp::Includes for Includes {
    fn block(&self, name: &str) -> Option<Rc<str>> {
        self.blocks.get(name).map(|s| Rc::from(s.as_str())).or_else(|| script::builtin_block(name).map(Rc::from))
    }

    fn option(&self, name: &str) -> Option<String> {
        self.options.get(name).cloned().or_else(|| script::builtin_option(name).map(str::to_owned))
    }
}

/// A template's field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Subject,
    Html,
    Text,
}

impl Part {
    /// The field's name in the API.
    pub fn api_name(self) -> &'static str {
        match self {
            Part::Subject => "subject",
            Part::Html => "html",
            Part::Text => "text",
        }
    }

    /// The field's name as people say it.
    pub fn label(self) -> &'static str {
        match self {
            Part::Subject => "subject",
            Part::Html => "HTML body",
            Part::Text => "text body",
        }
    }

    /// The name Campaign gives the field's script in its errors ([I]: `content htmlContent` and
    /// `content textContent` are the names in Campaign's `JST-310000` messages; the subject's is
    /// our guess).
    pub fn script_name(self) -> &'static str {
        match self {
            Part::Subject => "mailSubject",
            Part::Html => "content htmlContent",
            Part::Text => "content textContent",
        }
    }
}

const PARTS: [Part; 3] = [Part::Subject, Part::Html, Part::Text];

/// The three fields of a template, compiled (a field that does not compile keeps its error:
/// publication refuses it; a stored one fails each message it renders).
#[derive(Debug)]
pub struct Parsed {
    fields: [std::result::Result<Program, ScriptError>; 3],
}

/// An error of one field while it renders, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderFailure {
    pub part: Part,
    pub error: ScriptError,
}

impl RenderFailure {
    /// The text the delivery log and the event's "Why?" give, as Campaign words a
    /// personalization error ([I] `JST-310000`).
    pub fn delivery_text(&self) -> String {
        format!(
            "JST-310000 Error while compiling script '{}' line {}: {}: {}",
            self.part.script_name(),
            self.error.line,
            self.error.name,
            self.error.message
        )
    }

    /// The API error (preview, proofs): code `TEMPLATE_RENDER`, at the field, line and column.
    pub fn into_error(self) -> Error {
        Error::new(
            ErrorCode::TemplateRender,
            format!(
                "{}: line {}, column {}: {}: {}",
                self.part.label(),
                self.error.line,
                self.error.column,
                self.error.name,
                self.error.message
            ),
        )
        .at(self.part.api_name(), self.error.line, self.error.column)
    }
}

/// Where and when a render runs.
pub(crate) struct RenderEnv {
    pub now: i64,
    /// The store's seed.
    pub seed: u64,
    pub tz: script::TimeZone,
    pub bounds: script::Bounds,
}

impl RenderEnv {
    pub(crate) fn new(cfg: &Config, seed: u64, now: i64) -> RenderEnv {
        RenderEnv { now, seed, tz: cfg.tz(), bounds: cfg.script_bounds() }
    }
}

/// `Math.random`'s seed for one event: drawn from the store's seed and the event id, so that a
/// render gives the same message every time.
fn random_seed(seed: u64, id: u64) -> u32 {
    (crate::mta::mix(seed ^ id.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5045_5253_4F4E_414C) & 0xFFFF_FFFF) as u32
}

impl Parsed {
    /// Compiles the three fields with what they may include.
    pub fn compile(subject: &str, html: &str, text: &str, includes: &Includes) -> Parsed {
        Parsed { fields: [script::compile(subject, includes), script::compile(html, includes), script::compile(text, includes)] }
    }

    /// The personalization blocks and options the fields include (those that compile).
    pub fn uses(&self) -> (std::collections::BTreeSet<String>, std::collections::BTreeSet<String>) {
        let mut b = std::collections::BTreeSet::new();
        let mut o = std::collections::BTreeSet::new();
        for p in self.fields.iter().flatten() {
            let (bs, os) = p.uses();
            b.extend(bs.iter().cloned());
            o.extend(os.iter().cloned());
        }
        (b, o)
    }

    /// The first field that does not compile, as `code` (`TEMPLATE_SYNTAX` at save,
    /// `TEMPLATE_NOT_PUBLISHABLE` at publication) at its field, line and column.
    pub fn check(&self, code: ErrorCode) -> Result<()> {
        match self.problems(code).into_iter().next() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Every field that does not compile, in field order, as `code` errors at field, line and
    /// column.
    pub fn problems(&self, code: ErrorCode) -> Vec<Error> {
        let mut out = Vec::new();
        for (part, f) in PARTS.iter().zip(&self.fields) {
            if let Err(e) = f {
                let msg = if e.name == "SyntaxError" || e.name == "TemplateError" {
                    e.message.clone()
                } else {
                    format!("{}: {}", e.name, e.message)
                };
                out.push(Error::new(code, format!("{}: line {}, column {}: {}", part.label(), e.line, e.column, msg)).at(
                    part.api_name(),
                    e.line,
                    e.column,
                ));
            }
        }
        out
    }

    /// Renders the three fields for an event.
    pub(crate) fn render(&self, view: &dyn script::Event, env: &RenderEnv, id: u64) -> std::result::Result<Rendered, RenderFailure> {
        let senv =
            script::Env { bounds: env.bounds, now: env.now as f64, seed: random_seed(env.seed, id), tz: env.tz.clone(), event: view };
        let mut out: [String; 3] = Default::default();
        for ((part, f), slot) in PARTS.iter().zip(&self.fields).zip(out.iter_mut()) {
            let r = match f {
                Ok(p) => p.render(&senv),
                Err(e) => Err(e.clone()),
            };
            *slot = r.map_err(|error| RenderFailure { part: *part, error })?;
        }
        let [subject, html, text] = out;
        Ok(Rendered { subject, html, text })
    }
}

/// Compiled templates by publication sequence: the two copies of one publication share their
/// content, and a republish makes a new sequence.
#[derive(Debug, Default)]
pub struct Cache {
    map: HashMap<u64, Rc<Parsed>>,
}

impl Cache {
    /// The compiled form of a publication, if cached.
    pub fn lookup(&self, seq: u64) -> Option<Rc<Parsed>> {
        self.map.get(&seq).cloned()
    }

    /// The compiled form of a publication, compiled now if not cached.
    pub fn get(&mut self, seq: u64, subject: &str, html: &str, text: &str, includes: &Includes) -> Rc<Parsed> {
        if let Some(p) = self.map.get(&seq) {
            return p.clone();
        }
        let p = Rc::new(Parsed::compile(subject, html, text, includes));
        if self.map.len() > 1024 {
            self.map.clear();
        }
        self.map.insert(seq, p.clone());
        p
    }
}
