//! Topology, clock and workflow states: operations that write only small state (and the
//! denylist).

use crate::config::Schedule;
use crate::error::{err, Error, ErrorCode, Result};
use crate::keys;
use crate::model::{EventStatus, Queue};
use crate::ops::schedule::{find_workflow_key, new_workflow, CONTROL};
use crate::ops::{AccountInput, AccountPatch};
use crate::records::{QuarantineEntry, QuarantineKind};
use crate::state::{wf_key, Account, State, WorkflowKind, WorkflowState};
use crate::txn::Txn;
use crate::views::{AccountView, DenylistEntry, OpResult, WorkflowView};

/// The error of a clock target in the past.
pub fn backwards(from: i64, to: i64) -> Error {
    Error::new(
        ErrorCode::ClockBackwards,
        format!("the clock cannot move backwards (from {} to {})", crate::dates::format_iso(from), crate::dates::format_iso(to)),
    )
}

/// Moves the clock to `to` (no-op if equal); refuses to go backwards.
pub fn advance_clock(txn: &mut Txn<'_>, to: i64) -> Result<()> {
    if to < txn.now() {
        return Err(backwards(txn.now(), to));
    }
    if to > keys::MAX_TIME {
        return err(ErrorCode::InvalidArgument, "time is out of range (up to year 10889)");
    }
    txn.set_clock(to);
    Ok(())
}

/// `setClock` (the native tests' driver only).
#[cfg(feature = "driver")]
pub fn set_clock(txn: &mut Txn<'_>, to: &crate::ops::TimeInput) -> Result<OpResult> {
    advance_clock(txn, to.raw_ms("to")?)?;
    Ok(OpResult::Clock(crate::views::ClockResult { now: crate::dates::format_iso(txn.now()) }))
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
            format!(
                "{what} '{}' is not a valid internal name (letters, digits and _, not starting with a digit, at most 64)",
                crate::tree::excerpt(name)
            ),
        )
    }
}

/// The execution instance id of an account name.
pub fn exec_id(st: &State, instance: &str) -> Result<u8> {
    st.exec_id(instance)
        .ok_or_else(|| Error::new(ErrorCode::UnknownInstance, format!("no execution instance named '{}'", crate::tree::excerpt(instance))))
}

fn check_text(what: &str, v: &str, max: usize) -> Result<()> {
    if v.chars().count() > max {
        return err(ErrorCode::InvalidArgument, format!("{what} is longer than {max} characters"));
    }
    if let Some(c) = v.chars().find(|c| c.is_control()) {
        return err(ErrorCode::InvalidArgument, format!("{what} holds a control character (U+{:04X})", u32::from(c)));
    }
    Ok(())
}

/// Registers an execution instance and creates its technical workflows (stopped, as in the
/// product) and MTA.
pub fn add_execution_instance(txn: &mut Txn<'_>, a: AccountInput) -> Result<OpResult> {
    let name = a.name;
    check_name("external account", &name)?;
    if name == CONTROL {
        return err(ErrorCode::InvalidArgument, "'control' is reserved for the control instance");
    }
    if !(0..=255).contains(&a.execution_instance_id) {
        return err(ErrorCode::InvalidArgument, format!("execution instance id {} is not between 0 and 255", a.execution_instance_id));
    }
    let id = a.execution_instance_id as u8;
    if txn.st().accounts.contains_key(&name) {
        return err(ErrorCode::DuplicateInstance, format!("an external account named '{name}' exists already"));
    }
    if let Some(other) = txn.st().account_by_id(id) {
        return err(
            ErrorCode::DuplicateInstance,
            format!(
                "execution instance id {id} is used by '{}' already: the identifier must be different for each execution instance",
                other.name
            ),
        );
    }
    if let Some(l) = &a.label {
        check_text("label", l, 255)?;
    }
    if let Some(u) = &a.url {
        check_text("url", u, 2048)?;
    }
    check_credentials(a.account.as_deref(), a.password.as_deref())?;
    let account = Account {
        label: a.label.unwrap_or_else(|| name.clone()),
        url: a.url.unwrap_or_else(|| format!("http://{}.example.com:8080", name.to_ascii_lowercase())),
        enabled: a.enabled.unwrap_or(true),
        execution_instance_id: id,
        created: txn.now(),
        name: name.clone(),
        remote: a.remote.unwrap_or(false),
        account: a.account.unwrap_or_else(|| "mc".into()),
        password_set: a.password.is_some_and(|p| !p.is_empty()),
        connection_method: a.connection_method.unwrap_or_default(),
    };
    txn.accounts_mut().insert(name.clone(), account);
    txn.inst_mut(id);
    for (kind, state) in [
        (WorkflowKind::RtEventsProcessing, WorkflowState::Stopped),
        (WorkflowKind::BatchEventsProcessing, WorkflowState::Stopped),
        (WorkflowKind::UpdateEventsStatus, WorkflowState::Stopped),
        (WorkflowKind::Cleanup, WorkflowState::Started),
        (WorkflowKind::Mta, WorkflowState::Started),
    ] {
        let wf = new_workflow(txn.st(), &name, kind, None, state);
        txn.put_workflow(wf_key(&name, &wf.name), wf);
    }
    let st = txn.st();
    Ok(OpResult::Account(AccountView::of(st, &st.accounts[&name])))
}

