//! Who may call the SOAP router, as Campaign decides it (reference §3.2, SDK contract §2): an
//! operator's login and password (at Logon, or as `login/password` in the session-token field,
//! the load-balancer way), an empty password only from a trusted address range (the security
//! zone's `allowEmptyPassword`), a session token from Logon (with its security token when one is
//! presented), or a bearer token (the IMS technical account). Pure: the host passes the remote
//! address, the headers and fresh entropy for new tokens.
//!
//! Comparisons of secrets take the same time whatever matches: every operator is compared, and
//! each comparison runs over the whole presented value, so an unknown operator and a wrong
//! password cannot be told apart by timing.

use std::collections::BTreeMap;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{err, Error, ErrorCode, Result};

/// An operator (`xtk:operator`) who may call the SOAP API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Operator {
    /// Login (e.g. `mc`).
    pub login: String,
    /// Password; empty: the operator logs on without one, from a trusted range only.
    #[serde(default)]
    pub password: String,
    /// A bearer token (`Authorization: Bearer …`) that authenticates as this operator (the IMS
    /// technical account of Campaign v8); none by default.
    #[serde(default)]
    pub bearer_token: Option<String>,
}

/// A logged-on session (`xtk:session#Logon`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    /// The operator.
    pub login: String,
    /// The security token given with it.
    pub security_token: String,
    /// When it expires (virtual clock).
    pub expires: i64,
}

/// Sessions by session token.
pub type Sessions = BTreeMap<String, Session>;

/// What the host knows of the caller.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Caller {
    /// The remote address (`127.0.0.1`, `::1`, `::ffff:10.0.0.1`).
    #[serde(default)]
    pub remote: String,
    /// The `X-Session-Token` header.
    #[serde(default)]
    pub session_token: Option<String>,
    /// The `X-Security-Token` header.
    #[serde(default)]
    pub security_token: Option<String>,
    /// The `Cookie` header (its `__sessiontoken`).
    #[serde(default)]
    pub cookie: Option<String>,
    /// The `Authorization` header.
    #[serde(default)]
    pub authorization: Option<String>,
    /// Fresh random bytes as hex (at least 64 digits), for the tokens of a Logon.
    #[serde(default)]
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
                format!("trusted range '{}' is not an address or a CIDR range (e.g. 10.0.0.0/8, ::1/128)", crate::ctx::excerpt(s)),
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
                format!("operator login '{}' must be 1 to 64 characters, without '/'", crate::ctx::excerpt(&o.login)),
            );
        }
        if !seen.insert(o.login.as_str()) {
            return err(ErrorCode::InvalidArgument, format!("operator '{}' is configured twice", o.login));
        }
        if o.password.len() > 256 || o.bearer_token.as_ref().is_some_and(|t| t.len() < 16 || t.len() > 4096) {
            return err(
                ErrorCode::InvalidArgument,
                format!("operator '{}': a password is at most 256 bytes, a bearer token 16 to 4096", o.login),
            );
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

/// The operator whose login and password these are (empty password: only from a trusted
/// address). Every operator is compared, in full, whatever matches.
pub fn check_password(operators: &[Operator], ranges: &[String], remote: &str, login: &str, password: &str) -> Option<String> {
    let mut found: Option<&Operator> = None;
    for o in operators {
        let l = ct_eq(login.as_bytes(), o.login.as_bytes());
        let p = ct_eq(password.as_bytes(), o.password.as_bytes());
        if l & p {
            found = Some(o);
        }
    }
    let o = found?;
    if o.password.is_empty() && !trusted(ranges, remote) {
        return None;
    }
    Some(o.login.clone())
}

/// The operator of a bearer token.
pub fn check_bearer(operators: &[Operator], token: &str) -> Option<String> {
    let mut found = None;
    for o in operators {
        if let Some(t) = &o.bearer_token {
            if ct_eq(token.as_bytes(), t.as_bytes()) {
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
    let Some(s) = sessions.get(token).filter(|s| s.expires > now) else { return Err(Refusal::Session) };
    fn nonempty(t: Option<&str>) -> Option<&str> {
        t.map(str::trim).filter(|t| !t.is_empty())
    }
    match nonempty(caller.security_token.as_deref()).or(nonempty(header_security)) {
        Some(p) if ct_eq(p.as_bytes(), s.security_token.as_bytes()) => Ok(s.login.clone()),
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

/// Sessions without the expired ones.
pub fn prune(sessions: &mut Sessions, now: i64) {
    sessions.retain(|_, s| s.expires > now);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops() -> Vec<Operator> {
        vec![
            Operator { login: "admin".into(), password: String::new(), bearer_token: None },
            Operator { login: "mc".into(), password: "secret".into(), bearer_token: Some("ims-technical-account-token".into()) },
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
    }

    #[test]
    fn authentication_by_every_way() {
        let (o, r) = (ops(), loopback());
        let mut sessions = Sessions::new();
        sessions.insert("___s1".into(), Session { login: "mc".into(), security_token: "@sec==".into(), expires: 1_000 });
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
}
