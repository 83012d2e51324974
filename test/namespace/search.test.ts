/** The `search` event: full-text search over the rooms this socket reads, newest first. */
import { closeAll, emitAnyWithAck, startChat, type TestSocket } from '../helpers/chat-server';

afterEach(closeAll);

async function send(socket: TestSocket, m: string, room?: string): Promise<number> {
  const ack = await socket.emitWithAck('chat', room === undefined ? m : { m, room });
  if (!ack.ok) throw new Error(`not sent: ${ack.error.code}`);
  return ack.id;
}

describe('search', () => {
  it('acks { ok, results: [{ id, room, u, m, ts }] }, newest first, over the default room and joined rooms only', async () => {
    const chat = await startChat({ rooms: ['games', 'secret'] });
    const alice = await chat.login('alice');
    const bob = await chat.login('bob');
    await alice.emitWithAck('join', 'games');
    await bob.emitWithAck('join', 'secret');
    const lobby = await send(alice, 'Pizza tonight?');
    const games = await send(alice, 'pizza after the match', 'games');
    await send(bob, 'secret pizza', 'secret');
    await send(alice, 'nothing to see');
    const ts = expect.any(Number) as number;
    expect(await alice.emitWithAck('search', { q: 'PIZ' })).toEqual({
      ok: true,
      results: [
        { id: games, room: 'games', u: 'alice', m: 'pizza after the match', ts },
        { id: lobby, room: '', u: 'alice', m: 'Pizza tonight?', ts },
      ],
    });
    expect(await alice.emitWithAck('search', { q: 'pizza', room: '' })).toMatchObject({ ok: true, results: [{ id: lobby }] });
    expect(await alice.emitWithAck('search', { q: 'pizza', room: 'games' })).toMatchObject({ ok: true, results: [{ id: games }] });
    expect(await alice.emitWithAck('search', { q: 'pizza', room: 'secret' })).toMatchObject({ ok: false, error: { code: 'NOT_IN_ROOM' } });
    expect(await alice.emitWithAck('search', { q: 'pizza', before: games, limit: 1 })).toMatchObject({ ok: true, results: [{ id: lobby }] });
  });

  it('lets a socket that has not logged in search what it can read', async () => {
    const chat = await startChat();
    const alice = await chat.login('alice');
    const id = await send(alice, 'public words');
    const lurker = await chat.connect();
    expect(await lurker.emitWithAck('search', { q: 'words' })).toMatchObject({ ok: true, results: [{ id }] });
  });

  it('finds what query syntax would break as plain words', async () => {
    const chat = await startChat();
    const alice = await chat.login('alice');
    const id = await send(alice, 'a "quoted" NEAR(thing) OR not');
    for (const q of ['"quoted"', 'NEAR(thing', "quoted' OR --", 'thing*', 'or not']) {
      expect(await alice.emitWithAck('search', { q })).toMatchObject({ ok: true, results: [{ id }] });
    }
  });

  it.each([
    [undefined],
    [null],
    ['pizza'],
    [{}],
    [{ q: '' }],
    [{ q: '   ' }],
    [{ q: '***' }],
    [{ q: 'x'.repeat(201) }],
    [{ q: 'bell\u0007' }],
    [{ q: 'line\nbreak' }],
    [{ q: '\ud800' }],
    [{ q: 42 }],
    [{ q: 'ok', limit: 51 }],
    [{ q: 'ok', limit: 0 }],
    [{ q: 'ok', limit: 1.5 }],
    [{ q: 'ok', before: -1 }],
    [{ q: 'ok', before: '9' }],
  ])('refuses search(%p) with INVALID_REQUEST', async (payload) => {
    const chat = await startChat();
    const alice = await chat.login('alice');
    expect(await emitAnyWithAck(alice, 'search', payload)).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
  });

  it('accepts a 200-character query and a limit of 50', async () => {
    const chat = await startChat();
    const alice = await chat.login('alice');
    expect(await alice.emitWithAck('search', { q: 'é'.repeat(200), limit: 50 })).toEqual({ ok: true, results: [] });
  });
});
