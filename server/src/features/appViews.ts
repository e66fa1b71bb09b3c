// What the client's views ask about an app: its events (the Events view, the quick pick, the panel), an event's
// default payload (Create Test Payload) and the check of a payload that lives only in the panel.
import { defaultPayloadText, defaultProductFor, findEvent, otherProductEvents } from '../core/catalogue';
import { outlineEvents } from '../core/appOutline';
import { otherScope } from '../core/checks';
import { attributePath } from '../core/jsonLocate';
import { payloadSyntaxDiagnostics } from '../core/payloadChecks';
import { validatePayload } from '../core/payloadValidation';
import { AppEventsRequest, DefaultPayloadRequest, ValidatePayloadRequest, type AppSummary } from '../protocol';
import { MANIFEST, pathToUri, type AppState } from '../workspace';
import type { FeatureContext } from './context';

export function registerAppViews({ connection, workspace, guard, locate }: FeatureContext): void {
  connection.onRequest(AppEventsRequest, guard('app events', ({ uri }) => {
    const states = uri ? [locate(uri)?.state].filter((s): s is AppState => !!s) : [...workspace.apps.values()];
    return { apps: states.map((state): AppSummary => {
      const app = state.app();
      const diagnostics = [...state.diagnostics().values()].flat();
      return {
        appDir: state.appDir, manifestUri: pathToUri(state.abs(MANIFEST)), platformVersion: app.platformVersion,
        dialect: app.dialect, scopes: app.scopes, events: outlineEvents(app, diagnostics),
      };
    }) };
  }));

  connection.onRequest(DefaultPayloadRequest, guard('default payload', ({ event, product, scope }) => {
    const chosen = product ?? defaultProductFor(event, scope) ?? 'freshworks_crm';
    if (!findEvent(event) && !otherProductEvents(chosen).some((e) => e.name === event)) return null;
    return { event, product: chosen, text: defaultPayloadText(event, chosen) };
  }));

  connection.onRequest(ValidatePayloadRequest, guard('validate payload', ({ text, event, scope }) => {
    // Another product's payload: only its JSON (we have no documented schema for it), as `fsdev check` does.
    const other = scope && otherScope(scope);
    const product = scope?.kind === 'product' && scope.name === 'freshsales' ? 'freshsales' : 'freshworks_crm';
    const found = other ? payloadSyntaxDiagnostics(text, 'payload.json') : validatePayload(text, 'payload.json', { event, product });
    return found.map((d) => {
      const at = typeof d.data?.path === 'string' ? attributePath(d.data.path) : '';
      return { message: d.message, severity: d.severity, code: d.code, range: d.range, ...(at ? { path: at } : {}) };
    });
  }));
}