/// Changes an external account.
pub fn update_execution_instance(txn: &mut Txn<'_>, name: &str, p: AccountPatch) -> Result<OpResult> {
    if !txn.st().accounts.contains_key(name) {
        return err(ErrorCode::UnknownInstance, format!("no external account named '{}'", crate::tree::excerpt(name)));
    }
    if let Some(l) = &p.label {
        check_text("label", l, 255)?;
    }
    if let Some(u) = &p.url {
        check_text("url", u, 2048)?;
    }
    check_credentials(p.account.as_deref(), p.password.as_deref())?;
    if let Some(acc) = txn.accounts_mut().get_mut(name) {
        if let Some(a) = p.account {
            acc.account = a;
        }
        if let Some(pw) = p.password {
            acc.password_set = !pw.is_empty();
        }
        if let Some(m) = p.connection_method {
            acc.connection_method = m;
        }
        if let Some(l) = p.label {
            acc.label = l;
        }
        if let Some(u) = p.url {
            acc.url = u;
        }
        if let Some(e) = p.enabled {
            acc.enabled = e;
        }
    }
    let st = txn.st();
    Ok(OpResult::Account(AccountView::of(st, &st.accounts[name])))
}

/// An operator's login and password as an external account takes them.
fn check_credentials(account: Option<&str>, password: Option<&str>) -> Result<()> {
    if let Some(a) = account {
        if a.is_empty() || a.len() > 64 || !a.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.') {
            return err(ErrorCode::InvalidArgument, "account: the operator's login, 1 to 64 letters, digits, '_', '-' or '.'");
        }
    }
    if password.is_some_and(|p| p.len() > 256) {
        return err(ErrorCode::InvalidArgument, "password: at most 256 bytes");
    }
    Ok(())
}

/// "Test the connection" of an external account: whether the control reaches the execution
/// instance with the account's operator, said as the console says it, with its mcPing. In a
/// sandbox every execution instance answers its control when its account is enabled; a remote
/// one (another process) is the host's to call, so this says so.
pub fn test_connection(st: &State, name: &str) -> Result<ConnectionTest> {
    let Some(a) = st.accounts.get(name) else {
        return err(ErrorCode::UnknownInstance, format!("no external account named '{}'", crate::tree::excerpt(name)));
    };
    let pending = st
        .inst
        .get(&a.execution_instance_id)
        .map_or(0, |m| m.counters.sum_where(|k| k.queue == Queue::Rt && k.status == EventStatus::Pending));
    let ping = crate::views::mc_ping(st, pending);
    let (ok, text) = if !a.enabled {
        (false, format!("The external account {} is disabled: tick \"Enabled\" to use it.", a.name))
    } else if a.remote {
        (false, format!("{} runs in another process: its host tests the connection to {} (this engine makes no call).", a.name, a.url))
    } else {
        (
            true,
            format!(
                "Connection successful: {} (execution instance id {}) answers the operator '{}' by {}.",
                a.name,
                a.execution_instance_id,
                a.account,
                a.connection_method.label()
            ),
        )
    };
    Ok(ConnectionTest { ok, text, mc_ping: ok.then_some(ping) })
}

/// What "Test the connection" found.
#[derive(Debug, Clone, PartialEq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionTest {
    /// Whether the control reaches the execution instance.
    pub ok: bool,
    /// What the console says.
    pub text: String,
    /// The execution instance's mcPing, when reached.
    pub mc_ping: Option<crate::views::McPing>,
}

