// Platform users & wallets: the 元境 platform's users (GET /api/platform-users), one user's org wallet with its
// postings and API keys (GET /api/platform-users/{id}, /api/wallets/{org}/postings), and a manual adjustment with a
// reason (POST /api/wallets/{org}/adjustments, admin only; once per key, never below the floor).
import { money } from './filtered-list.js';

export default {
  id: 'wallets',
  title: 'Platform users & wallets',
  async render(root, ctx) {
    const { el, table, time, badge, form, toast } = ctx.ui;
    const detail = el('div', { id: 'wallet-detail' });
    const name = el('input', { name: 'name', id: 'platform-users-name', placeholder: 'User id starts with', 'aria-label': 'User id starts with' });
    const org = el('input', { name: 'org', id: 'wallet-org', placeholder: 'Org id', 'aria-label': 'Org id' });
    const users = el('div', { id: 'platform-users-table' });

    function drawUsers() {
      const afters = [null];
      users.replaceChildren(table({
        pageSize: 25,
        empty: 'No platform users yet.',
        load: async ({ page, pageSize }) => {
          const q = new URLSearchParams({ limit: pageSize });
          if (name.value.trim()) q.set('name', name.value.trim());
          if (afters[page - 1]) q.set('after', afters[page - 1]);
          const answer = await ctx.api('GET', `/api/platform-users?${q}`);
          afters[page] = answer.next_after;
          return { rows: answer.rows, hasMore: !!answer.next_after };
        },
        columns: [
          { key: 'username', label: 'User', render: u => el('a', { href: '#', class: 'open-user', onclick: e => { e.preventDefault(); openUser(u.id); } }, u.username ?? u.id) },
          { key: 'nick_name', label: 'Nickname' },
          { key: 'mobile', label: 'Phone' },
          { key: 'org', label: 'Org', render: u => el('span', { class: 'mono' }, u.org ?? '') },
          { key: 'balance', label: 'Balance', render: u => u.wallet ? money(u.wallet.balance) : '' },
          { key: 'last_login', label: 'Last login', render: u => time(u.last_login) },
          { key: 'id', label: 'Id', render: u => el('span', { class: 'mono' }, u.id) },
        ],
      }));
    }

    async function openUser(id) {
      try {
        const answer = await ctx.api('GET', `/api/platform-users/${encodeURIComponent(id)}`);
        showWallet(answer.user.org, answer.user, answer.api_keys);
      } catch (e) {
        toast(e.message, 'error');
      }
    }

    async function showWallet(orgId, user, keys) {
      const balance = el('strong', { id: 'wallet-balance' });
      const held = el('span', { id: 'wallet-held' });
      async function refreshBalance() {
        const wallet = await ctx.api('GET', `/api/wallets/${encodeURIComponent(orgId)}`);
        balance.textContent = money(wallet.balance);
        held.textContent = money(wallet.held);
      }

      const cursors = [null];
      const postings = table({
        pageSize: 20,
        empty: 'No postings on this wallet yet.',
        load: async ({ page, pageSize }) => {
          const q = new URLSearchParams({ limit: pageSize });
          if (cursors[page - 1]) q.set('cursor', cursors[page - 1]);
          const answer = await ctx.api('GET', `/api/wallets/${encodeURIComponent(orgId)}/postings?${q}`);
          cursors[page] = answer.next_cursor;
          return { rows: answer.rows, hasMore: !!answer.next_cursor };
        },
        columns: [
          { key: 'at', label: 'When', render: p => time(p.at) },
          { key: 'kind', label: 'Kind', render: p => badge(p.kind) },
          { key: 'delta', label: 'Change', render: p => el('span', { class: p.delta < 0 ? 'debit' : 'credit' }, (p.delta > 0 ? '+' : '') + money(p.delta)) },
          { key: 'order_id', label: 'Order', render: p => el('span', { class: 'mono' }, p.order_id ?? '') },
          { key: 'transaction_id', label: 'Transaction', render: p => el('span', { class: 'mono' }, p.transaction_id) },
        ],
      });

      // A new idempotency key per adjustment; a resubmission of the same form (a double click, a retry) reuses it.
      let key = newKey();
      const adjust = form({
        id: 'wallet-adjust',
        submitLabel: 'Apply adjustment',
        readOnly: !ctx.canChange,
        fields: [
          { name: 'amount', label: 'Amount (yuan)', type: 'number', step: 'any', required: true, hint: 'Positive credits the wallet, negative debits it (never below Wallets:MinBalance).' },
          { name: 'reason', label: 'Reason', required: true, hint: 'Kept with the adjustment\'s order and in the audit log.' },
        ],
        onSubmit: async (values, node) => {
          const amount = Number(values.amount);
          if (!Number.isFinite(amount) || amount === 0) throw new Error("'amount' must be a non-zero number.");
          const answer = await ctx.api('POST', `/api/wallets/${encodeURIComponent(orgId)}/adjustments`, { amount, reason: values.reason, key });
          key = newKey();
          node.reset();
          toast(answer.already_applied ? 'This adjustment was already applied.' : `Adjusted: the balance is now ${money(answer.balance)}.`);
          await refreshBalance();
          await postings.reload();
        },
      });

      const keyTable = keys ? table({
        rows: keys,
        empty: 'This user has no API keys.',
        columns: [
          { key: 'name', label: 'App' },
          { key: 'api_key_id', label: 'Key id', render: k => el('span', { class: 'mono' }, k.api_key_id) },
          { key: 'created_at', label: 'Created', render: k => time(k.created_at) },
          { key: 'expires_at', label: 'Expires', render: k => k.expires_at ? time(k.expires_at) : 'never' },
          { key: 'allowed_ips', label: 'Allowed addresses', render: k => k.allowed_ips.length ? k.allowed_ips.join(', ') : 'any' },
          { key: 'last_used_at', label: 'Last used', render: k => k.last_used_at ? time(k.last_used_at) : 'not recorded' },
        ],
      }) : '';

      detail.replaceChildren(el('div', { class: 'panel' },
        el('h2', {}, user ? `${user.username} · org ${orgId}` : `Org ${orgId}`),
        user ? el('p', {}, `User ${user.id}${user.nick_name ? ` (${user.nick_name})` : ''}, phone ${user.mobile}, since ${time(user.created_at)}.`) : '',
        el('p', {}, 'Balance ', balance, ' · held for charges in flight ', held),
        el('h3', {}, 'Manual adjustment'), adjust,
        el('h3', {}, 'Postings'), postings,
        keys ? el('h3', {}, 'API keys') : '', keyTable));
      await refreshBalance();
    }

    root.append(el('h1', {}, 'Platform users & wallets'),
      el('form', { class: 'toolbar', onsubmit: e => { e.preventDefault(); drawUsers(); } }, name, el('button', { type: 'submit', class: 'primary', id: 'platform-users-apply' }, 'Filter')),
      users,
      el('form', { class: 'toolbar', onsubmit: e => { e.preventDefault(); if (org.value.trim()) showWallet(org.value.trim(), null, null).catch(err => toast(err.message, 'error')); } },
        org, el('button', { type: 'submit', id: 'wallet-open' }, 'Open wallet')),
      detail);
    drawUsers();
  },
};

/** A fresh idempotency key (crypto.randomUUID needs a secure context; loopback is one, a plain-HTTP host may not be). */
function newKey() {
  return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}
