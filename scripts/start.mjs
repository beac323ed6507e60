// `npm start`: builds what is missing, then runs the scripted demo (a control, two execution
// instances, a mix of events, a few hours of virtual time, the status list and the archive).

import { build } from './build.mjs';
import { root, sh } from './tools.mjs';

build();
sh(process.execPath, [`${root}/scripts/demo.mjs`, ...process.argv.slice(2)]);
