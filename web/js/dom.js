// @ts-check
// DOM helpers. Text reaches the page only through text nodes and textContent, never as HTML
// (ARCHITECTURE.md, rule 7): nothing from a link, a file or a scenario can become markup.

/**
 * The element with this id; throws if the page lacks it (a bug in index.html). Typed as an
 * element whose own properties (an input's `value`, a dialog's `showModal`) the caller knows.
 * @param {string} id
 * @returns {HTMLElement & Record<string, any>}
 */
export function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element;
}

/**
 * Builds an element: `h("button", { class: "primary", title: "…", onclick: f }, "text", child)`.
 * Strings become text nodes; `on…` props become listeners; `dataset` fills data attributes;
 * other props are set as attributes (never `innerHTML`, which is refused).
 */
/**
 * @param {string} tag
 * @param {Record<string, any>} [props]
 * @param {...any} children
 * @returns {HTMLElement & Record<string, any>}
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "innerHTML" || name === "outerHTML") throw new Error("markup is not allowed");
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2), value);
    } else if (name === "dataset") {
      Object.assign(element.dataset, value);
    } else if (name === "class") {
      element.className = value;
    } else if (name === "text") {
      element.textContent = String(value);
    } else if (value === true) {
      element.setAttribute(name, "");
    } else {
      element.setAttribute(name, String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** Sets an element's text only when it changed (the frame loop calls this often). */
export function setText(element, text) {
  const value = String(text);
  if (element.textContent !== value) element.textContent = value;
}
