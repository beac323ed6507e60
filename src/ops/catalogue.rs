//! The control's catalogue: the `eventType` enumeration and transactional message templates, their
//! seed addresses, preview, publication and unpublication.

use serde::Deserialize;
use serde_json::Value;
use ts_rs::TS;

use crate::error::{err, Error, ErrorCode, Result};
use crate::model::{Channel, Queue};
use crate::ops::admin::check_name;
use crate::render::{EventView, Parsed, RenderEnv, RenderFailure};
use crate::state::{EventType, Publication, PublishedCopy, Seed, State, Template};
use crate::txn::Txn;
use crate::views::{Deleted, OpResult, Preview, PublishResult, TemplateView};

/// A seed address as `createTemplate` / `updateTemplate` take it: ctx as XML text or as an object.
#[derive(Debug, Clone, PartialEq, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedInput {
    /// Internal name, unique in the template (default `seed<N>`).
    #[serde(default)]
    #[ts(optional)]
    pub name: Option<String>,
    /// Label (default: the name).
    #[serde(default)]
    #[ts(optional)]
    pub label: Option<String>,
    /// Email address.
    #[serde(default)]
    #[ts(optional)]
    pub email: Option<String>,
    /// Mobile phone.
    #[serde(default)]
    #[ts(optional)]
    pub mobile_phone: Option<String>,
    /// External identifier.
    #[serde(default)]
    #[ts(optional)]
    pub external_id: Option<String>,
    /// Test data: a `ctx` object, or `<ctx>…</ctx>` XML text.
    #[serde(default)]
    #[ts(optional, type = "CtxObject | string | null")]
    pub ctx: Option<Value>,
}

/// What `createTemplate` takes.
#[derive(Debug, Clone, PartialEq, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TemplateInput {
    /// Internal name.
    pub name: String,
    /// Label (default: the name).
    #[serde(default)]
    #[ts(optional, type = "string | null")]
    pub label: Option<String>,
    /// Event type (a value of the `eventType` enumeration); required to publish.
    #[serde(default)]
    #[ts(optional, type = "string | null")]
    pub event_type: Option<String>,
    /// Channel (default email).
    #[serde(default)]
    #[ts(optional, type = "TemplateChannel | ChannelInput | null")]
    pub channel: Option<Value>,
    /// Subject (required for email to publish).
    #[serde(default)]
    #[ts(optional, type = "string | null")]
    pub subject: Option<String>,
    /// HTML body.
    #[serde(default)]
    #[ts(optional, type = "string | null")]
    pub html: Option<String>,
    /// Text body (also the SMS and push text).
    #[serde(default)]
    #[ts(optional, type = "string | null")]
    pub text: Option<String>,
    /// Seed addresses.
    #[serde(default)]
    #[ts(optional, type = "SeedInput[] | null")]
    pub seeds: Option<Vec<SeedInput>>,
}

/// What `updateTemplate` takes: absent fields are kept; `eventType: null` clears it; `seeds`
/// replaces all.
#[derive(Debug, Clone, PartialEq, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TemplatePatch {
    /// Label.
    #[serde(default)]
    #[ts(optional)]
    pub label: Option<String>,
    /// Event type, or null for "(None specified)".
    #[serde(default, deserialize_with = "double_option::deserialize")]
    #[ts(optional, type = "string | null")]
    pub event_type: Option<Option<String>>,
    /// Channel.
    #[serde(default)]
    #[ts(optional, type = "TemplateChannel | ChannelInput")]
    pub channel: Option<Value>,
    /// Subject.
    #[serde(default)]
    #[ts(optional)]
    pub subject: Option<String>,
    /// HTML body.
    #[serde(default)]
    #[ts(optional)]
    pub html: Option<String>,
    /// Text body.
    #[serde(default)]
    #[ts(optional)]
    pub text: Option<String>,
    /// Seed addresses (replace all).
    #[serde(default)]
    #[ts(optional)]
    pub seeds: Option<Vec<SeedInput>>,
}

mod double_option {
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
        Option::<String>::deserialize(d).map(Some)
    }
}

