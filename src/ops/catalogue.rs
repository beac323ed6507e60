//! The control's catalogue: the `eventType` enumeration and transactional message templates, their
//! seed addresses, preview, publication and unpublication.

use serde::Deserialize;
use serde_json::{json, Value};

use crate::engine::Engine;
use crate::error::{err, Error, ErrorCode, Result};
use crate::input::Queue;
use crate::model::Channel;
use crate::ops::admin::check_name;
use crate::ops::Next;
use crate::render::{EventView, Parsed};
use crate::state::{EventType, PublishedCopy, Publication, Seed, Template};

/// A seed address as given by the API: ctx as XML text or as a JSON object.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedInput {
    /// Internal name (default `seed<N>`).
    #[serde(default)]
    pub name: Option<String>,
    /// Label.
    #[serde(default)]
    pub label: Option<String>,
    /// Email.
    #[serde(default)]
    pub email: Option<String>,
    /// Mobile phone.
    #[serde(default)]
    pub mobile_phone: Option<String>,
    /// External id.
    #[serde(default)]
    pub external_id: Option<String>,
    /// Test ctx.
    #[serde(default)]
    pub ctx: Option<Value>,
}

/// A template as given to `createTemplate`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TemplateInput {
    /// Internal name.
    pub name: String,
    /// Label.
    #[serde(default)]
    pub label: Option<String>,
    /// Event type.
    #[serde(default)]
    pub event_type: Option<String>,
    /// Channel, number or name (default email).
    #[serde(default)]
    pub channel: Option<Value>,
    /// Subject.
    #[serde(default)]
    pub subject: Option<String>,
    /// HTML body.
    #[serde(default)]
    pub html: Option<String>,
    /// Text body.
    #[serde(default)]
    pub text: Option<String>,
    /// Seed addresses.
    #[serde(default)]
    pub seeds: Option<Vec<SeedInput>>,
}

/// Changes to a template (absent fields are kept; `eventType: null` clears it).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TemplatePatch {
    /// Label.
    #[serde(default)]
    pub label: Option<String>,
    /// Event type (`Some(None)` clears).
    #[serde(default, with = "double_option")]
    pub event_type: Option<Option<String>>,
    /// Channel.
    #[serde(default)]
    pub channel: Option<Value>,
    /// Subject.
    #[serde(default)]
    pub subject: Option<String>,
    /// HTML body.
    #[serde(default)]
    pub html: Option<String>,
    /// Text body.
    #[serde(default)]
    pub text: Option<String>,
    /// Seed addresses (replace all).
    #[serde(default)]
    pub seeds: Option<Vec<SeedInput>>,
}

mod double_option {
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
        Option::<String>::deserialize(d).map(Some)
    }
}

/// Adds a value to the `eventType` enumeration.
pub fn add_event_type(eng: &mut Engine, name: String, label: Option<String>) -> Result<Next> {
    check_name("event type", &name)?;
    if eng.st.event_types.contains_key(&name) {
        return err(ErrorCode::DuplicateEventType, format!("the eventType enumeration has a value '{name}' already"));
    }
    let t = EventType { label: label.unwrap_or_else(|| name.clone()), name: name.clone() };
    eng.st.event_types.insert(name, t.clone());
    eng.touch("m/types");
    Ok(Next::Done(json!({ "name": t.name, "label": t.label })))
}

fn parse_channel(v: Option<&Value>) -> Result<Channel> {
    let ch = match v {
        None | Some(Value::Null) => Channel::Email,
        Some(Value::Number(n)) => Channel::parse(&n.to_string()).ok_or_else(|| Error::new(ErrorCode::UnknownChannel, format!("channel {n} is not a known channel")))?,
        Some(Value::String(s)) => Channel::parse(s).ok_or_else(|| Error::new(ErrorCode::UnknownChannel, format!("channel '{s}' is not a known channel")))?,
        Some(other) => return err(ErrorCode::UnknownChannel, format!("channel {other} is neither a number nor a name")),
    };
    if !ch.has_template() {
        return err(
            ErrorCode::UnknownChannel,
            format!("there is no transactional delivery template for the channel '{}' (email, sms, mobileApp, ios, android)", ch.name()),
        );
    }
    Ok(ch)
}

fn check_event_type(eng: &Engine, t: &Option<String>) -> Result<()> {
    if let Some(t) = t {
        if !eng.st.event_types.contains_key(t) {
            return err(ErrorCode::UnknownEventType, format!("event type '{t}' is not a value of the eventType enumeration"));
        }
    }
    Ok(())
}

