// Apps of the other Freshworks products (and 3.0 modules of theirs) simulate with that product's own default
// payload — fdk's, from the addon — and their events are known, not "unknown Freshsales events".
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makeApp, newRunner, repoRoot } from './helpers.mjs';

let runner;
before(async () => { runner = await newRunner({ recordHistory: false }); });
after(() => runner.dispose());

const SCRIPT = `exports = {
  onTicketCreateHandler: function (args) { console.log(JSON.stringify({ subject: args.data.ticket.subject, requester: !!args.data.requester, domain: args.domain })); },
  onAppInstallHandler: function () { renderData(); }
};`;
const fdDefault = (product, event) => JSON.parse(readFileSync(path.join(repoRoot, 'schemas/defaults', product, `${event}.json`), 'utf8'));
const userLogs = (r) => r.logs.filter((l) => l.level !== 'system');

test('a Freshdesk 2.x app: onTicketCreate runs with Freshdesk\'s default payload', async () => {
  const app = makeApp(SCRIPT, { manifest: { 'platform-version': '2.3', product: { freshdesk: { events: { onTicketCreate: { handler: 'onTicketCreateHandler' } } } } } });
  const r = await runner.run({ appDir: app, event: 'onTicketCreate' });
  assert.equal(r.status, 'success', JSON.stringify(r.error ?? r.notRunnableReason));
  assert.equal(r.payloadSource, 'default');
  const expected = fdDefault('freshdesk', 'onTicketCreate');
  assert.deepEqual(JSON.parse(userLogs(r)[0].message), { subject: expected.data.ticket.subject, requester: true, domain: expected.domain });
  assert.ok(!r.logs.some((l) => /not a known/.test(l.message)), JSON.stringify(r.logs));
});

test('a 3.0 service_ticket module: Freshservice\'s default payload; set-up events keep their 10 s limit', async () => {
  const app = makeApp(SCRIPT, {
    manifest: {
      'platform-version': '3.0', engines: { node: '18.20.8', fdk: '9.6.0' },
      modules: { common: { events: { onAppInstall: { handler: 'onAppInstallHandler' } } }, service_ticket: { events: { onTicketCreate: { handler: 'onTicketCreateHandler' } } } },
    },
  });
  const r = await runner.run({ appDir: app, event: 'onTicketCreate' });
  assert.equal(r.status, 'success', JSON.stringify(r.error ?? r.notRunnableReason));
  assert.deepEqual(r.scope, { kind: 'module', name: 'service_ticket' });
  assert.equal(JSON.parse(userLogs(r)[0].message).subject, fdDefault('freshservice', 'onTicketCreate').data.ticket.subject);
  const install = await runner.run({ appDir: app, event: 'onAppInstall' });
  assert.equal(install.status, 'success', JSON.stringify(install.error ?? install.notRunnableReason));
});

test('a Freshsales Classic app runs the newer events (onPhoneCallCreate) with a synthesized Classic payload', async () => {
  const app = makeApp('exports = { h: function (args) { console.log(args.productContext.name, Object.keys(args.data).join(",")); } };', {
    manifest: { 'platform-version': '2.3', product: { freshsales: { events: { onPhoneCallCreate: { handler: 'h' } } } } },
  });
  const r = await runner.run({ appDir: app, event: 'onPhoneCallCreate' });
  assert.equal(r.status, 'success', JSON.stringify(r.error ?? r.notRunnableReason));
  assert.equal(userLogs(r)[0].message, 'freshsales actor,phone_call,associations');
});

test('a 3.0 app\'s flat test payload is not read, and the run says so instead of ignoring it', async () => {
  const app = makeApp(SCRIPT, {
    manifest: { 'platform-version': '3.0', engines: { node: '18.20.8', fdk: '9.6.0' }, modules: { support_ticket: { events: { onTicketCreate: { handler: 'onTicketCreateHandler' } } } } },
    files: { 'server/test_data/onTicketCreate.json': { data: { ticket: { subject: 'flat' } } } },
  });
  const r = await runner.run({ appDir: app, event: 'onTicketCreate' });
  assert.equal(r.status, 'success', JSON.stringify(r.error ?? r.notRunnableReason));
  assert.equal(r.payloadSource, 'default');
  assert.ok(r.logs.some((l) => l.level === 'system' && l.message.includes('server/test_data/onTicketCreate.json exists, but this app\'s layout reads server/test_data/support_ticket/onTicketCreate.json')),
    JSON.stringify(r.logs.map((l) => l.message)));
});
