const assert = require('assert');

function deal(event, fields, changes) {
  return { event: event, data: { deal: Object.assign({ id: 55 }, fields), changes: changes ? { model_changes: changes } : undefined } };
}

describe('onDealCreate / onDealUpdate', function () {
  beforeEach(function () {
    this.slack = this.stub('$request', 'invokeTemplate').resolves({ status: 200, response: 'ok' });
  });

  function posted(stub) {
    assert.ok(stub.calledOnce, 'one request to Slack');
    assert.strictEqual(stub.firstCall.args[0], 'notifySlack');
    return JSON.parse(stub.firstCall.args[1].body).text;
  }

  it('posts a new deal with its name and amount', async function () {
    const result = await this.invoke('onDealCreate',
      deal('onDealCreate', { name: { value: 'Big one' }, amount: { value: '1000.0' } }));
    assert.deepStrictEqual(result, { posted: true });
    assert.strictEqual(posted(this.slack), 'New deal: Big one (1000.0)');
  });

  it('names a deal without a name by its id', async function () {
    await this.invoke('onDealCreate', deal('onDealCreate', { amount: 5 }));
    assert.strictEqual(posted(this.slack), 'New deal: Deal 55 (5)');
  });

  it('posts an amount change', async function () {
    await this.invoke('onDealUpdate', deal('onDealUpdate', { name: { value: 'Renewal' } }, { amount: [100, 150] }));
    assert.strictEqual(posted(this.slack), 'Deal Renewal: amount 100 → 150');
  });

  it('stays quiet when the amount did not change', async function () {
    const result = await this.invoke('onDealUpdate', deal('onDealUpdate', { name: { value: 'Renewal' } }, { stage: [1, 2] }));
    assert.deepStrictEqual(result, { posted: false });
    assert.strictEqual(this.slack.called, false);
  });

  it('fails when Slack refuses the message', async function () {
    this.slack.rejects({ status: 403, message: 'invalid_token' });
    await assert.rejects(this.invoke('onDealCreate', deal('onDealCreate', { name: { value: 'X' } })), { status: 403 });
  });
});
