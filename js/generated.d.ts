// GENERATED from the Rust types of the core (src/views.rs, src/ops/, src/model.rs, src/config.rs)
// by `cargo test` (src/typescript.rs). Do not edit: change the Rust types, then run
// `UPDATE_TYPES=1 cargo test typescript` to rewrite this file. js/index.d.ts re-exports it.

import type { ChannelInput, CtxObject, EventStatusInput, InstanceName, TimeArg } from './index.js';

/** Campaign's console label of an event status. */
export type EventStatusLabel = 'Pending' | 'Pending delivery' | 'Sent' | 'Ignored by the delivery' | 'Delivery failed' | 'Event not taken into account' | 'Event expired';

/** The Adobe Campaign Standard REST name of an event status. */
export type RestStatus = 'pending' | 'processing' | 'processed' | 'ignored' | 'deliveryFailed' | 'routingFailed' | 'tooOld';

/** Our numeric code of an event status ([U]: Campaign's values are not public), in the order of `EventStatusName`. */
export type EventStatusCode = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/** The `messageType` value of a channel (`@wishedChannel`). */
export type ChannelCode = 0 | 1 | 2 | 3 | 4 | 5 | 20 | 25 | 40 | 41 | 42 | 120;

/** Channels a transactional message template can be made for. */
export type TemplateChannel = 'email' | 'sms' | 'mobileApp' | 'ios' | 'android';

/** Stable error codes of the core (src/error.rs). */
export type CoreErrorCode = 'INVALID_EVENT' | 'MISSING_EVENT_TYPE' | 'UNKNOWN_EVENT_TYPE' | 'UNKNOWN_CHANNEL' | 'INVALID_EMAIL' | 'INVALID_PHONE' | 'INVALID_DATE' | 'MALFORMED_XML' | 'XML_DTD_REFUSED' | 'INVALID_JSON' | 'CTX_TOO_LARGE' | 'INPUT_TOO_LARGE' | 'UNKNOWN_INSTANCE' | 'DUPLICATE_INSTANCE' | 'NO_INSTANCE_AVAILABLE' | 'DUPLICATE_EVENT_TYPE' | 'DUPLICATE_TEMPLATE' | 'UNKNOWN_TEMPLATE' | 'TEMPLATE_SYNTAX' | 'TEMPLATE_NOT_PUBLISHABLE' | 'TEMPLATE_RENDER' | 'TEMPLATE_PUBLISHED' | 'DUPLICATE_BLOCK' | 'UNKNOWN_BLOCK' | 'BLOCK_IN_USE' | 'UNKNOWN_SEED' | 'UNKNOWN_EVENT' | 'INVALID_QUERY' | 'INVALID_EXERCISE' | 'INVALID_EVENT_ID' | 'CLOCK_BACKWARDS' | 'UNKNOWN_WORKFLOW' | 'WORKFLOW_EXISTS' | 'WORKFLOW_STATE' | 'INVALID_ARGUMENT' | 'STORAGE_CORRUPT' | 'STORAGE_FORMAT' | 'BUSY' | 'WAIT_BLOCKED' | 'WAIT_TIMEOUT' | 'ACCESS_DENIED' | 'SESSION_INVALID' | 'INTERNAL';

/** Which queue an event goes to: `nms:rtEvent` or `nms:batchEvent`. */
export type Queue = "rt" | "batch";

/**
 * The event `@status` enumeration. Numeric values are not public ([U]): the mapping below is our
 * choice (the reference's suggested order) and lives only here.
 */
export type EventStatusName = "pending" | "pendingDelivery" | "sent" | "ignored" | "deliveryFailed" | "notTakenIntoAccount" | "expired";

/** The channels (`messageType` enumeration) an event can wish for. */
export type ChannelName = "email" | "sms" | "phone" | "paper" | "fax" | "agency" | "facebook" | "twitter" | "mobileApp" | "ios" | "android" | "other";

/** Why a delivery log failed or was ignored. */
export type FailureType = "hard" | "soft" | "ignored" | "async" | "expired" | "personalization";

/** State of a workflow. */
export type WorkflowState = "beingEdited" | "started" | "paused" | "stopped";

/** What one run of a workflow counts. */
export type RunCount = "processed" | "stale" | "expired" | "notTakenIntoAccount" | "processingErrors" | "routed" | "attempts" | "cancelled" | "ignored" | "sent" | "hardBounces" | "softBounces" | "asyncBounces" | "deliveryFailed" | "events" | "deliveryLogs" | "eventsPurged" | "deliveryLogsPurged" | "archivedEventsPurged" | "personalizationErrors";

/**
 * A point in time as the API takes it: ms since the epoch, or ISO 8601 text (a date without a
 * zone is UTC, the same wherever the code runs).
 */
export type TimeInput = number | string;

/** A schedule: ticks at every `offset_ms + k * period_ms` (UTC, virtual clock). */
export type Schedule = {
  /** Time between two runs. */
  periodMs: number;
  /** Phase of the ticks within the period (e.g. 4 h for "daily at 04:00"). */
  offsetMs: number;
};

/**
 * Schedules of the technical workflows ([U]: the product documents only the hourly archiving and
 * the daily cleanup at 04:00).
 */
export type Schedules = {
  /** `rtEventsProcessing`. */
  rtEventsProcessing: Schedule;
  /** `batchEventsProcessing`. */
  batchEventsProcessing: Schedule;
  /** `updateEventsStatus`. */
  updateEventsStatus: Schedule;
  /** `mcSynch_<account>`. */
  mcSynch: Schedule;
  /** `cleanup` (both instances). */
  cleanup: Schedule;
};

/** Outcome rates of the simulated MTA for one channel, per attempt, in parts per million. */
export type ChannelRates = {
  /** Hard bounce (address quarantined, "Delivery failed"). */
  hardPpm: number;
  /** Soft bounce (retried). */
  softPpm: number;
  /** Asynchronous bounce some time after "Sent". */
  asyncBouncePpm: number;
  /** Time from routing to the first send attempt. */
  sendDelayMs: number;
  /** Extra random delay, 0..=jitter, drawn from the seed. */
  sendJitterMs: number;
};

/** Bounds of one render of a template field. */
export type PersonalizationLimits = {
  /** Steps (statements, loop turns, calls, regular-expression work). */
  maxSteps: number;
  /** Nesting of calls and blocks ("too much recursion" above it). */
  maxDepth: number;
  /** Bytes of the rendered field. */
  maxOutputBytes: number;
  /** Bytes of objects, strings and XML a render makes. */
  maxMemoryBytes: number;
};

