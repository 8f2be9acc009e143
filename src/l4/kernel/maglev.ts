// Maglev consistent hashing (Eisenbud et al., NSDI 2016, §3.4), what IPVS's mh scheduler builds
// (ip_vs_mh.c): a lookup table of a prime size where each server fills slots along its own
// permutation, taking turns in proportion to its weight. Adding or removing one server moves
// about 1/N of the slots; the rest keep their server. vigil hashes servers with FNV-1a, IPVS
// with siphash, so a client lands on a different (but equally stable) server than under IPVS.

/**
 * A prime, as Maglev needs. IPVS picks a larger one (CONFIG_IP_VS_MH_TAB_INDEX); 251 keeps the
 * nftables map small while a server's share is still accurate to about 0.4 %.
 */
export const maglevTableSize = 251;

/** Slot → index into `servers`; `servers` name the servers ("198.51.100.100:80"), in order */
export function maglevTable(servers: readonly string[], weights: readonly number[], size = maglevTableSize): number[] {
  const table = new Array<number>(size).fill(-1);
  if (servers.length === 0) return [];
  const permutations = servers.map((name) => {
    const offset = fnv1a(name, 0x811c9dc5) % size;
    const skip = (fnv1a(name, 0x01000193 ^ 0x5bd1e995) % (size - 1)) + 1;
    return { offset, skip };
  });
  const next = new Array<number>(servers.length).fill(0);
  const turns = weights.map((weight) => Math.max(1, weight));
  let filled = 0;
  while (filled < size) {
    for (let server = 0; server < servers.length && filled < size; server++) {
      const permutation = permutations[server];
      if (permutation === undefined) continue;
      for (let turn = 0; turn < (turns[server] ?? 1) && filled < size; turn++) {
        let slot: number;
        do {
          const j = next[server] ?? 0;
          slot = (permutation.offset + j * permutation.skip) % size;
          next[server] = j + 1;
        } while (table[slot] !== -1);
        table[slot] = server;
        filled += 1;
      }
    }
  }
  return table;
}

function fnv1a(text: string, seed: number): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}
