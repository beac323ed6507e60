//! How secrets are kept: operators' passwords as salted scrypt hashes, bearer tokens, session
//! tokens and security tokens as SHA-256 hashes. Nothing here is stored in clear, and nothing
//! here draws randomness: salts come from the host's entropy (`salt_for`).
//!
//! A password hash is the text `scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt>$<hash>` (salt and hash in
//! standard base64 with padding), which Node's crypto reproduces exactly:
//! `crypto.scryptSync(password, Buffer.from(salt, 'base64'), 32, { N: 2 ** ln, r, p })`
//! (`tests/js/secrets.test.mjs` checks it). `PASSWORD_KDF` is the one place that chooses the
//! cost of new hashes; a hash made with other parameters (within `MAX_KDF_BYTES`) still verifies.
//!
//! Tokens (bearer, session, security) are high-entropy, so a plain SHA-256 is enough: they are
//! stored as 64 lowercase hex digits (`sha256$<hex>` for a bearer token in the configuration).
//!
//! Verifying a password costs the KDF (tens of ms natively). The load-balancer way to log on
//! (`login/password` in every SOAP call's session token) would pay it on every request, so a
//! successful verification is remembered in a small in-memory cache (`VERIFIED`, never stored,
//! bounded to `VERIFIED_CAPACITY` entries, first in first out), keyed by a SHA-256 of the login,
//! the password and the stored hash: a changed hash (a new password) never hits an old entry. The
//! cache is a memo of a pure function (the same answer with or without it), so the core stays
//! deterministic.

use std::cell::RefCell;
use std::collections::{HashSet, VecDeque};

use sha2::{Digest, Sha256};

use crate::error::{Error, ErrorCode, Result};

/// Cost of the password hashes the core makes: scrypt with N = 2^14, r = 8, p = 1 (16 MiB, Node's
/// `crypto.scrypt` defaults, so that its default `maxmem` reproduces them), 16 bytes of salt, 32
/// bytes of hash. About 40 ms natively on the machines this was measured on.
pub const PASSWORD_KDF: Kdf = Kdf { ln: 14, r: 8, p: 1 };

/// Bytes of salt of a new password hash.
pub const SALT_BYTES: usize = 16;

/// Bytes of a new password hash.
pub const HASH_BYTES: usize = 32;

/// Most memory a stored hash's parameters may ask for (128 · r · N bytes): 32 MiB, so that a
/// configuration cannot make a Logon allocate without bound (in wasm, a failed allocation traps).
pub const MAX_KDF_BYTES: u64 = 32 << 20;

/// Successful verifications remembered (see the module's documentation).
pub const VERIFIED_CAPACITY: usize = 256;

/// Prefix of a bearer token's hash in the configuration.
pub const BEARER_HASH_PREFIX: &str = "sha256$";

/// scrypt's parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kdf {
    /// log2 of N (CPU and memory cost).
    pub ln: u8,
    /// Block size.
    pub r: u32,
    /// Parallelism.
    pub p: u32,
}

/// A parsed password hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordHash {
    /// Its parameters.
    pub kdf: Kdf,
    /// Its salt.
    pub salt: Vec<u8>,
    /// The derived key.
    pub hash: Vec<u8>,
}

impl PasswordHash {
    /// Parses `scrypt$ln=…,r=…,p=…$<salt>$<hash>`; a bad one is `INVALID_ARGUMENT` saying why.
    pub fn parse(s: &str) -> Result<PasswordHash> {
        let bad = |why: &str| {
            Error::new(
                ErrorCode::InvalidArgument,
                format!("a passwordHash is 'scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt base64>$<hash base64>': {why}"),
            )
        };
        let mut parts = s.split('$');
        if parts.next() != Some("scrypt") {
            return Err(bad("it does not start with 'scrypt$'"));
        }
        let params = parts.next().ok_or_else(|| bad("no parameters"))?;
        let (salt, hash) = match (parts.next(), parts.next(), parts.next()) {
            (Some(a), Some(b), None) => (a, b),
            _ => return Err(bad("it needs exactly four parts separated by '$'")),
        };
        let (mut ln, mut r, mut p) = (None, None, None);
        for kv in params.split(',') {
            let (k, v) = kv.split_once('=').ok_or_else(|| bad("a parameter is not name=value"))?;
            let v: u32 = v.parse().map_err(|_| bad("a parameter is not a number"))?;
            match k {
                "ln" if ln.is_none() => ln = Some(v),
                "r" if r.is_none() => r = Some(v),
                "p" if p.is_none() => p = Some(v),
                _ => return Err(bad("the parameters are ln, r and p, once each")),
            }
        }
        let (Some(ln), Some(r), Some(p)) = (ln, r, p) else { return Err(bad("the parameters are ln, r and p, once each")) };
        if !(1..=24).contains(&ln) || r == 0 || p == 0 || p > 16 {
            return Err(bad("ln must be 1 to 24, r at least 1, p 1 to 16"));
        }
        if 128 * u64::from(r) * (1u64 << ln) > MAX_KDF_BYTES || 128 * u64::from(r) * u64::from(p) > MAX_KDF_BYTES {
            return Err(bad("its parameters ask for more than 32 MiB (128 · r · 2^ln)"));
        }
        let salt = base64_decode(salt).ok_or_else(|| bad("the salt is not base64"))?;
        let hash = base64_decode(hash).ok_or_else(|| bad("the hash is not base64"))?;
        if !(8..=64).contains(&salt.len()) || !(16..=64).contains(&hash.len()) {
            return Err(bad("the salt must be 8 to 64 bytes, the hash 16 to 64"));
        }
        Ok(PasswordHash { kdf: Kdf { ln: ln as u8, r, p }, salt, hash })
    }

