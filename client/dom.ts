/** Finds the page's own elements by id, failing loudly when the markup and the script disagree. */

type ElementClass<T extends HTMLElement> = new () => T;

/** The element with `id`, which must be an instance of `type`. */
export function byId<T extends HTMLElement>(doc: Document, id: string, type: ElementClass<T>): T {
  const element = doc.getElementById(id);
  if (!(element instanceof type)) {
    throw new TypeError(`index.html must hold a <${type.name}> with id="${id}"`);
  }
  return element;
}

/** A new element with a class and, optionally, text (always as text, never as markup). */
export function make<K extends keyof HTMLElementTagNameMap>(
  doc: Document,
  tag: K,
  className: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const element = doc.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}