/// Adds a value to the `eventType` enumeration.
pub fn add_event_type(txn: &mut Txn<'_>, name: String, label: Option<String>) -> Result<OpResult> {
    check_name("event type", &name)?;
    if txn.st().event_types.contains_key(&name) {
        return err(ErrorCode::DuplicateEventType, format!("the eventType enumeration has a value '{name}' already"));
    }
    if let Some(l) = &label {
        check_label(l)?;
    }
    let t = EventType { label: label.unwrap_or_else(|| name.clone()), name: name.clone() };
    txn.event_types_mut().insert(name, t.clone());
    Ok(OpResult::EventType(t))
}

pub(crate) fn check_label(l: &str) -> Result<()> {
    if l.chars().count() > 255 {
        return err(ErrorCode::InvalidArgument, "label is longer than 255 characters");
    }
    if let Some(c) = l.chars().find(|c| c.is_control()) {
        return err(ErrorCode::InvalidArgument, format!("label holds a control character (U+{:04X})", u32::from(c)));
    }
    Ok(())
}

fn parse_channel(v: Option<&Value>) -> Result<Channel> {
    let ch = match v {
        None | Some(Value::Null) => Channel::Email,
        Some(Value::Number(n)) => Channel::parse(&n.to_string())
            .ok_or_else(|| Error::new(ErrorCode::UnknownChannel, format!("channel {n} is not a known channel")))?,
        Some(Value::String(s)) => Channel::parse(s).ok_or_else(|| {
            Error::new(ErrorCode::UnknownChannel, format!("channel '{}' is not a known channel", crate::tree::excerpt(s)))
        })?,
        Some(other) => {
            return err(
                ErrorCode::UnknownChannel,
                format!("channel {} is neither a number nor a name", crate::tree::excerpt(&other.to_string())),
            )
        }
    };
    if !ch.has_template() {
        return err(
            ErrorCode::UnknownChannel,
            format!("there is no transactional delivery template for the channel '{}' (email, sms, mobileApp, ios, android)", ch.name()),
        );
    }
    Ok(ch)
}

fn check_event_type(st: &State, t: &Option<String>) -> Result<()> {
    if let Some(t) = t {
        if !st.event_types.contains_key(t) {
            return err(
                ErrorCode::UnknownEventType,
                format!("event type '{}' is not a value of the eventType enumeration", crate::tree::excerpt(t)),
            );
        }
    }
    Ok(())
}

fn seeds(st: &State, input: Vec<SeedInput>) -> Result<Vec<Seed>> {
    let limits = st.config.limits();
    let mut out: Vec<Seed> = Vec::new();
    if input.len() > 100 {
        return err(ErrorCode::InputTooLarge, format!("{} seed addresses, over the limit of 100 per template", input.len()));
    }
    for (i, s) in input.into_iter().enumerate() {
        let name = s.name.unwrap_or_else(|| format!("seed{}", i + 1));
        check_name("seed address", &name)?;
        if out.iter().any(|o| o.name == name) {
            return err(ErrorCode::InvalidArgument, format!("two seed addresses are named '{name}'"));
        }
        if let Some(l) = &s.label {
            check_label(l)?;
        }
        if let Some(e) = &s.email {
            if !crate::events::is_valid_email(e) {
                return err(ErrorCode::InvalidEmail, format!("seed '{name}': '{}' is not a valid email address", crate::tree::excerpt(e)));
            }
        }
        if let Some(p) = &s.mobile_phone {
            if !crate::events::is_valid_phone(p) {
                return err(
                    ErrorCode::InvalidPhone,
                    format!("seed '{name}': '{}' is not a valid mobile phone number", crate::tree::excerpt(p)),
                );
            }
        }
        if let Some(x) = &s.external_id {
            if x.chars().count() > 255 || x.chars().any(char::is_control) {
                return err(
                    ErrorCode::InvalidArgument,
                    format!("seed '{name}': the external identifier is longer than 255 characters or holds a control character"),
                );
            }
        }
        let ctx = match &s.ctx {
            None | Some(Value::Null) => "<ctx/>".to_string(),
            Some(Value::String(x)) => {
                crate::ctx::parse_xml(x, &limits).map_err(|e| Error::new(e.code, format!("seed '{name}': {}", e.message)))?.to_xml()
            }
            Some(v @ Value::Object(_)) => crate::tree::Node::from_json("ctx", v, &limits)
                .map_err(|e| Error::new(e.code, format!("seed '{name}': {}", e.message)))?
                .to_xml(),
            Some(_) => return err(ErrorCode::InvalidArgument, format!("seed '{name}': ctx must be XML text or an object")),
        };
        crate::events::check_xml_chars("ctx", &ctx).map_err(|e| Error::new(e.code, format!("seed '{name}': {}", e.message)))?;
        out.push(Seed {
            label: s.label.unwrap_or_else(|| name.clone()),
            name,
            email: s.email,
            mobile_phone: s.mobile_phone,
            external_id: s.external_id,
            ctx,
        });
    }
    Ok(out)
}

