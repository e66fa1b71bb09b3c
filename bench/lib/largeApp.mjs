// A deterministic large app for benchmarks: an omni platform 2.3 app (freshworks_crm + freshsales) with
// 50 registrations, a ~2,000-line server.js with a callback per registration in `exports = {...}` style,
// and one ~250 KB payload per registration: the real default payload of the event, its record padded
// with realistic custom fields (events without a record pad `iparams`).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const TARGET_PAYLOAD_BYTES = 250 * 1024;

/** Mulberry32: a tiny seeded PRNG so every run generates the same app. */
function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['region', 'tier', 'segment', 'renewal', 'industry', 'partner', 'budget', 'territory', 'priority', 'channel',
  'campaign', 'persona', 'contract', 'churn_risk', 'nps', 'health', 'plan', 'seats', 'referral', 'vertical'];
const VALUES = ['EMEA', 'APAC', 'North America', 'Enterprise', 'Mid-market', 'SMB', 'Gold', 'Silver', 'Inbound', 'Outbound',
  'Q3 renewal', 'Healthcare', 'Retail', 'Manufacturing', 'High', 'Low', 'Annual', 'Monthly', 'Partner referral', 'Webinar'];
const TYPES = ['text', 'dropdown', 'number', 'date', 'checkbox', 'text_area'];

/** The events of the app: events in both products under both, then product-only events, 50 in all. */
export function chooseRegistrations(catalogue) {
  const crm = catalogue.events.filter((e) => e.products.includes('freshworks_crm')).map((e) => e.name);
  const classic = catalogue.events.filter((e) => e.products.includes('freshsales')).map((e) => e.name);
  const both = crm.filter((e) => classic.includes(e));
  const regs = [];
  for (const e of both) { regs.push({ product: 'freshworks_crm', event: e }, { product: 'freshsales', event: e }); }
  for (const e of classic.filter((x) => !both.includes(x))) regs.push({ product: 'freshsales', event: e });
  for (const e of crm.filter((x) => !both.includes(x))) regs.push({ product: 'freshworks_crm', event: e });
  return regs.slice(0, 50);
}

function padRecord(record, bytesNeeded, random, from) {
  const styled = Object.values(record).some((v) => v && typeof v === 'object' && 'label' in v);
  let added = 0;
  for (let i = from; added < bytesNeeded; i++) {
    const w = WORDS[i % WORDS.length];
    const key = `cf_${w}_${i}`;
    const value = random() < 0.2 ? Math.floor(random() * 100000) : `${VALUES[Math.floor(random() * VALUES.length)]} ${i}`;
    const entry = styled ? { label: `${w.replace('_', ' ')} ${i}`, type: TYPES[i % TYPES.length], value } : value;
    record[key] = entry;
    added += JSON.stringify(entry).length + key.length + 12;
  }
}

function payloadFor(core, { product, event }, random) {
  const p = core.defaultPayload(event, product);
  const def = core.catalogue.events.find((e) => e.name === event);
  const entity = def?.entity?.[product];
  const target = p.data && entity && p.data[entity] && typeof p.data[entity] === 'object' ? p.data[entity] : (p.iparams ??= {});
  let text = JSON.stringify(p, null, 2);
  for (let round = 0; round < 20 && text.length < TARGET_PAYLOAD_BYTES - 1024; round++) {
    padRecord(target, (TARGET_PAYLOAD_BYTES - text.length) * 0.55, random, Object.keys(target).length); // pretty-printing adds ~60%
    text = JSON.stringify(p, null, 2);
  }
  // trim to just under the target so no payload crosses the platform's 256 KB product-event limit
  const keys = Object.keys(target).filter((k) => k.startsWith('cf_'));
  while (text.length > TARGET_PAYLOAD_BYTES && keys.length) { delete target[keys.pop()]; text = JSON.stringify(p, null, 2); }
  return text + '\n';
}

const handlerName = ({ product, event }) => `${event}${product === 'freshsales' ? 'Classic' : ''}Handler`;

