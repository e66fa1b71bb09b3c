// The legacy request rules and template substitution, and the dependency check, on their own.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadTs } from '../helpers/loadCore.mjs';

const { substitute, whitelistViolation } = await loadTs('server/src/simulate/request.ts');
const { dependencyProblems, manifestDependencies, missingDependencies } = await loadTs('server/src/simulate/dependencies.ts');

test('substitute: iparam, context, encode() and access_token; a missing value is reported', () => {
  const missing = [];
  const vars = { iparam: { key: 'k:1', nested: { a: 2 } }, context: { id: 7 }, access_token: 'tok' };
  assert.equal(substitute('<%= iparam.key %>/<%=context.id%>/<%= iparam.nested.a %>', vars), 'k:1/7/2');
  assert.equal(substitute('Basic <%= encode(iparam.key) %>', vars), `Basic ${Buffer.from('k:1').toString('base64')}`);
  assert.equal(substitute('Bearer <%= access_token %>', vars), 'Bearer tok');
  assert.equal(substitute('x<%= iparam.none %>y', vars, (e) => missing.push(e)), 'xy');
  assert.equal(substitute('<%= access_token %>', { iparam: {}, context: {} }, (e) => missing.push(e)), '');
  assert.deepEqual(missing, ['iparam.none', 'access_token']);
});

test('whitelistViolation: HTTPS only, no IP addresses, listed hosts with iparams and one * for subdomains', () => {
  const vars = { iparam: { sub: 'acme' }, context: {} };
  const list = ['https://<%= iparam.sub %>.freshsales.io', 'https://*.example.com', 'https://api.exact.org/'];
  const check = (u) => whitelistViolation(new URL(u), list, vars);
  assert.equal(check('https://acme.freshsales.io/api/contacts'), undefined);
  assert.equal(check('https://a.b.example.com/x'), undefined);
  assert.equal(check('https://api.exact.org/v1'), undefined, 'a trailing / in the entry is tolerated');
  assert.match(check('https://other.freshsales.io/api'), /^This domain has not been whitelisted: https:\/\/other\.freshsales\.io/);
  assert.match(check('https://example.com/x'), /not been whitelisted/, '* needs a subdomain');
  assert.match(check('https://evil-example.com/x'), /not been whitelisted/);
  assert.match(check('http://acme.freshsales.io/api'), /^Only HTTPS requests are allowed/);
  assert.match(check('https://192.168.0.1/x'), /^Requests to IP addresses are not allowed/);
  assert.match(check('https://[::1]/x'), /^Requests to IP addresses are not allowed/);
});

test('manifestDependencies, dependencyProblems and missingDependencies: exact versions compared with what server/node_modules holds', () => {
  assert.equal(manifestDependencies({}), undefined);
  const listed = manifestDependencies({ dependencies: { axios: '1.6.0', '@scope/x': '2.0.0', bad: 3, '../evil': '1.0.0', loose: '^1.0.0' } });
  assert.deepEqual(listed, { axios: '1.6.0', '@scope/x': '2.0.0', bad: '3', '../evil': '1.0.0', loose: '^1.0.0' });
  assert.deepEqual(dependencyProblems(listed), [
    'Package \'bad\' version "3" is not an exact version. fdk accepts exact versions only, such as "1.2.3" (no ranges, tags, file:, git or URL specs).',
    '"../evil" in manifest.json\'s "dependencies" is not a valid npm package name.',
    'Package \'loose\' version "^1.0.0" is not an exact version (it contains special characters: ^ or ~): write "1.0.0". '
      + 'fdk accepts exact versions only, such as "1.2.3" (no ranges, tags, file:, git or URL specs).',
  ]);
  assert.deepEqual(dependencyProblems({ a: '1.0.0', '@s/b': '1.2.3-beta.1+build.5', c: '10.0.0' }), []);
  const app = mkdtempSync(path.join(tmpdir(), 'fsdev-deps-'));
  const put = (dir, name, version) => {
    mkdirSync(path.join(app, dir, name), { recursive: true });
    writeFileSync(path.join(app, dir, name, 'package.json'), JSON.stringify({ name, version }));
  };
  put('server/node_modules', 'axios', '1.6.0');
  put('server/node_modules', 'moment', '2.0.0');
  put('node_modules', '@scope/x', '2.0.0');
  put('server/node_modules', 'loose', '9.9.9');
  assert.deepEqual(missingDependencies(app, { axios: '1.6.0', moment: '2.29.4', '@scope/x': '2.0.0', underscore: '1.8.3', loose: '9.9.9' }),
    ['moment@2.29.4', 'underscore@1.8.3']);
});
