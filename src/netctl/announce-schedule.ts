// keepalived's announcement timing for a VIP taken over (vrrp.c vrrp_send_link_update and the
// garp_* keywords): a burst at once, another burst `garp_master_delay` later (default 5 s, to
// catch switches that were still learning), then optionally a burst every `garp_master_refresh`.
// Pure timing over a NeighborAnnouncePort and a Clock, so tests step it with FakeClock.
import type { Clock, TimerHandle } from '../core/clock.ts';
import type { AnnounceOutcome, AnnounceSpec, NeighborAnnouncePort } from './neighbor-announce.ts';
import type { HostResult } from './result.ts';

export interface AnnounceScheduleOptions {
  /** garp_master_repeat: packets per burst. Default 5. */
  readonly repeat?: number;
  /** garp_interval, in ms. Default 0. */
  readonly intervalMs?: number;
  /** garp_master_delay, in ms; 0 disables the second burst. Default 5000. */
  readonly delayMs?: number;
  /** garp_master_refresh, in ms; 0 (default) disables periodic bursts. */
  readonly refreshMs?: number;
  /** garp_master_refresh_repeat: packets per periodic burst. Default 1. */
  readonly refreshRepeat?: number;
  /** Told the outcome of every burst (log failures; nothing retries). */
  readonly onResult?: (spec: AnnounceSpec, result: HostResult<AnnounceOutcome>) => void;
}

export interface AnnouncementHandle {
  /** Cancels the bursts still to come (on leaving MASTER). */
  stop(): void;
}

export function startAnnouncements(
  port: NeighborAnnouncePort,
  clock: Clock,
  target: { readonly interface: string; readonly address: string },
  options: AnnounceScheduleOptions = {},
): AnnouncementHandle {
  let stopped = false;
  let timer: TimerHandle | undefined;
  const burst = (count: number): void => {
    const spec: AnnounceSpec = { ...target, count, intervalMs: options.intervalMs ?? 0 };
    void port.announce(spec).then((result) => {
      if (!stopped) options.onResult?.(spec, result);
    });
  };
  const refreshMs = options.refreshMs ?? 0;
  const refresh = (): void => {
    if (stopped || refreshMs <= 0) return;
    timer = clock.setTimeout(() => {
      if (stopped) return;
      burst(options.refreshRepeat ?? 1);
      refresh();
    }, refreshMs);
  };

  const repeat = options.repeat ?? 5;
  burst(repeat);
  const delayMs = options.delayMs ?? 5000;
  if (delayMs > 0) {
    timer = clock.setTimeout(() => {
      if (stopped) return;
      burst(repeat);
      refresh();
    }, delayMs);
  } else {
    refresh();
  }
  return {
    stop() {
      stopped = true;
      timer?.cancel();
    },
  };
}
