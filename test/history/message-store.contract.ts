/**
 * The behaviour every MessageStore shares, as one suite each backend's test file runs against
 * its own store: what the chat relies on must not depend on which store the host chose.
 */
import fc from 'fast-check';
import type { MessageStore, NewMessage } from '../../lib/options/message-store';
import { directRoom } from '../../lib/protocol/direct-room';
import { UNREAD_CAP, type ChatMessage } from '../../lib/protocol/payloads';

/** A store opened for one test, and how to dispose of it. */
export interface StoreUnderTest {
  /** Opened, and empty. */
  store: MessageStore;
  /** Closes whatever the subject opened (including reopened stores) and deletes its data. */
  cleanup(): Promise<void>;
  /**
   * Closes `store` and opens a new store on the same backend (same file, same table); required
   * when the contract is registered with `persistent: true`.
   */
  reopen?: () => Promise<MessageStore>;
}

/** What kind of backend is under test. */
export interface ContractOptions {
  /** The backend outlives the store instance: reopening it must find the messages. */
  persistent: boolean;
}

/** What a test may ask of the factory. */
export interface ContractStoreOptions {
  /** Passed to the store's `maxMessages`. */
  maxMessages?: number;
}

/** Makes a fresh, opened, empty store. */
export type MakeStore = (options?: ContractStoreOptions) => Promise<StoreUnderTest>;

const TS = 1_700_000_000_000;

/** A message for the default room, with `overrides`. */
function draft(m: string, overrides: Partial<NewMessage> = {}): NewMessage {
  return { room: '', u: 'alice', m, ts: TS, ...overrides };
}

/** Appends `count` messages numbered from 0 to `room`; returns them as stored. */
async function fill(store: MessageStore, count: number, room = ''): Promise<ChatMessage[]> {
  const stored: ChatMessage[] = [];
  for (let i = 0; i < count; i++) {
    stored.push((await store.append(draft(`message ${i}`, { room, ts: TS + i }))).message);
  }
  return stored;
}

/** Strings that break naive stores: encodings, prototypes, SQL and JSON syntax, sizes. */
const TRICKY_TEXT: readonly string[] = [
  'plain',
  'emoji 🎉 👩🏽‍💻 🇫🇷, joined by ZWJ \u200d',
  'combining e\u0301 and precomposed \u00e9, kept apart',
  '日本語のテキスト',
  'עברית \u200f with a right-to-left mark',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 astral \u{10348}',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  "'; DROP TABLE messages; --",
  '%s %d %% $1 ? :name @p',
  '{"u":"x","m":"y"}',
  '<script>alert(1)</script>',
  '\\ backslash \\\\ and "quotes"',
  'line\nbreak\r\nand\ttab',
  '\u0001\u001f\u007f\u0085 controls',
  '\uFFFE\uFFFF\u{10FFFF} noncharacters',
  '   leading and trailing   ',
  ' ',
  '',
];

/** A long text; only `m` is long in practice (rooms and nicknames are short and indexed). */
const LONG_TEXT = 'long 🎉 '.repeat(2_000);

/**
 * Registers the MessageStore contract for a backend. `makeStore` returns a fresh, opened, empty
 * store for each test.
 */
