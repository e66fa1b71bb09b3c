// What every feature module of the language server gets: the connection, the open documents, the workspace's
// view of the apps, and `guard`, through which each one registers its handlers (as vscode-stylelint registers
// one module per feature). Before `initialize`, a guarded request is answered with error -32002 and a guarded
// notification dropped (LSP); a handler that throws (or rejects) answers with an error and is logged: it costs
// one answer, never the server.
import {
  DiagnosticSeverity, ErrorCodes, ResponseError, type Connection, type Diagnostic as LspDiagnostic, type TextDocuments,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic } from '../core/types';
import { uriToPath, type AppState, type AppWorkspace } from '../workspace';

export interface Guard {
  /** A request handler: its throw or rejection becomes an error answer (the message kept), logged with its stack. */
  <P, R>(name: string, fn: (p: P) => R): (p: P) => R;
  /** A notification (or timer) handler: its throw or rejection is logged. */
  notification<P>(name: string, fn: (p: P) => void | Promise<void>): (p: P) => void;
}

export interface Located { state: AppState; rel: string; abs: string }

export interface FeatureContext {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  workspace: AppWorkspace;
  guard: Guard;
  /** The app and the app-relative path of a document, when it belongs to a Freshworks app. */
  locate(uri: string): Located | undefined;
  /** locate, for the features a file too large to analyse as it is typed (or any file of an app whose manifest is) goes without. */
  locateLive(uri: string): Located | undefined;
}

export function createGuard(connection: Connection, initialized: () => boolean): Guard {
  const log = (name: string, e: unknown) => connection.console.error(`${name} failed: ${e instanceof Error ? e.stack : String(e)}`);
  const answer = (name: string, e: unknown) => {
    log(name, e);
    return new ResponseError(ErrorCodes.InternalError, e instanceof Error ? e.message : String(e));
  };
  const guard = (<P, R>(name: string, fn: (p: P) => R) => (p: P): R => {
    if (!initialized()) return new ResponseError(ErrorCodes.ServerNotInitialized, 'The server is not initialized yet: send "initialize" first.') as R;
    try {
      const out = fn(p);
      return (out instanceof Promise ? out.catch((e: unknown) => answer(name, e)) : out) as R;
    } catch (e) {
      return answer(name, e) as R;
    }
  }) as Guard;
  guard.notification = <P>(name: string, fn: (p: P) => void | Promise<void>) => (p: P): void => {
    if (!initialized()) return;
    try {
      const out = fn(p);
      if (out instanceof Promise) out.catch((e: unknown) => log(name, e));
    } catch (e) {
      log(name, e);
    }
  };
  return guard;
}

export function locator(workspace: AppWorkspace): Pick<FeatureContext, 'locate' | 'locateLive'> {
  const locate = (uri: string): Located | undefined => {
    const abs = uriToPath(uri);
    const state = abs ? workspace.appOf(abs) : undefined;
    return state && abs ? { state, rel: state.rel(abs), abs } : undefined;
  };
  const locateLive = (uri: string) => {
    const at = locate(uri);
    return at && !at.state.limited(at.rel) ? at : undefined;
  };
  return { locate, locateLive };
}

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, information: DiagnosticSeverity.Information, hint: DiagnosticSeverity.Hint };

export function toLsp(d: Diagnostic): LspDiagnostic {
  return { range: d.range, severity: SEVERITY[d.severity], code: d.code, source: 'freshsales', message: d.message, data: d.data };
}
