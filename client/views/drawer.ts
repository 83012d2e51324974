/**
 * On phones the rooms and the people live in a drawer opened from the header's menu button:
 * Escape, the close button, the backdrop or picking a room close it, and the focus comes back to
 * the button. On wider screens the same panel is simply a column and the button is not shown.
 */
import { strings } from '../strings';

/** The drawer's open state, on `<html class="cb-drawer-open">` so the stylesheet decides. */
export class DrawerView {
  constructor(
    private readonly doc: Document,
    private readonly button: HTMLButtonElement,
    private readonly panel: HTMLElement,
    private readonly closeButton: HTMLButtonElement,
    private readonly backdrop: HTMLElement,
  ) {
    button.querySelector('.cb-visually-hidden')?.replaceChildren(strings.header.menu);
    closeButton.setAttribute('aria-label', strings.header.closeMenu);
    button.addEventListener('click', this.toggle);
    closeButton.addEventListener('click', this.close);
    backdrop.addEventListener('click', this.close);
    panel.addEventListener('keydown', this.handleKey);
    panel.addEventListener('click', this.handlePanelClick);
  }

  /** Removes the listeners this view added. */
  destroy(): void {
    this.button.removeEventListener('click', this.toggle);
    this.closeButton.removeEventListener('click', this.close);
    this.backdrop.removeEventListener('click', this.close);
    this.panel.removeEventListener('keydown', this.handleKey);
    this.panel.removeEventListener('click', this.handlePanelClick);
  }

  /** Whether the drawer is open. */
  get isOpen(): boolean {
    return this.doc.documentElement.classList.contains('cb-drawer-open');
  }

  private setOpen(open: boolean): void {
    this.doc.documentElement.classList.toggle('cb-drawer-open', open);
    this.button.setAttribute('aria-expanded', String(open));
    this.backdrop.hidden = !open;
    if (open) this.closeButton.focus();
  }

  private readonly toggle = (): void => {
    this.setOpen(!this.isOpen);
  };

  readonly close = (): void => {
    if (!this.isOpen) return;
    this.setOpen(false);
    this.button.focus();
  };

  private readonly handleKey = (event: KeyboardEvent): void => {
    if (event.key === 'Escape' && this.isOpen) {
      event.stopPropagation();
      this.close();
    }
  };

  private readonly handlePanelClick = (event: MouseEvent): void => {
    // Picking a room is the end of a trip to the drawer: show that room's messages.
    const target = event.target instanceof Element ? event.target : null;
    if (this.isOpen && target?.closest('[data-room]')) this.close();
  };
}
