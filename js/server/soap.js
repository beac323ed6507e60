// Message Center's own wire protocol: the SOAP router (`POST /nl/jsp/soaprouter.jsp`), the WSDL,
// mcPing and ping. The engine reads every envelope, authenticates every caller and writes every
// reply; this module moves bytes, applies the test harness's injected faults, refuses a body that
// is not UTF-8 (XML 1.0: a fatal error) with a Client fault, since the engine takes text, and
// keeps the budget of failed logons (logons.js): over it, a Server fault with HTTP 503.

import { randomBytes } from 'node:crypto';
import { firstInvalidByte, send, text } from './http.js';
import { TOO_MANY_FAILED_LOGONS } from './logons.js';
import { callerOf, clientOf } from './middleware.js';

const SOAP_ENV = 'http://schemas.xmlsoap.org/soap/envelope/';

/** The services of the SOAP router by schema name, with their namespace. */
const SERVICES = new Map(['nms:rtEvent', 'nms:batchEvent', 'xtk:session', 'xtk:persist', 'xtk:queryDef'].map((name) => [name, `urn:${name}`]));

/** Escapes text for XML content and attribute values (what the core's `escape` does). */
function escapeXml(s) {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
}

/** The service and method a `SOAPAction` names (`nms:rtEvent#PushEvent` when it names none we serve). */
function actionOf(soapAction) {
  const [schema, method] = (soapAction ?? '').trim().replace(/^"|"$/g, '').split('#');
  const service = SERVICES.has(schema) ? schema : 'nms:rtEvent';
  return { service, method: method === undefined || method === '' ? 'PushEvent' : method.slice(0, 100) };
}

/** A fault reply in the core's shape (src/soap.rs, `fault_reply`). */
function faultReply(status, service, faultcode, faultstring, detail, code) {
  const body =
    `<SOAP-ENV:Envelope xmlns:xsd="http://www.w3.org/2001/XMLSchema"\n    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"\n    xmlns:ns="${SERVICES.get(service)}"\n    xmlns:SOAP-ENV="${SOAP_ENV}">\n  <SOAP-ENV:Body>\n` +
    `    <SOAP-ENV:Fault>\n      <faultcode>${faultcode}</faultcode>\n      <faultstring xsi:type="xsd:string">${escapeXml(faultstring)}</faultstring>\n      <detail xsi:type="xsd:string">${escapeXml(detail)}</detail>\n    </SOAP-ENV:Fault>\n` +
    '  </SOAP-ENV:Body>\n</SOAP-ENV:Envelope>\n';
  return { status, contentType: 'text/xml; charset=utf-8', body, events: [], fault: { faultcode, faultstring, detail, code } };
}

/**
 * The Client fault of a body that is not UTF-8, in the core's shape (src/soap.rs, `fault_reply` of
 * a message that does not parse): the service and method from the `SOAPAction` (an envelope that
 * does not decode names neither), `nms:rtEvent#PushEvent` without one.
 * @param {string | null} soapAction
 * @param {number} offset the first malformed byte
 */
export function notUtf8Fault(soapAction, offset) {
  const { service, method } = actionOf(soapAction);
  return faultReply(500, service, 'SOAP-ENV:Client', `The XML SOAP message is invalid (service '${method}', method '${service}').`, `The request is not UTF-8: an invalid byte sequence at byte ${offset}.`, 'MALFORMED_XML');
}

/**
 * The Server fault of a call refused by the budget of failed logons (before the engine read it):
 * HTTP 503, as a service that is unavailable for a while (`Retry-After` says how long).
 * @param {string | null} soapAction
 * @param {Error} refusal the budget's
 */
