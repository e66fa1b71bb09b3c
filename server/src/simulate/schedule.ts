// `$schedule`: create / fetch / update / delete / pause / resume. Nothing is ever fired locally: the calls are
// recorded as effects and the schedules kept in the app's local store (.fsdev/db.json, `schedules`) so a
// later run can fetch or delete them. Platform limits checked: name required, data at most 4 KB,
// `schedule_at` a valid date, repeat frequency at least 5 minutes.
import { readStore, writeStore } from './db';

export interface ScheduleError { status: number; message: string }
const err = (status: number, message: string): ScheduleError => ({ status, message });

type Options = { name?: unknown; data?: unknown; schedule_at?: unknown; repeat?: { time_unit?: unknown; frequency?: unknown } };

function nameOf(o: unknown): string {
  const name = (o as Options | undefined)?.name;
  if (typeof name !== 'string' || name.length === 0) throw err(400, 'The schedule name is required');
  if (name.length > 50) throw err(400, 'The schedule name must not exceed 50 characters');
  return name;
}

function validate(o: Options): void {
  if (o.data !== undefined && Buffer.byteLength(JSON.stringify(o.data) ?? '') > 4096) {
    throw err(400, 'The schedule data must not exceed 4 KB');
  }
  if (o.schedule_at !== undefined && Number.isNaN(Date.parse(String(o.schedule_at)))) {
    throw err(400, `Invalid schedule_at '${String(o.schedule_at)}': use an ISO date-time`);
  }
  if (o.repeat) {
    const unit = o.repeat.time_unit;
    if (!['minutes', 'hours', 'days'].includes(String(unit))) throw err(400, "repeat.time_unit must be 'minutes', 'hours' or 'days'");
    const f = Number(o.repeat.frequency);
    if (!Number.isFinite(f) || f < 1) throw err(400, 'repeat.frequency must be a positive number');
    if (unit === 'minutes' && f < 5) throw err(400, 'The minimum repeat frequency is 5 minutes');
  }
}

export class LocalSchedule {
  constructor(private readonly file: string) {}

  create(o: Options): Record<string, unknown> {
    const name = nameOf(o);
    validate(o);
    const store = readStore(this.file);
    if (store.schedules[name]) throw err(409, `A schedule named '${name}' already exists`);
    const now = new Date().toISOString();
    const rec = { name, data: o.data ?? {}, schedule_at: o.schedule_at ?? now, repeat: o.repeat, paused: false, created_at: now, updated_at: now };
    store.schedules[name] = JSON.parse(JSON.stringify(rec)) as Record<string, unknown>;
    writeStore(this.file, store);
    return { ...store.schedules[name] };
  }

  fetch(o: Options): Record<string, unknown> {
    const name = nameOf(o);
    const rec = readStore(this.file).schedules[name];
    if (!rec) throw err(404, `Schedule '${name}' not found`);
    return rec;
  }

  update(o: Options): Record<string, unknown> {
    const name = nameOf(o);
    validate(o);
    const store = readStore(this.file);
    const rec = store.schedules[name];
    if (!rec) throw err(404, `Schedule '${name}' not found`);
    for (const k of ['data', 'schedule_at', 'repeat'] as const) if (o[k] !== undefined) rec[k] = JSON.parse(JSON.stringify(o[k])) as unknown;
    rec.updated_at = new Date().toISOString();
    writeStore(this.file, store);
    return { ...rec };
  }

  delete(o: Options): { Deleted: true } {
    const name = nameOf(o);
    const store = readStore(this.file);
    if (!store.schedules[name]) throw err(404, `Schedule '${name}' not found`);
    delete store.schedules[name];
    writeStore(this.file, store);
    return { Deleted: true };
  }

  pause(o: Options): Record<string, unknown> { return this.setPaused(o, true); }
  resume(o: Options): Record<string, unknown> { return this.setPaused(o, false); }

  private setPaused(o: Options, paused: boolean): Record<string, unknown> {
    const name = nameOf(o);
    const store = readStore(this.file);
    const rec = store.schedules[name];
    if (!rec) throw err(404, `Schedule '${name}' not found`);
    rec.paused = paused;
    rec.updated_at = new Date().toISOString();
    writeStore(this.file, store);
    return { ...rec };
  }
}
