/** Moderation in the page's protocol: ban, unmute, unban, the moderators' panel, reports and live updates. */
import { io as connectClient } from 'socket.io-client';
import type { ChatReport, ModerationEntry, ModerationUpdate } from 'express-chatterbox';
import { closeAll, nextEvent, recordEvents, settle, type TestChat, type TestSocket } from '../helpers/chat-server';
import { signedIn, startModeratedChat } from '../helpers/moderated-chat';

afterEach(closeAll);


/** Connects as signed-in `user`; resolves with the refusal's code, or 'connected'. */
async function tryConnect(chat: TestChat, user: string): Promise<string> {
  const socket: TestSocket = connectClient(`${chat.url}/chat`, { transports: ['websocket'], forceNew: true, reconnection: false, query: { user } });
  try {
    return await Promise.race([
      nextEvent(socket, 'session', 5000).then(() => 'connected'),
      nextEvent<[Error & { data?: { code?: string } }]>(socket, 'connect_error', 5000).then(([error]) => error.data?.code ?? error.message),
    ]);
  } finally {
    socket.disconnect();
  }
}

const withoutIdAndTs = (entry: ModerationEntry): Partial<ModerationEntry> => {
  const rest: Partial<ModerationEntry> = { ...entry };
  delete rest.id;
  delete rest.ts;
  return rest;
};

describe('ban and unban', () => {
  it('keeps a signed-in user out for a day by default, and lets them back when lifted', async () => {
    const chat = await startModeratedChat();
    const mod = await signedIn(chat, 'Mod');
    const carol = await signedIn(chat, 'Carol');
    const gone = nextEvent(carol, 'disconnect');
    expect(await mod.emitWithAck('ban', { nick: 'Carol' })).toEqual({ ok: true });
    await gone;
    expect(await tryConnect(chat, 'Carol')).toBe('FORBIDDEN');
    const panel = await mod.emitWithAck('moderation');
    if (!panel.ok) throw new Error('panel refused');
    expect(panel.sanctions).toEqual([{ nick: 'Carol', kind: 'ban', until: expect.any(Number) as number }]);
    expect(panel.sanctions[0]!.until - Date.now()).toBeGreaterThan(86_000_000);
    expect(await mod.emitWithAck('unban', { nick: 'carol' })).toEqual({ ok: true });
    expect(await tryConnect(chat, 'Carol')).toBe('connected');
    const after = await mod.emitWithAck('moderation');
    expect(after).toMatchObject({ ok: true, sanctions: [] });
  });
});

describe('unmute', () => {
  it('lets a muted user send again and tells them', async () => {
    const chat = await startModeratedChat();
    const mod = await signedIn(chat, 'Mod');
    const alice = await chat.login('alice');
    await mod.emitWithAck('mute', { nick: 'alice', seconds: 600 });
    expect(await alice.emitWithAck('chat', 'hi')).toMatchObject({ ok: false, error: { code: 'MUTED' } });
    const told = nextEvent(alice, 'chat');
    expect(await mod.emitWithAck('unmute', { nick: 'alice' })).toEqual({ ok: true });
    expect(await told).toEqual([{ u: 'SYSTEM', m: 'You can send messages again' }]);
    expect(await alice.emitWithAck('chat', 'hi again')).toMatchObject({ ok: true });
  });
});

