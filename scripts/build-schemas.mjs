#!/usr/bin/env node
// Generates, from the mission document (the seed), the FDK addon's payloads and schemas/src/overrides.json:
//   schemas/events.json                               the event catalogue (shape: Catalogue in server/src/core/types.ts)
//   schemas/defaults/<product>/<event>.json           default payloads
//   schemas/payloads/<product>/<event>.schema.json    JSON Schemas (draft-07) of the payloads
//   schemas/manifest.schema.json                      JSON Schema of manifest.json (all dialects)
//   server/src/core/schemaIndex.ts                    static imports of the above, so esbuild bundles them
//   test/fixtures/seed-samples/<event>.json           the seed's sample payloads
// Usage: node scripts/build-schemas.mjs   (paths are relative to the repository; inputs live in ../shared)
// The output is committed; CI does not regenerate it.
import { readFileSync, writeFileSync, mkdirSync, readdirSync, rmSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shared = process.env.FSDEV_SHARED ?? path.resolve(root, '..', 'shared');
const seedFile = path.join(shared, 'seed', '000_9f6eb6383d6a3eee.txt');
const addon = path.join(shared, 'reference', 'fdk-addon-2.0.0');
const ov = JSON.parse(readFileSync(path.join(root, 'schemas', 'src', 'overrides.json'), 'utf8'));

const PRODUCTS = ['freshworks_crm', 'freshsales'];
const REGIONS = ['US', 'EU', 'EUC', 'AUS', 'IND'];
const REGION_DESC = {
  US: 'United States data centre.',
  EU: 'European Union data centre (Frankfurt).',
  EUC: 'European Union Central data centre.',
  AUS: 'Australia data centre.',
  IND: 'India data centre.',
};
const PRODUCT_DESC = {
  freshworks_crm: 'Freshsales Suite (Freshworks CRM), `*.myfreshworks.com/crm`.',
  freshsales: 'Freshsales Classic, `*.freshsales.io`.',
};
const MISSION = ['onContactCreate', 'onContactUpdate', 'onDealCreate', 'onDealUpdate', 'onSalesAccountCreate',
  'onSalesAccountUpdate', 'onCustomModuleCreate', 'onCustomModuleUpdate', 'onAppointmentCreate', 'onAppointmentUpdate',
  'onTaskCreate', 'onTaskUpdate'];

const write = (rel, data) => {
  const file = path.join(root, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, typeof data === 'string' ? data : JSON.stringify(data, null, 2) + '\n');
};
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const jsonType = (v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object'
  : typeof v === 'number' ? 'number' : typeof v);

// ---------------------------------------------------------------- 1. parse the seed
/** @returns {Map<string, {description: string, sample: object, tables: Record<string, {rows: any[]}>}>} */
function parseSeed() {
  const lines = readFileSync(seedFile, 'utf8').split(/\r?\n/);
  const sections = new Map();
  let cur = null;
  let table = null; // { name, rows, buf }
  const flush = () => {
    if (table && table.buf.trim()) table.rows.push(splitRow(table.buf));
    table = null;
  };
  let pendingTitle = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const t = line.trim();
    if (MISSION.includes(t)) {
      flush();
      cur = { name: t, description: '', sample: undefined, tables: {} };
      sections.set(t, cur);
      const next = lines[i + 1] ?? '';
      cur.description = next.slice(0, next.indexOf('executed.') + 'executed.'.length).replace(/ is is /, ' is ');
      continue;
    }
    if (!cur) continue;
    if (/^Test$/.test(t)) { flush(); cur = null; continue; }
    if (/^1 2 3 /.test(t) && t.includes('{')) {
      flush();
      cur.sample = JSON.parse(t.slice(t.indexOf('{'), t.lastIndexOf('}') + 1));
      continue;
    }
    const m = /^Attributes of the (\w+) object/.exec(t);
    if (m) { flush(); pendingTitle = m[1]; continue; }
    if (/^ATTRIBUTE \|/.test(t)) continue;
    if (/^---\|/.test(t)) { table = { name: pendingTitle, rows: [], buf: '' }; cur.tables[pendingTitle] = table; continue; }
    if (table) {
      if (!t.includes('|') && !table.buf) { flush(); continue; }
      table.buf += (table.buf ? ' ' : '') + t;
      if ((table.buf.match(/\|/g) ?? []).length >= 3 && table.buf.endsWith('|')) {
        table.rows.push(splitRow(table.buf));
        table.buf = '';
      }
    }
  }
  flush();
  return sections;
}

