//! Reading: the status list (page by page from the indexes, newest first, paged by key), one
//! event's story, a workflow's journal, counts per status (from counters, never a scan).

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{json, Value};

use crate::engine::{Engine, ReadReq, ReadResult};
use crate::error::{err, Error, ErrorCode, Result};
use crate::input::Queue;
use crate::keys::{self, IndexKind};
use crate::model::{BroadLogRecord, Channel, EventRecord, EventStatus};
use crate::ops::records::from_json;
use crate::ops::schedule::{find_workflow_key, CONTROL};
use crate::ops::views;
use crate::ops::{Next, OpState};

/// Filter and page of the status list.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListFilter {
    /// An execution instance's account name, or `control` for the archived history.
    pub instance: String,
    /// `rt` or `batch`.
    #[serde(default)]
    pub queue: Option<String>,
    /// A status (our name, console label or REST name).
    #[serde(default)]
    pub status: Option<String>,
    /// Event type.
    #[serde(default, rename = "type")]
    pub event_type: Option<String>,
    /// Channel, number or name.
    #[serde(default)]
    pub channel: Option<Value>,
    /// Created at or after (ms or ISO 8601).
    #[serde(default)]
    pub from: Option<Value>,
    /// Created at or before (ms or ISO 8601).
    #[serde(default)]
    pub to: Option<Value>,
    /// Email or mobile phone.
    #[serde(default)]
    pub address: Option<String>,
    /// Page size (default 50, at most 500).
    #[serde(default)]
    pub limit: Option<u32>,
    /// The page token returned as `next` by the previous page.
    #[serde(default)]
    pub after: Option<String>,
}

/// Filter of `countEvents`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CountFilter {
    /// An execution instance's account name, or `control`.
    pub instance: String,
    /// `rt` or `batch`.
    #[serde(default)]
    pub queue: Option<String>,
    /// Event type.
    #[serde(default, rename = "type")]
    pub event_type: Option<String>,
    /// Channel.
    #[serde(default)]
    pub channel: Option<Value>,
}

/// A read-only operation between reads.
#[derive(Debug)]
pub enum ReadState {
    /// Status list.
    List(Box<ListState>),
    /// One event.
    Get(u64),
    /// Journal.
    Journal,
}

/// Status list in progress.
#[derive(Debug)]
pub struct ListState {
    histo: bool,
    queue: Option<Queue>,
    status: Option<EventStatus>,
    event_type: Option<String>,
    channel: Option<Channel>,
    address: Option<String>,
    limit: usize,
    gte: String,
    lt: String,
    chunk_keys: Vec<String>,
    fingerprint: String,
    out: Vec<Value>,
    scanned: usize,
}

fn time_of(what: &str, v: &Option<Value>) -> Result<Option<i64>> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(|| Error::new(ErrorCode::InvalidArgument, format!("{what} is not an integer number of ms"))),
        Some(Value::String(s)) => crate::dates::parse_iso8601(s).map(Some).map_err(|e| Error::new(ErrorCode::InvalidArgument, format!("{what}: {}", e.message))),
        Some(_) => err(ErrorCode::InvalidArgument, format!("{what} must be ms since the epoch or an ISO 8601 date")),
    }
}

fn parse_queue(q: &Option<String>) -> Result<Option<Queue>> {
    match q.as_deref() {
        None => Ok(None),
        Some("rt") => Ok(Some(Queue::Rt)),
        Some("batch") => Ok(Some(Queue::Batch)),
        Some(x) => err(ErrorCode::InvalidArgument, format!("queue '{x}' is neither 'rt' nor 'batch'")),
    }
}

fn parse_channel(c: &Option<Value>) -> Result<Option<Channel>> {
    match c {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => Channel::parse(&n.to_string()).map(Some).ok_or_else(|| Error::new(ErrorCode::UnknownChannel, format!("channel {n} is not a known channel"))),
        Some(Value::String(s)) => Channel::parse(s).map(Some).ok_or_else(|| Error::new(ErrorCode::UnknownChannel, format!("channel '{s}' is not a known channel"))),
        Some(_) => err(ErrorCode::UnknownChannel, "channel must be a number or a name"),
    }
}

