import { h, uniqueId } from './dom.js';

// Form fields whose validation messages sit next to them: each input is described by its hint and its error,
// and the API's 400 problem details (errors keyed by field name) fill those errors in.

/** A labelled input, select or textarea; `name` is the API's field name that errors are reported under. */
export function field({ label, name, type = 'text', value = '', hint, options, required, attrs = {} }) {
  const id = uniqueId(`field-${name.replace(/[^a-z0-9]/gi, '-')}`);
  const hintId = hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ');
  let control;
  if (type === 'select') {
    control = h('select', { id, name, 'aria-describedby': describedBy, required, ...attrs },
      options.map(option => h('option', { value: option.value, selected: String(option.value) === String(value) }, option.label)));
  } else if (type === 'textarea') {
    control = h('textarea', { id, name, 'aria-describedby': describedBy, required, rows: 2, ...attrs });
    control.value = value ?? '';
  } else if (type === 'checkbox') {
    control = h('input', { id, name, type, checked: Boolean(value), 'aria-describedby': describedBy, ...attrs });
  } else {
    control = h('input', { id, name, type, value: value ?? '', 'aria-describedby': describedBy, required, ...attrs });
  }
  const labelElement = h('label', { for: id }, label);
  return h('div', { class: ['field', type === 'checkbox' ? 'checkbox' : null], 'data-field': name },
    type === 'checkbox' ? [control, labelElement] : [labelElement, control],
    hint ? h('p', { id: hintId, class: 'hint' }, hint) : null,
    h('p', { id: errorId, class: 'field-error', hidden: true }));
}

/** A group of fields reported under one name (e.g. "schedule"), with its error after the group. */
export function fieldset(legend, name, ...fields) {
  const errorId = uniqueId(`group-${name}`);
  return h('fieldset', { 'data-field': name, 'aria-describedby': errorId },
    h('legend', null, legend), fields, h('p', { id: errorId, class: 'field-error', hidden: true }));
}

export function clearErrors(form) {
  for (const error of form.querySelectorAll('.field-error')) {
    error.textContent = '';
    error.hidden = true;
  }
  for (const invalid of form.querySelectorAll('[aria-invalid]')) invalid.removeAttribute('aria-invalid');
  const summary = form.querySelector('.form-errors');
  if (summary) {
    summary.replaceChildren();
    summary.hidden = true;
  }
}

/**
 * Shows an API error on the form: each field's messages next to it (unreadable values come as JSON paths,
 * "$.confirmPolls"), anything else in the summary at the top. Focuses the first field in error.
 */
export function showErrors(form, error) {
  clearErrors(form);
  const errors = error?.errors ?? {};
  const unplaced = [];
  let first = null;
  for (const [key, messages] of Object.entries(errors)) {
    const name = key.replace(/^\$\.?/, '');
    const container = form.querySelector(`[data-field="${CSS.escape(name)}"]`)
      ?? form.querySelector(`[data-field="${CSS.escape(name.split('.')[0])}"]`);
    if (!container) {
      unplaced.push(...messages.map(message => `${name || 'request'}: ${message}`));
      continue;
    }
    const message = container.querySelector(':scope > .field-error');
    message.textContent = messages.join(' ');
    message.hidden = false;
    const control = container.matches('fieldset') ? container.querySelector('input, select, textarea') : container.querySelector('input, select, textarea');
    control?.setAttribute('aria-invalid', 'true');
    first ??= control;
  }
  if (Object.keys(errors).length === 0) unplaced.push(error?.message ?? 'The request failed.');
  const summary = form.querySelector('.form-errors');
  if (summary && unplaced.length > 0) {
    summary.replaceChildren(...unplaced.map(text => h('p', null, text)));
    summary.hidden = false;
    first ??= summary;
  }
  first?.focus();
}

/** The summary box for errors that belong to no single field. */
export function errorSummary() {
  return h('div', { class: 'form-errors', role: 'alert', tabindex: -1, hidden: true });
}

export function text(form, name) {
  const value = form.elements.namedItem(name)?.value ?? '';
  return value.trim() === '' ? null : value.trim();
}

export function number(form, name) {
  const value = text(form, name);
  return value === null ? null : Number(value);
}

export function checked(form, name) {
  return Boolean(form.elements.namedItem(name)?.checked);
}
