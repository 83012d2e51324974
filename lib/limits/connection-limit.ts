/** Counts open connections per client address, so one address cannot hold hundreds of sockets. */

/** Reservations are taken at the handshake and released when the connection closes. */
export class ConnectionCounter {
  private readonly counts = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Takes a slot for `address`; false when it already holds `max` (0: no limit). */
  tryAcquire(address: string): boolean {
    const count = this.counts.get(address) ?? 0;
    if (this.max > 0 && count >= this.max) return false;
    this.counts.set(address, count + 1);
    return true;
  }

  /** Gives a slot back. */
  release(address: string): void {
    const count = (this.counts.get(address) ?? 0) - 1;
    if (count > 0) this.counts.set(address, count);
    else this.counts.delete(address);
  }

  /** Open connections of `address`. */
  count(address: string): number {
    return this.counts.get(address) ?? 0;
  }
}