fn scope_of(eng: &Engine, instance: &str) -> Result<(bool, String)> {
    if instance == CONTROL {
        return Ok((true, keys::SCOPE_HISTO.to_string()));
    }
    let acc = eng.st.accounts.get(instance).ok_or_else(|| Error::new(ErrorCode::UnknownInstance, format!("no instance named '{instance}' (use 'control' or an execution instance's account name)")))?;
    Ok((false, keys::scope_exec(acc.execution_instance_id)))
}

const CHUNK_MIN: usize = 64;

/// Starts a page of the status list.
pub fn list_begin(eng: &mut Engine, f: ListFilter) -> Result<Next> {
    let (histo, scope) = scope_of(eng, &f.instance)?;
    let limit = f.limit.unwrap_or(50) as usize;
    if limit == 0 || limit > 500 {
        return err(ErrorCode::InvalidArgument, "limit must be between 1 and 500");
    }
    let status = match &f.status {
        None => None,
        Some(s) => Some(EventStatus::parse(s).ok_or_else(|| Error::new(ErrorCode::InvalidArgument, format!("'{s}' is not an event status")))?),
    };
    let address = f.address.as_ref().map(|a| a.trim().to_ascii_lowercase()).filter(|a| !a.is_empty());
    let (kind, value) = if let Some(a) = &address {
        (IndexKind::Address, a.clone())
    } else if let Some(t) = &f.event_type {
        (IndexKind::Type, t.clone())
    } else if let Some(s) = status {
        (IndexKind::Status, s.name().to_string())
    } else {
        (IndexKind::All, String::new())
    };
    let prefix = keys::index_prefix(&scope, kind, &value);
    let from = time_of("from", &f.from)?;
    let to = time_of("to", &f.to)?;
    if let (Some(a), Some(b)) = (from, to) {
        if a > b {
            return err(ErrorCode::InvalidArgument, "from is after to");
        }
    }
    let mut gte = match to {
        Some(t) => format!("{prefix}{}", keys::time_hex(keys::MAX_TIME - t.clamp(0, keys::MAX_TIME))),
        None => prefix.clone(),
    };
    let lt = match from {
        Some(t) if t > 0 => format!("{prefix}{}", keys::time_hex(keys::MAX_TIME - t.clamp(0, keys::MAX_TIME) + 1)),
        _ => keys::prefix_end(&prefix),
    };
    let fingerprint = format!(
        "{:016x}",
        crate::mta::mix(crate::mta::mix(
            format!("{}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}", f.instance, f.queue, status, f.event_type, f.channel, address, from, to)
                .bytes()
                .fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)),
        ))
    );
    if let Some(token) = &f.after {
        let after = match token.rsplit_once('#') {
            Some((key, fp)) if fp == fingerprint && key.starts_with(&prefix) && key.is_ascii() => key,
            _ => {
                return err(
                    ErrorCode::InvalidArgument,
                    "the page token does not belong to this filter (pass the same filter with the 'next' it returned)",
                )
            }
        };
        let next = format!("{after}\u{0}");
        if next > gte {
            gte = next;
        }
    }
    let st = ListState {
        histo,
        queue: parse_queue(&f.queue)?,
        status,
        event_type: f.event_type.clone(),
        channel: parse_channel(&f.channel)?,
        address,
        limit,
        gte,
        lt,
        chunk_keys: Vec::new(),
        fingerprint,
        out: Vec::new(),
        scanned: 0,
    };
    list_next_chunk(st)
}

fn list_next_chunk(st: ListState) -> Result<Next> {
    if st.gte >= st.lt {
        return Ok(Next::Done(json!({ "events": st.out, "next": null, "scanned": st.scanned })));
    }
    let limit = (st.limit * 2).max(CHUNK_MIN) as u32;
    let reads = vec![ReadReq::Range { gte: st.gte.clone(), lt: st.lt.clone(), limit }];
    Ok(Next::Read(OpState::Read(ReadState::List(Box::new(st))), reads))
}

