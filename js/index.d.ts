// TypeScript declarations of the public API of `message-center` (js/node.js and js/browser.js
// export the same names). The shapes mirror the JSON the Rust core returns (src/ops/views.rs,
// src/ops/read.rs, src/ops/catalogue.rs) and the requests it accepts (src/ops/mod.rs); the test
// tests/js/types.test.mjs compiles tests/types/usage.ts against this file.
//
// Conventions: event ids are decimal strings (64-bit: the execution instance id is the top byte);
// dates in results are ISO 8601 strings (UTC, milliseconds) unless the field name ends in `Ms`;
// dates in arguments may be a `Date`, a number of ms since the epoch or an ISO 8601 string.

// ---------------------------------------------------------------------------------------------
// Enumerations

/** Our name of an event status (also its JSON form). */
export type EventStatusName =
  | 'pending'
  | 'pendingDelivery'
  | 'sent'
  | 'ignored'
  | 'deliveryFailed'
  | 'notTakenIntoAccount'
  | 'expired';

/** Campaign's console label of an event status. */
export type EventStatusLabel =
  | 'Pending'
  | 'Pending delivery'
  | 'Sent'
  | 'Ignored by the delivery'
  | 'Delivery failed'
  | 'Event not taken into account'
  | 'Event expired';

/** The Adobe Campaign Standard REST name of an event status. */
export type RestStatus = 'pending' | 'processing' | 'processed' | 'ignored' | 'deliveryFailed' | 'routingFailed' | 'tooOld';

/** Our numeric code of an event status ([U]: Campaign's values are not public), in the order of `EventStatusName`. */
export type EventStatusCode = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/** A status as filters and `waitForStatus` accept it: our name, the console label (any case) or the REST name. */
export type EventStatusInput = EventStatusName | EventStatusLabel | RestStatus;

/** Our name of a channel (the `messageType` enumeration). */
export type ChannelName =
  | 'email'
  | 'sms'
  | 'phone'
  | 'paper'
  | 'fax'
  | 'agency'
  | 'facebook'
  | 'twitter'
  | 'mobileApp'
  | 'ios'
  | 'android'
  | 'other';

/** The `messageType` value of a channel (`@wishedChannel`). */
export type ChannelCode = 0 | 1 | 2 | 3 | 4 | 5 | 20 | 25 | 40 | 41 | 42 | 120;

/**
 * A channel as arguments accept it: a name, a `messageType` value, the value as a string (`"0"`),
 * a console label (`"Mobile (SMS)"`), `"mobile"` (SMS) or `"pushNotification"` (mobile app).
 */
export type ChannelInput = ChannelName | ChannelCode | (string & {});

/** Channels a transactional message template can be made for. */
export type TemplateChannel = 'email' | 'sms' | 'mobileApp' | 'ios' | 'android';

/** The event queue: real-time (`nms:rtEvent`) or batch (`nms:batchEvent`). */
export type Queue = 'rt' | 'batch';

/** `control`, or the internal name of an execution instance's external account. */
export type InstanceName = 'control' | (string & {});

/** Internal names of the technical workflows (`updateEventStatus`, the seed page's spelling, is accepted too). */
export type WorkflowName =
  | 'rtEventsProcessing'
  | 'batchEventsProcessing'
  | 'updateEventsStatus'
  | 'updateEventStatus'
  | 'mta'
  | 'cleanup'
  | `mcSynch_${string}`;

/** A point in time: a `Date`, ms since the epoch, or an ISO 8601 string. */
export type TimeInput = Date | number | string;

// ---------------------------------------------------------------------------------------------
// Errors

/** Stable error codes of the core (src/error.rs). */
export type CoreErrorCode =
  | 'INVALID_EVENT'
  | 'MISSING_EVENT_TYPE'
  | 'UNKNOWN_EVENT_TYPE'
  | 'UNKNOWN_CHANNEL'
  | 'INVALID_EMAIL'
  | 'INVALID_PHONE'
  | 'INVALID_DATE'
  | 'MALFORMED_XML'
  | 'XML_DTD_REFUSED'
  | 'INVALID_JSON'
  | 'CTX_TOO_LARGE'
  | 'INPUT_TOO_LARGE'
  | 'UNKNOWN_INSTANCE'
  | 'DUPLICATE_INSTANCE'
  | 'NO_INSTANCE_AVAILABLE'
  | 'DUPLICATE_EVENT_TYPE'
  | 'DUPLICATE_TEMPLATE'
  | 'UNKNOWN_TEMPLATE'
  | 'TEMPLATE_SYNTAX'
  | 'TEMPLATE_NOT_PUBLISHABLE'
  | 'TEMPLATE_PUBLISHED'
  | 'UNKNOWN_SEED'
  | 'UNKNOWN_EVENT'
  | 'INVALID_EVENT_ID'
  | 'CLOCK_BACKWARDS'
  | 'UNKNOWN_WORKFLOW'
  | 'WORKFLOW_EXISTS'
  | 'WORKFLOW_STATE'
  | 'INVALID_ARGUMENT'
  | 'STORAGE_CORRUPT'
  | 'BUSY';