const TYPE_WORD = /^(string|object|number|boolean|array)$/;
function splitRow(buf) {
  const cells = buf.split('|').map((c) => c.trim());
  while (cells.length && cells[cells.length - 1] === '') cells.pop();
  let [name, type, desc = ''] = cells;
  let mandatory = false;
  if (TYPE_WORD.test(name) && cells.length === 2) {
    // attribute-name cell lost: infer it from the description
    desc = type;
    type = name;
    const word = Object.keys(ov.lostNames).find((k) => k !== '$comment' && desc.toLowerCase().includes(k));
    name = word ? ov.lostNames[word] : undefined;
  }
  if (name && / Mandatory$/.test(name)) { name = name.replace(/ Mandatory$/, ''); mandatory = true; }
  return { name, type, desc, mandatory };
}

// ---------------------------------------------------------------- 2. the catalogue
const eventsNew = readJson(path.join(addon, 'eventsNew.json'));
const seed = parseSeed();
const docUrl = (kind, name) => ov.docUrls[kind] + (kind === 'product' ? '#' + name.toLowerCase() : '');
const KIND = { app_setup_event: 'app-setup', product_event: 'product' };

function splitName(name) {
  const m = /^on([A-Z][a-zA-Z]*?)(Create|Update|Delete)$/.exec(name);
  return m ? { noun: m[1], action: m[2] } : undefined;
}

const events = [];
const byName = new Map();
for (const product of PRODUCTS) {
  for (const e of eventsNew[product]) {
    let ev = byName.get(e.name);
    if (!ev) {
      const kind = e.name === 'onScheduledEvent' ? 'scheduled' : KIND[e.event_type] ?? 'external';
      ev = { name: e.name, kind, products: [], module: 'common' };
      byName.set(e.name, ev);
      events.push(ev);
    }
    ev.products.push(product);
  }
}
// afterAppUpdate sits with the other set-up events
events.splice(events.findIndex((e) => e.name === 'onAppUninstall'), 0,
  { name: 'afterAppUpdate', kind: 'app-setup', products: ['freshworks_crm', 'freshsales'], module: 'common' });
byName.set('afterAppUpdate', events.find((e) => e.name === 'afterAppUpdate'));

for (const ev of events) {
  const sn = splitName(ev.name);
  if (ev.kind === 'product' && sn) {
    const [crmEntity, article] = ov.entityWords[sn.noun];
    ev.entity = {};
    for (const p of ev.products) ev.entity[p] = p === 'freshsales' ? (ov.classicEntity[sn.noun] ?? crmEntity) : crmEntity;
    ev.module = ov.entityModules[crmEntity];
    const s = seed.get(ev.name);
    ev.description = s?.description
      || `When ${article.replace(/_/g, ' ')} is ${sn.action.toLowerCase()}d, the ${ev.name} event is invoked and the registered callback method is executed.`;
    if (sn.action === 'Delete') ev.description += ' (Freshsales Classic only.)';
  } else {
    ev.description = ov.setupEvents[ev.name] ?? ov.externalEvents[ev.name] ?? ov.scheduledEvents[ev.name];
  }
  ev.timeLimitMs = ev.kind === 'app-setup' ? 10000 : 20000;
  ev.docUrl = docUrl(ev.kind, ev.name);
  ev.documented = seed.has(ev.name);
  if (/Update$/.test(ev.name)) ev.update = true;
}
// Newer events: Freshsales Suite's, and Classic's too when fdk 9.4.2 gives Classic apps a payload for them.
const classicToo = new Set(ov.classicNewerEvents.events);
for (const n of ov.newerEvents) {
  const products = classicToo.has(n.name) ? ['freshworks_crm', 'freshsales'] : ['freshworks_crm'];
  const moduleWord = ov.confirmedModules[n.module] ? `The 3.0 module name \`${n.module}\` is the documentation's; the payload key` : `The 3.0 module name \`${n.module}\` and the payload key`;
  const ev = {
    name: n.name, kind: 'product', products, module: n.module, entity: Object.fromEntries(products.map((p) => [p, n.entity])),
    timeLimitMs: 20000,
    description: `When ${n.what}, the ${n.name} event is invoked and the registered callback method is executed.`,
    docUrl: docUrl('product', n.name), documented: false,
    $comment: `Listed by newer Freshsales documentation; no sample payload in the mission document or the FDK addon. ${moduleWord} \`data.${n.entity}\` ${ov.confirmedModules[n.module] ? 'is' : 'are'} this tool's best guess, not confirmed.`,
  };
  if (/Update$/.test(n.name)) ev.update = true;
  events.push(ev);
  byName.set(n.name, ev);
}
byName.get('afterAppUpdate').$comment = 'Listed by newer documentation (app set-up event); no default payload in the FDK addon, so the tool synthesizes the envelope.';
byName.get('onScheduledEvent').$comment = 'eventsNew.json files onScheduledEvent as an external_event; this catalogue gives it its own kind, `scheduled`.';

