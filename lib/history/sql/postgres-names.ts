/** The SQL names PostgresStore derives from its `table` option, checked and quoted once. */
import { ChatOptionError } from '../../options/option-error';
import { showValue } from './store-options';

/** Quoted, ready-to-interpolate names of everything one PostgresStore owns. */
export interface PostgresNames {
  /** The table as given (`chatterbox_messages`, `chat.messages`), for logs and errors. */
  display: string;
  /** The messages table, quoted and schema-qualified if it was given qualified. */
  table: string;
  /** The table recording which migrations ran: `<table>_migrations`, in the same schema. */
  migrations: string;
  /** The reactions table: `<table>_reactions`, in the same schema. */
  reactions: string;
  /** Who blocked whose direct messages: `<table>_blocks`, in the same schema. */
  blocks: string;
  /** One row per changed message (edits, reactions, deletes): `<table>_changes`, in the same schema. */
  changes: string;
  /** The sequence numbering those changes: `<table>_change_rev`, in the same schema. */
  changeRev: string;
  /** Each user's direct conversations and read markers: `<table>_dms`, in the same schema. */
  dms: string;
  /** An index name (`<table>_<suffix>`), quoted and unqualified, as `CREATE INDEX` wants it. */
  index(suffix: string): string;
  /** The `pg_advisory_xact_lock(int, int)` key that serialises migrations of this table. */
  migrationLock: [number, number];
}

// Derived names add up to 11 characters (`_migrations`), and PostgreSQL silently truncates
// names beyond 63, which could make two tables share an index name.
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,51}$/;
const SCHEMA = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** First half of the advisory lock key taken while migrating a table: `cbx1` as a 32-bit integer. */
export const MIGRATION_LOCK_CLASS = 0x63627831;

/** First half of the advisory lock key taken while appending to a table (`cbx2`); the second is its OID. */
export const APPEND_LOCK_CLASS = 0x63627832;

/** First half of the advisory lock key taken while numbering a change of a table's message (`cbx3`); the second is its OID. */
export const CHANGE_LOCK_CLASS = 0x63627833;

/**
 * Checks `table` (`name` or `schema.name`, letters, digits and `_`, the name at most 52
 * characters) and derives the names. Throws a `TypeError` naming the option.
 */
export function postgresNames(table: unknown): PostgresNames {
  const parts = typeof table === 'string' ? table.split('.') : [];
  const name = parts.length === 2 ? parts[1] : parts[0];
  const schema = parts.length === 2 ? parts[0] : undefined;
  if (
    typeof table !== 'string' ||
    parts.length > 2 ||
    name === undefined ||
    !IDENTIFIER.test(name) ||
    (schema !== undefined && !SCHEMA.test(schema))
  ) {
    throw new ChatOptionError(
      'CHATTERBOX_INVALID_OPTION',
      `PostgresStore option \`table\` must be a table name like 'chatterbox_messages' or 'chat.messages' (letters, digits and _, at most 52 characters), got ${showValue(table)}`,
    );
  }
  // Quoting keeps the case as given; the pattern already excludes the quote character.
  const prefix = schema === undefined ? '' : `"${schema}".`;
  return {
    display: table,
    table: `${prefix}"${name}"`,
    migrations: `${prefix}"${name}_migrations"`,
    reactions: `${prefix}"${name}_reactions"`,
    blocks: `${prefix}"${name}_blocks"`,
    changes: `${prefix}"${name}_changes"`,
    changeRev: `${prefix}"${name}_change_rev"`,
    dms: `${prefix}"${name}_dms"`,
    index: (suffix) => `"${name}_${suffix}"`,
    // The table may not exist yet, so the key comes from its name rather than its OID.
    migrationLock: [MIGRATION_LOCK_CLASS, hash32(table)],
  };
}

/** FNV-1a over UTF-16 code units, as a signed 32-bit integer (what `int4` takes). */
function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}
