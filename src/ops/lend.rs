//! `consumeChanges`: what an execution instance's process does when the control of another process
//! has archived part of its change log. The control never writes into this process's storage: it
//! names the change records it consumed, and this engine, in one transaction, deletes them or
//! shortens them to the pages still to archive.
//!
//! Only change records of an execution instance this engine runs can be named, and a record can
//! only lose pages: a deletion of a record that is gone, or a shortening of one that is gone, is a
//! consumption already done (a control retrying after a lost reply), so it changes nothing and
//! succeeds. Anything else (another record, a value that is not a list of pages, a page the record
//! does not hold) refuses the whole request, and nothing is written.

use std::collections::BTreeSet;

use serde::Serialize;
use ts_rs::TS;

use crate::error::{err, Error, ErrorCode, Result};
use crate::io::{GetId, Reads, Results};
use crate::keys;
use crate::ops::{Next, OpState};
use crate::records::IdList;
use crate::txn::Txn;
use crate::views::OpResult;

/// Most records one request names (the archiving's step consumes fewer).
pub const MAX_CONSUMED: usize = 10_000;

/// What `consumeChanges` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Consumed {
    /// Change records deleted.
    #[ts(type = "number")]
    pub deleted: u64,
    /// Change records shortened to the pages still to archive.
    #[ts(type = "number")]
    pub shortened: u64,
    /// Records named that were already consumed (gone): nothing to do.
    #[ts(type = "number")]
    pub already: u64,
}

/// The consumption in progress: what each record becomes (None: deleted), in key order.
#[derive(Debug)]
pub(crate) struct ConsumeOp {
    targets: Vec<(String, Option<IdList>)>,
    /// The read of the targets' records, in their order.
    read: GetId,
}

/// Checks that `key` is a change record of an execution instance this engine runs.
fn check_key(txn: &Txn<'_>, key: &str) -> Result<()> {
    let refuse = || {
        Error::new(
            ErrorCode::InvalidArgument,
            format!(
                "{} is not a change record of an execution instance of this process: only its change log can be consumed",
                keys::record_name(key)
            ),
        )
    };
    let ii = keys::parse_change_key(key).ok_or_else(refuse)?;
    match txn.st().account_by_id(ii) {
        Some(a) if !a.remote => Ok(()),
        _ => Err(refuse()),
    }
}

/// Starts: checks every key and value, then reads the records named.
pub(crate) fn begin(txn: &mut Txn<'_>, put: Vec<(String, String)>, del: Vec<String>) -> Result<Next> {
    if put.len() + del.len() > MAX_CONSUMED {
        return err(ErrorCode::InvalidArgument, format!("at most {MAX_CONSUMED} change records per request"));
    }
    let mut targets: Vec<(String, Option<IdList>)> = Vec::with_capacity(put.len() + del.len());
    let mut seen = BTreeSet::new();
    for key in del {
        check_key(txn, &key)?;
        if !seen.insert(key.clone()) {
            return err(ErrorCode::InvalidArgument, format!("{} is named twice", keys::record_name(&key)));
        }
        targets.push((key, None));
    }
    for (key, value) in put {
        check_key(txn, &key)?;
        if !seen.insert(key.clone()) {
            return err(ErrorCode::InvalidArgument, format!("{} is named twice", keys::record_name(&key)));
        }
        let list = IdList::decode(&key, &value).map_err(|_| {
            Error::new(ErrorCode::InvalidArgument, format!("the value for {} is not a list of pages", keys::record_name(&key)))
        })?;
        if list.0.is_empty() {
            return err(ErrorCode::InvalidArgument, format!("{} would keep no page: name it as deleted", keys::record_name(&key)));
        }
        targets.push((key, Some(list)));
    }
    targets.sort_by(|a, b| a.0.cmp(&b.0));
    let keys = targets.iter().map(|(k, _)| k.clone()).collect();
    let mut reads = Reads::new();
    let read = reads.get(keys);
    Ok(Next::Read(OpState::Consume(ConsumeOp { targets, read }), reads))
}

/// Applies the consumption to the records read.
pub(crate) fn resume(txn: &mut Txn<'_>, op: ConsumeOp, mut results: Results) -> Result<Next> {
    let values = results.take_values(op.read)?;
    let mut done = Consumed { deleted: 0, shortened: 0, already: 0 };
    let mut writes = Vec::new();
    for ((key, keep), stored) in op.targets.into_iter().zip(values) {
        let Some(stored) = stored else {
            done.already += 1;
            continue;
        };
        let held = IdList::decode(&key, &stored)?;
        match keep {
            None => {
                done.deleted += 1;
                writes.push((key, None));
            }
            Some(keep) => {
                let held: BTreeSet<u64> = held.0.into_iter().collect();
                if let Some(p) = keep.0.iter().find(|p| !held.contains(p)) {
                    return err(
                        ErrorCode::InvalidArgument,
                        format!("{} does not hold page {p}: a consumption can only remove pages", keys::record_name(&key)),
                    );
                }
                if keep.0.len() == held.len() {
                    done.already += 1;
                    continue;
                }
                done.shortened += 1;
                let keep: BTreeSet<u64> = keep.0.into_iter().collect();
                writes.push((key, Some(IdList(keep.into_iter().collect()).encode())));
            }
        }
    }
    for (key, value) in writes {
        match value {
            Some(v) => txn.put(key, v),
            None => txn.del(key),
        }
    }
    Ok(Next::Done(OpResult::Consumed(done), None))
}