// ---------------------------------------------------------------- 3. defaults and seed samples
const richness = (v) => (v && typeof v === 'object' ? Object.keys(v).length + Object.values(v).reduce((n, x) => n + richness(x), 0) : 0);
const defaults = {}; // product -> event -> payload
rmSync(path.join(root, 'schemas', 'defaults'), { recursive: true, force: true });
rmSync(path.join(root, 'test', 'fixtures', 'seed-samples'), { recursive: true, force: true });
for (const product of PRODUCTS) {
  defaults[product] = {};
  for (const f of readdirSync(path.join(addon, 'payloads', product)).sort()) {
    const name = f.replace(/\.json$/, '');
    let payload = readJson(path.join(addon, 'payloads', product, f));
    const s = product === 'freshworks_crm' ? seed.get(name) : undefined;
    if (s) {
      const useSeed = richness(s.sample) > richness(payload);
      const ev = byName.get(name);
      ev.$comment = `Default payload: ${useSeed ? 'the mission document\'s sample (richer than the FDK addon\'s)' : 'the FDK addon 2.0.0 payload (at least as rich as the mission document\'s sample)'}.`;
      if (useSeed) payload = s.sample;
    }
    defaults[product][name] = payload;
    write(`schemas/defaults/${product}/${name}.json`, payload);
  }
}
for (const [name, s] of seed) write(`test/fixtures/seed-samples/${name}.json`, s.sample);

// The other Freshworks products: their event names (eventsNew-all-products.json) and default payloads, so apps
// for them are checked by name and simulated with fdk's own payload. Their payloads have no documented schema here.
const allProducts = readJson(path.join(addon, 'eventsNew-all-products.json'));
const otherProducts = {};
const otherDefaults = []; // { product, event, default }
for (const [product, info] of Object.entries(ov.otherProducts)) {
  if (product.startsWith('$')) continue;
  const kindOf = (e) => (e.name === 'onScheduledEvent' ? 'scheduled' : KIND[e.event_type] ?? 'external');
  const { extraEvents = [], ...rest } = info;
  const events = allProducts[product].map((e) => ({ name: e.name, kind: kindOf(e) }));
  // Events newer than the addon's list (overrides.otherProducts.<p>.extraEvents, from the platform-3 references).
  for (const name of extraEvents) if (!events.some((e) => e.name === name)) events.push({ name, kind: 'product' });
  otherProducts[product] = { ...rest, modules: rest.modules ?? [], events };
  const dir = path.join(addon, 'payloads', product);
  for (const f of existsSync(dir) ? readdirSync(dir).sort() : []) {
    // fdk's payload files may spell an event differently from its list (Freshteam's onNewhireCreate.json for
    // onNewHireCreate): the list's name wins, so the default is found by the event's name.
    const file = f.replace(/\.json$/, '');
    const name = otherProducts[product].events.find((e) => e.name.toLowerCase() === file.toLowerCase())?.name ?? file;
    write(`schemas/defaults/${product}/${name}.json`, readJson(path.join(dir, f)));
    otherDefaults.push({ product, event: name, default: `schemas/defaults/${product}/${name}.json` });
  }
}

