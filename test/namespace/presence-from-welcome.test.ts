/**
 * The original protocol's clients hear `enter`/`exit` from the moment they are told who is here,
 * at their login (a reader: at its welcome) (issue #15): what happened before is in the `users`
 * list they are sent, so a crowd arriving while they connect is not announced to them one by one.
 */
import { MemoryStore } from '../../lib/history/memory-store';
import type { ChatMessage } from '../../lib/protocol/payloads';
import { closeRawClients, recordedClient } from '../helpers/raw-socket';
import { closeAll, NO_LIMITS, nextEvent, settle, startChat } from '../helpers/chat-server';

afterEach(async () => {
  closeRawClients();
  await closeAll();
});

/** A store whose newest messages take 60 ms to read, as under load: others log in while a client waits for its history. */
class SlowStore extends MemoryStore {
  override async latest(room: string, limit: number): Promise<ChatMessage[]> {
    await settle(60);
    return super.latest(room, limit);
  }
}

/** Who a plain client believes is here: its last `users` list, then every `enter`/`exit` after it. */
function believedPresent(events: Array<[string, ...unknown[]]>): string[] {
  let present = new Set<string>();
  for (const [name, ...args] of events) {
    if (name === 'users' && args[1] === undefined) present = new Set(args[0] as string[]);
    else if (name === 'enter' && args[1] === undefined) present.add(args[0] as string);
    else if (name === 'exit' && args[1] === undefined) present.delete(args[0] as string);
  }
  return [...present].sort();
}

describe('presence for the original protocol, from the welcome on', () => {
  it('announces a handshake login to its own client too, before the list and the session', async () => {
    const chat = await startChat(NO_LIMITS);
    await chat.connect({ auth: { nick: 'ann' } });
    const { socket, events } = recordedClient(chat, { auth: { nick: 'bob' } });
    socket.connect();
    await nextEvent(socket, 'session');
    expect(events.map(([name]) => name)).toEqual(['history', 'enter', 'users', 'session']);
    expect(events[1]).toEqual(['enter', 'bob']);
    expect(events[2]).toEqual(['users', ['ann', 'bob']]);
  });

  it('still tells a reader of every login after its list', async () => {
    const chat = await startChat(NO_LIMITS);
    const { socket, events } = recordedClient(chat);
    socket.connect();
    await nextEvent(socket, 'users');
    await chat.connect({ auth: { nick: 'cat' } });
    await settle(50);
    expect(events.map(([name]) => name)).toEqual(['history', 'session', 'users', 'enter']);
    expect(believedPresent(events)).toEqual(['cat']);
  });

  it('gives everyone of a crowd arriving at once the whole crowd', async () => {
    const chat = await startChat({ ...NO_LIMITS, history: new SlowStore() });
    const count = 40;
    const names = Array.from({ length: count }, (_, i) => `guest${String(i).padStart(2, '0')}`);
    const clients = names.map((nick) => recordedClient(chat, { auth: { nick } }));
    for (const { socket } of clients) {
      socket.connect();
      await settle(5);
    }
    for (let waited = 0; !clients.every(({ events }) => events.some(([name]) => name === 'session')); waited += 20) {
      if (waited > 5000) throw new Error('not every client had its session within 5 s');
      await settle(20);
    }
    await settle(100);
    for (const { events } of clients) expect(believedPresent(events)).toEqual(names);
  });

  it('does not announce the logins made while its history was read: its list has them', async () => {
    const chat = await startChat({ ...NO_LIMITS, history: new SlowStore() });
    const readers = await Promise.all(['amy', 'ben', 'cal'].map(async (nick) => ({ nick, socket: await chat.connect() })));
    const { socket, events } = recordedClient(chat, { auth: { nick: 'xavier' } });
    socket.connect();
    await settle(20); // its history is being read (60 ms)
    for (const { nick, socket: reader } of readers) expect(await reader.emitWithAck('login', nick)).toMatchObject({ ok: true });
    await nextEvent(socket, 'session');
    expect(events.map(([name]) => name)).toEqual(['history', 'enter', 'users', 'session']);
    expect(events[1]).toEqual(['enter', 'xavier']);
    expect(events[2]).toEqual(['users', ['amy', 'ben', 'cal', 'xavier']]);
  });
});
