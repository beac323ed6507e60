//! The storage layout: every key the core reads or writes, and nothing else anywhere knows them.
//! Keys are printable ASCII, so JavaScript's string order (IndexedDB's) and Rust's byte order
//! agree; fixed-width lowercase hex keeps numeric order. `LAYOUT` is the table HACKING.md shows
//! (a test checks they agree).
//!
//! Events of an execution instance live in pages of `PAGE` consecutive ids (ids are per-instance
//! sequences). What is written together is one record: a page's state (every event's status,
//! history and delivery log) is one record, the events pushed by one call into a page are one
//! data fragment, the messages rendered by one step into a page are one message fragment. Queues
//! are one record per step holding ids. Secondary indexes are one summary per page.

use std::fmt::Write as _;

use crate::model::Queue;

/// The storage format this build writes. A store of format 2 or 3 is migrated in place at open
/// (`migrate`: format 2's sessions into records of their own and its secrets hashed, in open's
/// transaction; then every page record packed, a bounded step at a time); a store of any other
/// format is refused with `STORAGE_FORMAT` naming both.
pub const FORMAT: u32 = 4;

/// The oldest storage format this build opens (and migrates).
pub const OLDEST_MIGRATED_FORMAT: u32 = 2;

/// The record holding the format version.
pub const FORMAT_KEY: &str = "m/format";

/// The value of `FORMAT_KEY` for a format.
pub fn format_value(format: u32) -> String {
    format!("message-center/{format}")
}

/// First key of the page records (of both scopes), for a migration that walks them all.
pub const PAGES_FROM: &str = "e/";
/// Bound after the last page record (`h0`: the history's pages end before it; no record of the
/// layout sorts between `e0` and `h/`).
pub const PAGES_TO: &str = "h0";

/// The first key after `k` (every key is printable ASCII without spaces: `k` followed by a
/// space sorts after `k` and before every other key).
pub fn key_after(k: &str) -> String {
    format!("{k} ")
}

/// The format a `FORMAT_KEY` value names (None if it is not ours).
pub fn parse_format(v: &str) -> Option<u32> {
    v.strip_prefix("message-center/")?.parse().ok()
}

/// Largest time a key can hold (12 hex digits of ms: year 10889).
pub const MAX_TIME: i64 = 0xFFFF_FFFF_FFFF;

/// The low 56 bits of an id: the sequence on its execution instance (the database's `@id`).
pub const SEQ_MASK: u64 = 0x00FF_FFFF_FFFF_FFFF;

/// Events per page.
pub const PAGE: u64 = 128;

/// Largest page number (pages of the 56-bit sequences).
const MAX_PAGE: u64 = (1 << 52) - 1;

/// First key of the small state.
pub const STATE_FROM: &str = "m/";
/// Bound after the last key of the small state.
pub const STATE_TO: &str = "m0";

/// Whose pages: an execution instance's events, or the control's history of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// `nms:rtEvent` / `nms:batchEvent` (and their delivery logs) on an execution instance.
    Exec,
    /// `nms:eventHisto` / `nms:broadLogEventHisto` on the control.
    Histo,
}

impl Scope {
    fn letter(self) -> char {
        match self {
            Scope::Exec => 'e',
            Scope::Histo => 'h',
        }
    }
}

/// One page: scope, execution instance id, page number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PageId {
    /// Execution or history.
    pub scope: Scope,
    /// Execution instance id (top byte of the ids).
    pub ii: u8,
    /// Page number: sequence / `PAGE`.
    pub pg: u64,
}

/// Where an event lives: its instance, sequence, page and slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    /// Execution instance id.
    pub ii: u8,
    /// Sequence (low 56 bits of the id).
    pub seq: u64,
    /// Page number.
    pub pg: u64,
    /// Slot in the page.
    pub slot: u8,
}

/// The place of an event id.
pub fn locate(id: u64) -> Slot {
    let seq = id & 0x00FF_FFFF_FFFF_FFFF;
    Slot { ii: (id >> 56) as u8, seq, pg: seq / PAGE, slot: (seq % PAGE) as u8 }
}

/// The id of a sequence of an instance.
pub fn id_of(ii: u8, seq: u64) -> u64 {
    (u64::from(ii) << 56) | (seq & SEQ_MASK)
}

