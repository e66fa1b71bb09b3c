const assert = require('assert');

describe('onAppInstall', function () {
  it('completes the installation (renderData without an error)', async function () {
    const answer = await this.invoke('onAppInstall', { domain: 'acme.myfreshworks.com' });
    assert.strictEqual(answer, undefined);
  });
});
