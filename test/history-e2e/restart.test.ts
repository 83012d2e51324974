/**
 * History across a kill -9: a server process on a SQLite file is SIGKILLed the moment an ack
 * reaches the client, started again on the same file, and a new client's `history` must hold
 * every acked message; ids keep going up from there.
 */
import path from 'node:path';
import type { ChatAck, ChatMessage } from '../../lib/protocol/payloads';
import { startChildServer, stopAllChildServers, type ChildServer } from '../helpers/child-server';
import { closePages, ids, NO_LIMITS, openPage, removeTempDirs, tempDir, waitUntil, type Page } from './support';

jest.setTimeout(240_000);

afterEach(async () => {
  closePages();
  await stopAllChildServers();
});
afterAll(removeTempDirs);

/** The chat options of every child: SQLite on `file`, and room in `history` for every message the test sends. */
const onFile = (file: string) => ({ ...NO_LIMITS, history: { sqlite: file }, historyLimit: 1000 });

/** When, after the chosen ack arrived, the test kills the server. */
type KillTiming = 'in the ack callback' | 'on the next turn of the event loop' | 'a few ms later, while the burst flows';
const TIMINGS: KillTiming[] = ['in the ack callback', 'on the next turn of the event loop', 'a few ms later, while the burst flows'];

interface Acked {
  id: number;
  m: string;
}

/**
 * Sends `burst` messages from `page` at once (without waiting for acks) and SIGKILLs `child` when
 * the `killAt`-th ack arrives, at `timing`. Resolves with every ack the client received, including
 * any that arrived after the kill was sent: an ack at all means the server had stored the message.
 */
async function burstThenKill(
  child: ChildServer,
  page: Page,
  texts: string[],
  killAt: number,
  timing: KillTiming,
  delayMs: number,
): Promise<Acked[]> {
  const acked: Acked[] = [];
  let killed = false;
  const kill = (): void => {
    if (killed) return;
    killed = true;
    child.process.kill('SIGKILL');
  };
  for (const m of texts) {
    page.socket.emit('chat', m, (ack: ChatAck) => {
      if (!ack.ok) throw new Error(`"${m}" was refused: ${ack.error.code}`);
      acked.push({ id: ack.id, m });
      if (acked.length !== killAt) return;
      if (timing === 'in the ack callback') kill();
      else if (timing === 'on the next turn of the event loop') setImmediate(kill);
      else setTimeout(kill, delayMs);
    });
  }
  await waitUntil(() => killed, `ack ${killAt} of ${texts.length}`);
  expect(await child.stop('SIGKILL')).toBe('SIGKILL');
  // Acks already on the wire when the process died are still delivered; take them too.
  await waitUntil(() => !page.socket.connected, 'the client to see the server gone');
  return acked;
}

/** Connects a reader with no nickname and no lastId and returns its `history`. */
async function historyOf(child: ChildServer): Promise<ChatMessage[]> {
  const reader = await openPage(child.url, { reconnection: false });
  const [first] = reader.histories;
  expect(first?.meta).toEqual({});
  reader.socket.disconnect();
  return first?.messages ?? [];
}

describe('a server killed with SIGKILL right after an ack', () => {
  it('has every acked message in a new client\'s history after a restart on the same file, and ids keep going up', async () => {
    const file = path.join(tempDir('restart'), 'chat.sqlite');
    const ROUNDS = 20;
    const allAcked: Acked[] = [];
    let seenBefore: ChatMessage[] = [];

    for (let round = 0; round < ROUNDS; round++) {
      const child = await startChildServer(onFile(file));
      const history = await historyOf(child);

      // Nothing that was visible after an earlier restart is lost, and nothing is reordered.
      expect(history.slice(0, seenBefore.length)).toEqual(seenBefore);
      expect(ids(history)).toEqual([...new Set(ids(history))].sort((a, b) => a - b));
      // Every acked message is there, as it was sent.
      const byId = new Map(history.map((message) => [message.id, message]));
      for (const { id, m } of allAcked) {
        expect(byId.get(id)).toEqual({ u: 'alice', m, id, ts: expect.any(Number) });
      }
      seenBefore = history;
      const highestBefore = history.at(-1)?.id ?? 0;

      const alice = await openPage(child.url, { nick: 'alice', reconnection: false });
      expect(alice.sessions).toEqual([{ nick: 'alice' }]);
      const burst = 1 + (round % 5) * 2; // 1, 3, 5, 7, 9 messages
      const killAt = 1 + (round % burst); // the first ack, or one in the middle or at the end
      const timing = TIMINGS[round % TIMINGS.length] as KillTiming;
      const texts = Array.from({ length: burst }, (_, i) => `round ${round} message ${i}`);
      const acked = await burstThenKill(child, alice, texts, killAt, timing, round % 7);

      expect(acked.length).toBeGreaterThanOrEqual(killAt);
      // The ids handed out after the restart are above every id that survived the one before.
      expect(acked[0]?.id).toBeGreaterThan(highestBefore);
      const roundIds = acked.map(({ id }) => id);
      expect(roundIds).toEqual([...roundIds].sort((a, b) => a - b));
      allAcked.push(...acked);
    }

    const final = await startChildServer(onFile(file));
    const history = await historyOf(final);
    expect(history.slice(0, seenBefore.length)).toEqual(seenBefore);
    const stored = new Map(history.map((message) => [message.id, message.m]));
    expect(allAcked.filter(({ id, m }) => stored.get(id) !== m)).toEqual([]);
    expect(allAcked.length).toBeGreaterThanOrEqual(ROUNDS);
    // Ids increased across all twenty restarts.
    const ackedIds = allAcked.map(({ id }) => id);
    expect(ackedIds).toEqual([...ackedIds].sort((a, b) => a - b));
    expect(new Set(ackedIds).size).toBe(ackedIds.length);
  });

  it('keeps, of a burst cut by the kill, a prefix of what was sent that holds every acked message', async () => {
    const file = path.join(tempDir('restart-burst'), 'chat.sqlite');
    const child = await startChildServer(onFile(file));
    const alice = await openPage(child.url, { nick: 'alice', reconnection: false });
    const texts = Array.from({ length: 300 }, (_, i) => `burst ${i}`);
    const acked = await burstThenKill(child, alice, texts, 60, 'in the ack callback', 0);

    const restarted = await startChildServer(onFile(file));
    const history = await historyOf(restarted);
    // One socket's messages are stored in the order sent, so what survived is the start of the burst…
    const survived = history.map((message) => message.m);
    expect(survived).toEqual(texts.slice(0, survived.length));
    // …and it reaches at least as far as the last ack.
    expect(survived.length).toBeGreaterThanOrEqual(acked.length);
    for (const { id, m } of acked) expect(history).toContainEqual({ u: 'alice', m, id, ts: expect.any(Number) });

    // The next message gets an id above every one that survived, acked or not.
    const bob = await openPage(restarted.url, { nick: 'bob', reconnection: false });
    const ack = await bob.socket.timeout(20_000).emitWithAck('chat', 'after the restart');
    expect(ack).toEqual({ ok: true, id: expect.any(Number) });
    expect((ack as { id: number }).id).toBeGreaterThan(history.at(-1)?.id ?? 0);
  });
});
