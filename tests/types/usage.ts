// Uses every export and every method of the public API with the types a TypeScript user would
// write. tests/js/types.test.mjs compiles it with `strict` and expects no error. It is never run.

import {
  MessageCenter,
  mcError,
  createMemoryStorage,
  openIndexedDBStorage,
  deleteIndexedDBStorage,
  openSQLiteStorage,
} from 'message-center';
import { createFaultyStorage, runStorageAdapterTests } from 'message-center/testing';
import type { FaultyStorage, AcceptanceDeps } from 'message-center/testing';
import type {
  Account,
  AdvanceResult,
  BroadLogView,
  ChannelName,
  Config,
  Counts,
  Delivery,
  Consumed,
  DenylistEntry,
  ErrorCode,
  EventStatusCode,
  EventStatusLabel,
  EventStatusName,
  EventStory,
  EventType,
  EventView,
  Journal,
  Activity,
  ActivityLine,
  OverTime,
  OverTimePoint,
  ExerciseInfo,
  ExerciseProgress,
  ExerciseRecord,
  SetupChecklist,
  ConnectionTest,
  ProofResult,
  PersonalizationMenu,
  ExerciseVerification,
  LinkKind,
  ListFilter,
  ListPage,
  McError,
  McPing,
  DueStep,
  Enumerations,
  SoapReply,
  SoapCaller,
  GenerateProgress,
  Report,
  TestAddress,
  Preview,
  PublishResult,
  PublishedCopy,
  PushedEvent,
  RestStatus,
  RunLog,
  RunResult,
  Settings,
  SQLiteStorageOptions,
  StorageAdapter,
  Template,
  TemplateProblem,
  BlockView,
  OptionView,
  TemplateInput,
  Workflow,
  LoadProgress,
} from 'message-center';

