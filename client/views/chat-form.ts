/** The `#chat` form: Enter sends the message, the input empties, the focus stays. */
import { FormView } from './form';

/** The longest message the input accepts, in UTF-16 units (the server counts code points). */
export const MAX_MESSAGE_LENGTH = 2000;

/** The message form; `onSubmit` receives each non-blank message. */
export class ChatFormView extends FormView {
  constructor(form: HTMLFormElement, input: HTMLInputElement, onSend: (text: string) => void) {
    super(form, input, (text) => {
      if (text.trim() === '') return;
      input.value = '';
      onSend(text);
    });
    if (!input.hasAttribute('maxlength')) input.maxLength = MAX_MESSAGE_LENGTH;
  }
}
