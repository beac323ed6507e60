//! Who may call the SOAP router, as Campaign decides it (reference §3.2, SDK contract §2): an
//! operator's login and password (at Logon, or as `login/password` in the session-token field,
//! the load-balancer way), an empty password only for an operator configured with
//! `allowEmptyPassword` and only from a trusted address range (the security zone's
//! `allowEmptyPassword`), a session token from Logon (with its security token when one is
//! presented), or a bearer token (the IMS technical account). Pure: the host passes the remote
//! address, the headers and fresh entropy for new tokens and salts.
//!
//! Secrets are kept as `secrets` says: passwords as salted scrypt hashes, bearer, session and
//! security tokens as SHA-256 hashes. An operator without a password (`password` left out of its
//! configuration) cannot log on by password at all, whatever it presents.
//!
//! Comparisons of secrets take the same time whatever matches: every operator is compared, each
//! comparison runs over the whole presented value, and an unknown login runs the password KDF on
//! a decoy, so that an unknown operator and a wrong password cannot be told apart by timing.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::config::REDACTED;
use crate::error::{err, Error, ErrorCode, Result};
use crate::secrets;
use crate::sessions::Sessions;

/// An operator (`xtk:operator`) who may call the SOAP API. In a configuration given to the
/// engine, `password` and `bearerToken` are the secrets in clear; the engine keeps (and shows)
/// only `passwordHash` and `bearerTokenHash`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Operator {
    /// Login (e.g. `mc`).
    pub login: String,
    /// The password, in clear: only in a configuration given to the engine, which stores its
    /// salted hash instead (`passwordHash`). Left out: the operator cannot log on by password. An
    /// empty one is refused unless `allowEmptyPassword` is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub password: Option<String>,
    /// The password's hash, `scrypt$ln=…,r=…,p=…$<salt base64>$<hash base64>` (see `secrets`):
    /// what the engine keeps; may also be given ready-made. `********` in a configuration given
    /// back keeps the current one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub password_hash: Option<String>,
    /// A bearer token (`Authorization: Bearer …`) that authenticates as this operator (the IMS
    /// technical account of Campaign v8), in clear: only in a configuration given to the engine,
    /// which keeps its hash (`bearerTokenHash`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub bearer_token: Option<String>,
    /// The bearer token's hash, `sha256$<hex>`; `********` in a configuration given back keeps
    /// the current one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub bearer_token_hash: Option<String>,
    /// Whether the operator logs on with an empty password, from a trusted range only (Campaign's
    /// `allowEmptyPassword` security zone). Default false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[ts(optional, as = "Option<bool>")]
    pub allow_empty_password: bool,
}

impl Operator {
    /// An operator with neither password nor token (it logs on by nothing until given one).
    pub fn new(login: &str) -> Operator {
        Operator { login: login.into(), ..Operator::default() }
    }

    /// The operator without its secrets (hashes included): what a snapshot keeps.
    pub fn without_secrets(&self) -> Operator {
        Operator { login: self.login.clone(), allow_empty_password: self.allow_empty_password, ..Operator::default() }
    }

    /// The operator with its hashes shown as `REDACTED`.
    pub fn redacted(&self) -> Operator {
        let hide = |s: &Option<String>| s.as_ref().map(|_| REDACTED.to_string());
        Operator {
            password: hide(&self.password),
            password_hash: hide(&self.password_hash),
            bearer_token: hide(&self.bearer_token),
            bearer_token_hash: hide(&self.bearer_token_hash),
            ..self.clone()
        }
    }
}

