'use strict';
// `node -r scripts/fdk-validate-preload.cjs <fdk package>/index.js validate`, run by scripts/validate-diff.mjs in a
// copy of an app: what fdk 6.9.0's `validate` needs to run offline, and a record of its lint findings.
//
// 1. The ajv draft-04 resolve shim: lib/validations/actions.js and schema.js require
//    `/app/node_modules/ajv/lib/refs/json-schema-draft-04.json`, a path of Freshworks' build image; every
//    `/app/node_modules/<x>` request resolves to `<x>` in fdk's own node_modules (FDK_PACKAGE_DIR).
// 2. lib/validations/manifest-dependency.js looks every manifest dependency up on the npm registry with a
//    synchronous request (a child process this preload would not reach): it gets a stub answering that the
//    package has exactly the version the manifest names, so no look-up leaves the machine.
// 3. No TCP connection at all: every socket connect to a host fails at once with ECONNREFUSED.
// 4. With FDK_LINT_LOG=<file>, each message of eslint's Linter#verify (the final ones of verifyAndFix) is
//    appended as one JSON line {file, ruleId, severity, message, line, column}; ruleId is null for a parse error.
const fs = require('fs');
const path = require('path');
const Module = require('module');

const fdkModules = path.join(process.env.FDK_PACKAGE_DIR || '.', 'node_modules');
const APP_MODULES = '/app/node_modules/';

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const redirected = typeof request === 'string' && request.startsWith(APP_MODULES) ? path.join(fdkModules, request.slice(APP_MODULES.length)) : request;
  return resolve.call(this, redirected, ...rest);
};

function offlineRegistry(method, url) {
  const name = decodeURIComponent(String(url).replace(/^https?:\/\/[^/]+\//, ''));
  let wanted = '';
  try {
    wanted = String((JSON.parse(fs.readFileSync('manifest.json', 'utf8')).dependencies || {})[name] || '').replace(/^[\^~]/, '');
  } catch { /* no readable manifest: no version */ }
  const body = JSON.stringify({ name, versions: wanted ? { [wanted]: {} } : {} });
  return { statusCode: 200, headers: {}, body, getBody: () => body };
}

const load = Module._load;
Module._load = function (request, parent) {
  if (request === 'sync-request' && parent && /manifest-dependency\.js$/.test(parent.filename || '')) return offlineRegistry;
  const exported = load.apply(this, arguments);
  if (request === 'eslint' && exported && exported.Linter && !exported.Linter.fsdevRecorded) record(exported.Linter);
  return exported;
};

function record(Linter) {
  Linter.fsdevRecorded = true;
  const log = process.env.FDK_LINT_LOG;
  const write = (messages, opts) => {
    if (!log || !Array.isArray(messages) || !messages.length) return;
    const file = typeof opts === 'string' ? opts : (opts && opts.filename) || null;
    fs.appendFileSync(log, messages.map((m) => `${JSON.stringify({ file, ruleId: m.ruleId == null ? null : m.ruleId,
      severity: m.severity, message: m.message, line: m.line, column: m.column })}\n`).join(''));
  };
  const verify = Linter.prototype.verify;
  const verifyAndFix = Linter.prototype.verifyAndFix;
  let fixing = false;
  Linter.prototype.verify = function (text, config, opts) {
    const messages = verify.apply(this, arguments);
    if (!fixing) write(messages, opts);
    return messages;
  };
  Linter.prototype.verifyAndFix = function (text, config, opts) {
    fixing = true; // it calls verify once per pass: only its final messages count
    try {
      const result = verifyAndFix.apply(this, arguments);
      write(result && result.messages, opts);
      return result;
    } finally {
      fixing = false;
    }
  };
}

const net = require('net');
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const list = Array.isArray(args[0]) ? args[0] : args;
  const first = list[0];
  if ((first && typeof first === 'object' && first.path) || (typeof first === 'string' && !/^\d+$/.test(first))) return connect.apply(this, args);
  const err = Object.assign(new Error('connect ECONNREFUSED (no network while fdk validates)'), { code: 'ECONNREFUSED', syscall: 'connect' });
  this.connecting = true;
  process.nextTick(() => this.destroy(err));
  return this;
};
