// Header shapes as a running haproxy 2.6.12 sent them (TZ=Europe/Paris, `log-send-hostname` giving
// "vm" where a hostname shows), for a server DOWN event at alert and a traffic line at info.
process.env.TZ = 'Europe/Paris';

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultSyslogFormat, facilityOf, type HeaderFields, priorityOf, severityOf, syslogHeaders } from './syslog.ts';

const when = Date.UTC(2026, 10, 25, 10, 38, 5, 707.77);
const fields = (overrides: Partial<HeaderFields> = {}): HeaderFields => ({
  facility: 16,
  severity: 1,
  nowMs: when,
  hostname: 'vm',
  tag: 'haproxy',
  pid: 16032,
  ...overrides,
});

describe('syslog numbers', () => {
  it('maps facility and level names to RFC 5424 codes', () => {
    assert.equal(facilityOf('kern'), 0);
    assert.equal(facilityOf('local0'), 16);
    assert.equal(facilityOf('local7'), 23);
    assert.equal(severityOf('emerg'), 0);
    assert.equal(severityOf('info'), 6);
    assert.equal(severityOf('debug'), 7);
    assert.equal(severityOf('loud'), undefined);
    // local2 info, as `log 127.0.0.1 local2` sends traffic lines
    assert.equal(priorityOf(18, 6), 150);
  });
});

describe('syslog headers', () => {
  it('writes each format as haproxy does', () => {
    assert.equal(syslogHeaders.rfc3164(fields()), '<129>Nov 25 11:38:05 vm haproxy[16032]: ');
    assert.equal(syslogHeaders.short(fields()), '<1>');
    assert.equal(syslogHeaders.priority(fields({ facility: 17 })), '<137>');
    assert.equal(syslogHeaders.timed(fields()), '<1>2026-11-25T11:38:05.707000+01:00 ');
    assert.equal(syslogHeaders.iso(fields()), '2026-11-25T11:38:05.707000+01:00 ');
    assert.equal(syslogHeaders.rfc5424(fields({ facility: 17 })), '<137>1 2026-11-25T11:38:05.707000+01:00 vm haproxy 16032 - - ');
    assert.equal(syslogHeaders.raw(fields()), '');
  });

  it('leaves the hostname out by default, and writes localhost or - when a format needs one', () => {
    const none = fields({ hostname: undefined, facility: 18, severity: 6 });
    assert.equal(defaultSyslogFormat(undefined), 'local');
    assert.equal(defaultSyslogFormat('vm'), 'rfc3164');
    assert.equal(syslogHeaders.local(none), '<150>Nov 25 11:38:05 haproxy[16032]: ');
    assert.equal(syslogHeaders.rfc3164(none), '<150>Nov 25 11:38:05 localhost haproxy[16032]: ');
    assert.equal(syslogHeaders.rfc5424(none), '<150>1 2026-11-25T11:38:05.707000+01:00 - haproxy 16032 - - ');
  });

  it('pads a one-digit day with a space (RFC 3164 section 4.1.2) and keeps microseconds', () => {
    const early = fields({ nowMs: Date.UTC(2026, 10, 5, 8, 1, 2) + 0.123456 * 1000 });
    assert.equal(syslogHeaders.rfc3164(early), '<129>Nov  5 09:01:02 vm haproxy[16032]: ');
    assert.match(syslogHeaders.iso(early), /^2026-11-05T09:01:02\.12345\d\+01:00 $/);
  });
});
