// The handler child's network switch for `fsdev fuzz` (RunPlan.blockNetwork): no request leaves the machine,
// whoever makes it — the handler, `$request` without a stub, or an npm package of the app calling Node's APIs
// itself (http.request, https.get, fetch, net.connect, tls.connect, a UDP socket, a DNS query).
//
// Node 20's permission model has no network switch, so the block is made in the child, in its one real realm
// where packages run: the few methods every outgoing connection goes through are replaced by ones that throw
// a clear error (`net.Socket.prototype.connect` carries net, tls, http, https, http2 and fetch; `dgram` sockets;
// the `dns` functions that send a query; `net.Server.prototype.listen`). They are made read-only and
// unconfigurable, and the confined child cannot reach Node's bindings beneath (`process.binding` is refused). It holds for the rest of the child's life: a child serves one run,
// or, in a fuzz, only the fuzz's runs. It blocks Node's APIs, not the system calls beneath them: a native addon
// could go round it, and native addons are refused by the permission model (not when the child is unconfined).
import * as dgram from 'node:dgram';
import * as net from 'node:net';

// The module objects themselves (a bundler's `import * as` is a copy: replacing a function there changes nothing).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dns = require('node:dns') as typeof import('node:dns');

export const NETWORK_BLOCKED_CODE = 'ERR_FSDEV_NETWORK_BLOCKED';

/** The error a blocked call throws: what was tried, why it is refused, where requests should come from. */
export function networkBlockedError(what: string): Error {
  const e = new Error(`Network access is blocked while fuzzing: ${what} was refused. fsdev fuzz runs offline so that no `
    + 'request leaves the machine; give $request calls stubs in server/test_data/requests.stub.json, and do not call '
    + 'the network from packages directly during a fuzz.');
  (e as { code?: string }).code = NETWORK_BLOCKED_CODE;
  return e;
}

/** Where a connect() call was going, for the message (its arguments are Node's many forms). */
function target(args: unknown[]): string {
  let a = args[0];
  if (Array.isArray(a)) a = a[0]; // net's internal normalized form: [options, callback]
  if (a !== null && typeof a === 'object') {
    const o = a as { path?: unknown; host?: unknown; port?: unknown };
    if (typeof o.path === 'string') return `a connection to the socket ${o.path}`;
    return `a connection to ${typeof o.host === 'string' ? o.host : 'localhost'}:${String(o.port ?? '?')}`;
  }
  if (typeof a === 'string' && !/^\d+$/.test(a)) return `a connection to the socket ${a}`;
  return `a connection to ${typeof args[1] === 'string' ? args[1] : 'localhost'}:${String(a ?? '?')}`;
}

let blocked = false;
/** The first refusal since the last `takeRefusal()`: a package that catches it (axios logs and goes on) still fails the run. */
let refusal: Error | undefined;

/** The first network call refused since the last call, if any (the child asks at the end of each run). */
export function takeRefusal(): Error | undefined {
  const r = refusal;
  refusal = undefined;
  return r;
}

/** Replace the network entry points of this process with ones that throw (idempotent). */
export function blockNetwork(): void {
  if (blocked) return;
  blocked = true;
  const refuse = (what: string) => {
    const e = networkBlockedError(what);
    refusal ??= e;
    throw e;
  };
  // The socket is destroyed before the throw: its handle would otherwise stay open, and the run would wait for it
  // (the child waits for what the handler left open) until the event's time limit.
  Object.defineProperty(net.Socket.prototype, 'connect', {
    value: function connect(this: net.Socket, ...args: unknown[]) { this.destroy(); return refuse(target(args)); }, writable: false, configurable: false,
  });
  // Listening is not leaving, but a fuzz has no business opening a port either.
  Object.defineProperty(net.Server.prototype, 'listen', {
    value: function listen() { return refuse('a listening socket (server.listen)'); }, writable: false, configurable: false,
  });
  for (const m of ['send', 'connect', 'bind'] as const) {
    Object.defineProperty(dgram.Socket.prototype, m, {
      value: function udp(this: dgram.Socket) { try { this.close(); } catch { /* not bound yet, or closed */ } return refuse(`a UDP socket's ${m}()`); }, writable: false, configurable: false,
    });
  }
  const dnsQuery = /^(lookup|lookupService|resolve\w*|reverse)$/;
  const targets: object[] = [dns, dns.promises, dns.Resolver.prototype, dns.promises.Resolver.prototype];
  for (const o of targets) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (!dnsQuery.test(name) || typeof (o as Record<string, unknown>)[name] !== 'function') continue;
      const value = function query(host?: unknown) { return refuse(`a DNS query (dns.${name} of ${String(host)})`); };
      try { Object.defineProperty(o, name, { value, writable: false, configurable: false }); } catch { /* not configurable */ }
    }
  }
}
