//! Stores of an older storage format, migrated in place at open (users' data: converted, never
//! refused). Format 2 → 3, in open's transaction:
//!
//! - sessions: format 2 kept every session in one record (`m/sessions`), tokens in clear, which
//!   each Logon rewrote whole; format 3 keeps one record per session, by the SHA-256 of its
//!   token, with the SHA-256 of its security token (`sessions`). The live sessions go on working.
//! - operators: format 2 kept passwords and bearer tokens in clear; format 3 keeps a salted
//!   scrypt hash and a SHA-256 (`secrets`). An empty password becomes `allowEmptyPassword`,
//!   except for an operator with a bearer token, who now logs on by the token only
//!   (`security::upgrade_legacy`).
//!
//! That part is open's one transaction: written whole with the format record (3), or not at all.
//!
//! Format 3 → 4: every page record (state and delivery-log pages, data and message fragments, of
//! the execution instances and of the history) is packed (`packed`). Open names `migrate` next,
//! and the shell sends it until it is done, before it hands the store over: each step packs the
//! next `RECORDS_PER_STEP` page records in key order and notes the last one (`m/migration`) in the
//! same transaction, so that a crash at any point loses nothing and a reopen goes on from there;
//! the last step writes format 4. Until then the store takes no other operation (queries of the
//! small state answer). A record of format 3 reads the same packed or not (a text without the
//! packing's control characters unpacks to itself), so a step never depends on the ones before.

use crate::error::{err, ErrorCode, Result};
use crate::io::{RangeId, Reads, Results};
use crate::keys;
use crate::ops::{Continuation, Next, OpState};
use crate::txn::Txn;
use crate::views::{OpResult, SettingsView};

/// Page records packed per step of the migration to format 4 (a step writes at most this many
/// records, each at most a page).
pub const RECORDS_PER_STEP: u32 = 16;

/// Migrates a store of storage format 2, its small state loaded (`m/sessions` already read into
/// the sessions by hash, see `State::load_record`). `entropy`: the host's fresh random bytes, for
/// the salts of the passwords hashed.
pub(crate) fn from_format_2(txn: &mut Txn<'_>, entropy: Option<&str>) -> Result<()> {
    let operators = std::mem::take(&mut txn.config_mut().operators);
    txn.config_mut().operators = crate::security::upgrade_legacy(operators, entropy)?;
    txn.split_legacy_sessions();
    txn.mark_format(3);
    Ok(())
}

/// A step of the migration to format 4, between its read and its end.
#[derive(Debug)]
pub(crate) struct MigrateOp {
    read: RangeId,
}

/// Reads the next page records to pack.
pub(crate) fn begin(txn: &mut Txn<'_>) -> Result<Next> {
    let st = txn.st();
    if st.format >= keys::FORMAT {
        return Ok(Next::Done(OpResult::Settings(SettingsView::of(st)), None));
    }
    if st.format != 3 {
        return err(ErrorCode::Internal, format!("a store of format {} is migrated to format 3 first, at open", st.format));
    }
    let from = st.migration.as_deref().map_or_else(|| keys::PAGES_FROM.to_string(), keys::key_after);
    let mut reads = Reads::new();
    let read = reads.range(from, keys::PAGES_TO.to_string(), RECORDS_PER_STEP);
    Ok(Next::Read(OpState::Migrate(MigrateOp { read }), reads))
}

/// Packs them; the last step marks the store format 4.
pub(crate) fn resume(txn: &mut Txn<'_>, op: MigrateOp, mut r: Results) -> Result<Next> {
    let records = r.take_entries(op.read)?;
    let last = records.last().map(|(k, _)| k.clone());
    let more = records.len() >= RECORDS_PER_STEP as usize;
    for (k, v) in records {
        if keys::parse_page_key(&k).is_none() {
            continue;
        }
        // A record that does not unpack stays as it is: the step that reads it names it.
        let Ok(text) = crate::packed::unpack(&k, v.clone()) else { continue };
        let packed = crate::packed::pack(&text);
        if packed != v {
            txn.put(k, packed);
        }
    }
    match (more, last) {
        (true, Some(last)) => {
            txn.set_migration(Some(last));
            Ok(Next::Done(OpResult::Settings(SettingsView::of(txn.st())), Some(Continuation::Migrate)))
        }
        _ => {
            if txn.st().migration.is_some() {
                txn.set_migration(None);
            }
            txn.mark_format(keys::FORMAT);
            Ok(Next::Done(OpResult::Settings(SettingsView::of(txn.st())), None))
        }
    }
}
