/** UTS #39 skeletons and mixed-script refusal: nicknames that cannot impersonate. */
import fc from 'fast-check';
import { io as connectClient } from 'socket.io-client';
import fs from 'node:fs';
import path from 'node:path';
import { CONFUSABLES, CONFUSABLES_VERSION } from '../../lib/protocol/confusables-data';
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
  it('accepts any ASCII text, whose letters are all Latin (property)', () => {
    fc.assert(fc.property(fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((code) => String.fromCharCode(code)) }), (text) => !isMixedScript(text)));
  });
  it('still refuses ASCII beside one look-alike letter', () => {
    expect(isMixedScript('admin\u0456strator')).toBe(true); // Cyrillic і
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

describe('nickKey against look-alikes that case folding used to hide', () => {
  it.each([
    ['аӀісе (Cyrillic, capital palochka U+04C0)', 'аӀісе', 'alice'],
    ['АӀІСЕ (Cyrillic capitals)', 'АӀІСЕ', 'alice'],
    ['ALICE', 'ALICE', 'alice'],
    ['Ian with a capital I', 'Ian', 'lan'],
    ['bill with Cyrillic і', 'bіll', 'bill'],
    ['ӏ (small palochka) for i', 'аӏісе', 'alice'],
    ['ВОВ (Cyrillic capitals whose small letters look nothing like b)', 'ВОВ', 'bob'],
    ['Воb (Cyrillic capital В)', 'Воb', 'Bob'],
    ['ΒΟΒ (Greek capitals)', 'ΒΟΒ', 'bob'],
    ['НЕМ (Cyrillic Н, Е, М)', 'НЕМ', 'hem'],
  ])('%s has the key of %s', (_name, a, b) => {
    expect(nickKey(a)).toBe(nickKey(b));
  });

  it('records the Unicode version of its confusables data (13.0.0 or newer)', () => {
    const [major] = CONFUSABLES_VERSION.split('.').map(Number);
    expect(major).toBeGreaterThanOrEqual(13);
  });

  it('keeps names that only share letters apart', () => {
    expect(nickKey('alice')).not.toBe(nickKey('alien'));
    expect(nickKey('tom')).not.toBe(nickKey('tim'));
  });
});

describe('signed-in names against guest look-alikes', () => {
  it('acks NICK_RESERVED or NICK_TAKEN for аӀісе while alice is signed in', async () => {
    const chat = await startChat({
      allowAnonymous: true,
      identify: (req) => (req.headers['x-user'] === 'alice' ? { id: '1', nick: 'alice' } : null),
    });
    const signedIn = connectClient(`${chat.url}/chat`, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { 'x-user': 'alice' } });
    await new Promise<void>((resolve) => signedIn.once('session', () => resolve()));
    const guest = await chat.connect();
    const ack = await guest.emitWithAck('login', 'аӀісе');
    expect(ack.ok).toBe(false);
    expect(['NICK_TAKEN', 'NICK_RESERVED']).toContain(ack.ok ? '' : ack.error.code);
    signedIn.disconnect();
  });
});

describe('the page bundle', () => {
  // The page only folds names for display; the 100 KB table is the server's (npm test builds first).
  const bundle = path.join(__dirname, '..', '..', 'dist-client', 'main.js');
  (fs.existsSync(bundle) ? it : it.skip)('does not carry the confusables table', () => {
    const text = fs.readFileSync(bundle, 'utf8');
    expect(text).not.toContain(CONFUSABLES.slice(0, 40));
    expect(text.length).toBeLessThan(150_000);
  });
});