/// Largest subject, HTML or text body of a template, in bytes.
const MAX_CONTENT_BYTES: usize = 1024 * 1024;

fn check_content(st: &crate::state::State, subject: &str, html: &str, text: &str) -> Result<()> {
    check_sizes(subject, html, text)?;
    Parsed::compile(subject, html, text, &crate::ops::blocks::includes_of(st)).check(ErrorCode::TemplateSyntax)
}

fn check_sizes(subject: &str, html: &str, text: &str) -> Result<()> {
    for (what, v) in [("subject", subject), ("HTML body", html), ("text body", text)] {
        if v.len() > MAX_CONTENT_BYTES {
            return err(ErrorCode::InputTooLarge, format!("the {what} is {} bytes, over the limit of {MAX_CONTENT_BYTES} bytes", v.len()));
        }
        crate::events::check_xml_chars(what, v)?;
    }
    Ok(())
}

/// The syntax errors of template fields not saved yet (every field's, `TEMPLATE_SYNTAX` at field,
/// line and column), with the control's blocks and options: what a save would refuse. Too large
/// a field is the query's error.
pub fn check_fields(st: &State, subject: &str, html: &str, text: &str) -> Result<Vec<TemplateProblem>> {
    check_sizes(subject, html, text)?;
    Ok(Parsed::compile(subject, html, text, &crate::ops::blocks::includes_of(st))
        .problems(ErrorCode::TemplateSyntax)
        .into_iter()
        .filter_map(|e| {
            let at = e.at?;
            Some(TemplateProblem { field: at.field, line: at.line, column: at.column, message: e.message })
        })
        .collect())
}

/// A syntax error of a template field (`checkTemplate`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct TemplateProblem {
    /// `subject`, `html` or `text`.
    pub field: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// The message, as a save would give it (`HTML body: line 3, column 7: missing ; before statement`).
    pub message: String,
}

/// Creates a template ("Being edited"). Content that does not parse is refused here.
pub fn create_template(txn: &mut Txn<'_>, t: TemplateInput) -> Result<OpResult> {
    check_name("template", &t.name)?;
    if txn.st().templates.contains_key(&t.name) {
        return err(ErrorCode::DuplicateTemplate, format!("a transactional message template named '{}' exists already", t.name));
    }
    let channel = parse_channel(t.channel.as_ref())?;
    check_event_type(txn.st(), &t.event_type)?;
    if let Some(l) = &t.label {
        check_label(l)?;
    }
    let subject = t.subject.unwrap_or_default();
    let html = t.html.unwrap_or_default();
    let text = t.text.unwrap_or_default();
    check_content(txn.st(), &subject, &html, &text)?;
    let seeds = seeds(txn.st(), t.seeds.unwrap_or_default())?;
    let now = txn.now();
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
        proofs: Vec::new(),
    };
    let view = TemplateView::of(txn.st(), &tpl);
    txn.put_template(tpl);
    Ok(OpResult::Template(Box::new(view)))
}

/// A template by name.
pub fn get_template<'a>(st: &'a State, name: &str) -> Result<&'a Template> {
    st.templates.get(name).ok_or_else(|| {
        Error::new(ErrorCode::UnknownTemplate, format!("no transactional message template named '{}'", crate::tree::excerpt(name)))
    })
}

/// Changes a template. Changes take effect on execution instances at the next publication.
pub fn update_template(txn: &mut Txn<'_>, name: &str, p: TemplatePatch) -> Result<OpResult> {
    let mut tpl = get_template(txn.st(), name)?.clone();
    if let Some(l) = p.label {
        check_label(&l)?;
        tpl.label = l;
    }
    if let Some(t) = p.event_type {
        check_event_type(txn.st(), &t)?;
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
        tpl.seeds = seeds(txn.st(), s)?;
    }
    check_content(txn.st(), &tpl.subject, &tpl.html, &tpl.text)?;
    tpl.last_modified = txn.now();
    let view = TemplateView::of(txn.st(), &tpl);
    txn.put_template(tpl);
    Ok(OpResult::Template(Box::new(view)))
}