/// The operators of a configuration with their secrets in clear replaced by hashes: a password
/// by its scrypt hash (salted from the host's `entropy`; the current hash is kept when it is of
/// the same password, so that a configuration given again writes the same), a bearer token by its
/// SHA-256; a `REDACTED` hash keeps the current operator's. `previous`: the operators before.
pub fn seal(previous: &[Operator], operators: Vec<Operator>, entropy: Option<&str>) -> Result<Vec<Operator>> {
    let mut out = Vec::with_capacity(operators.len());
    for mut o in operators {
        let prev = previous.iter().find(|p| p.login == o.login);
        let keep = |what: &str, current: Option<&String>| {
            current.cloned().ok_or_else(|| {
                Error::new(
                    ErrorCode::InvalidArgument,
                    format!("operator '{}': {what} '{REDACTED}' keeps the current one, but there is none", o.login),
                )
            })
        };
        if o.password_hash.as_deref() == Some(REDACTED) {
            o.password_hash = Some(keep("passwordHash", prev.and_then(|p| p.password_hash.as_ref()))?);
        }
        if o.bearer_token_hash.as_deref() == Some(REDACTED) {
            o.bearer_token_hash = Some(keep("bearerTokenHash", prev.and_then(|p| p.bearer_token_hash.as_ref()))?);
        }
        match o.password.take() {
            None => {}
            Some(p) if p.is_empty() => {}
            Some(p) => {
                let current = prev.and_then(|x| x.password_hash.as_deref());
                o.password_hash = Some(match current {
                    Some(h) if secrets::verify_password(&o.login, &p, Some(h)) => h.to_string(),
                    _ => secrets::hash_password(&p, &secrets::salt_for(entropy, &o.login)?),
                });
            }
        }
        if let Some(t) = o.bearer_token.take() {
            o.bearer_token_hash = Some(secrets::bearer_hash(&t));
        }
        out.push(o);
    }
    Ok(out)
}

/// The operators of a store of storage format 2 (secrets in clear, an empty password meaning
/// "from a trusted range"), sealed: an empty password becomes `allowEmptyPassword` only for an
/// operator without a bearer token (one with a token only logged on with it; the empty password
/// it was given by default was the flaw this closes).
pub fn upgrade_legacy(operators: Vec<Operator>, entropy: Option<&str>) -> Result<Vec<Operator>> {
    let operators = operators
        .into_iter()
        .map(|mut o| {
            if o.password.as_deref() == Some("") {
                o.password = None;
                o.allow_empty_password |= o.bearer_token.is_none() && o.bearer_token_hash.is_none() && o.password_hash.is_none();
            }
            o
        })
        .collect();
    seal(&[], operators, entropy)
}

/// What the host knows of the caller.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Caller {
    /// The remote address (`127.0.0.1`, `::1`, `::ffff:10.0.0.1`): an empty password is accepted
    /// from the trusted ranges only.
    #[serde(default)]
    #[ts(optional, as = "Option<String>")]
    pub remote: String,
    /// The `X-Session-Token` header.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub session_token: Option<String>,
    /// The `X-Security-Token` header.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub security_token: Option<String>,
    /// The `Cookie` header (its `__sessiontoken`).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub cookie: Option<String>,
    /// The `Authorization` header (`Bearer …`).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub authorization: Option<String>,
    /// Fresh random bytes as hex (at least 64 digits), for the tokens of a Logon.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub entropy: Option<String>,
}

/// Equality of two secrets in time that depends only on the presented value's length.
pub fn ct_eq(presented: &[u8], stored: &[u8]) -> bool {
    let mut diff = (presented.len() ^ stored.len()) as u64;
    for (i, b) in presented.iter().enumerate() {
        let s = if stored.is_empty() { 0 } else { stored[i % stored.len()] };
        diff |= u64::from(b ^ s);
    }
    std::hint::black_box(diff) == 0
}

/// A trusted address range: `127.0.0.0/8`, `::1/128`, or one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    net: IpAddr,
    bits: u8,
}

/// The address, with IPv4-mapped IPv6 (`::ffff:a.b.c.d`) as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    }
}

impl Range {
    /// Parses a range; a bad one is `INVALID_ARGUMENT` naming it.
    pub fn parse(s: &str) -> Result<Range> {
        let bad = || {
            Error::new(
                ErrorCode::InvalidArgument,
                format!("trusted range '{}' is not an address or a CIDR range (e.g. 10.0.0.0/8, ::1/128)", crate::tree::excerpt(s)),
            )
        };
        let (addr, bits) = match s.trim().split_once('/') {
            Some((a, b)) => (a, Some(b.parse::<u8>().map_err(|_| bad())?)),
            None => (s.trim(), None),
        };
        let net = canonical(addr.parse::<IpAddr>().map_err(|_| bad())?);
        let max = if net.is_ipv4() { 32 } else { 128 };
        // A mapped IPv6 range (::ffff:10.0.0.0/104) counts in IPv4 bits.
        let bits = match bits {
            None => max,
            Some(b) if addr.parse::<IpAddr>().is_ok_and(|a| a.is_ipv6()) && net.is_ipv4() => b.checked_sub(96).ok_or_else(bad)?,
            Some(b) => b,
        };
        if bits > max {
            return Err(bad());
        }
        Ok(Range { net, bits })
    }

