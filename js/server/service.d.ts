// TypeScript declarations of `message-center/server`: the Campaign-compatible service (docs/service.md,
// "The Campaign-compatible service").

import type { Server } from 'node:http';
import type { ConfigPatch, MessageCenter, TemplateInput, EventTypeInput, AccountInput } from '../index.js';

/** An execution instance of the topology: its account, and how this process serves it. */
export type ServiceInstance = AccountInput & {
  /** Whether this process archives it (default true; false on an execution process whose control is elsewhere). */
  archive?: boolean;
  /** With `remote: true`: an operator of the process that runs it, whose login and password the archiving uses. */
  login?: string;
  password?: string;
};

/** What `startService` takes; every field is optional. */
export interface ServiceOptions {
  /** Address to listen on (default `127.0.0.1`). */
  host?: string;
  /** TCP port (default 8080; 0 picks a free one). */
  port?: number;
  /** Directory of the durable SQLite store (default: in memory). Needs better-sqlite3 12.x. */
  data?: string | null;
  /** `real` (default: the workflows run as time passes) or `virtual` (moved by `POST /__mc/clock/advance`). */
  clock?: 'real' | 'virtual';
  /** The clock of a fresh store (default: now). */
  now?: string | number;
  /** The seed of a fresh store. */
  seed?: string | number;
  /** Engine configuration (operators, trusted ranges, thresholds…), applied at every start. */
  config?: ConfigPatch;
  /** The topology of a fresh store (default: one execution instance, `mcExec1`, id 1). */
  topology?: { instances?: ServiceInstance[]; eventTypes?: Array<string | EventTypeInput>; templates?: TemplateInput[] };
  /** Largest request body in bytes (413 above it). */
  maxBodyBytes?: number;
  requestTimeoutMs?: number;
  headersTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
  maxConnections?: number;
  /** Request body bytes held at once over every request (503 above it; default 64 MiB). */
  maxInflightBodyBytes?: number;
  /** Whether the writes of concurrent requests share one storage transaction, one fsync (default true). */
  groupCommit?: boolean;
  /** Whether requests with an `Origin` header (web pages) are served (default false: 403). */
  allowOrigin?: boolean;
  /** Real clock: how often due workflow steps run (ms). */
  tickMs?: number;
  /** Idempotency keys of the REST facade remembered per Message Center (default 10,000). */
  idempotencyKeys?: number;
  /** A snapshot file (GET /__mc/snapshot, or a sandbox export of the browser app) loaded into a fresh store at start. */
  fixtures?: string | null;
  /** Largest snapshot POST /__mc/restore takes (default 256 MiB). */
  maxSnapshotBytes?: number;
  /** Requests kept in each Message Center's journal (default 1,000). */
  journalSize?: number;
  /** Namespaces (`X-MC-Namespace`) open at once (default 100). */
  maxNamespaces?: number;
  /** Whether the admin endpoints (`/__mc/`) answer other addresses than loopback (default false). */
  adminAnywhere?: boolean;
  /**
   * Host names under which the admin endpoints, the console and its stream answer, besides the
   * loopback names (`127.0.0.1`, `localhost`, `[::1]`) and IP addresses (default none): a request
   * with another `Host` is refused (403 `FORBIDDEN_HOST`), as a page whose name rebinds to this
   * address sends it. Under another `Host` the SOAP router, the REST facade and the lending answer,
   * but their caller is in no trusted range (an empty password does not log on).
   */
  allowedHosts?: string[];
  /**
   * The proxies whose forwarding headers are believed (default false: none). `true`: a proxy on
   * this host (a loopback peer); a list: its addresses and CIDR ranges (`10.0.0.5`,
   * `10.1.0.0/16`, `2001:db8::/32`; loopback only when listed). From such a peer, the client its
   * forwarding headers name (`X-Forwarded-For`, `Forwarded`, `X-Real-IP`; `X-Forwarded-Host`) is
   * the caller, for the local-only routes, the trusted ranges and the budget of failed logons.
   * From any other peer they are ignored, and refused on the local-only routes (403
   * `FORBIDDEN_FORWARDED`).
   */
  trustedProxy?: boolean | string[];
  /**
   * The budget of failed logons (a wrong password or token, ACCESS_DENIED) within a sliding
   * window of `windowMs`: past `perPeer` from one client address, or `total` from all, the calls
   * that authenticate (SOAP router, REST facade, storage lending) from that address, or from
   * everybody, are refused before the engine: SOAP with a `Server` fault (HTTP 503), REST and
   * lending 429 `TOO_MANY_FAILED_LOGONS`, with `Retry-After`. Default `{ perPeer: 10, total: 25,
   * windowMs: 10000 }`; a part given takes the defaults for the rest.
   */
  maxFailedLogons?: { perPeer?: number; total?: number; windowMs?: number };
  /**
   * The wall clock (ms) the service's own budgets read (the window of `maxFailedLogons`), default
   * `performance.now`: a test gives its own and moves it instead of waiting.
   */
  wallClock?: () => number;
  /** Receives one structured entry per request and per failure. */
  log?: (entry: Record<string, unknown>) => void;
}

/** A running service. */
export interface Service {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** The Message Center behind it. */
  mc: MessageCenter;
  /** The HTTP server. */
  server: Server;
  /** Whether the clock is virtual. */
  virtual: boolean;
  /** Refuses new requests with 503, lets the running step finish, closes the store. */
  close(): Promise<void>;
}

/** Starts the service; resolves once it listens. */
export function startService(options?: ServiceOptions): Promise<Service>;

/** The defaults of the HTTP side. */
export const DEFAULTS: Readonly<Required<Pick<ServiceOptions, 'host' | 'port' | 'maxBodyBytes' | 'requestTimeoutMs' | 'headersTimeoutMs' | 'keepAliveTimeoutMs' | 'maxConnections' | 'journalSize' | 'maxNamespaces' | 'maxInflightBodyBytes' | 'allowOrigin' | 'adminAnywhere' | 'allowedHosts' | 'trustedProxy' | 'maxFailedLogons' | 'tickMs'>> & { instances: AccountInput[] }>;
