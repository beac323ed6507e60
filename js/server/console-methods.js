// What the live console may call on the service's Message Center (`POST /__mc/api`), one table for
// every public method of MessageCenter: callable, or refused, with the reason.
// tests/js/service-tables.test.mjs checks that every method of the class is in exactly one of the
// two, so that a new method cannot be forgotten. A callable method's kind comes from the core's
// table of operations (src/ops/methods.rs, generated into js/methods.generated.js), as the browser
// app's worker takes its reads from it: no list of kinds is written by hand.

import { CORE_METHODS } from '../methods.generated.js';

/** The console's kind of each kind of core operation. */
const KIND_OF = Object.freeze({ query: 'read', read: 'read', operation: 'mutating', command: 'clock' });

/** The methods the console may call. */
const CALLABLE = [
  'settings', 'now', 'executionInstances', 'eventTypes', 'templates', 'getTemplate', 'preview', 'checkTemplate',
  'personalizationBlocks', 'options', 'publishedTemplates', 'deliveries', 'workflows', 'journal', 'activity',
  'statusOverTime', 'setupChecklist', 'testConnection', 'personalizationMenu', 'exercises', 'exercise', 'exerciseRecord',
  'verifyExerciseRecord', 'listEvents', 'countEvents', 'getEvent', 'mcPing', 'ping', 'nextDue', 'enumerations', 'report',
  'startWorkflow', 'pauseWorkflow', 'stopWorkflow', 'scheduleWorkflow', 'addEventType', 'createTemplate', 'updateTemplate',
  'deleteTemplate', 'publish', 'unpublish', 'sendProof', 'createPersonalizationBlock', 'updatePersonalizationBlock',
  'deletePersonalizationBlock', 'setOption', 'pushEvent', 'pushEvents', 'denylist', 'createArchivingWorkflow',
  'updateExecutionInstance', 'advance', 'advanceTo', 'waitForStatus', 'runWorkflow',
];

/**
 * The methods the console may call, by kind (from the core's table):
 * - `read`: changes nothing (no change notice to the live consoles after it);
 * - `mutating`: changes the Message Center (its consoles are told);
 * - `clock`: moves the clock, so only a virtual one (a real clock moves by itself).
 */
export const CONSOLE_METHODS = Object.freeze(
  Object.fromEntries(
    CALLABLE.map((m) => {
      const core = CORE_METHODS[m];
      if (!core) throw new Error(`console-methods.js: ${m} is not built on an operation of the core`);
      return [m, KIND_OF[core.kind]];
    }),
  ),
);

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
