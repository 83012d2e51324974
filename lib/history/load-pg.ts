/**
 * Loads `pg` only when the PostgreSQL store is chosen, and types the part of it Chatterbox uses by
 * shape, so that a SQLite user needs no `pg` installed and the shipped declarations never import it.
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

/** The settings the store gives a pool it creates. */
export interface PgPoolConfig {
  connectionString: string;
  connectionTimeoutMillis: number;
}

/** The part of the `pg` module the store uses. */
export interface PgModule {
  Pool: new (config: PgPoolConfig) => PgPoolLike;
}

/** `require('pg')`, or an Error that says how to install it. */
export function loadPg(): PgModule {
  try {
    // Required lazily: a chat without a PostgreSQL history must not need pg installed.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('pg') as PgModule;
  } catch (error) {
    throw new Error(`express-chatterbox: the PostgreSQL history store needs pg: npm install pg (${String(error)})`, { cause: error });
  }
}
