//! Stores of an older storage format, migrated in place at open (users' data: converted, never
//! refused). Format 2 → 3:
//!
//! - sessions: format 2 kept every session in one record (`m/sessions`), tokens in clear, which
//!   each Logon rewrote whole; format 3 keeps one record per session, by the SHA-256 of its
//!   token, with the SHA-256 of its security token (`sessions`). The live sessions go on working.
//! - operators: format 2 kept passwords and bearer tokens in clear; format 3 keeps a salted
//!   scrypt hash and a SHA-256 (`secrets`). An empty password becomes `allowEmptyPassword`,
//!   except for an operator with a bearer token, who now logs on by the token only
//!   (`security::upgrade_legacy`).
//!
//! The migration is the open's one transaction: written whole with the new format record, or
//! not at all.

use crate::error::Result;
use crate::txn::Txn;

/// Migrates a store of storage format 2, its small state loaded (`m/sessions` already read into
/// the sessions by hash, see `State::load_record`). `entropy`: the host's fresh random bytes, for
/// the salts of the passwords hashed.
pub(crate) fn from_format_2(txn: &mut Txn<'_>, entropy: Option<&str>) -> Result<()> {
    let operators = std::mem::take(&mut txn.config_mut().operators);
    txn.config_mut().operators = crate::security::upgrade_legacy(operators, entropy)?;
    txn.split_legacy_sessions();
    txn.mark_format();
    Ok(())
}
