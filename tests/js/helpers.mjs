// Shared scenario of the JavaScript and browser tests. Browser-safe: no `node:` import and no import
// of the package (the caller passes the MessageCenter), so tests/browser/engine.js can load it in a
// page. The digest (node:crypto) lives in tests/js/digest.mjs.
//
// The scenario is a list of steps. Each step is ONE public API call (so a test can fail a storage
// write inside it and call the same step again), tagged with the kind of work it does; phases end
// with a checkpoint (where a test can close and reopen the MessageCenter). It builds:
//   - a control with two execution instances (exec1 id 1, exec2 id 2) and their archiving workflows;
//   - event types, three templates (an email order confirmation personalised from ctx with
//     escapeXMLString, an SMS template, an invoice template used through the batch queue);
//   - ~60 events, real-time and batch, XML and JSON, through the load balancer and to named
//     instances: test addresses (sent, ignored, hard, soft, soft-2, an asynchronous bounce, a
//     processing error retried then successful, one retried until "Event expired", a delayed send),
//     SMS test numbers, a denylisted address, a type/channel without template ("Event not taken
//     into account"), a scheduled event, an expired one, and ordinary addresses drawn from the seed;
//   - a clock moved from 00:30 to 05:30, crossing the hourly archiving and the 04:00 cleanup (the
//     purge delay is set to 2 hours so that the cleanup really purges; soft bounces are retried every
//     5, 10, 20, 40 minutes so that they end before it).

export const HOUR = 3_600_000;
export const MINUTE = 60_000;

/** Start of the scenario's virtual clock. */
export const START = Date.UTC(2026, 2, 2, 0, 30);
/** Where the scenario leaves the clock. */
export const END = START + 5 * HOUR;

/** Options for `MessageCenter.open` (add `storage`). */
export function openOptions(seed = '7') {
  return { seed, now: START, config: { eventPurgeDelayMs: 2 * HOUR, mtaRetryMs: 5 * MINUTE } };
}

const iso = (ms) => new Date(ms).toISOString();

