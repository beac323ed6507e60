// TypeScript declarations of the public API of `message-center` (js/node.js and js/browser.js
// export the same names, but for openSQLiteStorage: Node only). The result and parameter types the
// engine exchanges are generated from the Rust types of the core into ./generated.d.ts
// (re-exported here; a cargo test fails when it is stale); this file adds what the shell defines:
// the MessageCenter class, the storage adapter contract, the JSON form of events, the shell's error
// codes. tests/js/types.test.mjs compiles tests/types/usage.ts against it.
//
// Conventions: event ids are decimal strings (64-bit: the execution instance id is the top byte);
// dates in results are ISO 8601 strings (UTC, milliseconds) unless the field name ends in `Ms`;
// dates in arguments may be a `Date`, a number of ms since the epoch or an ISO 8601 string (a
// date without a zone is UTC).

import type {
  Account,
  AccountInput,
  AccountPatch,
  AdvanceResult,
  ChannelCode,
  ChannelName,
  Config,
  CoreErrorCode,
  Consumed,
  CountFilter,
  Counts,
  Deleted,
  Delivery,
  DenylistEntry,
  EventStatusLabel,
  EventStatusName,
  EventStory,
  EventType,
  EventView,
  InstanceKeys,
  Journal,
  Activity,
  OverTime,
  ExerciseInfo,
  ExerciseProgress,
  ExerciseRecord,
  SetupChecklist,
  ConnectionTest,
  ProofResult,
  PersonalizationMenu,
  ExerciseVerification,
  ListFilter,
  ListPage,
  McPing,
  DueStep,
  Enumerations,
  SoapReply,
  Report,
  ReportFilter,
  GenerateSpec,
  GenerateProgress,
  Preview,
  PublishedCopy,
  PublishResult,
  PushedEvent,
  Queue,
  RestStatus,
  RunResult,
  Settings,
  Template,
  TemplateInput,
  TemplatePatch,
  TemplateProblem,
  BlockInput,
  BlockPatch,
  BlockView,
  OptionView,
  Workflow,
  Caller,
} from './generated.js';

export type * from './generated.js';

// ---------------------------------------------------------------------------------------------
// Enumerations (the shell's input forms; the names, labels and codes are generated)

/** A status as filters and `waitForStatus` accept it: our name, the console label (any case) or the REST name. */
export type EventStatusInput = EventStatusName | EventStatusLabel | RestStatus;

/**
 * A channel as arguments accept it: a name, a `messageType` value, the value as a string (`"0"`),
 * a console label (`"Mobile (SMS)"`), `"mobile"` (SMS) or `"pushNotification"` (mobile app).
 */
export type ChannelInput = ChannelName | ChannelCode | (string & {});

/** Who calls the SOAP router, as the host sees it: with it, `soap()` authenticates as Campaign does. */
export type SoapCaller = Caller;

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

/** A point in time as arguments take it: a `Date`, ms since the epoch, or an ISO 8601 string (no zone: UTC). */
export type TimeArg = Date | number | string;

// ---------------------------------------------------------------------------------------------
// Errors

/** Codes added by the JavaScript shell and the storage adapters. */
export type ShellErrorCode = 'STORAGE_FAILED' | 'STORAGE_LOCKED' | 'INVALID_ARGUMENT' | 'CLOSED' | 'INTERNAL';

/** Every code an error of this package can carry. */
export type ErrorCode = CoreErrorCode | ShellErrorCode;

/** Every error this package throws or rejects with: a real `Error` with a stable `code`. */
export interface McError extends Error {
  /** What programs match on; never renamed. */
  code: ErrorCode;
  /** The underlying error, when there is one (storage failures). */
  cause?: unknown;
  /** For errors that point into a text (`TEMPLATE_SYNTAX`, `TEMPLATE_NOT_PUBLISHABLE`): the input field (`subject`, `html`, `text`). */
  field?: string;
  /** With `field`: the 1-based line. */
  line?: number;
  /** With `field`: the 1-based column, in characters. */
  column?: number;
}

/** Builds an `Error` with a `code` (as the package does). */
export function mcError(code: ErrorCode, message: string, cause?: unknown): McError;

// ---------------------------------------------------------------------------------------------
// Configuration

/** A partial configuration, merged into the current one (nested objects merge too). */
export type ConfigPatch = {
  [K in keyof Config]?: Config[K] extends object ? { [P in keyof Config[K]]?: Config[K][P] extends object ? Partial<Config[K][P]> : Config[K][P] } : Config[K];
};

// ---------------------------------------------------------------------------------------------
// Catalogue

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

// ---------------------------------------------------------------------------------------------
// Storage

