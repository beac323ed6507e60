// Types of `message-center/testing` (js/testing.js): the helpers a storage adapter's author tests with.

import type { StorageAdapter } from './index.js';

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