/** Codes added by the JavaScript shell and the storage adapters. */
export type ShellErrorCode = 'STORAGE_FAILED' | 'STORAGE_LOCKED' | 'INVALID_ARGUMENT' | 'WAIT_BLOCKED' | 'WAIT_TIMEOUT' | 'CLOSED' | 'INTERNAL';

/** Every code an error of this package can carry. */
export type ErrorCode = CoreErrorCode | ShellErrorCode;

/** Every error this package throws or rejects with: a real `Error` with a stable `code`. */
export interface McError extends Error {
  /** What programs match on; never renamed. */
  code: ErrorCode;
  /** The underlying error, when there is one (storage failures). */
  cause?: unknown;
}

/** Builds an `Error` with a `code` (as the package does). */
export function mcError(code: ErrorCode, message: string, cause?: unknown): McError;

// ---------------------------------------------------------------------------------------------
// Configuration ([U] choices, src/config.rs)

/** A schedule: ticks at every `offsetMs + k * periodMs` (UTC, virtual clock). */
export interface Schedule {
  /** Time between two ticks (at least 1000). */
  periodMs: number;
  /** Phase within the period (e.g. 4 h for "daily at 04:00"); 0 ≤ offsetMs < periodMs. */
  offsetMs: number;
}

/** Schedules of the technical workflows. */
export interface Schedules {
  /** `rtEventsProcessing` (default every 10 s). */
  rtEventsProcessing: Schedule;
  /** `batchEventsProcessing` (default every 10 min). */
  batchEventsProcessing: Schedule;
  /** `updateEventsStatus` (default every minute). */
  updateEventsStatus: Schedule;
  /** `mcSynch_<account>` (default hourly). */
  mcSynch: Schedule;
  /** `cleanup` on every instance (default daily at 04:00). */
  cleanup: Schedule;
}

/** Outcome rates of the simulated MTA for one channel, per attempt, in parts per million. */
export interface ChannelRates {
  /** Hard bounce: "Delivery failed", address quarantined. */
  hardPpm: number;
  /** Soft bounce: retried. */
  softPpm: number;
  /** Sent, then an asynchronous bounce `asyncBounceDelayMs` later. */
  asyncBouncePpm: number;
  /** Time from routing to the first send attempt. */
  sendDelayMs: number;
  /** Extra delay drawn in 0..=sendJitterMs from the seed. */
  sendJitterMs: number;
}

/** The engine's configuration (every value has a default; see the README). */
export interface Config {
  /** Workflow schedules. */
  schedules: Schedules;
  /** Records one workflow step reads and writes at most (one storage transaction each); 1–10000, default 500. */
  batchSize: number;
  /** Processing errors before an event becomes "Event expired" (default 5). */
  maxProcessingErrors: number;
  /** Delay before the first reprocessing after an error, doubled at each error (default 1 min). */
  processingRetryMs: number;
  /** Send attempts before a soft-bouncing message fails (default 5). */
  mtaMaxTries: number;
  /** Delay before the first retry after a soft bounce, doubled at each retry (default 15 min). */
  mtaRetryMs: number;
  /** Delay of a drawn asynchronous bounce after "Sent" (default 30 min). */
  asyncBounceDelayMs: number;
  /** Email rates. */
  email: ChannelRates;
  /** SMS (and phone, fax) rates. */
  sms: ChannelRates;
  /** Push (mobile app, iOS, Android) rates. */
  push: ChannelRates;
  /** `NmsCleanup_EventPurgeDelay`: events purged from execution instances (default 30 days). */
  eventPurgeDelayMs: number;
  /** `NmsCleanup_EventHistoPurgeDelay`: archived events purged from the control (default 360 days). */
  eventHistoPurgeDelayMs: number;
  /** Largest `ctx`, in bytes of canonical XML (default 64 KiB). */
  maxCtxBytes: number;
  /** Largest pushed document (default 8 MiB). */
  maxDocumentBytes: number;
  /** Most events in one PushEvents (default 10000). */
  maxEventsPerBatch: number;
  /** Refuse at push an event whose type is not in the `eventType` enumeration (default true). */
  rejectUnknownEventType: boolean;
  /** `MC_RtEventQueueAlert`: mcPing says Error above this many pending real-time events (default 400). */
  rtQueueAlert: number;
  /** `MC_RtEventQueueWarning` (default 100). */
  rtQueueWarning: number;
  /** Journal runs kept per workflow (default 100). */
  journalRunsKept: number;
  /** Longest `waitForStatus` advances the clock by default (default 7 days). */
  waitLimitMs: number;
}

/** A partial configuration, merged into the current one (nested objects merge too). */
export type ConfigPatch = {
  [K in keyof Config]?: Config[K] extends object ? { [P in keyof Config[K]]?: Config[K][P] extends object ? Partial<Config[K][P]> : Config[K][P] } : Config[K];
};

