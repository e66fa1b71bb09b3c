// Registers the `freshsales.*` commands. Target-taking commands accept a SimulateTarget (CodeLens, panel),
// an Events tree node (inline actions), or nothing (palette: a quick pick asks).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CreateTestCommand, DebugCommand, ResetCoverageRequest, SimulateCommand, type AppSummary, type SimulateTarget } from '../../server/src/shared/protocol';
import { createTest, createTestPayload, registerEvent } from './editCommands';
import { targetForFile } from './editorTargets';
import { pickApp, pickEvent, type PickedEvent } from './eventPicker';
import { isEventNode, targetOf, type EventsTreeProvider } from './eventsTree';
import { resetLocalState } from './resetState';
import { ensureTrusted, type SimulationService } from './simulationService';
import { SimulatorPanel } from './simulatorPanel';

export interface CommandDeps {
  context: vscode.ExtensionContext;
  client: LanguageClient;
  service: SimulationService;
  tree: EventsTreeProvider;
  handlerLog: vscode.LogOutputChannel;
}

function isTarget(x: unknown): x is SimulateTarget {
  return typeof x === 'object' && x !== null && typeof (x as SimulateTarget).appDir === 'string'
    && typeof (x as SimulateTarget).event === 'string';
}

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  const { context, client, service, tree, handlerLog } = deps;

  const pickRegistered = async (title: string, apps?: AppSummary[]) => pickEvent(apps ?? await tree.getApps(), {
    title, registered: true, recent: service.recentKeys(),
    lastStatus: (appDir, event, scope) => service.lastStatus(appDir, event, scope),
  });

  /** The app and event item for any command argument; asks with a quick pick when there is none. */
  async function resolveEvent(arg: unknown, title: string): Promise<PickedEvent | undefined> {
    if (isEventNode(arg)) return { app: arg.app, item: arg.item };
    if (isTarget(arg)) {
      const apps = await tree.getApps();
      const app = apps.find((a) => path.resolve(a.appDir) === path.resolve(arg.appDir));
      const item = app?.events.find((e) => e.event === arg.event && e.registered
        && (!arg.scope || (e.scope.kind === arg.scope.kind && e.scope.name === arg.scope.name)));
      if (app && item) return { app, item };
      void vscode.window.showWarningMessage(`${arg.event} is not registered in this app (any more).`);
      return undefined;
    }
    return pickRegistered(title);
  }

  async function resolveTarget(arg: unknown, title: string): Promise<SimulateTarget | undefined> {
    if (isEventNode(arg)) return targetOf(arg);
    if (isTarget(arg)) return arg;
    let apps: AppSummary[] | undefined;
    if (arg instanceof vscode.Uri) {
      // The editor title's ▶ or a handler's context menu: this file's event, or a pick among its app's events.
      const found = targetForFile(await tree.getApps(), arg);
      if (typeof found === 'string') { void vscode.window.showInformationMessage(found); return undefined; }
      if (!('app' in found)) return found;
      // Only the events of the handler under the cursor, when it serves several (recently run first).
      apps = [found.events ? { ...found.app, events: found.events } : found.app];
      if (found.events) title = `${title}: ${found.events[0].handler ?? 'this handler'} handles ${found.events.length} events`;
    }
    const picked = await pickRegistered(title, apps);
    return picked && { appDir: picked.app.appDir, event: picked.item.event, scope: picked.item.scope };
  }

  /** Shows the panel on the target (it follows the service's events), then runs. */
  async function simulate(target: SimulateTarget, debug: boolean): Promise<void> {
    if (!(await ensureTrusted())) return;
    SimulatorPanel.createOrShow(context, service, client, target);
    const result = await service.run(target, { debug });
    if (result && result.status !== 'success' && result.status !== 'failed') {
      // Failed runs are shown in the panel; a run that could not happen at all deserves a louder word.
      const why = result.notRunnableReason ?? result.error?.message ?? result.status;
      void vscode.window.showWarningMessage(`${target.event}: ${why}`, 'Show Logs').then((c) => { if (c) handlerLog.show(true); });
    }
  }

  const register = (id: string, fn: (...args: unknown[]) => unknown) => vscode.commands.registerCommand(id, fn);

  return [
    register(SimulateCommand, async (arg) => {
      const target = await resolveTarget(arg, 'Simulate event');
      if (target) await simulate(target, false);
    }),
    register(DebugCommand, async (arg) => {
      const target = await resolveTarget(arg, 'Debug event handler');
      if (target) await simulate(target, true);
    }),
    register('freshsales.simulateEvent', async () => {
      const target = await resolveTarget(undefined, 'Simulate Event');
      if (target) await simulate(target, false);
    }),
    register('freshsales.rerunLast', async () => {
      const last = service.lastTarget;
      if (last) await simulate(last, false);
      else await vscode.commands.executeCommand('freshsales.simulateEvent');
    }),
    register('freshsales.openSimulator', async (arg) => {
      const target = isEventNode(arg) ? targetOf(arg) : isTarget(arg) ? arg : service.lastTarget;
      SimulatorPanel.createOrShow(context, service, client, target);
    }),
    register('freshsales.createTestPayload', async (arg) => {
      const picked = await resolveEvent(arg, 'Create test payload for');
      if (picked) await createTestPayload(client, picked);
    }),
    register('freshsales.registerEvent', async (arg) => {
      const picked = isEventNode(arg) ? { app: arg.app, item: arg.item } : await pickEvent(await tree.getApps(), {
        title: 'Register Event', registered: false,
      });
      if (!picked) return;
      if (await registerEvent(client, picked)) tree.refresh(true);
    }),
    register('freshsales.showLogs', () => handlerLog.show(true)),
    register('freshsales.openPayload', async (arg) => {
      if (isTarget(arg) && arg.payloadFile) {
        await vscode.window.showTextDocument(vscode.Uri.file(arg.payloadFile), { preview: false });
        return;
      }
      const picked = await resolveEvent(arg, 'Open test payload of');
      if (!picked) return;
      if (!picked.item.payloadFile) {
        const choice = await vscode.window.showInformationMessage(
          `${picked.item.event} has no test payload yet (${picked.item.expectedPayloadFile}).`, 'Create Test Payload');
        if (choice) await createTestPayload(client, picked);
        return;
      }
      await vscode.window.showTextDocument(vscode.Uri.file(path.join(picked.app.appDir, picked.item.payloadFile)), { preview: false });
    }),
    register('freshsales.goToHandler', async (arg) => {
      const picked = await resolveEvent(arg, 'Go to handler of');
      const loc = picked?.item.handlerLocation;
      if (!picked) return;
      if (!loc) {
        void vscode.window.showInformationMessage(
          `${picked.item.handler ?? 'The handler'} of ${picked.item.event} is not defined in server/server.js.`);
        return;
      }
      const pos = new vscode.Position(loc.line, loc.character);
      await vscode.window.showTextDocument(vscode.Uri.file(path.join(picked.app.appDir, loc.file)), {
        selection: new vscode.Range(pos, pos), preview: false,
      });
    }),
    register('freshsales.refreshEvents', () => tree.refresh()),
    register('freshsales.resetState', async (arg) => resetLocalState(client, await tree.getApps(), arg)),
    register(CreateTestCommand, async (arg) => {
      const target = await resolveTarget(arg, 'Create a test for');
      if (target) await createTest(client, target);
    }),
    register('freshsales.resetCoverage', async () => {
      const apps = await tree.getApps();
      const app = await pickApp(apps, 'Reset the coverage of');
      if (!app) return;
      const cleared = await client.sendRequest(ResetCoverageRequest, { appDir: app.appDir });
      void vscode.window.showInformationMessage(cleared ? `Coverage of ${path.basename(app.appDir)} cleared (coverage/ deleted).` : 'There was no coverage to clear.');
    }),
  ];
}
