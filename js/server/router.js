// The service's route table: `(method, path) → handler`, each route with the checks it passes
// first. GET routes answer HEAD too (Node's ServerResponse sends a HEAD answer's headers and drops
// its body). A path that a route has, asked with another method, is 405 with `Allow`; a path no
// route has is 404. A route that takes every method (`'*'`) catches the paths no other route has.

import { httpError } from './errors.js';

/**
 * A route.
 * @typedef {object} Route
 * @property {string[] | '*'} methods the methods it takes (GET implies HEAD)
 * @property {string | RegExp | ((path: string) => object | null)} path an exact path, a pattern
 *   (its groups are the params) or a function of the path giving the params (null: not this route)
 * @property {string} label its name in metrics and logs (a fixed set: no label per URL)
 * @property {Array<(ctx: any) => void | Promise<void>>} [use] checks run before the handler
 * @property {'request' | 'main' | 'none'} [center] the Message Center it works on: the request's
 *   (`X-MC-Namespace`), the process's default one, or none
 * @property {(ctx: any) => unknown} handler answers through `ctx.res`
 */

/** The params of `path` for a route, or null when it is not the route's. */
function paramsOf(route, path) {
  const p = route.path;
  if (typeof p === 'string') return p === path ? {} : null;
  if (p instanceof RegExp) {
    const m = p.exec(path);
    return m ? { ...m.slice(1) } : null;
  }
  return p(path);
}

function takes(route, method) {
  if (route.methods === '*') return true;
  return route.methods.includes(method) || (method === 'HEAD' && route.methods.includes('GET'));
}

/**
 * The route of a request: `{ route, params }`, or a 405/404 refusal (`route` null, `refusal` the
 * error, `label` for metrics).
 * @param {Route[]} routes
 */
export function createRouter(routes) {
  return function match(method, path) {
    const matched = [];
    for (const route of routes) {
      const params = paramsOf(route, path);
      if (params === null) continue;
      // A catch-all (`methods: '*'`) serves only the paths no other route has.
      if (takes(route, method) && !(route.methods === '*' && matched.length)) return { route, params };
      if (route.methods === '*') continue;
      matched.push(route);
    }
    if (matched.length) {
      const allow = [...new Set(matched.flatMap((r) => (r.methods.includes('GET') ? [...r.methods, 'HEAD'] : r.methods)))];
      return { route: null, label: matched[0].label, refusal: Object.assign(httpError(405, 'METHOD_NOT_ALLOWED', `${path} takes ${allow.join(', ')}`), { allow: allow.join(', ') }) };
    }
    return { route: null, label: 'other', refusal: httpError(404, 'NOT_FOUND', `Not found: ${path}`) };
  };
}
