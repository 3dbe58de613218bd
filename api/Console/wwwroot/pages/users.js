// Mirror-API users (GET /api/users): limits per model, activation codes held and today's use. Paged by name.
export default {
  id: 'users',
  title: 'Users',
  async render(root, ctx) {
    const { el, table, time, badge } = ctx.ui;
    const name = el('input', { name: 'name', id: 'users-name', placeholder: 'Name starts with', 'aria-label': 'Name starts with' });
    const box = el('div', { id: 'users-table' });
    const limits = u => u.limits.length === 0 ? el('span', { class: 'muted' }, 'unlimited')
      : el('ul', { class: 'limits' }, u.limits.map(l => el('li', {}, `${l.model_name}: `
        + [l.limit_count ? `${l.limit_count} per ${l.every_minute} min` : '', l.tpm ? `${l.tpm} tokens/min` : '', l.concurrency ? `${l.concurrency} at once` : '']
          .filter(Boolean).join(', '))));
    function draw() {
      const afters = [null];
      box.replaceChildren(table({
        pageSize: 50,
        empty: 'No users yet: hand out a mirror token or an activation code.',
        load: async ({ page, pageSize }) => {
          const q = new URLSearchParams({ limit: pageSize });
          if (name.value.trim()) q.set('name', name.value.trim());
          if (afters[page - 1]) q.set('after', afters[page - 1]);
          const answer = await ctx.api('GET', `/api/users?${q}`);
          afters[page] = answer.next_after;
          return { rows: answer.rows, hasMore: !!answer.next_after };
        },
        columns: [
          { key: 'user_name', label: 'User' },
          { key: 'limits', label: 'Limits', render: limits },
          { key: 'use_count_today', label: 'Requests today' },
          { key: 'activation_codes', label: 'Activation codes' },
          { key: 'isolated_session', label: 'Isolated', render: u => u.isolated_session ? 'yes' : 'no' },
          { key: 'logged_out', label: 'State', render: u => u.logged_out ? badge('logged out', 'warn') : badge('active', 'ok') },
          { key: 'created_at', label: 'Since', render: u => time(u.created_at) },
        ],
      }));
    }
    root.append(el('h1', {}, 'Users'),
      el('form', { class: 'toolbar', onsubmit: e => { e.preventDefault(); draw(); } }, name, el('button', { type: 'submit', class: 'primary', id: 'users-apply' }, 'Filter')),
      box);
    draw();
  },
};
