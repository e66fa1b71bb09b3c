// Every payload we ship (the mission document's samples, every default payload, every synthesized envelope)
// validates against its event's schema with zero problems; the catalogue is consistent with the schema files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { loadTs, repoRoot } from '../helpers/loadCore.mjs';

const require = createRequire(import.meta.url);
const Ajv = require('ajv');
const { validatePayload } = await loadTs('server/src/core/payloadValidation.ts');
const cat = await loadTs('server/src/core/catalogue.ts');
const { catalogue } = cat;

const rel = (...p) => path.join(repoRoot, ...p);
const readJson = (f) => JSON.parse(readFileSync(f, 'utf8'));
const PRODUCTS = ['freshworks_crm', 'freshsales'];

function newAjv() {
  const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });
  ajv.addVocabulary(['enumDescriptions', 'markdownEnumDescriptions', 'markdownDescription', 'defaultSnippets']);
  return ajv;
}

const payloadFiles = [];
for (const f of readdirSync(rel('test/fixtures/seed-samples')).filter((f) => f.endsWith('.json')).sort()) {
  payloadFiles.push({ file: `test/fixtures/seed-samples/${f}`, product: 'freshworks_crm', event: f.slice(0, -5) });
}
for (const product of PRODUCTS) {
  for (const f of readdirSync(rel('schemas/defaults', product)).filter((f) => f.endsWith('.json')).sort()) {
    payloadFiles.push({ file: `schemas/defaults/${product}/${f}`, product, event: f.slice(0, -5) });
  }
}

test('there are 12 seed samples and a default for every FDK addon event', () => {
  assert.equal(payloadFiles.filter((p) => p.file.includes('seed-samples')).length, 12);
  assert.ok(payloadFiles.filter((p) => p.product === 'freshsales').length >= 22);
});

for (const p of payloadFiles) {
  test(`${p.file} validates against ${p.product}/${p.event} with zero problems`, () => {
    const text = readFileSync(rel(p.file), 'utf8');
    const diags = validatePayload(text, p.file, { event: p.event, product: p.product });
    assert.deepEqual(diags.map((d) => `${d.code} ${d.message} @${d.range.start.line}:${d.range.start.character}`), []);
    // and against the schema file itself, with a stock ajv (no project code in between)
    const schema = readJson(rel(`schemas/payloads/${p.product}/${p.event}.schema.json`));
    const v = newAjv().compile(schema);
    assert.ok(v(JSON.parse(text)), JSON.stringify(v.errors?.slice(0, 3)));
  });
}

test('catalogue: unique names, valid kinds, products, modules, time limits', () => {
  const names = catalogue.events.map((e) => e.name);
  assert.equal(new Set(names).size, names.length, 'duplicate event names');
  for (const e of catalogue.events) {
    assert.ok(['product', 'app-setup', 'external', 'scheduled'].includes(e.kind), e.name);
    assert.ok(e.products.length > 0 && e.products.every((p) => PRODUCTS.includes(p)), e.name);
    assert.ok(catalogue.modules[e.module], `${e.name}: module ${e.module} is not declared`);
    assert.equal(e.timeLimitMs, e.kind === 'app-setup' ? 10000 : 20000, e.name);
    assert.ok(e.description && e.docUrl.startsWith('https://'), e.name);
    if (e.kind !== 'product') assert.equal(e.module, 'common', e.name);
    if (e.kind === 'product') {
      for (const p of e.products) assert.ok(e.entity?.[p], `${e.name} has no entity for ${p}`);
    }
    assert.equal(Boolean(e.update), /Update$/.test(e.name), e.name);
  }
  assert.equal(catalogue.events.filter((e) => e.documented).length, 12);
  assert.equal(cat.findEvent('onScheduledEvent').kind, 'scheduled');
  assert.equal(cat.findEvent('afterAppUpdate').kind, 'app-setup');
  assert.equal(cat.findEvent('onCustomModuleCreate').entity.freshworks_crm, 'custom_module_record');
  assert.equal(cat.findEvent('onCustomModuleCreate').entity.freshsales, 'custom_module');
});

// The official list lives in the shared reference folder beside the repository (CI has it); a clone without it skips.
const eventsNewFile = path.resolve(repoRoot, '..', 'shared/reference/fdk-addon-2.0.0/eventsNew.json');
test('catalogue: eventsNew.json names are all present, per product', { skip: !existsSync(eventsNewFile) && `${eventsNewFile} is absent` }, () => {
  const eventsNew = readJson(eventsNewFile);
  for (const p of PRODUCTS) {
    const ours = new Set(cat.eventsFor({ kind: 'product', name: p }).map((e) => e.name));
    for (const e of eventsNew[p]) assert.ok(ours.has(e.name), `${p}: ${e.name}`);
  }
});

test('every catalogue event of each product has a schema file, and each compiles', () => {
  const ajv = newAjv();
  for (const e of catalogue.events) {
    for (const p of e.products) {
      const f = rel(`schemas/payloads/${p}/${e.name}.schema.json`);
      assert.ok(existsSync(f), `missing ${f}`);
      assert.ok(cat.payloadSchema(e.name, p), `payloadSchema(${e.name}, ${p})`);
      ajv.compile(readJson(f));
    }
  }
});

test('every event default payload (stored or synthesized) validates', () => {
  for (const e of catalogue.events) {
    for (const p of e.products) {
      const payload = cat.defaultPayload(e.name, p);
      const diags = validatePayload(JSON.stringify(payload, null, 2), 'x.json', { event: e.name, product: p });
      assert.deepEqual(diags, [], `${p}/${e.name}`);
    }
  }
});

