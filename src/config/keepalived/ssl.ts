// SSL { }: the client certificate SSL_GET checks present. The files must exist on the host.
import { KeywordTable, type Keyword } from '../keywords.ts';
import type { LoadState } from './args.ts';
import type { SslContext } from './model.ts';

function fileEntry(name: 'ca' | 'certificate' | 'key', summary: string): Keyword<LoadState> {
  return {
    name,
    status: 'parsed',
    summary,
    args: { min: 1, max: 1 },
    handle: (state, line) => {
      const path = line.args[0];
      if (path === undefined) return;
      const ssl: SslContext = state.config.ssl;
      ssl[name] = path.text;
      state.requirements.need('file', path.text, path, line.fullName);
    },
  };
}

export const sslTable = new KeywordTable<LoadState>({ section: 'keepalived SSL' }, [
  {
    name: 'password',
    status: 'parsed',
    summary: 'password of the private key',
    args: { min: 1, max: 1 },
    handle: (state, line) => {
      const password = line.args[0];
      if (password !== undefined) state.config.ssl.password = password.text;
    },
  },
  fileEntry('ca', 'CA certificate file'),
  fileEntry('certificate', 'client certificate file'),
  fileEntry('key', 'private key file'),
]);
