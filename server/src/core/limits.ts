// The platform's limits per event, defined once: the checks, the simulator and the tests read them here.
import type { EventKind } from './types';

/** Payload sizes the platform delivers, in bytes; `scheduledData`: what `$schedule.create` accepts as `data`. */
export const PAYLOAD_LIMITS = { product: 256 * 1024, external: 100 * 1024, scheduledData: 4 * 1024 } as const;

/** A handler's time limit, in ms: the event's own, else 10 s for app set-up events and 20 s for any other (unknown events too). */
export function timeLimitOf(event: { timeLimitMs?: number; kind?: EventKind } | undefined): number {
  return event?.timeLimitMs ?? (event?.kind === 'app-setup' ? 10000 : 20000);
}

/** The largest payload of an event of this kind, in bytes: 100 KB for external events, 256 KB otherwise. */
export function payloadLimitOf(kind: EventKind | undefined): number {
  return kind === 'external' ? PAYLOAD_LIMITS.external : PAYLOAD_LIMITS.product;
}
