/** MemoryStore against the MessageStore contract. */
import { MemoryStore } from '../../lib/history/memory-store';
import { describeMessageStoreContract } from './message-store.contract';

describeMessageStoreContract(
  'MemoryStore',
  async (options) => {
    const store = new MemoryStore(options?.maxMessages === undefined ? {} : { maxMessages: options.maxMessages });
    await store.open();
    return { store, cleanup: () => store.close() };
  },
  { persistent: false },
);
