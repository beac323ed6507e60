//! Rendering a template for an event (or a seed address): the event's fields and its parsed ctx as
//! seen by personalization, and a cache of parsed templates.

use std::collections::HashMap;
use std::rc::Rc;

use crate::ctx::Node;
use crate::dates;
use crate::error::Result;
use crate::personalization::{self, Lookup, Template};
use crate::records::{EventData, Rendered};

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

impl Lookup for EventRef<'_> {
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
}

/// What personalization sees of an event given field by field (seed addresses).
#[derive(Debug, Default)]
pub struct EventView {
    fields: Vec<(&'static str, String)>,
    ctx: Option<Node>,
}

impl Lookup for EventView {
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

/// The three parsed parts of a template.
#[derive(Debug)]
pub struct Parsed {
    /// Subject.
    pub subject: Template,
    /// HTML body.
    pub html: Template,
    /// Text body.
    pub text: Template,
}

impl Parsed {
    /// Parses the three parts; errors name the part.
    pub fn parse(subject: &str, html: &str, text: &str) -> Result<Parsed> {
        Ok(Parsed {
            subject: personalization::parse(subject).map_err(|e| e.into_error("subject"))?,
            html: personalization::parse(html).map_err(|e| e.into_error("html"))?,
            text: personalization::parse(text).map_err(|e| e.into_error("text"))?,
        })
    }

    /// Publication-time reference check.
    pub fn check_references(&self) -> Result<()> {
        self.subject.check_references().map_err(|e| e.into_unpublishable_error("subject"))?;
        self.html.check_references().map_err(|e| e.into_unpublishable_error("html"))?;
        self.text.check_references().map_err(|e| e.into_unpublishable_error("text"))?;
        Ok(())
    }

    /// Renders the three parts.
    pub(crate) fn render(&self, view: &dyn Lookup) -> Rendered {
        Rendered { subject: self.subject.render(view), html: self.html.render(view), text: self.text.render(view) }
    }
}

/// Parsed templates by publication sequence: the two copies of one publication share their
/// content, and a republish makes a new sequence.
#[derive(Debug, Default)]
pub struct Cache {
    map: HashMap<u64, Rc<Parsed>>,
}

impl Cache {
    /// The parsed form of a publication, if cached.
    pub fn lookup(&self, seq: u64) -> Option<Rc<Parsed>> {
        self.map.get(&seq).cloned()
    }

    /// The parsed form of a publication, parsed now if not cached.
    pub fn get(&mut self, seq: u64, subject: &str, html: &str, text: &str) -> Result<Rc<Parsed>> {
        if let Some(p) = self.map.get(&seq) {
            return Ok(p.clone());
        }
        let p = Rc::new(Parsed::parse(subject, html, text)?);
        if self.map.len() > 1024 {
            self.map.clear();
        }
        self.map.insert(seq, p.clone());
        Ok(p)
    }
}
