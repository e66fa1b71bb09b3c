'use strict';
// `node -r` preload for fdk 6.9.0's `test` command, used by scripts/test-diff.mjs (not part of CI):
// 1. fdk's modules need the global __debug and, for a request of Freshworks' build image
//    (`/app/node_modules/<x>`), fdk's own node_modules;
// 2. `fdk test` never loads the manifest's events (`fdk run` does, at start-up): event-util's getEventsList()
//    runs first, so product events declared in the manifest can be invoked;
// 3. nothing leaves the machine: install-util's npm install is skipped (test-diff provides the test helpers
//    through NODE_PATH) and every TCP connect fails at once with ECONNREFUSED (what fdk's own
//    localhost:3000 router answers when `fdk run` is not running);
// 4. each test's outcome is appended to FDK_OUTCOMES as a JSON line (fdk's spec reporter prints titles only,
//    and fdk ends the process with process.exit before anything else could be read).
const fs = require('fs');
const net = require('net');
const path = require('path');
const Module = require('module');

const pkg = process.env.FDK_PACKAGE_DIR;
if (!pkg) throw new Error('test-diff-preload: FDK_PACKAGE_DIR is not set');

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (typeof request === 'string' && request.startsWith('/app/node_modules/')) request = path.join(pkg, 'node_modules', request.slice(18));
  return resolve.call(this, request, ...rest);
};

net.Socket.prototype.connect = function (...args) {
  const a = Array.isArray(args[0]) ? args[0] : args;
  if (a[0] && typeof a[0] === 'object' && a[0].path) throw new Error('test-diff-preload: no sockets');
  const err = Object.assign(new Error('connect ECONNREFUSED (test-diff: offline)'), { code: 'ECONNREFUSED' });
  this.connecting = true;
  process.nextTick(() => this.destroy(err));
  return this;
};

require(path.join(pkg, 'lib/utils/debugger-util'));
global.FDK_PATH = global.FDK_PATH || pkg;
require(path.join(pkg, 'lib/utils/event-util')).getEventsList();
require(path.join(pkg, 'lib/utils/install-util')).run = async () => undefined;

const out = process.env.FDK_OUTCOMES;
const Mocha = require(path.join(pkg, 'node_modules/mocha'));
const run = Mocha.prototype.run;
Mocha.prototype.run = function (...args) {
  const runner = run.apply(this, args);
  const record = (t, outcome, err) => fs.appendFileSync(out, `${JSON.stringify({ title: t.fullTitle(), outcome,
    ...(err ? { message: String(err && err.message !== undefined ? err.message : err).slice(0, 300) } : {}) })}\n`);
  runner.on('pass', (t) => record(t, 'passed'));
  runner.on('fail', (t, err) => record(t, 'failed', err));
  runner.on('pending', (t) => record(t, 'skipped'));
  return runner;
};