export function tooManyFailedLogonsFault(soapAction, refusal) {
  const { service, method } = actionOf(soapAction);
  return faultReply(503, service, 'SOAP-ENV:Server', `Error while executing the method '${method}' of service '${service}'.`, `${TOO_MANY_FAILED_LOGONS}: ${refusal.message}`, TOO_MANY_FAILED_LOGONS);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The fault rule that takes this call, if any (the first active one whose operation matches its
 * SOAPAction): by count (the next N calls), by probability (drawn from the store's seed), for a
 * time (`forMs`).
 */
function injectFault(c, soapAction) {
  const op = (soapAction ?? '').trim().replace(/^"|"$/g, '');
  const now = performance.now();
  c.faults = c.faults.filter((f) => f.until === null || now < f.until);
  for (const f of c.faults) {
    if (f.operation !== '*' && f.operation !== op) continue;
    if (f.count !== null) {
      f.count--;
      if (f.count === 0) c.faults = c.faults.filter((x) => x !== f);
      return f;
    }
    if (f.probability !== null) {
      if (c.mc.draw(`fault:${f.id}`, f.seen++) < f.probability * 1_000_000) return f;
      continue;
    }
    return f;
  }
  return null;
}

/** Where the SOAP router is, as the caller named this service. */
function routerUrl(ctx) {
  return `http://${clientOf(ctx.req, ctx.o).host ?? `${ctx.o.host}:${ctx.o.port}`}/nl/jsp/soaprouter.jsp`;
}

/**
 * The routes of the wire protocol.
 * @param {{ o: any, body: ReturnType<import('./http.js').bodyReader>, remember: (c: any, entry: object) => void, logons: ReturnType<import('./logons.js').createLogonBudget> }} app
 * @returns {import('./router.js').Route[]}
 */
export function soapRoutes(app) {
  const ROUTER = '/nl/jsp/soaprouter.jsp';

  async function router(ctx) {
    const { req, res, url, c } = ctx;
    const bytes = await app.body.bytes(req, app.o.maxBodyBytes);
    const header = req.headers.soapaction;
    const soapAction = typeof header === 'string' && header.trim() !== '' ? header : url.searchParams.get('soapAction');
    const client = clientOf(req, app.o);
    const journal = (status, r) => app.remember(c, { route: ROUTER, remote: client.address, soapAction: soapAction ?? null, status, events: r.events, fault: r.fault });
    const fault = injectFault(c, soapAction);
    if (fault) {
      app.remember(c, { route: ROUTER, remote: client.address, soapAction: soapAction ?? null, status: fault.kind === 'drop' ? null : fault.kind === 'http503' ? 503 : 500, events: [], fault: { code: 'INJECTED', kind: fault.kind, rule: fault.id } });
      if (fault.kind === 'drop') return req.socket.destroy();
      if (fault.kind === 'http503') return text(res, 503, 'Service Unavailable (a fault injected by the test harness)\n');
      if (fault.kind === 'soapFault') {
        const f = c.mc.injectedFault(soapAction);
        return send(res, f.status, f.contentType, f.body);
      }
      await new Promise((r) => setTimeout(r, fault.delayMs));
    }
    let envelope;
    try {
      envelope = strictUtf8.decode(bytes);
    } catch {
      const r = notUtf8Fault(soapAction, firstInvalidByte(bytes));
      send(res, r.status, r.contentType, r.body);
      return journal(r.status, r);
    }
    const caller = {
      ...callerOf(ctx),
      sessionToken: req.headers['x-session-token'] ?? null,
      securityToken: req.headers['x-security-token'] ?? null,
      entropy: randomBytes(32).toString('hex'),
    };
    let r;
    try {
      r = await app.logons.attempt(client.address, () => c.mc.soap(envelope, { soapAction, caller }), (x) => x.fault?.code === 'ACCESS_DENIED');
    } catch (e) {
      if (e?.code !== TOO_MANY_FAILED_LOGONS) throw e;
      r = tooManyFailedLogonsFault(soapAction, e);
      send(res, r.status, r.contentType, r.body, { 'retry-after': String(e.retryAfter) });
      return journal(r.status, r);
    }
    send(res, r.status, r.contentType, r.body);
    journal(r.status, r);
  }

  return [
    { methods: ['POST'], path: ROUTER, label: ROUTER, handler: router },
    { methods: ['GET'], path: '/nl/jsp/mcPing.jsp', label: '/nl/jsp/mcPing.jsp', handler: ({ res, c }) => text(res, 200, c.mc.mcPing().text) },
    { methods: ['GET'], path: '/nl/jsp/ping.jsp', label: '/nl/jsp/ping.jsp', handler: ({ res, c }) => text(res, 200, c.mc.ping()) },
    {
      methods: ['GET'],
      path: '/nl/jsp/schemawsdl.jsp',
      label: '/nl/jsp/schemawsdl.jsp',
      handler: (ctx) => send(ctx.res, 200, 'text/xml; charset=utf-8', ctx.c.mc.wsdl(ctx.url.searchParams.get('schema') ?? '', routerUrl(ctx))),
    },
  ];
}
