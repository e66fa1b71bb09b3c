// The text of a first test for an event ("Create test"): this.invoke with the event's test payload and a
// stub on the platform API the handler calls, in the style of the app's other tests (chai's expect when they
// use chai, node's assert otherwise). Pure.

export interface FirstTestInput {
  event: string;
  kind: 'product' | 'app-setup' | 'external' | 'scheduled';
  /** The handler's source text, to see which platform API it calls. */
  handlerText?: string;
  /** The app's tests already use chai (and chai-as-promised). */
  chai: boolean;
  /** The test payload, relative to test/ (`../server/test_data/onX.json`), when one exists. */
  payloadRequire?: string;
  /** The product or module to pass to this.invoke (omni and 3.0 apps). */
  scope?: string;
}

export function firstTestText(t: FirstTestInput): string {
  const h = t.handlerText ?? '';
  const stub = /\$request\s*\.\s*invokeTemplate/.test(h) ? { api: '$request', method: 'invokeTemplate', name: 'request', resolves: "{ status: 200, response: '{}' }" }
    : /\$request\s*\.\s*(get|post|put|patch|delete)\b/.exec(h) ? { api: '$request', method: /\$request\s*\.\s*(get|post|put|patch|delete)\b/.exec(h)![1], name: 'request', resolves: "{ status: 200, response: '{}' }" }
      : /\$schedule\s*\.\s*create/.test(h) ? { api: '$schedule', method: 'create', name: 'schedule', resolves: '{ message: \'Schedule created\' }' }
        : { api: '$db', method: 'set', name: 'dbSet', resolves: '{ Created: true }' };
  // Assert on the stub only when the handler visibly calls that API: a first test should pass as written.
  const called = new RegExp(`\\${stub.api}\\s*\\.\\s*${stub.method}\\b`).test(h);
  const payload = t.payloadRequire ? `require('${t.payloadRequire}')` : '{ data: {} }';
  const invoke = `this.invoke('${t.event}', payload${t.scope ? `, '${t.scope}'` : ''})`;
  const check = !called ? '    // Assert on what the handler did, e.g. this.' + stub.name + '.calledWith(...)'
    : t.chai ? `    expect(this.${stub.name}.called).to.equal(true);`
      : `    assert.ok(this.${stub.name}.called, '${stub.api}.${stub.method} was called');`;
  const head = t.chai
    ? "const chai = require('chai');\nconst expect = chai.expect;\n"
    : "const assert = require('assert');\n";
  const what = t.kind === 'app-setup' ? 'completes (renderData without an error)' : 'handles its test payload';
  return `${head}
describe('${t.event}', function () {
  beforeEach(function () {
    this.${stub.name} = this.stub('${stub.api}', '${stub.method}').resolves(${stub.resolves});
  });

  afterEach(function () {
    this.${stub.name}.restore();
  });

  it('${what}', async function () {
    const payload = ${payload};
    await ${invoke};
${check}
  });
});
`;
}