/** Clock, seed and configuration. */
export interface Settings {
  /** The virtual clock, ISO 8601. */
  now: string;
  /** The virtual clock, ms since the epoch. */
  nowMs: number;
  /** The seed every simulated outcome is drawn from (decimal 64-bit). */
  seed: string;
  /** The configuration. */
  config: Config;
}

// ---------------------------------------------------------------------------------------------
// Topology

/** What `addExecutionInstance` takes: an external account of type "Execution instance". */
export interface AccountInput {
  /** Internal name (`mcExec1`): letters, digits and `_`, not starting with a digit, at most 64. */
  name: string;
  /** Label (default: the name). */
  label?: string;
  /** URL of the execution instance (default `http://<name>.example.com:8080`). */
  url?: string;
  /** Execution instance id, 0–255, unique: the top byte of its event ids. */
  executionInstanceId: number;
  /** "Enabled" (default true): the load balancer only uses enabled instances. */
  enabled?: boolean;
}

/** Changes to an external account. */
export interface AccountPatch {
  /** Label. */
  label?: string;
  /** URL. */
  url?: string;
  /** "Enabled". */
  enabled?: boolean;
}

/** An external account of type "Message Center execution instance", as the control shows it. */
export interface Account {
  /** Internal name. */
  name: string;
  /** Label. */
  label: string;
  /** Always "Message Center execution instance". */
  type: 'Message Center execution instance';
  /** URL. */
  url: string;
  /** "Enabled". */
  enabled: boolean;
  /** Execution instance id (0–255). */
  executionInstanceId: number;
  /** `mcSynch_<name>` once created, else null. */
  archivingWorkflow: string | null;
  /** "The archiving workflow does not seem to exist for this execution instance." while it does not, else null. */
  warning: string | null;
}

/** A denylist entry (`denylist()` result). */
export interface DenylistEntry {
  /** The address. */
  address: string;
  /** Always `denylist`. */
  kind: 'denylist';
  /** Why the delivery ignores it ("Denylisted"). */
  reason: string;
  /** When it was added (ISO 8601, virtual clock). */
  since: string;
}

// ---------------------------------------------------------------------------------------------
// Catalogue

/** A value of the `eventType` enumeration. */
export interface EventType {
  /** Internal name (`purchase_order`): what events carry in `type`. */
  name: string;
  /** Label. */
  label: string;
}

/** What `addEventType` takes. */
export interface EventTypeInput {
  /** Internal name. */
  name: string;
  /** Label (default: the name). */
  label?: string | null;
}

/** The JSON form of a `ctx` element: `@x` keys are attributes, `$` or `#text` the text, other keys child elements. */
export interface CtxObject {
  [key: string]: CtxValue;
}

/** A member of a `ctx` object: text, an element, or several elements of one name. */
export type CtxValue = string | number | boolean | null | CtxObject | Array<string | number | boolean | null | CtxObject>;

/** A seed address as `createTemplate` / `updateTemplate` take it. */
export interface SeedInput {
  /** Internal name, unique in the template (default `seed<N>`). */
  name?: string;
  /** Label (default: the name). */
  label?: string;
  /** Email address. */
  email?: string;
  /** Mobile phone. */
  mobilePhone?: string;
  /** External identifier. */
  externalId?: string;
  /** Test data: a `ctx` object, or `<ctx>…</ctx>` XML text. */
  ctx?: CtxObject | string | null;
}

/** A seed address as stored (ctx as canonical XML). */
export interface Seed {
  /** Internal name. */
  name: string;
  /** Label. */
  label: string;
  /** Email address. */
  email?: string;
  /** Mobile phone. */
  mobilePhone?: string;
  /** External identifier. */
  externalId?: string;
  /** Test `<ctx>…</ctx>`. */
  ctx: string;
}

/** What `createTemplate` takes. */
export interface TemplateInput {
  /** Internal name. */
  name: string;
  /** Label (default: the name). */
  label?: string | null;
  /** Event type (a value of the `eventType` enumeration); required to publish. */
  eventType?: string | null;
  /** Channel (default email). */
  channel?: TemplateChannel | ChannelInput | null;
  /** Subject (required for email to publish). */
  subject?: string | null;
  /** HTML body. */
  html?: string | null;
  /** Text body (also the SMS and push text). */
  text?: string | null;
  /** Seed addresses. */
  seeds?: SeedInput[] | null;
}

/** What `updateTemplate` takes: absent fields are kept; `eventType: null` clears it; `seeds` replaces all. */
export interface TemplatePatch {
  /** Label. */
  label?: string;
  /** Event type, or null for "(None specified)". */
  eventType?: string | null;
  /** Channel. */
  channel?: TemplateChannel | ChannelInput;
  /** Subject. */
  subject?: string;
  /** HTML body. */
  html?: string;
  /** Text body. */
  text?: string;
  /** Seed addresses (replace all). */
  seeds?: SeedInput[];
}

