// `npm start`: builds what is missing (the package, then the browser app), serves www/ on
// localhost and prints its URL. Options: --port N (default 8080; the next free port if it is
// taken), --host H (default 127.0.0.1). The scripted Node demo is `npm run demo`.

import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildWww } from './build.mjs';
import { serveStatic } from './serve.mjs';
import { root } from './tools.mjs';

const { values } = parseArgs({ options: { port: { type: 'string', default: '8080' }, host: { type: 'string', default: '127.0.0.1' } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port: "${values.port}" is not a port number (0–65535)`);
  process.exit(2);
}
await buildWww();
const server = await serveStatic(join(root, 'www'), { host: values.host, port });
console.log(`\nThe Message Center simulator is served at ${server.url('/')}\n(www/ is static: any file server works too.) Ctrl+C stops it.`);
const stop = () => server.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
