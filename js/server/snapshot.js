// Snapshots of a store: the browser app's sandbox export format (a header line, then one
// `["key", "value"]` record per line), as `GET /__mc/snapshot` writes them and `POST /__mc/restore`
// and a config file's `fixtures` read them.

import { SNAPSHOT_FORMAT, snapshotHeader, snapshotRecord } from '../snapshot.js';
import { httpError } from './errors.js';

export { SNAPSHOT_FORMAT };

/**
 * The records of a snapshot's text, every line checked before anything is written (400
 * `INVALID_ARGUMENT` naming the line otherwise).
 * @param {string} text
 * @param {string} what the snapshot's name in messages (a file, "the request body")
 * @returns {[string, string][]}
 */
export function readSnapshot(text, what) {
  const lines = text.split('\n');
  const bad = (m) => httpError(400, 'INVALID_ARGUMENT', `${what}: ${m}`);
  if (!snapshotHeader(lines[0])) throw bad(`not a snapshot (its first line should name the format ${SNAPSHOT_FORMAT})`);
  const records = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i] === '') continue;
    const r = snapshotRecord(lines[i]);
    if (!r) throw bad(`line ${i + 1} is not a record (["key", "value"])`);
    records.push(r);
  }
  return records;
}
