//! Topology, configuration, clock and workflow states: operations that write only small state.

use serde_json::{json, Value};

use crate::config::{Config, Schedule};
use crate::engine::Engine;
use crate::error::{err, Error, ErrorCode, Result};
use crate::keys;
use crate::ops::schedule::{find_workflow_key, new_workflow, CONTROL};
use crate::ops::Next;
use crate::state::{wf_key, Account, WorkflowKind, WorkflowState};

fn merge(base: &mut Value, patch: Value) {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            for (k, v) in p {
                match b.get_mut(&k) {
                    Some(slot) if slot.is_object() && v.is_object() => merge(slot, v),
                    _ => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (b, p) => *b = p,
    }
}

fn merged_config(current: &Config, patch: Value) -> Result<Config> {
    if !patch.is_object() {
        return err(ErrorCode::InvalidArgument, "config must be an object");
    }
    let mut base = serde_json::to_value(current).map_err(|e| Error::new(ErrorCode::InvalidArgument, e.to_string()))?;
    merge(&mut base, patch);
    let cfg: Config = serde_json::from_value(base).map_err(|e| Error::new(ErrorCode::InvalidArgument, format!("config: {e}")))?;
    cfg.validate()?;
    Ok(cfg)
}

/// `init`: the first operation on empty storage.
pub fn init(eng: &mut Engine, seed: &str, now: i64, config: Option<Value>) -> Result<Next> {
    if eng.initialized {
        return err(ErrorCode::InvalidArgument, "the storage holds a Message Center already");
    }
    let seed: u64 = seed
        .trim()
        .parse()
        .map_err(|_| Error::new(ErrorCode::InvalidArgument, format!("seed '{seed}' is not a decimal 64-bit unsigned integer")))?;
    if !(0..keys::MAX_TIME).contains(&now) {
        return err(ErrorCode::InvalidArgument, "now is out of range");
    }
    let cfg = match config {
        Some(c) => merged_config(&Config::default(), c)?,
        None => Config::default(),
    };
    eng.st.seed = seed;
    eng.st.config = cfg;
    eng.st.clock = now;
    for k in ["m/clock", "m/settings", "m/accounts", "m/types", "m/control"] {
        eng.touch(k);
    }
    let wf = new_workflow(eng, CONTROL, WorkflowKind::Cleanup, None, WorkflowState::Started);
    let key = wf_key(CONTROL, &wf.name);
    eng.st.workflows.insert(key.clone(), wf);
    eng.touch(format!("m/wf/{key}"));
    eng.initialized = true;
    Ok(Next::Done(json!({ "initialized": true })))
}

/// `configure`.
pub fn configure(eng: &mut Engine, patch: Value) -> Result<Next> {
    let cfg = merged_config(&eng.st.config, patch)?;
    eng.st.config = cfg;
    eng.touch("m/settings");
    Ok(Next::Done(serde_json::to_value(&eng.st.config).unwrap_or(Value::Null)))
}

/// Moves the clock; refuses to go backwards.
pub fn set_clock(eng: &mut Engine, to: i64) -> Result<Next> {
    advance_clock(eng, to)?;
    Ok(Next::Done(json!({ "now": crate::dates::format_iso(eng.st.clock) })))
}

/// Moves the clock to `to` (no-op if equal).
pub fn advance_clock(eng: &mut Engine, to: i64) -> Result<()> {
    if to < eng.st.clock {
        return err(
            ErrorCode::ClockBackwards,
            format!(
                "the clock cannot move backwards (from {} to {})",
                crate::dates::format_iso(eng.st.clock),
                crate::dates::format_iso(to)
            ),
        );
    }
    if to > keys::MAX_TIME {
        return err(ErrorCode::InvalidArgument, "time is out of range");
    }
    if to != eng.st.clock {
        eng.st.clock = to;
        eng.touch("m/clock");
    }
    Ok(())
}

/// Checks an internal name: letters, digits, `_`, starting with a letter or `_`, at most 64.
pub fn check_name(what: &str, name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !name.as_bytes()[0].is_ascii_digit();
    if ok {
        Ok(())
    } else {
        err(
            ErrorCode::InvalidArgument,
            format!("{what} '{name}' is not a valid internal name (letters, digits and _, not starting with a digit, at most 64)"),
        )
    }
}

/// Registers an execution instance and creates its technical workflows (stopped, as in the
/// product) and MTA.
pub fn add_execution_instance(
    eng: &mut Engine,
    name: String,
    label: Option<String>,
    url: Option<String>,
    id: i64,
    enabled: Option<bool>,
) -> Result<Next> {
    check_name("external account", &name)?;
    if name == CONTROL {
        return err(ErrorCode::InvalidArgument, "'control' is reserved for the control instance");
    }
    if !(0..=255).contains(&id) {
        return err(ErrorCode::InvalidArgument, format!("execution instance id {id} is not between 0 and 255"));
    }
    let id = id as u8;
    if eng.st.accounts.contains_key(&name) {
        return err(ErrorCode::DuplicateInstance, format!("an external account named '{name}' exists already"));
    }
    if let Some(other) = eng.st.account_by_id(id) {
        return err(
            ErrorCode::DuplicateInstance,
            format!("execution instance id {id} is used by '{}' already: the identifier must be different for each execution instance", other.name),
        );
    }
    let url = url.unwrap_or_else(|| format!("http://{}.example.com:8080", name.to_ascii_lowercase()));
    let account = Account {
        label: label.unwrap_or_else(|| name.clone()),
        url,
        enabled: enabled.unwrap_or(true),
        execution_instance_id: id,
        created: eng.st.clock,
        name: name.clone(),
    };
    eng.st.accounts.insert(name.clone(), account);
    eng.touch("m/accounts");
    eng.st.inst.entry(id).or_default();
    eng.touch(format!("m/inst/{id:02x}"));
    for (kind, state) in [
        (WorkflowKind::RtEventsProcessing, WorkflowState::Stopped),
        (WorkflowKind::BatchEventsProcessing, WorkflowState::Stopped),
        (WorkflowKind::UpdateEventsStatus, WorkflowState::Stopped),
        (WorkflowKind::Cleanup, WorkflowState::Started),
        (WorkflowKind::Mta, WorkflowState::Started),
    ] {
        let wf = new_workflow(eng, &name, kind, None, state);
        let key = wf_key(&name, &wf.name);
        eng.st.workflows.insert(key.clone(), wf);
        eng.touch(format!("m/wf/{key}"));
    }
    Ok(Next::Done(crate::ops::views::account(eng, &name)))
}

/// Changes an external account.
pub fn update_execution_instance(
    eng: &mut Engine,
    name: &str,
    label: Option<String>,
    url: Option<String>,
    enabled: Option<bool>,
) -> Result<Next> {
    let acc = eng
        .st
        .accounts
        .get_mut(name)
        .ok_or_else(|| Error::new(ErrorCode::UnknownInstance, format!("no external account named '{name}'")))?;
    if let Some(l) = label {
        acc.label = l;
    }
    if let Some(u) = url {
        acc.url = u;
    }
    if let Some(e) = enabled {
        acc.enabled = e;
    }
    eng.touch("m/accounts");
    Ok(Next::Done(crate::ops::views::account(eng, name)))
}

/// "Create the archiving workflow": `mcSynch_<account>`, started at once.
pub fn create_archiving_workflow(eng: &mut Engine, account: &str) -> Result<Next> {
    if !eng.st.accounts.contains_key(account) {
        return err(ErrorCode::UnknownInstance, format!("no external account named '{account}'"));
    }
    let name = format!("mcSynch_{account}");
    let key = wf_key(CONTROL, &name);
    if eng.st.workflows.contains_key(&key) {
        return err(ErrorCode::WorkflowExists, format!("the archiving workflow '{name}' exists already for the execution instance '{account}'"));
    }
    let wf = new_workflow(eng, CONTROL, WorkflowKind::McSynch, Some(account), WorkflowState::Started);
    eng.st.workflows.insert(key.clone(), wf);
    eng.touch(format!("m/wf/{key}"));
    Ok(Next::Done(crate::ops::views::workflow(eng, &key)))
}

/// Start, pause or stop.
pub fn set_workflow_state(eng: &mut Engine, instance: &str, name: &str, action: &str) -> Result<Next> {
    let key = find_workflow_key(eng, instance, name)?;
    let clock = eng.st.clock;
    let wf = eng.st.workflows.get_mut(&key).ok_or_else(|| Error::new(ErrorCode::UnknownWorkflow, name.to_string()))?;
    match action {
        "start" => {
            if wf.state != WorkflowState::Started {
                wf.state = WorkflowState::Started;
                wf.next_tick = wf.next_tick.max(wf.schedule.first_at_or_after(clock));
            }
        }
        "pause" => {
            if wf.state != WorkflowState::Started {
                return err(ErrorCode::WorkflowState, format!("'{}' is {}: only a started workflow can be paused", wf.name, wf.state.label()));
            }
            wf.state = WorkflowState::Paused;
        }
        _ => wf.state = WorkflowState::Stopped,
    }
    eng.touch(format!("m/wf/{key}"));
    Ok(Next::Done(crate::ops::views::workflow(eng, &key)))
}

/// Changes a schedule.
pub fn schedule_workflow(eng: &mut Engine, instance: &str, name: &str, period_ms: i64, offset_ms: i64) -> Result<Next> {
    let key = find_workflow_key(eng, instance, name)?;
    if period_ms < 1000 || offset_ms < 0 || offset_ms >= period_ms {
        return err(ErrorCode::InvalidArgument, "period must be at least 1000 ms and 0 <= offset < period");
    }
    let clock = eng.st.clock;
    let wf = eng.st.workflows.get_mut(&key).ok_or_else(|| Error::new(ErrorCode::UnknownWorkflow, name.to_string()))?;
    if wf.kind == WorkflowKind::Mta {
        return err(ErrorCode::InvalidArgument, "the MTA runs when messages are due; it has no schedule");
    }
    wf.schedule = Schedule { period_ms, offset_ms };
    wf.next_tick = wf.schedule.first_at_or_after(clock);
    eng.touch(format!("m/wf/{key}"));
    Ok(Next::Done(crate::ops::views::workflow(eng, &key)))
}

/// Adds an address to an execution instance's denylist.
pub fn denylist(eng: &mut Engine, instance: &str, address: &str) -> Result<Next> {
    let acc = eng
        .st
        .accounts
        .get(instance)
        .ok_or_else(|| Error::new(ErrorCode::UnknownInstance, format!("no execution instance named '{instance}'")))?;
    let address = address.trim();
    if !crate::events::is_valid_email(address) && !crate::events::is_valid_phone(address) {
        return err(ErrorCode::InvalidArgument, format!("'{address}' is neither an email address nor a phone number"));
    }
    let rec = json!({ "address": address, "kind": "denylist", "reason": "Denylisted", "since": eng.st.clock });
    eng.tx.put(keys::quarantine(acc.execution_instance_id, address), rec.to_string());
    Ok(Next::Done(json!({ "address": address, "kind": "denylist", "reason": "Denylisted", "since": crate::dates::format_iso(eng.st.clock) })))
}