/** The engine's configuration. */
export type Config = {
  /** Workflow schedules. */
  schedules: Schedules;
  /** Events one workflow step takes at most (one storage transaction each). */
  batchSize: number;
  /**
   * Pages of events one workflow step reads and writes at most (a page holds 128 events), so
   * that a step's memory stays bounded whatever its events.
   */
  pagesPerStep: number;
  /** Processing errors before an event becomes "Event expired" ([U]). */
  maxProcessingErrors: number;
  /** Delay before the first reprocessing after an error; doubles at each error ([U]). */
  processingRetryMs: number;
  /** Send attempts before a soft-bouncing message fails ([U]). */
  mtaMaxTries: number;
  /** Delay before the first retry after a soft bounce; doubles at each retry ([U]). */
  mtaRetryMs: number;
  /** Delay of a drawn asynchronous bounce after "Sent". */
  asyncBounceDelayMs: number;
  /** Email rates. */
  email: ChannelRates;
  /** SMS rates. */
  sms: ChannelRates;
  /** Push (mobile app, iOS, Android) rates. */
  push: ChannelRates;
  /** `NmsCleanup_EventPurgeDelay` (execution instances), default 30 days. */
  eventPurgeDelayMs: number;
  /** `NmsCleanup_EventHistoPurgeDelay` (control), default 360 days. */
  eventHistoPurgeDelayMs: number;
  /** Largest `ctx`, in bytes of canonical XML (default 64 KiB). */
  maxCtxBytes: number;
  /** Largest pushed document. */
  maxDocumentBytes: number;
  /** Most events in one PushEvents. */
  maxEventsPerBatch: number;
  /**
   * Refuse at push an event whose type is not in the `eventType` enumeration ([U]: the product
   * accepts it and routing then marks it "Event not taken into account"; refusing is clearer).
   */
  rejectUnknownEventType: boolean;
  /** `MC_RtEventQueueAlert`: mcPing says Error above this many pending real-time events. */
  rtQueueAlert: number;
  /** `MC_RtEventQueueWarning`. */
  rtQueueWarning: number;
  /** Journal runs kept per workflow. */
  journalRunsKept: number;
  /** Longest `waitForStatus` may advance the clock by default. */
  waitLimitMs: number;
  /**
   * Whether the SOAP `PushEventsResponse` lists the ids of the events (`<plId>` elements, in
   * the order of the collection) ([U]: the product's reply is not documented; the reference
   * suggests an empty element, the default).
   */
  soapPushEventsIds: boolean;
  /**
   * Operators of the SOAP API (`xtk:operator`): login, password (kept as its salted hash),
   * optional bearer token (kept as its hash), `allowEmptyPassword`. By default `admin` with
   * `allowEmptyPassword`, which logs on with an empty password from a trusted range only.
   */
  operators: Array<Operator>;
  /**
   * Trusted address ranges (the security zone that allows an empty password), CIDR
   * notation. Default: loopback (`127.0.0.0/8`, `::1/128`).
   */
  trustedRanges: Array<string>;
  /** Lifetime of a session from `xtk:session#Logon` (the server's `sessionTimeOut`, 24 h). */
  sessionTimeoutMs: number;
  /**
   * The instances' time zone: local time of templates' `Date` and of `formatDate` ([U]: the
   * server's or operator's zone in the product; UTC by default). An IANA name the engine
   * knows (`Europe/Paris`, `America/New_York`…: current rules, no history) or a POSIX rule
   * (`CET-1CEST,M3.5.0,M10.5.0/3`).
   */
  timeZone: string;
  /**
   * What one render of a template field may use ([U]: the product's limits are not
   * documented; a bound hit fails the message, see docs/personalization.md).
   */
  personalization: PersonalizationLimits;
};

/** Clock, seed and configuration. */
export type Settings = {
  /** The virtual clock, ISO 8601. */
  now: string;
  /** The virtual clock, ms since the epoch. */
  nowMs: number;
  /**
   * The seed every simulated outcome is drawn from (decimal 64-bit): pass it to `open` to
   * replay a run.
   */
  seed: string;
  /** The configuration (operators' secrets redacted). */
  config: Config;
};

/** What `addExecutionInstance` takes: an external account of type "Execution instance". */
export type AccountInput = {
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
  /**
   * The execution instance runs in another process, reached at `url` (default false): its
   * records are the host's to fetch, and its archiving workflow polls at every tick.
   */
  remote?: boolean;
  /** "Account": the Message Center agent operator on the execution instance (default `mc`). */
  account?: string;
  /** "Password" of that operator: only whether one is given is kept (see `Account`). */
  password?: string;
  /** "Account connection method" (default `webService`). */
  connectionMethod?: ConnectionMethod;
};

/** Changes to an external account. */
export type AccountPatch = {
  /** Label. */
  label?: string;
  /** URL. */
  url?: string;
  /** "Enabled". */
  enabled?: boolean;
  /** "Account". */
  account?: string;
  /** "Password" (an empty one: none). */
  password?: string;
  /** "Account connection method". */
  connectionMethod?: ConnectionMethod;
};

/** An external account of type "Message Center execution instance", as the control shows it. */
export type Account = {
  /** Internal name. */
  name: string;
  /** Label. */
  label: string;
  /** Always "Message Center execution instance". */
  type: 'Message Center execution instance';
  /** URL. */
  url: string;
  /** "Enabled": the load balancer only uses enabled instances. */
  enabled: boolean;
  /** Execution instance id (0–255): the top byte of its event ids. */
  executionInstanceId: number;
  /** Whether the execution instance runs in another process (reached at `url`). */
  remote: boolean;
  /** "Account": the operator the control uses on the execution instance. */
  account: string;
  /** Whether a password is set (the password is kept nowhere). */
  passwordSet: boolean;
  /** "Account connection method". */
  connectionMethod: ConnectionMethod;
  /** Its label: "Web service", "Federated Data Access (FDA)". */
  connectionMethodLabel: string;
  /** `mcSynch_<name>` once created, else null. */
  archivingWorkflow: string | null;
  /**
   * "The archiving workflow does not seem to exist for this execution instance." while it does
   * not, else null.
   */
  warning: string | null;
};

/** A denylist entry (`denylist()` result). */
export type DenylistEntry = {
  /** The address. */
  address: string;
  /** Always `denylist`. */
  kind: 'denylist';
  /** Why the delivery ignores it ("Denylisted"). */
  reason: string;
  /** When it was added (ISO 8601, virtual clock). */
  since: string;
};

/** What `consumeChanges` did. */
export type Consumed = {
  /** Change records deleted. */
  deleted: number;
  /** Change records shortened to the pages still to archive. */
  shortened: number;
  /** Records named that were already consumed (gone): nothing to do. */
  already: number;
};

/** A value of the `eventType` enumeration. */
export type EventType = {
  /** Internal name (`purchase_order`): what events carry in `type`. */
  name: string;
  /** Label. */
  label: string;
};

/** A seed address as `createTemplate` / `updateTemplate` take it: ctx as XML text or as an object. */
export type SeedInput = {
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
};

/** A seed address of a template, with its own test ctx. */
export type Seed = {
  /** Internal name, unique in the template. */
  name: string;
  /** Label. */
  label: string;
  /** Email address. */
  email?: string;
  /** Mobile phone. */
  mobilePhone?: string;
  /** External identifier. */
  externalId?: string;
  /** Test data: a `<ctx>…</ctx>` document (canonical XML). */
  ctx: string;
};

/** What `createTemplate` takes. */
export type TemplateInput = {
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
};