async function main(): Promise<void> {
  const storage: StorageAdapter = createMemoryStorage();
  const mc: MessageCenter = await MessageCenter.open({
    storage,
    seed: 2026n,
    now: new Date('2026-03-02T08:00:00Z'),
    config: { batchSize: 200, schedules: { rtEventsProcessing: { periodMs: 5_000 } }, email: { hardPpm: 0 } },
  });
  const progress: LoadProgress[] = [];
  await MessageCenter.load({ onProgress: (p: LoadProgress) => progress.push({ loaded: p.loaded, total: p.total }) });
  await MessageCenter.load();
  await MessageCenter.open({ seed: '1', now: '2026-03-02T08:00:00Z' });
  await MessageCenter.open();
  await MessageCenter.open({ groupCommit: true, cacheBytes: 0 });

  // settings and clock
  const s: Settings = mc.settings();
  const cfg: Config = s.config;
  const seed: string = s.seed;
  const nowMs: number = mc.now();
  const newCfg: Config = await mc.configure({ maxProcessingErrors: 3, sms: { softPpm: 0 } });
  const adv: AdvanceResult = await mc.advance(60_000);
  const adv2: AdvanceResult = await mc.advanceTo(nowMs + 120_000);
  await mc.advanceTo('2026-03-02T09:00:00Z');
  await mc.advanceTo(new Date());

  // topology
  const acc: Account = await mc.addExecutionInstance({ name: 'mcExec1', label: 'Execution 1', executionInstanceId: 1 });
  await mc.addExecutionInstance({ name: 'mcExec2', executionInstanceId: 2, url: 'http://exec2:8080', enabled: true });
  const acc2: Account = await mc.updateExecutionInstance('mcExec2', { enabled: false });
  const accounts: Account[] = mc.executionInstances();
  const warning: string | null = accounts[0].warning;
  const archiving: Workflow = await mc.createArchivingWorkflow('mcExec1');
  const deny: DenylistEntry = await mc.denylist('mcExec1', 'blocked@example.com');
  const consumed: Consumed = await mc.consumeChanges({ del: ['c/01/000000000000/0000000000000000'] });
  const consumedCount: number = consumed.deleted + consumed.shortened + consumed.already;

  // catalogue
  const t1: EventType = await mc.addEventType('order');
  const t2: EventType = await mc.addEventType({ name: 'otp', label: 'One-time code' });
  const types: EventType[] = mc.eventTypes();
  const input: TemplateInput = {
    name: 'orderConfirmation',
    label: 'Order confirmation',
    eventType: 'order',
    channel: 'email',
    subject: 'Order <%= rtEvent.ctx.order.@number %>',
    html: '<p>Hello <%= escapeXMLString(rtEvent.ctx.customer.@firstName) %></p>',
    text: 'Hello',
    seeds: [{ name: 'ada', email: 'ada@example.com', ctx: { order: { '@number': 1 }, customer: { '@firstName': 'Ada' } } }],
  };
  const tpl: Template = await mc.createTemplate(input);
  await mc.createTemplate({ name: 'otpSms', eventType: 'otp', channel: 1, text: 'Code <%= rtEvent.ctx.@code %>', seeds: [{ mobilePhone: '+33600000000', ctx: '<ctx code="1"/>' }] });
  const tpl2: Template = await mc.updateTemplate('orderConfirmation', { label: 'Order confirmed', eventType: null });
  await mc.updateTemplate('orderConfirmation', { eventType: 'order' });
  const one: Template = mc.getTemplate('orderConfirmation');
  const all: Template[] = mc.templates();
  const pub: PublishResult = await mc.publish('orderConfirmation');
  const log: string[] = pub.log;
  const unpub: PublishResult = await mc.unpublish('orderConfirmation');
  await mc.publish('orderConfirmation');
  const prev: Preview = mc.preview('orderConfirmation');
  const prev2: Preview = mc.preview('orderConfirmation', 'ada');
  const problems: TemplateProblem[] = mc.checkTemplate({ html: '<% if (x) { %>' });
  const line: number | undefined = problems[0]?.line;
  const blk: BlockView = await mc.createPersonalizationBlock({ name: 'footer', label: 'Footer', source: '<p>Bye</p>' });
  const users: string[] = blk.usedBy;
  await mc.updatePersonalizationBlock('footer', { source: '<p>Goodbye</p>' });
  const blocks: BlockView[] = mc.personalizationBlocks();
  const gone: { deleted: string } = await mc.deletePersonalizationBlock('footer');
  const opt: OptionView = await mc.setOption('NmsServer_URL', 'https://shop.example.com');
  await mc.setOption('NmsServer_URL', null);
  const opts: OptionView[] = mc.options();
  const copies: PublishedCopy[] = mc.publishedTemplates('mcExec1');
  const dlv: Delivery[] = mc.deliveries('mcExec1');
  const del: { deleted: string } = await mc.deleteTemplate('otpSms');

  // workflows
  for (const wf of ['rtEventsProcessing', 'batchEventsProcessing', 'updateEventsStatus'] as const) {
    const w: Workflow = await mc.startWorkflow('mcExec1', wf);
  }
  const paused: Workflow = await mc.pauseWorkflow('mcExec1', 'batchEventsProcessing');
  const stopped: Workflow = await mc.stopWorkflow('mcExec1', 'batchEventsProcessing');
  const sched: Workflow = await mc.scheduleWorkflow('control', 'mcSynch_mcExec1', { periodMs: 1_800_000 });
  await mc.scheduleWorkflow('mcExec1', 'cleanup', { periodMs: 86_400_000, offsetMs: 3_600_000 });
  const wfs: Workflow[] = mc.workflows();
  const ctl: Workflow[] = mc.workflows('control');
  const run: RunResult = await mc.runWorkflow('mcExec1', 'updateEventStatus');
  const journal: Journal = await mc.journal('mcExec1', 'rtEventsProcessing', { limit: 5 });
  const last: RunLog = journal.runs[0];
  const routed: number | undefined = last.counts.routed;
  await mc.journal('control', 'cleanup');
  const feed: Activity = await mc.activity({ limit: 10 });
  const feedLine: ActivityLine = feed.lines[0];
  const kind: LinkKind = feedLine.links[0].kind;
  const since: Activity = await mc.activity({ since: feed.mark });
  void [kind, since, feed.next?.text];
  const overTime: OverTime = await mc.statusOverTime({ instance: 'mcExec1', queue: 'rt' }, { start: new Date(0), end: '2026-03-02T09:00:00Z', points: 60 });
  const point: OverTimePoint = overTime.points[0];
  const then: EventStory = await mc.getEvent('72057594037927937', { asOf: point.ms });
  const listThen: ListPage = await mc.listEvents({ instance: 'mcExec1', asOf: new Date(point.ms) });
  void [then, listThen, point.byStatus.sent];
  const proofs: ProofResult = await mc.sendProof('orderConfirmation', { seeds: ['seed1'] });
  const menu: PersonalizationMenu = mc.personalizationMenu('<ctx><firstName>Ada</firstName></ctx>');
  void [proofs.proofs[0].to, menu.groups[0].items[0].insert];
  const tested: ConnectionTest = mc.testConnection('mcExec1');
  void [tested.ok, tested.text, tested.mcPing?.status];
  const checklist: SetupChecklist = mc.setupChecklist();
  void [checklist.complete, checklist.items[0].place === 'externalAccounts', checklist.items[0].detail];
  const shippedExercises: ExerciseInfo[] = mc.exercises();
  const exerciseProgress: ExerciseProgress = mc.exercise(shippedExercises[0].text, { reached: [0] });
  void [exerciseProgress.steps[0].missing, exerciseProgress.complete];
  const completion: ExerciseRecord = mc.exerciseRecord(shippedExercises[0].text, { reached: exerciseProgress.reached });
  const verification: ExerciseVerification = mc.verifyExerciseRecord(JSON.stringify(completion));
  void [completion.stateDigest, verification.verified, verification.findings[0].detail, verification.stepsHoldingNow];

  // events
  const pushed: PushedEvent = await mc.pushEvent({
    type: 'order',
    email: 'sent@mc-sim.test',
    externalId: '42',
    wishedChannel: 'email',
    emailFormat: 2,
    scheduled: new Date(),
    expiration: '2026-03-03T00:00:00Z',
    ctx: { order: { '@number': '1042', line: [{ '@sku': 'A1' }, { '@sku': 'B2' }] } },
  });
  await mc.pushEvent('<rtEvent type="order" email="a@example.com"><ctx/></rtEvent>', { instance: 'mcExec1' });
  const many: PushedEvent[] = await mc.pushEvents(
    [
      { type: 'order', email: 'b@example.com', queue: 'batch', ctx: {} },
      { type: 'otp', mobilePhone: '+99900000001', wishedChannel: 1, ctx: '<ctx code="7"/>' },
    ],
    { instance: 'loadBalancer', queue: 'rt' },
  );
  await mc.pushEvents('<Events><batchEvent type="order" email="c@example.com"><ctx/></batchEvent></Events>');
  const reply: SoapReply = await mc.soap('<Envelope/>', { instance: 'mcExec1', soapAction: 'nms:rtEvent#PushEvent' });
  const caller: SoapCaller = { remote: '127.0.0.1', sessionToken: null, securityToken: '@x==', cookie: '__sessiontoken=admin/', authorization: null, entropy: 'ab'.repeat(32) };
  const authenticated: SoapReply = await mc.soap('<Envelope/>', { caller });
  const pingText: string = mc.ping();
  const ppm: number = mc.draw('fault:1', 0);
  const injected: SoapReply = mc.injectedFault('nms:rtEvent#PushEvent');
  const stored: number = await mc.records((rows) => void rows.length, { chunk: 100 });
  const toRestore: Array<[string, string]> = mc.recordsToRestore([['m/clock', '0']]);
  const own: string[] = mc.instanceKeys('mcExec1').own;
  const checked: number = mc.checkRecords([['m/types', '[]']]);
  const login: string = mc.authenticate({ remote: '127.0.0.1' }, 'admin/');
  const cluster: McPing = mc.mcPing();
  const wsdl: string = mc.wsdl('nms:rtEvent', 'http://127.0.0.1:8080/nl/jsp/soaprouter.jsp');
  const httpStatus: number = reply.status;
  const faultCode: string | undefined = reply.fault?.faultcode;
  const stop = { aborted: false };
  const gen: GenerateProgress = await mc.generate({ ratePerHour: 600, durationMs: 60_000, types: ['order'], channels: ['email'], testShare: 0.5 }, { onProgress: (p) => p.pushed, signal: stop });
  const genDone: boolean = gen.done;
  const report: Report = await mc.report({ from: '2026-03-02T00:00:00Z', instance: 'mcExec1', channel: 'email' });
  const level: 'ok' | 'warning' | 'alert' | 'none' = report.serviceLevel[0].level;
  const id: string = pushed.id;

  // reading
  const filter: ListFilter = { instance: 'mcExec1', status: 'Delivery failed', channel: 'email', from: 0, to: new Date(), limit: 20 };
  const page: ListPage = await mc.listEvents(filter);
  const next: ListPage = await mc.listEvents({ ...filter, after: page.next });
  await mc.listEvents({ instance: 'control', status: 'routingFailed', queue: 'batch', type: 'order', address: 'a@example.com' });
  const ev0: EventView | undefined = page.events[0];
  const counts: Counts = mc.countEvents({ instance: 'control', queue: 'rt', type: 'order', channel: 0 });
  const sent: number = counts.byStatus.sent;
  const story: EventStory = await mc.getEvent(id);
  await mc.getEvent(BigInt(id));
  const bl: BroadLogView | null = story.broadLog;
  const ev: EventView = story.event;
  const label: EventStatusLabel = ev.statusLabel;
  const name: EventStatusName = ev.status;
  const code: EventStatusCode = ev.statusCode;
  const rest: RestStatus = ev.restStatus;
  const channel: ChannelName = ev.wishedChannel;
  const ping: McPing = mc.mcPing('mcExec1');
  const due: DueStep | null = mc.nextDue({ until: '2026-03-03T00:00:00Z' });
  const enums: Enumerations = mc.enumerations();
  const firstStatus: string = enums.statuses[0].label;
  const testAddress: TestAddress = enums.testAddresses[0];
  if (due) await mc.advanceTo(due.at);
  const ok: boolean = ping.status === 'Ok';
  const done: EventView = await mc.waitForStatus(id, 'sent', { maxMs: 3_600_000 });
  await mc.waitForStatus(BigInt(id), 'Event expired');

  // errors
  try {
    await mc.getEvent('1');
  } catch (e) {
    const err = e as McError;
    const c: ErrorCode = err.code;
    const known: boolean = c === 'UNKNOWN_EVENT' || c === 'WAIT_TIMEOUT' || c === 'STORAGE_FAILED';
    void [known, err.message, err.cause];
  }
  const made: McError = mcError('INVALID_ARGUMENT', 'bad', new Error('cause'));

  await mc.close();

  // storage
  const idb: StorageAdapter = await openIndexedDBStorage({ name: 'mc-test', onBlocked: () => {} });
  await idb.write({ put: [['k', 'v']], del: [] });
  const got: Array<string | undefined> = await idb.get(['k']);
  const entries: Array<[string, string]> = await idb.range({ gte: '', lt: '\uffff', limit: 10 });
  await idb.close();
  await deleteIndexedDBStorage({ name: 'mc-test' });
  const sqliteOptions: SQLiteStorageOptions = { path: 'message-center.db', synchronous: 'normal', busyTimeoutMs: 1_000 };
  const sqlite: StorageAdapter = await openSQLiteStorage(sqliteOptions);
  await (await MessageCenter.open({ storage: sqlite, seed: 1 })).close();
  await openSQLiteStorage({ path: ':memory:' });
  const faulty: FaultyStorage = createFaultyStorage(createMemoryStorage(), { failOnWrite: 3 });
  faulty.setFailOnRead(Infinity);
  faulty.resetCounters();
  const writes: number = faulty.writes + faulty.reads;
  const deps: AcceptanceDeps = {
    test: (_name: string, _fn: () => Promise<void>) => undefined,
    assert: {
      equal: () => {},
      deepEqual: () => {},
      rejects: async () => {},
      ok: () => {},
    },
  };
  const n: number = runStorageAdapterTests('memory', () => createMemoryStorage(), deps, { reopen: async (closed: StorageAdapter) => closed });

  void [cfg, seed, newCfg, adv, adv2, acc, acc2, warning, archiving, deny, t1, t2, types, tpl, tpl2, one, all, log, unpub, prev, prev2, copies, dlv, del,
    paused, stopped, sched, wfs, ctl, run, routed, many, next, ev0, sent, bl, label, name, code, rest, channel, ok, done, made, got, entries, writes, n, authenticated, wsdl, pingText, cluster, own, login, ppm, injected, stored, toRestore];
}

void main;
