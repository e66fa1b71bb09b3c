// The one list of the workspace's apps on the client side (the server's AppEventsRequest answer), read by the
// Events view, the simulator panel, the Testing view, the quick picks and the commands. Fetched on first need
// and again after the server says an app changed (AppChangedNotification, sent after each re-check of an app's
// manifest, server.js or test data, unsaved edits included), or on an explicit refresh; `onDidChange` tells the
// readers to read it again.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { AppChangedNotification, AppEventsRequest, type AppSummary } from '../../server/src/shared/protocol';

/** A save can touch manifest, server.js and test_data at once: one change for them all. */
const DEBOUNCE_MS = 150;

export class AppIndex implements vscode.Disposable {
  private apps?: Promise<AppSummary[]>;
  private failed = false;
  private timer?: ReturnType<typeof setTimeout>;
  private readonly emitter = new vscode.EventEmitter<void>();
  /** The apps may have changed: read them again with get(). */
  readonly onDidChange = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter];

  constructor(private readonly client: LanguageClient, private readonly ready: Promise<void>) {
    this.disposables.push(client.onNotification(AppChangedNotification, () => this.invalidate(true)));
  }

  /** The apps as last fetched (fetching if needed); [] when the server does not answer (see `unreachable`). */
  get(): Promise<AppSummary[]> {
    this.apps ??= this.ready
      .then(() => this.client.sendRequest(AppEventsRequest, {}))
      .then((r) => { this.failed = false; return r.apps; }, () => { this.failed = true; return []; });
    return this.apps;
  }

  /** The last fetch failed: the language server did not answer. */
  get unreachable(): boolean {
    return this.failed;
  }

  /** Forget the list and tell the readers (debounced: after AppChangedNotification, and after Register Event). */
  invalidate(debounce = false): void {
    clearTimeout(this.timer);
    const fire = () => { this.apps = undefined; this.emitter.fire(); };
    if (debounce) this.timer = setTimeout(fire, DEBOUNCE_MS);
    else fire();
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