/**
 * What `updateTemplate` takes: absent fields are kept; `eventType: null` clears it; `seeds`
 * replaces all.
 */
export type TemplatePatch = {
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
  seeds?: Array<SeedInput>;
};

/** A transactional message template on the control. */
export type Template = {
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
  seeds: Array<Seed>;
  /** Publication status. */
  publication: 'Being edited' | 'Published';
  /** Last publication. */
  publishedAt: string | null;
  /**
   * Whether the template is published and its content (event type, channel, subject, bodies)
   * differs from the published copies: the copies are what is sent until it is published again.
   */
  modifiedSincePublication: boolean;
  /** Created. */
  created: string;
  /** Last modified. */
  lastModified: string;
  /** The proofs sent, newest first (the Audit tab). */
  proofs: Array<Proof>;
};

/** A new personalization block. */
export type BlockInput = {
  /** Internal name. */
  name: string;
  /** Label (the name by default). */
  label?: string;
  /** Its JSSP (empty by default). */
  source?: string;
};

/** Changes of a personalization block. */
export type BlockPatch = {
  /** New label. */
  label?: string;
  /** New JSSP. */
  source?: string;
};

/** A personalization block as the API shows it. */
export type BlockView = {
  /** Internal name. */
  name: string;
  /** Label. */
  label: string;
  /** Its JSSP. */
  source: string;
  /** A built-in block (as shipped, or changed: see `changed`). */
  builtin: boolean;
  /** A built-in block the control changed. */
  changed: boolean;
  /** The templates of the control that include it (directly or through another block). */
  usedBy: Array<string>;
};

/** An option as the API shows it. */
export type OptionView = {
  /** Name (`NmsServer_URL`…). */
  name: string;
  /** Value. */
  value: string;
  /** A built-in option (with a default). */
  builtin: boolean;
  /** Set to another value than its default (or a custom option). */
  set: boolean;
  /** The templates of the control that include it. */
  usedBy: Array<string>;
};

/** A syntax error of a template field (`checkTemplate`). */
export type TemplateProblem = {
  /** `subject`, `html` or `text`. */
  field: string;
  /** 1-based line. */
  line: number;
  /** 1-based column, in characters. */
  column: number;
  /** The message, as a save would give it (`HTML body: line 3, column 7: missing ; before statement`). */
  message: string;
};

/** What `publish` and `unpublish` return: the publication log. */
export type PublishResult = {
  /** Internal name of the template. */
  template: string;
  /** Its publication status afterwards. */
  publication: 'Published' | 'Being edited';
  /** The log lines, as the console shows them. */
  log: Array<string>;
};

/** A template rendered with one of its seed addresses. */
export type Preview = {
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
};

/** A published copy (`<name>_rt` / `<name>_batch`) on an execution instance. */
export type PublishedCopy = {
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
};

/** An execution delivery: one per published copy and month (`<copy>_<YYYY-MM>`). */
export type Delivery = {
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
};

/** A pushed event: its id (the archived id too) and where it went. */
export type PushedEvent = {
  /** Decimal 64-bit id; the top byte is the execution instance id. */
  id: string;
  /** Account name of the execution instance. */
  instance: string;
  /** Queue. */
  queue: Queue;
};

/** One status change of an event. */
export type StatusChange = {
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
};

/** An event (`nms:rtEvent` / `nms:batchEvent`, or `nms:eventHisto` on the control). */
export type EventView = {
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
  history: Array<StatusChange>;
  /** On the control: when archiving last copied it. */
  archived: string | null;
  /**
   * "Why?" on a status list row, in plain words: what it waits for, or the cause of its final
   * status. Null elsewhere (`getEvent` has it beside the event, in its `why`).
   */
  why: string | null;
};

/** One line of a delivery log's story. */
export type BroadLogLine = {
  /** When. */
  at: string;
  /** What happened. */
  text: string;
};

/** A delivery log (`nms:broadLog` of the event), same id as its event. */
export type BroadLogView = {
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
  failureType: FailureType | null;
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
  log: Array<BroadLogLine>;
};

/** The published copy an event used, while it is still published. */
export type TemplateRef = {
  /** Internal name of the copy. */
  name: string;
  /** Internal name of the control's template. */
  template: string;
  /** Label. */
  label: string;
  /** Publication time. */
  publishedAt: string;
};

/** One event's whole story (`getEvent`). */
export type EventStory = {
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
  template: TemplateRef | null;
  /** Whether an asynchronous bounce is still to come on its delivery log. */
  bouncePending: boolean;
  /**
   * Its timeline: time in the queue, routing, time at the MTA, time to the status copy,
   * archiving, each with its duration and the workflow run that ended it.
   */
  timeline: Array<TimelineStep>;
  /**
   * "Why?", in plain words: what it waits for while something is still to come, else the cause
   * of its final status (what the MTA did, the failure reason, the denylist or quarantine entry
   * and since when, why routing refused it, why it expired). Null only for the control's copy
   * of an event purged from its execution instance before it was final.
   */
  why: string | null;
};

/** Filter and page of the status list. */
export type ListFilter = {
  /** An execution instance's account name, or `control` for the archived history. */
  instance: InstanceName;
  /** Queue. */
  queue?: Queue | null;
  /** Status (our name, console label or REST name). */
  status?: EventStatusInput | null;
  /** Event type. */
  type?: string | null;
  /** Wished channel. */
  channel?: ChannelInput | null;
  /** Created at or after. */
  from?: TimeArg | null;
  /** Created at or before. */
  to?: TimeArg | null;
  /** Email or mobile phone (case-insensitive, exact). */
  address?: string | null;
  /** Page size, 1–500 (default 50). */
  limit?: number | null;
  /** The `next` of the previous page, with the same filter. */
  after?: string | null;
  /**
   * The search syntax (`status:sent type:order -status:pending after:08:00`, see docs/api.md),
   * combined with the other fields (all must hold).
   */
  query?: string | null;
  /**
   * Matching events to skip first, newest first (a virtual list's position); with `after`,
   * counted from there.
   */
  offset?: number | null;
  /**
   * The list as it stood at this moment: the events created by then, each with its status
   * then (from its status history), the status filters applied to it. Events purged since
   * are not in it (the control's history keeps them longer). `total` is then unknown.
   */
  asOf?: TimeArg | null;
};

/** A page of the status list, newest first. */
export type ListPage = {
  /** The events. */
  events: Array<EventView>;
  /** Pass as `after` for the next page; null at the end. */
  next: string | null;
  /** Events examined to build the page. */
  scanned: number;
  /**
   * How many events match the filter in all (not only after the cursor), when the counters
   * know it exactly (no date or address term); else null.
   */
  total: number | null;
};

/** Filter of `countEvents`. */
export type CountFilter = {
  /** An execution instance's account name, or `control`. */
  instance: InstanceName;
  /** Queue. */
  queue?: Queue | null;
  /** Event type. */
  type?: string | null;
  /** Wished channel. */
  channel?: ChannelInput | null;
  /**
   * The search syntax, as the status list takes it; its status terms are ignored (the counts
   * are the breakdown by status), and its date and address terms too (counters cannot answer
   * them: `exact` is then false).
   */
  query?: string | null;
  /** Created at or after: ignored by the counts, which then say `exact: false`. */
  from?: TimeArg | null;
  /** Created at or before: as `from`. */
  to?: TimeArg | null;
  /** An address: as `from`. */
  address?: string | null;
};

