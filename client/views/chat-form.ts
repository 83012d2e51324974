/**
 * The `#chat` form: Enter sends, Shift+Enter adds a line, the textarea grows with its text up to a
 * few lines and then scrolls; after sending it empties and keeps the focus.
 */
import { FormView } from './form';

/** The longest message the input accepts, in UTF-16 units (the server counts code points). */
export const MAX_MESSAGE_LENGTH = 2000;
/** The composer grows up to this many lines, then scrolls. */
export const MAX_COMPOSER_LINES = 5;

/** The message form; `onSubmit` receives each non-blank message. */
export class ChatFormView extends FormView {
  constructor(
    form: HTMLFormElement,
    private readonly field: HTMLElement & (HTMLTextAreaElement | HTMLInputElement),
    onSend: (text: string) => void,
  ) {
    super(form, field, (text) => {
      if (text.trim() === '') return;
      field.value = '';
      this.fit();
      onSend(text);
    });
    if (!field.hasAttribute('maxlength')) field.maxLength = MAX_MESSAGE_LENGTH;
    (field as HTMLElement).addEventListener('keydown', this.handleKey);
    field.addEventListener('input', this.fit);
  }

  /** Removes the listeners this view added. */
  override destroy(): void {
    super.destroy();
    (this.field as HTMLElement).removeEventListener('keydown', this.handleKey);
    this.field.removeEventListener('input', this.fit);
  }

  private readonly handleKey = (event: KeyboardEvent): void => {
    // An IME composing a character uses Enter to confirm it: that is not a send.
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing || !(this.field instanceof HTMLTextAreaElement)) return;
    event.preventDefault();
    this.form.requestSubmit();
  };

  /** Sizes the textarea to its text, up to {@link MAX_COMPOSER_LINES} lines. */
  private readonly fit = (): void => {
    const field = this.field;
    if (!(field instanceof HTMLTextAreaElement)) return;
    const style = field.ownerDocument.defaultView?.getComputedStyle(field);
    const line = parseFloat(style?.lineHeight ?? '') || 22;
    const padding = (parseFloat(style?.paddingTop ?? '') || 0) + (parseFloat(style?.paddingBottom ?? '') || 0);
    const border = (parseFloat(style?.borderTopWidth ?? '') || 0) + (parseFloat(style?.borderBottomWidth ?? '') || 0);
    // CSSOM, not a style attribute: the page's CSP allows no inline styles.
    field.style.height = 'auto';
    const wanted = Math.min(field.scrollHeight + border, line * MAX_COMPOSER_LINES + padding + border);
    field.style.height = `${wanted}px`;
    field.style.overflowY = field.scrollHeight + border > wanted + 1 ? 'auto' : 'hidden';
  };
}
