/**
 * The `#login` form: asks a guest to choose a name until the server accepts one, and asks again
 * (with a Cancel button) when they change it.
 */
import { strings } from '../strings';
import { FormView } from './form';

/** The parts of the form whose words change between choosing and changing a name. */
export interface LoginFormLabels {
  label: HTMLElement;
  submit: HTMLButtonElement;
  cancel: HTMLButtonElement;
}

/** The name form; `onSubmit` receives the name as typed. */
export class LoginFormView extends FormView {
  private labels: LoginFormLabels | null = null;
  private onCancel: (() => void) | null = null;

  /** Connects the label and buttons, so the form can switch between choosing and renaming. */
  withLabels(labels: LoginFormLabels, onCancel: () => void): this {
    this.labels = labels;
    this.onCancel = onCancel;
    labels.cancel.textContent = strings.people.cancel;
    labels.cancel.addEventListener('click', this.handleCancel);
    this.setRenaming(false);
    return this;
  }

  override destroy(): void {
    super.destroy();
    this.labels?.cancel.removeEventListener('click', this.handleCancel);
  }

  /** Words for choosing a first name ("Choose a name", "Join the chat") or for changing it. */
  setRenaming(renaming: boolean): void {
    if (!this.labels) return;
    this.labels.label.textContent = renaming ? strings.people.nameLabel : strings.people.chooseName;
    this.labels.submit.textContent = renaming ? strings.people.renameSubmit : strings.people.join;
    this.labels.cancel.hidden = !renaming;
  }

  /** Empties the name field (after leaving, the old name is not offered again). */
  clear(): void {
    this.input.value = '';
  }

  /** Shows the form with `nick` in it, ready to be edited into a new name. */
  showForRename(nick: string): void {
    this.input.value = nick;
    this.setRenaming(true);
    this.show();
    this.focusAndSelect();
  }

  private readonly handleCancel = (): void => {
    this.onCancel?.();
  };

  /** Shows the form with `nick` filled in (when given). */
  showWith(nick: string | null): void {
    if (nick !== null && this.input.value === '') this.input.value = nick;
    this.show();
  }

  /** Focuses the input with its text selected, ready to be replaced after a refusal. */
  focusAndSelect(): void {
    this.input.focus();
    this.input.select();
  }
}
