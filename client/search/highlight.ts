/**
 * A search result's text as plain text with the words the query matched in `<mark>`: built from
 * text nodes and elements only, so nothing in a message (markup, Markdown) is ever interpreted.
 */
import { wordMatches } from '../../lib/protocol/search-query';

// Case and accents aside, as the stores compare (SQLite's index ignores diacritics too).
function fold(word: string): string {
  return word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * Appends `text` to `parent`, each word that starts with one of `terms` (the query's words, as
 * `searchTerms` cut them) wrapped in a `<mark>`; returns how many words were marked.
 */
export function appendHighlighted(parent: HTMLElement, text: string, terms: readonly string[]): number {
  const doc = parent.ownerDocument;
  const folded = terms.map(fold);
  let last = 0;
  let marked = 0;
  for (const match of wordMatches(text)) {
    const start = match.index ?? 0;
    const word = match[0];
    const key = fold(word);
    if (!folded.some((term) => key.startsWith(term))) continue;
    if (start > last) parent.append(text.slice(last, start));
    const mark = doc.createElement('mark');
    mark.textContent = word;
    parent.append(mark);
    last = start + word.length;
    marked++;
  }
  if (last < text.length) parent.append(text.slice(last));
  return marked;
}
