// The quick pick of the app's events (Simulate Event…, Create Test Payload, Register Event…):
// recently used first, then by app and product/module, with handler and last status.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AppEventItem, AppSummary, RunStatus } from '../../server/src/shared/protocol';
import { orderByRecent, recentKey } from './recentEvents';

export interface PickedEvent { app: AppSummary; item: AppEventItem }

interface EventPickItem extends vscode.QuickPickItem { picked_?: PickedEvent }

const STATUS_TEXT: Record<RunStatus, string> = {
  success: '$(pass) passed', failed: '$(error) failed', crashed: '$(error) crashed',
  timeout: '$(watch) timed out', 'not-runnable': '$(circle-slash) not runnable',
};

export interface PickOptions {
  title: string;
  /** true: registered events only; false: only the valid, not yet registered ones. */
  registered: boolean;
  recent?: readonly string[];
  lastStatus?: (appDir: string, event: string, scope: AppEventItem['scope']) => RunStatus | undefined;
}

export async function pickEvent(apps: readonly AppSummary[], opts: PickOptions): Promise<PickedEvent | undefined> {
  const all: PickedEvent[] = apps.flatMap((app) =>
    app.events.filter((item) => item.registered === opts.registered).map((item) => ({ app, item })));
  if (all.length === 0) {
    void vscode.window.showInformationMessage(opts.registered
      ? 'This app registers no events yet. Use "Freshsales: Register Event…" to add one.'
      : 'Every valid event is already registered.');
    return undefined;
  }
  const multiApp = apps.length > 1;
  const multiScope = apps.some((a) => new Set(a.events.map((e) => `${e.scope.kind}:${e.scope.name}`)).size > 1);
  const keyOf = (p: PickedEvent) => recentKey({ appDir: p.app.appDir, event: p.item.event, scope: p.item.scope });
  const recentSet = new Set(opts.recent ?? []);
  const ordered = orderByRecent(all, opts.recent ?? [], keyOf);

  const items: EventPickItem[] = [];
  let lastGroup = '';
  for (const p of ordered) {
    const isRecent = recentSet.has(keyOf(p));
    const group = isRecent ? 'recently used'
      : [multiApp ? path.basename(p.app.appDir) : '', p.item.scope.name].filter(Boolean).join(' · ');
    if (group !== lastGroup) {
      items.push({ label: group, kind: vscode.QuickPickItemKind.Separator });
      lastGroup = group;
    }
    const status = opts.lastStatus?.(p.app.appDir, p.item.event, p.item.scope);
    const where = [multiScope || isRecent ? p.item.scope.name : '', multiApp && isRecent ? path.basename(p.app.appDir) : '']
      .filter(Boolean).join(' · ');
    items.push({
      label: p.item.event,
      description: [p.item.handler ? `→ ${p.item.handler}` : '', where, status ? STATUS_TEXT[status] : ''].filter(Boolean).join('  '),
      detail: p.item.description + (p.item.registered && !p.item.payloadFile ? ' (no test data: default payload)' : ''),
      picked_: p,
    });
  }
  const chosen = await vscode.window.showQuickPick(items, {
    title: opts.title, placeHolder: 'Type an event name', matchOnDescription: true, matchOnDetail: false,
  });
  return chosen?.picked_;
}

/** One app of the workspace: the only one, or the user's pick (undefined when there is none or the pick is dismissed). */
export async function pickApp(apps: AppSummary[], title: string): Promise<AppSummary | undefined> {
  if (apps.length <= 1) return apps[0];
  const picked = await vscode.window.showQuickPick(apps.map((a) => ({ label: path.basename(a.appDir), description: a.appDir, app: a })), { title });
  return picked?.app;
}