/** Counts of each status. */
export type StatusCounts = {
  /** Pending. */
  pending: number;
  /** Pending delivery. */
  pendingDelivery: number;
  /** Sent. */
  sent: number;
  /** Ignored by the delivery. */
  ignored: number;
  /** Delivery failed. */
  deliveryFailed: number;
  /** Event not taken into account. */
  notTakenIntoAccount: number;
  /** Event expired. */
  expired: number;
};

/** Counts per status (from counters, never a scan). */
export type Counts = {
  /** Every status, zero included. */
  byStatus: StatusCounts;
  /** Their sum. */
  total: number;
  /**
   * False when the filter's query has a date or address term, which the counts ignore
   * (counters cannot answer them).
   */
  exact: boolean;
};

/** mcPing of an execution instance (`/nl/jsp/mcPing.jsp`). */
export type McPing = {
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
};

/** A technical workflow (or the simulated MTA process). */
export type Workflow = {
  /** Internal name. */
  name: string;
  /** Label ("Processing real time events", "Message Center mcExec1"…). */
  label: string;
  /** `control` or the execution instance's account name. */
  instance: string;
  /** Explorer folder. */
  folder: 'Administration > Production > Message Center' | 'Administration > Production > Processes' | 'Administration > Production > Technical workflows';
  /** State. */
  state: WorkflowState;
  /** Console label of the state. */
  stateLabel: 'Being edited' | 'Started' | 'Paused' | 'Stopped';
  /** Schedule (the MTA's is nominal: it runs when messages are due). */
  schedule: Schedule;
  /** Start of the last run. */
  lastRun: string | null;
  /**
   * Next run: the next tick for a scheduled workflow, the next due message for the MTA; null
   * when not started (or the MTA is idle).
   */
  nextRun: string | null;
  /** Runs so far. */
  runs: number;
  /** Whether a run is cut between two steps (it resumes at the next step). */
  inProgress: boolean;
  /** `mcSynch_*`: change-record sequence archived so far; null for the others. */
  watermark: number | null;
};

/** One run of a workflow, as its journal keeps it. */
export type RunLog = {
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
  /** From start to end, in ms of virtual time, once finished. */
  durationMs: number | null;
  /** Storage transactions it took. */
  steps: number;
  /** What it did, counted (`routed`, `sent`, `hardBounces`, `events`, `eventsPurged`…). */
  counts: Partial<Record<RunCount, number>>;
  /** Errors met. */
  errors: Array<string>;
  /** Events routed, by execution delivery, for a processing workflow. */
  routedTo: Record<string, number>;
};

/** A workflow's journal, newest run first. */
export type Journal = {
  /** The runs. */
  runs: Array<RunLog>;
};

/** The feed. */
export type Activity = {
  /** The runs, newest first. */
  lines: Array<ActivityLine>;
  /** How far this answer goes: pass it as `since` to have only what runs after. */
  mark: string;
  /** The next workflow step due, if any. */
  next: DueStep | null;
  /**
   * Asked `since` a mark: how far the clock moved since, in words ("The clock moved 1 h, from
   * 00:00:00 to 01:00:00 UTC", "The clock stayed at 00:00:10 UTC").
   */
  moved: string | null;
};

/** One run of a workflow, told. */
export type ActivityLine = {
  /** When it ended (when it started, while in progress), ISO 8601. */
  at: string;
  /** `control` or the account name. */
  instance: string;
  /** Workflow internal name. */
  workflow: string;
  /** Run number. */
  run: number;
  /** What it did, in the product's words. */
  text: string;
  /** Whether the run is still in progress (it goes on at the next step). */
  ongoing: boolean;
  /** Errors it met. */
  errors: number;
  /** What it touched. */
  links: Array<ActivityLink>;
};

/** Something a run touched, for the console to link to. */
export type ActivityLink = {
  /** What the link says. */
  label: string;
  /** What it leads to. */
  kind: LinkKind;
  /** `control` or the account name. */
  instance: string;
  /** The workflow's or the published copy's internal name; the status of a status list (none: all). */
  name: string | null;
};

/** Where a link leads. */
export type LinkKind = "workflow" | "published" | "deliveries" | "events";

/** What `statusOverTime` takes. */
export type OverTimeRequest = {
  /**
   * The status list's filter: its instance, queue, type, channel, address and query (status
   * terms aside); its `from` and `to` (creation dates) bound the period too.
   */
  filter: ListFilter;
  /** Start of the period (default: the filter's `from`, else the oldest event's creation). */
  start?: TimeArg | null;
  /** End of the period (default: the filter's `to`, else the clock). */
  end?: TimeArg | null;
  /** Points, evenly spread from the start to the end (both included): 1 to 1,000, default 120. */
  points?: number | null;
};

/** Counts per status at points of a period. */
export type OverTime = {
  /** The period's start, ISO 8601 (null: no event, no start given). */
  start: string | null;
  /** The period's end, ISO 8601. */
  end: string;
  /** The points, oldest first. */
  points: Array<OverTimePoint>;
  /** Events of the filter, whenever created. */
  events: number;
};

/** The counts at one moment. */
export type OverTimePoint = {
  /** When, ISO 8601. */
  at: string;
  /** When, ms since the epoch. */
  ms: number;
  /** Events by the status they had then (created by then). */
  byStatus: StatusCounts;
};

/** An exercise, as its file holds it. */
export type Exercise = {
  /** `message-center-exercise/1`. */
  format: string;
  /** Its name: letters, digits, `-` and `_`. */
  id: string;
  /** Its version (1, 2, …): a completion names the version it was made against. */
  version: number;
  /** Title. */
  title: string;
  /** What it teaches, in a sentence or two. */
  summary: string;
  /** The page of Adobe's documentation it follows. */
  source: string | null;
  /** Where it starts. */
  start: Start;
  /** The steps, in order. */
  steps: Array<StepDef>;
};

/** Where an exercise starts. */
export type Start = "newSandbox" | "currentSandbox";

/** One step: what to do, a hint shown after a wrong attempt, and its check. */
export type StepDef = {
  /** What to do, in words. */
  text: string;
  /** Where to look, shown after a check that fails. */
  hint: string | null;
  /** What must hold. */
  check: Check;
};

