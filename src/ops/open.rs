//! `open`: the first operation of an engine. It reads the small state; on an empty store it
//! creates a Message Center (seed, clock, configuration, the control's cleanup); on an existing
//! one it checks the format and the seed, and applies the configuration given.

use serde_json::Value;

use crate::config::Config;
use crate::error::{err, Error, ErrorCode, Result};
use crate::io::{RangeId, Reads};
use crate::keys;
use crate::ops::schedule::{new_workflow, CONTROL};
use crate::ops::{Next, OpState, OpenRequest};
use crate::state::{wf_key, WorkflowKind, WorkflowState};
use crate::txn::Txn;
use crate::views::{OpResult, SettingsView};

/// The virtual start time of a new store given none: 2026-01-01T00:00:00Z.
pub const DEFAULT_NOW: i64 = 1_767_225_600_000;

/// Most small-state records read at open (a few per instance, template and workflow).
const STATE_RECORDS_LIMIT: u32 = 1_000_000;

/// `open` between its read and its end.
#[derive(Debug)]
pub struct OpenOp {
    req: OpenRequest,
    /// The range of the small state.
    pub(crate) read: RangeId,
}

/// Asks for the small state.
pub fn begin(o: OpenRequest) -> Result<Next> {
    if let Some(v) = o.boundary {
        if v != crate::boundary::VERSION {
            return err(
                ErrorCode::InvalidArgument,
                format!("the shell speaks boundary format {v}, this core speaks {}", crate::boundary::VERSION),
            );
        }
    }
    let mut reads = Reads::new();
    let read = reads.range(keys::STATE_FROM.into(), keys::STATE_TO.into(), STATE_RECORDS_LIMIT);
    Ok(Next::Read(OpState::Open(OpenOp { req: o, read }), reads))
}

fn parse_seed(s: &str) -> Result<u64> {
    s.trim().parse().map_err(|_| {
        Error::new(ErrorCode::InvalidArgument, format!("seed '{}' is not a decimal 64-bit unsigned integer", crate::tree::excerpt(s)))
    })
}

/// Refuses a store of a format this version neither reads nor migrates (naming both versions).
pub fn check_format(records: &[(String, String)]) -> Result<()> {
    let found = records.iter().find(|(k, _)| k == keys::FORMAT_KEY);
    let version = match found {
        Some((_, v)) => keys::parse_format(v).ok_or_else(|| {
            Error::new(
                ErrorCode::StorageFormat,
                format!(
                    "this store's format record says '{}', which is not a message-center format (this version reads format {})",
                    crate::tree::excerpt(v),
                    keys::FORMAT
                ),
            )
        })?,
        // Stores of message-center 0.1 have no format record: format 1.
        None => 1,
    };
    if !(keys::OLDEST_MIGRATED_FORMAT..=keys::FORMAT).contains(&version) {
        let migrated: Vec<String> = (keys::OLDEST_MIGRATED_FORMAT..keys::FORMAT).map(|v| v.to_string()).collect();
        return err(
            ErrorCode::StorageFormat,
            format!("this store has storage format {version}; this version of message-center reads format {} only, and formats {} which it migrates (export what you need with the version that wrote it, then start from a new store)", keys::FORMAT, migrated.join(" and ")),
        );
    }
    Ok(())
}

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

/// `current` with `patch` merged in, validated, operators' secrets sealed (hashed; `entropy`:
/// the host's fresh random bytes, for the salts of new passwords).
pub fn merged_config(current: &Config, patch: Value, entropy: Option<&str>) -> Result<Config> {
    if !patch.is_object() {
        return err(ErrorCode::InvalidArgument, "config must be an object");
    }
    let mut base = serde_json::to_value(current).map_err(|e| Error::new(ErrorCode::Internal, e.to_string()))?;
    merge(&mut base, patch);
    let mut cfg: Config = serde_json::from_value(base).map_err(|e| Error::new(ErrorCode::InvalidArgument, format!("config: {e}")))?;
    cfg.validate()?;
    cfg.operators = crate::security::seal(&current.operators, std::mem::take(&mut cfg.operators), entropy)?;
    Ok(cfg)
}

/// A new store.
pub fn init(txn: &mut Txn<'_>, OpenOp { req: o, .. }: OpenOp) -> Result<Next> {
    let seed = match (&o.seed, &o.fresh_seed) {
        (Some(s), _) => parse_seed(s)?,
        (None, Some(s)) => parse_seed(s)?,
        (None, None) => {
            return err(ErrorCode::InvalidArgument, "a new store needs a seed (none was given, and the host supplied no fresh one)")
        }
    };
    let now = match &o.now {
        Some(t) => t.ms("now")?,
        None => DEFAULT_NOW,
    };
    let cfg = match o.config {
        Some(c) if !c.is_null() => merged_config(&Config::default(), c, o.entropy.as_deref())?,
        _ => Config::default(),
    };
    txn.mark_format(keys::FORMAT);
    txn.set_seed(seed);
    *txn.config_mut() = cfg;
    txn.set_clock(now);
    txn.accounts_mut();
    txn.event_types_mut();
    txn.control_mut();
    let wf = new_workflow(txn.st(), CONTROL, WorkflowKind::Cleanup, None, WorkflowState::Started);
    txn.put_workflow(wf_key(CONTROL, &wf.name), wf);
    txn.mark_clock();
    Ok(Next::Done(OpResult::Settings(SettingsView::of(txn.st())), None))
}

/// An existing store, its small state loaded (migrated first if it is of an older format).
pub fn reopen(txn: &mut Txn<'_>, OpenOp { req: o, .. }: OpenOp) -> Result<Next> {
    if txn.st().format == 2 {
        crate::migrate::from_format_2(txn, o.entropy.as_deref())?;
    }
    if let Some(s) = &o.seed {
        let seed = parse_seed(s)?;
        if seed != txn.seed() {
            return err(ErrorCode::InvalidArgument, format!("this storage was created with seed {}, not {seed}", txn.seed()));
        }
    }
    if let Some(c) = o.config {
        if !c.is_null() {
            configure(txn, c, o.entropy.as_deref())?;
        }
    }
    // A store of format 3 has its pages packed next, a bounded step at a time (the shell sends
    // what open names next before it hands the store over).
    let next = (txn.st().format < keys::FORMAT).then_some(crate::ops::Continuation::Migrate);
    Ok(Next::Done(OpResult::Settings(SettingsView::of(txn.st())), next))
}

/// `configure`.
pub fn configure(txn: &mut Txn<'_>, patch: Value, entropy: Option<&str>) -> Result<OpResult> {
    let cfg = merged_config(txn.config(), patch, entropy)?;
    *txn.config_mut() = cfg;
    Ok(OpResult::Config(Box::new(txn.config().redacted())))
}
