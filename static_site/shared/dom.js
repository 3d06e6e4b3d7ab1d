// The one element builder of the site's pages (the worker app, /stats/ and the annual
// report; the survey page keeps its own for its page weight). Elements are built with
// properties, never from HTML strings, so nothing a user typed can become markup.

/** The first element matching a CSS selector. */
export const $ = (selector) => document.querySelector(selector);

// Set as properties; every other name (aria-*, data-*, role, scope, ...) as an attribute.
const PROPERTIES = new Set([
  "className",
  "value",
  "checked",
  "textContent",
  "htmlFor",
  "hidden",
  "disabled",
  "selected",
]);

/**
 * Create an element: h("p", {className: "x", onclick: fn}, "text", child, ...).
 * `dataset` takes an object of data-* values; names starting with "on" and a function
 * value become event listeners; null/false/undefined values are skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") el.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(el.dataset, value);
    else if (PROPERTIES.has(name)) el[name] = value;
    else el.setAttribute(name, value === true ? "" : String(value));
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
