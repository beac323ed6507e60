// A chart of the counts per status over virtual time (uPlot), sampled each time the engine
// changed while the view is open: the statuses moving as the clock runs.

import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { html } from '../html.js';
import { mc, now, version } from '../engine.js';
import { utcTicks } from '../time.js';

const COLORS = { pending: '#6b4fd8', pendingDelivery: '#c07a00', sent: '#1e7a3a', ignored: '#6b7280', deliveryFailed: '#b42318', notTakenIntoAccount: '#8a2be2', expired: '#7c2d12' };
const MAX_POINTS = 600;

export function StatusChart({ filter, labels }) {
  const box = useRef(null);
  const plot = useRef(null);
  const data = useRef(null);
  const key = JSON.stringify([filter.instance, filter.queue, filter.type, filter.channel, filter.query]);
  useEffect(() => {
    const statuses = labels.statuses;
    data.current = [[], ...statuses.map(() => [])];
    const width = Math.max(320, Math.min(box.current.clientWidth || 800, 1100));
    plot.current = new uPlot(
      {
        width,
        height: 160,
        title: 'Counts per status over virtual time',
        scales: { x: { time: true, auto: false } },
        // Room on the right for the last tick's label (it was cut).
        padding: [null, 28, null, null],
        // Virtual time as the rest of the app writes it (UTC, `2026-01-02` then `08:32:20`), never
        // the browser's local format: the date under the first tick and wherever the day changes.
        axes: [{ stroke: '#5b6574', size: 48, values: utcTicks }, { stroke: '#5b6574', size: 56 }],
        series: [{ label: 'Virtual time (UTC)', value: (_, v) => (v === null ? '' : new Date(v * 1000).toISOString().slice(11, 19)) }, ...statuses.map((s) => ({ label: s.label, stroke: COLORS[s.name], width: 1.5 }))],
        legend: { live: false },
      },
      data.current,
      box.current,
    );
    return () => plot.current.destroy();
  }, [key]);
  const v = version.value;
  useEffect(() => {
    let gone = false;
    mc.countEvents({ instance: filter.instance, queue: filter.queue ?? null, type: filter.type ?? null, channel: filter.channel ?? null, query: filter.query ?? null }).then(
      (c) => {
        if (gone || !plot.current || now.value === null) return;
        const d = data.current;
        const t = now.value / 1000;
        if (d[0].length > 0 && d[0].at(-1) >= t) {
          // Same instant: replace the last point.
          for (const [i, s] of labels.statuses.entries()) d[i + 1][d[0].length - 1] = c.byStatus[s.name];
        } else {
          d[0].push(t);
          for (const [i, s] of labels.statuses.entries()) d[i + 1].push(c.byStatus[s.name]);
          if (d[0].length > MAX_POINTS) for (const a of d) a.shift();
        }
        plot.current.setData(d, false);
        const [min, max] = [d[0][0], d[0].at(-1)];
        plot.current.setScale('x', max - min < 120 ? { min: min - 60, max: max + 60 } : { min, max });
      },
      () => {},
    );
    return () => {
      gone = true;
    };
  }, [v, key]);
  return html`<figure class="chart" aria-label="Chart of the counts per status over virtual time"><div ref=${box}></div></figure>`;
}
