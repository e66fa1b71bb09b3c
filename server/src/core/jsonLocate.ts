// Where values sit in a JSON text, found without building a tree of the document. A schema error names a
// value by its JSON pointer (ajv's instancePath); placing a few such errors in a 250 KB payload with a full
// jsonc-parser tree cost ~4x the JSON.parse and most of the garbage. Here one pass over the text descends
// only into the members on the way to the wanted values and skips everything else as raw characters, and
// stops as soon as every wanted value is found and no later duplicate key can replace one of them.
// Only for text that JSON.parse accepted (a leading BOM aside): the scanner does not recover from errors.

/** Where one value is: its own span, and the span of its key (with quotes) when it is an object member. */
export interface JsonSpan {
  offset: number;
  end: number;
  key?: { offset: number; end: number };
  /** Spans of the object's members by key, filled only for the values asked for with `withKeys`. */
  keys?: Map<string, { offset: number; end: number }>;
}

interface Want { children: Map<string, Want>; span?: JsonSpan; withKeys: boolean }

/** Splits an ajv instancePath ("/data/contact/0") into the member names and indices it walks. */
export function pointerSegments(pointer: string): string[] {
  return pointer ? pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')) : [];
}

/** A JSON pointer as people write an attribute: "/data/contacts/0/is_active" → "data.contacts[0].is_active". */
export function attributePath(pointer: string): string {
  return pointerSegments(pointer).reduce((out, s) => (/^\d+$/.test(s) ? `${out}[${s}]`
    : /^[A-Za-z_$][\w$]*$/.test(s) ? (out ? `${out}.${s}` : s) : `${out}[${JSON.stringify(s)}]`), '');
}

/**
 * The spans of the values at the given JSON pointers ('' is the document), as a map from pointer to span;
 * pointers that lead nowhere are absent. A duplicate key resolves to its last occurrence, as in JSON.parse.
 * Pointers in `withKeys` also get the key spans of their members (to point at one member's key).
 */
export function locateAll(text: string, pointers: Iterable<string>, withKeys: Iterable<string> = []): Map<string, JsonSpan> {
  const root: Want = { children: new Map(), withKeys: false };
  const all = new Map<string, Want>();
  const want = (pointer: string) => {
    let node = root;
    for (const seg of pointerSegments(pointer)) {
      let next = node.children.get(seg);
      if (!next) node.children.set(seg, next = { children: new Map(), withKeys: false });
      node = next;
    }
    all.set(pointer, node);
    return node;
  };
  for (const p of pointers) want(p);
  for (const p of withKeys) want(p).withKeys = true;
  const start = skipWs(text, text.charCodeAt(0) === 0xfeff ? 1 : 0);
  // A key can be spelt another way only with \u or \/ escapes: without them, a later duplicate is found by its text.
  const scan: Scan = { text, wanted: [...all.values()], open: [], canStop: !hasKeyEscapes(text) };
  try { visit(scan, start, root); } catch (e) { if (e !== ALL_FOUND) throw e; }
  const out = new Map<string, JsonSpan>();
  for (const [p, node] of all) if (node.span) out.set(p, node.span);
  return out;
}

interface Scan {
  text: string;
  wanted: Want[];
  /** The objects being scanned, outermost first: a later duplicate of one of their wanted keys would win. */
  open: Want[];
  canStop: boolean;
}

/** Thrown to end the scan early: everything wanted has its span and nothing later can change one. */
const ALL_FOUND = Symbol('all found');

function stopIfAllFound(scan: Scan, i: number): void {
  if (!scan.canStop || !scan.wanted.every((w) => w.span)) return;
  // Innermost first: its keys are the likeliest to come again (every custom field has a "label").
  for (let k = scan.open.length - 1; k >= 0; k--) {
    for (const name of scan.open[k].children.keys()) if (occursAfter(scan.text, JSON.stringify(name), i)) return;
  }
  throw ALL_FOUND;
}

/** Whether `quoted` (a JSON string) occurs at or after `i`. Searched without its opening quote, the commonest
 *  character of a JSON text, which would make the search stop everywhere. */
