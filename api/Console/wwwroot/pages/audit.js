// Audit log: every change made through the admin APIs, newest first (GET /api/audit).
export default {
  id: 'audit',
  title: 'Audit log',
  async render(root, ctx) {
    const { el, table, badge, time } = ctx.ui;
    const actor = el('input', { name: 'actor', id: 'audit-actor', placeholder: 'Filter by who (exact)' });
    const box = el('div', { id: 'audit-table' });
    function draw() {
      box.replaceChildren(table({
        pageSize: 50,
        empty: 'No changes recorded yet.',
        load: async ({ page, pageSize }) => {
          const query = new URLSearchParams({ page, page_size: pageSize });
          if (actor.value.trim()) query.set('actor', actor.value.trim());
          const answer = await ctx.api('GET', `/api/audit?${query}`);
          return { rows: answer.entries, total: answer.total };
        },
        columns: [
          { label: 'When', render: e => time(e.at) },
          { label: 'Who', render: e => `${e.actor} (${e.role})` },
          { label: 'What', render: e => el('span', { class: 'mono' }, `${e.method} ${e.route}`) },
          { key: 'target', label: 'Target' },
          { label: 'Summary', render: e => el('span', { class: 'mono' }, e.summary) },
          { label: 'Status', render: e => badge(String(e.status), e.status < 400 ? 'ok' : 'bad') },
        ],
      }));
    }
    root.append(el('h1', {}, 'Audit log'),
      el('div', { class: 'toolbar' }, actor, el('button', { type: 'button', onclick: draw }, 'Filter')),
      box);
    draw();
  },
};
