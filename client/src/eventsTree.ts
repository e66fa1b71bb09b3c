// The "Events" view: the app's registered events per product/module (from AppEventsRequest; the server owns
// the model, the client's AppIndex holds its answer), with test-data and last-run status, and a collapsed
// "Available events" group per scope. Populated lazily on first expansion; rebuilt when the app index changes,
// re-rendered after each run (the last-run status).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AppEventItem, AppSummary, RunStatus, SimulateTarget } from '../../server/src/shared/protocol';
import type { AppIndex } from './appIndex';
import { eventContextValue } from './eventItems';
import type { SimulationService } from './simulationService';

type Scope = AppEventItem['scope'];

export type EventsNode =
  | { kind: 'app'; app: AppSummary }
  | { kind: 'scope'; app: AppSummary; scope: Scope }
  | { kind: 'available'; app: AppSummary; scope: Scope }
  | { kind: 'event'; app: AppSummary; item: AppEventItem }
  | { kind: 'message'; text: string; icon?: string };

export function isEventNode(x: unknown): x is Extract<EventsNode, { kind: 'event' }> {
  return typeof x === 'object' && x !== null && (x as EventsNode).kind === 'event' && 'item' in x;
}

export function targetOf(node: Extract<EventsNode, { kind: 'event' }>): SimulateTarget {
  return { appDir: node.app.appDir, event: node.item.event, scope: node.item.scope };
}

const STATUS_ICONS: Record<RunStatus, [string, string]> = {
  success: ['pass', 'testing.iconPassed'],
  failed: ['error', 'testing.iconFailed'],
  crashed: ['error', 'testing.iconFailed'],
  timeout: ['watch', 'testing.iconFailed'],
  'not-runnable': ['circle-slash', 'testing.iconErrored'],
};

