/**
 * Where a benchmark server's memory per idle logged-in connection goes (issue #15): starts one of
 * the servers of `run.mjs` (Chatterbox by default), takes a heap snapshot empty and another with N
 * clients logged in (bare `ws` clients in this process, waves of 250), and prints the heap growth
 * per connection grouped by V8 node type and constructor, largest first.
 *
 *   npm run build:lib && node bench/heap-per-socket.mjs [--server chatterbox|socketio-floor|raw-ws]
 *     [--clients 1000] [--top 40] [--retainers Constructor] [--no-snapshot] [--lurkers] [--idle-ms 10000]
 */
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { spawnNode, killChild } from './chat-load/children.mjs';
import { WireClient, eventName } from './chat-load/wire-client.mjs';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : fallback;
};
const serverName = arg('server', 'chatterbox');
const clients = Number(arg('clients', '1000'));
const top = Number(arg('top', '40'));
// `--retainers Name`: also print what holds the objects of constructor Name (edge and holder).
const retainersOf = arg('retainers', undefined);
// `--no-snapshot`: RSS and heap only (a snapshot itself raises the RSS it would measure).
const snapshots = !args.includes('--no-snapshot');
// `--lurkers`: connect without a nickname (no login, so no presence traffic while they arrive).
const lurkers = args.includes('--lurkers');
// What counts as logged in: Chatterbox's `session`, the others' namespace CONNECT.
const readyOn = serverName === 'chatterbox' && !args.includes('--lurkers') ? 'session' : 'connect';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(path.join(os.tmpdir(), 'heap-per-socket-'));
const child = spawnNode(['--expose-gc', '--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${dir}`, path.join(here, 'chat-load/servers', `${serverName}.mjs`)], {
  core: null,
  nofile: 20000,
  env: {},
  stdio: ['pipe', 'pipe', 'inherit'],
});
child.stdout.setEncoding('utf8');
const [line] = await once(child.stdout, 'data');
const port = Number(/READY (\d+)/.exec(line)?.[1]);

async function memory() {
  const response = await fetch(`http://127.0.0.1:${port}/__bench/memory`);
  return response.json();
}

/** Has the child write a heap snapshot (--heapsnapshot-signal) and summarises it. */
async function snapshot(label) {
  // GC first (the memory endpoint collects twice), then the snapshot, which collects again.
  await memory();
  const before = new Set(readdirSync(dir));
  child.kill('SIGUSR2');
  for (let i = 0; i < 600; i++) {
    await sleep(100);
    const fresh = readdirSync(dir).filter((f) => !before.has(f) && f.endsWith('.heapsnapshot'));
    if (fresh.length > 0) {
      // The file is written in pieces: parse once it is whole.
      const file = path.join(dir, fresh[0]);
      let parsed;
      while (parsed === undefined) {
        await sleep(300);
        try {
          parsed = JSON.parse(readFileSync(file, 'utf8'));
        } catch {
          // not complete yet
        }
      }
      process.stderr.write(`snapshot ${label}: ${file}\n`);
      return summarise(parsed);
    }
  }
  throw new Error('no heap snapshot was written');
}

/** Self size and count per "type:name" (objects by constructor, closures by function name). */
function summarise(snap) {
  const { node_fields: fields, node_types: [types] } = snap.snapshot.meta;
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const totals = new Map();
  const { nodes, strings, edges } = snap;
  // Arrays (property and element backing stores, listener lists, hash tables) are told apart by
  // what holds them: "array:<holder>.<edge>".
  const edgeFields = snap.snapshot.meta.edge_fields;
  const edgeWidth = edgeFields.length;
  const edgeTypes = snap.snapshot.meta.edge_types[0];
  const edgeCountAt = fields.indexOf('edge_count');
  const holderOf = new Map();
  const retainers = new Map();
  for (let i = 0, e = 0; i < nodes.length; i += width) {
    const count = nodes[i + edgeCountAt];
    const holderType = types[nodes[i + typeAt]];
    for (let k = 0; k < count; k++, e += edgeWidth) {
      const target = edges[e + 2];
      if (retainersOf !== undefined && strings[nodes[target + nameAt]] === retainersOf && types[nodes[target + typeAt]] === 'object') {
        const edgeType = edgeTypes[edges[e]];
        const via = `${holderType}:${strings[nodes[i + nameAt]].slice(0, 40)} .${edgeType === 'element' || edgeType === 'hidden' ? `[${edgeType}]` : strings[edges[e + 1]]}`;
        retainers.set(via, (retainers.get(via) ?? 0) + 1);
      }
      if (holderOf.has(target)) continue;
      const edgeType = edgeTypes[edges[e]];
      const edgeName = edgeType === 'element' || edgeType === 'hidden' ? `[${edgeType}]` : strings[edges[e + 1]];
      holderOf.set(target, { holder: i, label: `${holderType}:${strings[nodes[i + nameAt]].slice(0, 30)}.${edgeName}` });
    }
  }
  // "holder's holder edge > holder.edge" for arrays and code: which object a backing store is of.
  const labelOf = (i) => {
    const held = holderOf.get(i);
    if (held === undefined) return '';
    const outer = holderOf.get(held.holder);
    return outer === undefined ? held.label : `${outer.label.split('.').pop()} > ${held.label}`;
  };
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + typeAt]];
    let name = type === 'array' || type === 'code' ? labelOf(i) : type === 'object' || type === 'closure' || type === 'native' ? strings[nodes[i + nameAt]] : '';
    if (name.length > 60) name = `${name.slice(0, 57)}...`;
    const key = `${type}:${name}`;
    const entry = totals.get(key) ?? { size: 0, count: 0 };
    entry.size += nodes[i + sizeAt];
    entry.count += 1;
    totals.set(key, entry);
  }
  totals.retainers = retainers;
  return totals;
}

