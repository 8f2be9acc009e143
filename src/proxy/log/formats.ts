// HAProxy's built-in log formats, as the log-format strings haproxy 2.6 declares them internally
// (src/log.c: default_http_log_format, clf_http_log_format, default_https_log_format,
// default_tcp_log_format; configuration.txt sections 8.2.1 to 8.2.4). Lines produced from them
// were compared field by field with a running haproxy 2.6.12 (formats.test.ts keeps the captures).

/** `option httplog` */
export const httpLogFormat =
  '%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r';

/** `option httplog clf`: the common log format fields first, HAProxy's own after them */
export const clfHttpLogFormat =
  '%{+Q}o %{-Q}ci - - [%trg] %r %ST %B "" "" %cp %ms %ft %b %s %TR %Tw %Tc %Tr %Ta %tsc %ac %fc %bc %sc %rc %sq %bq %CC %CS %hrl %hsl';

/** `option httpslog`: httplog plus the TLS details (`-`/0 on vigil's plain frontends) */
export const httpsLogFormat = `${httpLogFormat} %[fc_err]/%[ssl_fc_err,hex]/%[ssl_c_err]/%[ssl_c_ca_err]/%[ssl_fc_is_resumed] %[ssl_fc_sni]/%sslv/%sslc`;

/** `option tcplog` */
export const tcpLogFormat = '%ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq';

/**
 * A proxy with log targets but no log option logs each connection when it is accepted, in a line
 * HAProxy builds by hand rather than from a log-format (frontend.c): "Connect from 10.0.1.2:33312
 * to 10.0.3.31:8012 (www/HTTP)". This is that line as a log-format; the mode is fixed text.
 */
export function connectLogFormat(mode: 'http' | 'tcp'): string {
  return `Connect from %ci:%cp to %fi:%fp (%f/${mode === 'http' ? 'HTTP' : 'TCP'})`;
}
