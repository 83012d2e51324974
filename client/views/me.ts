/** The "you" block in the side panel: your name, and the controls to change it and to leave. */
import { strings } from '../strings';

/** Shows who you are; a host-signed-in account gets its name and no controls (it cannot change). */
export class MeView {
  constructor(
    private readonly region: HTMLElement,
    private readonly name: HTMLElement,
    private readonly renameButton: HTMLButtonElement,
    private readonly leaveButton: HTMLButtonElement,
    private readonly onRename: () => void,
    private readonly onLeave: () => void,
  ) {
    renameButton.textContent = strings.people.rename;
    leaveButton.textContent = strings.people.leave;
    renameButton.addEventListener('click', this.onRename);
    leaveButton.addEventListener('click', this.onLeave);
  }

  /** Removes the listeners this view added. */
  destroy(): void {
    this.renameButton.removeEventListener('click', this.onRename);
    this.leaveButton.removeEventListener('click', this.onLeave);
  }

  /** Shows `nick` (null: nobody yet, the block hides); `identified` hides rename and leave. */
  show(nick: string | null, identified: boolean): void {
    this.region.hidden = nick === null;
    if (nick === null) return;
    this.name.textContent = identified ? strings.people.signedInAs(nick) : strings.people.youAre(nick);
    this.renameButton.hidden = identified;
    this.leaveButton.hidden = identified;
  }
}
