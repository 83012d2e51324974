/** createChatMiddleware(options): every misconfiguration throws at creation, naming the option and the bad value. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import express from 'express';
import request from 'supertest';
import { createChatMiddleware, ChatOptionError, MemoryStore, type ChatMiddleware, type ChatOptions } from 'express-chatterbox';
import { recordingLogger } from '../helpers/chat-server';

const opened: ChatMiddleware[] = [];

// The default history is a SQLite file in the working directory: keep it out of the repository.
const originalCwd = process.cwd();
let workDir = '';
beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatterbox-options-'));
  process.chdir(workDir);
});
afterAll(() => {
  process.chdir(originalCwd);
  fs.rmSync(workDir, { recursive: true, force: true });
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((chat) => chat.close()));
});

/** Creates the chat, remembering it for closing; what the test expects to throw never gets here. */
function create(options?: ChatOptions): ChatMiddleware {
  const chat = createChatMiddleware(options);
  opened.push(chat);
  return chat;
}

/** The error `fn` throws (fails the test if it returns). */
function thrownBy(fn: () => unknown): Error & { code?: unknown } {
  try {
    fn();
  } catch (error) {
    return error as Error & { code?: unknown };
  }
  throw new Error('expected a throw, but it returned');
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('createChatMiddleware options', () => {
  describe('a wrong value', () => {
    // [option, value, how the message shows the value]
    it.each<[keyof ChatOptions, unknown, string]>([
      ['maxNickLength', 0, '0'],
      ['maxNickLength', '32', '"32"'],
      ['maxNickLength', NaN, 'NaN'],
      ['maxNickLength', 1.5, '1.5'],
      ['maxNickLength', 257, '257'],
      ['maxNickLength', Infinity, 'Infinity'],
      ['maxNickLength', -1, '-1'],
      ['maxNickLength', true, 'true'],
      ['maxNickLength', 10n, '10n'], // "got 10" would read like a valid value
      ['maxMessageLength', 0, '0'],
      ['maxMessageLength', 100_001, '100001'],
      ['maxMessageLength', '2000', '"2000"'],
      ['historyLimit', -1, '-1'],
      ['historyLimit', 1001, '1001'],
      ['historyLimit', '50', '"50"'],
      ['reconnectLimit', -1, '-1'],
      ['reconnectLimit', 100_001, '100001'],
      ['reconnectLimit', 2.5, '2.5'],
      ['editWindowMs', -1, '-1'],
      ['editWindowMs', 1.5, '1.5'],
      ['editWindowMs', '900000', '"900000"'],
      ['allowDirectMessages', 'yes', '"yes"'],
      ['namespace', 'chat', '"chat"'],
      ['namespace', '', '""'],
      ['namespace', '/chat room', '"/chat room"'],
      ['namespace', '/ch@t', '"/ch@t"'],
      ['namespace', 42, '42'],
      ['namespace', ['/chat'], 'an array'],
      ['path', 'socket.io', '"socket.io"'],
      ['path', '/a/../b', '"/a/../b"'],
      ['path', '', '""'],
      ['path', '/socket.io?x=1', '"/socket.io?x=1"'],
      ['path', 42, '42'],
      ['staticRoot', '', '""'],
      ['staticRoot', 42, '42'],
      ['staticRoot', false, 'false'],
      ['history', 'sqlite', '"sqlite"'],
      ['history', true, 'true'],
      ['history', {}, 'an object'],
      ['history', { sqlite: '' }, 'an object'],
      ['history', { memory: false }, 'an object'],
      ['history', { postgres: 42 }, 'an object'],
      ['history', [], 'an array'],
      ['logger', {}, 'an object'],
      ['logger', { warn() {} }, 'an object'],
      ['logger', console.log, 'a function'],
      ['logger', 'console', '"console"'],
      ['server', {}, 'an object'],
      ['server', 3000, '3000'],
      ['server', 'localhost', '"localhost"'],
      ['server', express(), 'a function'],
      ['io', {}, 'an object'],
      ['io', 'io', '"io"'],
      ['adapter', {}, 'an object'],
      ['adapter', 'redis', '"redis"'],
    ])('throws a TypeError naming %s and showing %p', (name, value, shown) => {
      const error = thrownBy(() => create({ [name]: value }));
      expect(error).toBeInstanceOf(TypeError);
      expect(error).toBeInstanceOf(ChatOptionError);
      expect(error.code).toBe('CHATTERBOX_INVALID_OPTION');
      expect(error.message).toMatch(new RegExp(`^express-chatterbox: option "${name}" must be .+; got ${escape(shown)}$`));
    });

    it('says what is expected, for example for maxNickLength', () => {
      expect(() => create({ maxNickLength: 0 })).toThrow(
        new TypeError('express-chatterbox: option "maxNickLength" must be a whole number from 1 to 256; got 0'),
      );
    });

    it('says what is expected, for example for namespace', () => {
      expect(() => create({ namespace: 'chat' })).toThrow(
        new TypeError(`express-chatterbox: option "namespace" must be a string starting with '/' made of letters, digits, '-', '_' and '/'; got "chat"`),
      );
    });

    it('says what is expected, for example for server', () => {
      expect(() => create({ server: {} as http.Server })).toThrow(
        new TypeError('express-chatterbox: option "server" must be an http.Server or https.Server (the one your app listens on); got an object'),
      );
    });

    it.each<[string, unknown, string]>([
      ['a string', 'chat', '"chat"'],
      ['null', null, 'null'],
      ['an array', [], 'an array'],
      ['a number', 42, '42'],
      ['a function (app.use(createChatMiddleware) by mistake is another story)', () => undefined, 'a function'],
    ])('throws a TypeError for options that are %s', (_label, value, shown) => {
      const error = thrownBy(() => create(value as ChatOptions));
      expect(error).toBeInstanceOf(TypeError);
      expect(error.code).toBe('CHATTERBOX_INVALID_OPTION');
      expect(error.message).toBe(`express-chatterbox: option "options" must be an object; got ${shown}`);
    });

    // `undefined` means "left out"; `null` is a value the types forbid and is a mistake like any other.
    it.each<keyof ChatOptions>([
      'server',
      'io',
      'namespace',
      'path',
      'staticRoot',
      'maxNickLength',
      'maxMessageLength',
      'history',
      'historyLimit',
      'reconnectLimit',
      'adapter',
      'logger',
    ])('throws a TypeError for %s: null', (name) => {
      const error = thrownBy(() => create({ [name]: null }));
      expect(error).toBeInstanceOf(TypeError);
      expect(error.code).toBe('CHATTERBOX_INVALID_OPTION');
      expect(error.message).toMatch(new RegExp(`^express-chatterbox: option "${name}" must be .+; got null$`));
    });
  });

  describe('a value at the edge of its range', () => {
    it.each<[keyof ChatOptions, unknown]>([
      ['maxNickLength', 1],
      ['maxNickLength', 256],
      ['maxMessageLength', 1],
      ['maxMessageLength', 100_000],
      ['historyLimit', 0],
      ['historyLimit', 1000],
      ['reconnectLimit', 100_000],
      ['namespace', '/'],
      ['namespace', '/a-b_c/D9'],
      ['path', '/a.b/c-d_e'],
      ['history', false],
      ['history', { memory: true, maxMessages: 5 }],
    ])('accepts %s: %p', (name, value) => {
      expect(() => create({ [name]: value, logger: recordingLogger() })).not.toThrow();
    });
  });

  describe('an unknown key', () => {
    it.each([
      ['maxNickLen', 'maxNickLength'],
      ['maxnicklength', 'maxNickLength'],
      ['maxMessageLen', 'maxMessageLength'],
      ['namepsace', 'namespace'],
      ['histroy', 'history'],
      ['historyLimt', 'historyLimit'],
      ['statikRoot', 'staticRoot'],
      ['loger', 'logger'],
      ['Path', 'path'],
    ])('throws CHATTERBOX_UNKNOWN_OPTION for %s, suggesting %s', (key, suggestion) => {
      const error = thrownBy(() => create({ [key]: 1 }));
      expect(error).toBeInstanceOf(TypeError);
      expect(error.code).toBe('CHATTERBOX_UNKNOWN_OPTION');
      expect(error.message).toBe(`express-chatterbox: unknown option "${key}" (did you mean "${suggestion}"?)`);
    });

    it('throws without a suggestion when nothing is close', () => {
      const error = thrownBy(() => create({ databaseUrl: 'postgres://x' } as ChatOptions));
      expect(error).toBeInstanceOf(TypeError);
      expect(error.code).toBe('CHATTERBOX_UNKNOWN_OPTION');
      expect(error.message).toBe('express-chatterbox: unknown option "databaseUrl"');
    });

    it('throws even when its value is undefined (a typo is a typo)', () => {
      const error = thrownBy(() => create({ maxNickLen: undefined } as ChatOptions));
      expect(error.code).toBe('CHATTERBOX_UNKNOWN_OPTION');
    });
  });

  describe("the caller's object", () => {
    it('is left exactly as it was, nested objects included', async () => {
      const logger = recordingLogger();
      const history = Object.freeze({ memory: true as const, maxMessages: 10 });
      const options = Object.freeze({ namespace: '/room', path: '/live/', maxNickLength: 20, history, logger });
      const copy = { ...options, history: { ...history } };
      const chat = create(options);
      expect(options).toEqual(copy);
      expect(options.logger).toBe(logger);
      // The trailing slash was dropped in the resolved settings only.
      await request(express().use('/chat', chat)).get('/chat/config.json').expect('{"namespace":"/room","path":"/live"}');
      expect(options.path).toBe('/live/');
    });

    it('is not kept: changing it afterwards changes nothing', async () => {
      const options: ChatOptions = { namespace: '/first', logger: recordingLogger() };
      const chat = create(options);
      options.namespace = '/second';
      await request(express().use('/chat', chat)).get('/chat/config.json').expect('{"namespace":"/first","path":"/socket.io"}');
    });
  });

  describe('undefined values', () => {
    it('are treated as omitted: every default applies', async () => {
      const chat = create({
        server: undefined,
        io: undefined,
        namespace: undefined,
        path: undefined,
        staticRoot: undefined,
        maxNickLength: undefined,
        maxMessageLength: undefined,
        history: undefined,
        historyLimit: undefined,
        reconnectLimit: undefined,
        adapter: undefined,
        logger: undefined,
      });
      expect(chat.namespace).toBeUndefined();
      await request(express().use('/chat', chat)).get('/chat/config.json').expect(200).expect('{"namespace":"/chat","path":"/socket.io"}');
    });

    it('keeps history in chatterbox.sqlite in the working directory by default', async () => {
      const chat = create();
      await chat.ready;
      expect(fs.existsSync(path.join(workDir, 'chatterbox.sqlite'))).toBe(true);
    });

    it('createChatMiddleware() and createChatMiddleware(undefined) both use the defaults', async () => {
      for (const chat of [create(), create(undefined)]) {
        await request(express().use('/chat', chat)).get('/chat/config.json').expect('{"namespace":"/chat","path":"/socket.io"}');
      }
    });

    it('leave the store the host passed to the host', async () => {
      const store = new MemoryStore();
      const close = jest.spyOn(store, 'close');
      const chat = createChatMiddleware({ history: store, logger: recordingLogger() });
      await chat.ready;
      await chat.close();
      expect(close).not.toHaveBeenCalled();
    });
  });
});