/** An ordered string → string store with an atomic batch write (see docs/storage.md). */
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
  /** The lock manager (default `navigator.locks`): `request(name, { ifAvailable: true } or { signal }, callback)`. */
  locks?: { request(name: string, options: { ifAvailable?: boolean; signal?: unknown }, callback: (lock: unknown) => unknown): Promise<unknown> };
  /**
   * How long (ms) to wait for a lock another tab holds before `STORAGE_LOCKED` (default 0: at once).
   * A page just reloaded lets go of its lock a moment after the new page asks for it.
   */
  lockWaitMs?: number;
}

/** Opens (creating if needed) the persistent IndexedDB storage adapter. */
export function openIndexedDBStorage(options?: IndexedDBStorageOptions): Promise<StorageAdapter>;

/** Deletes an IndexedDB database (close its adapters first). */
export function deleteIndexedDBStorage(options?: { name?: string; indexedDB?: IDBFactoryLike }): Promise<void>;

/** Options of `openSQLiteStorage`. */
export interface SQLiteStorageOptions {
  /**
   * The database file, created if absent (its directory must exist), or `':memory:'` (nothing
   * persists). A file that is not a SQLite database, or a SQLite database of another application,
   * is refused with `STORAGE_FAILED` naming it.
   */
  path: string;
  /**
   * `'full'` (default): the WAL is synced at every write, so a write that resolved survives a power
   * loss. `'normal'`: synced at checkpoints only; a resolved write survives the process being killed,
   * but the last ones may be lost if the machine loses power or crashes.
   */
  synchronous?: 'full' | 'normal';
  /**
   * How long (ms) to wait for another process holding the file to let go of it before
   * `STORAGE_LOCKED` (default 0: at once). The wait blocks the event loop.
   */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating if needed) the durable SQLite storage adapter, for Node only (not exported by the
 * browser entry). Needs the optional peer dependency better-sqlite3 12.x (`npm install
 * better-sqlite3@12`), imported on the first call; without it, rejects with `STORAGE_FAILED`.
 * WAL journal; one process at a time: a second adapter on the same file, in this process or
 * another, is refused with `STORAGE_LOCKED` until the first is closed.
 */
export function openSQLiteStorage(options: SQLiteStorageOptions): Promise<StorageAdapter>;

// ---------------------------------------------------------------------------------------------
// The Message Center

/** Options of `MessageCenter.open`. */
export interface OpenOptions {
  /** Where records live (default: a new memory storage). */
  storage?: StorageAdapter;
  /**
   * Seed of every simulated outcome, a decimal 64-bit integer (default: a fresh random seed,
   * reported by `settings().seed` so the run can be replayed); must match when reopening a storage.
   */
  seed?: string | number | bigint;
  /** Initial virtual time of a new storage (default 2026-01-01T00:00:00Z). */
  now?: TimeArg;
  /** Configuration overrides (on a new storage; on an existing one, applied with `configure`). */
  config?: ConfigPatch;
  /**
   * Bytes of committed records this engine keeps in memory so as not to read again what it wrote
   * or read (default 16 MiB, at most 1 GiB; 0 turns the cache off). It changes no byte written.
   */
  cacheBytes?: number;
  /**
   * Group commit (default false): the writes of operations done while a storage write is in
   * progress go together into the next one (one transaction, one fsync, for many concurrent
   * calls); later operations read through the writes not yet durable, and each call resolves
   * once its writes are durable. A failed write fails every call it carried and those after them.
   */
  groupCommit?: boolean;
}

/** How much of the engine's wasm has arrived (`MessageCenter.load`), in bytes (uncompressed). */
export interface LoadProgress {
  loaded: number;
  total: number;
}

/**
 * The Message Center: a control instance and its execution instances, on one storage, with a
 * virtual clock. Every method that changes something is one storage transaction (or, for
 * `advance` and `runWorkflow`, one per workflow step) and calls are serialized.
 */
export declare class MessageCenter {
  private constructor();

  /**
   * Loads the engine (the wasm) without opening anything, reporting its download as it goes, so
   * that a page can show a progress bar before its first `open()`. Idempotent: later calls and
   * `open()` reuse the first load (a failed load is tried again). In Node the engine is loaded
   * already: `onProgress` hears once that all of it is there.
   */
  static load(options?: { onProgress?: (progress: LoadProgress) => void }): Promise<void>;

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
  advanceTo(time: TimeArg): Promise<AdvanceResult>;

  // topology

