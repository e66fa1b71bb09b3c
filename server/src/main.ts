// The language server's entry: `node server/dist/server.js --stdio` (any editor) or `--node-ipc` (VS Code).
import { setFlagsFromString } from 'node:v8';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';
import { SERVER_V8_FLAGS } from './shared/serverExecArgv';

const transports = ['--stdio', '--node-ipc', '--pipe='];
if (!process.argv.some((a) => transports.some((t) => a.startsWith(t)))) {
  process.stderr.write('Freshsales DevTools language server.\nUsage: node server.js --stdio   (or --node-ipc when started by VS Code)\n');
  process.exit(2);
}
for (const flag of SERVER_V8_FLAGS) setFlagsFromString(flag);
startServer(createConnection(ProposedFeatures.all));