describe('the moderators panel', () => {
  it('lists the moderation log, newest last, with who did what to whom', async () => {
    const chat = await startModeratedChat();
    const mod = await signedIn(chat, 'Mod');
    const alice = await chat.login('alice');
    const sent = await alice.emitWithAck('chat', 'rude');
    if (!sent.ok) throw new Error('not sent');
    await mod.emitWithAck('delete', { id: sent.id });
    await mod.emitWithAck('mute', { nick: 'alice', seconds: 60 });
    await mod.emitWithAck('unmute', { nick: 'alice' });
    chat.chat.kick('alice', 30);
    await settle();
    const panel = await mod.emitWithAck('moderation');
    if (!panel.ok) throw new Error('panel refused');
    expect(panel.log.map(withoutIdAndTs)).toEqual([
      { by: 'Mod', action: 'delete', messageId: sent.id },
      { by: 'Mod', action: 'mute', nick: 'alice', seconds: 60 },
      { by: 'Mod', action: 'unmute', nick: 'alice' },
      { by: 'host', action: 'kick', nick: 'alice', seconds: 30 },
    ]);
    expect(panel.sanctions).toEqual([{ nick: 'alice', kind: 'ban', until: expect.any(Number) as number }]);
  });

  it('keeps the log across a restart (it is stored with the history)', async () => {
    const os = await import('node:os');
    const path = await import('node:path');
    const fs = await import('node:fs');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatterbox-modlog-'));
    const history = { sqlite: path.join(dir, 'chat.sqlite') };
    try {
      const first = await startModeratedChat({ history });
      const mod = await signedIn(first, 'Mod');
      await mod.emitWithAck('ban', { nick: 'troll', seconds: 3600 });
      await first.chat.close();
      const second = await startModeratedChat({ history });
      const again = await signedIn(second, 'Mod');
      const panel = await again.emitWithAck('moderation');
      expect(panel).toMatchObject({ ok: true, log: [{ by: 'Mod', action: 'ban', nick: 'troll', seconds: 3600 }], sanctions: [{ nick: 'troll', kind: 'ban' }] });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(['moderation', 'ban', 'unmute', 'unban'] as const)('refuses %s to someone who is not a moderator', async (event) => {
    const chat = await startModeratedChat();
    const alice = await chat.login('alice');
    const carol = await signedIn(chat, 'Carol');
    for (const socket of [alice, carol]) {
      const ack = event === 'moderation' ? await socket.emitWithAck('moderation') : await socket.emitWithAck(event, { nick: 'Mod' });
      expect(ack).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: 'Only moderators can do that' } });
    }
  });

  it.each([[null], [{}], [{ nick: 1 }], ['Mod']])('acks INVALID_REQUEST to unban(%p)', async (payload) => {
    const chat = await startModeratedChat();
    const mod = await signedIn(chat, 'Mod');
    expect(await (mod.emitWithAck as (event: string, arg: unknown) => Promise<unknown>)('unban', payload)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST' },
    });
  });
});

describe('reports', () => {
  it('reach the moderators (live and in the panel) and the onReport hook, never the reported user', async () => {
    const reports: ChatReport[] = [];
    const chat = await startModeratedChat({ onReport: (report) => void reports.push(report) });
    const mod = await signedIn(chat, 'Mod');
    const alice = await chat.login('alice');
    const bob = await chat.login('bob');
    const sent = await alice.emitWithAck('chat', 'spam spam');
    if (!sent.ok) throw new Error('not sent');
    await settle();
    const aliceEvents = recordEvents(alice);
    const live = nextEvent<[ModerationUpdate]>(mod, 'moderation');
    expect(await bob.emitWithAck('report', { id: sent.id, reason: 'spam' })).toEqual({ ok: true });
    const [update] = await live;
    expect(update.report).toMatchObject({ by: 'bob', reason: 'spam', message: { id: sent.id, u: 'alice', m: 'spam spam' } });
    const panel = await mod.emitWithAck('moderation');
    expect(panel).toMatchObject({ ok: true, reports: [{ by: 'bob', reason: 'spam', message: { id: sent.id } }] });
    expect(reports).toEqual([
      { reason: 'spam', message: { id: sent.id, u: 'alice', m: 'spam spam', room: '' }, reporter: { nick: 'bob', userId: undefined, admin: false, address: expect.any(String) as string } },
    ]);
    await settle();
    expect(aliceEvents).toEqual([]);
  });

  it('are rate-limited per reporter, and refuse a bad reason, an unknown id and your own line', async () => {
    const chat = await startModeratedChat({ messageRate: false });
    const alice = await chat.login('alice');
    const bob = await chat.login('bob');
    const ids: number[] = [];
    for (let i = 0; i < 6; i++) {
      const ack = await alice.emitWithAck('chat', `line ${i}`);
      if (ack.ok) ids.push(ack.id);
    }
    const own = await bob.emitWithAck('chat', 'mine');
    if (!own.ok) throw new Error('not sent');
    expect(await bob.emitWithAck('report', { id: own.id, reason: 'spam' })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    expect(await bob.emitWithAck('report', { id: 999_999, reason: 'spam' })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    expect(await (bob.emitWithAck as (e: string, a: unknown) => Promise<unknown>)('report', { id: ids[0], reason: 'because' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST' },
    });
    for (const id of ids.slice(0, 3)) expect(await bob.emitWithAck('report', { id, reason: 'abuse' })).toEqual({ ok: true });
    expect(await bob.emitWithAck('report', { id: ids[5]!, reason: 'abuse' })).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
  });

  it('need a name first', async () => {
    const chat = await startModeratedChat();
    const reader = await chat.connect();
    expect(await reader.emitWithAck('report', { id: 1, reason: 'spam' })).toMatchObject({ ok: false, error: { code: 'NOT_LOGGED_IN' } });
  });
});