  /** Registers an execution instance and creates its technical workflows (stopped, as in the product). */
  addExecutionInstance(account: AccountInput): Promise<Account>;
  /** Changes an external account. */
  updateExecutionInstance(account: string, patch: AccountPatch): Promise<Account>;
  /** External accounts, with the archiving-workflow warning. */
  executionInstances(): Account[];
  /** "Create the archiving workflow": creates and starts `mcSynch_<account>`. */
  createArchivingWorkflow(account: string): Promise<Workflow>;
  /**
   * Told by the control of another process which change records of this process's execution
   * instances its archiving consumed (`del`: whole; `put`: shortened to the pages left). Checked
   * and written in one transaction; anything but a change record losing pages is refused.
   */
  consumeChanges(changes: { put?: Array<[string, string]>; del?: string[] }): Promise<Consumed>;
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
  /**
   * "Send a proof": the template rendered with its seed addresses (`seeds`: some of them, by
   * name), sent to their addresses and kept in its Audit (`proofs`, the last 20).
   */
  sendProof(name: string, options?: { seeds?: string[] }): Promise<ProofResult>;
  /** The template editor's insert-personalization menu, with the paths of a seed's `<ctx>` under "Event XML". */
  personalizationMenu(ctx?: string): PersonalizationMenu;
  /** Deletes a template (TEMPLATE_PUBLISHED while published). */
  deleteTemplate(name: string): Promise<Deleted>;
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
  /** The syntax errors template fields would be refused with at save (empty: they compile); nothing is saved. */
  checkTemplate(fields: { subject?: string; html?: string; text?: string }): TemplateProblem[];

  // personalization blocks and options

  /** Creates a personalization block of the control (`<%@ include view='name' %>`). */
  createPersonalizationBlock(block: BlockInput): Promise<BlockView>;
  /** Changes a personalization block (a built-in one becomes the control's own). */
  updatePersonalizationBlock(name: string, patch: BlockPatch): Promise<BlockView>;
  /** Deletes a personalization block of the control (BLOCK_IN_USE while a template includes it; a changed built-in one goes back to as shipped). */
  deletePersonalizationBlock(name: string): Promise<Deleted>;
  /** Personalization blocks: the built-in ones and the control's, with the templates that use each. */
  personalizationBlocks(): BlockView[];
  /** Sets an option (`xtk:option`, `<%@ include option='name' %>`); null: back to its default. */
  setOption(name: string, value: string | null): Promise<OptionView>;
  /** Options: the built-in ones and the control's, with the templates that use each. */
  options(): OptionView[];
  /** Published copies on an execution instance. */
  publishedTemplates(instance: string): PublishedCopy[];
  /** Execution deliveries of an execution instance. */
  deliveries(instance: string): Delivery[];

  // events

  /** PushEvent: one event (an object, or `<rtEvent …><ctx>…</ctx></rtEvent>` XML); resolves once durable. */
  pushEvent(event: EventInput | string, options?: PushOptions): Promise<PushedEvent>;
  /** PushEvents: several events (an array, or XML with any wrapper element); all or nothing. */
  pushEvents(events: EventInput[] | string, options?: PushOptions): Promise<PushedEvent[]>;
  /**
   * A SOAP `PushEvent` / `PushEvents` envelope as integrators post it to `/nl/jsp/soaprouter.jsp`:
   * the HTTP status and body Campaign would answer (`plId`, or a SOAP fault that pushes nothing).
   */
  soap(envelope: string, options?: { instance?: 'loadBalancer' | (string & {}); soapAction?: string | null; caller?: SoapCaller | null }): Promise<SoapReply>;
  /** A draw from the seed in parts per million (0 to 999,999) for a purpose and a number: the same every run with the same seed. */
  draw(purpose: string, n: number): number;
  /** The SOAP fault a test harness answers in place of a call (`SOAP-ENV:Server`, HTTP 500), in the words of its `SOAPAction`. */
  injectedFault(soapAction?: string | null): SoapReply;
  /**
   * Every stored record in key order, `chunk` (default 1,000) at a time, as one moment of the store (calls made meanwhile
   * wait), as a snapshot holds it: without the sessions of Logon and without any operator's secret; resolves to how many.
   */
  records(onChunk: (entries: Array<[string, string]>) => void | Promise<void>, options?: { chunk?: number }): Promise<number>;
  /** A snapshot's records as they are to be restored into this store: this store's operators and trusted ranges kept, no session. */
  recordsToRestore(records: Array<[string, string]>): Array<[string, string]>;
  /** Where an execution instance's records live: the prefixes of its own records, and those its archiving writes. */
  /**
   * Whether records from outside (a snapshot to restore) are ones this engine could have written:
   * each key in the storage layout, each value through the engine's decoders, no character
   * U+0000 to U+0003, sizes bounded. Their number, or INVALID_ARGUMENT naming the first bad one.
   */
  checkRecords(records: Array<[string, string]>): number;
  instanceKeys(instance: string): InstanceKeys;
  /** The login of a caller with this session token, as the SOAP router decides it; throws `ACCESS_DENIED` / `SESSION_INVALID`. */
  authenticate(caller: SoapCaller, token: string): string;
  /** The WSDL of `nms:rtEvent` or `nms:batchEvent`, with the SOAP router at `location` (its URL). */
  wsdl(schema: 'nms:rtEvent' | 'nms:batchEvent', location: string): string;
  /**
   * Generates `ratePerHour` events an hour over `durationMs` of virtual time, the workflows running
   * in between, one transaction per step; `signal` (an `AbortSignal`) stops it between two steps.
   */
  generate(spec: GenerateSpec, options?: { onProgress?: (progress: GenerateProgress) => void; signal?: { readonly aborted: boolean } }): Promise<GenerateProgress>;

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
  /**
   * What the workflows did across the instances, newest first (default 50 lines, at most 500; 0:
   * only the mark and the next step): a line per run in the product's words, with links to what it
   * touched. `since`: the `mark` of an earlier answer, for only what ran after it.
   */
  activity(options?: { limit?: number; since?: string }): Promise<Activity>;

