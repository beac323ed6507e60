// What the live console may call on the service's Message Center (`POST /__mc/api`), one table for
// every public method of MessageCenter: callable, with its kind, or refused, with the reason.
// tests/js/service-tables.test.mjs checks that every method of the class is in exactly one of the
// two, so that a new method cannot be forgotten. The browser app's worker (www/src/worker.js) keeps
// its own READS list; it should read the kinds here (`read`: no change notice after it).
// (Issue 15 generates this table from the core's operation list.)

/**
 * The methods the console may call, by kind:
 * - `read`: changes nothing (no change notice to the live consoles after it);
 * - `mutating`: changes the Message Center (its consoles are told);
 * - `clock`: moves the clock, so only a virtual one (a real clock moves by itself).
 */
export const CONSOLE_METHODS = Object.freeze({
  settings: 'read',
  now: 'read',
  executionInstances: 'read',
  eventTypes: 'read',
  templates: 'read',
  getTemplate: 'read',
  preview: 'read',
  checkTemplate: 'read',
  personalizationBlocks: 'read',
  options: 'read',
  publishedTemplates: 'read',
  deliveries: 'read',
  workflows: 'read',
  journal: 'read',
  activity: 'read',
  statusOverTime: 'read',
  setupChecklist: 'read',
  testConnection: 'read',
  personalizationMenu: 'read',
  exercises: 'read',
  exercise: 'read',
  exerciseRecord: 'read',
  verifyExerciseRecord: 'read',
  listEvents: 'read',
  countEvents: 'read',
  getEvent: 'read',
  mcPing: 'read',
  ping: 'read',
  nextDue: 'read',
  enumerations: 'read',
  report: 'read',
  startWorkflow: 'mutating',
  pauseWorkflow: 'mutating',
  stopWorkflow: 'mutating',
  scheduleWorkflow: 'mutating',
  addEventType: 'mutating',
  createTemplate: 'mutating',
  updateTemplate: 'mutating',
  deleteTemplate: 'mutating',
  publish: 'mutating',
  unpublish: 'mutating',
  sendProof: 'mutating',
  createPersonalizationBlock: 'mutating',
  updatePersonalizationBlock: 'mutating',
  deletePersonalizationBlock: 'mutating',
  setOption: 'mutating',
  pushEvent: 'mutating',
  pushEvents: 'mutating',
  denylist: 'mutating',
  createArchivingWorkflow: 'mutating',
  updateExecutionInstance: 'mutating',
  advance: 'clock',
  advanceTo: 'clock',
  waitForStatus: 'clock',
  runWorkflow: 'clock',
});

/** The methods the console may not call, and why. */
export const CONSOLE_REFUSED = Object.freeze({
  open: 'the service opens its Message Center itself',
  load: 'the service loads the engine at start',
  close: 'the service closes its Message Center at shutdown',
  configure: "the configuration is the service's (its config file), applied at every start",
  addExecutionInstance: "the topology is the service's config file's",
  soap: 'SOAP calls go to the SOAP router, authenticated',
  generate: "the generator is the in-page engine's only (it holds the Message Center for minutes)",
  records: 'GET /__mc/snapshot reads the whole store',
  recordsToRestore: 'POST /__mc/restore prepares a snapshot with it',
  checkRecords: 'POST /__mc/restore checks a snapshot with it',
  draw: "the service's fault injection draws from the seed",
  injectedFault: "the service's fault injection answers it",
  instanceKeys: "the storage lending's, between processes",
  consumeChanges: 'a control process calls it through POST /__mc/storage, authenticated as an operator',
  authenticate: 'authentication is the SOAP router’s and the REST facade’s',
  wsdl: 'GET /nl/jsp/schemawsdl.jsp serves it',
});

/**
 * The kind of a method the console calls, or null when it may not call it (refused, unknown, or a
 * clock move on a real clock).
 * @param {unknown} method
 * @param {{ virtual: boolean }} service
 * @returns {'read' | 'mutating' | 'clock' | null}
 */
export function consoleMethod(method, { virtual }) {
  if (typeof method !== 'string' || !Object.hasOwn(CONSOLE_METHODS, method)) return null;
  const kind = CONSOLE_METHODS[method];
  return kind === 'clock' && !virtual ? null : kind;
}
