// A child process for cleanup.test.ts: a test process that dies in the middle of a lab.
//
//   node test/netns/interrupted-lab.ts --end wait|throw|exit
//
// It builds a two-host lab, starts a tracked `sleep` in one host, prints one JSON line
// {"prefix", "namespaces", "sleeperPid", "logDir"} and then ends as told, without calling lab.down():
//   wait   until a signal arrives (the parent sends SIGINT, SIGTERM or SIGKILL); 30 s at most
//   throw  an uncaught exception
//   exit   process.exit(3)

import { parseArgs } from 'node:util';
import { Lab } from '../lib/netns.ts';

const ENDINGS = ['wait', 'throw', 'exit'] as const;
type Ending = (typeof ENDINGS)[number];

async function main(ending: Ending): Promise<void> {
  const lab = await Lab.create('interrupted');
  const lan = lab.switch('lan');
  const a = lab.host('a').link(lan, { ifname: 'eth0', addresses: ['198.51.100.10/24'] });
  lab.host('b').link(lan, { ifname: 'eth0', addresses: ['198.51.100.20/24'] });
  await lab.up();
  const sleeper = a.spawn(['sleep', '30'], { name: 'sleeper' });
  const namespaces = [...lab.hosts, ...lab.switches].map((node) => node.netns);
  process.stdout.write(`${JSON.stringify({ prefix: lab.prefix, namespaces, sleeperPid: sleeper.pid, logDir: lab.logDir })}\n`);

  if (ending === 'throw') setImmediate(() => {
    throw new Error('deliberate uncaught exception');
  });
  else if (ending === 'exit') process.exit(3);
  // Bounded: a parent that forgets us must not leave us running.
  else setTimeout(() => process.exit(4), 30_000);
}

const { values } = parseArgs({ options: { end: { type: 'string' } } });
const ending = ENDINGS.find((candidate) => candidate === values.end);
if (ending !== undefined) {
  await main(ending);
} else if (process.env['NODE_TEST_CONTEXT'] === undefined) {
  // Under `node --test` with no arguments (which runs every .ts below test/) do nothing.
  process.stderr.write(`usage: interrupted-lab.ts --end ${ENDINGS.join('|')}\n`);
  process.exit(2);
}
