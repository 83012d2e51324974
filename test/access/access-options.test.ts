/** The identity, access and abuse-limit options: defaults and the TypeError naming each wrong one. */
import { createChatMiddleware, MemoryStore } from 'express-chatterbox';
import { resolveOptions } from '../../lib/options';

describe('access options', () => {
  it('fills in the documented defaults', () => {
    const resolved = resolveOptions({ history: false });
    expect(resolved).toMatchObject({
      use: [],
      identify: undefined,
      allowAnonymous: true,
      identityCheckInterval: 60_000,
      origins: [],
      reservedNicks: [],
      messageRate: { limit: 3, windowMs: 2000, blockMs: 5000 },
      eventRate: { limit: 30, windowMs: 2000, blockMs: 0 },
      loginRate: { limit: 10, windowMs: 60_000, blockMs: 0 },
      maxConnectionsPerAddress: 20,
      maxConnectionsPerUser: 10,
      maxBufferedBytes: 8 * 1024 * 1024,
      maxHttpBufferSize: undefined,
      trustProxy: false,
      onMessage: undefined,
    });
  });

  it('defaults allowAnonymous to false with identify', () => {
    expect(resolveOptions({ history: false, identify: () => null }).allowAnonymous).toBe(false);
  });

  it.each([
    ['use', () => undefined, 'option "use" must be an array of middleware (did you mean `use: [session]`?)'],
    ['use', [1], 'option "use" must be an array of Express middleware'],
    ['identify', 'x', 'option "identify" must be a function'],
    ['allowAnonymous', 'yes', 'option "allowAnonymous" must be true or false'],
    ['allowAnonymous', false, 'option "allowAnonymous" must be true unless `identify` is set'],
    ['origins', ['https://a.example/'], 'option "origins" must be exact origins'],
    ['origins', 'https://a.example', 'option "origins" must be an array of origins'],
    ['reservedNicks', [''], 'option "reservedNicks" must be an array of nicknames'],
    ['messageRate', { limit: 0, windowMs: 1000 }, 'option "messageRate" must be { limit, windowMs, blockMs? }'],
    ['eventRate', true, 'option "eventRate" must be { limit, windowMs, blockMs? }'],
    ['loginRate', { limit: 1 }, 'option "loginRate" must be { limit, windowMs, blockMs? }'],
    ['maxConnectionsPerAddress', -1, 'option "maxConnectionsPerAddress" must be a whole number'],
    ['maxBufferedBytes', 10, 'option "maxBufferedBytes" must be a whole number from 1024'],
    ['maxHttpBufferSize', 1.5, 'option "maxHttpBufferSize" must be a whole number'],
    ['maxConnectionsPerUser', 1.5, 'option "maxConnectionsPerUser" must be a whole number'],
    ['trustProxy', 'not an address', 'option "trustProxy" must be false, true'],
    ['trustProxy', ['10.0.0.0/99'], 'option "trustProxy" must be false, true'],
    ['trustProxy', 33, 'option "trustProxy" must be false, true'],
    ['onMessage', {}, 'option "onMessage" must be a function'],
    ['identityCheckInterval', -5, 'option "identityCheckInterval" must be a whole number'],
  ])('throws a TypeError naming %s for %p', (name, value, message) => {
    const create = () => createChatMiddleware({ history: new MemoryStore(), [name]: value });
    expect(create).toThrow(TypeError);
    expect(create).toThrow(message);
  });

  it.each([[true], [2], ['loopback'], ['loopback, 10.0.0.0/8'], [['127.0.0.1', 'uniquelocal']]])(
    'accepts trustProxy %p, as Express accepts it for trust proxy',
    (value) => {
      expect(resolveOptions({ history: false, trustProxy: value }).trustProxy).toEqual(value);
    },
  );
});
