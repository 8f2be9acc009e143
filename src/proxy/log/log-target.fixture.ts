// `log` lines for tests, built as the config parser builds them: the address goes through the
// real address parser, so `[::1]:514`, `/dev/log` and `fd@3` mean what they mean in haproxy.cfg.
import { parseAddress } from '../../config/haproxy/address.ts';
import type { LogTarget } from '../../config/haproxy/model.ts';

const at = { file: 'test.cfg', line: 1, column: 1 };

/** `logTarget('127.0.0.1:5140', { facility: 'local0', level: 'info' })`; `global` for `log global` */
export function logTarget(text: string, fields: Partial<Omit<LogTarget, 'at' | 'target' | 'address'>> = {}): LogTarget {
  if (text === 'global') return { global: true, other: {}, at };
  const target: LogTarget = { target: text, other: {}, facility: 'local0', at, ...fields };
  if (text !== 'stdout' && text !== 'stderr') {
    const parsed = parseAddress({ ...at, text, quoted: false }, 'log');
    if (!parsed.ok) throw new Error(parsed.message);
    target.address = parsed.value;
  }
  return target;
}
