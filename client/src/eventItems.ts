// Pure helpers over the server's event list (no vscode, unit-tested): the Events tree's context value, which the
// menus of package.json match (`viewItem =~ /…/`), and the events a handler of server.js serves.
import type { AppEventItem, AppSummary } from '../../server/src/shared/protocol';

/** `freshsalesEvent;payload|noPayload;handler|noHandler`: one flag per `;`, so a menu matches `;payload(;|$)`. */
export function eventContextValue(ev: Pick<AppEventItem, 'payloadFile' | 'handlerLocation'>): string {
  return ['freshsalesEvent', ev.payloadFile ? 'payload' : 'noPayload', ev.handlerLocation ? 'handler' : 'noHandler'].join(';');
}

/** The registered events whose handler spans `line` (0-based) of server.js: several when events share one handler. */
export function eventsAtLine(app: AppSummary, line: number): AppEventItem[] {
  return app.events.filter((e) => e.registered && e.handlerLocation
    && line >= e.handlerLocation.line && line <= e.handlerLocation.endLine);
}
