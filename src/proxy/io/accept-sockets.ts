// How many listening sockets each bind address gets in each data-path thread.
//
// libuv accepts one connection per listening socket per turn of the event loop (since libuv
// 1.45, "don't accept() connections in a loop"), and a turn of a busy proxy takes milliseconds:
// 200 clients connecting at once into one socket were all accepted only after 250 ms, their
// first requests waiting the whole time (bench get-c200: p99 40 to 200 ms against HAProxy's 4).
// HAProxy accepts up to `tune.maxaccept` connections in a row instead. vigil binds that many
// sockets to the address with SO_REUSEPORT, in the same thread: the kernel spreads incoming
// connections over them and each turn of the loop accepts from every socket that has one.
// HAProxy sets SO_REUSEPORT on its listeners too (for seamless reloads), so a second process of
// the same user can bind the port alongside, as with HAProxy; a process that binds it without
// SO_REUSEPORT still makes vigil's bind fail.

/** without `tune.maxaccept`: 32 sockets spread a burst of 200 connections over about 6 turns */
export const defaultAcceptSockets = 32;
/** the most sockets one address gets, whatever `tune.maxaccept` asks (each is a descriptor) */
export const maxAcceptSockets = 64;

/** the socket count for `tune.maxaccept` as written (-1: unlimited), or the default */
export function acceptSocketsFor(maxaccept: readonly string[] | undefined): number {
  const written = maxaccept?.[0];
  if (written === undefined) return defaultAcceptSockets;
  const value = Number(written);
  if (!Number.isInteger(value)) return defaultAcceptSockets;
  if (value < 0) return maxAcceptSockets;
  return Math.min(Math.max(value, 1), maxAcceptSockets);
}
