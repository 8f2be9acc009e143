// The date shapes HAProxy writes, in log lines (%t, %T, %Tl ...) and in syslog headers. Local time
// follows the process time zone (TZ), as HAProxy's localtime() does. Formatting a date is the
// costliest part of a log line, so the per-second part is cached: a busy proxy logs many lines in
// the same second.

const monthNames = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

function pad3(n: number): string {
  return n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`;
}

/** `+0100` for a local time one hour ahead of UTC; `separator` ':' gives `+01:00` (RFC 3339) */
function offsetText(date: Date, separator: string): string {
  const minutesEast = -date.getTimezoneOffset();
  const sign = minutesEast < 0 ? '-' : '+';
  const abs = Math.abs(minutesEast);
  return `${sign}${pad2(Math.floor(abs / 60))}${separator}${pad2(abs % 60)}`;
}

/** Caches the text of the last second asked for; `render` gets the second's start in ms */
function perSecond(render: (secondMs: number) => string): (ms: number) => string {
  let cachedSecond = Number.NaN;
  let cachedText = '';
  return (ms) => {
    const second = Math.floor(ms / 1000);
    if (second !== cachedSecond) {
      cachedSecond = second;
      cachedText = render(second * 1000);
    }
    return cachedText;
  };
}

const localSecond = perSecond((ms) => {
  const d = new Date(ms);
  return `${pad2(d.getDate())}/${monthNames[d.getMonth()]}/${d.getFullYear()}:${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
});

/** `25/Nov/2026:10:22:33.123`, local time: HAProxy's %t and %tr */
export function formatLogDate(ms: number): string {
  return `${localSecond(ms)}.${pad3(((ms % 1000) + 1000) % 1000 | 0)}`;
}

/** `25/Nov/2026:10:22:33 +0000`: HAProxy's %T and %trg (GMT, no milliseconds) */
export const formatGmtDate = perSecond((ms) => {
  const d = new Date(ms);
  return `${pad2(d.getUTCDate())}/${monthNames[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} +0000`;
});

/** `25/Nov/2026:11:22:33 +0100`: HAProxy's %Tl and %trl (local time with its offset) */
export const formatLocalDate = perSecond((ms) => `${localSecond(ms)} ${offsetText(new Date(ms), '')}`);

/** `Nov  5 10:22:33`: the RFC 3164 section 4.1.2 TIMESTAMP, local time, day padded with a space */
export const formatSyslogTimestamp = perSecond((ms) => {
  const d = new Date(ms);
  const day = d.getDate();
  return `${monthNames[d.getMonth()]} ${day < 10 ? ` ${day}` : day} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
});

const isoSecond = perSecond((ms) => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}T${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
});
const isoOffset = perSecond((ms) => offsetText(new Date(ms), ':'));

/**
 * `2026-11-25T11:38:05.707770+01:00`: RFC 5424 section 6.2.3 TIMESTAMP with microseconds and the
 * local offset, as HAProxy writes it in rfc5424/iso/timed headers. `ms` may carry a fraction.
 */
export function formatIsoTimestamp(ms: number): string {
  const micros = Math.floor((ms - Math.floor(ms / 1000) * 1000) * 1000);
  return `${isoSecond(ms)}.${String(micros).padStart(6, '0')}${isoOffset(ms)}`;
}
