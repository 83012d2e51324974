/** Reads the settings the server injects into the page, falling back to the defaults. */

/** Where the page finds the chat's Socket.IO namespace. */
export interface ClientConfig {
  /** The namespace, relative to the page's origin. Defaults to `/chat`. */
  namespace: string;
  /** The Socket.IO endpoint's path. Defaults to `/socket.io`. */
  path: string;
  /** The host's rooms besides the default one. Defaults to none. */
  rooms: string[];
  /** Whether people may create rooms. Defaults to `false`. */
  allowUserRooms: boolean;
}

/** The id of the `<script type="application/json">` element the server injects. */
export const CONFIG_ELEMENT_ID = 'chatterbox-config';

/** What the page uses when the server injected nothing (or something unreadable). */
export const DEFAULT_CONFIG: Readonly<ClientConfig> = { namespace: '/chat', path: '/socket.io', rooms: [], allowUserRooms: false };

function absolutePath(value: unknown, fallback: string): string {
  return typeof value === 'string' && value.startsWith('/') ? value : fallback;
}

/** The injected config, each missing or malformed field replaced by its default. */
export function readConfig(doc: Document): ClientConfig {
  const text = doc.getElementById(CONFIG_ELEMENT_ID)?.textContent;
  let parsed: unknown = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      // A broken config is the server's bug; the defaults are still the likeliest to work.
      parsed = null;
    }
  }
  const fields: Record<string, unknown> =
    typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  return {
    namespace: absolutePath(fields['namespace'], DEFAULT_CONFIG.namespace),
    path: absolutePath(fields['path'], DEFAULT_CONFIG.path),
    rooms: Array.isArray(fields['rooms']) ? fields['rooms'].filter((room): room is string => typeof room === 'string' && room !== '') : [],
    allowUserRooms: fields['allowUserRooms'] === true,
  };
}