    /// Whether an address is in it.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.net, canonical(ip)) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = if self.bits == 0 { 0 } else { u32::MAX << (32 - u32::from(self.bits)) };
                u32::from(n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = if self.bits == 0 { 0 } else { u128::MAX << (128 - u32::from(self.bits)) };
                u128::from(n) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

/// Whether the address is in one of the ranges (an address that does not parse is in none).
pub fn trusted(ranges: &[String], remote: &str) -> bool {
    let Ok(ip) = remote.trim().parse::<IpAddr>() else { return false };
    ranges.iter().any(|r| Range::parse(r).is_ok_and(|r| r.contains(ip)))
}

/// Checks the security part of a configuration.
pub fn validate(operators: &[Operator], ranges: &[String], session_timeout_ms: i64) -> Result<()> {
    let mut seen = std::collections::BTreeSet::new();
    for o in operators {
        if o.login.is_empty() || o.login.len() > 64 || o.login.contains('/') || o.login.chars().any(char::is_control) {
            return err(
                ErrorCode::InvalidArgument,
                format!("operator login '{}' must be 1 to 64 characters, without '/'", crate::tree::excerpt(&o.login)),
            );
        }
        if !seen.insert(o.login.as_str()) {
            return err(ErrorCode::InvalidArgument, format!("operator '{}' is configured twice", o.login));
        }
        let bad = |why: String| err(ErrorCode::InvalidArgument, format!("operator '{}': {why}", o.login));
        if o.password.as_ref().is_some_and(|p| p.len() > 256) || o.bearer_token.as_ref().is_some_and(|t| t.len() < 16 || t.len() > 4096) {
            return bad("a password is at most 256 bytes, a bearer token 16 to 4096".into());
        }
        if o.password.as_deref() == Some("") && !o.allow_empty_password {
            return bad(
                "an empty password needs \"allowEmptyPassword\": true (it then logs on from a trusted range only); leave \"password\" out for an operator who logs on by bearer token only".into(),
            );
        }
        if o.password.is_some() && o.password_hash.is_some() {
            return bad("give \"password\" or \"passwordHash\", not both".into());
        }
        if o.bearer_token.is_some() && o.bearer_token_hash.is_some() {
            return bad("give \"bearerToken\" or \"bearerTokenHash\", not both".into());
        }
        if let Some(h) = o.password_hash.as_deref().filter(|h| *h != REDACTED) {
            if let Err(e) = secrets::PasswordHash::parse(h) {
                return bad(e.message);
            }
        }
        if o.bearer_token_hash.as_deref().is_some_and(|h| h != REDACTED && !secrets::is_bearer_hash(h)) {
            return bad(format!(
                "a bearerTokenHash is '{}' and 64 lowercase hex digits (the SHA-256 of the token)",
                secrets::BEARER_HASH_PREFIX
            ));
        }
    }
    for r in ranges {
        Range::parse(r)?;
    }
    if session_timeout_ms < 1_000 {
        return err(ErrorCode::InvalidArgument, "sessionTimeoutMs must be at least 1000");
    }
    Ok(())
}

/// Why a caller was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Unknown operator, wrong password, empty password from an untrusted address, bad bearer.
    Login,
    /// Unknown, expired or logged-off session token, or a wrong security token.
    Session,
}

/// The operator whose login and password these are: a password is checked against the
/// operator's hash (an operator without one, or an unknown login, runs the KDF on a decoy and
/// fails); an empty password passes only for an operator with `allowEmptyPassword`, from a
/// trusted address. Every operator's login is compared, in full, whatever matches.
pub fn check_password(operators: &[Operator], ranges: &[String], remote: &str, login: &str, password: &str) -> Option<String> {
    let mut found: Option<&Operator> = None;
    for o in operators {
        if ct_eq(login.as_bytes(), o.login.as_bytes()) {
            found = Some(o);
        }
    }
    if password.is_empty() {
        let o = found.filter(|o| o.allow_empty_password)?;
        return trusted(ranges, remote).then(|| o.login.clone());
    }
    let ok = secrets::verify_password(login, password, found.and_then(|o| o.password_hash.as_deref()));
    found.filter(|_| ok).map(|o| o.login.clone())
}

/// The operator of a bearer token (compared by hash with every operator's).
pub fn check_bearer(operators: &[Operator], token: &str) -> Option<String> {
    let presented = secrets::bearer_hash(token);
    let mut found = None;
    for o in operators {
        if let Some(t) = &o.bearer_token_hash {
            if ct_eq(presented.as_bytes(), t.as_bytes()) {
                found = Some(o.login.clone());
            }
        }
    }
    found
}

/// The `__sessiontoken` of a `Cookie` header.
fn cookie_token(cookie: &str) -> Option<&str> {
    cookie.split(';').find_map(|c| c.trim().strip_prefix("__sessiontoken=")).map(str::trim).filter(|t| !t.is_empty() && *t != "undefined")
}

/// The session token of a call: the `sessiontoken` parameter, else the `X-Session-Token` header,
/// else the `__sessiontoken` cookie.
pub fn presented_token<'a>(param: &'a str, caller: &'a Caller) -> &'a str {
    let p = param.trim();
    if !p.is_empty() {
        return p;
    }
    if let Some(h) = caller.session_token.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        return h;
    }
    caller.cookie.as_deref().and_then(cookie_token).unwrap_or("")
}