/** A transactional message template on the control. */
export interface Template {
  /** Internal name. */
  name: string;
  /** Label. */
  label: string;
  /** Event type, null for "(None specified)". */
  eventType: string | null;
  /** Channel. */
  channel: TemplateChannel;
  /** Subject. */
  subject: string;
  /** HTML body. */
  html: string;
  /** Text body. */
  text: string;
  /** Seed addresses. */
  seeds: Seed[];
  /** Publication status. */
  publication: 'Being edited' | 'Published';
  /** Last publication. */
  publishedAt: string | null;
  /** Created. */
  created: string;
  /** Last modified. */
  lastModified: string;
}

/** What `publish` and `unpublish` return: the publication log. */
export interface PublishResult {
  /** Internal name of the template. */
  template: string;
  /** Its publication status afterwards. */
  publication: 'Published' | 'Being edited';
  /** The log lines, as the console shows them. */
  log: string[];
}

/** A template rendered with one of its seed addresses. */
export interface Preview {
  /** Internal name of the template. */
  template: string;
  /** Internal name of the seed address used. */
  seed: string;
  /** Rendered subject. */
  subject: string;
  /** Rendered HTML body. */
  html: string;
  /** Rendered text body. */
  text: string;
}

/** A published copy (`<name>_rt` / `<name>_batch`) on an execution instance. */
export interface PublishedCopy {
  /** Internal name of the copy. */
  name: string;
  /** Internal name of the control's template. */
  template: string;
  /** Label. */
  label: string;
  /** The queue it serves. */
  queue: Queue;
  /** Event type. */
  eventType: string;
  /** Channel. */
  channel: TemplateChannel;
  /** Always "In production". */
  publicationStatus: 'In production';
  /** Always "Bulk delivery". */
  mode: 'Bulk delivery';
  /** Publication time. */
  publishedAt: string;
}

/** An execution delivery: one per published copy and month (`<copy>_<YYYY-MM>`). */
export interface Delivery {
  /** Internal name, e.g. `orderConfirmation_rt_2026-03`. */
  name: string;
  /** The published copy. */
  template: string;
  /** Month, `YYYY-MM`. */
  month: string;
  /** Created. */
  created: string;
  /** Messages attached. */
  messages: number;
}

// ---------------------------------------------------------------------------------------------
// Events

/** One event as `pushEvent` / `pushEvents` take it (the XML attributes, in JSON). */
export interface EventInput {
  /** `@type`: a value of the `eventType` enumeration. */
  type: string;
  /** `@email` (required when the channel is email). */
  email?: string | null;
  /** `@mobilePhone` (required for SMS). */
  mobilePhone?: string | null;
  /** `@externalId`. */
  externalId?: string | null;
  /** `@origin`. */
  origin?: string | null;
  /** `@wishedChannel` (default email). */
  wishedChannel?: ChannelInput | null;
  /** `@emailFormat`: 0 unknown, 1 text, 2 html (or those words). */
  emailFormat?: 0 | 1 | 2 | '0' | '1' | '2' | 'unknown' | 'text' | 'html' | null;
  /** `@language`. */
  language?: string | null;
  /** `@country`. */
  country?: string | null;
  /** `@scheduled`: not processed before (ISO 8601; a `Date` serializes to it). */
  scheduled?: string | Date | null;
  /** `@expiration`: after it the event expires (ISO 8601). */
  expiration?: string | Date | null;
  /** `@registrationToken` (required for push channels). */
  registrationToken?: string | null;
  /** `mobileApp/@uuid`. */
  mobileApp?: string | null;
  /** Queue (default: the call's `queue` option, else `rt`). */
  queue?: Queue | null;
  /** The `ctx` element (mandatory, may be empty): an object or `<ctx>…</ctx>` XML text. */
  ctx: CtxObject | string;
}

/** Where to push. */
export interface PushOptions {
  /** An execution instance's account name, or `loadBalancer` (default): calls go round robin over enabled instances, one call to one instance. */
  instance?: 'loadBalancer' | (string & {});
  /** Queue of JSON events that do not say (default `rt`); XML says it with `<rtEvent>` / `<batchEvent>`. */
  queue?: Queue;
}

/** A pushed event: its id (the archived id too) and where it went. */
export interface PushedEvent {
  /** Decimal 64-bit id; the top byte is the execution instance id. */
  id: string;
  /** Account name of the execution instance. */
  instance: string;
  /** Queue. */
  queue: Queue;
}

/** One status change of an event. */
export interface StatusChange {
  /** New status. */
  status: EventStatusName;
  /** Its console label. */
  statusLabel: EventStatusLabel;
  /** When. */
  at: string;
  /** `PushEvent`, `PushEvents`, or `<workflow>#<run>`. */
  by: string;
  /** Why, when there is something to say. */
  note: string | null;
}

