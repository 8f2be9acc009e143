// The desired LVS table of a virtual server through quorum, hysteresis, sorry_server,
// inhibit_on_failure, misc_dynamic weights and shutdown. The expected log lines and table changes
// are what keepalived 2.2.7 printed and sent to IPVS for the same config and the same sequence of
// real-server failures (run in a namespace with its IPVS calls recorded).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keepalivedChecks } from '../check/from-keepalived.ts';
import { loadText } from '../config/keepalived/testing.ts';
import { diffTables, virtualServerPolicy, VirtualServerState, type RealServerView, type TableChange, type Transition } from './virtual-server-state.ts';

const rs100 = 'vs:198.51.100.15:80/198.51.100.100:80';
const rs200 = 'vs:198.51.100.15:80/198.51.100.200:80';

function build(virtualServerBody: string): VirtualServerState {
  const loaded = loadText(`virtual_server 198.51.100.15 80 {\n  delay_loop 2\n  lb_algo rr\n  lb_kind DR\n  protocol TCP\n${virtualServerBody}\n}\n`);
  assert.deepEqual(loaded.errors, []);
  const checks = keepalivedChecks(loaded.config);
  const first = checks.virtualServers[0];
  assert.ok(first);
  return new VirtualServerState(virtualServerPolicy(first).policy);
}

function views(up: Record<string, boolean>, weights: Record<string, number> = {}): RealServerView[] {
  return Object.entries(up).map(([id, isUp]) => ({ id, up: isUp, weight: weights[id] ?? (id === rs200 ? 2 : 1), lastCheck: {} }));
}

/** IPVS-call style, as the recording shim printed keepalived's: `ADDDEST 198.51.100.5:80 weight=1` */
function ops(changes: readonly TableChange[]): string[] {
  return changes.map((c) => `${c.op === 'add' ? 'ADDDEST' : c.op === 'remove' ? 'DELDEST' : 'EDITDEST'} ${c.entry.address}:${c.entry.port ?? 0} weight=${c.entry.weight}`);
}

function scripts(t: Transition): string[] {
  return t.actions.map((a) => ('server' in a ? `${a.kind} ${a.server}` : a.kind));
}

const quorumConfig = `
  quorum 2
  hysteresis 1
  omega
  sorry_server 198.51.100.5 80
  quorum_up "/tmp/note.sh quorum_up"
  quorum_down "/tmp/note.sh quorum_down"
  real_server 198.51.100.100 80 {
    weight 1
    notify_up "/tmp/note.sh up 100"
    notify_down "/tmp/note.sh down 100"
    TCP_CHECK {
      connect_timeout 1
      retry 2
      delay_before_retry 1
    }
  }
  real_server 198.51.100.200 80 {
    weight 2
    inhibit_on_failure
    notify_up "/tmp/note.sh up 200"
    notify_down "/tmp/note.sh down 200"
    TCP_CHECK {
      connect_timeout 1
      retry 2
      delay_before_retry 1
    }
  }`;

