// Export of the filtered status list as CSV or JSON, read page by page from the engine (never the
// whole list in memory at once as objects: each page becomes text as it comes), with progress and
// a cancel button; then a file download.

const CSV_COLUMNS = [
  ['id', (e) => e.id],
  ['instance', (e) => e.instance],
  ['queue', (e) => e.queue],
  ['eventType', (e) => e.type],
  ['channel', (e) => e.wishedChannel],
  ['status', (e) => e.status],
  ['statusLabel', (e) => e.statusLabel],
  ['numberOfErrors', (e) => e.errors],
  ['created', (e) => e.created],
  ['processRequestedOn', (e) => e.processRequestedOn],
  ['processed', (e) => e.processed],
  ['email', (e) => e.email],
  ['mobilePhone', (e) => e.mobilePhone],
  ['externalId', (e) => e.externalId],
  ['template', (e) => e.template],
  ['delivery', (e) => e.delivery],
];

/** A CSV field (RFC 4180), with text that a spreadsheet would run as a formula made inert. */
export function csvField(v) {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function download(name, parts, type) {
  const url = URL.createObjectURL(new Blob(parts, { type }));
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Starts an export; `onProgress({ done, total })`. Returns `{ done, cancel }`. */
export function exportEvents(mc, filter, format, onProgress) {
  let cancelled = false;
  const done = (async () => {
    const parts = [];
    if (format === 'csv') parts.push(`${CSV_COLUMNS.map(([h]) => h).join(',')}\r\n`);
    else parts.push('[\n');
    let after = null;
    let n = 0;
    let total = null;
    // Pages may come back short or empty (a call's scan budget), never forever: a token seen
    // twice ends it with an error.
    const seen = new Set();
    for (;;) {
      if (cancelled) return null;
      const page = await mc.listEvents({ ...filter, limit: 500, ...(after ? { after } : {}) });
      if (page.next && seen.has(page.next)) throw Object.assign(new Error('the list does not move on: export stopped'), { code: 'INTERNAL' });
      if (page.next) seen.add(page.next);
      total ??= page.total;
      if (format === 'csv') parts.push(page.events.map((e) => `${CSV_COLUMNS.map(([, f]) => csvField(f(e))).join(',')}\r\n`).join(''));
      else if (page.events.length > 0) parts.push(`${n > 0 ? ',\n' : ''}${page.events.map((e) => JSON.stringify(e)).join(',\n')}`);
      n += page.events.length;
      onProgress({ done: n, total });
      if (!page.next) break;
      after = page.next;
    }
    if (format === 'json') parts.push('\n]\n');
    const base = `events-${filter.instance}${filter.queue ? `-${filter.queue}` : ''}`;
    download(`${base}.${format}`, parts, format === 'csv' ? 'text/csv' : 'application/json');
    return n;
  })();
  return {
    done,
    cancel: () => {
      cancelled = true;
    },
  };
}
