// The event catalogue (schemas/events.json) and what hangs off it: time limits, did-you-mean,
// default payloads and payload schemas. Pure: the JSON is bundled by esbuild, nothing is read at run time.
import rawCatalogue from '../../../schemas/events.json';
import { defaultPayloads, payloadSchemas } from './schemaIndex';
import { payloadLimitOf, timeLimitOf } from './limits';
import type { Catalogue, CatalogueEvent, EventKind, ProductName, Scope } from './types';

export const catalogue: Catalogue = rawCatalogue as unknown as Catalogue;

export const productNames: ProductName[] = Object.keys(catalogue.products) as ProductName[];

const byName = new Map<string, CatalogueEvent>(catalogue.events.map((e) => [e.name, e]));

/** The catalogue entry of an event, by exact (case-sensitive) name. */
export function findEvent(name: string): CatalogueEvent | undefined {
  return byName.get(name);
}

/** True for the two Freshsales product names. */
export function isProductName(name: string): name is ProductName {
  return Object.prototype.hasOwnProperty.call(catalogue.products, name);
}

/**
 * Events that may be registered in a scope: for a product (2.x), the events of that product;
 * for a 3.0 module, the events of that module (`common` = app set-up, external and scheduled events).
 * An unknown product or module yields [].
 */
export function eventsFor(scope: Scope): CatalogueEvent[] {
  if (scope.kind === 'product') {
    return catalogue.events.filter((e) => e.products.includes(scope.name as ProductName));
  }
  return catalogue.events.filter((e) => e.module === scope.name);
}

/**
 * The other Freshworks product a scope belongs to: a 2.x product key such as `freshdesk`, or a 3.0 module that is
 * not a Freshsales one (`support_ticket` → freshdesk by its prefix; `*` when no prefix tells). Undefined for
 * Freshsales scopes and for products no Freshworks list knows.
 */
export function otherProductOf(scope: Scope): string | undefined {
  const others = catalogue.otherProducts;
  if (scope.kind === 'product') return Object.prototype.hasOwnProperty.call(others, scope.name) ? scope.name : undefined;
  if (Object.prototype.hasOwnProperty.call(catalogue.modules, scope.name)) return undefined;
  return Object.keys(others).find((p) => others[p].modules.includes(scope.name))
    ?? Object.keys(others).find((p) => others[p].modulePrefixes.some((prefix) => scope.name.startsWith(prefix))) ?? '*';
}

/**
 * The product whose default payload an event gets in a scope: the 2.x product itself, another product's 3.0 module's
 * product (`support_ticket` → freshdesk), or for a module no name tells, the first other product that has the event.
 * Undefined: the catalogue's choice (Freshsales Suite's payload).
 */
export function defaultProductFor(event: string, scope?: Scope): string | undefined {
  if (scope?.kind === 'product') return scope.name;
  const other = scope && otherProductOf(scope);
  if (other !== '*') return other;
  return findEvent(event) ? undefined : Object.keys(catalogue.otherProducts).find((p) => otherProductEvents(p).some((e) => e.name === event));
}

/** Events of another product (`*`: of every other product), as fdk's lists name them. */
export function otherProductEvents(product: string): { name: string; kind: EventKind }[] {
  const lists = product === '*' ? Object.values(catalogue.otherProducts) : [catalogue.otherProducts[product]].filter(Boolean);
  const seen = new Map<string, { name: string; kind: EventKind }>();
  for (const list of lists) for (const e of list.events) if (!seen.has(e.name)) seen.set(e.name, e);
  return [...seen.values()];
}

/** Synchronous time limit of a handler, in ms: 10 s for app set-up events, 20 s otherwise (unknown events: 20 s). */
export function timeLimitFor(event: string | CatalogueEvent): number {
  return timeLimitOf(typeof event === 'string' ? findEvent(event) : event);
}

/** Payload size limit of an event in bytes (platform limits): 100 KB for external events, 256 KB otherwise. */
export function payloadLimitFor(event: string | CatalogueEvent): number {
  return payloadLimitOf((typeof event === 'string' ? findEvent(event) : event)?.kind);
}

