// The console's shell: sign-in, the left navigation built from pages/index.js, and hash routing (#/<page id>).
import { api, setCsrfToken, ApiError } from './api.js';
import * as ui from './ui.js';
import pages from './pages/index.js';

const app = document.getElementById('app');
let session = null;

function signInView(message) {
  const node = ui.el('div', { class: 'signin panel' },
    ui.el('h1', {}, 'MirrorGate console'),
    ui.form({
      id: 'signin',
      submitLabel: 'Sign in',
      fields: [
        { name: 'password', label: 'Password', type: 'password', required: true, autocomplete: 'current-password', hint: 'The admin password, or the operator password for read-only access.' },
        { name: 'name', label: 'Your name (optional)', hint: 'Shown in the audit log.' },
      ],
      onSubmit: async values => {
        const body = { password: values.password };
        if (values.name) body.name = values.name;
        session = await api('POST', '/console/session', body);
        setCsrfToken(session.csrf_token);
        shellView();
      },
    }));
  app.replaceChildren(node);
  if (message) node.querySelector('form').showError(message);
  node.querySelector('input[name=password]').focus();
}

async function signOut() {
  try { await api('DELETE', '/console/session'); } catch { /* signed out either way */ }
  session = null;
  setCsrfToken('');
  location.hash = '';
  signInView();
}

function currentPageId() {
  const id = location.hash.replace(/^#\/?/, '').split('?')[0];
  return pages.some(p => p.id === id) ? id : pages[0].id;
}

function shellView() {
  const main = ui.el('main', { id: 'main' });
  const links = pages.map(p => ui.el('a', { href: `#/${p.id}`, 'data-page': p.id }, p.title));
  const nav = ui.el('nav', { class: 'nav', 'aria-label': 'Console' },
    ui.el('div', { class: 'brand' }, 'MirrorGate'),
    links,
    ui.el('a', { href: '/dashboard', target: '_blank', rel: 'noopener' }, 'Orleans dashboard ↗'),
    ui.el('div', { class: 'spacer' }),
    ui.el('div', { class: 'who', id: 'who' }, `${session.name} · ${session.role}`),
    ui.el('button', { type: 'button', id: 'sign-out', onclick: signOut }, 'Sign out'));
  app.replaceChildren(ui.el('div', { class: 'shell' }, nav, main));
  route();
}

let renderCount = 0;
async function route() {
  const main = document.getElementById('main');
  if (!main || !session) return;
  const id = currentPageId();
  const page = pages.find(p => p.id === id);
  for (const link of document.querySelectorAll('.nav a[data-page]')) link.classList.toggle('active', link.dataset.page === id);
  document.title = `${page.title} · MirrorGate console`;
  const root = ui.el('section', { 'data-page-root': id });
  main.replaceChildren(root);
  const mine = ++renderCount;
  const ctx = {
    api, ui,
    role: session.role,
    name: session.name,
    canChange: session.role === 'admin',
    navigate: target => { location.hash = `#/${target}`; },
  };
  try {
    await page.render(root, ctx);
  } catch (e) {
    if (mine === renderCount) root.append(ui.el('p', { class: 'form-error' }, e instanceof ApiError ? e.message : `This page failed: ${e.message}`));
  }
}

window.addEventListener('hashchange', route);
window.addEventListener('console:signed-out', () => { session = null; setCsrfToken(''); signInView('Your session has ended: sign in again.'); });

try {
  session = await api('GET', '/console/session');
  setCsrfToken(session.csrf_token);
  shellView();
} catch {
  signInView();
}
