/**
 * A small modal dialog for choices and confirmations: a native `<dialog>` (the browser traps
 * focus in it and closes it on Escape), whose focus goes back where it came from when it closes.
 */
import { make } from '../dom';

/** One button of a dialog: its words, an optional accessible name, what it does. */
export interface DialogButton {
  text: string;
  label?: string;
  /** A distinct look for the action the dialog is about (Delete, Ban…). */
  primary?: boolean;
  run: () => void;
}

let counter = 0;

/** A reusable modal dialog; its content is rebuilt each time it opens. */
export class ModalDialog {
  readonly element: HTMLDialogElement;
  private readonly heading: HTMLElement;
  private readonly body: HTMLElement;
  private returnTo: Element | null = null;

  constructor(private readonly doc: Document) {
    this.element = doc.createElement('dialog');
    this.element.className = 'cb-dialog';
    this.heading = make(doc, 'h2', 'cb-dialog-title');
    this.heading.id = `cb-dialog-title-${++counter}`;
    this.element.setAttribute('aria-labelledby', this.heading.id);
    this.body = make(doc, 'div', 'cb-dialog-body');
    this.element.append(this.heading, this.body);
    doc.body.append(this.element);
    this.element.addEventListener('close', this.handleClose);
  }

  /** Whether it is on screen. */
  get isOpen(): boolean {
    return this.element.open;
  }

  /**
   * Opens (or refills) the dialog with `title` and `parts` (elements and rows of buttons), and
   * focuses `focus` or else its first button. Focus returns to the opener when it closes.
   */
  show(title: string, parts: ReadonlyArray<Node | readonly DialogButton[]>, focus?: HTMLElement): void {
    this.heading.textContent = title;
    this.body.replaceChildren(...parts.map((part) => (part instanceof Node ? part : this.buttons(part))));
    if (!this.element.open) {
      this.returnTo = this.doc.activeElement;
      this.element.showModal();
    }
    (focus ?? this.body.querySelector<HTMLElement>('button, input'))?.focus();
  }

  /** Closes it (focus goes back to where it was before it opened). */
  close(): void {
    if (this.element.open) this.element.close();
  }

  /** Removes the element and its listener. */
  destroy(): void {
    this.element.removeEventListener('close', this.handleClose);
    this.element.remove();
  }

  /** A row of buttons. */
  buttons(specs: readonly DialogButton[]): HTMLElement {
    const row = make(this.doc, 'div', 'cb-dialog-actions');
    for (const spec of specs) {
      const button = make(this.doc, 'button', spec.primary ? 'cb-primary' : 'cb-quiet', spec.text);
      button.type = 'button';
      if (spec.label) button.setAttribute('aria-label', spec.label);
      button.addEventListener('click', spec.run);
      row.append(button);
    }
    return row;
  }

  private readonly handleClose = (): void => {
    const back = this.returnTo;
    this.returnTo = null;
    // The opener may have gone (its line deleted, its name left): the log keeps the focus then.
    if (back instanceof HTMLElement && back.isConnected) back.focus();
    else this.doc.querySelector<HTMLElement>('.cb-log:not([hidden])')?.focus();
  };
}