/** A small deterministic generator (mulberry32) seeded from a string. */
function rng(seed) {
  let h = 2166136261;
  for (const c of String(seed)) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['alex', 'maria', 'john', 'esther', 'li', 'fatima', 'olga', 'paul', 'nina', 'omar', 'yuki', 'sven'];
const LAST = ['hall', 'doe', 'martin', 'garcia', 'chen', 'novak', 'smith', 'rossi', 'kim', 'berg'];
const DOMAINS = ['example.com', 'example.org', 'example.net'];

/** Ordinary (non test) recipients drawn from the seed. */
export function ordinaryRecipients(seed, n) {
  const r = rng(`recipients:${seed}`);
  const pick = (a) => a[Math.floor(r() * a.length)];
  const out = [];
  for (let i = 0; i < n; i++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    out.push({
      email: `${first}.${last}${Math.floor(r() * 1000)}@${pick(DOMAINS)}`,
      firstName: first[0].toUpperCase() + first.slice(1),
      amount: (10 + Math.floor(r() * 99000) / 100).toFixed(2),
      phone: `+336${String(Math.floor(r() * 1e8)).padStart(8, '0')}`,
    });
  }
  return out;
}

/** The XML of one real-time or batch event. */
function xmlEvent(tag, attrs, ctx) {
  const a = Object.entries(attrs).map(([k, v]) => ` ${k}="${v}"`).join('');
  return `<${tag}${a}><ctx>${ctx}</ctx></${tag}>`;
}

const escapeXml = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** An order confirmation, as a JSON event. */
function order(email, n, firstName, extra = {}) {
  return { type: 'order_confirmation', email, origin: 'eCommerce', externalId: `C${n}`, ctx: { customer: { '@firstName': firstName }, order: { '@number': `CN${n}`, total: `${n}.99 EUR` } }, ...extra };
}

/**
 * What the scenario expects of each tagged event: its final status (our status names). Events whose
 * status is drawn from the seed (ordinary addresses) are not listed.
 */
export const EXPECTED = {
  sent: 'sent',
  ignored: 'ignored',
  hard: 'deliveryFailed',
  soft: 'deliveryFailed',
  soft2: 'sent',
  bounce: 'deliveryFailed',
  procerr: 'expired',
  procerr2: 'sent',
  delay: 'sent',
  xmlSent: 'sent',
  xmlBatch: 'sent',
  smsSent: 'sent',
  smsIgnored: 'ignored',
  smsHard: 'deliveryFailed',
  denylisted: 'ignored',
  noTemplateChannel: 'notTakenIntoAccount',
  noTemplateType: 'notTakenIntoAccount',
  scheduled: 'sent',
  expired: 'expired',
  batchSent: 'sent',
  batchHard: 'deliveryFailed',
  hardAgain: 'ignored',
  late: 'sent',
  unpublished: 'notTakenIntoAccount',
  big: 'sent',
};

/**
 * The scenario's steps. Each is `{ name, kind, phase, run(mc, rec) }`: `run` makes exactly one
 * public call and stores what it needs in `rec` (the ids of tagged events in `rec.ids`). `kind` is
 * one of 'topology', 'catalogue', 'workflow', 'push', 'advance'. A phase ends with a checkpoint.
 */
export function scenarioSteps(seed = '7') {
  const people = ordinaryRecipients(seed, 40);
  const steps = [];
  let phase = '';
  const step = (name, kind, run) => steps.push({ name, kind, phase, run });
  const tag = (rec, t, r) => {
    rec.ids[t] = r.id;
    return r;
  };
  const tagAll = (rec, tags, rs) => {
    tags.forEach((t, i) => {
      if (t) rec.ids[t] = rs[i].id;
    });
    for (const r of rs) rec.all.push(r.id);
    return rs;
  };
  const one = (rec, t, r) => {
    rec.all.push(r.id);
    return t ? tag(rec, t, r) : r;
  };

  // ---- phase 1: topology and catalogue on the control ----
  phase = 'catalogue';
  step('event type order_confirmation', 'catalogue', (mc) => mc.addEventType({ name: 'order_confirmation', label: 'Order confirmation' }));
  step('event type sms_code', 'catalogue', (mc) => mc.addEventType('sms_code'));
  step('event type invoice_ready', 'catalogue', (mc) => mc.addEventType({ name: 'invoice_ready', label: 'Invoice ready' }));
  step('event type password_reset', 'catalogue', (mc) => mc.addEventType({ name: 'password_reset', label: 'Password reset (no template)' }));
  step('add exec1', 'topology', (mc) => mc.addExecutionInstance({ name: 'exec1', label: 'Execution 1', url: 'http://exec1.example.com:8080', executionInstanceId: 1 }));
  step('add exec2', 'topology', (mc) => mc.addExecutionInstance({ name: 'exec2', label: 'Execution 2', executionInstanceId: 2 }));
  step('denylist on exec1', 'topology', (mc) => mc.denylist('exec1', 'blocked@example.com'));
  step('template orderConf', 'catalogue', (mc) =>
    mc.createTemplate({
      name: 'orderConf',
      label: 'Order confirmation',
      eventType: 'order_confirmation',
      channel: 'email',
      subject: 'Order <%= rtEvent.ctx.order.@number %> confirmed',
      html: "<html><body><p>Dear <%= escapeXMLString(rtEvent.ctx.customer.@firstName) %>,</p><p>Total: <%= escapeXMLString(rtEvent.ctx.order.total) %></p><%@ include view='MirrorPage' %></body></html>",
      text: 'Dear <%= rtEvent.ctx.customer.@firstName %>, your order <%= rtEvent.ctx.order.@number %> is confirmed.',
      seeds: [{ name: 'esther', email: 'esther.hall@example.com', ctx: '<ctx><customer firstName="Esther &amp; co"/><order number="CN1"><total>1.00 EUR</total></order></ctx>' }],
    }));
  step('template smsCode', 'catalogue', (mc) =>
    mc.createTemplate({ name: 'smsCode', label: 'SMS code', eventType: 'sms_code', channel: 'sms', text: 'Your code: <%= rtEvent.ctx.code %>' }));
  step('template invoice', 'catalogue', (mc) =>
    mc.createTemplate({
      name: 'invoice',
      label: 'Invoice',
      eventType: 'invoice_ready',
      channel: 0,
      subject: 'Invoice <%= batchEvent.ctx.invoice.@id %>',
      html: '<p>Amount: <%= escapeXMLString(batchEvent.ctx.invoice.amount) %></p><a href="https://billing.example.com/i?id=<%= encodeURIComponent(batchEvent.ctx.invoice.@id) %>">view</a>',
      text: 'Amount <%= batchEvent.ctx.invoice.amount %>',
    }));
  step('publish orderConf', 'catalogue', (mc) => mc.publish('orderConf'));
  step('publish smsCode', 'catalogue', (mc) => mc.publish('smsCode'));
  step('publish invoice', 'catalogue', (mc) => mc.publish('invoice'));
  step('archiving workflow exec1', 'workflow', (mc) => mc.createArchivingWorkflow('exec1'));
  step('archiving workflow exec2', 'workflow', (mc) => mc.createArchivingWorkflow('exec2'));
  for (const inst of ['exec1', 'exec2']) {
    for (const wf of ['rtEventsProcessing', 'batchEventsProcessing', 'updateEventsStatus']) {
      step(`start ${inst} ${wf}`, 'workflow', (mc) => mc.startWorkflow(inst, wf));
    }
  }

  // ---- phase 2: a first wave of events at 00:30 ----
  phase = 'push-1';
  const tests = [
    ['sent', 'sent@mc-sim.test', 'exec1'],
    ['ignored', 'ignored@mc-sim.test', 'exec1'],
    ['hard', 'hard@mc-sim.test', 'exec1'],
    ['soft', 'soft@mc-sim.test', 'exec2'],
    ['soft2', 'soft-2@mc-sim.test', 'exec2'],
    ['bounce', 'bounce-30m@mc-sim.test', 'loadBalancer'],
    ['procerr', 'procerr@mc-sim.test', 'loadBalancer'],
    ['procerr2', 'procerr-2@mc-sim.test', 'exec1'],
    ['delay', 'delay-90s@mc-sim.test', 'loadBalancer'],
    ['denylisted', 'blocked@example.com', 'exec1'],
  ];
  tests.forEach(([t, email, instance], i) => {
    step(`push ${t} (JSON, ${instance})`, 'push', async (mc, rec) => one(rec, t, await mc.pushEvent(order(email, 100 + i, 'Test'), { instance })));
  });
  step('push sent (XML rtEvent, loadBalancer)', 'push', async (mc, rec) =>
    one(rec, 'xmlSent', await mc.pushEvent(xmlEvent('rtEvent', { type: 'order_confirmation', email: 'sent+xml@mc-sim.test', wishedChannel: '0', externalId: '1596', language: 'english', country: 'EN', emailFormat: '2' }, '<customer firstName="Esther &amp; &lt;Co&gt;"/><order number="CN1596"><total>15.96 EUR</total></order>'))));
  step('push three SMS (PushEvents XML, exec2)', 'push', async (mc, rec) =>
    tagAll(rec, ['smsSent', 'smsIgnored', 'smsHard'], await mc.pushEvents(
      `<Events>${xmlEvent('rtEvent', { type: 'sms_code', mobilePhone: '+99900001', wishedChannel: '1' }, '<code>111111</code>')}${xmlEvent('rtEvent', { type: 'sms_code', mobilePhone: '+99910001', wishedChannel: 'sms' }, '<code>222222</code>')}${xmlEvent('rtEvent', { type: 'sms_code', mobilePhone: '+99920001', wishedChannel: '1' }, '<code>333333</code>')}</Events>`,
      { instance: 'exec2' },
    )));
  step('push a type/channel without template', 'push', async (mc, rec) =>
    one(rec, 'noTemplateChannel', await mc.pushEvent({ type: 'order_confirmation', email: 'x@example.com', mobilePhone: '+33600000001', wishedChannel: 1, ctx: {} })));
  step('push a type without template', 'push', async (mc, rec) =>
    one(rec, 'noTemplateType', await mc.pushEvent({ type: 'password_reset', email: 'reset@example.com', ctx: { link: 'https://x.example.com/r/1' } }, { instance: 'exec2' })));
  step('push a scheduled event (02:30)', 'push', async (mc, rec) =>
    one(rec, 'scheduled', await mc.pushEvent(order('sent+scheduled@mc-sim.test', 300, 'Later', { scheduled: iso(START + 2 * HOUR) }), { instance: 'exec1' })));
  step('push a batch event scheduled after its expiration', 'push', async (mc, rec) =>
    one(rec, 'expired', await mc.pushEvent({ type: 'invoice_ready', email: 'sent+expired@mc-sim.test', scheduled: iso(START + 20 * MINUTE), expiration: iso(START + 10 * MINUTE), ctx: { invoice: { '@id': 'INV-0', amount: '1.00' } } }, { instance: 'exec1', queue: 'batch' })));
  // Ordinary recipients: 20 order confirmations, in 4 PushEvents of 5 (JSON), alternating targets.
  for (let b = 0; b < 4; b++) {
    const group = people.slice(b * 5, b * 5 + 5);
    const instance = ['loadBalancer', 'exec1', 'loadBalancer', 'exec2'][b];
    step(`push 5 ordinary orders #${b + 1} (PushEvents JSON, ${instance})`, 'push', async (mc, rec) =>
      tagAll(rec, [], await mc.pushEvents(group.map((p, i) => order(p.email, 1000 + b * 5 + i, p.firstName)), { instance })));
  }
  step('read: listEvents of exec1', 'read', (mc) => mc.listEvents({ instance: 'exec1', limit: 5 }));

  // ---- phase 3: processing of the first wave ----
  phase = 'processing';
  step('advance to 00:45', 'advance', (mc) => mc.advanceTo(START + 15 * MINUTE));

  // ---- phase 4: a second wave, with batch events ----
  phase = 'push-2';
  step('push batch invoices (PushEvents XML batchEvent, loadBalancer)', 'push', async (mc, rec) =>
    tagAll(rec, ['xmlBatch', 'batchHard'], await mc.pushEvents(
      `<urn:Events xmlns:urn="urn:nms:batchEvent">${xmlEvent('batchEvent', { type: 'invoice_ready', email: 'sent+invoice@mc-sim.test', wishedChannel: '0' }, '<invoice id="INV 1/2"><amount>12 &amp; 50</amount></invoice>')}${xmlEvent('batchEvent', { type: 'invoice_ready', email: 'hard+invoice@mc-sim.test' }, '<invoice id="INV-2"><amount>3</amount></invoice>')}</urn:Events>`,
    )));
  step('push batch invoices (JSON, queue batch, exec2)', 'push', async (mc, rec) =>
    tagAll(rec, ['batchSent'], await mc.pushEvents(people.slice(20, 25).map((p, i) => ({ type: 'invoice_ready', email: i === 0 ? 'sent+batch@mc-sim.test' : p.email, ctx: { invoice: { '@id': `INV-${10 + i}`, amount: p.amount } } })), { instance: 'exec2', queue: 'batch' })));
  step('push to a quarantined address', 'push', async (mc, rec) => one(rec, 'hardAgain', await mc.pushEvent(order('hard@mc-sim.test', 400, 'Again'), { instance: 'exec1' })));
  step('push SMS to ordinary numbers (JSON, loadBalancer)', 'push', async (mc, rec) =>
    tagAll(rec, [], await mc.pushEvents(people.slice(25, 30).map((p) => ({ type: 'sms_code', mobilePhone: p.phone, wishedChannel: 'sms', ctx: { code: p.amount } })))));
  step('push a large ctx (exec2)', 'push', async (mc, rec) =>
    one(rec, 'big', await mc.pushEvent(order('sent+big@mc-sim.test', 500, 'Big', { ctx: { customer: { '@firstName': 'Big' }, order: { '@number': 'CN500', total: '5.00 EUR', line: Array.from({ length: 200 }, (_, i) => ({ '@sku': `SKU-${i}`, '@qty': String(1 + (i % 3)), label: `Item ${i} <${escapeXml('"quoted"')}>` })) } } }), { instance: 'exec2' })));

  // ---- phase 5: the first hourly archivings ----
  phase = 'archived';
  step('advance to 02:00', 'advance', (mc) => mc.advanceTo(START + 90 * MINUTE));
  step('read: journal of mcSynch_exec1', 'read', (mc) => mc.journal('control', 'mcSynch_exec1'));

  // ---- phase 6: catalogue changes while running ----
  phase = 'republished';
  step('update orderConf', 'catalogue', (mc) => mc.updateTemplate('orderConf', { subject: 'Your order <%= rtEvent.ctx.order.@number %> is confirmed' }));
  step('republish orderConf', 'catalogue', (mc) => mc.publish('orderConf'));
  step('unpublish invoice', 'catalogue', (mc) => mc.unpublish('invoice'));
  step('push an invoice while unpublished', 'push', async (mc, rec) =>
    one(rec, 'unpublished', await mc.pushEvent({ type: 'invoice_ready', email: 'sent+unpub@mc-sim.test', ctx: { invoice: { '@id': 'INV-99', amount: '9' } } }, { instance: 'exec2' })));
  step('push a late order', 'push', async (mc, rec) => one(rec, 'late', await mc.pushEvent(order('sent+late-order@mc-sim.test', 600, 'Late'), { instance: 'loadBalancer' })));
  step('push 5 ordinary orders (PushEvents XML, loadBalancer)', 'push', async (mc, rec) =>
    tagAll(rec, [], await mc.pushEvents(`<Events>${people.slice(30, 35).map((p, i) => xmlEvent('rtEvent', { type: 'order_confirmation', email: p.email, externalId: `C${2000 + i}` }, `<customer firstName="${escapeXml(p.firstName)}"/><order number="CN${2000 + i}"><total>${p.amount} EUR</total></order>`)).join('')}</Events>`)));
  step('push 5 ordinary SMS (JSON, exec1)', 'push', async (mc, rec) =>
    tagAll(rec, [], await mc.pushEvents(people.slice(35, 40).map((p) => ({ type: 'sms_code', mobilePhone: p.phone, wishedChannel: 1, ctx: { code: p.amount } })), { instance: 'exec1' })));
  step('pause exec2 batchEventsProcessing', 'workflow', (mc) => mc.pauseWorkflow('exec2', 'batchEventsProcessing'));
  step('advance to 03:00', 'advance', (mc) => mc.advanceTo(START + 150 * MINUTE));
  step('restart exec2 batchEventsProcessing', 'workflow', (mc) => mc.startWorkflow('exec2', 'batchEventsProcessing'));

  // ---- phase 7: up to 05:30, crossing the 04:00 cleanup (purge delay 2 h) ----
  phase = 'cleanup';
  step('advance to 05:30', 'advance', (mc) => mc.advanceTo(END));
  return steps;
}

/** Labels of the checkpoints, in order (each is the phase that just ended). */
export function checkpointLabels(steps = scenarioSteps()) {
  const out = [];
  for (const s of steps) if (!out.includes(s.phase)) out.push(s.phase);
  return out;
}

/**
 * Runs the scenario on `mc`.
 * @param {object} mc a MessageCenter opened with `openOptions(seed)`
 * @param {object} [options]
 * @param {(label: string, mc: object) => Promise<object|void>} [options.checkpoint] called after each phase;
 *   may return a new MessageCenter (e.g. after close and reopen) that the rest of the scenario uses
 * @param {(step: object, mc: object, rec: object) => Promise<unknown>} [options.runStep] runs one step
 *   (default: `step.run(mc, rec)`); a test uses it to inject failures and retry
 * @param {string} [options.from] start after this checkpoint (earlier phases ran already)
 * @param {string} [options.until] stop after this checkpoint
 * @param {object} [options.rec] the record of a run started earlier (with `from`)
 * @returns {Promise<{ ids: Record<string, string>, all: string[], mc: object }>} ids of tagged events, every id, and the MessageCenter in use at the end
 */
export async function scenario(mc, { checkpoint, runStep, from, until, rec = { ids: {}, all: [] } } = {}) {
  const steps = scenarioSteps(mc.settings().seed);
  const labels = checkpointLabels(steps);
  if (from !== undefined && !labels.includes(from)) throw new Error(`no checkpoint '${from}'`);
  let started = from === undefined;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    if (started) {
      await (runStep ? runStep(s, mc, rec) : s.run(mc, rec));
    }
    const last = i === steps.length - 1 || steps[i + 1].phase !== s.phase;
    if (last) {
      if (started) {
        if (checkpoint) mc = (await checkpoint(s.phase, mc)) ?? mc;
        if (s.phase === until) break;
      } else if (s.phase === from) {
        started = true;
      }
    }
  }
  rec.mc = mc;
  return rec;
}

