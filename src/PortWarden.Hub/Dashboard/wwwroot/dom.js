// Builds DOM nodes without HTML strings, so nothing the API returns is ever parsed as markup.
export function h(tag, props, ...children) {
  const element = tag === 'svg' || svgTags.has(tag)
    ? document.createElementNS('http://www.w3.org/2000/svg', tag)
    : document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === 'class') {
      element.setAttribute('class', Array.isArray(value) ? value.filter(Boolean).join(' ') : value);
    } else if (name === 'value' && 'value' in element && !(element instanceof SVGElement)) {
      element.value = value;
    } else if (name === 'checked' || name === 'selected') {
      element[name] = Boolean(value);
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

const svgTags = new Set(['g', 'rect', 'line', 'polyline', 'path', 'text', 'title', 'desc', 'circle']);

export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

export function replace(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

/** Says something to screen-reader users through the page's polite live region. */
export function announce(message) {
  const region = document.getElementById('announcer');
  if (region) {
    region.textContent = '';
    setTimeout(() => { region.textContent = message; }, 50);
  }
}

let ids = 0;
export function uniqueId(prefix) {
  ids += 1;
  return `${prefix}-${ids}`;
}

/** A table inside a scrollable, focusable region so that wide tables work on narrow screens and by keyboard. */
export function table(caption, headers, rows, options = {}) {
  const captionId = uniqueId('caption');
  return h('div', { class: 'table-wrap', role: 'region', 'aria-labelledby': captionId, tabindex: 0 },
    h('table', { class: options.class, 'data-table': options.name },
      h('caption', { id: captionId, class: options.hideCaption ? 'visually-hidden' : null }, caption),
      h('thead', null, h('tr', null, headers.map(text => h('th', { scope: 'col' }, text)))),
      h('tbody', null, rows.length === 0
        ? h('tr', null, h('td', { colspan: headers.length, class: 'empty' }, options.empty ?? 'Nothing yet.'))
        : rows)));
}

export function section(title, ...children) {
  const id = uniqueId('section');
  return h('section', { 'aria-labelledby': id }, h('h2', { id }, title), children);
}