// ---------------------------------------------------------------- 4. payload schemas
const regionSchema = {
  type: 'string',
  description: 'Region where the app is installed. Possible values: US, EU, EUC, AUS, and IND.',
  enum: REGIONS,
  enumDescriptions: REGIONS.map((r) => REGION_DESC[r]),
  markdownEnumDescriptions: REGIONS.map((r) => `\`${r}\`: ${REGION_DESC[r]}`),
};
const productContextSchema = {
  type: 'object',
  description: 'Product context of the product for which the app is installed.',
  properties: {
    url: { type: 'string', description: 'Complete web-address (protocol, sub-domain name, domain name, and relative path) of the product instance, e.g. `https://sample.myfreshworks.com/crm`.' },
    name: {
      type: 'string', description: 'Name of the product.', enum: PRODUCTS,
      enumDescriptions: PRODUCTS.map((p) => PRODUCT_DESC[p]), markdownEnumDescriptions: PRODUCTS.map((p) => `\`${p}\`: ${PRODUCT_DESC[p]}`),
    },
  },
};

function envelope(ev, product, dataSchema, extra = {}) {
  const props = {
    account_id: { type: 'string', description: 'Identifier of the Freshsales account, auto-generated when the account is configured for a business.' },
    domain: { type: 'string', description: 'Domain name for the Freshsales account.' },
    event: { type: 'string', description: `Identifier of the product event. The simulator sets it to \`${ev.name}\` before calling the handler.`, default: ev.name },
    region: regionSchema,
    timestamp: { type: 'number', description: 'Timestamp of when the event occurs, specified in the epoch format.' },
    productContext: productContextSchema,
    iparams: { type: 'object', description: 'Installation parameters specified as a JSON object of <parameter name>: <parameter value> pairs. The simulator replaces it with the locally stored installation parameters.' },
    version: { type: 'string', description: 'Version of the payload format (e.g. "2.0").' },
    currentHost: { type: 'object', description: 'Platform 3.0: the host product and its endpoints, injected by the platform.' },
    ...extra,
  };
  if (dataSchema) props.data = dataSchema;
  const schema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `https://freshsales-devtools.local/schemas/payloads/${product}/${ev.name}.schema.json`,
    title: `${ev.name} payload (${product})`,
    description: `${ev.description}\n\nPayload passed to the ${ev.name} callback (${product === 'freshsales' ? 'Freshsales Classic' : 'Freshsales Suite'}).`,
    type: 'object',
    properties: props,
  };
  if (dataSchema) schema.required = ['data'];
  return schema;
}

// observed types of each attribute, over every sample/default of the same entity
const crmPayloads = (entity) => {
  const out = [];
  for (const [name, s] of seed) if (byName.get(name).entity.freshworks_crm === entity) out.push(s.sample);
  for (const [name, p] of Object.entries(defaults.freshworks_crm)) if (byName.get(name)?.entity?.freshworks_crm === entity) out.push(p);
  return out;
};
const allCrmPayloads = () => [...[...seed.values()].map((s) => s.sample), ...Object.values(defaults.freshworks_crm)]
  .filter((p) => seed.has(p.event));

function tableFor(evName, objName) {
  const own = seed.get(evName).tables[objName];
  if (own) return own;
  const pair = seed.get(evName.replace(/Update$/, 'Create'))?.tables[objName];
  if (pair) return pair;
  for (const s of seed.values()) if (s.tables[objName]) return s.tables[objName];
  return undefined;
}

const tableTypes = (type) => {
  const t = type.toLowerCase();
  if (t.startsWith('array')) return ['array'];
  if (t.endsWith('object')) return ['object'];
  if (TYPE_WORD.test(t)) return [t];
  return [];
};