fn seeds(eng: &Engine, input: Vec<SeedInput>) -> Result<Vec<Seed>> {
    let limits = eng.st.config.limits();
    let mut out: Vec<Seed> = Vec::new();
    for (i, s) in input.into_iter().enumerate() {
        let name = s.name.unwrap_or_else(|| format!("seed{}", i + 1));
        check_name("seed address", &name)?;
        if out.iter().any(|o| o.name == name) {
            return err(ErrorCode::InvalidArgument, format!("two seed addresses are named '{name}'"));
        }
        if let Some(e) = &s.email {
            if !crate::events::is_valid_email(e) {
                return err(ErrorCode::InvalidEmail, format!("seed '{name}': '{e}' is not a valid email address"));
            }
        }
        if let Some(p) = &s.mobile_phone {
            if !crate::events::is_valid_phone(p) {
                return err(ErrorCode::InvalidPhone, format!("seed '{name}': '{p}' is not a valid mobile phone number"));
            }
        }
        let ctx = match &s.ctx {
            None | Some(Value::Null) => "<ctx/>".to_string(),
            Some(Value::String(x)) => crate::ctx::parse_xml(x, &limits).map_err(|e| Error::new(e.code, format!("seed '{name}': {}", e.message)))?.to_xml(),
            Some(v @ Value::Object(_)) => crate::ctx::Node::from_json("ctx", v, &limits)?.to_xml(),
            Some(_) => return err(ErrorCode::InvalidArgument, format!("seed '{name}': ctx must be XML text or an object")),
        };
        out.push(Seed { label: s.label.unwrap_or_else(|| name.clone()), name, email: s.email, mobile_phone: s.mobile_phone, external_id: s.external_id, ctx });
    }
    Ok(out)
}

/// Creates a template ("Being edited"). Content that does not parse is refused here.
pub fn create_template(eng: &mut Engine, t: TemplateInput) -> Result<Next> {
    check_name("template", &t.name)?;
    if eng.st.templates.contains_key(&t.name) {
        return err(ErrorCode::DuplicateTemplate, format!("a transactional message template named '{}' exists already", t.name));
    }
    let channel = parse_channel(t.channel.as_ref())?;
    check_event_type(eng, &t.event_type)?;
    let subject = t.subject.unwrap_or_default();
    let html = t.html.unwrap_or_default();
    let text = t.text.unwrap_or_default();
    Parsed::parse(&subject, &html, &text)?;
    let seeds = seeds(eng, t.seeds.unwrap_or_default())?;
    let now = eng.st.clock;
    let tpl = Template {
        label: t.label.unwrap_or_else(|| t.name.clone()),
        name: t.name.clone(),
        event_type: t.event_type,
        channel,
        subject,
        html,
        text,
        seeds,
        publication: Publication::BeingEdited,
        published_at: None,
        created: now,
        last_modified: now,
    };
    eng.st.templates.insert(t.name.clone(), tpl);
    eng.touch(format!("m/tpl/{}", t.name));
    crate::ops::views::template(eng, &t.name).map(Next::Done)
}

fn get_template<'a>(eng: &'a Engine, name: &str) -> Result<&'a Template> {
    eng.st
        .templates
        .get(name)
        .ok_or_else(|| Error::new(ErrorCode::UnknownTemplate, format!("no transactional message template named '{name}'")))
}

/// Changes a template. Changes take effect on execution instances at the next publication.
pub fn update_template(eng: &mut Engine, name: &str, p: TemplatePatch) -> Result<Next> {
    let mut tpl = get_template(eng, name)?.clone();
    if let Some(l) = p.label {
        tpl.label = l;
    }
    if let Some(t) = p.event_type {
        check_event_type(eng, &t)?;
        tpl.event_type = t;
    }
    if p.channel.is_some() {
        tpl.channel = parse_channel(p.channel.as_ref())?;
    }
    if let Some(s) = p.subject {
        tpl.subject = s;
    }
    if let Some(s) = p.html {
        tpl.html = s;
    }
    if let Some(s) = p.text {
        tpl.text = s;
    }
    if let Some(s) = p.seeds {
        tpl.seeds = seeds(eng, s)?;
    }
    Parsed::parse(&tpl.subject, &tpl.html, &tpl.text)?;
    tpl.last_modified = eng.st.clock;
    eng.st.templates.insert(name.to_string(), tpl);
    eng.touch(format!("m/tpl/{name}"));
    crate::ops::views::template(eng, name).map(Next::Done)
}

/// Deletes a template; a published one must be unpublished first.
pub fn delete_template(eng: &mut Engine, name: &str) -> Result<Next> {
    let tpl = get_template(eng, name)?;
    if tpl.publication == Publication::Published {
        return err(ErrorCode::TemplatePublished, format!("'{name}' is published: unpublish it before deleting it"));
    }
    eng.st.templates.remove(name);
    eng.touch(format!("m/tpl/{name}"));
    Ok(Next::Done(json!({ "deleted": name })))
}

fn copy_names(name: &str) -> [(String, Queue); 2] {
    [(format!("{name}_rt"), Queue::Rt), (format!("{name}_batch"), Queue::Batch)]
}

