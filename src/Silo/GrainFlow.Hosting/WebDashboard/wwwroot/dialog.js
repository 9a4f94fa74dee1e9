// Confirmations and small forms in the page's one modal <dialog>.
import { h, show } from './dom.js';

/**
 * Shows a modal with a title, an explanation, optional form fields and Confirm/Cancel buttons.
 * Resolves with the form's values (an object of field name to value) on confirm, null on cancel.
 */
export function ask({ title, message, fields = [], confirmLabel = 'Confirm', danger = false }) {
  const dialog = document.getElementById('dialog');
  return new Promise(resolve => {
    const form = h('form', { class: 'dialog-form' },
      h('h2', {}, title),
      message ? h('p', {}, message) : null,
      fields,
      h('div', { class: 'dialog-buttons' },
        h('button', { type: 'button', class: 'secondary', 'data-action': 'cancel', onclick: () => finish(null) }, 'Cancel'),
        h('button', { type: 'submit', class: danger ? 'danger' : 'primary', 'data-action': 'confirm' }, confirmLabel)));
    form.addEventListener('submit', event => {
      event.preventDefault();
      finish(Object.fromEntries(new FormData(form).entries()));
    });
    const onCancel = event => {
      event.preventDefault();
      finish(null);
    };
    function finish(values) {
      dialog.removeEventListener('cancel', onCancel);
      dialog.close();
      show(dialog);
      resolve(values);
    }
    dialog.addEventListener('cancel', onCancel);
    show(dialog, form);
    dialog.showModal();
  });
}

/** A labelled text input. */
export function textField(name, label, { placeholder = '', value = '', type = 'text', hint = '' } = {}) {
  return h('label', { class: 'field' }, h('span', {}, label),
    h('input', { type, name, placeholder, value, autocomplete: 'off' }),
    hint ? h('small', {}, hint) : null);
}

/** A labelled choice among fixed values. */
export function selectField(name, label, options) {
  return h('label', { class: 'field' }, h('span', {}, label),
    h('select', { name }, options.map(([value, text]) => h('option', { value }, text))));
}
