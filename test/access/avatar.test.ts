/** Avatars: a signed-in user's picture from `identify` rides on their lines, live and in history. */
import request from 'supertest';
import { io as connectClient } from 'socket.io-client';
import type { ChatMessage } from 'express-chatterbox';
import { closeAll, nextEvent, recordingLogger, startChat, type TestChat } from '../helpers/chat-server';

import { signedIn } from '../helpers/moderated-chat';

afterEach(closeAll);

const PICTURES: Record<string, string> = { ada: 'https://images.example/ada.png', bob: 'http://images.example/bob.png' };

/** `?user=` signs in as that user, with the picture above (Bob's is plain http: refused). */
function startWithPictures(logger = recordingLogger()): Promise<TestChat> {
  return startChat({
    logger,
    allowAnonymous: true,
    identify: (req) => {
      const user = new URL(req.url ?? '/', 'http://x').searchParams.get('user');
      return user ? { nick: user, avatar: PICTURES[user] } : null;
    },
  });
}

describe('avatars', () => {
  it("carry a signed-in user's https picture on their lines, live and in the history a newcomer gets", async () => {
    const chat = await startWithPictures();
    const ada = await signedIn(chat, 'ada');
    const guest = await chat.login('guest');
    const live = nextEvent<[ChatMessage]>(guest, 'chat');
    await ada.emitWithAck('chat', 'hello');
    expect((await live)[0]).toMatchObject({ u: 'ada', m: 'hello', avatar: 'https://images.example/ada.png' });
    await guest.emitWithAck('chat', 'hi ada');
    const reader = connectClient(`${chat.url}/chat`, { transports: ['websocket'], forceNew: true, reconnection: false });
    try {
      const [history] = await nextEvent<[ChatMessage[]]>(reader, 'history', 5000);
      expect(history.map(({ u, avatar }) => ({ u, avatar }))).toEqual([
        { u: 'ada', avatar: 'https://images.example/ada.png' },
        { u: 'guest', avatar: undefined },
      ]);
    } finally {
      reader.disconnect();
    }
  });

  it('leaves out a picture that is not an absolute https URL, and tells the operator', async () => {
    const logger = recordingLogger();
    const chat = await startWithPictures(logger);
    const bob = await signedIn(chat, 'bob');
    const live = nextEvent<[ChatMessage]>(bob, 'chat');
    await bob.emitWithAck('chat', 'hi');
    expect((await live)[0]).not.toHaveProperty('avatar');
    expect(logger.warn).toHaveBeenCalledWith('identify(req) returned an avatar that is not an absolute https URL; initials are shown instead');
  });

  it('lets the bundled page load https pictures (and nothing else from elsewhere)', async () => {
    const chat = await startWithPictures();
    const response = await request(chat.app).get('/chat/').expect(200);
    expect(response.headers['content-security-policy']).toContain("img-src 'self' data: https:");
  });
});
