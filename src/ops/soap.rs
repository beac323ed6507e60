//! The SOAP router (`/nl/jsp/soaprouter.jsp`): one envelope in, Campaign's reply out. It reads
//! the envelope, authenticates the caller as Campaign does (see `security`), and dispatches:
//! `xtk:session#Logon` / `Logoff`, `xtk:persist#GetEntityIfMoreRecent`, `xtk:queryDef#ExecuteQuery`
//! on the event schemas, and `nms:rtEvent` / `nms:batchEvent` `#PushEvent(s)`. Every refusal is a
//! SOAP fault in the product's words, and a fault writes nothing.
//!
//! Without a caller (`caller` absent: the in-page simulator, where the host is the user) nothing
//! is authenticated and a Logon takes an empty password from anywhere (for an operator with
//! `allowEmptyPassword`).
//!
//! Sessions are records of their own (`sessions`): a Logon writes its session and deletes at
//! most `PRUNE_PER_LOGON` expired ones, a Logoff deletes one, whatever the number of live
//! sessions.

use serde::Deserialize;

use crate::error::Result;
use crate::io::{RangeId, Reads, Results};
use crate::keys::{self, PageId, Scope, PAGE, SEQ_MASK};
use crate::ops::read::{one_page, ReadOp};
use crate::ops::{push, Next, OpState};
use crate::secrets::token_hash;
use crate::security::{self, Caller, Refusal};
use crate::sessions::{Session, MAX_SESSIONS, PRUNE_PER_LOGON};
use crate::soap::{self, Fault, Service};
use crate::txn::Txn;
use crate::views::{EventView, OpResult, SoapReply};
use crate::xtk;

/// A SOAP request: the envelope, as an integrator's code posts it.
#[derive(Debug, Clone, PartialEq, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SoapRequest {
    /// Account name of an execution instance, or `loadBalancer` (the default).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub target: Option<String>,
    /// The HTTP `SOAPAction` header (or the URL's `?soapAction=`), if any.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub soap_action: Option<String>,
    /// Who calls, as the host sees it; absent: no authentication.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub caller: Option<Caller>,
    /// The envelope (the binding layer may pass it aside, as bytes).
    #[serde(default)]
    #[ts(optional, as = "Option<String>")]
    pub text: String,
}

/// An ExecuteQuery reading its event.
#[derive(Debug)]
pub struct QueryOp {
    q: xtk::QueryDef,
    /// The ids read, one per candidate instance, each with the read of its page.
    ids: Vec<(u64, RangeId)>,
}

fn reply(r: soap::Reply) -> Result<Next> {
    Ok(Next::Done(OpResult::Soap(SoapReply::ok(r, Vec::new())), None))
}

fn fault(f: &Fault) -> Result<Next> {
    Ok(Next::Done(OpResult::Soap(SoapReply::fault(f)), None))
}

/// Answers one envelope.
pub fn begin(txn: &mut Txn<'_>, p: SoapRequest) -> Result<Next> {
    let limits = txn.config().limits();
    let env = match soap::read_envelope(&p.text, p.soap_action.as_deref(), &limits) {
        Ok(e) => e,
        Err(f) => return fault(&f),
    };
    let (service, method) = (env.service, env.method.clone());
    if service == Service::Session && method == "Logon" {
        return logon(txn, &env, p.caller.as_ref());
    }
    if let Some(c) = &p.caller {
        let cfg = txn.config();
        let who = security::authenticate(
            &cfg.operators,
            &cfg.trusted_ranges,
            &txn.st().sessions,
            txn.now(),
            c,
            &env.session_token,
            env.header_security.as_deref(),
        );
        match who {
            Ok(_) => {}
            Err(Refusal::Login) => return fault(&xtk::login_fault(service, &method)),
            Err(Refusal::Session) => return fault(&xtk::session_fault(service, &method)),
        }
    }
    match (service, method.as_str()) {
        (Service::Session, "Logoff") => {
            let token =
                p.caller.as_ref().map_or(env.session_token.as_str(), |c| security::presented_token(&env.session_token, c)).to_string();
            txn.remove_session(&token_hash(&token));
            reply(xtk::logoff_reply())
        }
        (Service::Persist, "GetEntityIfMoreRecent") => reply(xtk::entity_reply(env.text(0))),
        (Service::QueryDef, "ExecuteQuery") => match xtk::read_query(env.element(0)) {
            Ok(q) => query_begin(txn, q, p.target.as_deref()),
            Err(f) => fault(&f),
        },
        (Service::Session | Service::Persist | Service::QueryDef, _) => fault(&xtk::unknown_method_fault(service, &method)),
        (Service::RtEvent | Service::BatchEvent, _) => match soap::event_call(env) {
            Ok(call) => push::soap_push(txn, call, p.target.as_deref()),
            Err(f) => fault(&f),
        },
    }
}

