/** `npm run example:cluster`'s script: three example processes behave, for every user, as one chat. */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { io as connectClient } from 'socket.io-client';
import type { ChatMessage } from '../../lib/protocol/payloads';
import { nextEvent, recordEvents, type TestSocket } from '../helpers/chat-server';
import { describeWithService, POSTGRES_URL, REDIS_URL } from '../helpers/services';
import { deleteKeys, waitFor } from './cluster-harness';
import { freePort } from './private-redis';

jest.setTimeout(90_000);

const ROOT = path.join(__dirname, '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'example-cluster.mjs');

describeWithService('redis', 'example:cluster (Redis)', () => {
  describeWithService('postgres', 'example:cluster', () => {
    const id = `${process.pid}_${randomBytes(4).toString('hex')}`;
    // The example keeps its default table; a schema of the test's own holds it.
    const schema = `example_cluster_${id}`;
    const prefix = `chatterbox-test:${id}:`;
    let script: ChildProcess | undefined;
    const sockets: TestSocket[] = [];

    beforeAll(async () => {
      if (!fs.existsSync(path.join(ROOT, 'example-app', 'dist', 'server.js'))) throw new Error('run "npm run build" first (npm test does)');
      const pg = new Client({ connectionString: POSTGRES_URL });
      await pg.connect();
      await pg.query(`CREATE SCHEMA ${schema}`);
      await pg.end();
    });

    afterAll(async () => {
      for (const socket of sockets) socket.disconnect();
      if (script?.exitCode === null) script.kill('SIGKILL');
      await deleteKeys(REDIS_URL, prefix);
      const pg = new Client({ connectionString: POSTGRES_URL });
      await pg.connect();
      await pg.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await pg.end();
    });

    it('serves one chat on three ports and stops every process on SIGINT', async () => {
      const ports = [await freePort(), await freePort(), await freePort()];
      const databaseUrl = new URL(POSTGRES_URL);
      databaseUrl.searchParams.set('options', `-c search_path=${schema}`);
      const child = spawn(process.execPath, [SCRIPT], {
        env: { ...process.env, PORTS: ports.join(','), REDIS_URL, REDIS_KEY_PREFIX: prefix, DATABASE_URL: databaseUrl.toString() },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      script = child;
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      await waitFor('three example processes', () => (output.match(/Example app listening/g) ?? []).length === 3, 30_000);

      const clients: TestSocket[] = [];
      for (const [i, port] of ports.entries()) {
        const socket: TestSocket = connectClient(`http://127.0.0.1:${port}/chat`, { transports: ['websocket'], forceNew: true, reconnection: false });
        sockets.push(socket);
        await nextEvent(socket, 'session', 10_000);
        const ack = await socket.timeout(10_000).emitWithAck('login', `tab${i}`);
        expect(ack.ok).toBe(true);
        clients.push(socket);
      }
      const recorded = clients.map((socket) => recordEvents(socket));
      const last = await clients[2]!.timeout(10_000).emitWithAck('login', 'tab2');
      expect(last.ok && [...last.users].sort()).toEqual(['tab0', 'tab1', 'tab2']);
      const texts = (events: Array<[string, ...unknown[]]>) =>
        events.filter(([name]) => name === 'chat').map(([, line]) => (line as ChatMessage).m);
      // Pub/sub orders each sender's messages, not different senders' on different nodes: send the
      // next tab's message once the previous one has reached every tab.
      for (const [i, socket] of clients.entries()) {
        const ack = await socket.timeout(10_000).emitWithAck('chat', `hello from tab${i}`);
        expect(ack.ok).toBe(true);
        await waitFor(`tab${i}'s message in every tab`, () => recorded.every((events) => texts(events).length >= i + 1));
      }
      for (const events of recorded) expect(texts(events)).toEqual(['hello from tab0', 'hello from tab1', 'hello from tab2']);

      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect((output.match(/exited \(0\)/g) ?? []).length).toBe(3);
    });
  });
});
