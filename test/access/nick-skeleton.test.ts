/** UTS #39 skeletons and mixed-script refusal: nicknames that cannot impersonate. */
import fc from 'fast-check';
import { isMixedScript, nickKey, skeleton } from '../../lib/protocol/nick';
import { closeAll, startChat } from '../helpers/chat-server';

afterEach(closeAll);

describe('skeleton', () => {
  it.each([
    ['аlice (Cyrillic а)', 'аlice', 'alice'],
    ['ALICE', 'ALICE', 'alice'],
    ['ａｌｉｃｅ (full width)', 'ａｌｉｃｅ', 'alice'],
    ['paypal in Cyrillic', 'раураl', 'paypal'],
    ['Greek ο', 'bοb', 'bob'],
  ])('%s has the key of %s', (_name, a, b) => {
    expect(nickKey(a)).toBe(nickKey(b));
  });

  it('keeps different names apart', () => {
    expect(nickKey('alice')).not.toBe(nickKey('alina'));
  });

  it('is total and the same for any normalisation form of its input (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        expect(skeleton(text.normalize('NFC'))).toBe(skeleton(text.normalize('NFD')));
      }),
    );
  });

  it('folds case for ASCII nicknames (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_]{1,20}$/), (nick) => {
        expect(nickKey(nick.toUpperCase())).toBe(nickKey(nick.toLowerCase()));
      }),
    );
  });
});

describe('isMixedScript', () => {
  it.each([['аlice'], ['раypal'], ['aΑ'], ['bοb']])('refuses %s', (nick) => {
    expect(isMixedScript(nick)).toBe(true);
  });
  it.each([['alice'], ['José'], ['Алиса'], ['Ελένη'], ['田中さん'], ['tanaka田中'], ['bob_99'], ['김철수'], ['alice 🎉']])('accepts %s', (nick) => {
    expect(isMixedScript(nick)).toBe(false);
  });
  it('never throws (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => typeof isMixedScript(text) === 'boolean'));
  });
});

describe('guest nicknames on a running chat', () => {
  it('acks INVALID_NICK for a mixed-script nickname', async () => {
    const chat = await startChat();
    const socket = await chat.connect();
    expect(await socket.emitWithAck('login', 'аlice')).toEqual({
      ok: false,
      error: { code: 'INVALID_NICK', message: 'A nickname cannot mix scripts (such as Latin and Cyrillic letters)' },
    });
  });

  it('acks NICK_TAKEN for a look-alike of a nickname in use', async () => {
    const chat = await startChat();
    await chat.login('paypal');
    const socket = await chat.connect();
    expect((await socket.emitWithAck('login', 'раураl')).ok).toBe(false);
    expect(await socket.emitWithAck('login', 'PAYPAL')).toEqual({ ok: false, error: { code: 'NICK_TAKEN', message: 'The nickname PAYPAL is already taken' } });
  });

  it('acks NICK_RESERVED for a reserved nickname and its look-alikes', async () => {
    const chat = await startChat({ reservedNicks: ['admin', 'Support'] });
    const socket = await chat.connect();
    for (const nick of ['admin', 'ADMIN', 'ａｄｍｉｎ', 'support']) {
      expect(await socket.emitWithAck('login', nick)).toEqual({ ok: false, error: { code: 'NICK_RESERVED', message: `The nickname ${nick.normalize('NFKC')} is reserved` } });
    }
  });
});