/// The sequence of a slot of a page.
pub fn seq_of(pg: u64, slot: u8) -> u64 {
    pg * PAGE + u64::from(slot)
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn push_hex(out: &mut String, v: u64, width: u32) {
    for i in (0..width).rev() {
        out.push(HEX[((v >> (i * 4)) & 0xf) as usize] as char);
    }
}

fn hex(v: u64, width: u32) -> String {
    let mut s = String::with_capacity(width as usize);
    push_hex(&mut s, v, width);
    s
}

fn parse_hex(s: &str, width: usize) -> Option<u64> {
    if s.len() != width || !s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return None;
    }
    u64::from_str_radix(s, 16).ok()
}

fn time_hex(t: i64) -> String {
    hex(t.clamp(0, MAX_TIME) as u64, 12)
}

/// The prefix of every record of a page: `e/<ii>/<pg>/` or `h/<ii>/<pg>/`.
pub fn page_prefix(p: PageId) -> String {
    let mut s = String::with_capacity(20);
    s.push(p.scope.letter());
    s.push('/');
    push_hex(&mut s, u64::from(p.ii), 2);
    s.push('/');
    push_hex(&mut s, p.pg.min(MAX_PAGE), 13);
    s.push('/');
    s
}

/// The first key of the pages of one instance after page `pg` (a range bound).
pub fn page_run_end(p: PageId) -> String {
    let mut s = page_prefix(p);
    s.pop();
    s.push('0');
    s
}

/// The state page: every event's status, dates and history, one line per slot.
pub fn state_key(p: PageId) -> String {
    let mut s = page_prefix(p);
    s.push('s');
    s
}

/// The delivery-log page: every routed event's delivery log, one line per slot (written apart
/// from the state page, so that the MTA rewrites only this one).
pub fn log_key(p: PageId) -> String {
    let mut s = page_prefix(p);
    s.push('b');
    s
}

/// A data fragment: the events one call pushed into the page, from slot `first`.
pub fn data_key(p: PageId, first: u8) -> String {
    let mut s = page_prefix(p);
    s.push('d');
    push_hex(&mut s, u64::from(first), 2);
    s
}

/// A message fragment: the messages one step rendered into the page, from slot `first`.
pub fn message_key(p: PageId, first: u8) -> String {
    let mut s = page_prefix(p);
    s.push('m');
    push_hex(&mut s, u64::from(first), 2);
    s
}

/// A record of a page, read back from its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageRecord {
    /// The state page.
    State,
    /// The delivery-log page.
    Logs,
    /// A data fragment from that slot.
    Data(u8),
    /// A message fragment from that slot.
    Message(u8),
}

/// Which page and record a key is (None if it is not a page record).
pub fn parse_page_key(k: &str) -> Option<(PageId, PageRecord)> {
    let mut it = k.split('/');
    let scope = match it.next()? {
        "e" => Scope::Exec,
        "h" => Scope::Histo,
        _ => return None,
    };
    let ii = parse_hex(it.next()?, 2)? as u8;
    let pg = parse_hex(it.next()?, 13)?;
    let rest = it.next()?;
    if it.next().is_some() {
        return None;
    }
    let rec = match rest.as_bytes().first()? {
        b's' if rest.len() == 1 => PageRecord::State,
        b'b' if rest.len() == 1 => PageRecord::Logs,
        b'd' => PageRecord::Data(parse_hex(rest.get(1..)?, 2)? as u8),
        b'm' => PageRecord::Message(parse_hex(rest.get(1..)?, 2)? as u8),
        _ => return None,
    };
    Some((PageId { scope, ii, pg }, rec))
}

/// The prefix of the page summaries of one instance (newest page first).
pub fn summary_prefix(scope: Scope, ii: u8) -> String {
    let mut s = String::from("x/");
    s.push(scope.letter());
    s.push('/');
    push_hex(&mut s, u64::from(ii), 2);
    s.push('/');
    s
}

/// The summary of a page. Keyed by the inverted page number, so that an ascending range reads
/// the newest page first.
pub fn summary_key(p: PageId) -> String {
    let mut s = summary_prefix(p.scope, p.ii);
    push_hex(&mut s, MAX_PAGE - p.pg.min(MAX_PAGE), 13);
    s
}