describe('VirtualServerState', () => {
  it('follows keepalived 2.2.7 through quorum loss, the sorry server and recovery with hysteresis', () => {
    const vs = build(quorumConfig);
    const start = vs.start(views({ [rs100]: true, [rs200]: true }));
    assert.deepEqual(start.logs, ['Gained quorum 2+1=3 <= 3 for VS [198.51.100.15]:tcp:80']);
    assert.deepEqual(ops(start.changes), ['ADDDEST 198.51.100.100:80 weight=1', 'ADDDEST 198.51.100.200:80 weight=2']);
    assert.deepEqual(scripts(start), ['quorum-up']);

    // .100 fails: 2 left, above quorum - hysteresis = 1, so the quorum holds
    const down100 = vs.update(views({ [rs100]: false, [rs200]: true }));
    assert.deepEqual(down100.logs, ['Removing service [198.51.100.100]:tcp:80 from VS [198.51.100.15]:tcp:80']);
    assert.deepEqual(ops(down100.changes), ['DELDEST 198.51.100.100:80 weight=1']);
    assert.deepEqual(scripts(down100), [`notify-down ${rs100}`]);

    // .200 (inhibit_on_failure) fails: weight 0, quorum lost, the sorry server takes over
    const down200 = vs.update(views({ [rs100]: false, [rs200]: false }));
    assert.deepEqual(down200.logs, [
      'Disabling service [198.51.100.200]:tcp:80 of VS [198.51.100.15]:tcp:80',
      'Lost quorum 2-1=1 > 0 for VS [198.51.100.15]:tcp:80',
      'Adding sorry server [198.51.100.5]:tcp:80 to VS [198.51.100.15]:tcp:80',
      'Removing alive servers from the pool for VS [198.51.100.15]:tcp:80',
    ]);
    assert.deepEqual(ops(down200.changes), ['ADDDEST 198.51.100.5:80 weight=1', 'EDITDEST 198.51.100.200:80 weight=0']);
    assert.deepEqual(scripts(down200), [`notify-down ${rs200}`, 'quorum-down']);

    // .100 back: weight 1 < quorum + hysteresis = 3, so the sorry server stays and .100 waits
    const up100 = vs.update(views({ [rs100]: true, [rs200]: false }));
    assert.deepEqual(up100.logs, ['Adding service [198.51.100.100]:tcp:80 to VS [198.51.100.15]:tcp:80']);
    assert.deepEqual(ops(up100.changes), []);
    assert.equal(up100.quorumUp, false);
    assert.deepEqual(scripts(up100), [`notify-up ${rs100}`]);

    // .200 back: 3 >= 3, the quorum is regained, the sorry server leaves, both return
    const up200 = vs.update(views({ [rs100]: true, [rs200]: true }));
    assert.deepEqual(up200.logs, [
      'Enabling service [198.51.100.200]:tcp:80 of VS [198.51.100.15]:tcp:80',
      'Gained quorum 2+1=3 <= 3 for VS [198.51.100.15]:tcp:80',
      'Removing sorry server [198.51.100.5]:tcp:80 from VS [198.51.100.15]:tcp:80',
      'Adding alive servers to the pool for VS [198.51.100.15]:tcp:80',
    ]);
    assert.deepEqual(ops(up200.changes), ['ADDDEST 198.51.100.100:80 weight=1', 'EDITDEST 198.51.100.200:80 weight=2', 'DELDEST 198.51.100.5:80 weight=1']);
    assert.deepEqual(scripts(up200), [`notify-up ${rs200}`, 'quorum-up']);

    // omega: shutdown runs notify_down for live servers and quorum_down
    const stop = vs.stop();
    assert.deepEqual(stop.logs, [
      'Shutting down service [198.51.100.100]:tcp:80 from VS [198.51.100.15]:tcp:80',
      'Shutting down service [198.51.100.200]:tcp:80 from VS [198.51.100.15]:tcp:80',
    ]);
    assert.deepEqual(ops(stop.changes), ['DELDEST 198.51.100.100:80 weight=1', 'DELDEST 198.51.100.200:80 weight=2']);
    assert.deepEqual(scripts(stop), [`notify-down ${rs100}`, `notify-down ${rs200}`, 'quorum-down']);
    assert.deepEqual(stop.table, []);
  });

  it('without a sorry server keeps live servers in when the quorum is lost', () => {
    const vs = build(`
  quorum 3
  real_server 198.51.100.100 80 {
    weight 1
  }
  real_server 198.51.100.200 80 {
    weight 2
  }`);
    vs.start(views({ [rs100]: true, [rs200]: true }));
    const t = vs.update(views({ [rs100]: true, [rs200]: false }));
    assert.deepEqual(t.logs, ['Removing service [198.51.100.200]:tcp:80 from VS [198.51.100.15]:tcp:80', 'Lost quorum 3-0=3 > 1 for VS [198.51.100.15]:tcp:80']);
    assert.deepEqual(t.table.map((e) => `${e.address} ${e.weight}`), ['198.51.100.100 1']);
  });

  it('starts with the sorry server when alpha servers have not passed a check yet', () => {
    const vs = build(`
  alpha
  sorry_server 198.51.100.5 80
  real_server 198.51.100.100 80 {
    weight 1
    TCP_CHECK {
    }
  }`);
    const start = vs.start([{ id: rs100, up: false, weight: 1 }]);
    assert.deepEqual(start.logs, [
      'Starting with quorum down 1-0=1 > 0 for VS [198.51.100.15]:tcp:80',
      'Adding sorry server [198.51.100.5]:tcp:80 to VS [198.51.100.15]:tcp:80',
      'Removing alive servers from the pool for VS [198.51.100.15]:tcp:80',
    ]);
    assert.deepEqual(ops(start.changes), ['ADDDEST 198.51.100.5:80 weight=1']);
    const up = vs.update([{ id: rs100, up: true, weight: 1, lastCheck: {} }]);
    assert.deepEqual(ops(up.changes), ['ADDDEST 198.51.100.100:80 weight=1', 'DELDEST 198.51.100.5:80 weight=1']);
  });

  it('keeps an inhibited sorry server at weight 0 while the quorum holds', () => {
    const vs = build(`
  sorry_server 198.51.100.5 80
  sorry_server_inhibit
  real_server 198.51.100.100 80 {
    weight 1
    TCP_CHECK {
    }
  }`);
    const start = vs.start([{ id: rs100, up: true, weight: 1 }]);
    assert.deepEqual(ops(start.changes), ['ADDDEST 198.51.100.100:80 weight=1', 'ADDDEST 198.51.100.5:80 weight=0']);
    const down = vs.update([{ id: rs100, up: false, weight: 1, lastCheck: {} }]);
    assert.deepEqual(down.logs.slice(1, 3), ['Lost quorum 1-0=1 > 0 for VS [198.51.100.15]:tcp:80', 'Enabling sorry server [198.51.100.5]:tcp:80 to VS [198.51.100.15]:tcp:80']);
    assert.deepEqual(ops(down.changes), ['EDITDEST 198.51.100.5:80 weight=1', 'DELDEST 198.51.100.100:80 weight=1']);
  });

  it('follows misc_dynamic weights with keepalived\'s "Changing weight" line and edits', () => {
    const vs = build(`
  real_server 198.51.100.100 80 {
    weight 5
    MISC_CHECK {
      misc_path /bin/true
      misc_dynamic
    }
  }`);
    vs.start([{ id: rs100, up: true, weight: 5 }]);
    const to10 = vs.update([{ id: rs100, up: true, weight: 10, lastCheck: {} }]);
    assert.deepEqual(to10.logs, ['Changing weight from 5 to 10 for active service [198.51.100.100]:tcp:80 of VS [198.51.100.15]:tcp:80']);
    assert.deepEqual(ops(to10.changes), ['EDITDEST 198.51.100.100:80 weight=10']);
    const down = vs.update([{ id: rs100, up: false, weight: 10, lastCheck: {} }]);
    assert.deepEqual(down.logs, ['Removing service [198.51.100.100]:tcp:80 from VS [198.51.100.15]:tcp:80', 'Lost quorum 1-0=1 > 0 for VS [198.51.100.15]:tcp:80']);
  });

  it('warns and corrects a quorum above the total weight and a hysteresis not below the quorum', () => {
    const loaded = loadText(`virtual_server 198.51.100.15 80 {\n quorum 9\n hysteresis 9\n real_server 198.51.100.100 80 {\n weight 3\n }\n}\n`);
    const first = keepalivedChecks(loaded.config).virtualServers[0];
    assert.ok(first);
    const { policy, warnings } = virtualServerPolicy(first);
    assert.equal(policy.quorum, 3);
    assert.equal(policy.hysteresis, 2);
    assert.equal(warnings.length, 2);
  });
});

describe('diffTables', () => {
  it('orders adds before edits before removes', () => {
    const a = { id: 'a', address: '198.51.100.100', port: 80, weight: 1, sorry: false };
    const b = { id: 'b', address: '198.51.100.200', port: 80, weight: 2, sorry: false };
    const s = { id: 's', address: '198.51.100.5', port: 80, weight: 1, sorry: true };
    assert.deepEqual(
      diffTables([a, b], [{ ...b, weight: 3 }, s]).map((c) => `${c.op} ${c.entry.id}`),
      ['add s', 'edit b', 'remove a'],
    );
  });
});
