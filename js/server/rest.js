// A REST facade in the shape of Campaign Standard's transactional API (reference §7):
//
//   POST /<organization>/campaign/<transactionalAPI>/<eventID>         an event as JSON → its PKey, status "pending"
//   GET  /<organization>/campaign/<transactionalAPI>/<eventID>/<PKey>  its status, by the ACS names
//   GET  /rest/openapi.json                                            the OpenAPI document
//
// The event goes through the engine's JSON input (`pushEvent`), so its checks are the SOAP ones;
// the event type is the eventID. An `Idempotency-Key` header returns the first reply for a
// repeated key (kept per Message Center, the last `idempotencyKeys` keys): a key is the operator's
// (another operator's same key is another key) and is bound to the SHA-256 of the body it came
// with (the same key with another body is refused, 422, and pushes nothing).

import { createHash } from 'node:crypto';
import { errorBody, httpError, statusOf } from './errors.js';
import { decodeUtf8, json } from './http.js';
import { callerOf, clientOf } from './middleware.js';

const PATH = /^\/([^/]+)\/campaign\/([^/]+)\/([^/]+)(?:\/([^/]*))?\/?$/;

/** The label of the facade's routes in metrics and logs. */
export const REST_LABEL = '/{organization}/campaign/{transactionalAPI}/{eventID}';

/** Whether a path is one of the facade's: `{ org, api, eventId, pkey }`. */
export function restRoute(path) {
  const m = PATH.exec(path);
  if (!m) return null;
  try {
    return { org: decodeURIComponent(m[1]), api: decodeURIComponent(m[2]), eventId: decodeURIComponent(m[3]), pkey: m[4] === undefined || m[4] === '' ? null : decodeURIComponent(m[4]) };
  } catch {
    return null;
  }
}

/** The fields of the ACS event description, from the engine's view of the event. */
function describe(e, route, serverUrl, ctx) {
  return {
    PKey: e.id,
    ctx,
    email: e.email ?? undefined,
    mobilePhone: e.mobilePhone ?? undefined,
    scheduled: e.scheduled ?? undefined,
    expiration: e.expiration ?? undefined,
    href: `${route.api}/${route.eventId}/${e.id}`,
    serverUrl,
    status: e.restStatus,
    type: e.type,
  };
}

/** The event a POST carries, checked: its JSON object, its type the path's. */
function eventOf(text, route) {
  let event;
  try {
    event = JSON.parse(text);
  } catch (e) {
    throw httpError(400, 'INVALID_JSON', `the body is not JSON: ${e.message}`);
  }
  if (event === null || typeof event !== 'object' || Array.isArray(event)) throw httpError(400, 'INVALID_JSON', 'the body must be a JSON object: the event');
  if ('type' in event && event.type !== route.eventId) throw httpError(400, 'INVALID_EVENT', `the event's type is its path's eventID (${route.eventId}), not ${JSON.stringify(event.type)}`);
  return event;
}

/**
 * Pushes one event: its reply, `{ status, body }` (a refusal as its error answer).
 * @param {any} mc
 */
async function pushOne(mc, bytes, route, serverUrl) {
  try {
    const event = eventOf(decodeUtf8(bytes, 'INVALID_JSON'), route);
    const ctx = event.ctx ?? {};
    const pushed = await mc.pushEvent({ ...event, type: route.eventId, ctx });
    const story = await mc.getEvent(pushed.id);
    return { status: 200, body: describe(story.event, route, serverUrl, ctx) };
  } catch (e) {
    return { status: statusOf(e), body: errorBody(e) };
  }
}

/**
 * The facade's routes.
 * @param {{ o: any, body: ReturnType<import('./http.js').bodyReader>, remember: (c: any, entry: object) => void, logons: ReturnType<import('./logons.js').createLogonBudget> }} app
 * @returns {import('./router.js').Route[]}
 */
