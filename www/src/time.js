// Virtual time as the console writes it everywhere: UTC, `2026-01-02 08:32:20`, never the
// browser's local format. Pure functions (tests/js/app-time.test.mjs runs them in Node).

/** The labels of a time axis (uPlot's `values`, seconds): `HH:MM` (`HH:MM:SS` under ten minutes), with the date under the first tick and wherever the day changes. */
export function utcTicks(_u, splits) {
  const span = splits.length > 1 ? splits.at(-1) - splits[0] : 0;
  let day = null;
  return splits.map((s) => {
    if (s === null || s === undefined) return '';
    const iso = new Date(s * 1000).toISOString();
    const time = span < 600 ? iso.slice(11, 19) : iso.slice(11, 16);
    const d = iso.slice(0, 10);
    const label = d !== day ? `${time}\n${d}` : time;
    day = d;
    return label;
  });
}
