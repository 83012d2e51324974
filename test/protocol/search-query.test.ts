/** The word rule `search` shares with the page: the words a query is cut into, and where they stand in a text. */
import { searchTerms, wordMatches, wordsOf } from '../../lib/protocol/search-query';

describe('wordMatches', () => {
  it.each([
    ['Cake, anyone?', [['Cake', 0], ['anyone', 6]]],
    ['<img src=x onerror=alert(1)>', [['img', 1], ['src', 5], ['x', 9], ['onerror', 11], ['alert', 19], ['1', 25]]],
    ['Café crème', [['Café', 0], ['crème', 5]]],
    ['**bold** `code`', [['bold', 2], ['code', 10]]],
    ['!!! ---', []],
  ])('finds each word of %j as written, with its index', (text, expected) => {
    expect([...wordMatches(text)].map((match) => [match[0], match.index])).toEqual(expected);
  });

  it('finds the words wordsOf finds, in the same order, case aside', () => {
    const text = 'Ünïcode wörds, 42 DIGITS and_underscores';
    expect([...wordMatches(text)].map(([word]) => word.toLowerCase())).toEqual(wordsOf(text));
  });

  it('can be iterated again: the shared pattern keeps no state between calls', () => {
    const text = 'one two';
    expect([...wordMatches(text)]).toHaveLength(2);
    expect([...wordMatches(text)]).toHaveLength(2);
    expect(searchTerms('one two')).toEqual(['one', 'two']);
  });
});