fn matches(st: &ListState, ev: &EventRecord) -> bool {
    st.queue.is_none_or(|q| q == ev.queue)
        && st.status.is_none_or(|s| s == ev.status)
        && st.event_type.as_ref().is_none_or(|t| *t == ev.event_type)
        && st.channel.is_none_or(|c| c == ev.wished_channel)
        && st.address.as_ref().is_none_or(|a| {
            ev.email.as_ref().is_some_and(|e| e.to_ascii_lowercase() == *a) || ev.mobile_phone.as_ref().is_some_and(|p| p.to_ascii_lowercase() == *a)
        })
}

/// Continues a read-only operation.
pub fn resume(eng: &mut Engine, r: ReadState, mut res: Vec<ReadResult>) -> Result<Next> {
    match r {
        ReadState::List(mut st) => match res.pop() {
            Some(ReadResult::Entries(es)) => {
                let chunk = (st.limit * 2).max(CHUNK_MIN);
                let exhausted = es.len() < chunk;
                st.chunk_keys = es.into_iter().map(|(k, _)| k).collect();
                if exhausted {
                    st.lt = st.gte.clone();
                }
                let ks = st
                    .chunk_keys
                    .iter()
                    .filter_map(|k| keys::id_from_index_key(k))
                    .map(|id| if st.histo { keys::histo_event(id) } else { keys::event(id) })
                    .collect();
                Ok(Next::Read(OpState::Read(ReadState::List(st)), vec![ReadReq::Get { keys: ks }]))
            }
            Some(ReadResult::Values(vs)) => {
                let keys_ = std::mem::take(&mut st.chunk_keys);
                let mut last = None;
                for (k, v) in keys_.iter().zip(vs) {
                    st.scanned += 1;
                    last = Some(k.clone());
                    let Some(v) = v else { continue };
                    let ev: EventRecord = from_json(k, &v)?;
                    if matches(&st, &ev) {
                        st.out.push(views::event(&ev));
                        if st.out.len() >= st.limit {
                            return Ok(Next::Done(json!({ "events": st.out, "next": format!("{k}#{}", st.fingerprint), "scanned": st.scanned })));
                        }
                    }
                }
                if st.scanned >= st.limit * 20 + 2000 {
                    let next = last.map(|l| format!("{l}#{}", st.fingerprint));
                    return Ok(Next::Done(json!({ "events": st.out, "next": next, "scanned": st.scanned })));
                }
                if let Some(l) = last {
                    let next = format!("{l}\u{0}");
                    if next > st.gte {
                        st.gte = next;
                    }
                }
                list_next_chunk(*st)
            }
            None => err(ErrorCode::InvalidArgument, "missing read result"),
        },
        ReadState::Get(id) => {
            let mut vs = match res.pop() {
                Some(ReadResult::Values(v)) if v.len() == 4 => v,
                _ => return err(ErrorCode::InvalidArgument, "missing read result"),
            };
            let hb = vs.pop().flatten();
            let h = vs.pop().flatten();
            let b = vs.pop().flatten();
            let e = vs.pop().flatten();
            let ev: Option<EventRecord> = e.map(|v| from_json(&keys::event(id), &v)).transpose()?;
            let bl: Option<BroadLogRecord> = b.map(|v| from_json(&keys::broadlog(id), &v)).transpose()?;
            let hev: Option<EventRecord> = h.map(|v| from_json(&keys::histo_event(id), &v)).transpose()?;
            let hbl: Option<BroadLogRecord> = hb.map(|v| from_json(&keys::histo_broadlog(id), &v)).transpose()?;
            let Some(main) = ev.as_ref().or(hev.as_ref()) else {
                return err(ErrorCode::UnknownEvent, format!("no event with id {id} on its execution instance or in the control's history"));
            };
            let log = bl.as_ref().or(hbl.as_ref());
            let template = main.template.as_ref().and_then(|t| {
                eng.st.published.get(&main.exec_id()).and_then(|m| m.get(t)).map(|c| json!({ "name": c.name, "template": c.template, "label": c.label, "publishedAt": crate::dates::format_iso(c.published_at) }))
            });
            Ok(Next::Done(json!({
                "event": views::event(main),
                "purgedFromExecution": ev.is_none(),
                "broadLog": log.map(views::broadlog),
                "archived": hev.as_ref().map(views::event),
                "archivedBroadLog": hbl.as_ref().map(views::broadlog),
                "template": template,
                "bouncePending": log.is_some_and(|l| l.bounce_at.is_some()),
            })))
        }
        ReadState::Journal => {
            let mut runs: Vec<Value> = match res.pop() {
                Some(ReadResult::Entries(es)) => es.into_iter().map(|(k, v)| from_json::<crate::state::RunLog>(&k, &v).map(|r| views::run(&r))).collect::<Result<_>>()?,
                _ => return err(ErrorCode::InvalidArgument, "missing read result"),
            };
            runs.reverse();
            Ok(Next::Done(json!({ "runs": runs })))
        }
    }
}

