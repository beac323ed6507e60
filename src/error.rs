//! The one error type of the core. Every error has a stable `code` (what programs match on) and a
//! readable `message` (what people read). The binding layer turns it into a JavaScript `Error`
//! whose `code` property is the same string.

use serde::Serialize;
use std::fmt;

/// Declares the error codes once: each variant with its documentation and its stable string;
/// the enum, `ALL` and `as_str` follow from it.
macro_rules! error_codes {
    ($($(#[doc = $doc:literal])* $name:ident = $code:literal,)*) => {
        /// Stable error codes. The string form (`as_str`) is part of the public API: never rename one.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
        #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
        pub enum ErrorCode {
            $($(#[doc = $doc])* $name,)*
        }

        impl ErrorCode {
            /// Every code.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$name,)*];

            /// The stable string form, e.g. `"UNKNOWN_EVENT_TYPE"`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$name => $code,)*
                }
            }
        }
    };
}

error_codes! {
    /// The event is structurally wrong (missing ctx, unknown field, bad value…).
    InvalidEvent = "INVALID_EVENT",
    /// `type` is missing.
    MissingEventType = "MISSING_EVENT_TYPE",
    /// `type` is not a value of the `eventType` enumeration.
    UnknownEventType = "UNKNOWN_EVENT_TYPE",
    /// `wishedChannel` (or a template channel) is not a known channel.
    UnknownChannel = "UNKNOWN_CHANNEL",
    /// `email` is not a well-formed address.
    InvalidEmail = "INVALID_EMAIL",
    /// `mobilePhone` is not a well-formed number.
    InvalidPhone = "INVALID_PHONE",
    /// A date is not ISO 8601.
    InvalidDate = "INVALID_DATE",
    /// The XML does not parse; the message carries line and column.
    MalformedXml = "MALFORMED_XML",
    /// The XML carries a DTD, an entity declaration or an entity reference we refuse to expand.
    XmlDtdRefused = "XML_DTD_REFUSED",
    /// The JSON does not parse or has the wrong shape.
    InvalidJson = "INVALID_JSON",
    /// The `ctx` element is larger than the configured limit.
    CtxTooLarge = "CTX_TOO_LARGE",
    /// A document, a batch or a field is larger than its limit.
    InputTooLarge = "INPUT_TOO_LARGE",
    /// No instance (execution instance or external account) of that name.
    UnknownInstance = "UNKNOWN_INSTANCE",
    /// An external account with that name or execution instance id exists already.
    DuplicateInstance = "DUPLICATE_INSTANCE",
    /// No enabled execution instance can take the event (load balancer with none enabled…).
    NoInstanceAvailable = "NO_INSTANCE_AVAILABLE",
    /// An event type of that internal name exists already.
    DuplicateEventType = "DUPLICATE_EVENT_TYPE",
    /// A template of that internal name exists already.
    DuplicateTemplate = "DUPLICATE_TEMPLATE",
    /// No template of that internal name.
    UnknownTemplate = "UNKNOWN_TEMPLATE",
    /// The template content does not parse; the message carries line and column.
    TemplateSyntax = "TEMPLATE_SYNTAX",
    /// The template cannot be published (no event type, a field that does not compile…).
    TemplateNotPublishable = "TEMPLATE_NOT_PUBLISHABLE",
    /// A template's script failed while it rendered (preview, proof); the message carries the
    /// field, line and column, and the script's error.
    TemplateRender = "TEMPLATE_RENDER",
    /// The template is published: unpublish it first.
    TemplatePublished = "TEMPLATE_PUBLISHED",
    /// A personalization block of that internal name exists already.
    DuplicateBlock = "DUPLICATE_BLOCK",
    /// No personalization block of that internal name.
    UnknownBlock = "UNKNOWN_BLOCK",
    /// The personalization block is included by templates: remove the includes first.
    BlockInUse = "BLOCK_IN_USE",
    /// No seed address of that name on the template.
    UnknownSeed = "UNKNOWN_SEED",
    /// No event with that id.
    UnknownEvent = "UNKNOWN_EVENT",
    /// The status list's search query does not parse; the message carries the column.
    InvalidQuery = "INVALID_QUERY",
    /// An exercise file is not one: the message says where (line and column) and what.
    InvalidExercise = "INVALID_EXERCISE",
    /// The event id is not a decimal 64-bit unsigned integer.
    InvalidEventId = "INVALID_EVENT_ID",
    /// The clock cannot move backwards.
    ClockBackwards = "CLOCK_BACKWARDS",
    /// No workflow of that internal name.
    UnknownWorkflow = "UNKNOWN_WORKFLOW",
    /// The workflow exists already (`mcSynch_<account>` created twice…).
    WorkflowExists = "WORKFLOW_EXISTS",
    /// The workflow is not in a state that allows this (starting a started workflow is fine; this
    /// is for e.g. running a workflow that is being edited).
    WorkflowState = "WORKFLOW_STATE",
    /// A parameter of an API call is wrong (bad page size, bad filter, bad config value…).
    InvalidArgument = "INVALID_ARGUMENT",
    /// Stored data does not decode: the storage was written by something else.
    StorageCorrupt = "STORAGE_CORRUPT",
    /// The storage holds another format than the one this version reads.
    StorageFormat = "STORAGE_FORMAT",
    /// An operation was started while another one is in progress in the core.
    Busy = "BUSY",
    /// `waitForStatus`: the event will never reach the status (a final status, a workflow not
    /// started).
    WaitBlocked = "WAIT_BLOCKED",
    /// `waitForStatus`: no workflow step is due before the deadline.
    WaitTimeout = "WAIT_TIMEOUT",
    /// SOAP: the caller is not an operator (unknown login, wrong password, an empty password
    /// from an untrusted address, a bad bearer token).
    AccessDenied = "ACCESS_DENIED",
    /// SOAP: the session token is unknown, expired or logged off, or its security token is wrong.
    SessionInvalid = "SESSION_INVALID",
    /// A bug: an invariant of the engine does not hold (the operation wrote nothing).
    Internal = "INTERNAL",
}

impl ErrorCode {
    /// The HTTP status a service answers this error with (the admin API, the REST facade, the
    /// console's calls; SOAP answers every fault 500, as SOAP 1.1 says). One table for every host:
    /// a new code cannot be added without one.
    pub fn http_status(self) -> u16 {
        use ErrorCode::*;
        match self {
            InvalidEvent | MissingEventType | UnknownEventType | UnknownChannel | InvalidEmail | InvalidPhone | InvalidDate
            | MalformedXml | XmlDtdRefused | InvalidJson | CtxTooLarge | TemplateSyntax | TemplateRender | InvalidQuery
            | InvalidExercise | InvalidEventId | ClockBackwards | InvalidArgument => 400,
            InputTooLarge => 413,
            AccessDenied => 403,
            SessionInvalid => 401,
            UnknownInstance | UnknownTemplate | UnknownBlock | UnknownSeed | UnknownEvent | UnknownWorkflow => 404,
            DuplicateInstance
            | DuplicateEventType
            | DuplicateTemplate
            | DuplicateBlock
            | BlockInUse
            | TemplatePublished
            | TemplateNotPublishable
            | WorkflowExists
            | WorkflowState
            | NoInstanceAvailable
            | WaitBlocked => 409,
            WaitTimeout => 408,
            Busy => 503,
            StorageCorrupt | StorageFormat | Internal => 500,
        }
    }
}

/// Longest error message, in bytes.
pub const MAX_MESSAGE: usize = 400;

/// An error of the core: a stable code and a readable message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Error {
    /// What programs match on.
    pub code: ErrorCode,
    /// What people read; says what was wrong and, where it helps, where.
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Where in the input, for errors that point into a text (template syntax errors): the page
    /// shows them next to that field, at that line and column.
    pub at: Option<ErrorAt>,
}

/// The place in an input text an error points to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorAt {
    /// The input field (`subject`, `html`, `text`, …).
    pub field: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

impl Error {
    /// An error with that code and message. Messages quote input; a message longer than
    /// `MAX_MESSAGE` characters (a 1 MB name…) is cut there, so errors stay readable.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        let mut message = message.into();
        if message.len() > MAX_MESSAGE {
            let cut = (0..=MAX_MESSAGE).rev().find(|i| message.is_char_boundary(*i)).unwrap_or(0);
            message.truncate(cut);
            message.push('…');
        }
        Error { code, message, at: None }
    }

    /// The same error, pointing at `line` and `column` of input field `field`.
    pub fn at(mut self, field: &str, line: u32, column: u32) -> Self {
        self.at = Some(ErrorAt { field: field.to_owned(), line, column });
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for Error {}

/// Result of the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Shorthand used across the core: `err(ErrorCode::X, format!(…))`.
pub fn err<T>(code: ErrorCode, message: impl Into<String>) -> Result<T> {
    Err(Error::new(code, message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_messages_are_cut_at_a_char_boundary() {
        let e = Error::new(ErrorCode::UnknownTemplate, format!("no template named '{}'", "é".repeat(100_000)));
        assert!(e.message.len() <= MAX_MESSAGE + '…'.len_utf8());
        assert!(e.message.ends_with('…'));
        assert!(e.message.starts_with("no template named 'é"));
        assert_eq!(Error::new(ErrorCode::Busy, "short").message, "short");
    }

    #[test]
    fn every_code_serializes_as_its_stable_string_once() {
        let mut seen = std::collections::BTreeSet::new();
        for c in ErrorCode::ALL {
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str(), "{c:?}");
            assert!(seen.insert(c.as_str()), "{} twice", c.as_str());
        }
        assert_eq!(seen.len(), 43);
    }
}
