/** The widget's entry point (bundled to widget.js): mounts once, whatever the host does. */
import { mountWidget } from './widget';

const script = document.currentScript;
// Loaded twice by mistake, or not from a <script src>: do nothing rather than add a second launcher.
if (script instanceof HTMLScriptElement && script.src !== '' && document.querySelector('[data-chatterbox-widget]') === null) {
  const mount = (): void => {
    mountWidget(document, script);
  };
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount, { once: true });
}