/** Schema of one documented attribute: table type ∪ observed types. */
function attributeSchema(row, observed, refs) {
  const obs = observed ?? [];
  const types = new Set([...tableTypes(row.type), ...obs.map(jsonType)]);
  const desc = row.desc + (row.mandatory ? ' (Mandatory.)' : '');
  if (/user object/.test(row.type) && refs.user) {
    return { $ref: '#/definitions/user', description: desc };
  }
  const s = { type: types.size === 1 ? [...types][0] : [...types].sort(), description: desc };
  const objs = obs.filter((v) => jsonType(v) === 'object');
  if (objs.length && objs.every((o) => 'value' in o && 'label' in o)) {
    s.properties = {
      label: { type: 'string', description: 'Display label of the field.' },
      type: { type: 'string', description: 'Field type (text, dropdown, date_time, ...).' },
      dom_type: { type: 'string', description: 'Field type (text, decimal, date_time, ...), older spelling of `type`.' },
      value: { description: 'Value of the field.' },
    };
    s.description += ' Field object: `{ label, type, value }`.';
  }
  // inline "Attributes of the X object: a (type): desc ..." in the description
  const inline = [...desc.matchAll(/(\w+) \((string|number|boolean|object|array)\): (.*?)(?=\s+\w+ \((?:string|number|boolean|object|array)\):|$)/g)];
  if (inline.length && types.has('object')) {
    s.properties = {};
    for (const [, n, t, d] of inline) {
      const seen = objs.map((o) => o[n]).filter((v) => v !== undefined);
      const ts = new Set([t, ...seen.map(jsonType)]);
      s.properties[n] = { type: ts.size === 1 ? t : [...ts].sort(), description: d.trim() };
    }
  }
  if (/array of numbers/.test(row.type)) {
    const items = new Set(['number', ...obs.filter(Array.isArray).flat().map(jsonType)]);
    s.items = { type: items.size === 1 ? 'number' : [...items].sort() };
  }
  return s;
}

/** Object schema from a seed table; `values` are the instances seen in samples/defaults. */
function objectFromTable(table, values, refs, description, { nullable = false } = {}) {
  const properties = {};
  for (const row of table?.rows ?? []) {
    if (!row.name || properties[row.name]) continue;
    const observed = values.filter((v) => v && typeof v === 'object' && row.name in v).map((v) => v[row.name]);
    properties[row.name] = attributeSchema(row, observed, refs);
  }
  // attributes the samples carry but the table does not describe: described, not typed
  for (const v of values) {
    if (!v || typeof v !== 'object') continue;
    for (const k of Object.keys(v)) {
      if (!properties[k]) properties[k] = { description: 'Present in the sample payloads; not described by the attribute table.' };
    }
  }
  return { type: nullable ? ['object', 'null'] : 'object', description, properties };
}

const changesSchema = {
  type: 'object',
  description: 'Updated field values.',
  properties: {
    model_changes: {
      type: 'object',
      description: 'Changed attributes of the record: each key is an attribute name, each value `[old, new]` (nested objects for custom fields and associations, e.g. `custom_fields: { cf_x: [old, new] }`).',
      additionalProperties: { type: ['array', 'object'], description: '`[old value, new value]`, or an object of nested changes.' },
    },
    system_changes: { type: 'object', description: 'Changes made by the system (not by the actor).' },
    misc_changes: { type: 'object', description: 'Other changes (associations and the like).' },
  },
};