test('eventsFor, timeLimitFor, suggestEvent', () => {
  const common = cat.eventsFor({ kind: 'module', name: 'common' }).map((e) => e.name).sort();
  assert.deepEqual(common, ['afterAppUpdate', 'onAppInstall', 'onAppUninstall', 'onExternalEvent', 'onScheduledEvent']);
  assert.deepEqual(cat.eventsFor({ kind: 'module', name: 'deal' }).map((e) => e.name), ['onDealCreate', 'onDealUpdate', 'onDealDelete']);
  assert.ok(!cat.eventsFor({ kind: 'product', name: 'freshworks_crm' }).some((e) => e.name === 'onLeadCreate'));
  assert.deepEqual(cat.eventsFor({ kind: 'module', name: 'nope' }), []);
  assert.equal(cat.timeLimitFor('onAppInstall'), 10000);
  assert.equal(cat.timeLimitFor('onDealCreate'), 20000);
  assert.equal(cat.suggestEvent('onContactCreat', catalogue.events), 'onContactCreate');
  assert.equal(cat.suggestEvent('ONDEALUPDATE', ['onDealCreate', 'onDealUpdate']), 'onDealUpdate');
  assert.equal(cat.suggestEvent('onTicketCreate', ['onDealUpdate']), undefined);
});

test('manifest schema compiles and accepts the three dialects', () => {
  const v = newAjv().compile(readJson(rel('schemas/manifest.schema.json')));
  const ok = [
    { 'platform-version': '2.0', product: { freshworks_crm: {} } },
    { 'platform-version': '2.3', product: { freshworks_crm: { events: { onContactCreate: { handler: 'h' } } } }, engines: { node: '18.20.8', fdk: '9.6.0' } },
    { 'platform-version': '3.0', modules: { common: { events: { onAppInstall: { handler: 'a' } } }, deal: { events: { onDealCreate: { handler: 'b' } } } }, engines: { node: '24.11.0', fdk: '10.0.1' }, dependencies: { axios: '1.7.2' } },
  ];
  for (const m of ok) assert.ok(v(m), JSON.stringify(v.errors));
  assert.ok(!v({ 'platform-version': '3.0', modules: { deal: {} } }), '3.0 without engines');
  assert.ok(!v({ 'platform-version': '2.3', product: { freshworks_crm: { events: { onDealCreate: {} } } } }), 'entry without handler');
  assert.ok(!v({ 'platform-version': '2.3', dependencies: { axios: '^1.7.2' } }), 'range version');
  assert.ok(!v({ 'platform-version': '2.3', product: { freshworks_crm: { events: {} } } }), 'empty events');
});

test('did-you-mean prefers the same words over fewer letters (on/after prefix and word order aside)', () => {
  assert.equal(cat.suggestEvent('onAppUpdate', catalogue.events), 'afterAppUpdate');
  assert.equal(cat.suggestEvent('onUpdateContact', catalogue.events), 'onContactUpdate');
  assert.equal(cat.suggestEvent('onTaskUpdat', catalogue.events), 'onTaskUpdate');
});

test('every other Freshworks product: its fdk event list (and the documented newer events) and fdk\'s default payloads, from the addon', () => {
  const overrides = readJson(rel('schemas/src/overrides.json'));
  const addon = rel('..', 'shared', 'reference', 'fdk-addon-2.0.0');
  const lists = existsSync(addon) ? readJson(path.join(addon, 'eventsNew-all-products.json')) : undefined;
  for (const [product, info] of Object.entries(catalogue.otherProducts)) {
    assert.ok(info.events.length >= 4, product);
    // fdk's list, in its order, then the product events newer than it, from the platform-3 references (overrides.json).
    const extra = overrides.otherProducts[product].extraEvents ?? [];
    if (lists) assert.deepEqual(info.events.map((e) => e.name), [...lists[product].map((e) => e.name), ...extra.filter((n) => !lists[product].some((e) => e.name === n))], product);
    const dir = rel('schemas/defaults', product);
    for (const f of existsSync(dir) ? readdirSync(dir) : []) {
      const event = f.slice(0, -5);
      assert.deepEqual(cat.defaultPayload(event, product), readJson(path.join(dir, f)), `${product}/${event}`);
    }
  }
  assert.equal(cat.defaultPayload('onTicketCreate', 'freshdesk').data.ticket !== undefined, true);
  assert.equal(cat.otherProductOf({ kind: 'product', name: 'freshdesk' }), 'freshdesk');
  assert.equal(cat.otherProductOf({ kind: 'module', name: 'support_ticket' }), 'freshdesk');
  assert.equal(cat.otherProductOf({ kind: 'module', name: 'service_ticket' }), 'freshservice');
  assert.equal(cat.otherProductOf({ kind: 'module', name: 'mystery' }), '*');
  assert.equal(cat.otherProductOf({ kind: 'module', name: 'deal' }), undefined);
  assert.equal(cat.otherProductOf({ kind: 'product', name: 'freshsales' }), undefined);
});

test('3.0 modules of the newer events follow the documentation; Classic has the events newer fdk writes payloads for', () => {
  const moduleOf = (n) => cat.findEvent(n).module;
  assert.equal(moduleOf('onPhoneCallCreate'), 'phone');
  assert.equal(moduleOf('onPhoneCallUpdate'), 'phone');
  assert.equal(moduleOf('onUserAgentAvailabilityUpdate'), 'user_agent_availability');
  assert.equal(moduleOf('onProductCreate'), 'product');
  for (const n of ['afterAppUpdate', 'onCpqDocumentCreate', 'onEmailConversationDelete', 'onPhoneCallCreate', 'onProductUpdate', 'onSalesActivityUpdate', 'onUserAgentAvailabilityUpdate']) {
    assert.ok(cat.findEvent(n).products.includes('freshsales'), n);
  }
});
