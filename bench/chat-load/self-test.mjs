/**
 * Checks the load generator end to end against a tiny in-process server that batches like
 * Chatterbox will (`42/chat,["chat:batch",[…]]` to clients whose handshake said `batch: true`,
 * one frame per message to the others): every message must be counted once, in both modes.
 *
 *   node bench/chat-load/self-test.mjs
 */
import { fork } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';

const here = path.dirname(fileURLToPath(import.meta.url));
const BATCH_MS = 5;

const server = http.createServer();
const wss = new WebSocketServer({ server, path: '/socket.io/', perMessageDeflate: false });
const members = new Map();
let pending = [];
let lastId = 0;

wss.on('connection', (ws) => {
  ws.send('0{"sid":"x","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}');
  ws.on('message', (data) => {
    const text = data.toString();
    if (text.startsWith('40/chat,')) {
      const auth = JSON.parse(text.slice(8) || '{}');
      members.set(ws, auth);
      ws.send('40/chat,{"sid":"y"}');
      ws.send('42/chat,["history",[],{}]');
      ws.send(`42/chat,["session",{"nick":${JSON.stringify(auth.nick ?? null)}}]`);
    } else if (text.startsWith('42/chat,')) {
      const [, ackId, json] = /^42\/chat,(\d*)(.*)$/.exec(text);
      const [, payload] = JSON.parse(json);
      const id = ++lastId;
      if (ackId) ws.send(`43/chat,${ackId}[{"ok":true,"id":${id}}]`);
      const message = { u: members.get(ws)?.nick, m: typeof payload === 'string' ? payload : payload.m, id, ts: Date.now() };
      for (const [member, auth] of members) if (!auth.batch) member.send(`42/chat,["chat",${JSON.stringify(message)}]`);
      if (pending.length === 0) setTimeout(flush, BATCH_MS);
      pending.push(message);
    }
  });
  ws.on('close', () => members.delete(ws));
});

function flush() {
  const frame = `42/chat,["chat:batch",${JSON.stringify(pending)}]`;
  pending = [];
  for (const [member, auth] of members) if (auth.batch) member.send(frame);
}

await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address();
const generator = fork(path.join(here, 'load-generator.mjs'), [], { stdio: 'inherit' });
await new Promise((resolve) => generator.once('message', resolve));

let failures = 0;
for (const batch of [false, true]) {
  generator.send({
    id: 1,
    type: 'fanout',
    port,
    serverPid: process.pid,
    quietPids: [],
    serverCore: 0,
    generatorCore: 1,
    sizes: [20, 50],
    senders: 3,
    rate: 100,
    msgBytes: 64,
    warmupMs: 100,
    windowMs: 500,
    drainMs: 1000,
    batch,
    readyOn: 'session',
    readersLogIn: false,
    connectConcurrency: 50,
    connectTimeoutMs: 5000,
    saturation: null,
    deadline: Date.now() + 60_000,
  });
  const answer = await new Promise((resolve) => generator.once('message', resolve));
  if (!answer.ok) {
    failures++;
    console.log(`batch:${batch} FAILED: ${answer.error}`);
    continue;
  }
  for (const { readers, fixed } of answer.result.sizes) {
    const ok = fixed.lost === 0 && fixed.delivered === fixed.expected && fixed.samples === fixed.expected && fixed.gaps === 0;
    if (!ok) failures++;
    console.log(
      `batch:${batch} ${readers} readers: ${fixed.delivered}/${fixed.expected} delivered, p50 ${fixed.p50?.toFixed(2)} ms, ` +
        `reordered ${answer.result.reordered} ${ok ? 'ok' : 'FAILED'}`,
    );
  }
}
generator.disconnect();
server.close();
wss.close();
for (const ws of members.keys()) ws.terminate();
process.exitCode = failures === 0 ? 0 : 1;
