/**
 * Loads `pg` only when the PostgreSQL store is chosen, so that a SQLite user needs no `pg`
 * installed; the part of it Chatterbox uses is typed by shape in options/pg-types.ts.
 */
import { ChatOptionError } from '../options/option-error';
import type { PgPoolLike } from '../options/pg-types';

export type { PgPoolLike, PgPoolClientLike, PgQueryResult } from '../options/pg-types';


/** The settings the store gives a pool it creates. */
export interface PgPoolConfig {
  connectionString: string;
  connectionTimeoutMillis: number;
  /** Makes each connection's socket (pg calls it with the connection's settings). */
  stream?: () => import('node:net').Socket;
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
    throw new ChatOptionError(
      'CHATTERBOX_MISSING_DEPENDENCY',
      `express-chatterbox: the PostgreSQL history store needs pg: npm install pg (${String(error)})`,
      { cause: error },
    );
  }
}
