/// <reference lib="dom" />
// (the client modules under test are typed for the browser; these functions need no DOM)
/** The page's pure helpers: which links may be clickable, and the widget's settings and frame URL. */
import { safeHref } from '../../client/render-text';
import { pageUrl, readSettings } from '../../client/widget/widget';

describe('safeHref', () => {
  it.each([
    ['https://example.com/a?b=1', 'https://example.com/a?b=1'],
    ['http://example.com', 'http://example.com/'],
    ['HTTPS://EXAMPLE.COM/x', 'https://example.com/x'],
    ['javascript:alert(1)', null],
    ['JaVaScRiPt:alert(1)', null],
    ['data:text/html,<script>alert(1)</script>', null],
    ['vbscript:msgbox(1)', null],
    ['file:///etc/passwd', null],
    ['//example.com', null],
    ['https://', null],
    ['not a url', null],
  ])('%s → %s', (candidate, expected) => {
    expect(safeHref(candidate)).toBe(expected);
  });
});

describe('widget settings', () => {
  const script = (dataset: Record<string, string>) => ({ dataset }) as unknown as HTMLScriptElement;

  it.each([
    [{}, { room: '', position: 'bottom-right', theme: 'auto', label: 'Chat' }],
    [{ room: ' help ', position: 'bottom-left', theme: 'dark', label: 'Ask us' }, { room: 'help', position: 'bottom-left', theme: 'dark', label: 'Ask us' }],
    [{ position: 'top-left', theme: 'neon', label: '  ' }, { room: '', position: 'bottom-right', theme: 'auto', label: 'Chat' }],
  ])('reads %j as %j', (dataset, expected) => {
    expect(readSettings(script(dataset))).toEqual(expected);
  });

  it('frames the page next to widget.js, with the room and theme in its query', () => {
    const settings = { room: 'café & co', position: 'bottom-right', theme: 'dark', label: 'Chat' } as const;
    expect(pageUrl('https://host.example/support/chat/widget.js?v=2', settings)).toBe(
      'https://host.example/support/chat/?embed=1&room=caf%C3%A9+%26+co&theme=dark',
    );
    expect(pageUrl('https://host.example/chat/widget.js', { ...settings, room: '', theme: 'auto' })).toBe('https://host.example/chat/?embed=1');
  });
});