const sink = {
  ready: 0,
  connected(client) {
    if (readyOn === 'connect' && !client.ready) {
      client.ready = true;
      this.ready++;
    }
  },
  event(client, data) {
    if (readyOn !== 'connect' && !client.ready && eventName(data) === readyOn) {
      client.ready = true;
      this.ready++;
    }
  },
  ack() {},
  failed(_client, reason) {
    process.stderr.write(`client failed: ${reason}\n`);
  },
  closed() {},
};

try {
  await sleep(300);
  const empty = snapshots ? await snapshot('empty') : new Map();
  const memEmpty = await memory();
  const held = [];
  for (let start = 0; start < clients; start += 250) {
    const wave = Math.min(250, clients - start);
    const target = sink.ready + wave;
    for (let i = 0; i < wave; i++) held.push(new WireClient(port, lurkers ? {} : { nick: `u${start + i}` }, sink, start + i));
    while (sink.ready < target) await sleep(20);
  }
  await sleep(1000);
  const full = snapshots ? await snapshot(`${clients} clients`) : new Map();
  const memFull = await memory();
  // Idle CPU with the clients held: only Engine.IO heartbeats (pingInterval 25 s) run.
  const idleMs = Number(arg('idle-ms', '10000'));
  const cpuBefore = await (await fetch(`http://127.0.0.1:${port}/__bench/cpu`)).json();
  await sleep(idleMs);
  const cpuAfter = await (await fetch(`http://127.0.0.1:${port}/__bench/cpu`)).json();
  const cpuUs = cpuAfter.user + cpuAfter.system - cpuBefore.user - cpuBefore.system;
  const idleCpu = ((cpuUs / 1000 / (cpuAfter.uptimeMs - cpuBefore.uptimeMs)) * 100).toFixed(2);
  const per = (a, b) => ((b - a) / clients / 1024).toFixed(2);
  console.log(`${serverName}, ${clients} idle ${lurkers ? 'anonymous' : 'logged-in'} clients${snapshots ? '' : ' (no snapshots)'}: RSS ${per(memEmpty.rss, memFull.rss)} KB, heapUsed ${per(memEmpty.heapUsed, memFull.heapUsed)} KB, external ${per(memEmpty.external, memFull.external)} KB, arrayBuffers ${per(memEmpty.arrayBuffers, memFull.arrayBuffers)} KB per connection; RSS ${(memFull.rss / 1048576).toFixed(0)} MB; idle CPU ${idleCpu} % of a core over ${idleMs / 1000} s`);
  const rows = [];
  let total = 0;
  for (const [key, entry] of full) {
    const base = empty.get(key) ?? { size: 0, count: 0 };
    const bytes = entry.size - base.size;
    total += bytes;
    rows.push({ key, bytes, count: entry.count - base.count });
  }
  rows.sort((a, b) => b.bytes - a.bytes);
  console.log(`snapshot growth: ${(total / clients).toFixed(0)} B per connection`);
  console.log('B/conn  count/conn  type:constructor');
  for (const row of rows.slice(0, top)) {
    console.log(`${(row.bytes / clients).toFixed(0).padStart(6)}  ${(row.count / clients).toFixed(2).padStart(10)}  ${row.key}`);
  }
  if (retainersOf !== undefined) {
    console.log(`what holds ${retainersOf} (count, holder .edge):`);
    for (const [via, count] of [...full.retainers].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${String(count).padStart(6)}  ${via}`);
  }
  for (const client of held) client.terminate();
} finally {
  await killChild(child);
  rmSync(dir, { recursive: true, force: true });
}
