// Which L4 data path this host and configuration get: the kernel (nftables) when vigil is root on
// Linux with nft available, else vigil's user-space relay (NAT-like), which cannot do DR or TUN.
import { accessSync, constants } from 'node:fs';
import type { LoadedConfig } from '../config/load.ts';
import type { L4DataPath } from '../l4/data-path.ts';
import { startKernelPath } from '../l4/kernel-path.ts';
import { startUserspacePath } from '../l4/userspace-path.ts';

function hasNft(): boolean {
  for (const dir of (process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':').concat(['/usr/sbin', '/sbin'])) {
    try {
      accessSync(`${dir}/nft`, constants.X_OK);
      return true;
    } catch {
      // not here
    }
  }
  return false;
}

export type L4PathChoice = 'auto' | 'kernel' | 'userspace';

export async function chooseL4DataPath(config: LoadedConfig, log: (line: string) => void, choice: L4PathChoice = 'auto'): Promise<L4DataPath> {
  const kernel = choice === 'kernel' || (choice === 'auto' && process.platform === 'linux' && process.getuid?.() === 0 && hasNft());
  if (kernel) return startKernelPath(log);
  const servers = config.keepalived?.model.virtualServers ?? [];
  const needsKernel = servers.find((vs) => vs.method === 'DR' || vs.method === 'TUN');
  if (needsKernel !== undefined) {
    throw new Error(`lb_kind ${needsKernel.method ?? 'DR'} needs the kernel data path: run vigil as root on Linux with nftables (the nft command) installed`);
  }
  log(`IPVS: ${choice === 'userspace' ? 'user space asked for' : 'not root or no nftables'}: relaying in user space (NAT-like: real servers see this host as the client)`);
  return startUserspacePath();
}