export class EventsTreeProvider implements vscode.TreeDataProvider<EventsNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<EventsNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly index: AppIndex, private readonly service: SimulationService) {
    this.disposables.push(
      this.changeEmitter,
      index.onDidChange(() => this.changeEmitter.fire(undefined)),
      service.onDidFinish(() => this.changeEmitter.fire(undefined)),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.changeEmitter.fire(undefined)),
    );
  }

  /** Fetch the apps again (the Refresh button; after Register Event, debounced) and rebuild the view. */
  refresh(debounce = false): void {
    this.index.invalidate(debounce);
  }

  /** The app index's list; also used by the quick pick and commands. */
  getApps(): Promise<AppSummary[]> {
    return this.index.get();
  }

  async getChildren(node?: EventsNode): Promise<EventsNode[]> {
    if (!node) {
      const apps = await this.getApps();
      if (apps.length === 0) {
        return [this.index.unreachable
          ? { kind: 'message', text: 'The language server is not running: see the "Freshsales DevTools" output', icon: 'warning' }
          : { kind: 'message', text: 'No Freshworks app found in this workspace', icon: 'info' }];
      }
      if (apps.length > 1) return apps.map((app) => ({ kind: 'app', app }));
      return this.scopeNodes(apps[0]);
    }
    switch (node.kind) {
      case 'app': return this.scopeNodes(node.app);
      case 'scope': {
        const events = node.app.events.filter((e) => e.registered && sameScope(e.scope, node.scope))
          .map((item): EventsNode => ({ kind: 'event', app: node.app, item }));
        const hasAvailable = node.app.events.some((e) => !e.registered && sameScope(e.scope, node.scope));
        if (events.length === 0) events.push({ kind: 'message', text: 'No events registered', icon: 'circle-outline' });
        return hasAvailable ? [...events, { kind: 'available', app: node.app, scope: node.scope }] : events;
      }
      case 'available':
        return node.app.events.filter((e) => !e.registered && sameScope(e.scope, node.scope))
          .map((item) => ({ kind: 'event', app: node.app, item }));
      default: return [];
    }
  }

  private scopeNodes(app: AppSummary): EventsNode[] {
    const scopes = [...app.scopes];
    for (const e of app.events) if (!scopes.some((s) => sameScope(s, e.scope))) scopes.push(e.scope);
    return scopes.map((scope) => ({ kind: 'scope', app, scope }));
  }

  getTreeItem(node: EventsNode): vscode.TreeItem {
    switch (node.kind) {
      case 'app': {
        const item = new vscode.TreeItem(path.basename(node.app.appDir), vscode.TreeItemCollapsibleState.Expanded);
        item.description = `platform ${node.app.platformVersion ?? '?'}`;
        item.iconPath = new vscode.ThemeIcon('package');
        item.resourceUri = vscode.Uri.parse(node.app.manifestUri);
        item.contextValue = 'freshsalesApp';
        return item;
      }
      case 'scope': {
        const item = new vscode.TreeItem(node.scope.name, vscode.TreeItemCollapsibleState.Expanded);
        const count = node.app.events.filter((e) => e.registered && sameScope(e.scope, node.scope)).length;
        item.description = `${node.scope.kind} · ${count} event${count === 1 ? '' : 's'}`;
        item.iconPath = new vscode.ThemeIcon(node.scope.kind === 'module' ? 'symbol-module' : 'symbol-namespace');
        item.id = `${node.app.appDir}|scope|${node.scope.kind}:${node.scope.name}`;
        item.contextValue = 'freshsalesScope';
        return item;
      }
      case 'available': {
        const item = new vscode.TreeItem('Available events', vscode.TreeItemCollapsibleState.Collapsed);
        item.iconPath = new vscode.ThemeIcon('add');
        item.tooltip = node.app.dialect === '2.0'
          ? 'Valid events not registered yet. In platform 2.0 apps events are registered in server/server.js.'
          : 'Valid events not registered yet: Register adds them to manifest.json.';
        item.id = `${node.app.appDir}|available|${node.scope.kind}:${node.scope.name}`;
        return item;
      }
      case 'event': return this.eventItem(node);
      case 'message': {
        const item = new vscode.TreeItem(node.text);
        if (node.icon) item.iconPath = new vscode.ThemeIcon(node.icon);
        return item;
      }
    }
  }

  private eventItem(node: Extract<EventsNode, { kind: 'event' }>): vscode.TreeItem {
    const { item: ev, app } = node;
    const t = new vscode.TreeItem(ev.event, vscode.TreeItemCollapsibleState.None);
    t.id = `${app.appDir}|${ev.registered ? 'event' : 'avail'}|${ev.scope.kind}:${ev.scope.name}|${ev.event}`;
    const tooltip = new vscode.MarkdownString(`**${ev.event}** (${ev.scope.kind} \`${ev.scope.name}\`)\n\n${ev.description}\n\n`);
    tooltip.appendMarkdown(`- Time limit: ${Math.round(ev.timeLimitMs / 1000)} s\n`);
    if (!ev.registered) {
      t.description = 'not registered';
      t.iconPath = new vscode.ThemeIcon('circle-outline', new vscode.ThemeColor('disabledForeground'));
      t.contextValue = 'freshsalesAvailableEvent';
      t.tooltip = tooltip;
      return t;
    }
    const status = this.service.lastStatus(app.appDir, ev.event, ev.scope);
    const notes: string[] = [];
    if (!ev.handlerDefined) notes.push('handler missing');
    if (!ev.payloadFile) notes.push('default payload');
    t.description = [ev.handler ?? '(no handler)', ...notes].join(' · ');
    tooltip.appendMarkdown(`- Handler: \`${ev.handler ?? '—'}\`${ev.handlerDefined ? '' : ' (not defined in server.js)'}\n`);
    tooltip.appendMarkdown(`- Payload: ${ev.payloadFile ? `\`${ev.payloadFile}\`` : `none yet (would be \`${ev.expectedPayloadFile}\`; the default payload is used)`}\n`);
    if (ev.problems > 0) tooltip.appendMarkdown(`- ${ev.problems} problem${ev.problems === 1 ? '' : 's'} in the manifest\n`);
    if (status) tooltip.appendMarkdown(`- Last run: ${status}\n`);
    t.tooltip = tooltip;
    if (status) {
      const [icon, color] = STATUS_ICONS[status];
      t.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
    } else if (!ev.handlerDefined || ev.problems > 0) {
      t.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
    } else {
      t.iconPath = new vscode.ThemeIcon(ev.payloadFile ? 'symbol-event' : 'circle-large-outline');
    }
    // Context flags drive the inline menus (package.json `view/item/context`, `viewItem =~ /…/`).
    t.contextValue = eventContextValue(ev);
    t.command = { command: 'freshsales.openSimulator', title: 'Open Simulator', arguments: [targetOf(node)] };
    return t;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function sameScope(a: Scope, b: Scope): boolean {
  return a.kind === b.kind && a.name === b.name;
}
