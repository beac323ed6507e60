//! Parsing of pushed events, from Campaign's XML (`<rtEvent …><ctx>…</ctx></rtEvent>`, or a wrapper
//! holding several) and from JSON. Parsing only checks shape and limits; the meaning of each field
//! (is the type known, is the email well formed…) is checked by `crate::events::validate`.

pub mod json;
pub mod xml;

use crate::tree::Node;

pub use crate::model::Queue;

/// Limits applied while parsing untrusted input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest whole document (XML or JSON text), in bytes.
    pub max_document_bytes: usize,
    /// Largest `ctx`, in bytes of its canonical XML serialization.
    pub max_ctx_bytes: usize,
    /// Most events in one PushEvents collection.
    pub max_events_per_batch: usize,
    /// Deepest element nesting inside `ctx`.
    pub max_depth: usize,
    /// Longest attribute value or text node, in bytes.
    pub max_value_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_document_bytes: 8 * 1024 * 1024,
            max_ctx_bytes: 64 * 1024,
            max_events_per_batch: 10_000,
            max_depth: 32,
            max_value_bytes: 16 * 1024,
        }
    }
}

/// An event as received, before validation. Strings are kept as written (trimmed of nothing).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RawEvent {
    /// From the element name (`rtEvent` / `batchEvent`) for XML; from the JSON `queue` field or the
    /// caller for JSON (None = caller decides).
    pub queue: Option<Queue>,
    /// `@type`.
    pub event_type: Option<String>,
    /// `@email`.
    pub email: Option<String>,
    /// `@mobilePhone`.
    pub mobile_phone: Option<String>,
    /// `@externalId`.
    pub external_id: Option<String>,
    /// `@origin`.
    pub origin: Option<String>,
    /// `@wishedChannel`, as written: a number ("0") or a name ("email").
    pub wished_channel: Option<String>,
    /// `@emailFormat`, as written: a number ("0","1","2") or a name ("unknown","text","html").
    pub email_format: Option<String>,
    /// `@language`.
    pub language: Option<String>,
    /// `@country`.
    pub country: Option<String>,
    /// `@scheduled`, as written (ISO 8601 expected).
    pub scheduled: Option<String>,
    /// `@expiration`, as written (ISO 8601 expected).
    pub expiration: Option<String>,
    /// `@registrationToken` (push address).
    pub registration_token: Option<String>,
    /// `mobileApp/@uuid`.
    pub mobile_app: Option<String>,
    /// The `<ctx>` element (name "ctx"), None when absent.
    pub ctx: Option<Node>,
}
