// Typed access to the `freshsales.*` settings (declared in package.json contributes.configuration).
import * as vscode from 'vscode';

export const Settings = {
  codeLensEnabled: 'freshsales.codeLens.enabled',
  timeoutMs: 'freshsales.simulation.timeoutMs',
  nodePath: 'freshsales.simulation.nodePath',
  traceServer: 'freshsales.trace.server',
  coverageEnabled: 'freshsales.coverage.enabled',
} as const;

function section(scope?: vscode.ConfigurationScope) {
  return vscode.workspace.getConfiguration('freshsales', scope);
}

export function codeLensEnabled(scope?: vscode.ConfigurationScope): boolean {
  return section(scope).get<boolean>('codeLens.enabled', true);
}

/** 0 (or anything not a positive number) means "the event's platform limit" and is sent as undefined. */
export function simulationTimeoutMs(scope?: vscode.ConfigurationScope): number | undefined {
  const v = section(scope).get<number>('simulation.timeoutMs', 0);
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : undefined;
}

/**
 * Node executable for handler runs; undefined = the server forks with its own process.execPath (VS Code's
 * Node). A restricted setting: in an untrusted workspace VS Code ignores the workspace value.
 */
export function simulationNodePath(scope?: vscode.ConfigurationScope): string | undefined {
  const v = section(scope).get<string>('simulation.nodePath', '').trim();
  return v || undefined;
}

/** Simulations add to the app's coverage/ (as fdk run does). */
export function coverageEnabled(scope?: vscode.ConfigurationScope): boolean {
  return section(scope).get<boolean>('coverage.enabled', false);
}
