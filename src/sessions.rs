//! The sessions of `xtk:session#Logon`: one record each (`m/sess/<hash>`, keyed by the SHA-256
//! of the session token, so that the store holds no token that works), with the operator, the
//! SHA-256 of its security token and its expiry. A Logon writes one record and deletes at most
//! `PRUNE_PER_LOGON` expired ones (the first to expire, found in O(log n) by an index kept in
//! memory), so that its cost does not grow with the live sessions; a Logoff deletes one. At most
//! `MAX_SESSIONS` live at once: past it, a Logon drops the session that expires first.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::secrets::token_hash;

/// Most sessions kept at once: past it, a Logon drops the one that expires first.
pub const MAX_SESSIONS: usize = 10_000;

/// Expired sessions a Logon deletes at most (more than the one it adds, so that expired ones
/// cannot pile up however Logons come).
pub const PRUNE_PER_LOGON: usize = 16;

/// A logged-on session, as its record holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Session {
    /// The operator.
    pub login: String,
    /// SHA-256 (hex) of the security token given with it.
    pub security_token_hash: String,
    /// When it expires (virtual clock).
    pub expires: i64,
}

/// A session of storage format 2 (`m/sessions`, tokens in clear): read once, to migrate.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LegacySession {
    /// The operator.
    pub login: String,
    /// The security token, in clear.
    pub security_token: String,
    /// Expiry.
    pub expires: i64,
}

/// The live sessions by the hash of their token, with an index by expiry.
#[derive(Debug, Clone, Default)]
pub struct Sessions {
    by_hash: BTreeMap<String, Session>,
    by_expiry: BTreeSet<(i64, String)>,
}

impl Sessions {
    /// Number of sessions held (expired ones not yet pruned included).
    pub fn len(&self) -> usize {
        self.by_hash.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
    }

    /// The session of a token hash.
    pub fn get(&self, hash: &str) -> Option<&Session> {
        self.by_hash.get(hash)
    }

    /// The live session a presented token opens (not expired at `now`).
    pub fn live(&self, token: &str, now: i64) -> Option<&Session> {
        self.by_hash.get(&token_hash(token)).filter(|s| s.expires > now)
    }

    /// Adds or replaces the session of a token hash.
    pub fn insert(&mut self, hash: String, s: Session) {
        self.remove(&hash);
        self.by_expiry.insert((s.expires, hash.clone()));
        self.by_hash.insert(hash, s);
    }

    /// Removes the session of a token hash (whether it was there).
    pub fn remove(&mut self, hash: &str) -> bool {
        match self.by_hash.remove(hash) {
            Some(old) => {
                self.by_expiry.remove(&(old.expires, hash.to_string()));
                true
            }
            None => false,
        }
    }

    /// The hashes of at most `n` sessions expired at `now`, the first to expire first.
    pub fn expired(&self, now: i64, n: usize) -> Vec<String> {
        self.by_expiry.iter().take_while(|(t, _)| *t <= now).take(n).map(|(_, h)| h.clone()).collect()
    }

    /// The hash of the session that expires first.
    pub fn first_to_expire(&self) -> Option<String> {
        self.by_expiry.iter().next().map(|(_, h)| h.clone())
    }

    /// Every session by hash, in hash order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Session)> {
        self.by_hash.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_are_found_by_token_and_pruned_first_to_expire_first() {
        let mut s = Sessions::default();
        for (i, t) in ["___a", "___b", "___c"].iter().enumerate() {
            s.insert(token_hash(t), Session { login: "mc".into(), security_token_hash: token_hash("@k=="), expires: 10 * (3 - i as i64) });
        }
        assert_eq!(s.live("___a", 29).map(|x| x.expires), Some(30));
        assert!(s.live("___a", 30).is_none(), "expired");
        assert!(s.live(&token_hash("___a"), 0).is_none(), "the hash is no token");
        assert_eq!(s.expired(20, 10), vec![token_hash("___c"), token_hash("___b")]);
        assert_eq!(s.expired(20, 1), vec![token_hash("___c")]);
        assert_eq!(s.first_to_expire(), Some(token_hash("___c")));
        // Replacing a session moves it in the index.
        s.insert(token_hash("___c"), Session { login: "mc".into(), security_token_hash: String::new(), expires: 100 });
        assert_eq!(s.first_to_expire(), Some(token_hash("___b")));
        assert!(s.remove(&token_hash("___b")) && !s.remove(&token_hash("___b")));
        assert_eq!((s.len(), s.expired(1_000, 10).len()), (2, 2));
    }
}