/// Deletes a template; a published one must be unpublished first.
pub fn delete_template(txn: &mut Txn<'_>, name: &str) -> Result<OpResult> {
    let tpl = get_template(txn.st(), name)?;
    if tpl.publication == Publication::Published {
        return err(ErrorCode::TemplatePublished, format!("'{name}' is published: unpublish it before deleting it"));
    }
    txn.remove_template(name);
    Ok(OpResult::Deleted(Deleted { deleted: name.to_string() }))
}

fn copy_names(name: &str) -> [(String, Queue); 2] {
    [(format!("{name}_rt"), Queue::Rt), (format!("{name}_batch"), Queue::Batch)]
}

/// Publishes to every execution instance: `<name>_rt` and `<name>_batch`, replacing earlier copies.
pub fn publish(txn: &mut Txn<'_>, name: &str) -> Result<OpResult> {
    let tpl = get_template(txn.st(), name)?.clone();
    let Some(event_type) = tpl.event_type.clone() else {
        return err(ErrorCode::TemplateNotPublishable, format!("'{name}' has no event type: choose one before publishing"));
    };
    let includes = crate::ops::blocks::includes_of(txn.st());
    let parsed = Parsed::compile(&tpl.subject, &tpl.html, &tpl.text, &includes);
    parsed.check(ErrorCode::TemplateNotPublishable)?;
    let published = crate::ops::blocks::published_includes(&parsed, &includes);
    if tpl.channel == Channel::Email && tpl.subject.trim().is_empty() {
        return err(ErrorCode::TemplateNotPublishable, format!("'{name}' is an email template without a subject"));
    }
    let now = txn.now();
    let c = txn.control_mut();
    c.publish_seq += 1;
    let seq = c.publish_seq;
    let mut log = vec![
        "Starting transactional message publication (1).".to_string(),
        format!("Publication of the '{} ({})' transactional message...", tpl.label, tpl.name),
    ];
    let ids: Vec<(u8, String)> = txn.st().accounts.values().map(|a| (a.execution_instance_id, a.name.clone())).collect();
    for (id, account) in ids {
        let copies = txn.published_mut(id);
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
                    includes: published.clone(),
                },
            );
            log.push(format!("Template '{copy}' deployed on the execution instance '{account}'."));
        }
    }
    log.push(format!("Publication of '{} ({})' complete.", tpl.label, tpl.name));
    log.push("Transactional message publication complete.".to_string());
    if let Some(t) = txn.template_mut(name) {
        t.publication = Publication::Published;
        t.published_at = Some(now);
    }
    Ok(OpResult::Publish(PublishResult { template: name.to_string(), publication: Publication::Published.label(), log }))
}

/// Unpublishes: deletes both copies from every execution instance; status back to "Being edited".
pub fn unpublish(txn: &mut Txn<'_>, name: &str) -> Result<OpResult> {
    let tpl = get_template(txn.st(), name)?;
    if tpl.publication != Publication::Published {
        return err(ErrorCode::InvalidArgument, format!("'{name}' is not published"));
    }
    let mut log = vec![format!("Unpublication of the '{} ({})' transactional message...", tpl.label, tpl.name)];
    let ids: Vec<(u8, String)> = txn.st().accounts.values().map(|a| (a.execution_instance_id, a.name.clone())).collect();
    for (id, account) in ids {
        if !txn.st().published.contains_key(&id) {
            continue;
        }
        let copies = txn.published_mut(id);
        for (copy, _) in copy_names(name) {
            if copies.remove(&copy).is_some() {
                log.push(format!("Template '{copy}' deleted from the execution instance '{account}'."));
            }
        }
    }
    if let Some(t) = txn.template_mut(name) {
        t.publication = Publication::BeingEdited;
    }
    log.push("Unpublication complete.".to_string());
    Ok(OpResult::Publish(PublishResult { template: name.to_string(), publication: Publication::BeingEdited.label(), log }))
}