/** What must hold for a step to be done. */
export type Check = { "executionInstance": {
  /** Its internal name (any when absent). */
  name: string | null;
  /** Its execution instance id. */
  id: number | null, } } | { "workflow": {
    /** `control` or an account name. */
    instance: string;
    /** Internal name (`rtEventsProcessing`, `mcSynch_mcExec1`). */
    name: string;
    /** The state it must be in. */
    state: string | null, } } | { "eventType": {
      /** Its internal name. */
      name: string, } } | { "template": {
        /** Internal name (any when absent). */
        name: string | null;
        /** Its event type. */
        eventType: string | null;
        /** Its channel (`email`, `sms`…). */
        channel: string | null;
        /** Published (true), or not (false). */
        published: boolean | null;
        /** Published and not modified since (true), or published and modified since (false). */
        upToDate: boolean | null;
        /** At least this many seed addresses. */
        seeds: number | null, } } | { "renders": {
          /** Template internal name (any template of `eventType` when absent). */
          template: string | null;
          /** Or any template of this event type. */
          eventType: string | null;
          /** The texts it must contain. */
          contains: Array<string>, } } | { "events": {
            /** `control`, an account name, or none for every execution instance. */
            instance: string | null;
            /** Event type. */
            type: string | null;
            /** Channel. */
            channel: string | null;
            /** Queue (`rt`, `batch`). */
            queue: string | null;
            /** The status (our name or console label). */
            status: string;
            /** How many (default 1). */
            atLeast: number | null, } } | { "distinctFinalStatuses": {
              /** How many. */
              atLeast: number;
              /** `control`, an account name, or none for every execution instance. */
              instance: string | null, } } | { "all": Array<Check> };

/** An exercise of the catalogue, for a list. */
export type ExerciseInfo = {
  /** Its id. */
  id: string;
  /** Its version. */
  version: number;
  /** Title. */
  title: string;
  /** Summary. */
  summary: string;
  /** The page of Adobe's documentation it follows. */
  source: string | null;
  /** Where it starts. */
  start: Start;
  /** Its steps. */
  steps: number;
  /** The file, to evaluate it (`exercise { text }`) or save it. */
  text: string;
};

/** An exercise evaluated against a sandbox. */
export type ExerciseProgress = {
  /** The exercise's id. */
  id: string;
  /** Its version. */
  version: number;
  /** Its title. */
  title: string;
  /** Each step, in order. */
  steps: Array<StepProgress>;
  /** Steps done. */
  done: number;
  /** Whether every step is done. */
  complete: boolean;
  /** The first step not done (none once complete). */
  current: number | null;
  /**
   * The steps done (0-based): pass them back as `reached`, so that a step stays done once its
   * check held (publishing again ends "modified since publication", which was a step).
   */
  reached: Array<number>;
};

/** One step, evaluated. */
export type StepProgress = {
  /** What to do. */
  text: string;
  /** The hint. */
  hint: string | null;
  /** Whether its check holds. */
  done: boolean;
  /** When not done: what is missing, in words. */
  missing: string | null;
};

/** What "Test the connection" found. */
export type ConnectionTest = {
  /** Whether the control reaches the execution instance. */
  ok: boolean;
  /** What the console says. */
  text: string;
  /** The execution instance's mcPing, when reached. */
  mcPing: McPing | null;
};

/** What "Send a proof" sent. */
export type ProofResult = {
  /** The template. */
  template: string;
  /** The proofs sent, one per seed address. */
  proofs: Array<Proof>;
};

/** A proof of a template: its content rendered with a seed address and sent to that address. */
export type Proof = {
  /** Its number in the template ("Proof #3"). */
  n: number;
  /** When it was sent, ms since the epoch. */
  at: number;
  /** The seed address's internal name. */
  seed: string;
  /** Where it went: the seed's email or mobile phone. */
  to: string;
  /** The rendered subject. */
  subject: string;
  /** Bytes of the rendered HTML and text bodies. */
  bytes: number;
};

/** The menu. */
export type PersonalizationMenu = {
  /** "Real time events > …" submenus, in Campaign's order. */
  groups: Array<MenuGroup>;
};

/** A submenu. */
export type MenuGroup = {
  /** "Email", "Language", "Event XML", "Other…". */
  label: string;
  /** Its items. */
  items: Array<MenuItem>;
};

/** What an item inserts. */
export type MenuItem = {
  /** What it says ("Email address", "order › @number"). */
  label: string;
  /** The text inserted: `<%= rtEvent.email %>`. */
  insert: string;
};

/** "Account connection method > Method" of an execution instance's external account. */
export type ConnectionMethod = "webService" | "fda";

/** The checklist. */
export type SetupChecklist = {
  /** The items, in the order to take them. */
  items: Array<SetupItem>;
  /** Items done. */
  done: number;
  /** Whether every item is done. */
  complete: boolean;
};

/** One thing to set up. */
export type SetupItem = {
  /** Its name: `instance`, `archiving`, `workflows`, `eventType`, `template`, `event`, `sent`. */
  id: string;
  /** What to do, in the product's words. */
  text: string;
  /** Whether it is done. */
  done: boolean;
  /** What is there, or what is missing. */
  detail: string;
  /** Where to do it. */
  place: SetupPlace;
  /**
   * The instance of the place (`control` or an account name; the external accounts while
   * there is no execution instance).
   */
  instance: string;
};

/** Where an item is done, for the console to link to. */
export type SetupPlace = "externalAccounts" | "workflows" | "eventTypes" | "templates" | "push" | "events";

/**
 * What a trainee exports when an exercise is done, for a trainer to verify: the exercise (its
 * id, version and the digest of its file), the sandbox (its seed, its virtual clock, the digest of
 * its state), each step and whether it was done, and a seal over the rest.
 * The seal shows a record edited by hand or damaged on the way; it is no signature (a local
 * tool holds no secret: anyone with this engine can seal a record). What proves the work is the
 * sandbox: the trainer imports the trainee's sandbox export and verifies the record against it
 * (`verifyExerciseRecord`), which checks that it is the sandbox the record was made in, in the
 * same state, and that the exercise's outcome holds there.
 */
export type ExerciseRecord = {
  /** `message-center-exercise-record/1`. */
  format: string;
  /** The exercise. */
  exercise: RecordedExercise;
  /** The sandbox's seed, as a decimal string (64-bit). */
  seed: string;
  /** The sandbox's virtual time when the record was made, ISO 8601. */
  clock: string;
  /** `sha256:<hex>` of the sandbox's state (`state_digest`). */
  stateDigest: string;
  /** Each step, in order. */
  steps: Array<RecordedStep>;
  /** Whether every step was done. */
  complete: boolean;
  /** `sha256:<hex>` of the record without its seal. */
  seal: string;
};

/** The exercise a record is of. */
export type RecordedExercise = {
  /** Its id. */
  id: string;
  /** Its version. */
  version: number;
  /** Its title. */
  title: string;
  /** `sha256:<hex>` of its file. */
  digest: string;
};

/** A step of a record. */
export type RecordedStep = {
  /** What it asked. */
  text: string;
  /** Whether it was done. */
  done: boolean;
};

/** A record verified against the sandbox open. */
export type ExerciseVerification = {
  /** Whether every finding holds. */
  verified: boolean;
  /** The exercise's title, as the record names it. */
  title: string;
  /** What was checked, in order. */
  findings: Array<Finding>;
  /**
   * Each step's check evaluated on the sandbox as it is (steps that held only on the way, such
   * as "modified since publication" before a republication, need not hold at the end).
   */
  stepsHoldingNow: Array<boolean>;
};

