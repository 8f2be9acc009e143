// `userlist` sections: users and groups for HTTP authentication (http-request auth, ACL
// http_auth). Passwords are kept as written; `password` holds a crypt(3) hash.
import { DiagnosticCode, type Diagnostics } from '../diagnostics.ts';
import { type KeywordLine, KeywordTable } from '../keywords.ts';
import type { Token } from '../token.ts';
import { locate, type UserlistContext } from './context.ts';
import type { UserlistUser } from './model.ts';
import { checkName } from './names.ts';

/** `group <name> [users <user>[,<user>...]]` */
function handleGroup(ctx: UserlistContext, line: KeywordLine, diag: Diagnostics): void {
  const [name, keyword, list, extra] = line.args as [Token, Token | undefined, Token | undefined, Token | undefined];
  if (!checkName(name, 'group', line.fullName, diag)) return;
  if (keyword !== undefined && (keyword.text !== 'users' || list === undefined || extra !== undefined)) {
    diag.error(extra ?? keyword, line.fullName, '"group" expects a name and optionally "users <user>,<user>..."', { code: DiagnosticCode.badValue });
    return;
  }
  ctx.userlist.groups.push({ name: name.text, users: list === undefined ? [] : list.text.split(','), at: locate(line.keyword) });
}

/** `user <name> [password <hash> | insecure-password <text>] [groups <group>[,<group>...]]` */
function handleUser(ctx: UserlistContext, line: KeywordLine, diag: Diagnostics): void {
  const [name, ...rest] = line.args as [Token, ...Token[]];
  if (!checkName(name, 'user', line.fullName, diag)) return;
  const user: UserlistUser = { name: name.text, insecure: false, groups: [], at: locate(line.keyword) };
  for (let i = 0; i < rest.length; i += 2) {
    const key = rest[i] as Token;
    const value = rest[i + 1];
    if (!['password', 'insecure-password', 'groups'].includes(key.text)) {
      diag.error(key, line.fullName, `Unexpected "${key.text}": expected password, insecure-password or groups`, { code: DiagnosticCode.badValue });
      return;
    }
    if (value === undefined) {
      diag.error(key, line.fullName, `"${key.text}" needs a value`, { code: DiagnosticCode.arity });
      return;
    }
    if (key.text === 'groups') user.groups = value.text.split(',');
    else {
      user.password = value.text;
      user.insecure = key.text === 'insecure-password';
    }
  }
  ctx.userlist.users.push(user);
}

export const userlistTable = new KeywordTable<UserlistContext>({ section: 'haproxy userlist' }, [
  { name: 'group', status: 'parsed', summary: 'A group of users, optionally listing its members', args: { min: 1, max: 3 }, handle: handleGroup },
  { name: 'user', status: 'parsed', summary: 'A user with a password hash (or insecure-password) and groups', args: { min: 1 }, handle: handleUser },
]);
