import { closeAll, recordEvents, settle, startChat, type TestSocket } from '../helpers/chat-server';

afterEach(closeAll);

/** The chat messages a client saw, whether alone or inside `batch` frames, in arrival order. */
function messagesSeen(events: Array<[string, ...unknown[]]>): unknown[] {
  const seen: unknown[] = [];
  for (const [event, ...args] of events) {
    if (event === 'chat') seen.push(args[0]);
    if (event === 'batch') for (const [name, payload] of args[0] as Array<[string, unknown]>) if (name === 'chat') seen.push(payload);
  }
  return seen;
}

async function burst(sender: TestSocket, count: number): Promise<number[]> {
  const acks = await Promise.all(Array.from({ length: count }, (_, i) => sender.emitWithAck('chat', `m${i}`)));
  return acks.map((ack) => (ack.ok ? ack.id : -1));
}

describe('batching', () => {
  const limitsOff = { messageRate: false, eventRate: false } as const;

  it('sends a message in an idle room at once, as a plain chat event, to a batch client', async () => {
    const chat = await startChat(limitsOff);
    const reader = await chat.connect({ auth: { batch: true } });
    const events = recordEvents(reader);
    const sender = await chat.login('alice');
    const ack = await sender.emitWithAck('chat', 'hello');
    await settle(50);
    expect(events).toEqual([
      ['enter', 'alice'],
      ['chat', { u: 'alice', m: 'hello', id: ack.ok ? ack.id : -1, ts: expect.any(Number) }],
    ]);
  });

  it('coalesces a burst into batch frames for a batch client, in order, with every message once', async () => {
    const chat = await startChat(limitsOff);
    const reader = await chat.connect({ auth: { batch: true } });
    const sender = await chat.login('alice');
    await settle(20);
    const events = recordEvents(reader);
    const ids = await burst(sender, 40);
    await settle(100);
    expect(messagesSeen(events).map((message) => (message as { id: number }).id)).toEqual(ids);
    expect(events.some(([event]) => event === 'batch')).toBe(true);
    expect(events.length).toBeLessThan(40);
  });

  it('gives a client that did not ask for batches one chat event per message', async () => {
    const chat = await startChat(limitsOff);
    const reader = await chat.connect();
    const sender = await chat.login('alice');
    await settle(20);
    const events = recordEvents(reader);
    const ids = await burst(sender, 40);
    await settle(100);
    expect(events.map(([event]) => event)).toEqual(Array(40).fill('chat'));
    expect(messagesSeen(events).map((message) => (message as { id: number }).id)).toEqual(ids);
  });

  it('sends one event per frame to everyone with batchWindowMs: 0', async () => {
    const chat = await startChat({ ...limitsOff, batchWindowMs: 0 });
    const reader = await chat.connect({ auth: { batch: true } });
    const sender = await chat.login('alice');
    await settle(20);
    const events = recordEvents(reader);
    await burst(sender, 20);
    await settle(50);
    expect(events.map(([event]) => event)).toEqual(Array(20).fill('chat'));
  });

  it('coalesces enter events of a join storm for batch clients', async () => {
    // A wide window: these joins arrive over a few hundred ms, not all in one event-loop turn.
    const chat = await startChat({ ...limitsOff, loginRate: false, maxConnectionsPerAddress: 0, batchWindowMs: 200 });
    const reader = await chat.connect({ auth: { batch: true } });
    await settle(20);
    const events = recordEvents(reader);
    await Promise.all(Array.from({ length: 20 }, (_, i) => chat.connect({ auth: { nick: `user${i}`, batch: true } })));
    await settle(300);
    const entered: unknown[] = [];
    for (const [event, ...args] of events) {
      if (event === 'enter') entered.push(args[0]);
      if (event === 'batch') for (const [name, nick] of args[0] as Array<[string, unknown]>) if (name === 'enter') entered.push(nick);
    }
    expect(new Set(entered)).toEqual(new Set(Array.from({ length: 20 }, (_, i) => `user${i}`)));
    expect(events.length).toBeLessThan(20);
  });
});
