import { SharedLatestReads } from '../../lib/namespace/shared-reads';
import type { ChatMessage } from '../../lib/protocol/payloads';

/** A store read that resolves when told, recording when it started. */
function controlledLoads(): { load: () => Promise<ChatMessage[]>; started: number; finish(messages?: ChatMessage[]): void } {
  const pending: Array<(messages: ChatMessage[]) => void> = [];
  const loads = {
    started: 0,
    load: () => {
      loads.started++;
      return new Promise<ChatMessage[]>((resolve) => pending.push(resolve));
    },
    finish: (messages: ChatMessage[] = []) => pending.shift()?.(messages),
  };
  return loads;
}

const message = (id: number): ChatMessage => ({ u: 'a', m: String(id), id, ts: id });

describe('SharedLatestReads', () => {
  it('starts a read on the next turn when none runs, shared by whoever asks before it starts', async () => {
    const reads = new SharedLatestReads();
    const loads = controlledLoads();
    const first = reads.read('', 50, loads.load);
    const sameTurn = reads.read('', 50, loads.load);
    await new Promise((resolve) => setImmediate(resolve));
    // Asked before it started: both share the one read.
    expect(loads.started).toBe(1);
    loads.finish([message(1)]);
    expect(await first).toEqual([message(1)]);
    expect(await sameTurn).toBe(await first);
  });

  it('never shares a running read: everyone who asks meanwhile shares the next one', async () => {
    const reads = new SharedLatestReads();
    const loads = controlledLoads();
    const first = reads.read('', 50, loads.load);
    await new Promise((resolve) => setImmediate(resolve));
    const second = reads.read('', 50, loads.load);
    const third = reads.read('', 50, loads.load);
    expect(loads.started).toBe(1);
    loads.finish([message(1)]);
    expect(await first).toEqual([message(1)]);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(loads.started).toBe(2);
    loads.finish([message(1), message(2)]);
    expect(await second).toEqual([message(1), message(2)]);
    expect(await third).toBe(await second);
  });

  it('keeps rooms and page sizes apart, and a failed read fails only its callers', async () => {
    const reads = new SharedLatestReads();
    let calls = 0;
    const failing = () => {
      calls++;
      return Promise.reject(new Error('store down'));
    };
    await expect(reads.read('games', 50, failing)).rejects.toThrow('store down');
    const loads = controlledLoads();
    const other = reads.read('games', 10, loads.load);
    await new Promise((resolve) => setImmediate(resolve));
    loads.finish([message(3)]);
    expect(await other).toEqual([message(3)]);
    expect(calls).toBe(1);
  });
});
