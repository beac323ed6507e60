// `npm run simulate -- --seeds N [--from S] [--steps K]`: the simulator (src/sim/, src/bin/simulate/),
// built in the `sim` profile (optimized, unwinding: a panic of the engine is a finding reported with
// its seed), with every argument passed on (`--replay FILE`, `--trace`, `--soak`…: see HACKING.md).

import { ensureRustTools, sh } from './tools.mjs';

ensureRustTools();
try {
  sh('cargo', ['run', '--quiet', '--profile', 'sim', '--features', 'sim', '--bin', 'simulate', '--', ...process.argv.slice(2)]);
} catch {
  process.exit(1);
}