/** An event (`nms:rtEvent` / `nms:batchEvent`, or `nms:eventHisto` on the control). */
export interface EventView {
  /** Decimal 64-bit id. */
  id: string;
  /** Account name of its execution instance. */
  instance: string;
  /** Execution instance id (top byte of `id`). */
  executionInstanceId: number;
  /** Queue. */
  queue: Queue;
  /** `@type`. */
  type: string;
  /** `@email`. */
  email: string | null;
  /** `@mobilePhone`. */
  mobilePhone: string | null;
  /** `@externalId`. */
  externalId: string | null;
  /** `@origin`. */
  origin: string | null;
  /** `@wishedChannel`, our name. */
  wishedChannel: ChannelName;
  /** `@wishedChannel`, the `messageType` value. */
  wishedChannelCode: ChannelCode;
  /** `@emailFormat`. */
  emailFormat: 0 | 1 | 2;
  /** `@language`. */
  language: string | null;
  /** `@country`. */
  country: string | null;
  /** `@scheduled`. */
  scheduled: string | null;
  /** `@expiration`. */
  expiration: string | null;
  /** `@registrationToken`. */
  registrationToken: string | null;
  /** `mobileApp/@uuid`. */
  mobileApp: string | null;
  /** The `ctx` element, canonical XML. */
  ctx: string;
  /** `@created`. */
  created: string;
  /** `@lastModified`. */
  lastModified: string;
  /** Status, our name. */
  status: EventStatusName;
  /** Status, the console label. */
  statusLabel: EventStatusLabel;
  /** Status, our numeric code. */
  statusCode: EventStatusCode;
  /** Status, the ACS REST name. */
  restStatus: RestStatus;
  /** "Process requested on": next (re)processing time while Pending. */
  processRequestedOn: string;
  /** `@processing`: when a processing workflow last took it. */
  processing: string | null;
  /** `@processed`: when it reached a final status. */
  processed: string | null;
  /** "Number of errors". */
  errors: number;
  /** The last processing error. */
  lastError: string | null;
  /** Published copy used (`<name>_rt` / `<name>_batch`). */
  template: string | null;
  /** Execution delivery it is attached to. */
  delivery: string | null;
  /** Every status it went through. */
  history: StatusChange[];
  /** On the control: when archiving last copied it. */
  archived: string | null;
}

/** One line of a delivery log's story. */
export interface BroadLogLine {
  /** When. */
  at: string;
  /** What happened. */
  text: string;
}

/** A delivery log (`nms:broadLog` of the event), same id as its event. */
export interface BroadLogView {
  /** Same id as its event. */
  id: string;
  /** Account name of the execution instance. */
  instance: string;
  /** Execution delivery. */
  delivery: string;
  /** Published copy. */
  template: string;
  /** Channel used. */
  channel: ChannelName;
  /** Address used. */
  address: string;
  /** Console label of `@status`. */
  status: 'Ignored' | 'Sent' | 'Failed' | 'Pending' | 'Delivery cancelled';
  /** `@status`: 0 Ignored, 1 Sent, 2 Failed ([U]), 6 Pending, 7 Delivery cancelled. */
  statusCode: 0 | 1 | 2 | 6 | 7;
  /** Send attempts made. */
  tries: number;
  /** Next MTA action, while one is planned. */
  nextAction: string | null;
  /** When it was sent. */
  sentAt: string | null;
  /** An asynchronous bounce planned at this time. */
  bounceAt: string | null;
  /** Kind of failure. */
  failureType: 'hard' | 'soft' | 'ignored' | 'async' | 'expired' | null;
  /** Failure reason, in words. */
  failureReason: string | null;
  /** Rendered subject. */
  subject: string;
  /** Rendered HTML. */
  html: string;
  /** Rendered text. */
  text: string;
  /** Created. */
  created: string;
  /** Last modified. */
  lastModified: string;
  /** One line per MTA action. */
  log: BroadLogLine[];
}

/** One event's whole story (`getEvent`). */
export interface EventStory {
  /** The event: from its execution instance, or from the control's history once purged there. */
  event: EventView;
  /** Whether the execution instance no longer has it (purged by cleanup). */
  purgedFromExecution: boolean;
  /** Its delivery log (execution's, else archived), once routed. */
  broadLog: BroadLogView | null;
  /** The archived copy on the control (`nms:eventHisto`), once archived. */
  archived: EventView | null;
  /** The archived delivery log (`nms:broadLogEventHisto`). */
  archivedBroadLog: BroadLogView | null;
  /** The published copy used, while it is still published. */
  template: { name: string; template: string; label: string; publishedAt: string } | null;
  /** Whether an asynchronous bounce is still to come on its delivery log. */
  bouncePending: boolean;
}

