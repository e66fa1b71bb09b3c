const assert = require('assert');

describe('onAppInstall', function () {
  it('completes the installation (renderData without an error)', async function () {
    const answer = await this.invoke('onAppInstall', { domain: 'acme.myfreshworks.com' });
    // As fdk answers renderData() without data: the request's id only.
    assert.deepStrictEqual(Object.keys(answer), ['requestID']);
  });
});
