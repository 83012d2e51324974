/**
 * The part of `pg` Chatterbox uses, typed by shape, so that the shipped declarations never import
 * `pg` (an optional peer): a host's `pg.Pool` fits `PgPoolLike` as it is.
 */

/** What a query resolves to: the rows and, for writes, how many rows it touched. */
export interface PgQueryResult<R> {
  rows: R[];
  rowCount: number | null;
}

/** A connection checked out of a pool (`pg.PoolClient`), as the migrations use it. */
export interface PgPoolClientLike {
  // `any` rows: pg types them as `any` too; callers name the row type they selected.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query<R = any>(text: string, values?: unknown[]): Promise<PgQueryResult<R>>;
  release(error?: Error | boolean): void;
  /** A checked-out connection that breaks emits `error` here (the pool no longer listens). */
  on(event: 'error', listener: (error: Error) => void): unknown;
  off(event: 'error', listener: (error: Error) => void): unknown;
}

/** A `pg.Pool`, the host's or one the store created: the methods the store calls. */
export interface PgPoolLike {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
  query<R = any>(text: string, values?: unknown[]): Promise<PgQueryResult<R>>;
  connect(): Promise<PgPoolClientLike>;
  on(event: 'error', listener: (error: Error) => void): unknown;
  off(event: 'error', listener: (error: Error) => void): unknown;
  end(): Promise<void>;
}