/** One thing a verification checked. */
export type Finding = {
  /** What was checked. */
  what: string;
  /** Whether it holds. */
  ok: boolean;
  /** Why not, or what was found. */
  detail: string;
};

/** What `runWorkflow` did: the run, counted over all its steps. */
export type RunResult = {
  /** `control` or the account name. */
  instance: string;
  /** Workflow internal name. */
  workflow: string;
  /** Run number. */
  run: number;
  /** Storage transactions it took. */
  steps: number;
  /** What it did, counted. */
  counts: Partial<Record<RunCount, number>>;
};

/** What `advance` / `advanceTo` did. */
export type AdvanceResult = {
  /** Workflow steps run. */
  steps: number;
  /** The clock afterwards, ISO 8601. */
  now: string;
};

/** What `deleteTemplate` did. */
export type Deleted = {
  /** Internal name of the deleted template. */
  deleted: string;
};

/** The next workflow step due (`nextDue`). */
export type DueStep = {
  /** When, ms since the epoch. */
  at: number;
  /** `control` or the account name. */
  instance: string;
  /** Workflow internal name. */
  name: string;
  /**
   * Who runs it, in words: "rtEventsProcessing on mcExec1", "The MTA of mcExec1",
   * "mcSynch_mcExec1 on the control".
   */
  who: string;
  /**
   * The step in words: "updateEventsStatus on mcExec1 at 08:01:00: gives each event the status
   * of its message".
   */
  text: string;
};

/** A value of an enumeration the console shows: the name programs use, the label people read. */
export type EnumValue = {
  /** Our name (`pendingDelivery`, `sms`). */
  name: string;
  /** The console label ("Pending delivery", "Mobile (SMS)"). */
  label: string;
  /** The numeric value (`@status`, `messageType`). */
  code: number;
};

/** An outcome-directed test address (see docs/api.md), as the push form offers it. */
export type TestAddress = {
  /** Channel it is for (`email`, `sms`). */
  channel: string;
  /** An example address. */
  address: string;
  /** What the simulated MTA does with it. */
  outcome: string;
};

/** An error code and its HTTP status (`enumerations().errorCodes`). */
export type ErrorCodeView = {
  /** The code. */
  code: CoreErrorCode;
  /** Its HTTP status. */
  httpStatus: number;
};

/**
 * The enumerations the console shows (`enumerations`): event statuses, channels, queues, and the
 * outcome-directed test addresses.
 */
export type Enumerations = {
  /** Event statuses, in the order of their codes. */
  statuses: Array<EnumValue>;
  /** Wished channels (`messageType`). */
  channels: Array<EnumValue>;
  /** Channels a transactional message template can have. */
  templateChannels: Array<EnumValue>;
  /** Queues: `rt` "Real time events", `batch` "Batch events". */
  queues: Array<EnumValue>;
  /** Outcome-directed test addresses. */
  testAddresses: Array<TestAddress>;
  /** Every error code of the core with the HTTP status services answer it with. */
  errorCodes: Array<ErrorCodeView>;
};

/** A SOAP fault, as data (`soap` result). */
export type SoapFaultView = {
  /** `faultcode`: `SOAP-ENV:Client` or `SOAP-ENV:Server`. */
  faultcode: string;
  /** `faultstring`. */
  faultstring: string;
  /** `detail` (without the echoed request). */
  detail: string;
  /** The engine's error code behind it. */
  code: CoreErrorCode;
};

/** What `soap` answers: the HTTP status and body Campaign would send, and the events pushed. */
export type SoapReply = {
  /** HTTP status: 200, or 500 for a fault. */
  status: number;
  /** Always `text/xml; charset=utf-8`. */
  contentType: string;
  /** The response envelope. */
  body: string;
  /** The events pushed (none after a fault). */
  events: Array<PushedEvent>;
  /** The fault, when it is one. */
  fault: SoapFaultView | null;
};

/**
 * An operator (`xtk:operator`) who may call the SOAP API. In a configuration given to the
 * engine, `password` and `bearerToken` are the secrets in clear; the engine keeps (and shows)
 * only `passwordHash` and `bearerTokenHash`.
 */
export type Operator = {
  /** Login (e.g. `mc`). */
  login: string;
  /**
   * The password, in clear: only in a configuration given to the engine, which stores its
   * salted hash instead (`passwordHash`). Left out: the operator cannot log on by password. An
   * empty one is refused unless `allowEmptyPassword` is set.
   */
  password?: string;
  /**
   * The password's hash, `scrypt$ln=…,r=…,p=…$<salt base64>$<hash base64>` (see `secrets`):
   * what the engine keeps; may also be given ready-made. `********` in a configuration given
   * back keeps the current one.
   */
  passwordHash?: string;
  /**
   * A bearer token (`Authorization: Bearer …`) that authenticates as this operator (the IMS
   * technical account of Campaign v8), in clear: only in a configuration given to the engine,
   * which keeps its hash (`bearerTokenHash`).
   */
  bearerToken?: string;
  /**
   * The bearer token's hash, `sha256$<hex>`; `********` in a configuration given back keeps
   * the current one.
   */
  bearerTokenHash?: string;
  /**
   * Whether the operator logs on with an empty password, from a trusted range only (Campaign's
   * `allowEmptyPassword` security zone). Default false.
   */
  allowEmptyPassword?: boolean;
};

/** Where an execution instance's records live. */
export type InstanceKeys = {
  /**
   * Key prefixes of the records that live where the instance runs (its events, indexes,
   * queues, change log, quarantine).
   */
  own: Array<string>;
  /** Of them, what its control writes when it archives (the change log it consumes). */
  archiveWrites: Array<string>;
};

/** One step of an event's timeline (`getEvent`), in virtual time. */
export type TimelineStep = {
  /**
   * What the event went through ("Time in the queue", "Routing", "Time at the MTA", "Time to
   * the status copy", "Archiving (to the control's event history)").
   */
  label: string;
  /** Start. */
  from: string;
  /** End, once over. */
  to: string | null;
  /** How long it took, or has taken so far. */
  durationMs: number;
  /** Whether it is still going on. */
  ongoing: boolean;
  /** The workflow run that ended it (`rtEventsProcessing#12`). */
  by: string | null;
};

/** A generator's progress (each step of `generate`). */
export type GenerateProgress = {
  /** Events pushed so far. */
  pushed: number;
  /** Events it pushes in all. */
  total: number;
  /** Transactions so far (pushes and workflow steps). */
  steps: number;
  /** The clock. */
  now: string;
  /** When it ends. */
  end: string;
  /** Whether it is over. */
  done: boolean;
};

