// Storage lending between processes: `POST /__mc/storage`, a control process archiving this one's
// execution instances. Authenticated as an operator (by the lending itself, remote.js's
// `storageEndpoint`), from anywhere: it is not local-only; within the budget of failed logons
// (logons.js).

import { json } from './http.js';
import { callerOf, clientOf } from './middleware.js';

/**
 * The lending's route, on the process's default Message Center.
 * @param {{ o: any, body: ReturnType<import('./http.js').bodyReader>, centers: any, logons: ReturnType<import('./logons.js').createLogonBudget> }} app
 * @returns {import('./router.js').Route[]}
 */
export function lendingRoutes(app) {
  async function lend(ctx) {
    const body = await app.body.json(ctx.req, { limit: app.o.maxBodyBytes, object: true, shape: 'the body must be a JSON object: { "op", … }' });
    const c = app.centers.main();
    const answer = await app.logons.attempt(clientOf(ctx.req, ctx.o).address, () => c.lend(body, callerOf(ctx), ctx.req.headers['x-session-token'] ?? ''));
    json(ctx.res, 200, answer);
  }
  return [{ methods: ['POST'], path: '/__mc/storage', label: '/__mc/storage', center: 'none', handler: lend }];
}
