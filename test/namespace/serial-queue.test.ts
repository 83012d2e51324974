/**
 * SerialQueues (lib/namespace/serial-queue.ts): one socket's events run one after another, other
 * sockets' do not wait for them, and a socket with nothing to do holds no queue (issue #15: an
 * idle connection in a big room must cost as little as possible).
 */
import { SerialQueues } from '../../lib/namespace/serial-queue';

const tick = (ms = 0): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('SerialQueues', () => {
  it('runs one socket’s tasks in the order they were scheduled, each after the last has finished', async () => {
    const queues = new SerialQueues();
    const order: string[] = [];
    queues.schedule('a', async () => {
      await tick(20);
      order.push('first');
    });
    queues.schedule('a', () => {
      order.push('second');
      return Promise.resolve();
    });
    await tick(40);
    expect(order).toEqual(['first', 'second']);
  });

  it('does not hold one socket’s task behind another socket’s', async () => {
    const queues = new SerialQueues();
    const order: string[] = [];
    queues.schedule('slow', async () => {
      await tick(30);
      order.push('slow');
    });
    queues.schedule('quick', () => {
      order.push('quick');
      return Promise.resolve();
    });
    await tick(50);
    expect(order).toEqual(['quick', 'slow']);
  });

  it('keeps no queue for a socket once its tasks have run', async () => {
    const queues = new SerialQueues();
    queues.schedule('a', () => tick(5));
    queues.schedule('b', () => Promise.resolve());
    expect(queues.size).toBe(2);
    await tick(20);
    expect(queues.size).toBe(0);
  });

  it('goes on after a task that rejects', async () => {
    const queues = new SerialQueues();
    const ran: string[] = [];
    queues.schedule('a', () => Promise.reject(new Error('boom')));
    queues.schedule('a', () => {
      ran.push('after');
      return Promise.resolve();
    });
    await tick(10);
    expect(ran).toEqual(['after']);
    expect(queues.size).toBe(0);
  });
});