  // reading

  /** A page of the status list, newest first. */
  listEvents(filter: ListFilter): Promise<ListPage>;
  /** Counts per status, from counters. */
  countEvents(filter: CountFilter): Counts;
  /** One event's whole story (an id as a decimal string, or a bigint). */
  /** One event's story; `asOf`: as it stood at that moment (its status, history and delivery log then). */
  getEvent(id: string | bigint, options?: { asOf?: TimeArg }): Promise<EventStory>;
  /**
   * Counts per status at points of a period, from the events' status histories (the chart over a
   * period, the counts as they stood at a moment): the list's filter, status terms aside; `start`
   * (default: the filter's from, else the oldest event), `end` (default: its to, else the clock),
   * `points` (1–1,000, default 120).
   */
  statusOverTime(filter: ListFilter, options?: { start?: TimeArg; end?: TimeArg; points?: number }): Promise<OverTime>;
  /** mcPing of an execution instance, or (no argument) of every execution instance together. */
  mcPing(instance?: string): McPing;
  /**
   * "Test the connection" of an execution instance's external account: whether the control
   * reaches it with the account's operator, in words, and its mcPing when it does.
   */
  testConnection(account: string): ConnectionTest;
  /** The text of `ping.jsp`: `OK`, the clock in Campaign's format, a newline. */
  ping(): string;

  /**
   * The next workflow step due (which workflow, on which instance, when), at or before `until`
   * (default: whenever it is); null if none is. `advanceTo(next.at)` runs it.
   */
  nextDue(options?: { until?: TimeArg }): DueStep | null;
  /** Event statuses, channels, queues and outcome-directed test addresses, with their console labels. */
  enumerations(): Enumerations;
  /**
   * What a new platform needs before an event reaches Sent, in the order of Adobe's "Technical
   * workflows" page: each item done, or what it misses, and where to do it.
   */
  setupChecklist(): SetupChecklist;
  /** The guided exercises that ship with the engine (each with its file's text). */
  exercises(): ExerciseInfo[];
  /**
   * An exercise file (JSON, format `message-center-exercise/1`) evaluated against this sandbox:
   * each step done, or what it misses. `reached`: the `reached` of an earlier evaluation (those
   * steps stay done).
   */
  exercise(text: string, options?: { reached?: number[] }): ExerciseProgress;
  /**
   * The completion record of an exercise in this sandbox (format
   * `message-center-exercise-record/1`): the exercise's id, version and digest, the sandbox's seed,
   * clock and state digest, each step, and a seal showing a record edited by hand.
   */
  exerciseRecord(text: string, options?: { reached?: number[] }): ExerciseRecord;
  /**
   * A completion record verified against this sandbox (the trainee's sandbox, imported): the
   * record unaltered, its exercise known (`text`: the trainer's file, if not a shipped one), the
   * same seed and state, every step done, the outcome holding.
   */
  verifyExerciseRecord(record: string, options?: { text?: string }): ExerciseVerification;
  /** The control's reports over a period (default: the last 24 hours): pivot, service level, processing time, with thresholds. */
  report(filter?: ReportFilter): Promise<Report>;
  /**
   * Advances the clock until event `id` has `status`; rejects with WAIT_BLOCKED when it never can
   * (a final status, a workflow not started) or WAIT_TIMEOUT after `maxMs` (default `waitLimitMs`).
   */
  waitForStatus(id: string | bigint, status: EventStatusInput, options?: { maxMs?: number }): Promise<EventView>;

  /** Closes the storage; later calls reject with CLOSED. */
  close(): Promise<void>;
}
