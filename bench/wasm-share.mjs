// The personalization language's share of the wasm: the core built as the package builds it
// (profile `wasm`) but with its function names kept (target/names/), then the code section's
// function bodies summed by the module their name gives: `message_center::script` is the
// language. A share of code bytes before wasm-opt; `npm run bench` applies it to the shipped size.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;

/** Reads an unsigned LEB128 at `p.at` of `b`, advancing it. */
function leb(b, p) {
  let v = 0;
  let shift = 0;
  for (;;) {
    const x = b[p.at++];
    v += (x & 0x7f) * 2 ** shift;
    shift += 7;
    if (x < 0x80) return v;
  }
}

/**
 * Sizes of the function bodies of a wasm module by name.
 * @returns {Array<{ name: string, bytes: number }>}
 */
export function functionSizes(bytes) {
  const p = { at: 8 };
  let imported = 0;
  const bodies = [];
  const names = new Map();
  while (p.at < bytes.length) {
    const id = bytes[p.at++];
    const size = leb(bytes, p);
    const end = p.at + size;
    if (id === 2) {
      // Imports: functions take the first indexes.
      const q = { at: p.at };
      for (let n = leb(bytes, q); n > 0; n--) {
        for (let k = 0; k < 2; k++) {
          const l = leb(bytes, q); // the module's name, then the field's
          q.at += l;
        }
        const kind = bytes[q.at++];
        if (kind === 0) {
          leb(bytes, q);
          imported++;
        } else if (kind === 1) {
          q.at++;
          const f = bytes[q.at++];
          leb(bytes, q);
          if (f & 1) leb(bytes, q);
        } else if (kind === 2) {
          const f = bytes[q.at++];
          leb(bytes, q);
          if (f & 1) leb(bytes, q);
        } else if (kind === 3) {
          q.at += 2;
        }
      }
    } else if (id === 10) {
      const q = { at: p.at };
      for (let n = leb(bytes, q); n > 0; n--) {
        const s = leb(bytes, q);
        bodies.push(s);
        q.at += s;
      }
    } else if (id === 0) {
      const q = { at: p.at };
      const len = leb(bytes, q);
      const name = new TextDecoder().decode(bytes.subarray(q.at, q.at + len));
      q.at += len;
      if (name === 'name') {
        while (q.at < end) {
          const sub = bytes[q.at++];
          const subSize = leb(bytes, q);
          const subEnd = q.at + subSize;
          if (sub === 1) {
            for (let n = leb(bytes, q); n > 0; n--) {
              const idx = leb(bytes, q);
              const l = leb(bytes, q);
              names.set(idx, new TextDecoder().decode(bytes.subarray(q.at, q.at + l)));
              q.at += l;
            }
          }
          q.at = subEnd;
        }
      }
    }
    p.at = end;
  }
  return bodies.map((b, i) => ({ name: names.get(i + imported) ?? '', bytes: b }));
}

/**
 * Builds the named wasm (quick when nothing changed) and returns the language's share of its code.
 * @returns {{ languageBytes: number, codeBytes: number, share: number }}
 */
export function languageShare() {
  const r = spawnSync('cargo', ['build', '--quiet', '--profile', 'wasm', '--lib', '--target', 'wasm32-unknown-unknown', '--target-dir', 'target/names'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, CARGO_PROFILE_WASM_STRIP: 'false' },
  });
  if (r.status !== 0) throw new Error('cargo build of the named wasm failed');
  const fns = functionSizes(readFileSync(`${root}target/names/wasm32-unknown-unknown/wasm/message_center.wasm`));
  const codeBytes = fns.reduce((a, f) => a + f.bytes, 0);
  // Legacy mangling: `_ZN14message_center6script…` for the module's functions, and
  // `message_center..script..` inside the names of impls and generic instances for its types.
  const language = (n) => n.startsWith('_ZN14message_center6script') || n.includes('message_center..script..');
  const languageBytes = fns.filter((f) => language(f.name)).reduce((a, f) => a + f.bytes, 0);
  return { languageBytes, codeBytes, share: languageBytes / codeBytes };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const s = languageShare();
  console.log(s);
}