/// The bearer token of an `Authorization` header.
pub fn bearer(caller: &Caller) -> Option<&str> {
    let h = caller.authorization.as_deref()?.trim();
    let (scheme, token) = h.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()).filter(|t| !t.is_empty())
}

/// Who the caller of a method is (its session-token parameter is `param`; `header_security` is
/// the SOAP header's `X-Security-Token`). A session token from Logon needs its security token when
/// it came in a header or the cookie, as browsers send those by themselves (Campaign's protection
/// against cross-site requests); in the `sessiontoken` parameter it may come alone, as in Adobe's
/// documented envelopes ([U]: whether the product requires it there depends on its security zone).
pub fn authenticate(
    operators: &[Operator],
    ranges: &[String],
    sessions: &Sessions,
    now: i64,
    caller: &Caller,
    param: &str,
    header_security: Option<&str>,
) -> std::result::Result<String, Refusal> {
    let token = presented_token(param, caller);
    if token.is_empty() {
        return match bearer(caller) {
            Some(b) => check_bearer(operators, b).ok_or(Refusal::Login),
            None => Err(Refusal::Login),
        };
    }
    if let Some((login, password)) = token.split_once('/') {
        return check_password(operators, ranges, &caller.remote, login, password).ok_or(Refusal::Login);
    }
    let Some(s) = sessions.live(token, now) else { return Err(Refusal::Session) };
    fn nonempty(t: Option<&str>) -> Option<&str> {
        t.map(str::trim).filter(|t| !t.is_empty())
    }
    match nonempty(caller.security_token.as_deref()).or(nonempty(header_security)) {
        Some(p) if ct_eq(secrets::token_hash(p).as_bytes(), s.security_token_hash.as_bytes()) => Ok(s.login.clone()),
        Some(_) => Err(Refusal::Session),
        None if param.trim().is_empty() => Err(Refusal::Session),
        None => Ok(s.login.clone()),
    }
}

