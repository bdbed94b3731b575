import { api } from '../api.js';
import { h, replace, section, table, announce } from '../dom.js';
import { time } from '../format.js';
import { canChange } from '../session.js';
import { field, showErrors, clearErrors, errorSummary, text } from '../forms.js';

const roles = [{ value: 'viewer', label: 'Viewer (reads only)' }, { value: 'admin', label: 'Admin (everything)' }];

// People who log in with a name and password: add them, change their role, disable, reset a password, remove.
// Only admins manage users (the API refuses everyone else); any change ends that user's sessions.
export async function render(main) {
  if (!canChange) {
    replace(main, h('h1', null, 'Users'), h('p', null, 'Only admins manage users.'));
    return;
  }
  const users = await api('users');
  const rows = users.map(u => h('tr', { 'data-user': u.name },
    h('th', { scope: 'row' }, u.name),
    h('td', null, u.role),
    h('td', { 'data-state': u.disabled ? 'disabled' : 'active' }, u.disabled ? 'disabled' : 'active'),
    h('td', null, time(u.createdAt)),
    h('td', { class: 'actions' },
      h('button', { type: 'button', class: 'secondary', onclick: () => change(u.name, { disabled: !u.disabled }) },
        `${u.disabled ? 'Enable' : 'Disable'} ${u.name}`),
      h('button', { type: 'button', class: 'secondary', onclick: () => change(u.name, { role: u.role === 'admin' ? 'viewer' : 'admin' }) },
        `Make ${u.name} ${u.role === 'admin' ? 'a viewer' : 'an admin'}`),
      h('button', {
        type: 'button', class: 'danger',
        onclick: async () => {
          if (!confirm(`Remove user ${u.name}? Their sessions end at once.`)) return;
          await api(`users/${encodeURIComponent(u.name)}`, { method: 'DELETE' });
          location.reload();
        },
      }, `Remove ${u.name}`))));

  const addForm = h('form', { class: 'card', 'aria-label': 'New user', 'data-form': 'user', novalidate: true },
    errorSummary(),
    h('div', { class: 'grid' },
      field({ label: 'Name', name: 'name', hint: 'letters, digits and . _ - @', attrs: { autocomplete: 'off' } }),
      field({ label: 'Role', name: 'role', type: 'select', value: 'viewer', options: roles }),
      field({ label: 'Password', name: 'password', type: 'password', hint: 'at least 12 characters', attrs: { autocomplete: 'new-password' } })),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Add user')));
  addForm.addEventListener('submit', async event => {
    event.preventDefault();
    clearErrors(addForm);
    try {
      await api('users', { method: 'POST', body: { name: text(addForm, 'name'), role: text(addForm, 'role'), password: addForm.elements.namedItem('password').value } });
      location.reload();
    } catch (error) {
      showErrors(addForm, error);
    }
  });

  const passwordForm = h('form', { class: 'card', 'aria-label': 'Reset a password', 'data-form': 'password', novalidate: true },
    errorSummary(),
    h('div', { class: 'grid' },
      field({ label: 'User', name: 'user', type: 'select', value: users[0]?.name ?? '', options: users.map(u => ({ value: u.name, label: u.name })) }),
      field({ label: 'New password', name: 'password', type: 'password', hint: 'at least 12 characters', attrs: { autocomplete: 'new-password' } })),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Set password')));
  passwordForm.addEventListener('submit', async event => {
    event.preventDefault();
    clearErrors(passwordForm);
    const name = text(passwordForm, 'user');
    try {
      await api(`users/${encodeURIComponent(name)}`, { method: 'PUT', body: { password: passwordForm.elements.namedItem('password').value } });
      passwordForm.reset();
      announce(`Password of ${name} set; their sessions have ended.`);
    } catch (error) {
      showErrors(passwordForm, error);
    }
  });

  replace(main,
    h('h1', null, 'Users'),
    section('Users', table('Users', ['Name', 'Role', 'State', 'Created', 'Actions'], rows,
      { name: 'users', hideCaption: true, empty: 'No users yet: people log in with the admin key.' })),
    section('Add a user', addForm),
    users.length > 0 && section('Reset a password', passwordForm));
}

async function change(name, body) {
  await api(`users/${encodeURIComponent(name)}`, { method: 'PUT', body });
  location.reload();
}
