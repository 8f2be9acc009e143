// Writes a message head back out after rules or connection handling changed it. The common path
// never comes here: a head nothing changed goes out as the bytes received.

/**
 * `startLine`, then every header pair `drop` keeps, then `extra` (whole lines, each ending in
 * CRLF, or empty), then the empty line. One string, one conversion to bytes.
 */
export function serializeHead(startLine: string, headers: readonly string[], drop: (name: string) => boolean, extra: string): Buffer {
  let text = `${startLine}\r\n`;
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i] as string;
    if (drop(name)) continue;
    text += `${name}: ${headers[i + 1] as string}\r\n`;
  }
  text += `${extra}\r\n`;
  return Buffer.from(text, 'latin1');
}
