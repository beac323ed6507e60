// Node-only helper of the service tests: `message-center serve` in a child process.

import { spawn } from 'node:child_process';

/**
 * `message-center serve` in a child process with these arguments (after `serve`), silent: once it
 * prints what it serves, `{ child, url, out }` (`out`: its startup lines); rejects if it exits
 * first. `cli`: another command than the repository's (an installed package's bin), run in `cwd`.
 */
export function serveProcess(args, { cli, cwd } = {}) {
  const command = cli ?? new URL('../../js/server/cli.js', import.meta.url).pathname;
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  return new Promise((resolve, reject) => {
    const child = cli ? spawn(command, ['serve', ...args], { cwd, env: { ...env, MC_LOG: 'silent' } }) : spawn(process.execPath, [command, 'serve', ...args], { cwd, env: { ...env, MC_LOG: 'silent' } });
    let out = '';
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    const onExit = (code) => reject(new Error(`message-center serve exited ${code}: ${out}${err}`));
    child.on('exit', onExit);
    child.stdout.on('data', (c) => {
      out += c;
      const m = /serving Message Center on (http:\/\/\S+)/.exec(out);
      if (m && out.includes('clock')) {
        child.off('exit', onExit);
        resolve({ child, url: m[1], out });
      }
    });
  });
}
