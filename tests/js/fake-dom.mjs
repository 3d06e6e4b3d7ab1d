// A minimal document for node --test: enough of createElement, attributes, dataset,
// children and text for the pages' pure section builders (static_site/stats/sections.js)
// to build their nodes, so their rows and texts can be checked without a browser.

class FakeNode {
  constructor(tag) {
    this.tagName = tag;
    this.attributes = new Map();
    this.children = [];
    this.dataset = {};
    this.className = "";
    this.ownText = "";
    this.listeners = {};
  }
  setAttribute(name, value) {
    this.attributes.set(name, String(value));
  }
  getAttribute(name) {
    return this.attributes.get(name) ?? null;
  }
  addEventListener(type, listener) {
    this.listeners[type] = listener;
  }
  append(...nodes) {
    for (const node of nodes) this.children.push(typeof node === "string" ? new FakeText(node) : node);
  }
  replaceChildren(...nodes) {
    this.children = [];
    this.append(...nodes);
  }
  set textContent(value) {
    this.children = [];
    this.ownText = String(value);
  }
  get textContent() {
    return this.ownText + this.children.map((child) => child.textContent).join("");
  }
  /** Every descendant element (depth first) that `test` accepts. */
  findAll(test) {
    const found = [];
    for (const child of this.children) {
      if (!(child instanceof FakeNode)) continue;
      if (test(child)) found.push(child);
      found.push(...child.findAll(test));
    }
    return found;
  }
}

class FakeText {
  constructor(text) {
    this.textContent = text;
  }
}

export function installFakeDocument() {
  globalThis.Node = FakeNode;
  globalThis.document = {
    createElement: (tag) => new FakeNode(tag),
    createElementNS: (_ns, tag) => new FakeNode(tag),
    createTextNode: (text) => new FakeText(text),
  };
}
