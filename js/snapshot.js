// The snapshot of a store: a header line naming the format, then one ["key", "value"] record per
// line. The browser app exports a sandbox in it and imports one (www/src/worker.js); the service
// writes it at GET /__mc/snapshot and reads it at POST /__mc/restore and from a config's fixtures
// (js/server/snapshot.js). Read here once for both; each says what is wrong in its own words.

/** The format named on a snapshot's first line. */
export const SNAPSHOT_FORMAT = 'message-center-sandbox/1';

/** The header of a snapshot (its first line, `{ format, name }`), or null when the line is not one. */
export function snapshotHeader(line) {
  let header = null;
  try {
    header = JSON.parse(line ?? 'null');
  } catch {
    return null;
  }
  return header?.format === SNAPSHOT_FORMAT ? header : null;
}

/** The record of one line, `[key, value]` with a key, or null when the line is not one. */
export function snapshotRecord(line) {
  let r;
  try {
    r = JSON.parse(line);
  } catch {
    return null;
  }
  return Array.isArray(r) && r.length === 2 && typeof r[0] === 'string' && r[0] !== '' && typeof r[1] === 'string' ? r : null;
}