/// "Send a proof": renders the template with each of `seeds` (default: every seed address) and
/// sends the proofs to the seeds' addresses; they are kept in the template's Audit (the last
/// `MAX_PROOFS`). Analysis first: a seed that does not render sends nothing, as in Campaign.
/// A proof is sent at once [U: proofs go through the control's delivery, whose outcome the
/// documentation does not describe; the simulated MTA's outcome-directed addresses apply to
/// events only].
pub fn send_proof(txn: &mut Txn<'_>, name: &str, seeds: Option<Vec<String>>) -> Result<OpResult> {
    let tpl = get_template(txn.st(), name)?.clone();
    let names: Vec<String> = match seeds {
        Some(list) if list.is_empty() => return err(ErrorCode::InvalidArgument, "seeds: name at least one seed address, or none for all"),
        Some(list) => list,
        None if tpl.seeds.is_empty() => {
            return err(ErrorCode::UnknownSeed, format!("'{name}' has no seed address: add one to send a proof"));
        }
        None => tpl.seeds.iter().map(|s| s.name.clone()).collect(),
    };
    if names.len() > 100 {
        return err(ErrorCode::InvalidArgument, "seeds: at most 100 at a time");
    }
    let mut sent = Vec::new();
    let first = tpl.proofs.last().map_or(0, |p| p.n) + 1;
    for (n, s) in (first..).zip(&names) {
        let p = preview(txn.st(), name, Some(s))
            .map_err(|e| Error::new(e.code, format!("proof with the seed '{}': {}", crate::tree::excerpt(s), e.message)))?;
        let Some(seed) = tpl.seeds.iter().find(|x| &x.name == s) else {
            return err(ErrorCode::UnknownSeed, format!("'{name}' has no seed address named '{}'", crate::tree::excerpt(s)));
        };
        let to = match tpl.channel {
            Channel::Sms => seed.mobile_phone.clone(),
            _ => seed.email.clone(),
        };
        let Some(to) = to.filter(|t| !t.is_empty()) else {
            return err(ErrorCode::InvalidArgument, format!("proof with the seed '{s}': it has no address for this channel"));
        };
        sent.push(crate::state::Proof {
            n,
            at: txn.now(),
            seed: s.clone(),
            to,
            subject: p.subject,
            bytes: u32::try_from(p.html.len() + p.text.len()).unwrap_or(u32::MAX),
        });
    }
    let mut tpl = tpl;
    tpl.proofs.extend(sent.iter().cloned());
    let over = tpl.proofs.len().saturating_sub(crate::state::MAX_PROOFS);
    tpl.proofs.drain(..over);
    txn.put_template(tpl);
    Ok(OpResult::Proofs(ProofResult { template: name.to_string(), proofs: sent }))
}

/// What "Send a proof" sent.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct ProofResult {
    /// The template.
    pub template: String,
    /// The proofs sent, one per seed address.
    pub proofs: Vec<crate::state::Proof>,
}

/// Renders a template with one of its seed addresses.
pub fn preview(st: &State, name: &str, seed: Option<&str>) -> Result<Preview> {
    let tpl = get_template(st, name)?;
    let s = match seed {
        Some(n) => tpl.seeds.iter().find(|s| s.name == n).ok_or_else(|| {
            Error::new(ErrorCode::UnknownSeed, format!("'{name}' has no seed address named '{}'", crate::tree::excerpt(n)))
        })?,
        None => tpl
            .seeds
            .first()
            .ok_or_else(|| Error::new(ErrorCode::UnknownSeed, format!("'{name}' has no seed address: add one to preview")))?,
    };
    let ctx = crate::ctx::parse_stored(&s.ctx);
    let mut fields: Vec<(&'static str, String)> =
        vec![("type", tpl.event_type.clone().unwrap_or_default()), ("wishedChannel", tpl.channel.code().to_string())];
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
    let parsed = Parsed::compile(&tpl.subject, &tpl.html, &tpl.text, &crate::ops::blocks::includes_of(st));
    parsed.check(ErrorCode::TemplateSyntax)?;
    let env = RenderEnv::new(&st.config, st.seed, st.clock);
    let rendered = parsed.render(&view, &env, 0).map_err(RenderFailure::into_error)?;
    Ok(Preview { template: name.to_string(), seed: s.name.clone(), subject: rendered.subject, html: rendered.html, text: rendered.text })
}