/**
 * Every key/value of a storage, in key order, read in pages.
 * @returns {Promise<Array<[string, string]>>}
 */
export async function dump(storage, pageSize = 500) {
  const out = [];
  let gte = '';
  for (;;) {
    const page = await storage.range({ gte, lt: '\uffff', limit: pageSize });
    out.push(...page);
    if (page.length < pageSize) return out;
    gte = `${page[page.length - 1][0]}\u0000`;
  }
}

/** Copies entries into a storage (one write). */
export async function restore(storage, entries) {
  if (entries.length) await storage.write({ put: entries.map(([k, v]) => [k, v]) });
  return storage;
}

/** Every event of a status list (instance name or 'control'), paging with `next`. */
export async function listAll(mc, filter, limit = 7) {
  const out = [];
  let after;
  for (let pages = 0; pages < 10_000; pages++) {
    const page = await mc.listEvents({ ...filter, limit, ...(after ? { after } : {}) });
    out.push(...page.events);
    if (!page.next) return out;
    after = page.next;
  }
  throw new Error('listEvents never ended');
}

/** A summary of what the API shows at the end: statuses of every list and the counters. */
export async function summary(mc) {
  const out = {};
  for (const instance of ['exec1', 'exec2', 'control']) {
    const events = await listAll(mc, { instance }, 50);
    out[instance] = {
      list: events.map((e) => [e.id, e.status, e.type, e.queue, e.email ?? e.mobilePhone]),
      counts: mc.countEvents({ instance }),
    };
    if (instance !== 'control') out[instance].ping = mc.mcPing(instance).text;
  }
  out.workflows = mc.workflows().map((w) => [w.instance, w.name, w.state, w.runs, w.lastRun, w.nextRun]);
  out.deliveries = ['exec1', 'exec2'].map((i) => mc.deliveries(i));
  return out;
}

/**
 * `inner` until its `n`-th write, which fails: then every call fails, as if the process had died
 * there (the shell's rebuild from storage cannot run either).
 */
export function dyingAt(inner, n) {
  let writes = 0;
  let dead = false;
  const check = () => {
    if (dead) throw Object.assign(new Error('the process is gone'), { code: 'STORAGE_FAILED' });
  };
  return {
    get: async (k) => (check(), inner.get(k)),
    range: async (r) => (check(), inner.range(r)),
    write: async (b) => {
      check();
      if (++writes === n) {
        dead = true;
        check();
      }
      return inner.write(b);
    },
    close: async () => {},
  };
}
