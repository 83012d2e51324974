/** The unread count in the tab's title while the tab is hidden: "(3) Chatterbox". */
import { strings } from './strings';

/** Counts messages that arrive while the page is hidden and shows the count in its title. */
export class TitleUnread {
  private readonly base: string;
  private unread = 0;

  constructor(
    private readonly doc: Document,
    /** The title without a count: the host's title. */
    base: string,
    /** Told the count whenever it changes (the favicon shows it too). */
    private readonly onChange: (unread: number) => void = () => undefined,
  ) {
    this.base = base;
    doc.title = base;
    doc.addEventListener('visibilitychange', this.handleVisibility);
  }

  /** Removes the listener this added and restores the title. */
  destroy(): void {
    this.doc.removeEventListener('visibilitychange', this.handleVisibility);
    this.doc.title = this.base;
  }

  /** A message from someone else arrived. */
  note(count = 1): void {
    if (this.doc.visibilityState !== 'hidden') return;
    this.unread += count;
    this.doc.title = strings.title(this.base, this.unread);
    this.onChange(this.unread);
  }

  /** Whether the page is out of sight (a message then counts as unread). */
  get hidden(): boolean {
    return this.doc.visibilityState === 'hidden';
  }

  private readonly handleVisibility = (): void => {
    if (this.doc.visibilityState === 'hidden') return;
    this.unread = 0;
    this.doc.title = this.base;
    this.onChange(0);
  };
}