function callbackSource(reg, i) {
  const name = handlerName(reg);
  return [
    `  // ${reg.event} (${reg.product}): normalise the record, keep a running count, notify the channel.`,
    `  ${name}: async function (args) {`,
    '    var data = args.data || {};',
    "    var record = data.deal || data.contact || data.sales_account || data.custom_module_record || data.task || data.appointment || {};",
    "    var owner = data.associations && data.associations.owner;",
    "    var key = 'count-" + reg.event + "-' + (owner ? owner.id : 'none');",
    '    var stored;',
    '    try {',
    '      stored = await $db.get(key);',
    '    } catch (e) {',
    '      stored = { count: 0, first: args.timestamp };',
    '    }',
    '    stored.count += 1;',
    '    stored.last = args.timestamp;',
    '    await $db.set(key, stored);',
    '    var fields = Object.keys(record).filter(function (k) { return k.indexOf(\'cf_\') === 0; });',
    '    var summary = fields.slice(0, 5).map(function (k) {',
    '      var v = record[k];',
    "      return k + '=' + (v && typeof v === 'object' ? v.value : v);",
    "    }).join(', ');",
    `    if (stored.count % ${(i % 7) + 3} === 0) {`,
    "      var response = await $request.invokeTemplate('notifySlack', {",
    '        context: {},',
    `        body: JSON.stringify({ text: '${reg.event}: ' + stored.count + ' so far (' + summary + ')' })`,
    '      });',
    "      console.log('notified', response.status);",
    '    }',
    `    if (args.event !== '${reg.event}') {`,
    `      console.error('unexpected event ' + args.event + ' in ${name}');`,
    '      return { ok: false };',
    '    }',
    `    return this.finish('${name}', stored.count);`,
    '  },',
    '',
  ];
}

/** Writes the app into a fresh temp dir and returns its files as the core sees them. */
export function generateLargeApp(core) {
  const random = rng(20240607);
  const regs = chooseRegistrations(core.catalogue);
  const dir = mkdtempSync(path.join(tmpdir(), 'fsdev-bench-app-'));
  const products = {};
  for (const r of regs) ((products[r.product] ??= { events: {} }).events[r.event] = { handler: handlerName(r) });
  const manifest = JSON.stringify({ 'platform-version': '2.3', product: products, engines: { node: '18.20.8', fdk: '9.6.0' } }, null, 2) + '\n';

  const src = ['// Generated benchmark app: one callback per registration.', "var format = require('./lib/format');", '', 'exports = {'];
  const seen = new Set();
  regs.forEach((r, i) => { if (!seen.has(handlerName(r))) { seen.add(handlerName(r)); src.push(...callbackSource(r, i)); } });
  // helpers up to ~2,000 lines
  for (let h = 0; src.length < 1985; h++) {
    src.push(`  helper${h}: function (value) {`, '    if (value === null || value === undefined) return \'\';',
      "    return String(value).trim().toLowerCase();", '  },', '');
  }
  src.push('  finish: function (name, count) {', "    console.log(name + ' done (' + count + ')');", '    return { ok: true, count: count };', '  }', '};', '');
  const script = src.join('\n');

  mkdirSync(path.join(dir, 'server/lib'), { recursive: true });
  writeFileSync(path.join(dir, 'manifest.json'), manifest);
  writeFileSync(path.join(dir, 'server/server.js'), script);
  writeFileSync(path.join(dir, 'server/lib/format.js'), 'exports = { value: function (v) { return String(v); } };\n');
  const payloads = new Map();
  for (const r of regs) {
    const rel = `server/test_data/${r.product}/${r.event}.json`;
    const text = payloadFor(core, r, random);
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
    payloads.set(rel, text);
  }
  const files = {
    manifest: { path: 'manifest.json', text: manifest },
    serverScript: { path: 'server/server.js', text: script },
    testData: [...payloads.keys()].sort(),
  };
  return { dir, files, payloads, registrations: regs.length, callbacks: seen.size, scriptLines: src.length,
    payloadBytes: [...payloads.values()].reduce((n, t) => n + Buffer.byteLength(t), 0) };
}
