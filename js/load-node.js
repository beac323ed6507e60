// How the Node entry loads a wasm build of the core (internal; the trap-recovery test loads the
// fault-injection build through it too). Synchronous compilation, so that `require` works.

import { readFileSync } from 'node:fs';

/**
 * A loader for `bindMessageCenter`: the glue module (already imported) with its wasm, and on
 * demand a fresh instance (a second copy of the glue module, so that nothing of a trapped
 * instance is shared).
 *
 * @param {any} glue the imported wasm-bindgen glue module
 * @param {URL} glueUrl where it is (to import fresh copies)
 * @param {URL} wasmUrl its wasm
 */
export function nodeEngineLoader(glue, glueUrl, wasmUrl) {
  const bytes = readFileSync(wasmUrl);
  const module = new WebAssembly.Module(bytes);
  glue.initSync({ module });
  let instances = 0;
  return async function loadEngine({ fresh = false, onProgress } = {}) {
    // Loaded already: one report of the whole.
    onProgress?.({ loaded: bytes.length, total: bytes.length });
    if (!fresh) return glue;
    instances++;
    const other = await import(`${glueUrl.href}?instance=${instances}`);
    other.initSync({ module });
    return other;
  };
}
