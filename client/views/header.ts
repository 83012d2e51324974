/** The page's header: the host's title, the room on screen and its topic (from the page config). */
import type { ClientConfig } from '../config';

/** Keeps the title, room name and topic current; the tab title follows the host's title. */
export class HeaderView {
  constructor(
    private readonly config: ClientConfig,
    title: HTMLElement,
    private readonly roomName: HTMLElement,
    private readonly topic: HTMLElement,
  ) {
    title.textContent = config.title;
  }

  /** Shows the room `label` (protocol name `name`, `''` for the default room) and its topic. */
  showRoom(label: string, name: string): void {
    this.roomName.textContent = label;
    const topic = this.config.topics[name];
    this.topic.hidden = topic === undefined;
    this.topic.textContent = topic ?? '';
  }
}
