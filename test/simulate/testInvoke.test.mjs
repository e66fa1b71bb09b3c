// `this.invoke` of `fsdev test` (server/src/testing/invoke.ts), in process: what each invocation does again and
// what it does once per test run. fdk evaluates server.js afresh for each invocation (its module state and the
// library files it requires start anew); the files are read, and compiled, once per run.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import { loadTs } from '../helpers/loadCore.mjs';
import { makeApp } from './helpers.mjs';

const require = createRequire(import.meta.url);
const sinon = require('sinon');
const { AppUnderTest } = await loadTs('server/src/testing/invoke.ts');

const SERVER = `var counter = require('./lib/counter');
var table = require('./table.json');
var calls = 0;
exports = {
  h: function (args) {
    calls++;
    counter.bump();
    table.seen = (table.seen || 0) + 1;
    var earlier = globalThis.mark;
    globalThis.mark = calls;
    return { earlier: earlier, calls: calls, libCalls: counter.count(), label: table.label, seen: table.seen, iparams: args.iparams,
      ownRealm: args.constructor === Object };
  },
  hello: function () { renderData(null, { calls: ++calls }); }
};
`;

test('this.invoke reads server.js and the files it requires once per run, and evaluates them afresh for each invoke', async () => {
  const app = makeApp(SERVER, {
    files: {
      'server/lib/counter.js': 'var n = 0;\nmodule.exports = { bump: function () { n++; }, count: function () { return n; } };\n',
      'server/table.json': { label: 'as read first' },
      'config/iparams.json': { api_key: { display_name: 'API key', type: 'text', required: true, default_value: 'from-defaults' } },
    },
  });
  try {
    const logs = [];
    const under = new AppUnderTest(app, sinon, true, (level, message) => logs.push(`${level}: ${message}`));
    await under.prepare();
    const fresh = { calls: 1, libCalls: 1, label: 'as read first', seen: 1, ownRealm: true };
    assert.deepEqual(await under.invoke('onContactCreate', {}), { ...fresh, iparams: { api_key: 'from-defaults' } });
    // One context for the run: a global the handler set is still there (the module's own variables are not).
    fresh.earlier = 1;
    // The files change on disk mid-run (server.js now throws, the library is gone, the JSON says otherwise): the
    // run goes on with the code it read, each invoke starting from fresh module state.
    writeFileSync(path.join(app, 'server/server.js'), "throw new Error('server.js changed on disk');\n");
    rmSync(path.join(app, 'server/lib'), { recursive: true });
    writeFileSync(path.join(app, 'server/table.json'), '{ "label": "changed on disk" }');
    assert.deepEqual(await under.invoke('onContactCreate', { iparams: { api_key: 'mine' } }), { ...fresh, iparams: { api_key: 'mine' } });
    // Another plan in between (a server method), then the event again: its own plan, the defaults filled in again.
    assert.deepEqual((await under.invoke('hello', {})).response, { calls: 1 });
    assert.deepEqual(await under.invoke('onContactCreate', {}), { ...fresh, iparams: { api_key: 'from-defaults' } });
    assert.deepEqual(logs, []);
  } finally {
    rmSync(app, { recursive: true, force: true });
  }
});