/** Filter and page of the status list. */
export interface ListFilter {
  /** An execution instance's account name, or `control` for the archived history. */
  instance: InstanceName;
  /** Queue. */
  queue?: Queue;
  /** Status. */
  status?: EventStatusInput;
  /** Event type. */
  type?: string;
  /** Wished channel. */
  channel?: ChannelInput;
  /** Created at or after. */
  from?: TimeInput | null;
  /** Created at or before. */
  to?: TimeInput | null;
  /** Email or mobile phone (case-insensitive, exact). */
  address?: string;
  /** Page size, 1–500 (default 50). */
  limit?: number;
  /** The `next` of the previous page, with the same filter. */
  after?: string | null;
}

/** A page of the status list, newest first. */
export interface ListPage {
  /** The events. */
  events: EventView[];
  /** Pass as `after` for the next page; null at the end. */
  next: string | null;
  /** Index entries read to build the page. */
  scanned: number;
}

/** Filter of `countEvents`. */
export interface CountFilter {
  /** An execution instance's account name, or `control`. */
  instance: InstanceName;
  /** Queue. */
  queue?: Queue;
  /** Event type. */
  type?: string;
  /** Wished channel. */
  channel?: ChannelInput;
}

/** Counts per status (from counters, never a scan). */
export interface Counts {
  /** Every status, zero included. */
  byStatus: Record<EventStatusName, number>;
  /** Their sum. */
  total: number;
}

/** mcPing of an execution instance (`/nl/jsp/mcPing.jsp`). */
export interface McPing {
  /** `Ok`, or `Error` when pending real-time events exceed `rtQueueAlert`. */
  status: 'Ok' | 'Error';
  /** The clock, as mcPing writes it (`2026-03-02 09:00:00.000Z`). */
  time: string;
  /** Pending real-time events. */
  pending: number;
  /** The alert threshold. */
  threshold: number;
  /** The plain-text body, e.g. `Ok\n2026-03-02 09:00:00.000Z\n7/400 pending events`. */
  text: string;
}

// ---------------------------------------------------------------------------------------------
// Workflows

/** State of a workflow. */
export type WorkflowState = 'beingEdited' | 'started' | 'paused' | 'stopped';

/** A technical workflow (or the simulated MTA process). */
export interface Workflow {
  /** Internal name. */
  name: string;
  /** Label ("Processing real time events", "Message Center mcExec1"…). */
  label: string;
  /** `control` or the execution instance's account name. */
  instance: string;
  /** Explorer folder. */
  folder: 'Administration > Production > Message Center' | 'Administration > Production > Processes';
  /** State. */
  state: WorkflowState;
  /** Console label of the state. */
  stateLabel: 'Being edited' | 'Started' | 'Paused' | 'Stopped';
  /** Schedule (the MTA's is nominal: it runs when messages are due). */
  schedule: Schedule;
  /** Start of the last run. */
  lastRun: string | null;
  /** Next run: the next tick for a scheduled workflow, the next due message for the MTA; null when not started (or the MTA is idle). */
  nextRun: string | null;
  /** Runs so far. */
  runs: number;
  /** Whether a run is cut between two steps (it resumes at the next step). */
  inProgress: boolean;
  /** `mcSynch_*`: change-log sequence archived so far; null for the others. */
  watermark: number | null;
}

/** One run of a workflow, as its journal keeps it. */
export interface RunLog {
  /** Run number (1, 2, …). */
  run: number;
  /** Workflow internal name. */
  workflow: string;
  /** `control` or the account name. */
  instance: string;
  /** Start. */
  start: string;
  /** End, once finished. */
  end: string | null;
  /** Storage transactions it took. */
  steps: number;
  /** What it did, counted (`routed`, `sent`, `hardBounces`, `events`, `eventsPurged`…). */
  counts: Record<string, number>;
  /** Errors met. */
  errors: string[];
}

/** A workflow's journal, newest run first. */
export interface Journal {
  /** The runs. */
  runs: RunLog[];
}

/** What `runWorkflow` did. */
export interface RunResult {
  /** `control` or the account name. */
  instance: string;
  /** Workflow internal name. */
  workflow: string;
  /** Run number. */
  run: number;
  /** Storage transactions it took. */
  steps: number;
  /** What it did, counted. */
  counts: Record<string, number>;
}

/** What `advance` / `advanceTo` did. */
export interface AdvanceResult {
  /** Workflow steps run. */
  steps: number;
  /** The clock afterwards, ISO 8601. */
  now: string;
}

// ---------------------------------------------------------------------------------------------
// Storage

/** An ordered string → string store with an atomic batch write (see README, "Storage adapters"). */
export interface StorageAdapter {
  /** Values in the same order as `keys`; `undefined` where absent. */
  get(keys: string[]): Promise<Array<string | undefined>>;
  /** Entries with gte ≤ key < lt, ascending by key, at most `limit` (a positive integer). */
  range(r: { gte: string; lt: string; limit: number }): Promise<Array<[string, string]>>;
  /** Puts and deletes applied atomically, durable once it resolves; a key is never both put and deleted. */
  write(batch: { put?: Array<[string, string]>; del?: string[] }): Promise<void>;
  /** Releases the store; idempotent; later calls reject with STORAGE_FAILED. */
  close(): Promise<void>;
}