/// Parses a decimal 64-bit event id.
pub fn parse_id(id: &str) -> Result<u64> {
    let t = id.trim();
    if t.is_empty() || t.len() > 20 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return err(ErrorCode::InvalidEventId, format!("'{id}' is not an event id (a decimal 64-bit unsigned integer)"));
    }
    t.parse::<u64>().map_err(|_| Error::new(ErrorCode::InvalidEventId, format!("'{id}' is larger than a 64-bit id")))
}

/// Starts reading one event.
pub fn get_begin(_eng: &mut Engine, id: &str) -> Result<Next> {
    let id = parse_id(id)?;
    let reads = vec![ReadReq::Get { keys: vec![keys::event(id), keys::broadlog(id), keys::histo_event(id), keys::histo_broadlog(id)] }];
    Ok(Next::Read(OpState::Read(ReadState::Get(id)), reads))
}

/// Starts reading a journal.
pub fn journal_begin(eng: &mut Engine, instance: &str, name: &str, limit: Option<u32>) -> Result<Next> {
    let key = find_workflow_key(eng, instance, name)?;
    let wf = &eng.st.workflows[&key];
    let limit = limit.unwrap_or(20).clamp(1, 500);
    let first = wf.runs.saturating_sub(limit - 1).max(1);
    let prefix = format!("j/{}/{}/", wf.instance, wf.name);
    let reads = vec![ReadReq::Range { gte: keys::journal(&wf.instance, &wf.name, first), lt: keys::prefix_end(&prefix), limit }];
    Ok(Next::Read(OpState::Read(ReadState::Journal), reads))
}

/// Counts per status, from counters.
pub fn counts(eng: &Engine, f: CountFilter) -> Result<Value> {
    let (histo, _) = scope_of(eng, &f.instance)?;
    let queue = parse_queue(&f.queue)?;
    let channel = parse_channel(&f.channel)?;
    let counters = if histo {
        &eng.st.control.counters
    } else {
        let id = eng.st.accounts[&f.instance].execution_instance_id;
        match eng.st.inst.get(&id) {
            Some(m) => &m.counters,
            None => return Ok(json!({ "byStatus": {}, "total": 0 })),
        }
    };
    let mut by: BTreeMap<&'static str, i64> = EventStatus::ALL.iter().map(|s| (s.name(), 0)).collect();
    let mut total = 0;
    for (k, n) in counters {
        let parts: Vec<&str> = k.split('|').collect();
        let [q, t, c, s] = parts.as_slice() else { continue };
        if queue.is_some_and(|x| (x == Queue::Rt) != (*q == "rt")) {
            continue;
        }
        if f.event_type.as_deref().is_some_and(|x| x != *t) {
            continue;
        }
        if channel.is_some_and(|x| x.name() != *c) {
            continue;
        }
        if let Some(st) = EventStatus::parse(s) {
            *by.entry(st.name()).or_insert(0) += n;
            total += n;
        }
    }
    Ok(json!({ "byStatus": by, "total": total }))
}
