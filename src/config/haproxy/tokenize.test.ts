import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tokenize, tokenizeLine } from './tokenize.ts';

const options = { file: 'h.cfg', env: { HOST: '10.0.0.1', EMPTY: '', LIST: 'a  b c' } };
const words = (text: string): string[] => tokenizeLine(text, 1, options).tokens.map((t) => t.text);

describe('haproxy tokenizer', () => {
  it('splits on spaces and tabs and records 1-based columns', () => {
    const { tokens } = tokenizeLine('  bind\t:80   name clear', 3, options);
    assert.deepEqual(
      tokens.map((t) => [t.text, t.line, t.column, t.quoted]),
      [
        ['bind', 3, 3, false],
        [':80', 3, 8, false],
        ['name', 3, 14, false],
        ['clear', 3, 19, false],
      ],
    );
  });

  it('ends the line at # outside quotes, even inside a word', () => {
    assert.deepEqual(words('timeout tunnel 4h  # for websocket'), ['timeout', 'tunnel', '4h']);
    assert.deepEqual(words('foo#bar'), ['foo']);
    assert.deepEqual(words('"a # b" c'), ['a # b', 'c']);
  });

  it('keeps spaces in quotes and joins quoted and unquoted parts into one word', () => {
    const { tokens } = tokenizeLine(`stats realm "Haproxy Manager" x'y z'"w"`, 1, options);
    assert.deepEqual(tokens.map((t) => t.text), ['stats', 'realm', 'Haproxy Manager', 'xy zw']);
    assert.equal(tokens[2]?.quoted, true);
    assert.equal(tokens[2]?.column, 13);
    assert.equal(tokens[0]?.quoted, false);
  });

  it('keeps an empty quoted word', () => {
    assert.deepEqual(words('a "" b'), ['a', '', 'b']);
  });

  it('takes backslash escapes outside quotes', () => {
    assert.deepEqual(words('stats realm HAProxy\\ Statistics'), ['stats', 'realm', 'HAProxy Statistics']);
    assert.deepEqual(words('a\\#b \\\\ \\"q\\" \\\'s\\\''), ['a#b', '\\', '"q"', "'s'"]);
    assert.deepEqual(words('\\x41\\x62'), ['Ab']);
    assert.deepEqual(words('reqrep \\1\\ /\\2'), ['reqrep', '\\1 /\\2']);
  });

  it('takes escapes inside double quotes but not inside single quotes', () => {
    assert.deepEqual(words('"a\\"b\\\\c"'), ['a"b\\c']);
    assert.deepEqual(words("'a\\\\b $HOST'"), ['a\\\\b $HOST']);
  });

  it('expands variables inside double quotes only', () => {
    assert.deepEqual(words('bind "${HOST}:80" "$HOST" \'${HOST}\''), ['bind', '10.0.0.1:80', '10.0.0.1', '${HOST}']);
    assert.deepEqual(words('"${MISSING-127.0.0.1}:80"'), ['127.0.0.1:80']);
    assert.deepEqual(words('"${HOST-x}"'), ['10.0.0.1']);
    assert.deepEqual(words('"\\$HOST"'), ['$HOST']);
    assert.deepEqual(words('x "${LIST[*]}" y'), ['x', 'a', 'b', 'c', 'y']);
  });

  it('expands the pseudo-variables .LINE, .FILE and .SECTION', () => {
    const { tokens } = tokenizeLine('"${.FILE}:${.LINE}" "${.SECTION}"', 7, { ...options, section: 'global' });
    assert.deepEqual(tokens.map((t) => t.text), ['h.cfg:7', 'global']);
  });

  it('warns about an unset variable and expands it to nothing, as HAProxy does', () => {
    const { tokens, problems } = tokenizeLine('log "${SYSLOG}:514" local0', 2, options);
    assert.equal(tokens[1]?.text, ':514');
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.severity, 'warning');
    assert.match(problems[0]?.message ?? '', /"SYSLOG" is not set/);
    assert.deepEqual(problems[0]?.at, { file: 'h.cfg', line: 2, column: 6 });
  });

  it('leaves an unquoted ${X} literal, with a warning', () => {
    const { tokens, problems } = tokenizeLine('user ${HOST}', 1, options);
    assert.equal(tokens[1]?.text, '${HOST}');
    assert.equal(problems[0]?.severity, 'warning');
    assert.deepEqual(words('acl end path_reg ^/api$'), ['acl', 'end', 'path_reg', '^/api$']);
  });

  it('reports an unterminated quote at the opening quote', () => {
    const { problems } = tokenizeLine('stats realm "Haproxy Manager', 4, options);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.severity, 'error');
    assert.match(problems[0]?.message ?? '', /Unterminated double quote/);
    assert.deepEqual(problems[0]?.at, { file: 'h.cfg', line: 4, column: 13 });
  });

  it('reports a bad \\x escape and an unmatched brace', () => {
    assert.match(tokenizeLine('a\\xZZ', 1, options).problems[0]?.message ?? '', /Invalid escape/);
    const brace = tokenizeLine('"${HOST"', 1, options).problems[0];
    assert.match(brace?.message ?? '', /Unmatched "\{"/);
    assert.equal(brace?.at.column, 3);
  });

  it('refuses more than 64 words', () => {
    const line = Array.from({ length: 65 }, (_, n) => `w${n}`).join(' ');
    assert.match(tokenizeLine(line, 1, options).problems[0]?.message ?? '', /Too many words/);
  });

  it('numbers lines and drops a carriage return before the newline', () => {
    const lines = tokenize('global\r\n  daemon\r\n', options);
    assert.equal(lines.length, 3);
    assert.deepEqual(lines[1]?.tokens.map((t) => [t.text, t.line, t.column]), [['daemon', 2, 3]]);
  });
});
