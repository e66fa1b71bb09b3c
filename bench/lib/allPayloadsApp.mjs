// The app of issue 11: an omni platform 2.3 app (freshworks_crm + freshsales) that registers every event that
// has a default payload, with every such default payload in server/test_data/<product>/<event>.json, as
// `fdk create` / `fdk generate` leave them. Written twice, identical but for the payloads, so a bench can
// set the cost of the payloads apart: `withPayloads` and `withoutPayloads`.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Writes both apps into a fresh temp dir; returns their dirs and the payload count. */
export function generateAllPayloadsApp(repoRoot) {
  const defaults = path.join(repoRoot, 'schemas/defaults');
  const products = {};
  const payloads = [];
  // the two Freshsales products: the ones with payload schemas (schemas/defaults also holds other products')
  for (const product of readdirSync(path.join(repoRoot, 'schemas/payloads')).sort()) {
    for (const f of readdirSync(path.join(defaults, product)).filter((x) => x.endsWith('.json')).sort()) {
      const event = f.slice(0, -'.json'.length);
      ((products[product] ??= { events: {} }).events[event] = { handler: `${event}Handler` });
      payloads.push({ rel: `server/test_data/${product}/${f}`, text: readFileSync(path.join(defaults, product, f), 'utf8') });
    }
  }
  const handlers = [...new Set(Object.values(products).flatMap((p) => Object.keys(p.events)))].sort();
  const manifest = JSON.stringify({ 'platform-version': '2.3', product: products, engines: { node: '18.20.8', fdk: '9.6.0' } }, null, 2) + '\n';
  const script = ['exports = {', ...handlers.map((e) => `  ${e}Handler: function (args) {\n    console.log('${e}', args.data);\n  },`), '};', ''].join('\n');
  const base = mkdtempSync(path.join(tmpdir(), 'fsdev-bench-allpayloads-'));
  const write = (dir, rel, text) => { mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true }); writeFileSync(path.join(dir, rel), text); };
  const withPayloads = path.join(base, 'with');
  const withoutPayloads = path.join(base, 'without');
  for (const dir of [withPayloads, withoutPayloads]) {
    write(dir, 'manifest.json', manifest);
    write(dir, 'server/server.js', script);
    write(dir, 'config/iparams.json', '{}\n'); // fdk's mandatory folder (the check's error without it)
  }
  for (const p of payloads) write(withPayloads, p.rel, p.text);
  return { base, withPayloads, withoutPayloads, payloads: payloads.length, registrations: payloads.length };
}
