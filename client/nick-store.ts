/** Remembers the nickname for this tab, so a reload or reconnect logs back in by itself. */

const KEY = 'chatterbox:nick';

// Storage throws when disabled (privacy modes, sandboxed frames); the page then simply forgets.
function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/** The nickname remembered for this tab, if any. */
export function recallNick(): string | null {
  try {
    return storage()?.getItem(KEY) ?? null;
  } catch {
    return null;
  }
}

/** Remembers `nick`, or forgets it when `null`. */
export function rememberNick(nick: string | null): void {
  try {
    if (nick === null) storage()?.removeItem(KEY);
    else storage()?.setItem(KEY, nick);
  } catch {
    // Quota or privacy errors only cost the automatic re-login.
  }
}
