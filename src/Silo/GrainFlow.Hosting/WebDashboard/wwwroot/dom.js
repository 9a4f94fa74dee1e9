// Builds elements from data. Text always goes in as text nodes (never as markup), so names, paths
// and error messages from the API cannot inject anything into the page.

const SVG_NS = 'http://www.w3.org/2000/svg';

function fill(element, attributes, children) {
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** An HTML element: h('a', { href: '#/' }, 'Jobs'). */
export function h(tag, attributes = {}, ...children) {
  return fill(document.createElement(tag), attributes, children);
}

/** An SVG element, for the graph and the charts. */
export function svg(tag, attributes = {}, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), attributes, children);
}

/** Replaces the children of an element. */
export function show(element, ...children) {
  element.replaceChildren();
  return fill(element, {}, children);
}

/** A table with a header row; rows are arrays of cells (strings or elements). */
export function table(headers, rows, attributes = {}) {
  return h('table', attributes,
    h('thead', {}, h('tr', {}, headers.map(title => h('th', {}, title)))),
    h('tbody', {}, rows.map(row => row instanceof Node ? row : h('tr', {}, row.map(cell => h('td', {}, cell))))));
}

/** Label/value pairs as a definition list. */
export function facts(pairs, attributes = {}) {
  return h('dl', { class: 'facts', ...attributes }, pairs.map(([label, value]) => [h('dt', {}, label), h('dd', {}, value)]));
}

/** A job or task state as a coloured badge. */
export function stateBadge(state) {
  return h('span', { class: `badge state-${String(state ?? '').toLowerCase()}` }, state ?? '–');
}
