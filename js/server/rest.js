// A REST facade in the shape of Campaign Standard's transactional API (reference §7):
//
//   POST /<organization>/campaign/<transactionalAPI>/<eventID>         an event as JSON → its PKey, status "pending"
//   GET  /<organization>/campaign/<transactionalAPI>/<eventID>/<PKey>  its status, by the ACS names
//   GET  /rest/openapi.json                                            the OpenAPI document
//
// The event goes through the engine's JSON input (`pushEvent`), so its checks are the SOAP ones;
// the event type is the eventID. An `Idempotency-Key` header returns the first reply for a
// repeated key (kept per Message Center, the last `idempotencyKeys` keys).

const PATH = /^\/([^/]+)\/campaign\/([^/]+)\/([^/]+)(?:\/([^/]*))?\/?$/;

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

/** A client error as the facade answers it. */
function refused(status, code, message) {
  return Object.assign(new Error(message), { status, code });
}

/**
 * Answers one request of the facade.
 * @param {{ mc: any, idempotency: Map<string, Promise<{ status: number, body: object }>> }} center
 * @param {{ method: string, route: object, body: () => Promise<string>, caller: object, token: string, key: string|undefined, serverUrl: string, keep: number }} req
 * @returns {Promise<{ status: number, body: object }>}
 */
export async function restCall(center, { method, route, body, caller, token, key, serverUrl, keep, statusOf }) {
  const { mc } = center;
  mc.authenticate(caller, token);
  if (method === 'GET' && route.pkey !== null) {
    const story = await mc.getEvent(route.pkey);
    if (story.event.type !== route.eventId) throw refused(404, 'UNKNOWN_EVENT', `event ${route.pkey} is not a ${route.eventId} event`);
    return { status: 200, body: describe(story.event, route, serverUrl, undefined) };
  }
  if (method !== 'POST' || route.pkey !== null) throw refused(405, 'METHOD_NOT_ALLOWED', 'POST an event to /<organization>/campaign/<transactionalAPI>/<eventID>, GET its status at …/<eventID>/<PKey>');
  if (key !== undefined) {
    if (typeof key !== 'string' || key === '' || key.length > 255) throw refused(400, 'INVALID_ARGUMENT', 'Idempotency-Key must be 1 to 255 characters');
    // A key belongs to one event type's path.
    key = `${route.api}/${route.eventId}\n${key}`;
    const first = center.idempotency.get(key);
    if (first) return first;
  }
  const answer = (async () => {
    let event;
    try {
      event = JSON.parse(await body());
    } catch (e) {
      throw refused(400, 'INVALID_JSON', `the body is not JSON: ${e.message}`);
    }
    if (event === null || typeof event !== 'object' || Array.isArray(event)) throw refused(400, 'INVALID_JSON', 'the body must be a JSON object: the event');
    if ('type' in event && event.type !== route.eventId) throw refused(400, 'INVALID_EVENT', `the event's type is its path's eventID (${route.eventId}), not ${JSON.stringify(event.type)}`);
    const ctx = event.ctx ?? {};
    const pushed = await mc.pushEvent({ ...event, type: route.eventId, ctx });
    const story = await mc.getEvent(pushed.id);
    return { status: 200, body: describe(story.event, route, serverUrl, ctx) };
  })();
  if (key === undefined) {
    return answer.catch((e) => ({ status: statusOf(e), body: { error: { code: e.code ?? 'INTERNAL', message: e.message } } }));
  }
  // The first reply for the key (a refused event too: the caller sees the same), unless the
  // service failed (5xx): a retry with the key is then tried again.
  const kept = answer.then(
    (r) => r,
    (e) => {
      const status = statusOf(e);
      if (status >= 500) center.idempotency.delete(key);
      return { status, body: { error: { code: e.code ?? 'INTERNAL', message: e.message } } };
    },
  );
  center.idempotency.set(key, kept);
  if (center.idempotency.size > keep) center.idempotency.delete(center.idempotency.keys().next().value);
  return kept;
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
          parameters: [...params, { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 }, description: 'A repeated key gets the first reply' }],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Event' } } } },
          responses: { 200: { description: 'Received: status pending', content: { 'application/json': { schema: { $ref: '#/components/schemas/EventDescription' } } } }, ...errors },
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
