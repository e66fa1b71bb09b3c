// The Test iparams box's guide, from config/iparams.json: parameters, first text, checks, and what a run lacked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTs } from '../helpers/loadCore.mjs';

const f = await loadTs('server/src/core/iparamsForm.ts');

// The iparams.json of a real marketplace app, in the documented format (every type the platform has).
const ICONFIG = {
  apiKey: { display_name: 'Airtable API key', description: 'Your key', type: 'text', required: true, secure: true },
  baseId: { display_name: 'Base ID', type: 'text', required: true },
  region: { display_name: 'Region', type: 'dropdown', options: ['us', 'eu'], default_value: 'eu' },
  channels: { display_name: 'Channels', type: 'multiselect', options: ['email', 'phone'] },
  sync: { display_name: 'Sync contacts', type: 'checkbox', default_value: true },
  limit: { display_name: 'Limit', type: 'number', required: true },
  owner: { display_name: 'Owner email', type: 'email' },
  site: { display_name: 'Site', type: 'url' },
  password: { display_name: 'Password', type: 'password' },
  notes: 'not a parameter',
};

test('iparamDefs: type, display name, required, secure (password and api_key always), default, options', () => {
  const defs = f.iparamDefs(ICONFIG);
  assert.deepEqual(defs.map((d) => d.name), ['apiKey', 'baseId', 'region', 'channels', 'sync', 'limit', 'owner', 'site', 'password']);
  assert.deepEqual(defs[0], { name: 'apiKey', type: 'text', displayName: 'Airtable API key', required: true, secure: true });
  assert.equal(defs.find((d) => d.name === 'password').secure, true);
  assert.deepEqual(defs.find((d) => d.name === 'region').options, ['us', 'eu']);
  assert.deepEqual(f.iparamDefs([1, 2]), []);
  assert.deepEqual(f.iparamDefs(null), []);
});

test('iparamsTemplate: every key with its default or an empty value of its type', () => {
  assert.deepEqual(JSON.parse(f.iparamsTemplate(f.iparamDefs(ICONFIG))),
    { apiKey: '', baseId: '', region: 'eu', channels: [], sync: true, limit: 0, owner: '', site: '', password: '' });
});

test('checkIparams: required values empty, wrong types, choices, email and URL; JSON and object first', () => {
  const defs = f.iparamDefs(ICONFIG);
  assert.deepEqual(f.checkIparams(defs, f.iparamsTemplate(defs)),
    ['apiKey (Airtable API key) is required and has no value.', 'baseId (Base ID) is required and has no value.']);
  const ok = { apiKey: 'k', baseId: 'b', region: 'us', channels: ['email'], sync: false, limit: 5, owner: 'a@b.co', site: 'https://x.io', password: 'p' };
  assert.deepEqual(f.checkIparams(defs, JSON.stringify(ok)), []);
  assert.deepEqual(f.checkIparams(defs, JSON.stringify({ ...ok, region: 'mars', channels: ['fax'], sync: 'yes', limit: 'ten', owner: 'nobody', site: 'x.io', apiKey: 7 })), [
    'apiKey (Airtable API key) must be a string.',
    'region (Region) must be one of "us", "eu".',
    'channels (Channels) takes only "email", "phone".',
    'sync (Sync contacts) must be true or false.',
    'limit (Limit) must be a number.',
    'owner (Owner email) must be an email address.',
    'site (Site) must be a URL (https://…).',
  ]);
  assert.match(f.checkIparams(defs, '{ "apiKey": ')[0], /^Not valid JSON/);
  assert.deepEqual(f.checkIparams(defs, '[]'), ['Test iparams must be a JSON object.']);
  assert.deepEqual(f.checkIparams([], '{}'), []);
});

test('missingIparams: from a request template\'s warning and from the failed line\'s explanation', () => {
  assert.deepEqual(f.missingIparams([
    '$request.get: <%= iparam.apiKey %> has no value',
    "$request.invokeTemplate('list'): <%= iparam.baseId %> has no value",
    "TypeError: Cannot read properties of undefined\nThis run's iparams have no 'domain' (they have: apiKey). Test iparams come from …",
    '$request.get: <%= iparam.apiKey %> has no value',
    'contact created',
  ]), ['apiKey', 'baseId', 'domain']);
});