/** A report's figure, with its thresholds (§6.3) and the level they give it. */
export type Kpi = {
  /** Stable key (`errorRate`, `avgQueueTime`…). */
  key: string;
  /** The console's label. */
  label: string;
  /** Unit (`s`, `%`, `events/h`…). */
  unit: string;
  /** The value; null when there is nothing to measure. */
  value: number | null;
  /** `ok`, `warning` (orange), `alert` (red), or `none` (no threshold, or no value). */
  level: 'ok' | 'warning' | 'alert' | 'none';
  /** The warning threshold, if the KPI has one. */
  warning: number | null;
  /** The alert threshold (below the warning when lower is worse). */
  alert: number | null;
  /** The options that set them (`MC_RtEventErrorWarning / MC_RtEventErrorAlert`). */
  options: string | null;
  /** Why the level is not what the thresholds alone give, when it is not. */
  note: string | null;
};

/** A row of the "History of Message Center events" pivot. */
export type PivotRow = {
  /** Day (`YYYY-MM-DD`, UTC) the events were created. */
  day: string;
  /** Event type. */
  type: string;
  /** Wished channel. */
  channel: ChannelName;
  /** Events received. */
  events: number;
  /** Of them, sent. */
  sent: number;
  /** Success (%): sent over events. */
  success: number | null;
};

/** Sent messages and errors in one hour (the service-level chart). */
export type ReportHour = {
  /** Start of the hour. */
  hour: string;
  /** Events that became Sent in it. */
  sent: number;
  /** Events that failed in it (not taken into account, expired, delivery failed, ignored). */
  errors: number;
};

/** Events and sent messages of one day (the pivot's totals). */
export type ReportDay = {
  /** Day (`YYYY-MM-DD`, UTC). */
  day: string;
  /** Events received. */
  events: number;
  /** Of them, sent. */
  sent: number;
};

/** The control's reports over a period (`report`). */
export type Report = {
  /** Start of the period. */
  from: string;
  /** End of the period. */
  to: string;
  /** "History of Message Center events": by day, event type and channel. */
  pivot: Array<PivotRow>;
  /** "Message Center service level". */
  serviceLevel: Array<Kpi>;
  /** "Message Center processing time" (real-time queue). */
  processingTime: Array<Kpi>;
  /** Sent messages and errors per hour. */
  hours: Array<ReportHour>;
  /** The pivot's totals by day (every event type and channel), for its chart. */
  days: Array<ReportDay>;
  /**
   * "History of Message Center events" as Campaign's pivot shows it: rows year › quarter ›
   * month › event type, a column per channel.
   */
  history: HistoryPivot;
};

/** Campaign's pivot of the event history. */
export type HistoryPivot = {
  /** The columns: the channels met in the period, in their order (`email`, `sms`…). */
  channels: Array<string>;
  /** The years, each with its quarters, months and event types. */
  rows: Array<PivotNode>;
};

/** A row of the pivot: a year, a quarter, a month or an event type of a month. */
export type PivotNode = {
  /** `year`, `quarter`, `month` or `eventType`. */
  level: 'year' | 'quarter' | 'month' | 'eventType';
  /** "2026", "Q1 2026", "March 2026", or the event type. */
  label: string;
  /** One cell per channel of `channels`. */
  cells: Array<PivotCell>;
  /** Every channel. */
  total: PivotCell;
  /** The rows under it (none for an event type). */
  children: Array<PivotNode>;
};

/** Events, sent and success of a pivot cell. */
export type PivotCell = {
  /** Events received. */
  events: number;
  /** Of them, sent. */
  sent: number;
  /** Sent over events, in % (2 decimals); null without events. */
  success: number | null;
};

/** What a report covers. */
export type ReportFilter = {
  /** Created at or after (default: 24 hours before the clock, the console's "24 hour view"). */
  from?: TimeArg | null;
  /** Created before (default: the clock). */
  to?: TimeArg | null;
  /** Without `from`: the length of the period that ends at `to` (default 24 hours). */
  periodMs?: number | null;
  /** One execution instance (default: all). */
  instance?: string | null;
  /** One channel (default: all). */
  channel?: ChannelInput | null;
};

/** What to generate. */
export type GenerateSpec = {
  /** Events per hour of virtual time (up to 3,600,000: a thousand a second). */
  ratePerHour: number;
  /** How long, in ms of virtual time, from now. */
  durationMs: number;
  /** Account name of an execution instance, or `loadBalancer` (the default). */
  target?: string | null;
  /** Queue (`rt` default). */
  queue?: Queue | null;
  /** Event types to draw from, equally (default: every value of the enumeration). */
  types?: string[] | null;
  /** Wished channels to draw from, equally (default: email). Email and SMS get addresses. */
  channels?: ChannelInput[] | null;
  /** Share (0–1) of events sent to an outcome-directed test address (default 0.1). */
  testShare?: number | null;
  /** Seed of the draws (default: the engine's seed); the same seed gives the same events. */
  seed?: number | null;
};

/** What `open` takes. */
export type OpenRequest = {
  /** The seed of a new store (decimal 64-bit); on an existing store it must match. */
  seed?: string | null;
  /** The initial virtual time of a new store (default 2026-01-01T00:00:00Z). */
  now?: TimeInput | null;
  /** Configuration overrides (on an existing store, applied as `configure`). */
  config?: unknown;
  /** A fresh random seed from the host, used when a new store is given none. */
  freshSeed?: string | null;
  /**
   * Fresh random bytes from the host (at least 64 hex digits), for the salts of passwords
   * the configuration gives in clear, or that a store of format 2 holds in clear.
   */
  entropy?: string | null;
  /** The boundary format version the shell speaks (see `boundary.rs`). */
  boundary?: number | null;
  /**
   * Bytes of committed records this engine keeps in memory so as not to read again what it
   * wrote or read (default `DEFAULT_CACHE_BYTES`; 0: none). A setting of this engine, not of
   * the store: it changes no byte written.
   */
  cacheBytes?: number | null;
};

/** A push. */
export type PushRequest = {
  /** Account name of an execution instance, or `loadBalancer` (the default). */
  target?: string | null;
  /** `xml` or `json`. */
  format: string;
  /** The document (the binding layer may pass it aside, as bytes). */
  text?: string;
  /** Queue for JSON events that do not say (`rt` default). */
  queue?: string | null;
  /** Exactly one event expected (PushEvent). */
  single?: boolean;
};

/** A SOAP request: the envelope, as an integrator's code posts it. */
export type SoapRequest = {
  /** Account name of an execution instance, or `loadBalancer` (the default). */
  target?: string | null;
  /** The HTTP `SOAPAction` header (or the URL's `?soapAction=`), if any. */
  soapAction?: string | null;
  /** Who calls, as the host sees it; absent: no authentication. */
  caller?: Caller | null;
  /** The envelope (the binding layer may pass it aside, as bytes). */
  text?: string;
};

/** What the host knows of the caller. */
export type Caller = {
  /**
   * The remote address (`127.0.0.1`, `::1`, `::ffff:10.0.0.1`): an empty password is accepted
   * from the trusted ranges only.
   */
  remote?: string;
  /** The `X-Session-Token` header. */
  sessionToken?: string | null;
  /** The `X-Security-Token` header. */
  securityToken?: string | null;
  /** The `Cookie` header (its `__sessiontoken`). */
  cookie?: string | null;
  /** The `Authorization` header (`Bearer …`). */
  authorization?: string | null;
  /** Fresh random bytes as hex (at least 64 digits), for the tokens of a Logon. */
  entropy?: string | null;
};

