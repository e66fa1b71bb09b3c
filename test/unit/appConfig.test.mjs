// What a run reads from the app model (core/appConfig.ts) and the limits defined once (core/limits.ts): the same
// model the checks read, built from text alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTs } from '../helpers/loadCore.mjs';

const cfg = await loadTs('server/src/core/appConfig.ts');
const { modelOf } = await loadTs('server/src/core/appSource.ts');
const limits = await loadTs('server/src/core/limits.ts');
const { timeLimitFor, payloadLimitFor, findEvent } = await loadTs('server/src/core/catalogue.ts');
const { PAYLOAD_LIMITS } = await loadTs('server/src/core/payloadValidation.ts');

const model = (manifest, config = []) => modelOf({ manifest: { path: 'manifest.json', text: JSON.stringify(manifest) }, testData: [], config });

test('iparams: defaults and secure names from config/iparams.json; requests.json templates; a file that is not JSON says where', () => {
  const app = model({ 'platform-version': '2.3', product: { freshworks_crm: {} } }, [
    { path: 'config/iparams.json', text: JSON.stringify({ region: { type: 'dropdown', default_value: 'EU' }, key: { type: 'api_key' }, pw: { type: 'text', secure: true, default_value: 'x' } }) },
    { path: 'config/requests.json', text: '{ "createTask": { "schema": { "method": "POST" } } }' },
    { path: 'config/iparam_test_data.json', text: '{\n  "region": "US",\n}' },
  ]);
  assert.deepEqual(cfg.iparamDefaults(app), { region: 'EU', pw: 'x' });
  assert.deepEqual(cfg.secureIparams(app), ['key', 'pw']);
  assert.deepEqual(cfg.requestTemplates(app), { createTask: { schema: { method: 'POST' } } });
  assert.deepEqual(cfg.configValue(app, 'iparam_test_data.json'), { error: 'PropertyNameExpected at line 3, column 1' });
  assert.deepEqual(cfg.configValue(app, 'oauth_config.json'), { missing: true });
  assert.equal(cfg.configObject(app, 'iparam_test_data.json'), undefined);
});

test('manifest values: whitelisted-domains only up to platform 2.2, dependencies as written', () => {
  const deps = { axios: '1.6.0' };
  assert.deepEqual(cfg.whitelistedDomains(model({ 'platform-version': '2.2', product: { freshworks_crm: {} }, 'whitelisted-domains': ['https://a.example'] })), ['https://a.example']);
  assert.deepEqual(cfg.whitelistedDomains(model({ 'platform-version': '2.1', product: { freshworks_crm: {} } })), []);
  assert.equal(cfg.whitelistedDomains(model({ 'platform-version': '2.3', product: { freshworks_crm: {} }, 'whitelisted-domains': ['https://a.example'] })), undefined);
  assert.deepEqual(cfg.manifestValue(model({ 'platform-version': '2.3', product: { freshworks_crm: {} }, dependencies: deps }), 'dependencies'), deps);
});

test('limits: one definition, which the catalogue and the payload checks read', () => {
  assert.deepEqual(PAYLOAD_LIMITS, limits.PAYLOAD_LIMITS);
  assert.deepEqual(limits.PAYLOAD_LIMITS, { product: 256 * 1024, external: 100 * 1024, scheduledData: 4 * 1024 });
  assert.equal(limits.timeLimitOf(undefined), 20000);
  assert.equal(limits.timeLimitOf({ kind: 'app-setup' }), 10000, 'another product\'s set-up event: 10 s, as planning always gave it');
  assert.equal(timeLimitFor('onAppInstall'), 10000);
  assert.equal(timeLimitFor('onDealCreate'), findEvent('onDealCreate').timeLimitMs ?? 20000);
  assert.equal(limits.payloadLimitOf('external'), 100 * 1024);
  assert.equal(payloadLimitFor('onDealCreate'), 256 * 1024);
});