/// The page of a summary key.
pub fn summary_page(k: &str) -> Option<u64> {
    let inv = parse_hex(k.rsplit('/').next()?, 13)?;
    Some(MAX_PAGE - inv)
}

/// The first summary key at or after page `pg` going towards older pages.
pub fn summary_from(scope: Scope, ii: u8, pg: u64) -> String {
    summary_key(PageId { scope, ii, pg })
}

fn queue_letter(q: Queue) -> char {
    match q {
        Queue::Rt => 'r',
        Queue::Batch => 'b',
    }
}

/// The due queue of one queue of an instance.
pub fn due_prefix(ii: u8, q: Queue) -> String {
    let mut s = String::from("d/");
    push_hex(&mut s, u64::from(ii), 2);
    s.push('/');
    s.push(queue_letter(q));
    s.push('/');
    s
}

/// A due record: Pending events to process at `time` (`n`: the instance's record sequence).
pub fn due_key(ii: u8, q: Queue, time: i64, n: u64) -> String {
    timed(due_prefix(ii, q), time, n)
}

/// The MTA waves of an instance.
pub fn wave_prefix(ii: u8) -> String {
    let mut s = String::from("t/");
    push_hex(&mut s, u64::from(ii), 2);
    s.push('/');
    s
}

/// An MTA wave: messages to attempt (or bounces coming due) at the MTA tick `tick`.
pub fn wave_key(ii: u8, tick: i64, n: u64) -> String {
    timed(wave_prefix(ii), tick, n)
}

/// The status updates of an instance.
pub fn update_prefix(ii: u8) -> String {
    let mut s = String::from("u/");
    push_hex(&mut s, u64::from(ii), 2);
    s.push('/');
    s
}

/// A status-update record: delivery logs of one page whose status `updateEventsStatus` has to
/// copy. Keyed by page, so that the step takes them page after page.
pub fn update_key(ii: u8, pg: u64, n: u64) -> String {
    let mut s = update_prefix(ii);
    push_hex(&mut s, pg, 13);
    s.push('/');
    push_hex(&mut s, n, 16);
    s
}

/// The record sequence (`<n>`, the last part) of a queue record key.
pub fn parse_queue_seq(k: &str) -> Option<u64> {
    parse_hex(k.rsplit('/').next()?, 16)
}

/// The prefixes of every record an execution instance keeps itself (its pages, their summaries,
/// its queues, MTA waves, status copies, change log and quarantine): what lives in the process
/// that runs it. The small state (`m/…`) and the control's history are not among them.
pub fn instance_prefixes(ii: u8) -> Vec<String> {
    let mut h = String::new();
    push_hex(&mut h, u64::from(ii), 2);
    ["e", "x/e", "d", "t", "u", "c", "q"].iter().map(|p| format!("{p}/{h}/")).collect()
}

/// The change log of an instance, read by its `mcSynch_<account>`.
pub fn change_prefix(ii: u8) -> String {
    let mut s = String::from("c/");
    push_hex(&mut s, u64::from(ii), 2);
    s.push('/');
    s
}

/// A change record: the pages whose events a step changed at `time`.
pub fn change_key(ii: u8, time: i64, n: u64) -> String {
    timed(change_prefix(ii), time, n)
}

/// The execution instance of a change record's key, if `k` is exactly one (`c/<ii>/<time>/<n>`).
pub fn parse_change_key(k: &str) -> Option<u8> {
    let hex = k.strip_prefix("c/")?.get(..2)?;
    let ii = u8::from_str_radix(hex, 16).ok()?;
    let (time, n) = parse_timed(k)?;
    (change_key(ii, time, n) == k).then_some(ii)
}

/// A key as errors name it: `the record "…"`, cut at 120 characters.
pub fn record_name(k: &str) -> String {
    let mut s: String = k.chars().take(120).collect();
    if s.len() < k.len() {
        s.push('…');
    }
    format!("the record {s:?}")
}

fn timed(mut prefix: String, time: i64, n: u64) -> String {
    prefix.push_str(&time_hex(time));
    prefix.push('/');
    push_hex(&mut prefix, n, 16);
    prefix
}

/// The first key after every record of `prefix` timed at or before `time` (a range bound).
pub fn timed_after(prefix: &str, time: i64) -> String {
    let mut s = prefix.to_string();
    s.push_str(&time_hex(time.saturating_add(1)));
    s
}

