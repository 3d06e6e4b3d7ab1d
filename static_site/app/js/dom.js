// Tiny DOM helpers. Elements are built with properties, never from HTML strings,
// so nothing a user typed can become markup.

/**
 * Create an element: h("p", {className: "x", onclick: fn}, "text", child, ...).
 * Attributes whose names contain "-" (aria-*, data-*) or that are not properties
 * are set with setAttribute; null/false/undefined values are skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      el.addEventListener(name.slice(2), value);
    } else if (
      name === "className" ||
      name === "value" ||
      name === "checked" ||
      name === "textContent" ||
      name === "htmlFor" ||
      name === "hidden" ||
      name === "disabled" ||
      name === "selected"
    ) {
      el[name] = value;
    } else {
      el.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(el, children);
  return el;
}

/** Append children (strings, nodes, arrays, null) to an element. */
export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replace an element's content. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

let uniqueCounter = 0;
/** A unique id for label/aria wiring. */
export function uid(prefix = "f") {
  uniqueCounter += 1;
  return `${prefix}-${uniqueCounter}`;
}