/// The two tokens of a new session, from the host's entropy: `___<uuid>` and `@<hex>==`.
pub fn new_tokens(entropy: Option<&str>) -> Result<(String, String)> {
    let e = entropy.unwrap_or("").trim();
    if e.len() < 64 || !e.bytes().all(|b| b.is_ascii_hexdigit()) {
        return err(ErrorCode::InvalidArgument, "a Logon needs the host's entropy: at least 64 hex digits of fresh random bytes");
    }
    let e = e.to_ascii_lowercase();
    let u = &e[..32];
    // A version-4 UUID, as Campaign's session tokens look.
    let session = format!(
        "___{}-{}-4{}-{}{}-{}",
        &u[0..8],
        &u[8..12],
        &u[13..16],
        ["8", "9", "a", "b"][usize::from(u.as_bytes()[16] % 4)],
        &u[17..20],
        &u[20..32]
    );
    let security = format!("@{}==", &e[32..64]);
    Ok((session, security))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hash of a password at a test's cost.
    fn cheap(password: &str) -> String {
        secrets::hash_password_with(password, b"0123456789abcdef", secrets::Kdf { ln: 4, r: 8, p: 1 })
    }

    fn ops() -> Vec<Operator> {
        vec![
            Operator { allow_empty_password: true, ..Operator::new("admin") },
            Operator {
                password_hash: Some(cheap("secret")),
                bearer_token_hash: Some(secrets::bearer_hash("ims-technical-account-token")),
                ..Operator::new("mc")
            },
            Operator { bearer_token_hash: Some(secrets::bearer_hash("a-bearer-only-operator-token")), ..Operator::new("ims") },
        ]
    }

    fn loopback() -> Vec<String> {
        vec!["127.0.0.0/8".into(), "::1/128".into()]
    }

    #[test]
    fn constant_time_equality() {
        assert!(ct_eq(b"secret", b"secret"));
        assert!(!ct_eq(b"secreT", b"secret"));
        assert!(!ct_eq(b"secret1", b"secret"));
        assert!(!ct_eq(b"secre", b"secret"));
        assert!(!ct_eq(b"", b"secret"));
        assert!(ct_eq(b"", b""));
        assert!(!ct_eq(b"x", b""));
        // A value that repeats the stored one is not equal to it.
        assert!(!ct_eq(b"secretsecret", b"secret"));
    }

    #[test]
    fn ranges() {
        let r = Range::parse("10.1.0.0/16").unwrap();
        assert!(r.contains("10.1.200.3".parse().unwrap()));
        assert!(!r.contains("10.2.0.1".parse().unwrap()));
        assert!(r.contains("::ffff:10.1.0.9".parse().unwrap()));
        assert!(Range::parse("::1/128").unwrap().contains("::1".parse().unwrap()));
        assert!(!Range::parse("::1/128").unwrap().contains("127.0.0.1".parse().unwrap()));
        assert!(Range::parse("0.0.0.0/0").unwrap().contains("8.8.8.8".parse().unwrap()));
        assert!(Range::parse("::ffff:192.168.0.0/112").unwrap().contains("192.168.4.4".parse().unwrap()));
        assert!(Range::parse("192.168.1.7").unwrap().contains("192.168.1.7".parse().unwrap()));
        for bad in ["10.0.0.0/33", "::/129", "nope", "10.0.0/8", "1.2.3.4/x", ""] {
            let e = Range::parse(bad).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidArgument, "{bad}");
        }
        assert!(trusted(&loopback(), "::ffff:127.0.0.1"));
        assert!(!trusted(&loopback(), "192.168.0.1"));
        assert!(!trusted(&loopback(), "not an address"));
    }

    #[test]
    fn passwords_and_trusted_empty_password() {
        let (o, r) = (ops(), loopback());
        assert_eq!(check_password(&o, &r, "10.0.0.1", "mc", "secret").as_deref(), Some("mc"));
        assert_eq!(check_password(&o, &r, "10.0.0.1", "mc", "wrong"), None);
        assert_eq!(check_password(&o, &r, "10.0.0.1", "nobody", "secret"), None);
        // admin has an empty password: only from a trusted address.
        assert_eq!(check_password(&o, &r, "127.0.0.1", "admin", "").as_deref(), Some("admin"));
        assert_eq!(check_password(&o, &r, "10.0.0.1", "admin", ""), None);
        assert_eq!(check_password(&o, &r, "127.0.0.1", "admin", "x"), None);
        // An operator with a password needs it, trusted or not.
        assert_eq!(check_password(&o, &r, "127.0.0.1", "mc", ""), None);
        // An operator without a password field (a bearer token only) logs on by no password, not
        // even an empty one from a trusted address.
        for p in ["", "x", "a-bearer-only-operator-token"] {
            assert_eq!(check_password(&o, &r, "127.0.0.1", "ims", p), None, "{p}");
        }
        assert_eq!(check_bearer(&o, "a-bearer-only-operator-token").as_deref(), Some("ims"));
    }

    #[test]
    fn authentication_by_every_way() {
        let (o, r) = (ops(), loopback());
        let mut sessions = Sessions::default();
        let session = crate::sessions::Session { login: "mc".into(), security_token_hash: secrets::token_hash("@sec=="), expires: 1_000 };
        sessions.insert(secrets::token_hash("___s1"), session);
        let local = Caller { remote: "127.0.0.1".into(), ..Caller::default() };
        let far = Caller { remote: "203.0.113.9".into(), ..Caller::default() };
        let auth = |c: &Caller, p: &str, h: Option<&str>, now| authenticate(&o, &r, &sessions, now, c, p, h);
        assert_eq!(auth(&local, "admin/", None, 0), Ok("admin".into()));
        assert_eq!(auth(&far, "admin/", None, 0), Err(Refusal::Login));
        assert_eq!(auth(&far, "mc/secret", None, 0), Ok("mc".into()));
        assert_eq!(auth(&far, "mc/nope", None, 0), Err(Refusal::Login));
        assert_eq!(auth(&far, "", None, 0), Err(Refusal::Login));
        assert_eq!(auth(&far, "___s1", None, 0), Ok("mc".into()));
        assert_eq!(auth(&far, "___s1", Some("@sec=="), 0), Ok("mc".into()));
        assert_eq!(auth(&far, "___s1", Some("@other=="), 0), Err(Refusal::Session));
        assert_eq!(auth(&far, "___s1", None, 1_000), Err(Refusal::Session), "expired");
        assert_eq!(auth(&far, "___s2", None, 0), Err(Refusal::Session));
        assert_eq!(auth(&far, &secrets::token_hash("___s1"), None, 0), Err(Refusal::Session), "the stored hash opens nothing");
        assert_eq!(auth(&local, "ims/", None, 0), Err(Refusal::Login), "a bearer-only operator, empty password, loopback");
        // The token in a header or the cookie when the parameter is empty.
        let h = Caller { session_token: Some("___s1".into()), security_token: Some("@sec==".into()), ..far.clone() };
        assert_eq!(auth(&h, "", None, 0), Ok("mc".into()));
        let c = Caller { cookie: Some("a=b; __sessiontoken=___s1".into()), ..far.clone() };
        assert_eq!(auth(&c, "", None, 0), Err(Refusal::Session), "a cookie alone is what a cross-site request carries");
        assert_eq!(auth(&c, "", Some("@sec=="), 0), Ok("mc".into()), "with the security token of the SOAP header");
        let h = Caller { session_token: Some("___s1".into()), ..far.clone() };
        assert_eq!(auth(&h, "", None, 0), Err(Refusal::Session), "a header token without its security token");
        let u = Caller { cookie: Some("__sessiontoken=undefined".into()), ..far.clone() };
        assert_eq!(auth(&u, "", None, 0), Err(Refusal::Login));
        // Bearer.
        let b = Caller { authorization: Some("Bearer ims-technical-account-token".into()), ..far.clone() };
        assert_eq!(auth(&b, "", None, 0), Ok("mc".into()));
        let b = Caller { authorization: Some("bearer wrong-token-of-some-length".into()), ..far.clone() };
        assert_eq!(auth(&b, "", None, 0), Err(Refusal::Login));
    }

    #[test]
    fn tokens_from_entropy() {
        let e = "0123456789abcdef0123456789abcdef00112233445566778899aabbccddeeff";
        let (s, k) = new_tokens(Some(e)).unwrap();
        assert_eq!(s, "___01234567-89ab-4def-8123-456789abcdef");
        assert_eq!(k, "@00112233445566778899aabbccddeeff==");
        assert_eq!(new_tokens(Some("abc")).unwrap_err().code, ErrorCode::InvalidArgument);
        assert_eq!(new_tokens(None).unwrap_err().code, ErrorCode::InvalidArgument);
    }

    #[test]
    fn configured_secrets_are_sealed() {
        let e = "ab".repeat(32);
        let given = vec![
            Operator { password: Some(String::new()), allow_empty_password: true, ..Operator::new("admin") },
            Operator { password: Some("s3cret".into()), bearer_token: Some("ims-technical-account-token-1".into()), ..Operator::new("mc") },
        ];
        validate(&given, &[], 1_000).unwrap();
        let sealed = seal(&[], given.clone(), Some(&e)).unwrap();
        assert_eq!(sealed[0], Operator { allow_empty_password: true, ..Operator::new("admin") });
        let mc = &sealed[1];
        assert_eq!((mc.password.as_ref(), mc.bearer_token.as_ref()), (None, None), "nothing in clear");
        let hash = mc.password_hash.clone().unwrap();
        assert!(hash.starts_with("scrypt$ln=14,r=8,p=1$"), "{hash}");
        assert_eq!(mc.bearer_token_hash.as_deref(), Some(secrets::bearer_hash("ims-technical-account-token-1").as_str()));
        assert_eq!(check_password(&sealed, &[], "10.0.0.1", "mc", "s3cret").as_deref(), Some("mc"));
        // Given again: the same hash (the same bytes stored); another password: another hash.
        assert_eq!(seal(&sealed, given.clone(), Some(&"cd".repeat(32))).unwrap(), sealed);
        let mut other = given.clone();
        other[1].password = Some("n3w".into());
        let resealed = seal(&sealed, other, Some(&e)).unwrap();
        assert_ne!(resealed[1].password_hash, sealed[1].password_hash);
        // A configuration given back as results show it keeps the hashes.
        let shown: Vec<Operator> = sealed.iter().map(Operator::redacted).collect();
        assert_eq!(shown[1].password_hash.as_deref(), Some(REDACTED));
        validate(&shown, &[], 1_000).unwrap();
        assert_eq!(seal(&sealed, shown.clone(), None).unwrap(), sealed);
        assert!(seal(&[], shown, None).unwrap_err().message.contains("keeps the current one"));
        // A new password needs the host's entropy.
        assert!(seal(&[], given, None).unwrap_err().message.contains("entropy"));
    }

    #[test]
    fn bad_secrets_are_refused_with_what_to_write() {
        for (o, what) in [
            (Operator { password: Some(String::new()), ..Operator::new("admin") }, "allowEmptyPassword"),
            (Operator { password: Some("x".into()), password_hash: Some(cheap("x")), ..Operator::new("mc") }, "not both"),
            (Operator { password_hash: Some("plain".into()), ..Operator::new("mc") }, "scrypt$"),
            (Operator { bearer_token_hash: Some("sha256$xyz".into()), ..Operator::new("mc") }, "bearerTokenHash"),
            (Operator { bearer_token: Some("short".into()), ..Operator::new("mc") }, "bearer token 16 to 4096"),
        ] {
            let e = validate(&[o], &[], 1_000).unwrap_err();
            assert!(e.message.contains(what), "{}", e.message);
        }
    }

    #[test]
    fn stores_of_format_2_keep_their_operators_but_not_the_bearer_only_empty_password() {
        let legacy: Vec<Operator> = serde_json::from_str(
            r#"[{"login":"admin","password":"","bearerToken":null},{"login":"mc","password":"s3cret","bearerToken":"ims-technical-account-token-1"},{"login":"ims","password":"","bearerToken":"a-bearer-only-operator-token"}]"#,
        )
        .unwrap();
        let up = upgrade_legacy(legacy, Some(&"ab".repeat(32))).unwrap();
        let (r, local) = (loopback(), "127.0.0.1");
        assert!(up[0].allow_empty_password && up[0].password_hash.is_none());
        assert_eq!(check_password(&up, &r, local, "admin", "").as_deref(), Some("admin"));
        assert_eq!(check_password(&up, &r, local, "mc", "s3cret").as_deref(), Some("mc"));
        assert_eq!(check_password(&up, &r, local, "ims", ""), None);
        assert_eq!(check_bearer(&up, "a-bearer-only-operator-token").as_deref(), Some("ims"));
        assert!(!serde_json::to_string(&up).unwrap().contains("s3cret"));
    }
}
