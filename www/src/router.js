// The route lives in the URL hash, so that a view (its filter, the open event) can be bookmarked
// and shared: `#/<sandbox>/<instance>/<page>?<query>`. `instance` is `control` or an account name.

import { signal } from '@preact/signals';

function parse() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, query = ''] = raw.split('?');
  const [sandbox = '', instance = '', page = '', ...rest] = path.split('/').map(decodeURIComponent);
  return { sandbox, instance, page, rest, params: Object.fromEntries(new URLSearchParams(query)) };
}

export const route = signal(parse());
addEventListener('hashchange', () => {
  route.value = parse();
});

/** The hash of a route. */
export function href({ sandbox = route.value.sandbox, instance = '', page = '', rest = [], params = {} } = {}) {
  // Empty segments stay (`#/<sandbox>//push`: a page of no instance), trailing ones go.
  const parts = [sandbox, instance, page, ...rest];
  while (parts.length > 1 && parts.at(-1) === '') parts.pop();
  const path = parts.map(encodeURIComponent).join('/');
  const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '')).toString();
  return `#/${path}${q ? `?${q}` : ''}`;
}

/** Goes to a route (pushes history unless `replace`). */
export function go(to, { replace = false } = {}) {
  const h = href(to);
  if (replace) history.replaceState(null, '', h);
  else history.pushState(null, '', h);
  route.value = parse();
}