export function describeMessageStoreContract(name: string, makeStore: MakeStore, options: ContractOptions): void {
  describe(`${name} (MessageStore contract)`, () => {
    let subject: StoreUnderTest | undefined;
    let store: MessageStore;

    async function open(options?: ContractStoreOptions): Promise<MessageStore> {
      await subject?.cleanup();
      subject = await makeStore(options);
      store = subject.store;
      return store;
    }

    beforeEach(async () => {
      await open();
    });

    afterEach(async () => {
      await subject?.cleanup();
      subject = undefined;
    });

    describe('append', () => {
      it('returns the message in its wire shape, without room for the default room', async () => {
        const { message, duplicate } = await store.append(draft('hello'));
        expect(duplicate).toBe(false);
        expect(message).toStrictEqual({ u: 'alice', m: 'hello', id: message.id, ts: TS });
        expect(Object.keys(message)).toEqual(['u', 'm', 'id', 'ts']);
        expect(Number.isSafeInteger(message.id) && message.id > 0).toBe(true);
      });

      it('adds room last for any other room', async () => {
        const { message } = await store.append(draft('hi', { room: 'lobby' }));
        expect(message).toStrictEqual({ u: 'alice', m: 'hi', id: message.id, ts: TS, room: 'lobby' });
        expect(Object.keys(message)).toEqual(['u', 'm', 'id', 'ts', 'room']);
      });

      it('assigns ids that increase across rooms in append order', async () => {
        const ids: number[] = [];
        for (const room of ['', 'a', '', 'b', 'a']) ids.push((await store.append(draft('x', { room }))).message.id);
        expect(ids).toEqual([...ids].sort((a, b) => a - b));
        expect(new Set(ids).size).toBe(ids.length);
      });

      it('stores a concurrent burst under ids that follow the order of the calls', async () => {
        // One socket's messages must keep their order even when their appends overlap.
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) => store.append(draft(`burst ${i}`, { ts: TS + i }))),
        );
        const ids = results.map((result) => result.message.id);
        expect(new Set(ids).size).toBe(50);
        expect(ids).toEqual([...ids].sort((a, b) => a - b));
        const stored = await store.latest('', 100);
        expect(stored.map((message) => message.id)).toEqual([...ids].sort((a, b) => a - b));
        expect(stored.map((message) => message.m).sort()).toEqual(results.map((result) => result.message.m).sort());
      });
    });

    describe('delete', () => {
      it('forgets the message in every read and resolves its change, then undefined', async () => {
        const first = await store.append(draft('one'));
        const second = await store.append(draft('two'));
        expect(await store.delete(first.message.id)).toStrictEqual({ rev: expect.any(Number) as number, room: '' });
        expect((await store.latest('', 10)).map((message) => message.m)).toEqual(['two']);
        expect((await store.after('', 0, 10)).messages.map((message) => message.m)).toEqual(['two']);
        expect(await store.before('', second.message.id, 10)).toEqual([]);
        expect(await store.delete(first.message.id)).toBeUndefined();
        expect(await store.delete(999_999)).toBeUndefined();
      });
    });

    describe('get', () => {
      it('returns the message with its room and author key, or undefined', async () => {
        const { message } = await store.append(draft('hi', { room: 'lobby', authorKey: 'alice-key' }));
        expect(await store.get(message.id)).toStrictEqual({ message, room: 'lobby', authorKey: 'alice-key' });
        const plain = (await store.append(draft('no key'))).message;
        expect(await store.get(plain.id)).toStrictEqual({ message: plain, room: '', authorKey: undefined });
        expect(await store.get(999_999)).toBeUndefined();
        await store.delete(message.id);
        expect(await store.get(message.id)).toBeUndefined();
      });
    });

    describe('edit', () => {
      it('replaces the text everywhere it is read, with editedTs after ts and room', async () => {
        const [first, second] = await fill(store, 2);
        expect(await store.edit(first!.id, 'fixed 🎉', TS + 60_000)).toStrictEqual({ rev: expect.any(Number) as number, room: '' });
        const edited = { ...first!, m: 'fixed 🎉', editedTs: TS + 60_000 };
        expect(await store.latest('', 10)).toStrictEqual([edited, second]);
        expect(await store.before('', second!.id, 10)).toStrictEqual([edited]);
        expect((await store.after('', 0, 10)).messages).toStrictEqual([edited, second]);
        expect((await store.get(first!.id))?.message).toStrictEqual(edited);
        expect(Object.keys(edited)).toEqual(['u', 'm', 'id', 'ts', 'editedTs']);
      });

      it('keeps editedTs after room in other rooms, and edits again', async () => {
        const { message } = await store.append(draft('typo', { room: 'lobby' }));
        await store.edit(message.id, 'once', TS + 1);
        await store.edit(message.id, 'twice', TS + 2);
        const [read] = await store.latest('lobby', 1);
        expect(read).toStrictEqual({ ...message, m: 'twice', editedTs: TS + 2 });
        expect(Object.keys(read!)).toEqual(['u', 'm', 'id', 'ts', 'room', 'editedTs']);
      });

      it('resolves undefined for a message that is not there', async () => {
        const { message } = await store.append(draft('gone'));
        await store.delete(message.id);
        expect(await store.edit(message.id, 'too late', TS)).toBeUndefined();
        expect(await store.edit(999_999, 'never', TS)).toBeUndefined();
      });
    });

    describe('replies', () => {
      it('returns and reads back replyTo after the other fields, and says deleted once the original is gone', async () => {
        const original = (await store.append(draft('the question', { room: 'lobby' }))).message;
        const replyTo = { id: original.id, u: 'alice', m: 'the question' };
        const { message } = await store.append(draft('the answer', { room: 'lobby', u: 'bob', replyTo }));
        expect(message).toStrictEqual({ u: 'bob', m: 'the answer', id: message.id, ts: TS, room: 'lobby', replyTo });
        expect(await store.latest('lobby', 10)).toStrictEqual([original, message]);
        await store.edit(message.id, 'a better answer', TS + 5);
        const [read] = await store.after('lobby', original.id, 10).then((page) => page.messages);
        expect(Object.keys(read!)).toEqual(['u', 'm', 'id', 'ts', 'room', 'editedTs', 'replyTo']);
        // Editing the original does not change the quote taken at send time.
        await store.edit(original.id, 'edited question', TS + 6);
        expect((await store.get(message.id))?.message.replyTo).toStrictEqual(replyTo);
        await store.delete(original.id);
        const gone = { id: original.id, deleted: true };
        expect((await store.latest('lobby', 10))[0]?.replyTo).toStrictEqual(gone);
        expect((await store.before('lobby', message.id + 1, 10))[0]?.replyTo).toStrictEqual(gone);
        expect((await store.after('lobby', 0, 10)).messages[0]?.replyTo).toStrictEqual(gone);
        expect((await store.get(message.id))?.message.replyTo).toStrictEqual(gone);
      });

      it('keeps replyTo on a retried cid', async () => {
        const original = (await store.append(draft('q'))).message;
        const replyTo = { id: original.id, u: 'alice', m: 'q' };
        const first = await store.append(draft('a', { authorKey: 'bob', cid: 'r1', replyTo }));
        expect(await store.append(draft('a', { authorKey: 'bob', cid: 'r1', replyTo }))).toStrictEqual({ message: first.message, duplicate: true });
      });
    });

    describe('react', () => {
      it('toggles one user’s reaction and returns the counts, emoji in order of first use', async () => {
        const { message } = await store.append(draft('nice'));
        expect(await store.react(message.id, 'bob', '👍', 20)).toStrictEqual({ counts: { '👍': 1 }, reacted: true, rev: expect.any(Number) as number });
        expect(await store.react(message.id, 'carol', '👍', 20)).toStrictEqual({ counts: { '👍': 2 }, reacted: true, rev: expect.any(Number) as number });
        const added = await store.react(message.id, 'carol', '🎉', 20);
        expect(added).toStrictEqual({ counts: { '👍': 2, '🎉': 1 }, reacted: true, rev: expect.any(Number) as number });
        expect(Object.keys(added!.counts)).toEqual(['👍', '🎉']);
        expect(await store.react(message.id, 'bob', '👍', 20)).toStrictEqual({ counts: { '👍': 1, '🎉': 1 }, reacted: false, rev: expect.any(Number) as number });
        expect(await store.react(message.id, 'carol', '👍', 20)).toStrictEqual({ counts: { '🎉': 1 }, reacted: false, rev: expect.any(Number) as number });
      });

      it('is carried by every read, after the other fields, and absent without reactions', async () => {
        const [first, second] = await fill(store, 2, 'lobby');
        await store.react(second!.id, 'bob', '❤️', 20);
        await store.edit(second!.id, 'edited', TS + 9);
        const reacted = { ...second!, m: 'edited', editedTs: TS + 9, reactions: { '❤️': 1 } };
        expect(await store.latest('lobby', 10)).toStrictEqual([first, reacted]);
        expect(await store.before('lobby', second!.id + 1, 10)).toStrictEqual([first, reacted]);
        expect((await store.after('lobby', 0, 10)).messages).toStrictEqual([first, reacted]);
        expect((await store.get(second!.id))?.message).toStrictEqual(reacted);
        expect(Object.keys((await store.latest('lobby', 1))[0]!)).toEqual(['u', 'm', 'id', 'ts', 'room', 'editedTs', 'reactions']);
        await store.react(second!.id, 'bob', '❤️', 20);
        // The last reaction taken back: no `reactions` field at all, not an empty one.
        expect(await store.latest('lobby', 1)).toStrictEqual([{ ...second!, m: 'edited', editedTs: TS + 9 }]);
      });

      it('refuses a distinct emoji past maxDistinct, but still takes more of the same and take-backs', async () => {
        const { message } = await store.append(draft('popular'));
        await store.react(message.id, 'bob', '😀', 2);
        await store.react(message.id, 'bob', '😎', 2);
        await expect(store.react(message.id, 'bob', '🙃', 2)).rejects.toMatchObject({ code: 'TOO_MANY_REACTIONS' });
        expect(await store.react(message.id, 'carol', '😀', 2)).toStrictEqual({ counts: { '😀': 2, '😎': 1 }, reacted: true, rev: expect.any(Number) as number });
        expect(await store.react(message.id, 'bob', '😎', 2)).toStrictEqual({ counts: { '😀': 2 }, reacted: false, rev: expect.any(Number) as number });
        expect(await store.react(message.id, 'bob', '🙃', 2)).toStrictEqual({ counts: { '😀': 2, '🙃': 1 }, reacted: true, rev: expect.any(Number) as number });
      });

      it('resolves undefined for a missing message, and forgets reactions with their message', async () => {
        expect(await store.react(999_999, 'bob', '👍', 20)).toBeUndefined();
        const { message } = await store.append(draft('short-lived'));
        await store.react(message.id, 'bob', '👍', 20);
        expect(await store.delete(message.id)).toBeDefined();
        expect(await store.react(message.id, 'bob', '👍', 20)).toBeUndefined();
      });
    });

    describe('changes (changesAfter, currentRev)', () => {
      it('numbers every edit, reaction and delete above all before, per store, and tells each room its latest', async () => {
        const [one, two] = await fill(store, 2);
        const { message: there } = await store.append(draft('elsewhere', { room: 'lobby' }));
        expect(await store.currentRev('')).toBe(0);
        const edited = await store.edit(one!.id, 'one, fixed', TS + 1);
        const reacted = await store.react(two!.id, 'bob', '👍', 20);
        const otherRoom = await store.react(there.id, 'bob', '🎉', 20);
        const deleted = await store.delete(two!.id);
        expect(otherRoom).toMatchObject({ rev: expect.any(Number) as number });
        const revs = [edited!.rev, reacted!.rev, otherRoom!.rev, deleted!.rev];
        expect([...revs].sort((a, b) => a - b)).toEqual(revs);
        expect(new Set(revs).size).toBe(4);
        expect(deleted).toStrictEqual({ rev: revs[3], room: '' });
        expect(await store.currentRev('')).toBe(revs[3]);
        expect(await store.currentRev('lobby')).toBe(revs[2]);
        expect(await store.currentRev('nowhere')).toBe(0);
      });

      it('returns each changed message once, with its state now, in the order of its latest change', async () => {
        const [one, two, three] = await fill(store, 3);
        const start = await store.currentRev('');
        await store.react(one!.id, 'bob', '👍', 20);
        await store.edit(two!.id, 'two, fixed', TS + 5);
        await store.edit(one!.id, 'one, fixed', TS + 6);
        await store.delete(three!.id);
        const { changes, truncated } = await store.changesAfter('', start, three!.id, 10);
        expect(truncated).toBe(false);
        expect(changes.map((change) => change.id)).toEqual([two!.id, one!.id, three!.id]);
        expect(changes[0]).toMatchObject({ message: { ...two, m: 'two, fixed', editedTs: TS + 5 }, edited: true, reacted: false });
        expect(changes[1]).toMatchObject({
          message: { ...one, m: 'one, fixed', editedTs: TS + 6, reactions: { '👍': 1 } },
          edited: true,
          reacted: true,
        });
        expect(changes[2]).toMatchObject({ id: three!.id, message: undefined });
        const revs = changes.map((change) => change.rev);
        expect([...revs].sort((a, b) => a - b)).toEqual(revs);
        expect(revs[2]).toBe(await store.currentRev(''));
      });

      it('leaves out what the reader saw (rev), messages it did not hold (upToId) and other rooms', async () => {
        const [one, two] = await fill(store, 2);
        const { message: there } = await store.append(draft('elsewhere', { room: 'lobby' }));
        await store.edit(one!.id, 'first', TS + 1);
        const seen = await store.currentRev('');
        await store.edit(two!.id, 'second', TS + 2);
        await store.react(there.id, 'bob', '👍', 20);
        expect((await store.changesAfter('', seen, two!.id, 10)).changes.map((change) => change.id)).toEqual([two!.id]);
        expect((await store.changesAfter('', 0, one!.id, 10)).changes.map((change) => change.id)).toEqual([one!.id]);
        expect((await store.changesAfter('', await store.currentRev(''), two!.id, 10)).changes).toEqual([]);
        expect((await store.changesAfter('lobby', 0, there.id, 10)).changes).toMatchObject([{ id: there.id, reacted: true, edited: false }]);
        // A reaction taken back is a change too: the counts are then empty.
        await store.react(there.id, 'bob', '👍', 20);
        const [back] = (await store.changesAfter('lobby', 0, there.id, 10)).changes;
        expect(back?.message?.reactions).toBeUndefined();
        expect(back?.reacted).toBe(true);
      });

      it('returns the `limit` latest changes and truncated: true when more messages changed', async () => {
        const messages = await fill(store, 5);
        for (const message of messages) await store.edit(message.id, `${message.m}!`, TS + 10);
        const { changes, truncated } = await store.changesAfter('', 0, messages[4]!.id, 3);
        expect(truncated).toBe(true);
        expect(changes.map((change) => change.id)).toEqual(messages.slice(2).map((message) => message.id));
        expect((await store.changesAfter('', 0, messages[4]!.id, 5)).truncated).toBe(false);
      });
    });

    describe('search', () => {
      const search = (terms: string[], rooms: string[] = [''], extra: { before?: number; limit?: number } = {}) =>
        store.search({ terms, rooms, limit: extra.limit ?? 50, before: extra.before });

      it('finds messages holding every term as the start of a word, newest first, case-insensitively', async () => {
        const first = (await store.append(draft('Lunch at noon?'))).message;
        await store.append(draft('nothing here'));
        const third = (await store.append(draft('LUNCHTIME is over, noon passed', { u: 'bob' }))).message;
        expect(await search(['lunch'])).toStrictEqual([
          { id: third.id, room: '', u: 'bob', m: third.m, ts: TS },
          { id: first.id, room: '', u: 'alice', m: first.m, ts: TS },
        ]);
        expect((await search(['lunch', 'noon'])).map((hit) => hit.id)).toEqual([third.id, first.id]);
        expect((await search(['lunch', 'over'])).map((hit) => hit.id)).toEqual([third.id]);
        expect(await search(['unch'])).toStrictEqual([]);
        expect(await search(['absent'])).toStrictEqual([]);
      });

      it('searches only the given rooms, pages with before and limit, and carries room always', async () => {
        const inLobby = (await store.append(draft('hello lobby', { room: 'lobby' }))).message;
        await store.append(draft('hello secret', { room: 'secret' }));
        const ids: number[] = [];
        for (let i = 0; i < 5; i++) ids.push((await store.append(draft(`hello ${i}`))).message.id);
        expect((await search(['hello'], ['', 'lobby'], { limit: 3 })).map((hit) => hit.id)).toEqual([ids[4], ids[3], ids[2]]);
        expect((await search(['hello'], ['', 'lobby'], { before: ids[2] })).map((hit) => hit.id)).toEqual([ids[1], ids[0], inLobby.id]);
        expect(await search(['hello'], ['lobby'])).toStrictEqual([{ id: inLobby.id, room: 'lobby', u: 'alice', m: 'hello lobby', ts: TS }]);
        expect(await search(['hello'], [])).toStrictEqual([]);
      });

      it('follows edits and deletes', async () => {
        const { message } = await store.append(draft('first draft'));
        await store.edit(message.id, 'final version', TS + 1);
        expect(await search(['draft'])).toStrictEqual([]);
        expect((await search(['final'])).map((hit) => hit.m)).toEqual(['final version']);
        await store.delete(message.id);
        expect(await search(['final'])).toStrictEqual([]);
      });

      it('treats query syntax as plain words', async () => {
        await store.append(draft('AND OR NOT NEAR quote " star * colon : paren ( end'));
        for (const term of ['and', 'or', 'not', 'near', 'quote', 'star', 'colon', 'paren']) {
          expect(await search([term])).toHaveLength(1);
        }
      });
    });

    describe('blocks', () => {
      it('records and lifts a block, one direction only', async () => {
        expect(await store.isBlocked('alice', 'bob')).toBe(false);
        await store.setBlocked('alice', 'bob', true);
        await store.setBlocked('alice', 'bob', true);
        expect(await store.isBlocked('alice', 'bob')).toBe(true);
        expect(await store.isBlocked('bob', 'alice')).toBe(false);
        await store.setBlocked('alice', 'bob', false);
        expect(await store.isBlocked('alice', 'bob')).toBe(false);
      });
    });

    describe('conversations and read markers', () => {
      const dm = directRoom('alice', 'bob');
      const fromAlice = (m: string, ts = TS): NewMessage => draft(m, { room: dm, u: 'Alice', authorKey: 'alice', toNick: 'Bob', ts });
      const fromBob = (m: string, ts = TS): NewMessage => draft(m, { room: dm, u: 'Bob!', authorKey: 'bob', ts });

      it('records a direct message for both users: the author has read it, the recipient has not', async () => {
        const { message } = await store.append(fromAlice('hi', TS + 5));
        expect(await store.conversations('alice', 10)).toStrictEqual([{ room: dm, with: 'Bob', lastId: message.id, lastTs: TS + 5, unread: 0 }]);
        expect(await store.conversations('bob', 10)).toStrictEqual([{ room: dm, with: 'Alice', lastId: message.id, lastTs: TS + 5, unread: 1 }]);
        expect(await store.conversations('carol', 10)).toStrictEqual([]);
      });

      it('counts the other user\'s messages after the marker, shows their latest name, and clears with markRead', async () => {
        const first = await store.append(fromAlice('one'));
        await store.append(fromBob('two'));
        const third = await store.append(fromBob('three', TS + 9));
        expect(await store.conversations('alice', 10)).toStrictEqual([{ room: dm, with: 'Bob!', lastId: third.message.id, lastTs: TS + 9, unread: 2 }]);
        expect(await store.conversations('bob', 10)).toStrictEqual([{ room: dm, with: 'Alice', lastId: third.message.id, lastTs: TS + 9, unread: 0 }]);
        expect(await store.markRead('alice', dm, third.message.id)).toStrictEqual({ id: third.message.id, moved: true });
        expect((await store.conversations('alice', 10))[0]?.unread).toBe(0);
        // Never backwards, never past the newest message, and unknown conversations are undefined.
        expect(await store.markRead('alice', dm, first.message.id)).toStrictEqual({ id: third.message.id, moved: false });
        expect(await store.markRead('alice', dm, third.message.id + 1000)).toStrictEqual({ id: third.message.id, moved: false });
        expect(await store.markRead('carol', dm, third.message.id)).toBeUndefined();
        expect(await store.markRead('alice', directRoom('alice', 'carol'), 1)).toBeUndefined();
      });

      it('lists newest first, up to the limit, and leaves other rooms and retried messages out', async () => {
        const other = directRoom('alice', 'carol');
        await store.append(fromAlice('to bob'));
        const toCarol = await store.append(draft('to carol', { room: other, u: 'Alice', authorKey: 'alice' }));
        await store.append(draft('in a room', { room: 'lobby', authorKey: 'alice' }));
        await store.append(draft('someone else\'s', { room: directRoom('dave', 'erin'), authorKey: 'alice' }));
        await store.append({ ...fromBob('retry'), cid: 'c1' });
        const retried = await store.append({ ...fromBob('retry'), cid: 'c1' });
        expect(retried.duplicate).toBe(true);
        const list = await store.conversations('alice', 10);
        expect(list.map((entry) => [entry.room, entry.with, entry.unread])).toStrictEqual([[dm, 'Bob!', 1], [other, 'carol', 0]]);
        expect(list[1]?.lastId).toBe(toCarol.message.id);
        expect((await store.conversations('alice', 1)).map((entry) => entry.room)).toStrictEqual([dm]);
      });

      it(`stops counting at ${UNREAD_CAP}`, async () => {
        for (let i = 0; i < UNREAD_CAP + 5; i++) await store.append(fromBob(`line ${i}`));
        expect((await store.conversations('alice', 10))[0]?.unread).toBe(UNREAD_CAP);
      });

      it('does not count deleted messages', async () => {
        await store.append(fromBob('one'));
        const { message } = await store.append(fromBob('two'));
        await store.delete(message.id);
        expect((await store.conversations('alice', 10))[0]?.unread).toBe(1);
      });

      if (options.persistent) it('keeps lists and markers across a reopen', async () => {
        const { message } = await store.append(fromBob('kept'));
        await store.markRead('alice', dm, message.id);
        await store.append(fromBob('new'));
        if (!subject?.reopen) throw new Error(`${name}: a persistent backend's factory must provide reopen()`);
        store = await subject.reopen();
        expect((await store.conversations('alice', 10)).map((entry) => entry.unread)).toStrictEqual([1]);
      });
    });

    describe('latest', () => {
      it('returns the newest messages of the room, oldest first', async () => {
        const stored = await fill(store, 5);
        expect(await store.latest('', 3)).toStrictEqual(stored.slice(2));
        expect(await store.latest('', 10)).toStrictEqual(stored);
      });

      it('returns nothing for a room without messages, and for limit 0', async () => {
        await fill(store, 2);
        expect(await store.latest('elsewhere', 10)).toStrictEqual([]);
        expect(await store.latest('', 0)).toStrictEqual([]);
      });
    });

    describe('before', () => {
      it('returns the newest messages below the id, oldest first', async () => {
        const stored = await fill(store, 6);
        const pivot = stored[4]!.id;
        expect(await store.before('', pivot, 2)).toStrictEqual(stored.slice(2, 4));
        expect(await store.before('', pivot, 10)).toStrictEqual(stored.slice(0, 4));
      });

      it('returns nothing below the first id', async () => {
        const stored = await fill(store, 3);
        expect(await store.before('', stored[0]!.id, 10)).toStrictEqual([]);
        expect(await store.before('', 0, 10)).toStrictEqual([]);
      });

      it('pages back through a room without gaps or repeats', async () => {
        const stored = await fill(store, 11);
        const paged: ChatMessage[] = [];
        let page = await store.latest('', 4);
        while (page.length > 0) {
          paged.unshift(...page);
          page = await store.before('', page[0]!.id, 4);
        }
        expect(paged).toStrictEqual(stored);
      });
    });

    describe('after', () => {
      it('returns every message above the id, oldest first, not truncated', async () => {
        const stored = await fill(store, 5);
        expect(await store.after('', stored[1]!.id, 10)).toStrictEqual({ messages: stored.slice(2), truncated: false });
        expect(await store.after('', 0, 10)).toStrictEqual({ messages: stored, truncated: false });
      });

      it('returns the newest `limit` and truncated: true when more came after', async () => {
        const stored = await fill(store, 6);
        expect(await store.after('', stored[0]!.id, 3)).toStrictEqual({ messages: stored.slice(3), truncated: true });
      });

      it('is not truncated when exactly `limit` came after', async () => {
        const stored = await fill(store, 4);
        expect(await store.after('', stored[0]!.id, 3)).toStrictEqual({ messages: stored.slice(1), truncated: false });
      });

      it('returns nothing after the newest id, and nothing for an unknown room', async () => {
        const stored = await fill(store, 3);
        expect(await store.after('', stored[2]!.id, 10)).toStrictEqual({ messages: [], truncated: false });
        expect(await store.after('nowhere', 0, 10)).toStrictEqual({ messages: [], truncated: false });
      });
    });

    describe('rooms', () => {
      it('keeps rooms apart in every read', async () => {
        const lobby = await store.append(draft('in lobby', { room: 'lobby' }));
        const main = await store.append(draft('in default'));
        const other = await store.append(draft('in Lobby', { room: 'Lobby' }));
        expect(await store.latest('lobby', 10)).toStrictEqual([lobby.message]);
        expect(await store.latest('', 10)).toStrictEqual([main.message]);
        expect(await store.latest('Lobby', 10)).toStrictEqual([other.message]);
        expect(await store.before('lobby', other.message.id + 1, 10)).toStrictEqual([lobby.message]);
        expect(await store.after('', 0, 10)).toStrictEqual({ messages: [main.message], truncated: false });
      });
    });

    describe('retried messages (authorKey, cid)', () => {
      it('returns the first message with duplicate: true and stores nothing', async () => {
        const first = await store.append(draft('once', { authorKey: 'alice', cid: 'c-1' }));
        const retry = await store.append(draft('once, retried', { authorKey: 'alice', cid: 'c-1', ts: TS + 5 }));
        expect(first.duplicate).toBe(false);
        expect(retry).toStrictEqual({ message: first.message, duplicate: true });
        expect(await store.latest('', 10)).toStrictEqual([first.message]);
      });

      it('returns the first message in its own room shape', async () => {
        const first = await store.append(draft('once', { room: 'lobby', authorKey: 'alice', cid: 'c-1' }));
        const retry = await store.append(draft('once', { room: 'lobby', authorKey: 'alice', cid: 'c-1' }));
        expect(retry).toStrictEqual({ message: first.message, duplicate: true });
        expect(Object.keys(retry.message)).toEqual(['u', 'm', 'id', 'ts', 'room']);
      });

      it('treats the same cid from another author as a different message', async () => {
        const alice = await store.append(draft('from alice', { authorKey: 'alice', cid: 'same' }));
        const bob = await store.append(draft('from bob', { u: 'bob', authorKey: 'bob', cid: 'same' }));
        expect(bob.duplicate).toBe(false);
        expect(bob.message.id).not.toBe(alice.message.id);
        expect(await store.latest('', 10)).toStrictEqual([alice.message, bob.message]);
      });

      it('never merges messages without a cid, even with equal text', async () => {
        const one = await store.append(draft('same', { authorKey: 'alice' }));
        const two = await store.append(draft('same', { authorKey: 'alice' }));
        expect(two.duplicate).toBe(false);
        expect(await store.latest('', 10)).toStrictEqual([one.message, two.message]);
      });

      it('stores one message for concurrent retries', async () => {
        const results = await Promise.all(
          Array.from({ length: 10 }, () => store.append(draft('racing', { authorKey: 'alice', cid: 'race' }))),
        );
        expect(results.filter((result) => !result.duplicate)).toHaveLength(1);
        expect(new Set(results.map((result) => result.message.id)).size).toBe(1);
        expect(await store.latest('', 10)).toHaveLength(1);
      });

      it('keys prototype-like author keys and cids like any other', async () => {
        const first = await store.append(draft('a', { authorKey: '__proto__', cid: 'constructor' }));
        const retry = await store.append(draft('a', { authorKey: '__proto__', cid: 'constructor' }));
        const other = await store.append(draft('b', { authorKey: 'constructor', cid: '__proto__' }));
        expect(retry).toStrictEqual({ message: first.message, duplicate: true });
        expect(other.duplicate).toBe(false);
      });
    });

    describe('retention', () => {
      it('keeps the newest maxMessages across rooms and drops the oldest', async () => {
        await open({ maxMessages: 20 });
        const stored = await fill(store, 100);
        const kept = await store.latest('', 1_000);
        // Stores may prune in batches, so a few more than the bound can be kept for a while.
        expect(kept.length).toBeGreaterThanOrEqual(20);
        expect(kept.length).toBeLessThanOrEqual(25);
        expect(kept).toStrictEqual(stored.slice(-kept.length));
        expect(await store.before('', stored[50]!.id, 1_000)).toStrictEqual([]);
      });

      it('forgets the changes of messages it dropped, and keeps the rest', async () => {
        await open({ maxMessages: 20 });
        const [old] = await fill(store, 1);
        await store.edit(old!.id, 'edited long ago', TS + 1);
        const stored = await fill(store, 100);
        const recent = stored[99]!;
        const change = await store.react(recent.id, 'bob', '👍', 20);
        const { changes } = await store.changesAfter('', 0, recent.id, 100);
        expect(changes.map((c) => c.id)).toEqual([recent.id]);
        expect(await store.currentRev('')).toBe(change!.rev);
      });
    });

    describe('text', () => {
      it.each(TRICKY_TEXT.map((text) => [JSON.stringify(text), text]))(
        'round-trips %s exactly as text, nickname and room',
        async (_label, text) => {
          const { message } = await store.append({ room: text, u: text, m: text, ts: TS, authorKey: text, cid: text });
          expect([message.u, message.m]).toEqual([text, text]);
          const [read] = await store.latest(text, 1);
          expect(read).toStrictEqual(message);
          expect(read?.m === text && read.u === text).toBe(true);
          expect(await store.append({ room: text, u: text, m: text, ts: TS, authorKey: text, cid: text })).toStrictEqual({
            message,
            duplicate: true,
          });
        },
      );

      it('round-trips a long text exactly', async () => {
        const { message } = await store.append(draft(LONG_TEXT));
        expect(await store.latest('', 1)).toStrictEqual([{ ...message, m: LONG_TEXT }]);
      });

      it('round-trips any well-formed string without U+0000', async () => {
        // Validation refuses U+0000 and lone surrogates before any store sees them.
        const text = fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !s.includes('\u0000'));
        await fc.assert(
          fc.asyncProperty(text, text, text, async (room, u, m) => {
            const { message } = await store.append({ room, u, m, ts: TS });
            const [read] = await store.latest(room, 1);
            expect(read).toStrictEqual(message);
            expect(read?.u === u && read.m === m).toBe(true);
          }),
          { numRuns: 60 },
        );
      });
    });

    // A memory store keeps nothing across instances, so the block does not apply to it.
    if (options.persistent) describe('reopening the same backend', () => {
      it('keeps the messages and continues ids upwards', async () => {
        if (!subject?.reopen) throw new Error(`${name}: a persistent backend's factory must provide reopen()`);
        const before = await fill(store, 3, 'lobby');
        await store.append(draft('retry me', { authorKey: 'alice', cid: 'kept' }));
        store = await subject.reopen();
        expect(await store.latest('lobby', 10)).toStrictEqual(before);
        const next = await store.append(draft('after reopening', { room: 'lobby' }));
        expect(next.message.id).toBeGreaterThan(before[2]!.id);
        expect(await store.after('lobby', before[2]!.id, 10)).toStrictEqual({ messages: [next.message], truncated: false });
        const retry = await store.append(draft('retry me', { authorKey: 'alice', cid: 'kept' }));
        expect(retry.duplicate).toBe(true);
      });

      it('keeps the changes log and numbers changes upwards', async () => {
        if (!subject?.reopen) throw new Error(`${name}: a persistent backend's factory must provide reopen()`);
        const [one, two] = await fill(store, 2, 'lobby');
        const first = await store.edit(one!.id, 'edited', TS + 1);
        store = await subject.reopen();
        expect(await store.currentRev('lobby')).toBe(first!.rev);
        const second = await store.delete(two!.id);
        expect(second!.rev).toBeGreaterThan(first!.rev);
        expect((await store.changesAfter('lobby', 0, two!.id, 10)).changes.map((change) => change.id)).toEqual([one!.id, two!.id]);
      });
    });
  });
}