/// Publishes to every execution instance: `<name>_rt` and `<name>_batch`, replacing earlier copies.
pub fn publish(eng: &mut Engine, name: &str) -> Result<Next> {
    let tpl = get_template(eng, name)?.clone();
    let Some(event_type) = tpl.event_type.clone() else {
        return err(ErrorCode::TemplateNotPublishable, format!("'{name}' has no event type: choose one before publishing"));
    };
    let parsed = Parsed::parse(&tpl.subject, &tpl.html, &tpl.text).map_err(|e| Error::new(ErrorCode::TemplateNotPublishable, e.message))?;
    parsed.check_references()?;
    if tpl.channel == Channel::Email && tpl.subject.trim().is_empty() {
        return err(ErrorCode::TemplateNotPublishable, format!("'{name}' is an email template without a subject"));
    }
    let now = eng.st.clock;
    eng.st.control.publish_seq += 1;
    let seq = eng.st.control.publish_seq;
    eng.touch("m/control");
    let mut log = vec![
        "Starting transactional message publication (1).".to_string(),
        format!("Publication of the '{} ({})' transactional message...", tpl.label, tpl.name),
    ];
    let ids: Vec<(u8, String)> = eng.st.accounts.values().map(|a| (a.execution_instance_id, a.name.clone())).collect();
    for (id, account) in ids {
        let copies = eng.st.published.entry(id).or_default();
        for (copy, queue) in copy_names(name) {
            copies.insert(
                copy.clone(),
                PublishedCopy {
                    name: copy.clone(),
                    template: name.to_string(),
                    label: tpl.label.clone(),
                    queue,
                    event_type: event_type.clone(),
                    channel: tpl.channel,
                    subject: tpl.subject.clone(),
                    html: tpl.html.clone(),
                    text: tpl.text.clone(),
                    published_at: now,
                    publish_seq: seq,
                },
            );
            log.push(format!("Template '{copy}' deployed on the execution instance '{account}'."));
        }
        eng.touch(format!("m/pub/{id:02x}"));
    }
    log.push(format!("Publication of '{} ({})' complete.", tpl.label, tpl.name));
    log.push("Transactional message publication complete.".to_string());
    if let Some(t) = eng.st.templates.get_mut(name) {
        t.publication = Publication::Published;
        t.published_at = Some(now);
    }
    eng.touch(format!("m/tpl/{name}"));
    Ok(Next::Done(json!({ "template": name, "publication": "Published", "log": log })))
}

/// Unpublishes: deletes both copies from every execution instance; status back to "Being edited".
pub fn unpublish(eng: &mut Engine, name: &str) -> Result<Next> {
    let tpl = get_template(eng, name)?;
    if tpl.publication != Publication::Published {
        return err(ErrorCode::InvalidArgument, format!("'{name}' is not published"));
    }
    let mut log = vec![format!("Unpublication of the '{} ({})' transactional message...", tpl.label, tpl.name)];
    let ids: Vec<(u8, String)> = eng.st.accounts.values().map(|a| (a.execution_instance_id, a.name.clone())).collect();
    for (id, account) in ids {
        if let Some(copies) = eng.st.published.get_mut(&id) {
            for (copy, _) in copy_names(name) {
                if copies.remove(&copy).is_some() {
                    log.push(format!("Template '{copy}' deleted from the execution instance '{account}'."));
                }
            }
            eng.touch(format!("m/pub/{id:02x}"));
        }
    }
    if let Some(t) = eng.st.templates.get_mut(name) {
        t.publication = Publication::BeingEdited;
    }
    eng.touch(format!("m/tpl/{name}"));
    log.push("Unpublication complete.".to_string());
    Ok(Next::Done(json!({ "template": name, "publication": "Being edited", "log": log })))
}

/// Renders a template with one of its seed addresses.
pub fn preview(eng: &Engine, name: &str, seed: Option<&str>) -> Result<Value> {
    let tpl = get_template(eng, name)?;
    let s = match seed {
        Some(n) => tpl.seeds.iter().find(|s| s.name == n).ok_or_else(|| Error::new(ErrorCode::UnknownSeed, format!("'{name}' has no seed address named '{n}'")))?,
        None => tpl.seeds.first().ok_or_else(|| Error::new(ErrorCode::UnknownSeed, format!("'{name}' has no seed address: add one to preview")))?,
    };
    let ctx = crate::ctx::parse_stored(&s.ctx);
    let mut fields: Vec<(&'static str, String)> = vec![("type", tpl.event_type.clone().unwrap_or_default()), ("wishedChannel", tpl.channel.code().to_string())];
    if let Some(e) = &s.email {
        fields.push(("email", e.clone()));
    }
    if let Some(p) = &s.mobile_phone {
        fields.push(("mobilePhone", p.clone()));
    }
    if let Some(x) = &s.external_id {
        fields.push(("externalId", x.clone()));
    }
    let view = EventView::of_fields(fields, ctx);
    let rendered = Parsed::parse(&tpl.subject, &tpl.html, &tpl.text)?.render(&view);
    Ok(json!({ "template": name, "seed": s.name, "subject": rendered.subject, "html": rendered.html, "text": rendered.text }))
}
