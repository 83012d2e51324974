/**
 * StoreSupervisor: opening retried with backoff until it works, one warning per outage and one
 * info when it is over, STORE_UNAVAILABLE until open, `ready` rejected only for a developer's
 * mistake, and close() bounded whatever the store does.
 */
import { ChatError } from '../../lib/protocol/error-codes';
import { MemoryStore } from '../../lib/history/memory-store';
import { backoffDelay, StoreSupervisor, type StoreSupervisorOptions } from '../../lib/history/store-supervisor';
import type { ChatLogger } from '../../lib/options/logger';

const FAST = { initialMs: 10, maxMs: 40 };

/** A memory store whose open() fails `failures` times, and whose reads fail while `down`. */
class FlakyStore extends MemoryStore {
  opens = 0;
  down = false;
  constructor(private failures: number) {
    super();
  }
  override open(): Promise<void> {
    this.opens++;
    if (this.failures-- > 0) return Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    return super.open();
  }
  override latest(room: string, limit: number) {
    return this.down ? Promise.reject(new ChatError('STORE_UNAVAILABLE')) : super.latest(room, limit);
  }
}

function logger(): ChatLogger & { info: jest.Mock; warn: jest.Mock; error: jest.Mock } {
  return { info: jest.fn(), warn: jest.fn(), error: jest.fn() };
}

function supervise(store: MemoryStore, overrides: Partial<StoreSupervisorOptions> = {}) {
  const options = { logger: logger(), label: 'Test store', meta: { where: 'here' }, owned: true, reportsOutages: false, backoff: FAST, ...overrides };
  // The recording logger unless a test passed its own.
  return { supervisor: new StoreSupervisor(store, options), logger: options.logger as ReturnType<typeof logger> };
}

describe('StoreSupervisor', () => {
  it('retries open() until it works, answering STORE_UNAVAILABLE meanwhile, with one warn and one info', async () => {
    const store = new FlakyStore(4);
    const { supervisor, logger: log } = supervise(store);
    expect(supervisor.status.state).toBe('connecting');
    supervisor.start();
    await expect(supervisor.latest('', 1)).rejects.toEqual(new ChatError('STORE_UNAVAILABLE'));
    await supervisor.ready;
    expect(store.opens).toBe(5);
    expect(supervisor.status).toEqual({ state: 'ok', since: expect.any(Number) });
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(log.warn).toHaveBeenCalledWith(
      'Test store cannot be opened: chat requests get STORE_UNAVAILABLE while Chatterbox retries in the background',
      { where: 'here', operation: 'open', code: 'ECONNREFUSED', cause: 'connect ECONNREFUSED' },
    );
    expect(log.info).toHaveBeenCalledTimes(1);
    expect(log.info).toHaveBeenCalledWith('Test store is available again', { where: 'here' });
    await expect(supervisor.latest('', 1)).resolves.toEqual([]);
  });

  it('says it is back with warn when the logger has no info', async () => {
    const { warn, error } = logger();
    const { supervisor } = supervise(new FlakyStore(1), { logger: { warn, error } });
    supervisor.start();
    await supervisor.ready;
    expect(warn.mock.calls.map(([message]: unknown[]) => message)).toEqual([
      'Test store cannot be opened: chat requests get STORE_UNAVAILABLE while Chatterbox retries in the background',
      'Test store is available again',
    ]);
  });

  it('is degraded when lost after being up, warns once, and finds it back by itself', async () => {
    const store = new FlakyStore(0);
    const { supervisor, logger: log } = supervise(store);
    await supervisor.open();
    store.down = true;
    for (let i = 0; i < 3; i++) await expect(supervisor.latest('', 1)).rejects.toEqual(new ChatError('STORE_UNAVAILABLE'));
    expect(supervisor.status.state).toBe('degraded');
    expect(log.warn).toHaveBeenCalledTimes(1);
    store.down = false;
    const started = Date.now();
    while (supervisor.status.state !== 'ok' && Date.now() - started < 2_000) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(supervisor.status.state).toBe('ok');
    expect(log.info).toHaveBeenCalledTimes(1);
    await supervisor.close();
  });

  it('leaves the outage lines to a store that logs its own once open', async () => {
    const store = new FlakyStore(0);
    const { supervisor, logger: log } = supervise(store, { reportsOutages: true });
    await supervisor.open();
    store.down = true;
    await expect(supervisor.latest('', 1)).rejects.toEqual(new ChatError('STORE_UNAVAILABLE'));
    expect(supervisor.status.state).toBe('degraded');
    expect([log.warn.mock.calls, log.info.mock.calls]).toEqual([[], []]);
    await supervisor.close();
  });

  it('rejects ready for a developer’s mistake (a TypeError) and stops retrying', async () => {
    const store = new MemoryStore();
    const open = jest.spyOn(store, 'open').mockRejectedValue(new TypeError('missing driver'));
    const { supervisor, logger: log } = supervise(store);
    supervisor.start();
    await expect(supervisor.ready).rejects.toThrow(new TypeError('missing driver'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(open).toHaveBeenCalledTimes(1);
    expect(log.error).toHaveBeenCalledWith('Test store cannot be used: missing driver', { where: 'here' });
  });

  it('closes within its bound a store whose close() never settles, and stops retrying', async () => {
    const store = new FlakyStore(Infinity);
    jest.spyOn(store, 'close').mockReturnValue(new Promise(() => undefined));
    const { supervisor } = supervise(store);
    supervisor.start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await supervisor.close(200);
    expect(Date.now() - started).toBeLessThan(500);
    const opens = store.opens;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(store.opens).toBe(opens);
  });

  it('never closes a store it does not own', async () => {
    const store = new MemoryStore();
    const close = jest.spyOn(store, 'close');
    const { supervisor } = supervise(store, { owned: false });
    await supervisor.open();
    await supervisor.close();
    expect(close).not.toHaveBeenCalled();
  });
});

describe('backoffDelay', () => {
  it('doubles from initialMs up to maxMs, each delay between half and all of its ceiling', () => {
    const backoff = { initialMs: 200, maxMs: 5_000 };
    for (const [attempt, ceiling] of [[0, 200], [1, 400], [4, 3_200], [5, 5_000], [60, 5_000]] as const) {
      for (let i = 0; i < 50; i++) {
        const delay = backoffDelay(backoff, attempt);
        expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    }
  });
});