/// `(time, n)` of a queue record key.
pub fn parse_timed(k: &str) -> Option<(i64, u64)> {
    let mut it = k.rsplit('/');
    let n = parse_hex(it.next()?, 16)?;
    let t = parse_hex(it.next()?, 12)? as i64;
    Some((t, n))
}

/// A quarantine or denylist entry of an instance.
pub fn quarantine_key(ii: u8, address: &str) -> String {
    let mut s = String::from("q/");
    push_hex(&mut s, u64::from(ii), 2);
    s.push('/');
    escape_into(&mut s, &address.to_ascii_lowercase());
    s
}

/// The prefix of an instance's quarantine.
pub fn quarantine_prefix(ii: u8) -> String {
    let mut s = String::from("q/");
    push_hex(&mut s, u64::from(ii), 2);
    s.push('/');
    s
}

/// One run of a workflow in its journal.
pub fn journal_key(instance: &str, workflow: &str, run: u32) -> String {
    let mut s = journal_prefix(instance, workflow);
    push_hex(&mut s, u64::from(run), 8);
    s
}

/// The journal of a workflow.
pub fn journal_prefix(instance: &str, workflow: &str) -> String {
    format!("j/{instance}/{workflow}/")
}

/// The upper bound of every key that starts with `prefix` (prefixes end in `/`; `0` follows `/`).
pub fn prefix_end(prefix: &str) -> String {
    let mut s = prefix.to_string();
    if s.ends_with('/') {
        s.pop();
        s.push('0');
    } else {
        s.push('\u{7f}');
    }
    s
}

/// Percent-encodes everything but `[A-Za-z0-9._@+-]`, so key parts are ASCII without `/`.
fn escape_into(out: &mut String, v: &str) {
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'@' | b'+' | b'-') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
}

/// The keys of the small state (`m/…`): one record per unit that changes together.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rec {
    /// `m/format`.
    Format,
    /// `m/clock`.
    Clock,
    /// `m/settings`.
    Settings,
    /// `m/accounts`.
    Accounts,
    /// `m/types`.
    Types,
    /// `m/control`.
    Control,
    /// `m/tpl/<name>`.
    Template(String),
    /// `m/blk/<name>`.
    Block(String),
    /// `m/options`.
    Options,
    /// `m/pub/<ii>`.
    Published(u8),
    /// `m/dlv/<ii>`.
    Deliveries(u8),
    /// `m/inst/<ii>`.
    Inst(u8),
    /// `m/wf/<instance>/<name>`.
    Workflow(String),
    /// `m/sess/<hash>`: one session of Logon, by the SHA-256 (hex) of its token.
    Session(String),
    /// `m/sessions`: every session in one record, tokens in clear (storage format 2; read once,
    /// to migrate, then deleted).
    LegacySessions,
    /// `m/migration`: where a migration of the pages is (the last page record it packed).
    Migration,
}

impl Rec {
    /// Its key.
    pub fn key(&self) -> String {
        match self {
            Rec::Format => FORMAT_KEY.to_string(),
            Rec::Clock => "m/clock".into(),
            Rec::Settings => "m/settings".into(),
            Rec::Accounts => "m/accounts".into(),
            Rec::Types => "m/types".into(),
            Rec::Control => "m/control".into(),
            Rec::Template(n) => format!("m/tpl/{n}"),
            Rec::Block(n) => format!("m/blk/{n}"),
            Rec::Options => "m/options".into(),
            Rec::Published(i) => format!("m/pub/{}", hex(u64::from(*i), 2)),
            Rec::Deliveries(i) => format!("m/dlv/{}", hex(u64::from(*i), 2)),
            Rec::Inst(i) => format!("m/inst/{}", hex(u64::from(*i), 2)),
            Rec::Workflow(k) => format!("m/wf/{k}"),
            Rec::Session(h) => format!("m/sess/{h}"),
            Rec::LegacySessions => "m/sessions".into(),
            Rec::Migration => "m/migration".into(),
        }
    }

