// scripts/validate-diff.mjs without fdk: how fdk's printed messages and lint log become findings by category, and
// how they are matched with ours (same category, then same file and line, or the same quoted subject).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fdkCategory, matchFindings, ourFindings, parseFdkOutput, parseLintLog, splitFdkLists, summarize } from '../../scripts/validate-diff.mjs';

test("fdk's printed messages: lint lines left to the lint log, categories by pattern, continuation lines joined, repeats once", () => {
  const out = [
    'Please ensure that the following are addressed for quick review process.',
    '\x1b[33m[WARN]\x1b[0m server/server.js::76: Too many nested callbacks (5). Maximum allowed is 4.',
    '\x1b[33m[WARN]\x1b[0m iparam_test_data.json is deprecated, to test the installation page, visit - http://localhost:10001/custom_configs',
    'Validation failed due to the following issue(s):',
    "\x1b[31m[ERROR]\x1b[0m Invalid event: 'onDealCreat' for product: freshsales",
    "\x1b[31m[ERROR]\x1b[0m Invalid event: 'onDealCreat' for product: freshsales",
    '\x1b[31m[ERROR]\x1b[0m Invalid location(s) mentioned in manifest.json: ',
    '     freshdesk - ticket_sidebarx',
    'Exception occured while validation: Error while parsing file containing serverless functions. Please use ...',
  ].join('\n');
  assert.deepEqual(parseFdkOutput(out).map((f) => [f.severity, f.category, f.subject]), [
    ['warning', 'iparam-test-data-deprecated', undefined],
    ['error', 'invalid-event', 'onDealCreat'],
    ['error', 'location', undefined],
    ['error', 'serverless-parse', undefined],
  ]);
  assert.equal(parseFdkOutput(out)[2].message, 'Invalid location(s) mentioned in manifest.json:  freshdesk - ticket_sidebarx');
  assert.equal(fdkCategory('Something fdk says that no pattern knows'), 'other');
  assert.equal(fdkCategory('Exception occured while validation: boom'), 'exception');
});

test('the lint log: rule id as category, a parse error as parsing-error, severity 2 an error', () => {
  const log = [
    { file: 'server/server.js', ruleId: 'no-unused-vars', severity: 2, message: "'x' is defined but never used.", line: 22, column: 41 },
    { file: 'app/app.js', ruleId: null, severity: 2, message: 'Parsing error: Unexpected token function', line: 5, column: 1 },
  ].map((m) => JSON.stringify(m)).join('\n') + '\n';
  assert.deepEqual(parseLintLog(log).map((f) => [f.category, f.severity, f.file, f.line]),
    [['no-unused-vars', 'error', 'server/server.js', 22], ['parsing-error', 'error', 'app/app.js', 5]]);
});

test('matching: one to one, by file and line where fdk has them, by quoted subject where it has not, never across categories', () => {
  const fdkRules = { 'unknown-event': 'invalid-event', 'handler-not-defined': 'event-callback-not-defined', 'eslint/no-unused-vars': 'no-unused-vars' };
  const ours = ourFindings([
    { file: 'manifest.json', line: 5, code: 'unknown-event', severity: 'error', message: "Invalid event: 'onB' for product: freshsales" },
    { file: 'manifest.json', line: 4, code: 'unknown-event', severity: 'error', message: "Invalid event: 'onA' for product: freshsales" },
    { file: 'server/server.js', line: 22, code: 'eslint/no-unused-vars', severity: 'error', message: "'x' is defined but never used." },
    { file: 'server/server.js', line: 30, code: 'eslint/no-unused-vars', severity: 'error', message: "'y' is defined but never used." },
    { file: 'manifest.json', line: 6, code: 'handler-not-defined', severity: 'error', message: "Event callback 'h' is not defined for product: freshsales." },
    { file: 'server/test_data/onA.json', line: 1, code: 'payload-not-registered', severity: 'hint', message: 'onA is not registered' },
  ], (c) => fdkRules[c]);
  assert.equal(ours[5].category, 'ours:payload-not-registered');
  const fdk = [
    { category: 'invalid-event', subject: 'onA', message: "Invalid event: 'onA' for product: freshsales" },
    { category: 'invalid-event', subject: 'onC', message: "Invalid event: 'onC' for product: freshsales" },
    { category: 'no-unused-vars', file: 'server/server.js', line: 22, message: "'x' is defined but never used." },
    { category: 'no-unused-vars', file: 'server/server.js', line: 31, message: "'z' is defined but never used." },
    { category: 'event-callback-not-defined', subject: 'h', message: "Event callback 'h' is not defined for product: freshsales." },
    { category: 'event-callback-not-defined', subject: 'h', message: "Event callback 'h' is not defined for product: freshsales." },
    { category: 'invalid-platform-version', message: 'Invalid platform version mentioned in manifest.json - 2.2' },
  ];
  const m = matchFindings(fdk, ours);
  assert.deepEqual(m.matched.map((p) => [p.fdk.category, p.ours.file, p.ours.line]),
    [['invalid-event', 'manifest.json', 4], ['no-unused-vars', 'server/server.js', 22], ['event-callback-not-defined', 'manifest.json', 6]]);
  assert.deepEqual(m.fdkOnly.map((f) => f.subject ?? f.line ?? f.category), ['onC', 31, 'h', 'invalid-platform-version']);
  assert.deepEqual(m.oursOnly.map((o) => `${o.file}:${o.line}`), ['manifest.json:5', 'server/server.js:30', 'server/test_data/onA.json:1']);

  const summary = summarize([{ app: 'a', fdk, ours, match: m }]);
  assert.deepEqual(summary.map((s) => [s.category, s.fdk, s.ours, s.matched]), [
    ['invalid-event', 2, 2, 1], ['no-unused-vars', 2, 2, 1], ['event-callback-not-defined', 2, 1, 1],
    ['invalid-platform-version', 1, 0, 0], ['ours:payload-not-registered', 0, 1, 0]], 'most of fdk\'s first, then most of ours, then by name');
  const noUnused = summarize([{ app: 'a', fdk, ours, match: m }]).find((s) => s.category === 'no-unused-vars');
  assert.deepEqual([noUnused.fdk, noUnused.ours, noUnused.matched, noUnused.fdkOnly[0].app], [2, 2, 1, 'a']);
});

test('matching: an unlocated fdk finding without a subject pairs with any of ours of its category, once', () => {
  const fdk = [{ category: 'invalid-platform-version', message: 'Invalid platform version mentioned in manifest.json - undefined' },
    { category: 'invalid-platform-version', message: 'again' }];
  const ours = [{ category: 'invalid-platform-version', file: 'manifest.json', line: 1, subject: undefined, code: 'missing-platform-version' }];
  const m = matchFindings(fdk, ours);
  assert.equal(m.matched.length, 1);
  assert.equal(m.fdkOnly.length, 1);
  assert.equal(m.oursOnly.length, 0);
});

test("fdk's one message for every unexpected config/ file counts as one finding per file (we report each on its file)", () => {
  const f = { severity: 'error', category: 'config-invalid-file', message: 'Config directory has invalid file(s) - a.json~HEAD,notes.txt' };
  assert.deepEqual(splitFdkLists([f]).map((x) => x.message),
    ['Config directory has invalid file(s) - a.json~HEAD', 'Config directory has invalid file(s) - notes.txt']);
  const single = { ...f, message: 'Config directory has invalid file(s) - requests.json' };
  assert.deepEqual(splitFdkLists([single]), [single]);
});
