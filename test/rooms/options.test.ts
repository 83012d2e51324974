/** The rooms options: `rooms`, `allowUserRooms`, `maxRooms`, validated at creation and told to the page. */
import express from 'express';
import request from 'supertest';
import { createChatMiddleware, MemoryStore } from 'express-chatterbox';

const quiet = { warn: jest.fn(), error: jest.fn() };

describe('rooms options', () => {
  it.each([
    [{ rooms: 'games' }, 'option "rooms" must be an array of room names or { name, topic }, such as [\'general\', { name: \'help\', topic: \'Ask away\' }]; got "games"'],
    [{ rooms: [''] }, 'option "rooms[0]" must be a room name (Choose a room name); got ""'],
    [{ rooms: ['a', 'A'] }, 'option "rooms[1]" must be a name not already in the list (compared case-insensitively); got "A"'],
    [{ rooms: [' a'] }, 'option "rooms[0]" must be written as "a" (trimmed, NFKC); got " a"'],
    [{ rooms: ['a', 'b'], maxRooms: 1 }, 'option "rooms" must be at most maxRooms (1) names; got an array'],
    [{ allowUserRooms: 'yes' }, 'option "allowUserRooms" must be true or false; got "yes"'],
    [{ maxRooms: -1 }, 'option "maxRooms" must be a whole number from 0 to 100000; got -1'],
  ])('throws a TypeError naming the option for %j', (options, message) => {
    expect(() => createChatMiddleware({ history: false, logger: quiet, ...(options as object) })).toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'CHATTERBOX_INVALID_OPTION', message: `express-chatterbox: ${message}` }) as Error,
    );
  });

  it('suggests allowUserRooms for a misspelt key', () => {
    expect(() => createChatMiddleware({ allowUserRoom: true } as never)).toThrow('(did you mean "allowUserRooms"?)');
  });

  it('tells the page the rooms and allowUserRooms in config.json, and nothing at their defaults', async () => {
    const chat = createChatMiddleware({ history: new MemoryStore(), logger: quiet, rooms: ['games', 'help'], allowUserRooms: true });
    await request(express().use('/chat', chat))
      .get('/chat/config.json')
      .expect('{"namespace":"/chat","path":"/socket.io","rooms":["games","help"],"allowUserRooms":true}');
    await chat.close();
  });
});
