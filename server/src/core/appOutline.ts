// What the client's views show of an app: every registration and every event that could be registered
// (sidebar, quick pick, panel), and the Simulate / Debug lenses above callbacks and on payload files.
import { eventsFor, findEvent } from './catalogue';
import { findCallback, SERVER_SCRIPT, type App } from './appModel';
import { classifyTestData, expectedTestDataPath, testDataFor } from './testDataLayout';
import type { Diagnostic, Range, Scope } from './types';

/** One event of the app as the client's views list it (sent as is in the appEvents answer). */
export interface AppEventItem {
  event: string;
  /** `freshworks_crm` / `freshsales` (2.x) or a 3.0 module name. */
  scope: Scope;
  registered: boolean;
  handler?: string;
  /** The handler exists in server.js in a form the platform sees. */
  handlerDefined: boolean;
  /** Where the handler is defined (file relative to the app, 0-based lines); endLine: its last line. */
  handlerLocation?: { file: string; line: number; character: number; endLine: number };
  /** Test payload path relative to the app, when one exists on disk. */
  payloadFile?: string;
  /** The path the dialect's layout expects for this event's payload. */
  expectedPayloadFile: string;
  description: string;
  kind: 'product' | 'app-setup' | 'external' | 'scheduled';
  timeLimitMs: number;
  /** Number of problems (errors) attached to this registration. */
  problems: number;
}

export function outlineEvents(app: App, diagnostics: Diagnostic[]): AppEventItem[] {
  const items: AppEventItem[] = [];
  for (const reg of app.registrations) {
    const def = findEvent(reg.event);
    const callback = reg.handler !== undefined ? findCallback(app, reg.handler) : undefined;
    const problems = diagnostics.filter((d) => d.severity === 'error' && d.file === reg.file
      && d.range.start.line >= reg.entryRange.start.line && d.range.end.line <= reg.entryRange.end.line).length;
    items.push({
      event: reg.event, scope: reg.scope, registered: true, handler: reg.handler,
      handlerDefined: !!callback?.visibleToPlatform,
      handlerLocation: callback ? { file: SERVER_SCRIPT, line: callback.nameRange.start.line, character: callback.nameRange.start.character, endLine: callback.range.end.line } : undefined,
      payloadFile: testDataFor(app, reg.event, reg.scope)?.path, expectedPayloadFile: expectedTestDataPath(app, reg.event, reg.scope),
      description: def?.description ?? 'Not a Freshsales event.', kind: def?.kind ?? 'product', timeLimitMs: def?.timeLimitMs ?? 20000, problems,
    });
  }
  for (const scope of app.scopes) {
    for (const e of eventsFor(scope)) {
      if (app.registrations.some((r) => r.event === e.name && r.scope.name === scope.name)) continue;
      items.push({
        event: e.name, scope, registered: false, handlerDefined: false,
        payloadFile: testDataFor(app, e.name, scope)?.path, expectedPayloadFile: expectedTestDataPath(app, e.name, scope),
        description: e.description, kind: e.kind, timeLimitMs: e.timeLimitMs, problems: 0,
      });
    }
  }
  return items;
}

export interface LensTarget { range: Range; event: string; scope?: Scope; label: string }

/** One lens per event above each callback that a registered event maps to. */
export function callbackLenses(app: App): LensTarget[] {
  const out: LensTarget[] = [];
  const omni = app.scopes.length > 1;
  for (const reg of app.registrations) {
    const callback = reg.handler !== undefined ? findCallback(app, reg.handler) : undefined;
    if (!callback) continue;
    out.push({ range: callback.nameRange, event: reg.event, scope: reg.scope, label: omni ? `${reg.event} (${reg.scope.name})` : reg.event });
  }
  return out;
}

/** The event (and scope) a payload file simulates, from its place in test_data. */
export function payloadLensTarget(app: App, path: string): { event: string; scope?: Scope } | undefined {
  const file = classifyTestData(app, [path])[0];
  if (!file || !findEvent(file.event)) return undefined;
  const scope = file.scope ?? app.registrations.find((r) => r.event === file.event)?.scope ?? app.scopes[0];
  return { event: file.event, scope };
}
