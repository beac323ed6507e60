// Snapshots of a store: the browser app's sandbox export format (a header line, then one
// `["key", "value"]` record per line), as `GET /__mc/snapshot` writes them and `POST /__mc/restore`
// and a config file's `fixtures` read them.

import { httpError } from './errors.js';

/** The format named on a snapshot's first line. */
export const SNAPSHOT_FORMAT = 'message-center-sandbox/1';

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
  let header = null;
  try {
    header = JSON.parse(lines[0]);
  } catch {
    // Said below.
  }
  if (header?.format !== SNAPSHOT_FORMAT) throw bad(`not a snapshot (its first line should name the format ${SNAPSHOT_FORMAT})`);
  const records = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i] === '') continue;
    let r;
    try {
      r = JSON.parse(lines[i]);
    } catch {
      r = null;
    }
    if (!Array.isArray(r) || r.length !== 2 || typeof r[0] !== 'string' || r[0] === '' || typeof r[1] !== 'string') throw bad(`line ${i + 1} is not a record (["key", "value"])`);
    records.push(r);
  }
  return records;
}