function missionSchema(ev) {
  const entity = ev.entity.freshworks_crm;
  const payloads = crmPayloads(entity);
  const all = allCrmPayloads();
  const data = payloads.map((p) => p.data);
  const userValues = [];
  const collectUsers = (assoc, table) => {
    for (const row of table?.rows ?? []) if (/user object/.test(row.type) && assoc?.[row.name]) userValues.push(assoc[row.name]);
  };
  for (const p of all) collectUsers(p.data?.associations, tableFor(p.event, 'associations'));
  const refs = { user: true };
  const definitions = {
    actor: objectFromTable(tableFor(ev.name, 'actor'), all.map((p) => p.data?.actor), refs, 'Details of the entity (user) that triggered the event.'),
    user: objectFromTable(tableFor(ev.name, 'user'), userValues, {}, 'A user: the owner, updater or creator of a record. `null` when there is none (e.g. the updater on a *Create event).', { nullable: true }),
  };
  const dataTable = tableFor(ev.name, 'data');
  const rowOf = (n) => dataTable.rows.find((r) => r.name === n) ?? { desc: '' };
  const entitySchema = objectFromTable(tableFor(ev.name, entity), data.map((d) => d[entity]), refs, rowOf(entity).desc);
  const assocSchema = objectFromTable(tableFor(ev.name, 'associations'), data.map((d) => d.associations), refs, rowOf('associations').desc);
  const dataSchema = {
    type: 'object',
    description: 'Event-specific Freshsales data, specified as a JSON object of key:value pairs.',
    properties: {
      actor: { $ref: '#/definitions/actor', description: rowOf('actor').desc },
      [entity]: entitySchema,
      associations: assocSchema,
    },
    required: ['actor', entity, 'associations'],
  };
  if (ev.update) {
    dataSchema.properties.changes = { ...changesSchema, description: rowOf('changes').desc || changesSchema.description };
    dataSchema.required.push('changes');
  }
  const schema = envelope(ev, 'freshworks_crm', dataSchema);
  schema.definitions = definitions;
  return schema;
}

function genericSchema(ev, product) {
  const def = defaults[product][ev.name];
  if (ev.kind === 'app-setup') return envelope(ev, product, undefined);
  if (ev.kind === 'external') {
    return envelope(ev, product, { type: 'object', description: 'The body the third-party service posted to the webhook URL (at most 100 KB).' }, {
      headers: { type: 'object', description: 'HTTP headers of the webhook request.' },
      options: { type: 'string', description: 'Options of the target URL.' },
    });
  }
  if (ev.kind === 'scheduled') {
    return envelope(ev, product, { type: 'object', description: 'The `data` given to `$schedule.create()` (at most 4 KB).' });
  }
  const entity = ev.entity[product];
  const properties = {
    [entity]: { type: 'object', description: `The ${entity.replace(/_/g, ' ')} record the event is about.` },
  };
  for (const k of Object.keys(def?.data ?? {})) {
    if (k === entity) continue;
    properties[k] = { description: ov.classicDataKeys[k] ?? 'Present in the default payload.' };
  }
  if (product === 'freshworks_crm') {
    properties.actor = { type: 'object', description: 'Details of the entity (user) that triggered the event.' };
    properties.associations = { type: 'object', description: 'Associated objects related to the record.' };
  }
  if (ev.update && (product === 'freshworks_crm' || def?.data?.changes)) properties.changes = changesSchema;
  const dataSchema = {
    type: 'object',
    description: 'Event-specific Freshsales data, specified as a JSON object of key:value pairs.',
    properties,
  };
  // the record is required where the payload key is known from a real payload
  if (def) dataSchema.required = [entity];
  const schema = envelope(ev, product, dataSchema);
  if (!ev.documented && !def) schema.$comment = ev.$comment;
  return schema;
}

rmSync(path.join(root, 'schemas', 'payloads'), { recursive: true, force: true });
const index = []; // { product, event, schema, default }
for (const ev of events) {
  for (const product of ev.products) {
    const schema = product === 'freshworks_crm' && ev.documented ? missionSchema(ev) : genericSchema(ev, product);
    const rel = `schemas/payloads/${product}/${ev.name}.schema.json`;
    write(rel, schema);
    index.push({ product, event: ev.name, schema: rel, default: defaults[product][ev.name] ? `schemas/defaults/${product}/${ev.name}.json` : undefined });
  }
}

// ---------------------------------------------------------------- 5. events.json
const catalogue = {
  $comment: 'Generated by scripts/build-schemas.mjs from the mission document, fdk-addon-2.0.0/eventsNew.json (and eventsNew-all-products.json for otherProducts) and schemas/src/overrides.json. Do not edit by hand.',
  products: ov.products,
  modules: ov.modules,
  otherProducts,
  events: events.map((e) => {
    const o = {
      name: e.name, kind: e.kind, products: e.products, module: e.module, ...(e.entity ? { entity: e.entity } : {}),
      timeLimitMs: e.timeLimitMs, description: e.description, docUrl: e.docUrl, documented: e.documented,
      ...(e.update ? { update: true } : {}), ...(e.$comment ? { $comment: e.$comment } : {}),
    };
    return o;
  }),
};
write('schemas/events.json', catalogue);