    /// The record of a key (None if it is not one of ours).
    pub fn parse(k: &str) -> Option<Rec> {
        let rest = k.strip_prefix("m/")?;
        let (head, tail) = rest.split_once('/').unwrap_or((rest, ""));
        let id = || parse_hex(tail, 2).map(|v| v as u8);
        Some(match (head, tail.is_empty()) {
            ("format", true) => Rec::Format,
            ("clock", true) => Rec::Clock,
            ("settings", true) => Rec::Settings,
            ("accounts", true) => Rec::Accounts,
            ("types", true) => Rec::Types,
            ("control", true) => Rec::Control,
            ("sessions", true) => Rec::LegacySessions,
            ("migration", true) => Rec::Migration,
            ("sess", false) if crate::secrets::is_hex64(tail) => Rec::Session(tail.to_string()),
            ("tpl", false) => Rec::Template(tail.to_string()),
            ("blk", false) => Rec::Block(tail.to_string()),
            ("options", true) => Rec::Options,
            ("pub", false) => Rec::Published(id()?),
            ("dlv", false) => Rec::Deliveries(id()?),
            ("inst", false) => Rec::Inst(id()?),
            ("wf", false) if tail.contains('/') => Rec::Workflow(tail.to_string()),
            _ => return None,
        })
    }
}

/// One row of the layout table: key pattern, value, who writes it, when.
#[derive(Debug, Clone, Copy)]
pub struct LayoutRow {
    /// The key, with `<placeholders>`.
    pub key: &'static str,
    /// What the value holds.
    pub value: &'static str,
    /// Which operations write it.
    pub writer: &'static str,
    /// When.
    pub when: &'static str,
}

