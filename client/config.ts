/** Reads the settings the server injects into the page, falling back to the defaults. */
import { strings } from './strings';

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
  /** The host's title for the chat (a future `title` option). Defaults to `strings.defaultTitle`. */
  title: string;
  /**
   * Each room's topic by room name, `''` for the default room (a future `topics`/room-topic
   * option). Defaults to none.
   */
  topics: Readonly<Record<string, string>>;
}

/** The id of the `<script type="application/json">` element the server injects. */
export const CONFIG_ELEMENT_ID = 'chatterbox-config';

/** What the page uses when the server injected nothing (or something unreadable). */
export const DEFAULT_CONFIG: Readonly<ClientConfig> = {
  namespace: '/chat',
  path: '/socket.io',
  rooms: [],
  allowUserRooms: false,
  title: strings.defaultTitle,
  topics: {},
};

function readTopics(value: unknown): Record<string, string> {
  const topics: Record<string, string> = {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return topics;
  for (const [room, topic] of Object.entries(value as Record<string, unknown>)) {
    if (typeof topic === 'string' && topic.trim() !== '') topics[room] = topic.trim();
  }
  return topics;
}

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
    title: typeof fields['title'] === 'string' && fields['title'].trim() !== '' ? fields['title'].trim() : DEFAULT_CONFIG.title,
    topics: readTopics(fields['topics']),
  };
}
