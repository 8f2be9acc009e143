// url { } inside HTTP_GET and SSL_GET: a path to fetch and what the answer must be.
import { DiagnosticCode } from '../../diagnostics.ts';
import { KeywordTable } from '../../keywords.ts';
import { parseInteger } from '../../values.ts';
import { flagArg, report, stringArg } from '../args.ts';
import type { HttpUrl } from '../model.ts';
import { recognised } from '../recognised.ts';

export interface UrlContext {
  readonly url: HttpUrl;
}

/** HTTP status codes are three digits (RFC 9110 section 15) */
const statusRange = { min: 100, max: 599 };

export const urlTable = new KeywordTable<UrlContext>({ section: 'keepalived url' }, [
  {
    name: 'path',
    status: 'supported',
    summary: 'path to request, for example /health',
    args: { min: 1, max: 1 },
    handle: ({ url }, line) => {
      const path = stringArg(line);
      if (path !== undefined) url.path = path;
    },
  },
  {
    name: 'digest',
    status: 'supported',
    summary: 'MD5 of the expected body, as genhash prints it',
    args: { min: 1, max: 1 },
    handle: ({ url }, line, diag) => {
      const token = line.args[0];
      if (token === undefined) return;
      if (!/^[0-9a-fA-F]{32}$/.test(token.text)) {
        diag.error(token, line.fullName, `Cannot parse digest "${token.text}": expected 32 hex digits (an MD5 sum)`, { code: DiagnosticCode.badValue });
        return;
      }
      url.digest = token.text.toLowerCase();
    },
  },
  {
    name: 'status_code',
    status: 'supported',
    summary: 'accepted status codes or ranges, for example 200-299 503 (default 200-299)',
    args: { min: 1 },
    handle: ({ url }, line, diag) => {
      for (const token of line.args) {
        const [fromText = '', toText] = token.text.split('-', 2);
        const from = report(parseInteger(fromText, statusRange, 'status code'), token, line, diag);
        const to = toText === undefined ? from : report(parseInteger(toText, statusRange, 'status code'), token, line, diag);
        if (from === undefined || to === undefined) continue;
        if (to < from) {
          diag.error(token, line.fullName, `Status range "${token.text}" ends before it starts`, { code: DiagnosticCode.badValue });
          continue;
        }
        url.statusCodes.push({ from, to });
      }
    },
  },
  {
    name: 'virtualhost',
    status: 'supported',
    summary: 'Host header for this url',
    args: { min: 1, max: 1 },
    handle: ({ url }, line) => {
      const host = stringArg(line);
      if (host !== undefined) url.virtualhost = host;
    },
  },
  {
    name: 'regex',
    status: 'supported',
    summary: 'regular expression the body must match',
    args: { min: 1, max: 1 },
    handle: ({ url }, line) => {
      const regex = stringArg(line);
      if (regex !== undefined) url.regex = regex;
    },
  },
  {
    name: 'regex_no_match',
    status: 'supported',
    summary: 'the body must not match regex',
    args: { max: 1 },
    handle: ({ url }, line, diag) => {
      const value = flagArg(line, diag);
      if (value !== undefined) url.regexNoMatch = value;
    },
  },
  ...recognised<UrlContext>('url matching option', ['regex_options', 'regex_stack', 'regex_min_offset', 'regex_max_offset', 'tls_compliant']),
]);