// ---------------------------------------------------------------- 6. manifest schema
function manifestSchema() {
  const handler = {
    type: 'object',
    description: 'Registration of one event: the callback in `server/server.js` that handles it.',
    properties: {
      handler: { type: 'string', minLength: 1, description: 'Name of the callback method, a property of the `exports` object in `server/server.js` (`name: function (payload) {}`; arrow functions are not discovered by `fdk`).' },
    },
    required: ['handler'],
    defaultSnippets: [{ label: 'handler', body: { handler: '${1:callbackName}' } }],
  };
  const eventsFor = (pred, where) => {
    const properties = {};
    for (const e of events.filter(pred)) {
      properties[e.name] = {
        $ref: '#/definitions/eventRegistration',
        description: `${e.description}\n\nTime limit: ${e.timeLimitMs / 1000} s. ${e.docUrl}`,
        markdownDescription: `**${e.name}** (${e.kind}${e.documented ? '' : ', less documented'})\n\n${e.description}\n\nTime limit: ${e.timeLimitMs / 1000} s. [Documentation](${e.docUrl})`,
        defaultSnippets: [{ body: { handler: `${e.name}Handler` } }],
      };
    }
    return {
      type: 'object',
      description: `Events the app subscribes to ${where}: \`"<eventName>": { "handler": "<callback>" }\`. One callback per event; several events may share a callback.`,
      minProperties: 1,
      properties,
      additionalProperties: { $ref: '#/definitions/eventRegistration' },
    };
  };
  const productBlock = (p) => ({
    type: 'object',
    description: `Configuration for ${ov.products[p].label} (platform 2.1 to 2.3).`,
    properties: {
      events: eventsFor((e) => e.products.includes(p), `in ${ov.products[p].label}`),
      location: { type: 'object', description: 'Front-end placements of the app (UI locations) and their `url` / `icon`.' },
      requests: { type: 'object', description: 'Request templates the app uses (platform 2.3+), defined in `config/requests.json`: `"<templateName>": {}`.', additionalProperties: { type: 'object' } },
      functions: {
        type: 'object', description: 'Server methods callable from the front end (server method invocation): `"<method>": { "timeout": <seconds> }`.',
        additionalProperties: { type: 'object', properties: { timeout: { type: 'number', description: 'Time-out of the server method, in seconds (default 5, up to 20 on some plans).' } } },
      },
    },
  });
  const moduleBlock = (m) => ({
    type: 'object',
    description: `${ov.modules[m].label} module: ${ov.modules[m].description}`,
    properties: {
      events: eventsFor((e) => e.module === m, `in the \`${m}\` module`),
      location: { type: 'object', description: 'Front-end placements of the app in this module.' },
      requests: { type: 'object', description: 'Request templates (defined in `config/requests.json`) the module uses.', additionalProperties: { type: 'object' } },
      functions: {
        type: 'object', description: 'Server methods callable from the front end: `"<method>": { "timeout": <seconds> }`.',
        additionalProperties: { type: 'object', properties: { timeout: { type: 'number', description: 'Time-out of the server method, in seconds.' } } },
      },
    },
  });
  const products = Object.fromEntries(PRODUCTS.map((p) => [p, productBlock(p)]));
  const modules = Object.fromEntries(Object.keys(ov.modules).map((m) => [m, moduleBlock(m)]));
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://freshsales-devtools.local/schemas/manifest.schema.json',
    title: 'Freshworks app manifest (manifest.json)',
    description: 'Manifest of a Freshworks app. Where events are registered depends on `platform-version`: 2.0 in `server/server.js` (an `events` array), 2.1 to 2.3 under `product.<product>.events`, 3.0 under `modules.<module>.events`.',
    type: 'object',
    definitions: { eventRegistration: handler },
    properties: {
      'platform-version': {
        type: 'string', enum: ['2.0', '2.1', '2.2', '2.3', '3.0'],
        description: 'Version of the Freshworks app platform the app is built for; decides where events are registered.',
        enumDescriptions: [
          'Legacy: events are registered in `server/server.js` (an exported `events` array), not in the manifest.',
          'Events under `product.<product>.events`.',
          'Events under `product.<product>.events`.',
          'Events under `product.<product>.events`; request templates (`requests`).',
          'Events under `modules.<module>.events`; set-up, external and scheduled events under `modules.common.events`; `engines` required.',
        ],
      },
      product: {
        type: 'object',
        description: 'Products the app works with (platform 2.x). An omni app lists both `freshworks_crm` and `freshsales` and registers each event under both.',
        properties: products,
        additionalProperties: { type: 'object', description: 'Another Freshworks product.' },
      },
      modules: {
        type: 'object',
        description: 'Modules the app works with (platform 3.0). `common` holds app-level registrations; at least one other module is needed.',
        properties: modules,
        additionalProperties: { type: 'object', description: 'Another module.' },
      },
      engines: {
        type: 'object', description: 'Runtime versions the app was built with.',
        properties: {
          node: { type: 'string', description: 'Node.js version (FDK 9.x: Node 18; FDK 10.x: Node 24), e.g. "18.20.8".' },
          fdk: { type: 'string', description: 'Freshworks Developer Kit version, e.g. "9.6.0".' },
        },
        required: ['node', 'fdk'],
      },
      dependencies: {
        type: 'object',
        description: 'npm packages the serverless app uses, with EXACT versions (no `^` or `~`).',
        additionalProperties: { type: 'string', pattern: '^\\d+\\.\\d+\\.\\d+([-+][0-9A-Za-z.-]+)?$', description: 'Exact version, e.g. "1.2.3".' },
      },
      'whitelisted-domains': {
        type: 'array', description: 'Domains the app may call with the request method (up to platform 2.2; 2.3+ uses request templates).',
        items: { type: 'string', description: 'Domain, e.g. "https://api.example.com".' },
      },
      events: {
        description: 'A top-level `events` block is IGNORED by the platform: register events under `product.<product>.events` (2.x) or `modules.<module>.events` (3.0).',
      },
    },
    allOf: [
      {
        if: { properties: { 'platform-version': { const: '3.0' } }, required: ['platform-version'] },
        then: { required: ['modules', 'engines'] },
      },
    ],
  };
}
write('schemas/manifest.schema.json', manifestSchema());