function occursAfter(text: string, quoted: string, i: number): boolean {
  const rest = quoted.slice(1);
  for (let at = text.indexOf(rest, i); at >= 0; at = text.indexOf(rest, at + 1)) if (text.charCodeAt(at - 1) === 0x22) return true;
  return false;
}

/** Whether a `\u` or `\/` escape occurs anywhere (found from backslash to backslash: two-character searches are slow). */
function hasKeyEscapes(text: string): boolean {
  for (let at = text.indexOf('\\'); at >= 0; at = text.indexOf('\\', at + 2)) {
    const next = text.charCodeAt(at + 1);
    if (next === 0x75 /* u */ || next === 0x2f /* / */) return true;
  }
  return false;
}

function clear(w: Want): void {
  w.span = undefined;
  for (const c of w.children.values()) clear(c);
}

/** Visits the value at `i` for `w`; returns the offset after it (or throws ALL_FOUND). */
function visit(scan: Scan, i: number, w: Want, key?: { offset: number; end: number }): number {
  const { text } = scan;
  if (!w.children.size && !w.withKeys) {
    const end = skipValue(text, i);
    w.span = { offset: i, end, key };
    return end;
  }
  const c = text.charCodeAt(i);
  const span: JsonSpan = { offset: i, end: i, key };
  if (c === 0x7b /* { */) {
    if (w.withKeys) span.keys = new Map();
    scan.open.push(w);
    i = skipWs(text, i + 1);
    while (text.charCodeAt(i) === 0x22 /* " */) {
      const keyStart = i;
      i = skipString(text, i);
      const keySpan = { offset: keyStart, end: i };
      const name = memberName(text, keyStart, i);
      i = skipWs(text, skipWs(text, i) + 1); // past the colon
      span.keys?.set(name, keySpan);
      const child = w.children.get(name);
      if (child) {
        clear(child);
        i = visit(scan, i, child, keySpan);
        stopIfAllFound(scan, i);
      } else i = skipValue(text, i);
      i = skipWs(text, i);
      if (text.charCodeAt(i) === 0x2c /* , */) i = skipWs(text, i + 1);
    }
    scan.open.pop();
    span.end = i + 1; // the closing brace
  } else if (c === 0x5b /* [ */) {
    i = skipWs(text, i + 1);
    for (let index = 0; text.charCodeAt(i) !== 0x5d /* ] */ && i < text.length; index++) {
      const child = w.children.get(String(index));
      i = child ? visit(scan, i, child) : skipValue(text, i);
      i = skipWs(text, i);
      if (text.charCodeAt(i) === 0x2c) i = skipWs(text, i + 1);
    }
    span.end = i + 1;
  } else {
    span.end = skipValue(text, i);
  }
  w.span = span;
  return span.end;
}

function memberName(text: string, start: number, end: number): string {
  const raw = text.slice(start + 1, end - 1);
  return raw.includes('\\') ? JSON.parse(text.slice(start, end)) as string : raw;
}

function skipWs(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
    else return i;
  }
}

/** Offset after the string starting at `i` (on its opening quote). */
function skipString(text: string, i: number): number {
  for (;;) {
    const q = text.indexOf('"', i + 1);
    if (q < 0) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(q - 1 - backslashes) === 0x5c) backslashes++;
    i = q;
    if (backslashes % 2 === 0) return q + 1;
  }
}

/** Offset after the value starting at `i`. */
function skipValue(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === 0x22) return skipString(text, i);
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    for (; i < text.length; i++) {
      const d = text.charCodeAt(i);
      if (d === 0x22) i = skipString(text, i) - 1;
      else if (d === 0x7b || d === 0x5b) depth++;
      else if ((d === 0x7d || d === 0x5d) && --depth === 0) return i + 1;
    }
    return i;
  }
  // number, true, false, null
  while (i < text.length) {
    const d = text.charCodeAt(i);
    if (d === 0x2c || d === 0x7d || d === 0x5d || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09) break;
    i++;
  }
  return i;
}
