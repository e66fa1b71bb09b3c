// Completion, hover and go-to-definition in manifest.json, server/server.js and the test payloads: the core's
// answers (manifestAssist, schemaAssist, requestTemplatesAssist, iparamsAssist) on the workspace's view of the app.
import { payloadSchema } from '../core/catalogue';
import { SERVER_SCRIPT } from '../core/appModel';
import { definitionAt, manifestCompletions, registrationHover, scriptEventsArrayCompletions } from '../core/manifestAssist';
import { otherProductOfPayload, productOf } from '../core/payloadChecks';
import { schemaCompletions, schemaHover } from '../core/schemaAssist';
import { templateCompletions, templateDefinition, templateHover } from '../core/requestTemplatesAssist';
import { CONFIG_DIR } from '../core/configFiles';
import { iparamTypeHover } from '../core/iparamsAssist';
import iparamsSchema from '../../../schemas/iparams.schema.json';
import type { SchemaNode } from '../core/schemaNavigation';
import { classifyTestData, TEST_DATA_DIR } from '../core/testDataLayout';
import { offsetAt } from '../core/textPositions';
import manifestSchema from '../../../schemas/manifest.schema.json';
import { MANIFEST, pathToUri, type AppState } from '../workspace';
import type { FeatureContext } from './context';

const IPARAMS_JSON = `${CONFIG_DIR}/iparams.json`;

export function registerAssist({ connection, guard, locateLive }: FeatureContext): void {
  connection.onCompletion(guard('completion', ({ textDocument, position }) => {
    const at = locateLive(textDocument.uri);
    if (!at) return [];
    const app = at.state.app();
    const templates = templateCompletions(app, at.rel, position); // request templates: invokeTemplate names, config/requests.json
    if (templates) return templates;
    if (at.rel === IPARAMS_JSON) {
      const text = at.state.safeText(at.rel);
      return text === undefined ? [] : schemaCompletions(text, offsetAt(text, position), iparamsSchema as SchemaNode);
    }
    if (at.rel === MANIFEST) {
      const offset = offsetAt(app.files.manifest.text, position);
      const items = manifestCompletions(app, offset);
      return items.length ? items : schemaCompletions(app.files.manifest.text, offset, manifestSchema as SchemaNode);
    }
    if (at.rel === SERVER_SCRIPT) return app.files.serverScript ? scriptEventsArrayCompletions(app, offsetAt(app.files.serverScript.text, position)) : [];
    const payload = payloadContext(at.state, at.rel);
    const text = at.state.safeText(at.rel);
    return payload && text !== undefined ? schemaCompletions(text, offsetAt(text, position), payloadSchema(payload.event, payload.product) as SchemaNode) : [];
  }));

  connection.onHover(guard('hover', ({ textDocument, position }) => {
    const at = locateLive(textDocument.uri);
    if (!at) return null;
    const template = templateHover(at.state.app(), at.rel, position);
    if (template) return template;
    if (at.rel === IPARAMS_JSON) {
      const text = at.state.safeText(at.rel);
      const offset = text === undefined ? 0 : offsetAt(text, position);
      return text === undefined ? null : iparamTypeHover(text, offset) ?? schemaHover(text, offset, iparamsSchema as SchemaNode, 'iparams.json');
    }
    if (at.rel === SERVER_SCRIPT) return registrationHover(at.state.app(), at.rel, position.line, position.character);
    if (at.rel === MANIFEST) {
      const app = at.state.app();
      return registrationHover(app, at.rel, position.line, position.character)
        ?? schemaHover(app.files.manifest.text, offsetAt(app.files.manifest.text, position), manifestSchema as SchemaNode, 'manifest.json');
    }
    const payload = payloadContext(at.state, at.rel);
    const text = at.state.safeText(at.rel);
    return payload && text !== undefined ? schemaHover(text, offsetAt(text, position), payloadSchema(payload.event, payload.product) as SchemaNode, payload.event) : null;
  }));

  connection.onDefinition(guard('definition', ({ textDocument, position }) => {
    const at = locateLive(textDocument.uri);
    const target = at && (templateDefinition(at.state.app(), at.rel, position) ?? definitionAt(at.state.app(), at.rel, position));
    return target ? { uri: pathToUri(at.state.abs(target.file)), range: target.range } : null;
  }));
}

function payloadContext(state: AppState, rel: string) {
  if (!rel.startsWith(TEST_DATA_DIR + '/')) return undefined;
  const app = state.app();
  const file = classifyTestData(app, [rel])[0];
  // Another product's payload has no schema here: no Freshsales completion or hover in it.
  if (!file || otherProductOfPayload(app, file.scope ?? app.registrations.find((r) => r.event === file.event)?.scope)) return undefined;
  return { event: file.event, product: productOf(app, file.scope) };
}