/// The whole layout, as HACKING.md shows it. `<ii>`: execution instance id (2 hex digits);
/// `<pg>`: page number (13 hex); `<~pg>`: `2^52 - 1 - pg`, so that the newest page sorts first;
/// `<ss>`: slot (2 hex); `<time>`: ms (12 hex); `<n>`: the instance's record sequence (16 hex);
/// `<q>`: `r` (real-time) or `b` (batch); `<hash>`: a SHA-256 (64 hex).
pub const LAYOUT: &[LayoutRow] = &[
    LayoutRow {
        key: "m/format",
        value: "`message-center/4`: the format of the store",
        writer: "open",
        when: "when the store is created, or migrated from format 2 or 3 (format 3 at the end of open's transaction for a store of format 2, 4 at the migration's last step)",
    },
    LayoutRow {
        key: "m/migration",
        value: "while a store of format 3 is migrated: the last page record packed (a JSON string)",
        writer: "open (migrate)",
        when: "once per migration step; deleted at the last one",
    },
    LayoutRow { key: "m/clock", value: "the virtual clock (ms)", writer: "every operation that moves the clock", when: "when it moves" },
    LayoutRow { key: "m/settings", value: "seed and configuration", writer: "open, configure", when: "at creation, at each change" },
    LayoutRow {
        key: "m/accounts",
        value: "external accounts of the execution instances",
        writer: "addExecutionInstance, updateExecutionInstance",
        when: "at each change",
    },
    LayoutRow { key: "m/types", value: "the `eventType` enumeration", writer: "addEventType", when: "at each change" },
    LayoutRow {
        key: "m/control",
        value: "archive counters, history purge boundaries, publication sequence, load-balancer position",
        writer: "publish, push through the load balancer, mcSynch, control cleanup",
        when: "at each change",
    },
    LayoutRow {
        key: "m/tpl/<name>",
        value: "a transactional message template",
        writer: "createTemplate, updateTemplate, publish, unpublish, deleteTemplate",
        when: "at each change",
    },
    LayoutRow {
        key: "m/blk/<name>",
        value: "a personalization block of the control (`nms:includeView`)",
        writer: "createPersonalizationBlock, updatePersonalizationBlock, deletePersonalizationBlock",
        when: "at each change",
    },
    LayoutRow { key: "m/options", value: "the options of the control (`xtk:option`) set to other values than their defaults", writer: "setOption", when: "at each change" },
    LayoutRow {
        key: "m/pub/<ii>",
        value: "the published copies on an execution instance, with the blocks and options each includes",
        writer: "publish, unpublish",
        when: "at each publication",
    },
    LayoutRow {
        key: "m/dlv/<ii>",
        value: "the execution deliveries of an instance",
        writer: "rtEventsProcessing, batchEventsProcessing",
        when: "when a step attaches messages",
    },
    LayoutRow {
        key: "m/inst/<ii>",
        value: "per instance: last sequence, record sequence, work hints, status counters, purge boundary",
        writer: "push and every step on the instance",
        when: "once per step",
    },
    LayoutRow {
        key: "m/wf/<instance>/<name>",
        value: "a workflow: state, schedule, the run in progress",
        writer: "workflow operations, every step of it",
        when: "once per step",
    },
    LayoutRow {
        key: "m/sess/<hash>",
        value: "a session of `xtk:session#Logon`, by the SHA-256 of its token: operator, SHA-256 of its security token, expiry",
        writer: "SOAP Logon (its own; a few expired ones deleted), Logoff",
        when: "one per Logon and Logoff",
    },
    LayoutRow {
        key: "e/<ii>/<pg>/s",
        value: "state page: one line per slot with the event's status, dates and history (the lines of every page record are packed, see below)",
        writer: "push, every step that changes one of its events' status, cleanup",
        when: "once per step that touches the page",
    },
    LayoutRow {
        key: "e/<ii>/<pg>/b",
        value: "delivery-log page: one line per routed slot with its delivery log (status, tries, next action, story)",
        writer: "rt/batchEventsProcessing, MTA, cleanup",
        when: "once per step that touches the page",
    },
    LayoutRow {
        key: "e/<ii>/<pg>/d<ss>",
        value: "data fragment: the events one call pushed into the page from slot ss (fields and ctx), one line each",
        writer: "push",
        when: "once; deleted by cleanup",
    },
    LayoutRow {
        key: "e/<ii>/<pg>/m<ss>",
        value: "message fragment: the messages one step rendered into the page, first slot ss, one line each",
        writer: "rtEventsProcessing, batchEventsProcessing",
        when: "once; deleted by cleanup",
    },
    LayoutRow {
        key: "x/e/<ii>/<~pg>",
        value: "page summary: counts by queue, type, channel and status, created range, address filter, fragments",
        writer: "with the state page",
        when: "when the page's counts change",
    },
    LayoutRow {
        key: "d/<ii>/<q>/<time>/<n>",
        value: "due queue: ids of Pending events to process at that time",
        writer: "push, rt/batchEventsProcessing (retries; consumed)",
        when: "one per push or step",
    },
    LayoutRow {
        key: "t/<ii>/<time>/<n>",
        value: "MTA wave: ids of messages to attempt at that MTA tick",
        writer: "rt/batchEventsProcessing, MTA (retries, bounces; consumed)",
        when: "one per step and tick",
    },
    LayoutRow {
        key: "u/<ii>/<pg>/<n>",
        value: "ids of delivery logs of one page whose status updateEventsStatus has to copy (by page, so that its steps take them page after page)",
        writer: "MTA (updateEventsStatus consumes)",
        when: "one per page an MTA step changed",
    },
    LayoutRow {
        key: "c/<ii>/<time>/<n>",
        value: "change log: the pages whose events one step changed",
        writer: "every step that changes events (mcSynch consumes, cleanup purges)",
        when: "one per step",
    },
    LayoutRow {
        key: "q/<ii>/<address>",
        value: "a quarantine or denylist entry",
        writer: "MTA (bounces), denylist",
        when: "once per address",
    },
    LayoutRow {
        key: "h/<ii>/<pg>/s, h/<ii>/<pg>/b, h/<ii>/<pg>/d<ss>, h/<ii>/<pg>/m<ss>",
        value: "the control's history (`nms:eventHisto`, `nms:broadLogEventHisto`), pages as on the execution",
        writer: "mcSynch_<account>, control cleanup",
        when: "once per archiving step that touches the page",
    },
    LayoutRow {
        key: "x/h/<ii>/<~pg>",
        value: "history page summary",
        writer: "mcSynch_<account>, control cleanup",
        when: "when the page's counts change",
    },
    LayoutRow {
        key: "j/<instance>/<workflow>/<run>",
        value: "the journal of one run (counts, errors)",
        writer: "every workflow step",
        when: "once per step; the oldest runs are deleted",
    },
];

