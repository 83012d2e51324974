/**
 * Opt-in desktop notifications and sound, for mentions of you and for messages that arrive while
 * the page is out of sight. Off until the reader turns them on; the browser's permission is asked
 * only when they press "Notify me", and a refusal is explained rather than asked again.
 */
import { strings } from '../strings';

/** The reader's choices, remembered in localStorage across visits. */
interface AlertSettings {
  notify: boolean;
  sound: boolean;
}

const KEY = 'chatterbox:alerts';
// Long enough to recognise in a notification, short enough not to show a whole essay.
const BODY_LENGTH = 160;

function load(): AlertSettings {
  try {
    const parsed = JSON.parse(window.localStorage.getItem(KEY) ?? '{}') as Partial<AlertSettings>;
    return { notify: parsed.notify === true, sound: parsed.sound === true };
  } catch {
    // Storage disabled or garbled: both stay off, the safe default.
    return { notify: false, sound: false };
  }
}

function save(settings: AlertSettings): void {
  try {
    window.localStorage.setItem(KEY, JSON.stringify(settings));
  } catch {
    // Not remembered: the choice lasts for this visit only.
  }
}

/** What the alerts report to the reader (the status line). */
export interface AlertsStatus {
  info(text: string): void;
  error(text: string): void;
}

/** The two toggle buttons, and the alerts they switch on. */
export class DesktopAlerts {
  private readonly settings = load();
  private audio: AudioContext | null = null;

  constructor(
    private readonly win: Window & typeof globalThis,
    private readonly notifyButton: HTMLButtonElement,
    private readonly soundButton: HTMLButtonElement,
    private readonly status: AlertsStatus,
  ) {
    notifyButton.textContent = strings.alerts.notify;
    soundButton.textContent = strings.alerts.sound;
    notifyButton.addEventListener('click', this.handleNotify);
    soundButton.addEventListener('click', this.handleSound);
    // Permission withdrawn since the last visit: the remembered "on" no longer holds.
    if (this.settings.notify && this.permission() !== 'granted') this.settings.notify = false;
    this.render();
  }

  /** Removes the listeners this added. */
  destroy(): void {
    this.notifyButton.removeEventListener('click', this.handleNotify);
    this.soundButton.removeEventListener('click', this.handleSound);
    void this.audio?.close();
  }

  /**
   * A message from someone else arrived in `room`: alerts when it mentions you or the page is
   * hidden, as the reader chose.
   */
  alert(nick: string, text: string, room: string, mentioned: boolean, hidden: boolean): void {
    if (!mentioned && !hidden) return;
    if (this.settings.notify && this.permission() === 'granted') {
      try {
        const notification = new this.win.Notification(strings.alerts.title(nick, room), {
          body: text.length > BODY_LENGTH ? `${text.slice(0, BODY_LENGTH)}…` : text,
          // One notification per room: a burst replaces rather than piles up.
          tag: `chatterbox:${room}`,
        });
        notification.onclick = () => {
          this.win.focus();
          notification.close();
        };
      } catch {
        // Some mobile browsers allow only service-worker notifications: the sound still plays.
      }
    }
    if (this.settings.sound) this.beep();
  }

  private permission(): NotificationPermission | 'unsupported' {
    return typeof this.win.Notification === 'function' ? this.win.Notification.permission : 'unsupported';
  }

  private render(): void {
    this.notifyButton.setAttribute('aria-pressed', String(this.settings.notify));
    this.soundButton.setAttribute('aria-pressed', String(this.settings.sound));
  }

  private set(change: Partial<AlertSettings>): void {
    Object.assign(this.settings, change);
    save(this.settings);
    this.render();
  }

  private readonly handleNotify = (): void => {
    if (this.settings.notify) {
      this.set({ notify: false });
      return;
    }
    const permission = this.permission();
    if (permission === 'unsupported') {
      this.status.error(strings.alerts.notifyUnsupported);
    } else if (permission === 'granted') {
      this.set({ notify: true });
      this.status.info(strings.alerts.notifyOn);
    } else if (permission === 'denied') {
      this.status.error(strings.alerts.notifyBlocked);
    } else {
      void this.win.Notification.requestPermission().then((answer) => {
        if (answer === 'granted') {
          this.set({ notify: true });
          this.status.info(strings.alerts.notifyOn);
        } else {
          this.status.error(strings.alerts.notifyBlocked);
        }
      });
    }
  };

  private readonly handleSound = (): void => {
    const on = !this.settings.sound;
    // Created on the click: browsers let audio start only after a gesture.
    if (on && this.audio === null && typeof this.win.AudioContext === 'function') this.audio = new this.win.AudioContext();
    this.set({ sound: on });
    if (on) this.beep();
  };

  /** A short, quiet two-note chime, synthesised: no sound file to download. */
  private beep(): void {
    const audio = this.audio;
    if (!audio) return;
    if (audio.state === 'suspended') void audio.resume();
    const start = audio.currentTime;
    for (const [offset, frequency] of [
      [0, 880],
      [0.12, 1320],
    ] as const) {
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.08, start + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.18);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(start + offset);
      oscillator.stop(start + offset + 0.2);
    }
  }
}
