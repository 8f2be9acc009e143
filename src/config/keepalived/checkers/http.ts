// HTTP_GET { } and SSL_GET { }: the server is up when each url answers as configured.
import { DiagnosticCode, type Diagnostics } from '../../diagnostics.ts';
import { block, KeywordTable, markSupported, type Keyword, type KeywordLine } from '../../keywords.ts';
import { choiceArg, flagArg, stringArg } from '../args.ts';
import type { HttpCheck, HttpUrl } from '../model.ts';
import { checkerKeyword, commonCheckerKeywords, honouredConnection, honouredTiming, type CheckerContext } from './common.ts';
import { urlTable, type UrlContext } from './url.ts';

type Context = CheckerContext<HttpCheck>;
type Entry = Keyword<Context>;

const httpProtocols = ['1.0', '1.0C', '1.1'] as const;

const httpEntries: Entry[] = [
  ...markSupported(commonCheckerKeywords<Context>(), { ...honouredConnection, ...honouredTiming }),
  {
    name: 'url',
    status: 'supported',
    summary: 'a url to fetch: path, digest and/or status_code, virtualhost',
    args: { max: 0 },
    block: block(
      urlTable,
      (ctx: Context, line): UrlContext => {
        const url: HttpUrl = { at: { file: line.keyword.file, line: line.keyword.line, column: line.keyword.column }, statusCodes: [] };
        ctx.checker.urls.push(url);
        return { url };
      },
      (_ctx: Context, { url }: UrlContext, line: KeywordLine, diag: Diagnostics) => {
        // keepalived ignores a url without a path
        if (url.path === undefined) diag.error(line.keyword, line.fullName, 'This url has no "path"', { code: DiagnosticCode.structure });
      },
    ),
  },
  {
    name: 'virtualhost',
    status: 'supported',
    summary: 'Host header of the requests',
    args: { min: 1, max: 1 },
    handle: ({ checker }, line) => {
      const host = stringArg(line);
      if (host !== undefined) checker.virtualhost = host;
    },
  },
  {
    name: 'http_protocol',
    status: 'supported',
    summary: 'HTTP version: 1.0, 1.0C (1.0 with Connection: close) or 1.1',
    args: { min: 1, max: 1 },
    handle: ({ checker }, line, diag) => {
      const protocol = choiceArg(line, diag, httpProtocols, 'HTTP protocol');
      if (protocol !== undefined) checker.httpProtocol = protocol;
    },
  },
  {
    name: 'fast_recovery',
    status: 'parsed',
    summary: 'check all urls without delay_loop pauses when recovering',
    args: { max: 1 },
    handle: ({ checker }, line, diag) => {
      const value = flagArg(line, diag);
      if (value !== undefined) checker.fastRecovery = value;
    },
  },
];

const tlsEntries: Entry[] = [
  {
    name: 'enable_sni',
    status: 'supported',
    summary: 'send the server name (SNI) in the TLS handshake',
    args: { max: 1 },
    handle: ({ checker }, line, diag) => {
      const value = flagArg(line, diag);
      if (value !== undefined) checker.enableSni = value;
    },
  },
  {
    name: 'sni_name',
    status: 'supported',
    summary: 'server name to send (default: virtualhost)',
    args: { min: 1, max: 1 },
    handle: ({ checker }, line) => {
      const name = stringArg(line);
      if (name !== undefined) checker.sniName = name;
    },
  },
  {
    name: 'tls_compliant',
    status: 'parsed',
    summary: 'send close_notify before closing',
    args: { max: 1 },
    handle: ({ checker }, line, diag) => {
      const value = flagArg(line, diag);
      if (value !== undefined) checker.tlsCompliant = value;
    },
  },
];

const httpTable = new KeywordTable<Context>({ section: 'keepalived HTTP_GET' }, httpEntries);
// keepalived installs the TLS keywords for both; HTTP_GET simply never uses them
const sslTable = new KeywordTable<Context>({ section: 'keepalived SSL_GET' }, [...httpEntries, ...tlsEntries]);

export const httpGetKeyword = checkerKeyword('HTTP_GET', 'check urls over HTTP', httpTable, (at): HttpCheck => ({ type: 'HTTP_GET', at, urls: [] }));
export const sslGetKeyword = checkerKeyword('SSL_GET', 'check urls over HTTPS', sslTable, (at): HttpCheck => ({ type: 'SSL_GET', at, urls: [] }));