/** An in-memory storage adapter (nothing persists). */
export function createMemoryStorage(): StorageAdapter;

/** The IndexedDB factory type where the DOM library is loaded, else `unknown`. */
type IDBFactoryLike = typeof globalThis extends { indexedDB: infer F } ? F : unknown;
/** The IDBKeyRange class type where the DOM library is loaded, else `unknown`. */
type IDBKeyRangeLike = typeof globalThis extends { IDBKeyRange: infer K } ? K : unknown;

/** Options of `openIndexedDBStorage`. */
export interface IndexedDBStorageOptions {
  /** Database name (default `message-center`). */
  name?: string;
  /** Factory (default `globalThis.indexedDB`; e.g. fake-indexeddb's `IDBFactory` in Node). */
  indexedDB?: IDBFactoryLike;
  /** Key-range class of the same implementation (default `globalThis.IDBKeyRange`). */
  IDBKeyRange?: IDBKeyRangeLike;
  /** Called if opening waits on other connections. */
  onBlocked?: () => void;
  /** Called after the connection was closed because another one wants to upgrade or delete the database. */
  onVersionChange?: () => void;
  /**
   * Hold a Web Lock on the database while it is open (default true where `navigator.locks` exists):
   * a second tab or window opening it is refused with `STORAGE_LOCKED`.
   */
  exclusive?: boolean;
  /** The lock manager (default `navigator.locks`): `request(name, { ifAvailable: true }, callback)`. */
  locks?: { request(name: string, options: { ifAvailable: boolean }, callback: (lock: unknown) => unknown): Promise<unknown> };
}

/** Opens (creating if needed) the persistent IndexedDB storage adapter. */
export function openIndexedDBStorage(options?: IndexedDBStorageOptions): Promise<StorageAdapter>;

/** Deletes an IndexedDB database (close its adapters first). */
export function deleteIndexedDBStorage(options?: { name?: string; indexedDB?: IDBFactoryLike }): Promise<void>;

/** A storage adapter that counts calls and fails the nth write or read on demand (for tests). */
export interface FaultyStorage extends StorageAdapter {
  /** write() calls so far. */
  readonly writes: number;
  /** get() and range() calls so far. */
  readonly reads: number;
  /** Make the nth write() fail (1-based, counted since creation or the last reset); Infinity disables. */
  setFailOnWrite(n: number): void;
  /** Make the nth read fail; Infinity disables. */
  setFailOnRead(n: number): void;
  /** Zero both counters. */
  resetCounters(): void;
}

/** Wraps `inner` so that the `failOnWrite`-th write and the `failOnRead`-th read reject with STORAGE_FAILED. */
export function createFaultyStorage(inner: StorageAdapter, options?: { failOnWrite?: number; failOnRead?: number }): FaultyStorage;

/** What the acceptance suite needs from a test runner (`node:test` and `node:assert/strict` fit). */
export interface AcceptanceDeps {
  /** Registers one test. */
  test: (name: string, fn: () => Promise<void>) => unknown;
  /** A node:assert/strict-compatible subset. */
  assert: {
    equal: (actual: unknown, expected: unknown, message?: string) => void;
    deepEqual: (actual: unknown, expected: unknown, message?: string) => void;
    rejects: (p: Promise<unknown> | (() => Promise<unknown>), validate: (err: any) => boolean, message?: string) => Promise<void>;
    ok: (value: unknown, message?: string) => void;
  };
}

/**
 * Registers the acceptance tests every storage adapter must pass; returns how many.
 * `makeAdapter` returns a fresh, empty adapter; with `reopen` (a new adapter over the data of one
 * just closed), the durability tests run too.
 */
export function runStorageAdapterTests(
  label: string,
  makeAdapter: () => StorageAdapter | Promise<StorageAdapter>,
  deps: AcceptanceDeps,
  options?: { reopen?: (closed: StorageAdapter) => Promise<StorageAdapter> },
): number;

// ---------------------------------------------------------------------------------------------
// The Message Center

/** Options of `MessageCenter.open`. */
export interface OpenOptions {
  /** Where records live (default: a new memory storage). */
  storage?: StorageAdapter;
  /** Seed of every simulated outcome (default 1); must match when reopening a storage. */
  seed?: string | number | bigint;
  /** Initial virtual time of a new storage (default 2026-01-01T00:00:00Z). */
  now?: TimeInput;
  /** Configuration overrides (on a new storage; on an existing one, applied with `configure`). */
  config?: ConfigPatch;
}

/**
 * The Message Center: a control instance and its execution instances, on one storage, with a
 * virtual clock. Every method that changes something is one storage transaction (or, for
 * `advance` and `runWorkflow`, one per workflow step) and calls are serialized.
 */
export declare class MessageCenter {
  private constructor();

  /** Opens (or creates) a Message Center on a storage adapter. */
  static open(options?: OpenOptions): Promise<MessageCenter>;

  // settings and clock