export function restRoutes(app) {
  const { o } = app;

  /**
   * The authentication of the facade (a check of its routes): an operator's bearer token or
   * session token, as the SOAP router takes them, within the budget of failed logons; the
   * operator's login is kept on the context.
   */
  async function operator(ctx) {
    const c = await ctx.center();
    ctx.operator = await app.logons.attempt(clientOf(ctx.req, o).address, () => c.mc.authenticate(callerOf(ctx), ctx.req.headers['x-session-token'] ?? ''));
  }

  const serverUrl = (ctx) => `http://${clientOf(ctx.req, o).host ?? `${o.host}:${o.port}`}`;

  async function post(ctx) {
    const { req, res, c, params: route } = ctx;
    const bytes = await app.body.bytes(req, o.maxBodyBytes);
    let key = req.headers['idempotency-key'];
    let r;
    if (key === undefined) r = await pushOne(c.mc, bytes, route, serverUrl(ctx));
    else {
      if (typeof key !== 'string' || key === '' || key.length > 255) throw httpError(400, 'INVALID_ARGUMENT', 'Idempotency-Key must be 1 to 255 characters');
      // A key is the operator's, on one event type's path, and bound to its body.
      key = `${ctx.operator}\n${route.api}/${route.eventId}\n${key}`;
      const hash = createHash('sha256').update(bytes).digest('hex');
      const first = c.idempotency.get(key);
      if (first && first.hash !== hash) throw httpError(422, 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key came with another body: a retry must send the same body, another event another key');
      if (first) r = await first.reply;
      else {
        // The first reply for the key (a refused event too: the caller sees the same), unless the
        // service failed (5xx): a retry with the key is then tried again.
        const reply = pushOne(c.mc, bytes, route, serverUrl(ctx)).then((x) => {
          if (x.status >= 500) c.idempotency.delete(key);
          return x;
        });
        c.idempotency.set(key, { hash, reply });
        if (c.idempotency.size > o.idempotencyKeys) c.idempotency.delete(c.idempotency.keys().next().value);
        r = await reply;
      }
    }
    app.remember(c, { route: REST_LABEL, remote: clientOf(req, o).address, soapAction: null, status: r.status, events: r.body.PKey ? [{ id: r.body.PKey }] : [], fault: r.body.error ?? null });
    json(res, r.status, r.body);
  }

  async function get(ctx) {
    const { res, c, params: route } = ctx;
    const story = await c.mc.getEvent(route.pkey);
    if (story.event.type !== route.eventId) throw httpError(404, 'UNKNOWN_EVENT', `event ${route.pkey} is not a ${route.eventId} event`);
    json(res, 200, describe(story.event, route, serverUrl(ctx), undefined));
  }

  const collection = (path) => {
    const r = restRoute(path);
    return r && r.pkey === null ? r : null;
  };
  const item = (path) => {
    const r = restRoute(path);
    return r && r.pkey !== null ? r : null;
  };
  return [
    { methods: ['POST'], path: collection, label: REST_LABEL, use: [operator], handler: post },
    { methods: ['GET'], path: item, label: REST_LABEL, use: [operator], handler: get },
    { methods: ['GET'], path: '/rest/openapi.json', label: '/rest/openapi.json', center: 'none', handler: (ctx) => json(ctx.res, 200, openApi(serverUrl(ctx))) },
  ];
}

/** The OpenAPI 3.0 document of the facade. */
export function openApi(serverUrl) {
  const event = {
    type: 'object',
    properties: {
      email: { type: 'string', format: 'email' },
      mobilePhone: { type: 'string' },
      scheduled: { type: 'string', format: 'date-time', description: 'Not processed before (ISO 8601; the T may be omitted)' },
      expiration: { type: 'string', format: 'date-time', description: 'Expires after' },
      wishedChannel: { description: 'Channel (name or messageType value; default email)', oneOf: [{ type: 'string' }, { type: 'integer' }] },
      externalId: { type: 'string' },
      ctx: { type: 'object', description: 'The event data the message personalizes with', additionalProperties: true },
    },
    additionalProperties: true,
  };
  const description = {
    type: 'object',
    properties: {
      PKey: { type: 'string', description: 'The event id (decimal, 64-bit: the execution instance id in the top byte)' },
      ctx: { type: 'object' },
      email: { type: 'string' },
      mobilePhone: { type: 'string' },
      scheduled: { type: 'string' },
      expiration: { type: 'string' },
      href: { type: 'string' },
      serverUrl: { type: 'string' },
      status: { type: 'string', enum: ['pending', 'processing', 'processed', 'ignored', 'deliveryFailed', 'routingFailed', 'tooOld'] },
      type: { type: 'string' },
    },
    required: ['PKey', 'href', 'status', 'type'],
  };
  const error = { type: 'object', properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } } } };
  const params = [
    { name: 'organization', in: 'path', required: true, schema: { type: 'string' } },
    { name: 'transactionalAPI', in: 'path', required: true, schema: { type: 'string' }, description: 'e.g. mcAdobe' },
    { name: 'eventID', in: 'path', required: true, schema: { type: 'string' }, description: 'The event type (a value of the eventType enumeration)' },
  ];
  const auth = [{ bearer: [] }, { sessionToken: [] }];
  const errors = { 400: { description: 'A bad event', content: { 'application/json': { schema: error } } }, 401: { description: 'Session invalid' }, 403: { description: 'Invalid login or password' } };
  return {
    openapi: '3.0.3',
    info: { title: 'message-center: transactional events, Campaign Standard shape', version: '1.0.0' },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: "An operator's bearerToken" },
        sessionToken: { type: 'apiKey', in: 'header', name: 'X-Session-Token', description: 'login/password, or a session token from xtk:session#Logon' },
      },
      schemas: { Event: event, EventDescription: description, Error: error },
    },
    paths: {
      '/{organization}/campaign/{transactionalAPI}/{eventID}': {
        post: {
          summary: 'Send an event',
          security: auth,
          parameters: [...params, { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 }, description: "A repeated key with the same body gets the first reply; with another body, 422 (a key is the operator's)" }],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Event' } } } },
          responses: {
            200: { description: 'Received: status pending', content: { 'application/json': { schema: { $ref: '#/components/schemas/EventDescription' } } } },
            ...errors,
            413: { description: 'The body is over the limit' },
            422: { description: 'IDEMPOTENCY_KEY_REUSED: the Idempotency-Key came with another body' },
            503: { description: 'BUSY: the service reads too many bodies at once, or is shutting down' },
          },
        },
      },
      '/{organization}/campaign/{transactionalAPI}/{eventID}/{PKey}': {
        get: {
          summary: "An event's status",
          security: auth,
          parameters: [...params, { name: 'PKey', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { 200: { description: 'The event', content: { 'application/json': { schema: { $ref: '#/components/schemas/EventDescription' } } } }, 404: { description: 'No such event' }, ...errors },
        },
      },
    },
  };
}