    /// Its text.
    pub fn encode(&self) -> String {
        format!("scrypt$ln={},r={},p={}${}${}", self.kdf.ln, self.kdf.r, self.kdf.p, base64_encode(&self.salt), base64_encode(&self.hash))
    }
}

/// scrypt of a password (parameters already bounded by `PasswordHash::parse` or `PASSWORD_KDF`).
fn derive(password: &[u8], salt: &[u8], kdf: Kdf, len: usize) -> Vec<u8> {
    let mut out = vec![0u8; len];
    // Parameters were checked; an error would leave `out` zeroed, which verifies nothing.
    if let Ok(params) = scrypt::Params::new(kdf.ln, kdf.r, kdf.p) {
        let _ = scrypt::scrypt(password, salt, &params, &mut out);
    }
    out
}

/// The hash of a new password, with `PASSWORD_KDF` and this salt.
pub fn hash_password(password: &str, salt: &[u8]) -> String {
    hash_password_with(password, salt, PASSWORD_KDF)
}

/// The hash of a password with other parameters (tests use cheap ones; they must be within
/// `MAX_KDF_BYTES` to verify).
pub fn hash_password_with(password: &str, salt: &[u8], kdf: Kdf) -> String {
    let hash = derive(password.as_bytes(), salt, kdf, HASH_BYTES);
    PasswordHash { kdf, salt: salt.to_vec(), hash }.encode()
}

/// A hash that no password has (all-zero key), with the default cost: checked in place of an
/// operator who has none, so that an unknown login takes as long as a wrong password.
fn decoy() -> PasswordHash {
    PasswordHash { kdf: PASSWORD_KDF, salt: vec![0; SALT_BYTES], hash: vec![0; HASH_BYTES] }
}

/// Successful verifications (see the module's documentation): their keys, and the same keys
/// oldest first (to drop the oldest past `VERIFIED_CAPACITY`).
#[derive(Default)]
struct Verified {
    keys: HashSet<[u8; 32]>,
    order: VecDeque<[u8; 32]>,
}

impl Verified {
    fn insert(&mut self, k: [u8; 32]) {
        if self.keys.insert(k) {
            self.order.push_back(k);
            while self.order.len() > VERIFIED_CAPACITY {
                if let Some(old) = self.order.pop_front() {
                    self.keys.remove(&old);
                }
            }
        }
    }
}

thread_local! {
    static VERIFIED: RefCell<Verified> = RefCell::new(Verified::default());
}

fn cache_key(login: &str, password: &str, stored: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"message-center verified password\0");
    for part in [login, password, stored] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().into()
}

/// Whether `password` is the one `stored` was made from (`stored` None: no password, the KDF
/// runs anyway on a decoy and fails). Constant-time comparison of the derived keys.
pub fn verify_password(login: &str, password: &str, stored: Option<&str>) -> bool {
    let parsed = stored.and_then(|s| PasswordHash::parse(s).ok());
    let key = stored.map(|s| cache_key(login, password, s));
    if let Some(k) = key {
        if VERIFIED.with(|v| v.borrow().keys.contains(&k)) {
            return true;
        }
    }
    let (target, real) = match parsed {
        Some(p) => (p, true),
        None => (decoy(), false),
    };
    let derived = derive(password.as_bytes(), &target.salt, target.kdf, target.hash.len());
    let ok = crate::security::ct_eq(&derived, &target.hash) & real;
    if let (true, Some(k)) = (ok, key) {
        VERIFIED.with(|v| v.borrow_mut().insert(k));
    }
    ok
}

/// The SHA-256 of a token, as 64 lowercase hex digits: how session and security tokens are
/// stored and looked up.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// A bearer token as the configuration keeps it: `sha256$<hex>`.
pub fn bearer_hash(token: &str) -> String {
    format!("{BEARER_HASH_PREFIX}{}", token_hash(token))
}

/// Whether a text is a bearer token's hash as `bearer_hash` writes it.
pub fn is_bearer_hash(s: &str) -> bool {
    s.strip_prefix(BEARER_HASH_PREFIX).is_some_and(is_hex64)
}