/// `xtk:session#Logon`: login, password, parameters.
fn logon(txn: &mut Txn<'_>, env: &soap::Envelope, caller: Option<&Caller>) -> Result<Next> {
    let (login, password) = (env.text(0), env.text(1));
    let cfg = txn.config();
    let anywhere = ["0.0.0.0/0".to_string(), "::/0".to_string()];
    let found = match caller {
        Some(c) => security::check_password(&cfg.operators, &cfg.trusted_ranges, &c.remote, login, password),
        None => security::check_password(&cfg.operators, &anywhere, "0.0.0.0", login, password),
    };
    let Some(login) = found else { return fault(&xtk::logon_fault()) };
    let now = txn.now();
    let timeout = cfg.session_timeout_ms;
    let entropy = match caller {
        // A real caller's tokens come from the host's fresh random bytes, never from the seed.
        Some(c) => c.entropy.clone().unwrap_or_default(),
        // The simulator's sessions come from its seed, so that a replay gives the same tokens.
        None => {
            let n = txn.st().sessions.len() as u64;
            let seed = txn.seed() ^ crate::mta::mix(now as u64 ^ crate::mta::mix(n));
            (0..4u64).map(|i| format!("{:016x}", crate::mta::mix(seed ^ i))).collect()
        }
    };
    let (session, security_token) = security::new_tokens(Some(&entropy))?;
    let hash = token_hash(&session);
    if txn.st().sessions.get(&hash).is_some() {
        return Err(crate::error::Error::new(
            crate::error::ErrorCode::InvalidArgument,
            "the entropy of this Logon gives a session token in use: pass fresh random bytes",
        ));
    }
    let instance = txn.st().accounts.keys().next().cloned().unwrap_or_else(|| "message-center".into());
    // A few expired sessions go at each Logon (more than the one it adds), the first to expire
    // first; past the cap, the session that expires first makes room.
    for old in txn.st().sessions.expired(now, PRUNE_PER_LOGON) {
        txn.remove_session(&old);
    }
    while txn.st().sessions.len() >= MAX_SESSIONS {
        let Some(first) = txn.st().sessions.first_to_expire() else { break };
        txn.remove_session(&first);
    }
    let session_record =
        Session { login: login.clone(), security_token_hash: token_hash(&security_token), expires: now.saturating_add(timeout) };
    txn.put_session(hash, session_record);
    reply(xtk::logon_reply(&session, &security_token, &login, now, timeout, &instance))
}

/// Reads the event of an ExecuteQuery: on the instance its id names, else on the target, else
/// (through the load balancer) on every instance, the first that has it.
fn query_begin(txn: &mut Txn<'_>, q: xtk::QueryDef, target: Option<&str>) -> Result<Next> {
    let st = txn.st();
    let candidates: Vec<u8> = if q.id > SEQ_MASK {
        vec![(q.id >> 56) as u8]
    } else {
        match target.filter(|t| *t != push::LOAD_BALANCER) {
            Some(t) => st.exec_id(t).into_iter().collect(),
            None => {
                let mut v: Vec<u8> = st.accounts.values().map(|a| a.execution_instance_id).collect();
                v.sort_unstable();
                v
            }
        }
    };
    let seq = q.id & SEQ_MASK;
    let ids: Vec<u64> = candidates.iter().filter(|ii| st.account_by_id(**ii).is_some()).map(|ii| keys::id_of(*ii, seq)).collect();
    if ids.is_empty() || seq == 0 {
        return match xtk::query_reply(&q, None) {
            Ok(r) => reply(r),
            Err(f) => fault(&f),
        };
    }
    let mut reads = Reads::new();
    let ids = ids
        .into_iter()
        .map(|id| {
            let s = keys::locate(id);
            let p = PageId { scope: Scope::Exec, ii: s.ii, pg: s.pg };
            (id, reads.range(keys::page_prefix(p), keys::page_run_end(p), (2 * PAGE + 1) as u32))
        })
        .collect();
    Ok(Next::Read(OpState::Read(ReadOp::Soap(Box::new(QueryOp { q, ids }))), reads))
}

/// The event read: the reply.
pub(crate) fn query_resume(txn: &mut Txn<'_>, op: QueryOp, mut res: Results) -> Result<Next> {
    let mut found: Option<EventView> = None;
    for (id, read) in &op.ids {
        let s = keys::locate(*id);
        let page = one_page(Scope::Exec, s.ii, s.pg, res.take_entries(*read)?)?;
        if let (Some(state), Some(data)) = (page.state(s.slot)?, page.data(s.slot)?) {
            if Some(data.queue) == op.q.schema.queue() {
                let instance = txn.st().account_by_id(s.ii).map(|a| a.name.clone()).unwrap_or_default();
                found = Some(EventView::of(*id, &instance, &data, &state));
                break;
            }
        }
    }
    match xtk::query_reply(&op.q, found.as_ref()) {
        Ok(r) => reply(r),
        Err(f) => fault(&f),
    }
}
