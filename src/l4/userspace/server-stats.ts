// Per-real-server figures of the user-space data path: the live counts the schedulers read
// (IPVS's activeconns/inactconns) and the totals `stats()` reports (ipvsadm's Conns, InBytes,
// OutBytes). One object per real server id, kept while the server stays in the table, so a weight
// change does not reset its counts.
//
// What counts as active and inactive follows the kernel's TCP states (ip_vs_proto_tcp.c's
// tcp_state_active_table): SYN_SENT and ESTABLISHED are active, FIN_WAIT, CLOSE_WAIT, TIME_WAIT
// and CLOSE are inactive. Here: a connection is active from the moment it is scheduled (vigil
// connecting to the real server, the SYN_SENT equivalent) until either side half-closes it; it is
// inactive while half-closed, and for `lingerMs` after it has closed (the TIME_WAIT equivalent,
// which the kernel holds for 2 minutes; vigil defaults to 10 s, IPVS's CLOSE timeout, since a
// relay keeps no state after close and a 2-minute memory would make lc and wlc shun a server for
// a burst long past). UDP flows are inactive for their whole life, as IPVS counts UDP.

import { SlotList } from '../../core/slot-list.ts';

/** Something the data path can end when its real server leaves the table */
export interface Closable {
  close(): void;
}

/** A flow's place in its real server's list */
export interface FlowEntry {
  readonly flow: Closable;
  slot: number;
}

export class ServerStats {
  active = 0;
  /** half-closed TCP connections and live UDP flows */
  closing = 0;
  connections = 0;
  bytesIn = 0;
  bytesOut = 0;
  /** IPVS's IP_VS_DEST_F_OVERLOAD, with its upper/lower threshold hysteresis */
  overloaded = false;
  /** the server's open flows (a SlotList, not a Set: see core/slot-list.ts) */
  readonly flows = new SlotList<FlowEntry>();
  /** when each recently closed connection stops counting, oldest first (a ring) */
  #lingerUntil = new Float64Array(64);
  #lingerHead = 0;
  #lingerCount = 0;

  /** A connection closed at `now`: it counts as inactive until `now + lingerMs` */
  linger(now: number, lingerMs: number): void {
    if (lingerMs <= 0) return;
    this.#prune(now);
    if (this.#lingerCount === this.#lingerUntil.length) {
      const bigger = new Float64Array(this.#lingerUntil.length * 2);
      for (let i = 0; i < this.#lingerCount; i++) bigger[i] = this.#lingerUntil[(this.#lingerHead + i) % this.#lingerUntil.length]!;
      this.#lingerUntil = bigger;
      this.#lingerHead = 0;
    }
    this.#lingerUntil[(this.#lingerHead + this.#lingerCount) % this.#lingerUntil.length] = now + lingerMs;
    this.#lingerCount++;
  }

  inactive(now: number): number {
    this.#prune(now);
    return this.closing + this.#lingerCount;
  }

  #prune(now: number): void {
    const ring = this.#lingerUntil;
    while (this.#lingerCount > 0 && ring[this.#lingerHead]! <= now) {
      this.#lingerHead = (this.#lingerHead + 1) % ring.length;
      this.#lingerCount--;
    }
  }
}
