// `$schedule`: create / fetch / update / delete / pause / resume. Nothing is ever fired locally: the calls are
// recorded as effects and the schedules kept in the app's local store (.fsdev/db.json, `schedules`) so a
// later run can fetch or delete them. Which source each rule follows is in README.md ("$schedule").
import { fileStore, type StoreIO } from './db';

/** `stateNote`: the error comes from state an earlier run left in .fsdev/ (the child names it, then drops it). */
export interface ScheduleError { status: number; message: string; stateNote?: string }
const err = (status: number, message: string, stateNote?: string): ScheduleError =>
  (stateNote ? { status, message, stateNote } : { status, message });

/** What fdk resolves with for the calls that change a schedule. */
export interface ScheduleAck { status: 200; message: string }
const ack = (message: string): ScheduleAck => ({ status: 200, message });

type Options = { name?: unknown; data?: unknown; schedule_at?: unknown; repeat?: { time_unit?: unknown; frequency?: unknown } };

/** The documentation: at most 1000 one-time schedules and 1 recurring schedule per app installation. */
export const MAX_ONE_TIME = 1000;
export const MAX_RECURRING = 1;

function nameOf(o: unknown): string {
  const name = (o as Options | undefined)?.name;
  if (typeof name !== 'string' || name.length === 0) throw err(400, 'The schedule name is required');
  return name;
}

function validate(o: Options, warn: (m: string) => void): void {
  if (o.data !== undefined && Buffer.byteLength(JSON.stringify(o.data) ?? '') > 4096) {
    throw err(400, 'The schedule data must not exceed 4 KB');
  }
  if (o.schedule_at !== undefined) {
    const at = Date.parse(String(o.schedule_at));
    if (Number.isNaN(at)) throw err(400, `Invalid schedule_at '${String(o.schedule_at)}': use an ISO date-time in UTC`);
    if (at < Date.now() + 5 * 60 * 1000) {
      warn(`$schedule: schedule_at ${String(o.schedule_at)} is less than 5 minutes from now; the platform requires at least 5 minutes.`);
    }
  }
  if (o.repeat) {
    const unit = o.repeat.time_unit;
    if (!['minutes', 'hours', 'days'].includes(String(unit))) throw err(400, "repeat.time_unit must be 'minutes', 'hours' or 'days'");
    const f = Number(o.repeat.frequency);
    if (!Number.isFinite(f) || f < 1) throw err(400, 'repeat.frequency must be a positive number');
    if (unit === 'minutes' && f < 5) throw err(400, 'The minimum repeat frequency is 5 minutes');
  }
}

const since = (rec: Record<string, unknown>) => (typeof rec.created_at === 'string' ? ` (created ${rec.created_at})` : '');

export class LocalSchedule {
  private readonly io: StoreIO;
  constructor(store: string | StoreIO, private readonly warn: (message: string) => void = () => undefined) {
    this.io = typeof store === 'string' ? fileStore(store) : store;
  }

  create(o: Options): ScheduleAck {
    const name = nameOf(o);
    validate(o, this.warn);
    const store = this.io.read();
    const old = store.schedules[name];
    if (old) {
      throw err(400, 'This Schedule name already exists',
        `the schedule '${name}' exists in .fsdev/db.json from an earlier run${since(old)}`);
    }
    const all = Object.values(store.schedules);
    if (o.repeat && all.filter((s) => s.repeat).length >= MAX_RECURRING) {
      const other = all.find((s) => s.repeat)!;
      throw err(400, `An app can have at most ${MAX_RECURRING} recurring schedule`,
        `the recurring schedule '${String(other.name)}' exists in .fsdev/db.json from an earlier run${since(other)}`);
    }
    if (!o.repeat && all.filter((s) => !s.repeat).length >= MAX_ONE_TIME) {
      throw err(400, `An app can have at most ${MAX_ONE_TIME} one-time schedules`,
        `${MAX_ONE_TIME} one-time schedules exist in .fsdev/db.json from earlier runs`);
    }
    const now = new Date().toISOString();
    const rec = { name, data: o.data ?? {}, schedule_at: o.schedule_at ?? now, repeat: o.repeat, paused: false, created_at: now, updated_at: now };
    store.schedules[name] = JSON.parse(JSON.stringify(rec)) as Record<string, unknown>;
    this.io.write(store);
    return ack('Schedule created');
  }

  fetch(o: Options): Record<string, unknown> {
    const name = nameOf(o);
    const rec = this.io.read().schedules[name];
    if (!rec) throw err(404, `Schedule '${name}' not found`);
    return rec;
  }

  update(o: Options): ScheduleAck {
    const name = nameOf(o);
    validate(o, this.warn);
    const store = this.io.read();
    const rec = store.schedules[name];
    if (!rec) throw err(404, `Schedule '${name}' not found`);
    for (const k of ['data', 'schedule_at', 'repeat'] as const) if (o[k] !== undefined) rec[k] = JSON.parse(JSON.stringify(o[k])) as unknown;
    rec.updated_at = new Date().toISOString();
    this.io.write(store);
    return ack('Schedule updated');
  }

  delete(o: Options): ScheduleAck {
    const name = nameOf(o);
    const store = this.io.read();
    if (!store.schedules[name]) throw err(404, `Schedule '${name}' not found`);
    delete store.schedules[name];
    this.io.write(store);
    return ack('Schedule deleted');
  }

  pause(o: Options): ScheduleAck { return this.setPaused(o, true); }
  resume(o: Options): ScheduleAck { return this.setPaused(o, false); }

  private setPaused(o: Options, paused: boolean): ScheduleAck {
    const name = nameOf(o);
    const store = this.io.read();
    const rec = store.schedules[name];
    if (!rec) throw err(404, `Schedule '${name}' not found`);
    rec.paused = paused;
    rec.updated_at = new Date().toISOString();
    this.io.write(store);
    return ack(paused ? 'Schedule paused' : 'Schedule resumed');
  }
}