/** Where a generator is. */
export type GenerateState = {
  /** When it started. */
  start: number;
  /** When it ends. */
  end: number;
  /** Events pushed so far. */
  pushed: number;
  /** Transactions so far. */
  steps: number;
};

/** A request that may read and write storage. */
export type Request = { "op": "open" } & OpenRequest | { "op": "configure",
/** The overrides. */
config: unknown,
/**
 * Fresh random bytes from the host (at least 64 hex digits), for the salts of passwords
 * given in clear.
 */
entropy?: string | null, } | { "op": "migrate" } | { "op": "advance",
/** How far, in ms (a fraction is dropped). */
by?: number | null,
/** To when. */
to?: TimeInput | null,
/** Steps run so far by this command. */
steps?: number, } | { "op": "addEventType",
/** Internal name. */
name: string,
/** Label. */
label?: string | null, } | { "op": "addExecutionInstance" } & AccountInput | { "op": "updateExecutionInstance",
/** Internal name. */
name: string,
/** The changes. */
patch: AccountPatch, } | { "op": "createArchivingWorkflow",
/** Account internal name. */
account: string, } | { "op": "createTemplate",
/** The template. */
template: TemplateInput, } | { "op": "updateTemplate",
/** Internal name. */
name: string,
/** The changes. */
patch: TemplatePatch, } | { "op": "sendProof",
/** Internal name. */
name: string,
/** The seed addresses (default: every one). */
seeds?: Array<string> | null, } | { "op": "deleteTemplate",
/** Internal name. */
name: string, } | { "op": "createPersonalizationBlock",
/** The block. */
block: BlockInput, } | { "op": "updatePersonalizationBlock",
/** Internal name. */
name: string,
/** The changes. */
patch: BlockPatch, } | { "op": "deletePersonalizationBlock",
/** Internal name. */
name: string, } | { "op": "setOption",
/** Name. */
name: string,
/** Value. */
value?: string | null, } | { "op": "publish",
/** Internal name. */
name: string, } | { "op": "unpublish",
/** Internal name. */
name: string, } | { "op": "startWorkflow",
/** `control` or an account name. */
instance: string,
/** Internal name. */
name: string, } | { "op": "pauseWorkflow",
/** `control` or an account name. */
instance: string,
/** Internal name. */
name: string, } | { "op": "stopWorkflow",
/** `control` or an account name. */
instance: string,
/** Internal name. */
name: string, } | { "op": "scheduleWorkflow",
/** `control` or an account name. */
instance: string,
/** Internal name. */
name: string,
/** Period. */
periodMs: number,
/** Offset. */
offsetMs?: number, } | { "op": "push" } & PushRequest | { "op": "soap" } & SoapRequest | { "op": "report",
/** What it covers. */
filter: ReportFilter, } | { "op": "generate",
/** What to generate. */
spec: GenerateSpec,
/** Where it is (none at the first call). */
state?: GenerateState | null, } | { "op": "runWorkflow",
/** `control` or an account name. */
instance: string,
/** Internal name. */
name: string,
/** When (default: the clock). */
at?: number | null, } | { "op": "consumeChanges",
/** Records shortened: key and the list of pages left (a subset of the stored one). */
put?: Array<[string, string]>,
/** Records consumed whole. */
del?: Array<string>, } | { "op": "denylist",
/** Account name. */
instance: string,
/** Address. */
address: string, } | { "op": "listEvents",
/** Filter and page. */
filter: ListFilter, } | { "op": "getEvent",
/** Decimal id. */
id: string,
/**
 * The event as it stood at this moment: its status, history, delivery log and
 * timeline then.
 */
asOf?: TimeInput | null, } | { "op": "activity",
/** Most lines (default 50, at most 500; 0: only the mark and the next step). */
limit?: number | null,
/** The mark of an earlier answer: only what ran since. */
since?: string | null, } | { "op": "statusOverTime" } & OverTimeRequest | { "op": "journal",
/** `control` or an account name. */
instance: string,
/** Internal name. */
name: string,
/** Most runs. */
limit?: number | null, } | { "op": "waitForStatus",
/** Decimal id. */
id: string,
/** Our status name, console label or REST name. */
status: string,
/** Longest it may advance the clock (default `waitLimitMs`). */
maxMs?: number | null,
/** The deadline fixed by the first call of the command. */
deadline?: number | null;
};

/** A question about the small state (no storage). */
export type Query = { "q": "settings" } | { "q": "now" } | { "q": "accounts" } | { "q": "eventTypes" } | { "q": "templates" } | { "q": "template",
/** Internal name. */
name: string, } | { "q": "personalizationBlocks" } | { "q": "options" } | { "q": "checkTemplate",
/** Subject. */
subject?: string,
/** HTML body. */
html?: string,
/** Text body. */
text?: string, } | { "q": "preview",
/** Internal name. */
name: string,
/** Seed internal name (default: the first). */
seed?: string | null, } | { "q": "published",
/** Account name. */
instance: string, } | { "q": "deliveries",
/** Account name. */
instance: string, } | { "q": "workflows",
/** `control`, an account name, or none for all. */
instance?: string | null, } | { "q": "counts" } & CountFilter | { "q": "mcPing",
/** Account name; none: every execution instance of this process together. */
instance?: string | null, } | { "q": "ping" } | { "q": "draw",
/** What it is for. */
purpose: string,
/** Which draw of it. */
n: number, } | { "q": "injectedFault",
/** The call's `SOAPAction` (its service and method), if any. */
soapAction?: string | null, } | { "q": "enumerations" } | { "q": "exercises" } | { "q": "exercise",
/** The exercise file. */
text: string,
/** Steps done at an earlier evaluation (its `reached`): they stay done. */
reached?: Array<number>, } | { "q": "setupChecklist" } | { "q": "personalizationMenu",
/** A `<ctx>` document. */
ctx?: string | null, } | { "q": "testConnection",
/** The account's internal name. */
account: string, } | { "q": "exerciseRecord",
/** The exercise file. */
text: string,
/** Steps done at an earlier evaluation. */
reached?: Array<number>, } | { "q": "verifyExerciseRecord",
/** The record's file. */
record: string,
/** The exercise file, when it is not one shipped with the engine. */
text?: string | null, } | { "q": "nextDue",
/** Horizon (default: none, the largest time). */
until?: TimeInput | null, } | { "q": "checkRecords",
/** `[key, value]` pairs. */
records: Array<[string, string]>, } | { "q": "instanceKeys",
/** Account name. */
instance: string, } | { "q": "authenticate",
/** Who calls. */
caller: Caller,
/** The session token. */
token?: string, } | { "q": "snapshotEdits",
/** Keys of the store, one chunk of `records()`. */
keys: Array<string>, } | { "q": "restoreEdits",
/** The snapshot's records. */
records: Array<[string, string]>, } | { "q": "wsdl",
/** The schema. */
schema: string,
/** The router's URL. */
location: string;
};