// ---------------------------------------------------------------- 7. server/src/core/schemaIndex.ts
// Lazy `require`s: esbuild still bundles every file, but wraps each in a function that runs on first use,
// so a process pays only for the schemas and payloads it touches (`fsdev check` on a two-event app: two).
{
  const lines = [
    '// GENERATED by scripts/build-schemas.mjs: lazy requires of the payload schemas and default payloads,',
    '// so esbuild bundles them and a process builds only those it uses. Do not edit by hand.',
    '/* eslint-disable @typescript-eslint/no-require-imports */',
  ];
  const schemaEntries = [];
  const defaultEntries = [];
  [...index, ...otherDefaults].forEach((x) => {
    if (x.schema) schemaEntries.push(`  '${x.product}/${x.event}': () => require('../../../${x.schema}'),`);
    if (x.default) defaultEntries.push(`  '${x.product}/${x.event}': () => require('../../../${x.default}'),`);
  });
  lines.push('', '/** `<product>/<event>` -> JSON Schema of the payload. */',
    'export const payloadSchemas: Record<string, () => object> = {', ...schemaEntries, '};', '',
    '/** `<product>/<event>` -> default payload (absent for events without one). */',
    'export const defaultPayloads: Record<string, () => object> = {', ...defaultEntries, '};', '');
  write('server/src/core/schemaIndex.ts', lines.join('\n'));
}

console.log(`events: ${events.length}, schemas: ${index.length}, defaults: ${index.filter((x) => x.default).length}, seed samples: ${seed.size}`);
if (!existsSync(path.join(root, 'schemas', 'README.md'))) console.warn('schemas/README.md is missing');
