// The `npm run demo` demo: a control instance and two execution instances in memory, on a virtual
// clock with a fixed seed (the same output every run). It sets up what a Campaign administrator
// sets up (external accounts, archiving workflows, event types, templates, publication, the
// execution workflows), pushes about forty events (through the load balancer and to named
// instances, real-time and batch, XML and JSON, outcome-directed test addresses and ordinary ones),
// lets four hours pass, and prints what the console would show.

import { MessageCenter } from '../js/node.js';

const START = '2026-03-02T08:00:00Z';
const SEED = 2026;
const HOUR = 3_600_000;

// ---- printing --------------------------------------------------------------------------------

const out = (s = '') => process.stdout.write(`${s}\n`);

function section(title) {
  out();
  out(title);
  out('═'.repeat(Math.min(100, title.length)));
}

/** `2026-03-02T08:00:03.759Z` → `2026-03-02 08:00:03`. */
function when(iso) {
  return iso ? iso.slice(0, 19).replace('T', ' ') : '';
}

/** `2026-03-02T08:00:03.759Z` → `08:00:03`. */
function hms(iso) {
  return iso ? iso.slice(11, 19) : '';
}

function cut(s, n) {
  s = String(s ?? '');
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/**
 * Prints rows under headers with aligned columns; columns whose header starts with '>' are
 * right-aligned.
 */
function table(headers, rows, indent = '  ') {
  const right = headers.map((h) => h.startsWith('>'));
  const names = headers.map((h) => h.replace(/^>/, ''));
  const cells = rows.map((r) => r.map((c) => String(c ?? '')));
  const widths = names.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const line = (r) => indent + r.map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  out(line(names));
  out(indent + widths.map((w) => '─'.repeat(w)).join('  '));
  for (const r of cells) out(line(r));
}

const STATUS_ORDER = ['pending', 'pendingDelivery', 'sent', 'ignored', 'deliveryFailed', 'notTakenIntoAccount', 'expired'];
const STATUS_LABEL = {
  pending: 'Pending',
  pendingDelivery: 'Pending delivery',
  sent: 'Sent',
  ignored: 'Ignored by the delivery',
  deliveryFailed: 'Delivery failed',
  notTakenIntoAccount: 'Event not taken into account',
  expired: 'Event expired',
};
const CHANNEL_LABEL = { email: 'Email', sms: 'Mobile (SMS)', mobileApp: 'Mobile application', ios: 'iOS', android: 'Android' };

/** Journal counters in words (singular, plural), in the order they are printed. */
const COUNT_WORDS = {
  processed: ['taken', 'taken'],
  routed: ['routed', 'routed'],
  processingErrors: ['processing error', 'processing errors'],
  notTakenIntoAccount: ['not taken into account', 'not taken into account'],
  expired: ['expired', 'expired'],
  attempts: ['send attempt', 'send attempts'],
  sent: ['sent', 'sent'],
  softBounces: ['soft bounce', 'soft bounces'],
  hardBounces: ['hard bounce', 'hard bounces'],
  asyncBounces: ['asynchronous bounce', 'asynchronous bounces'],
  ignored: ['ignored', 'ignored'],
  cancelled: ['cancelled', 'cancelled'],
  events: ['event archived', 'events archived'],
  deliveryLogs: ['delivery log archived', 'delivery logs archived'],
  eventsPurged: ['event purged', 'events purged'],
  deliveryLogsPurged: ['delivery log purged', 'delivery logs purged'],
  archivedEventsPurged: ['archived event purged', 'archived events purged'],
};

/** What runs of a workflow did; the status names `updateEventsStatus` counts become console labels. */
function describeCounts(workflow, counts) {
  const status = workflow === 'updateEventsStatus';
  const order = status ? STATUS_ORDER : Object.keys(COUNT_WORDS);
  const rank = (k) => (order.includes(k) ? order.indexOf(k) : order.length);
  return (
    Object.entries(counts)
      .filter(([k, n]) => k !== 'stale' && n > 0)
      .sort(([a], [b]) => rank(a) - rank(b))
      .map(([k, n]) => (status ? `${n} → ${STATUS_LABEL[k] ?? k}` : `${n} ${(COUNT_WORDS[k] ?? [k, k])[n === 1 ? 0 : 1]}`))
      .join(', ') || 'nothing to do'
  );
}

// ---- the scenario ----------------------------------------------------------------------------

const t0 = Date.now();
const mc = await MessageCenter.open({ seed: SEED, now: START });

out('Adobe Campaign Classic — Message Center simulator');
out(`Virtual clock ${when(mc.settings().now)} UTC, seed ${mc.settings().seed}, memory storage.`);
out('One control instance and two execution instances (mcExec1, mcExec2) behind a load balancer.');

section('Control › Administration › Platform › External accounts');
for (const [name, id] of [['mcExec1', 1], ['mcExec2', 2]]) {
  await mc.addExecutionInstance({ name, label: `Execution instance ${id}`, executionInstanceId: id, url: `http://mc-exec${id}.example.com:8080` });
}
table(
  ['Internal name', 'Label', '>Execution instance ID', 'URL', 'Enabled'],
  mc.executionInstances().map((a) => [a.name, a.label, a.executionInstanceId, a.url, a.enabled ? 'Yes' : 'No']),
);
out(`  Type: ${mc.executionInstances()[0].type}.`);
for (const a of mc.executionInstances()) if (a.warning) out(`  ⚠ ${a.name}: ${a.warning}`);
out();
out('  "Create the archiving workflow" on each account:');
for (const a of mc.executionInstances()) {
  const wf = await mc.createArchivingWorkflow(a.name);
  out(`    ✓ ${wf.name} ("${wf.label}") created in ${wf.folder}, ${wf.stateLabel.toLowerCase()}, hourly`);
}

section('Control › Administration › Platform › Enumerations › eventType');
for (const [name, label] of [
  ['order_confirmation', 'Order confirmation'],
  ['password_reset', 'Password reset'],
  ['otp_code', 'One-time code'],
  ['loyalty_points', 'Loyalty points'],
]) {
  await mc.addEventType({ name, label });
}
table(['Internal name', 'Label'], mc.eventTypes().map((t) => [t.name, t.label]));

section('Control › Message Center › Transactional message templates');
await mc.createTemplate({
  name: 'orderConfirmation',
  label: 'Order confirmation',
  eventType: 'order_confirmation',
  channel: 'email',
  subject: 'Your order <%= rtEvent.ctx.order.@number %> is confirmed',
  html:
    '<p>Hello <%= escapeXMLString(rtEvent.ctx.customer.@firstName) %>,</p>' +
    '<p>We have received your order <b><%= rtEvent.ctx.order.@number %></b> for <%= rtEvent.ctx.order.@total %>.</p>' +
    "<p><%@ include view='MirrorPage' %></p>",
  text: 'Hello <%= rtEvent.ctx.customer.@firstName %>, order <%= rtEvent.ctx.order.@number %> (<%= rtEvent.ctx.order.@total %>) is confirmed.',
  seeds: [
    { name: 'esther', label: 'Esther Hall (seed)', email: 'esther.hall@example.com', externalId: '1596', ctx: { order: { '@number': 'CN1596', '@total': '€84.90' }, customer: { '@firstName': 'Esther' } } },
    { name: 'john', label: 'John Doe (seed)', email: 'john.doe@example.com', ctx: '<ctx><order number="CN23453" total="€12.00"/><customer firstName="John"/></ctx>' },
  ],
});
await mc.createTemplate({
  name: 'passwordReset',
  label: 'Password reset',
  eventType: 'password_reset',
  channel: 'email',
  subject: 'Reset your password',
  html: '<p>Follow <a href="<%= rtEvent.ctx.link %>">this link</a> to choose a new password.</p>',
  text: 'Reset your password: <%= rtEvent.ctx.link %>',
  seeds: [{ name: 'seed1', email: 'qa@example.com', ctx: { link: 'https://shop.example.com/reset/TEST' } }],
});
await mc.createTemplate({
  name: 'otpSms',
  label: 'One-time code (SMS)',
  eventType: 'otp_code',
  channel: 'sms',
  text: 'Your code is <%= rtEvent.ctx.@code %>. It expires in 10 minutes.',
  seeds: [{ name: 'seed1', mobilePhone: '+447700900000', ctx: { '@code': '000000' } }],
});
table(
  ['Label', 'Internal name', 'Channel', 'Event type', 'Seed addresses', 'Publication status'],
  mc.templates().map((t) => [t.label, t.name, CHANNEL_LABEL[t.channel] ?? t.channel, t.eventType ?? '(None specified)', t.seeds.length, t.publication]),
);

const preview = mc.preview('orderConfirmation', 'esther');
out();
out(`  Preview of "Order confirmation" with the seed address "Esther Hall (seed)":`);
out(`    Subject: ${preview.subject}`);
out(`    HTML:    ${preview.html}`);
out(`    Text:    ${preview.text}`);

section('Publication');
for (const t of mc.templates()) {
  const r = await mc.publish(t.name);
  for (const line of r.log) out(`  ${line}`);
  out();
}
table(
  ['Execution instance', 'Deployed template', 'Queue', 'Mode', 'Publication status'],
  ['mcExec1', 'mcExec2'].flatMap((i) => mc.publishedTemplates(i).map((c) => [i, c.name, c.queue === 'rt' ? 'Real time' : 'Batch', c.mode, c.publicationStatus])),
);

section('Execution instances › Administration › Production › Message Center › Technical workflows');
for (const instance of ['mcExec1', 'mcExec2']) {
  for (const wf of ['rtEventsProcessing', 'batchEventsProcessing', 'updateEventsStatus']) await mc.startWorkflow(instance, wf);
}
out('  Started rtEventsProcessing, batchEventsProcessing and updateEventsStatus on mcExec1 and mcExec2');
out('  (execution workflows are created stopped, as in Campaign).');
await mc.denylist('mcExec1', 'no.mail@example.com');
out('  Denylisted no.mail@example.com on mcExec1.');

// ---- events ----------------------------------------------------------------------------------

section(`Events received at ${hms(mc.settings().now)} (PushEvent / PushEvents)`);
const pushed = [];
/** Pushes and records one line per event for the table below. */
async function push(call, format, events, options = {}) {
  const list = Array.isArray(events) ? events : [events];
  // `note` only labels the row of the table below; the event itself does not carry it.
  const bare = list.map(({ note, ...e }) => e);
  const result = call === 'PushEvent' ? [await mc.pushEvent(bare[0], options)] : await mc.pushEvents(bare, options);
  result.forEach((r, i) => {
    const e = list[i];
    pushed.push([`${call} (${format})`, options.instance ?? 'loadBalancer', r.instance, r.id, r.queue === 'rt' ? 'Real time' : 'Batch', e.type, e.email ?? e.mobilePhone, e.note ?? '']);
  });
}

const customers = [
  ['Ada', 'ada.lovelace@example.com'],
  ['Grace', 'grace.hopper@example.com'],
  ['Alan', 'alan.turing@example.co.uk'],
  ['Katherine', 'k.johnson@example.org'],
  ['Linus', 'linus@example.fi'],
  ['Margaret', 'm.hamilton@example.com'],
  ['Edsger', 'edsger@example.nl'],
  ['Barbara', 'b.liskov@example.com'],
  ['Donald', 'knuth@example.edu'],
  ['Frances', 'f.allen@example.com'],
];
const order = (n, email, firstName, extra = {}) => ({
  type: 'order_confirmation',
  email,
  externalId: String(1000 + n),
  origin: 'eCommerce',
  ctx: { order: { '@number': `CN${23450 + n}`, '@total': `€${(19.9 + n * 7.5).toFixed(2)}` }, customer: { '@firstName': firstName } },
  ...extra,
});

// Ordinary customers, one PushEvent each, through the load balancer (round robin).
for (const [i, [firstName, email]] of customers.entries()) await push('PushEvent', 'JSON', order(i, email, firstName));

// Outcome-directed test addresses (one per outcome), through the load balancer.
const tests = [
  ['sent@mc-sim.test', 'sent'],
  ['ignored@mc-sim.test', 'ignored by the MTA'],
  ['hard@mc-sim.test', 'hard bounce'],
  ['soft-2@mc-sim.test', '2 soft bounces, then sent'],
  ['soft@mc-sim.test', 'soft bounce at every try'],
  ['bounce-20m@mc-sim.test', 'sent, bounces 20 min later'],
  ['delay-90s@mc-sim.test', 'sent after 90 s'],
  ['procerr-2@mc-sim.test', '2 processing errors, then sent'],
  ['procerr@mc-sim.test', 'processing error at every try'],
];
await push(
  'PushEvents',
  'JSON',
  tests.map(([email, note], i) => ({ ...order(20 + i, email, 'Tess'), note })),
);

// A PushEvent in Campaign's XML, to a named instance.
const resetXml = (email, token) =>
  `<rtEvent type="password_reset" email="${email}" origin="website" wishedChannel="0" emailFormat="2"><ctx><link>https://shop.example.com/reset/${token}</link></ctx></rtEvent>`;
{
  const r = await mc.pushEvent(resetXml('alan.turing@example.co.uk', 'a1b2c3'), { instance: 'mcExec2' });
  pushed.push(['PushEvent (XML)', 'mcExec2', r.instance, r.id, 'Real time', 'password_reset', 'alan.turing@example.co.uk', '']);
}

// SMS one-time codes: SMS test numbers (+9990 sent, +9992 hard bounce, +9994 asynchronous bounce) and a real-looking one.
const otp = (mobilePhone, code, note = '') => ({ type: 'otp_code', mobilePhone, wishedChannel: 1, ctx: { '@code': code }, note });
await push('PushEvents', 'JSON', [otp('+99900000001', '481516', 'SMS sent'), otp('+99920000002', '234200', 'SMS hard bounce'), otp('+99940000003', '112358', 'SMS async bounce'), otp('+447700900123', '271828')]);

// Batch events: a PushEvents XML collection to mcExec1, a JSON batch to mcExec2.
const batchXml = [
  '<Events>',
  ...customers.slice(0, 5).map(
    ([firstName, email], i) =>
      `<batchEvent type="order_confirmation" email="${email}" origin="backOffice" externalId="${2000 + i}"><ctx><order number="BO${700 + i}" total="€${(5 + i).toFixed(2)}"/><customer firstName="${firstName}"/></ctx></batchEvent>`,
  ),
  '</Events>',
].join('');
{
  const rs = await mc.pushEvents(batchXml, { instance: 'mcExec1' });
  rs.forEach((r, i) => pushed.push(['PushEvents (XML)', 'mcExec1', r.instance, r.id, 'Batch', 'order_confirmation', customers[i][1], '']));
}
await push(
  'PushEvents',
  'JSON',
  customers.slice(5, 9).map(([firstName, email], i) => ({ ...order(40 + i, email, firstName), origin: 'backOffice' })),
  { instance: 'mcExec2', queue: 'batch' },
);

// Routing and scheduling cases.
const at = (ms) => new Date(mc.now() + ms).toISOString();
await push('PushEvent', 'JSON', { type: 'loyalty_points', email: 'frances.points@example.com', ctx: { '@points': 120 }, note: 'no template for this type' });
await push('PushEvent', 'JSON', { ...order(60, 'late.buyer@example.com', 'Lee'), scheduled: at(2 * HOUR), note: 'scheduled 2 h later' });
await push('PushEvent', 'JSON', { ...order(61, 'too.late@example.com', 'Tom'), scheduled: at(HOUR), expiration: at(30 * 60_000), note: 'expires before its schedule' });
await push('PushEvent', 'JSON', order(62, 'no.mail@example.com', 'Nora', { note: 'on the denylist' }), { instance: 'mcExec1' });

table(
  ['Call', 'Sent to', 'Executed by', 'Event id', 'Queue', 'Event type', 'Address', 'Test address asks for'],
  pushed.map((r) => r.map((c) => String(c))),
);
const byInstance = {};
for (const r of pushed) (byInstance[r[2]] ??= []).push(r);
out();
out(`  ${pushed.length} events: ${Object.entries(byInstance).map(([k, v]) => `${v.length} on ${k}`).join(', ')}.`);
out('  Event ids carry the execution instance id in their top byte (72057594037927937 = 1 << 56 | 1).');

// What is refused at reception, before anything is stored.
out();
out('  Refused at reception (nothing stored):');
for (const [what, call] of [
  ['an event type outside the eventType enumeration', () => mc.pushEvent({ type: 'birthday', email: 'x@example.com', ctx: {} })],
  ['a PushEvents whose 2nd event has a bad email', () => mc.pushEvents([order(90, 'ok@example.com', 'Ok'), order(91, 'not-an-email', 'Bad')])],
  ['malformed XML', () => mc.pushEvent('<rtEvent type="order_confirmation" email="a@example.com"><ctx></rtEvent>')],
]) {
  try {
    await call();
    out(`    ${what}: accepted?!`);
  } catch (e) {
    out(`    ${what}: ${e.code} — ${cut(e.message, 90)}`);
  }
}

// ---- time passes ------------------------------------------------------------------------------

section('Four hours of virtual time, hour by hour (from the workflow journals)');
const runsBefore = () => new Map(mc.workflows().map((w) => [`${w.instance}/${w.name}`, w.runs]));
for (let h = 0; h < 4; h++) {
  const before = runsBefore();
  const from = hms(mc.settings().now).slice(0, 5);
  const r = await mc.advance(HOUR);
  out();
  out(`  ${from} → ${hms(r.now).slice(0, 5)}   ${r.steps} workflow steps`);
  const rows = [];
  for (const w of mc.workflows()) {
    const runs = w.runs - (before.get(`${w.instance}/${w.name}`) ?? 0);
    if (runs <= 0) continue;
    const j = await mc.journal(w.instance, w.name, { limit: Math.min(runs, 500) });
    const counts = {};
    for (const run of j.runs) for (const [k, n] of Object.entries(run.counts)) counts[k] = (counts[k] ?? 0) + n;
    rows.push([w.instance, w.name, runs, describeCounts(w.name, counts)]);
  }
  const order_ = ['rtEventsProcessing', 'batchEventsProcessing', 'mta', 'updateEventsStatus', 'cleanup'];
  rows.sort((a, b) => a[0].localeCompare(b[0]) || order_.indexOf(a[1]) - order_.indexOf(b[1]));
  if (rows.length) table(['Instance', 'Workflow', '>Runs', 'What the runs did'], rows, '    ');
  else out('    (nothing to do: idle ticks are not run)');
}

// ---- what the console shows ------------------------------------------------------------------

for (const instance of ['mcExec1', 'mcExec2']) {
  section(`${instance} › Message Center › Real time events and Batch events (newest first)`);
  const page = await mc.listEvents({ instance, limit: 100 });
  table(
    ['Id', 'Queue', 'Event type', 'Channel', 'Address', 'Status', 'Process requested on', '>Errors'],
    page.events.map((e) => [
      e.id,
      e.queue === 'rt' ? 'Real time' : 'Batch',
      e.type,
      CHANNEL_LABEL[e.wishedChannel] ?? e.wishedChannel,
      cut(e.email ?? e.mobilePhone ?? e.registrationToken, 28),
      e.statusLabel,
      when(e.processRequestedOn),
      e.errors || '',
    ]),
  );
}

section('Events per status');
const columns = ['mcExec1', 'mcExec2', 'control'];
const counts = columns.map((instance) => mc.countEvents({ instance }));
table(
  ['Status', '>Code', 'REST (ACS)', ...columns.map((c) => `>${c === 'control' ? 'control (archived)' : c}`)],
  [
    ...STATUS_ORDER.map((s, i) => [STATUS_LABEL[s], i, ['pending', 'processing', 'processed', 'ignored', 'deliveryFailed', 'routingFailed', 'tooOld'][i], ...counts.map((c) => c.byStatus[s])]),
    ['Total', '', '', ...counts.map((c) => c.total)],
  ],
);

section('mcPing (GET /nl/jsp/mcPing.jsp on each execution instance)');
for (const instance of ['mcExec1', 'mcExec2']) {
  out(`  ${instance}:`);
  for (const line of mc.mcPing(instance).text.split('\n')) out(`    ${line}`);
}

section('Workflows');
table(
  ['Instance', 'Internal name', 'Label', 'Status', '>Runs', 'Last run', 'Next run'],
  mc.workflows().map((w) => [w.instance, w.name, w.label, w.stateLabel, w.runs, when(w.lastRun), when(w.nextRun)]),
);

section('Control › Message Center › Event history (archived by mcSynch_*)');
const archived = mc.countEvents({ instance: 'control' });
out(`  ${archived.total} archived events: ${STATUS_ORDER.filter((s) => archived.byStatus[s]).map((s) => `${archived.byStatus[s]} ${STATUS_LABEL[s]}`).join(', ')}.`);
out();
const first = await mc.listEvents({ instance: 'control', limit: 10 });
table(
  ['Id', 'Instance', 'Event type', 'Address', 'Status', 'Execution delivery', 'Archived on'],
  first.events.map((e) => [e.id, e.instance, e.type, cut(e.email ?? e.mobilePhone, 26), e.statusLabel, e.delivery ?? '', when(e.archived)]),
);
out(`  (first page of 10; next page token: ${first.next})`);

// One event's story, as the event form and its delivery log show it.
const soft2 = pushed.find((r) => r[6] === 'soft-2@mc-sim.test');
const story = await mc.getEvent(soft2[3]);
section(`The story of event ${story.event.id} (soft-2@mc-sim.test)`);
for (const h of story.event.history) out(`  ${when(h.at)}  ${h.statusLabel.padEnd(17)} by ${h.by}${h.note ? ` — ${h.note}` : ''}`);
out('  Delivery log:');
for (const l of story.broadLog.log) out(`  ${when(l.at)}  ${l.text}`);

await mc.close();
out();
out(`Done in ${((Date.now() - t0) / 1000).toFixed(1)} s of real time.`);