  /** Clock, seed and configuration. */
  settings(): Settings;
  /** The virtual clock, ms since the epoch. */
  now(): number;
  /** Changes configuration values (a partial object, merged); resolves to the whole configuration. */
  configure(config: ConfigPatch): Promise<Config>;
  /** Moves the clock forward by `ms`, running every workflow step that falls due, in time order. */
  advance(ms: number): Promise<AdvanceResult>;
  /** Moves the clock forward to a time (CLOCK_BACKWARDS if it is in the past). */
  advanceTo(time: TimeInput): Promise<AdvanceResult>;

  // topology

  /** Registers an execution instance and creates its technical workflows (stopped, as in the product). */
  addExecutionInstance(account: AccountInput): Promise<Account>;
  /** Changes an external account. */
  updateExecutionInstance(account: string, patch: AccountPatch): Promise<Account>;
  /** External accounts, with the archiving-workflow warning. */
  executionInstances(): Account[];
  /** "Create the archiving workflow": creates and starts `mcSynch_<account>`. */
  createArchivingWorkflow(account: string): Promise<Workflow>;
  /** Adds an address to an execution instance's denylist (its messages become "Ignored by the delivery"). */
  denylist(instance: string, address: string): Promise<DenylistEntry>;

  // catalogue

  /** Adds a value to the `eventType` enumeration. */
  addEventType(type: string | EventTypeInput): Promise<EventType>;
  /** The `eventType` enumeration. */
  eventTypes(): EventType[];
  /** Creates a transactional message template ("Being edited"). */
  createTemplate(template: TemplateInput): Promise<Template>;
  /** Changes a template (republish for the change to reach execution instances). */
  updateTemplate(name: string, patch: TemplatePatch): Promise<Template>;
  /** Deletes a template (TEMPLATE_PUBLISHED while published). */
  deleteTemplate(name: string): Promise<{ deleted: string }>;
  /** One template. */
  getTemplate(name: string): Template;
  /** Every template. */
  templates(): Template[];
  /** Publishes to every execution instance (`<name>_rt`, `<name>_batch`); resolves to the publication log. */
  publish(name: string): Promise<PublishResult>;
  /** Removes both copies from every execution instance; back to "Being edited". */
  unpublish(name: string): Promise<PublishResult>;
  /** Renders a template with one of its seed addresses (default: the first). */
  preview(name: string, seed?: string): Preview;
  /** Published copies on an execution instance. */
  publishedTemplates(instance: string): PublishedCopy[];
  /** Execution deliveries of an execution instance. */
  deliveries(instance: string): Delivery[];

  // events

  /** PushEvent: one event (an object, or `<rtEvent …><ctx>…</ctx></rtEvent>` XML); resolves once durable. */
  pushEvent(event: EventInput | string, options?: PushOptions): Promise<PushedEvent>;
  /** PushEvents: several events (an array, or XML with any wrapper element); all or nothing. */
  pushEvents(events: EventInput[] | string, options?: PushOptions): Promise<PushedEvent[]>;

  // workflows

  /** Workflows of one instance (`control` or an account name), or all. */
  workflows(instance?: InstanceName): Workflow[];
  /** Starts a workflow. */
  startWorkflow(instance: InstanceName, workflow: WorkflowName): Promise<Workflow>;
  /** Pauses a started workflow. */
  pauseWorkflow(instance: InstanceName, workflow: WorkflowName): Promise<Workflow>;
  /** Stops a workflow. */
  stopWorkflow(instance: InstanceName, workflow: WorkflowName): Promise<Workflow>;
  /** Changes a workflow's schedule (not the MTA's). */
  scheduleWorkflow(instance: InstanceName, workflow: WorkflowName, schedule: { periodMs: number; offsetMs?: number }): Promise<Workflow>;
  /** Runs one whole run of a started workflow now (each step its own transaction). */
  runWorkflow(instance: InstanceName, workflow: WorkflowName): Promise<RunResult>;
  /** A workflow's journal, newest run first (default 20 runs, at most 500). */
  journal(instance: InstanceName, workflow: WorkflowName, options?: { limit?: number }): Promise<Journal>;

  // reading

  /** A page of the status list, newest first. */
  listEvents(filter: ListFilter): Promise<ListPage>;
  /** Counts per status, from counters. */
  countEvents(filter: CountFilter): Counts;
  /** One event's whole story (an id as a decimal string, or a bigint). */
  getEvent(id: string | bigint): Promise<EventStory>;
  /** mcPing of an execution instance. */
  mcPing(instance: string): McPing;
  /**
   * Advances the clock until event `id` has `status`; rejects with WAIT_BLOCKED when it never can
   * (a final status, a workflow not started) or WAIT_TIMEOUT after `maxMs` (default `waitLimitMs`).
   */
  waitForStatus(id: string | bigint, status: EventStatusInput, options?: { maxMs?: number }): Promise<EventView>;

  /** Closes the storage; later calls reject with CLOSED. */
  close(): Promise<void>;
}