/// Whether a text is 64 lowercase hex digits (a token's hash).
pub fn is_hex64(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The salt of operator `login`'s new password hash, from the host's fresh entropy (at least 64
/// hex digits: 32 random bytes): the first `SALT_BYTES` of SHA-256(entropy, login), so that each
/// operator configured by one call gets its own.
pub fn salt_for(entropy: Option<&str>, login: &str) -> Result<Vec<u8>> {
    let e = entropy.unwrap_or("").trim();
    if e.len() < 64 || !e.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::new(
            ErrorCode::InvalidArgument,
            "hashing an operator's password needs the host's entropy: at least 64 hex digits of fresh random bytes (`entropy`)",
        ));
    }
    let mut h = Sha256::new();
    h.update(b"message-center password salt\0");
    h.update(e.to_ascii_lowercase().as_bytes());
    h.update([0]);
    h.update(login.as_bytes());
    Ok(h.finalize()[..SALT_BYTES].to_vec())
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 15)] as char);
    }
    s
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding (what Node's `Buffer.toString('base64')` writes).
pub fn base64_encode(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16) | (u32::from(*c.get(1).unwrap_or(&0)) << 8) | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                s.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

/// Reads standard base64 (padding optional); None if it is not.
pub fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    if s.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for b in s.bytes() {
        let v = B64.iter().position(|x| *x == b)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    (acc == 0).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips_as_node_writes_it() {
        for (bytes, text) in [(&b""[..], ""), (b"f", "Zg=="), (b"fo", "Zm8="), (b"foo", "Zm9v"), (b"\xff\xfe\x00", "//4A")] {
            assert_eq!(base64_encode(bytes), text);
            assert_eq!(base64_decode(text).as_deref(), Some(bytes));
        }
        assert_eq!(base64_decode("Zg"), Some(b"f".to_vec()));
        for bad in ["Z", "Zh==", "a*bc", "Zm9v\n"] {
            assert_eq!(base64_decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn scrypt_matches_the_rfc_7914_vector() {
        // RFC 7914 §12: scrypt("password", "NaCl", N=1024, r=8, p=16, 64).
        let k = derive(b"password", b"NaCl", Kdf { ln: 10, r: 8, p: 16 }, 64);
        assert_eq!(
            hex(&k),
            "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"
        );
    }

    #[test]
    fn hashes_verify_and_parse_strictly() {
        let salt = salt_for(Some(&"ab".repeat(32)), "mc").unwrap();
        let cheap = PasswordHash {
            kdf: Kdf { ln: 4, r: 8, p: 1 },
            salt: salt.clone(),
            hash: derive(b"s3cret", &salt, Kdf { ln: 4, r: 8, p: 1 }, 32),
        };
        let text = cheap.encode();
        assert!(text.starts_with("scrypt$ln=4,r=8,p=1$"));
        assert_eq!(PasswordHash::parse(&text).unwrap(), cheap);
        assert!(verify_password("mc", "s3cret", Some(&text)));
        assert!(verify_password("mc", "s3cret", Some(&text)), "from the cache");
        assert!(!verify_password("mc", "s3cre", Some(&text)));
        assert!(!verify_password("mc", "", Some(&text)));
        assert!(!verify_password("mc", "s3cret", None), "no password: nothing verifies");
        for bad in [
            "bcrypt$ln=4,r=8,p=1$AAAAAAAAAAA=$AAAAAAAAAAAAAAAAAAAAAA==",
            "scrypt$ln=4,r=8$AAAAAAAAAAA=$AAAAAAAAAAAAAAAAAAAAAA==",
            "scrypt$ln=30,r=8,p=1$AAAAAAAAAAA=$AAAAAAAAAAAAAAAAAAAAAA==",
            "scrypt$ln=16,r=16,p=1$AAAAAAAAAAA=$AAAAAAAAAAAAAAAAAAAAAA==",
            "scrypt$ln=4,r=8,p=1$AAAA$AAAAAAAAAAAAAAAAAAAAAA==",
            "scrypt$ln=4,r=8,p=1$AAAAAAAAAAA=$AAAAAAAAAAAAAAAAAAAAAA==$x",
            "scrypt$ln=4,r=8,p=1,p=2$AAAAAAAAAAA=$AAAAAAAAAAAAAAAAAAAAAA==",
        ] {
            assert_eq!(PasswordHash::parse(bad).unwrap_err().code, ErrorCode::InvalidArgument, "{bad}");
        }
    }

    #[test]
    fn tokens_hash_to_hex_and_salts_need_entropy() {
        assert_eq!(token_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert!(is_bearer_hash(&bearer_hash("a-token-of-some-length")));
        assert!(!is_bearer_hash("sha256$ABC"));
        assert_eq!(salt_for(None, "mc").unwrap_err().code, ErrorCode::InvalidArgument);
        let e = "0f".repeat(32);
        assert_ne!(salt_for(Some(&e), "mc").unwrap(), salt_for(Some(&e), "ims").unwrap());
        assert_eq!(salt_for(Some(&e), "mc").unwrap().len(), SALT_BYTES);
    }
}