/// The layout table in Markdown, as HACKING.md holds it.
pub fn layout_markdown() -> String {
    let mut s = String::from("| key | value | written by | when |\n| --- | --- | --- | --- |\n");
    for r in LAYOUT {
        let _ = writeln!(s, "| `{}` | {} | {} | {} |", r.key.replace(", ", "`, `"), r.value, r.writer, r.when);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_keys_round_trip_and_sort() {
        let p = PageId { scope: Scope::Exec, ii: 1, pg: 3 };
        assert_eq!(state_key(p), "e/01/0000000000003/s");
        assert_eq!(data_key(p, 0x7f), "e/01/0000000000003/d7f");
        assert_eq!(parse_page_key(&state_key(p)), Some((p, PageRecord::State)));
        assert_eq!(parse_page_key(&data_key(p, 5)), Some((p, PageRecord::Data(5))));
        assert_eq!(parse_page_key(&message_key(p, 9)), Some((p, PageRecord::Message(9))));
        assert_eq!(parse_page_key("e/01/0000000000003/x"), None);
        assert!(log_key(p) < data_key(p, 0) && data_key(p, 0) < message_key(p, 0) && message_key(p, 0) < state_key(p));
        assert_eq!(parse_page_key(&log_key(p)), Some((p, PageRecord::Logs)));
        assert!(state_key(p) < page_run_end(p));
        let next = PageId { pg: 4, ..p };
        assert!(page_run_end(p) <= page_prefix(next));
        assert!(summary_key(next) < summary_key(p), "newest page first");
        assert_eq!(summary_page(&summary_key(p)), Some(3));
    }

    #[test]
    fn locating_ids() {
        let id = id_of(2, 300);
        let s = locate(id);
        assert_eq!((s.ii, s.seq, s.pg, s.slot), (2, 300, 2, 44));
        assert_eq!(seq_of(s.pg, s.slot), 300);
    }

    #[test]
    fn timed_keys() {
        let k = due_key(1, Queue::Batch, 1_700_000_000_000, 7);
        assert_eq!(k, format!("d/01/b/{:012x}/{:016x}", 1_700_000_000_000u64, 7));
        assert_eq!(parse_timed(&k), Some((1_700_000_000_000, 7)));
        assert!(k < timed_after(&due_prefix(1, Queue::Batch), 1_700_000_000_000));
        assert!(wave_key(1, -5, 0).starts_with("t/01/000000000000/"));
    }

    #[test]
    fn state_records_round_trip() {
        for r in [
            Rec::Format,
            Rec::Clock,
            Rec::Settings,
            Rec::Accounts,
            Rec::Types,
            Rec::Control,
            Rec::Template("t".into()),
            Rec::Published(3),
            Rec::Deliveries(255),
            Rec::Inst(0),
            Rec::Workflow("control/cleanup".into()),
            Rec::Session("ab".repeat(32)),
            Rec::LegacySessions,
            Rec::Migration,
        ] {
            assert_eq!(Rec::parse(&r.key()), Some(r));
        }
        for bad in ["m/inst/zz", "m/wf/x", "m/what", "x/y", "m/clock/1", "m/sess/___not-a-hash", "m/sess/"] {
            assert_eq!(Rec::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn an_instances_own_records_are_under_its_prefixes() {
        let own = instance_prefixes(3);
        let page = PageId { scope: Scope::Exec, ii: 3, pg: 5 };
        for k in [
            state_key(page),
            summary_key(page),
            due_key(3, Queue::Rt, 1, 1),
            wave_key(3, 1, 1),
            change_key(3, 1, 1),
            quarantine_key(3, "a@b.c"),
        ] {
            assert!(own.iter().any(|p| k.starts_with(p.as_str())), "{k}");
        }
        let histo = PageId { scope: Scope::Histo, ii: 3, pg: 5 };
        for k in [state_key(histo), summary_key(histo), Rec::Inst(3).key(), state_key(PageId { scope: Scope::Exec, ii: 4, pg: 5 })] {
            assert!(!own.iter().any(|p| k.starts_with(p.as_str())), "{k}");
        }
    }

    #[test]
    fn quarantine_keys_are_escaped() {
        assert_eq!(quarantine_key(1, "A/b é@x.io"), "q/01/a%2Fb%20%C3%A9@x.io");
        assert!(quarantine_key(1, "z").starts_with(&quarantine_prefix(1)));
    }
}