/** Levenshtein distance (small strings; two rows). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (!a.length) return b.length;
  if (!b.length) return a.length;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const cost = ca === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length];
}

/**
 * Did-you-mean: the candidate closest to `name` (case-insensitive edit distance), or undefined when
 * nothing is close enough (distance at most max(2, a third of the name's length)). A candidate that
 * differs only in case always wins. Ties go to the earlier candidate.
 */
export function suggestEvent(name: string, candidates: Iterable<string | CatalogueEvent>): string | undefined {
  const list = [...candidates].map((c) => (typeof c === 'string' ? c : c.name));
  // The event people mean names the same thing: onAppUpdate is afterAppUpdate (same words but the on/after
  // prefix), not onTaskUpdate (closer in letters); onUpdateContact is onContactUpdate.
  const words = eventWords(name);
  const sameWords = words.length > 1 ? list.filter((c) => c !== name && eventWords(c).join() === words.join()) : [];
  if (sameWords.length === 1) return sameWords[0];
  const lower = name.toLowerCase();
  const limit = Math.max(2, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const cand of list) {
    if (cand === name) continue;
    const d = editDistance(lower, cand.toLowerCase());
    if (d < bestDistance) {
      best = cand;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/** The words of an event name without its on/after prefix, lower-case and sorted: `onAppUpdate` → app, update. */
function eventWords(name: string): string[] {
  return name.replace(/^(on|after)(?=[A-Z_])/, '').split(/(?=[A-Z])|_/).filter(Boolean).map((w) => w.toLowerCase()).sort();
}

/** Product to use for an event when none is given: the first product that has it. */
function productFor(event: CatalogueEvent | undefined, product?: string): string {
  if (product) return product;
  return event?.products[0] ?? 'freshworks_crm';
}

const PRODUCT_HOSTS: Record<ProductName, { domain: string; url: string }> = {
  freshworks_crm: { domain: 'sample.myfreshworks.com', url: 'https://sample.myfreshworks.com/crm' },
  freshsales: { domain: 'sample.freshsales.io', url: 'https://sample.freshsales.io' },
};

/**
 * The default payload of an event for a product: a fresh deep copy of schemas/defaults/<product>/<event>.json,
 * or, for events without one (the less documented events, afterAppUpdate, unknown names), a synthesized envelope:
 * account_id, domain, event, region, timestamp, productContext and, for product events, `data` with
 * `actor`, the entity record and `associations` (and `changes` on *Update events).
 */
export function defaultPayload(event: string, product?: string): Record<string, unknown> {
  const e = findEvent(event);
  const p = productFor(e, product);
  const stored = defaultPayloads[`${p}/${event}`]?.();
  if (stored) return JSON.parse(JSON.stringify(stored)) as Record<string, unknown>;
  const host = PRODUCT_HOSTS[p as ProductName] ?? { domain: `sample.${p}.com`, url: `https://sample.${p}.com` };
  const payload: Record<string, unknown> = {
    account_id: '1967183444532229946',
    domain: host.domain,
    event,
    region: 'US',
    timestamp: 1593015490.2012472,
    productContext: { url: host.url, name: p },
  };
  const kind = e?.kind ?? otherProductEvents(p).find((x) => x.name === event)?.kind;
  if (kind && kind !== 'app-setup') {
    const data: Record<string, unknown> = {};
    if (e && kind === 'product') {
      data.actor = { id: 1, name: 'Sample User', email: 'sample@example.com', type: 'user' };
      const entity = e.entity?.[p as ProductName];
      if (entity) data[entity] = { id: 1 };
      data.associations = {};
      if (e.update) data.changes = { model_changes: {}, system_changes: {}, misc_changes: {} };
    }
    payload.data = data;
  }
  return payload;
}

/** The JSON Schema (draft-07) of an event's payload for a product, or undefined for an unknown event/product pair. */
export function payloadSchema(event: string, product?: string): object | undefined {
  const e = findEvent(event);
  return payloadSchemas[`${productFor(e, product)}/${event}`]?.();
}

/** The default payload as the text of a new test_data file, its `event` set. */
export function defaultPayloadText(event: string, product?: string): string {
  const payload = defaultPayload(event, product);
  payload.event = event;
  return JSON.stringify(payload, null, 2) + '\n';
}
