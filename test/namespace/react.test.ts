/** The `react` event: toggle one emoji per user on a message; the room gets `reactions({ id, counts })`. */
import { io as connectClient } from 'socket.io-client';
import { closeAll, emitAnyWithAck, nextEvent, recordEvents, settle, startChat, type TestChat, type TestSocket } from '../helpers/chat-server';

afterEach(closeAll);

async function send(socket: TestSocket, text: string): Promise<number> {
  const ack = await socket.emitWithAck('chat', text);
  if (!ack.ok) throw new Error(`not sent: ${ack.error.code}`);
  return ack.id;
}

describe('react', () => {
  it('acks { ok, id, counts, reacted }, tells the room reactions({ id, counts }), and history carries the counts', async () => {
    const chat = await startChat();
    const alice = await chat.login('alice');
    const bob = await chat.login('bob');
    const id = await send(alice, 'lunch?');
    await settle();
    const [aliceEvents, bobEvents] = [recordEvents(alice), recordEvents(bob)];
    expect(await bob.emitWithAck('react', { id, emoji: '👍' })).toEqual({ ok: true, id, counts: { '👍': 1 }, reacted: true });
    expect(await alice.emitWithAck('react', { id, emoji: '👍' })).toEqual({ ok: true, id, counts: { '👍': 2 }, reacted: true });
    expect(await bob.emitWithAck('react', { id, emoji: '👍' })).toEqual({ ok: true, id, counts: { '👍': 1 }, reacted: false });
    await settle();
    const expected = [
      ['reactions', { id, counts: { '👍': 1 }, rev: 1 }],
      ['reactions', { id, counts: { '👍': 2 }, rev: 2 }],
      ['reactions', { id, counts: { '👍': 1 }, rev: 3 }],
    ];
    expect(aliceEvents).toEqual(expected);
    expect(bobEvents).toEqual(expected);
    expect(await bob.emitWithAck('history', {})).toMatchObject({ ok: true, messages: [{ id, reactions: { '👍': 1 } }] });
  });

  it('counts a signed-in user once, whichever tab reacts', async () => {
    const chat: TestChat = await startChat({
      allowAnonymous: true,
      identify: (req) => {
        const user = new URL(req.url ?? '/', 'http://x').searchParams.get('user');
        return user ? { nick: user, id: `id-${user}` } : null;
      },
    });
    const tabs: TestSocket[] = [];
    for (let i = 0; i < 2; i++) {
      const socket: TestSocket = connectClient(`${chat.url}/chat`, { transports: ['websocket'], forceNew: true, reconnection: false, query: { user: 'Ann' } });
      await nextEvent(socket, 'session');
      tabs.push(socket);
    }
    const id = await send(tabs[0]!, 'hi');
    expect(await tabs[0]!.emitWithAck('react', { id, emoji: '🎉' })).toMatchObject({ counts: { '🎉': 1 }, reacted: true });
    expect(await tabs[1]!.emitWithAck('react', { id, emoji: '🎉' })).toMatchObject({ counts: {}, reacted: false });
    for (const tab of tabs) tab.disconnect();
  });

  it('refuses TOO_MANY_REACTIONS for a 21st distinct emoji', async () => {
    const chat = await startChat({ eventRate: false });
    const alice = await chat.login('alice');
    const id = await send(alice, 'react to me');
    const emoji = [...'😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙😚🙂🤗'];
    expect(emoji).toHaveLength(20);
    for (const one of emoji) expect(await alice.emitWithAck('react', { id, emoji: one })).toMatchObject({ ok: true });
    expect(await alice.emitWithAck('react', { id, emoji: '🤩' })).toEqual({
      ok: false,
      error: { code: 'TOO_MANY_REACTIONS', message: 'That message has as many different reactions as it can take' },
    });
  });

  it('refuses MESSAGE_NOT_FOUND for a missing message or one in a room not joined, and NOT_LOGGED_IN before login', async () => {
    const chat = await startChat({ rooms: ['games'] });
    const alice = await chat.login('alice');
    const bob = await chat.login('bob');
    await alice.emitWithAck('join', 'games');
    const ack = await alice.emitWithAck('chat', { m: 'in games', room: 'games' });
    if (!ack.ok) throw new Error('not sent');
    expect(await bob.emitWithAck('react', { id: ack.id, emoji: '👍' })).toMatchObject({ ok: false, error: { code: 'MESSAGE_NOT_FOUND' } });
    expect(await bob.emitWithAck('react', { id: 999, emoji: '👍' })).toMatchObject({ ok: false, error: { code: 'MESSAGE_NOT_FOUND' } });
    const lurker = await chat.connect();
    expect(await lurker.emitWithAck('react', { id: ack.id, emoji: '👍' })).toMatchObject({ ok: false, error: { code: 'NOT_LOGGED_IN' } });
  });

  it.each([[undefined], [null], ['👍'], [{}], [{ id: 1 }], [{ emoji: '👍' }], [{ id: 1, emoji: 'ok' }], [{ id: 1, emoji: '👍👍' }], [{ id: 1, emoji: '<b>👍</b>' }], [{ id: '1', emoji: '👍' }], [{ id: 1, emoji: ['👍'] }]])(
    'refuses react(%p) with INVALID_REQUEST and tells nobody',
    async (payload) => {
      const chat = await startChat();
      const alice = await chat.login('alice');
      await send(alice, 'hi');
      const events = recordEvents(alice);
      expect(await emitAnyWithAck(alice, 'react', payload)).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
      await settle(50);
      expect(events).toEqual([]);
    },
  );
});
