// Tests for `fsdev test` (and `fdk test`): mocha's describe/it, this.invoke to run a handler in the sandbox,
// this.stub for the platform APIs. Node's assert keeps the example free of npm dependencies.
const assert = require('assert');

function contact(owner) {
  return {
    data: {
      contact: { id: 7, first_name: { label: 'First name', type: 'text', value: 'Ada' } },
      associations: owner ? { owner: owner } : {}
    }
  };
}

describe('onContactCreate', function () {
  beforeEach(function () {
    this.dbGet = this.stub('$db', 'get');
    this.dbSet = this.stub('$db', 'set').resolves({ Created: true });
  });

  it('starts the count of a new owner at 1', async function () {
    this.dbGet.rejects({ status: 404, message: 'Record not found' });
    const result = await this.invoke('onContactCreate', contact({ id: 1437, name: 'John Doe' }));
    assert.deepStrictEqual(result, { counted: true, owner: 'John Doe', count: 1 });
    assert.ok(this.dbSet.calledOnceWith('contacts-of-1437', { count: 1 }));
  });

  it('adds to the count an owner already has', async function () {
    this.dbGet.withArgs('contacts-of-9').resolves({ count: 41 });
    const result = await this.invoke('onContactCreate', contact({ id: 9, name: 'Grace' }));
    assert.strictEqual(result.count, 42);
    assert.deepStrictEqual(this.dbSet.firstCall.args, ['contacts-of-9', { count: 42 }]);
  });

  it('counts nothing for a contact without an owner', async function () {
    const result = await this.invoke('onContactCreate', contact(null));
    assert.deepStrictEqual(result, { counted: false });
    assert.strictEqual(this.dbSet.called, false);
  });
});
