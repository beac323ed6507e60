// The chart of the counts per status over the period shown (uPlot): from the engine's
// `statusOverTime`, which counts every event of the list's filter at 120 points from the oldest
// event (or the filter's "Created from") to the clock (or "Created to"), from the events' own
// status histories. A click on the chart shows the list as it stood then; the moment shown is
// a vertical line.

import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { html } from '../html.js';
import { utcTicks } from '../time.js';

const COLORS = { pending: '#6b4fd8', pendingDelivery: '#9a5b00', sent: '#1e7a3a', ignored: '#6b7280', deliveryFailed: '#b42318', notTakenIntoAccount: '#8a2be2', expired: '#7c2d12' };

/** `overTime`: the engine's answer; `asOf`: the moment shown (ms), if any; `onPick(ms)`: a click. */
export function StatusChart({ overTime, labels, asOf, onPick }) {
  const box = useRef(null);
  const plot = useRef(null);
  const marker = useRef(asOf);
  marker.current = asOf;
  const pick = useRef(onPick);
  pick.current = onPick;
  const points = overTime?.points ?? [];
  useEffect(() => {
    if (!box.current) return undefined;
    const statuses = labels.statuses;
    const width = Math.max(300, Math.min(box.current.clientWidth || 800, 1100));
    plot.current = new uPlot(
      {
        width,
        height: 170,
        title: 'Counts per status over the period shown',
        scales: { x: { time: true } },
        // Room on the right for the last tick's label.
        padding: [null, 28, null, null],
        // Virtual time as the rest of the app writes it (UTC): the date under the first tick and
        // wherever the day changes.
        axes: [{ stroke: '#5b6574', size: 48, values: utcTicks }, { stroke: '#5b6574', size: 56, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 100000] }],
        series: [
          { label: 'Virtual time (UTC)', value: (_, v) => (v === null ? '' : new Date(v * 1000).toISOString().replace('T', ' ').slice(0, 19)) },
          ...statuses.map((s) => ({ label: s.label, stroke: COLORS[s.name], width: 1.5 })),
        ],
        legend: { live: false },
        hooks: {
          // The moment the list shows: a vertical line.
          draw: [
            (u) => {
              if (marker.current === null || marker.current === undefined) return;
              const x = u.valToPos(marker.current / 1000, 'x', true);
              const { ctx } = u;
              ctx.save();
              ctx.strokeStyle = '#14233c';
              ctx.setLineDash([4, 3]);
              ctx.beginPath();
              ctx.moveTo(x, u.bbox.top);
              ctx.lineTo(x, u.bbox.top + u.bbox.height);
              ctx.stroke();
              ctx.restore();
            },
          ],
          ready: [
            (u) => {
              u.over.addEventListener('click', () => {
                const v = u.posToVal(u.cursor.left, 'x');
                if (Number.isFinite(v) && pick.current) pick.current(Math.round(v) * 1000);
              });
            },
          ],
        },
      },
      [[], ...statuses.map(() => [])],
      box.current,
    );
    return () => plot.current.destroy();
  }, [labels.statuses, points.length > 0]);
  useEffect(() => {
    if (!plot.current || points.length === 0) return;
    const data = [points.map((p) => p.ms / 1000), ...labels.statuses.map((s) => points.map((p) => p.byStatus[s.name]))];
    plot.current.setData(data);
    // One moment only: a minute around it.
    if (data[0][0] === data[0].at(-1)) plot.current.setScale('x', { min: data[0][0] - 60, max: data[0][0] + 60 });
  }, [overTime, labels.statuses]);
  useEffect(() => plot.current?.redraw(false, false), [asOf]);
  if (points.length === 0) {
    return html`<p class="chart empty">No event under this filter yet: the chart shows the counts per status over time once events are pushed.</p>`;
  }
  const text = (iso) => iso.replace('T', ' ').slice(0, 19);
  const last = points.at(-1).byStatus;
  const now = labels.statuses.filter((s) => last[s.name] > 0).map((s) => `${last[s.name].toLocaleString('en-US')} ${s.label}`).join(', ');
  return html`<figure class="chart" aria-label="Chart of the counts per status over the period shown (click to see the list as it stood then)">
    <div ref=${box}></div>
    <figcaption class="hint">From ${text(overTime.start)} to ${text(overTime.end)} UTC: ${overTime.events.toLocaleString('en-US')} ${overTime.events === 1 ? 'event' : 'events'}${now ? `; at the end, ${now}` : ''}.</figcaption>
  </figure>`;
}