/// "Create the archiving workflow": `mcSynch_<account>`, started at once.
pub fn create_archiving_workflow(txn: &mut Txn<'_>, account: &str) -> Result<OpResult> {
    if !txn.st().accounts.contains_key(account) {
        return err(ErrorCode::UnknownInstance, format!("no external account named '{}'", crate::tree::excerpt(account)));
    }
    let name = format!("mcSynch_{account}");
    let key = wf_key(CONTROL, &name);
    if txn.st().workflows.contains_key(&key) {
        return err(
            ErrorCode::WorkflowExists,
            format!("the archiving workflow '{name}' exists already for the execution instance '{account}'"),
        );
    }
    let wf = new_workflow(txn.st(), CONTROL, WorkflowKind::McSynch, Some(account), WorkflowState::Started);
    txn.put_workflow(key.clone(), wf);
    let st = txn.st();
    Ok(OpResult::Workflow(WorkflowView::of(st, &st.workflows[&key])))
}

/// What can be done to a workflow's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkflowAction {
    /// Start (or resume a paused one).
    Start,
    /// Pause a started one.
    Pause,
    /// Stop.
    Stop,
}

/// Start, pause or stop.
pub fn set_workflow_state(txn: &mut Txn<'_>, instance: &str, name: &str, action: WorkflowAction) -> Result<OpResult> {
    let key = find_workflow_key(txn.st(), instance, name)?;
    if action == WorkflowAction::Start && instance != CONTROL && txn.st().accounts.get(instance).is_some_and(|a| a.remote) {
        return err(ErrorCode::WorkflowState, format!("'{instance}' runs in another process: its workflows run there"));
    }
    let clock = txn.now();
    let wf = txn.workflow_mut(&key).ok_or_else(|| Error::new(ErrorCode::UnknownWorkflow, name.to_string()))?;
    match action {
        WorkflowAction::Start => {
            if wf.state != WorkflowState::Started {
                wf.state = WorkflowState::Started;
                wf.next_tick = wf.next_tick.max(wf.schedule.first_at_or_after(clock));
            }
        }
        WorkflowAction::Pause => {
            if wf.state != WorkflowState::Started {
                return err(
                    ErrorCode::WorkflowState,
                    format!("'{}' is {}: only a started workflow can be paused", wf.name, wf.state.label()),
                );
            }
            wf.state = WorkflowState::Paused;
        }
        WorkflowAction::Stop => wf.state = WorkflowState::Stopped,
    }
    let st = txn.st();
    Ok(OpResult::Workflow(WorkflowView::of(st, &st.workflows[&key])))
}

/// Changes a schedule.
pub fn schedule_workflow(txn: &mut Txn<'_>, instance: &str, name: &str, period_ms: i64, offset_ms: i64) -> Result<OpResult> {
    let key = find_workflow_key(txn.st(), instance, name)?;
    if period_ms < 1000 || offset_ms < 0 || offset_ms >= period_ms {
        return err(ErrorCode::InvalidArgument, "period must be at least 1000 ms and 0 <= offset < period");
    }
    if txn.st().workflows.get(&key).is_some_and(|w| w.kind == WorkflowKind::Mta) {
        return err(ErrorCode::InvalidArgument, "the MTA runs when messages are due; it has no schedule");
    }
    let clock = txn.now();
    if let Some(wf) = txn.workflow_mut(&key) {
        wf.schedule = Schedule { period_ms, offset_ms };
        wf.next_tick = wf.schedule.first_at_or_after(clock);
    }
    let st = txn.st();
    Ok(OpResult::Workflow(WorkflowView::of(st, &st.workflows[&key])))
}

/// Adds an address to an execution instance's denylist.
pub fn denylist(txn: &mut Txn<'_>, instance: &str, address: &str) -> Result<OpResult> {
    let ii = exec_id(txn.st(), instance)?;
    let address = address.trim();
    if !crate::events::is_valid_email(address) && !crate::events::is_valid_phone(address) {
        return err(
            ErrorCode::InvalidArgument,
            format!("'{}' is neither an email address nor a phone number", crate::tree::excerpt(address)),
        );
    }
    let entry =
        QuarantineEntry { address: address.to_string(), kind: QuarantineKind::Denylist, reason: "Denylisted".into(), since: txn.now() };
    txn.put(keys::quarantine_key(ii, address), crate::records::to_json(&entry)?);
    txn.inst_mut(ii).quarantined += 1;
    Ok(OpResult::Denylist(DenylistEntry {
        address: entry.address,
        kind: entry.kind,
        reason: entry.reason,
        since: crate::dates::format_iso(entry.since),
    }))
}
