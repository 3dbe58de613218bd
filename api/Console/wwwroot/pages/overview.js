// Overview: who is signed in, the cluster's nodes (GET /api/cluster), and where things live.
export default {
  id: 'overview',
  title: 'Overview',
  async render(root, ctx) {
    const { el, table, badge } = ctx.ui;
    root.append(el('h1', {}, 'Overview'),
      el('p', {}, `Signed in as ${ctx.name} (${ctx.role}${ctx.canChange ? '' : ', read-only'}).`));
    const cluster = await ctx.api('GET', '/api/cluster');
    root.append(el('h2', {}, `Cluster (${cluster.mode}): ${cluster.alive} node(s) alive`),
      table({
        columns: [
          { key: 'node_id', label: 'Node' },
          { key: 'address', label: 'Address' },
          { label: 'Status', render: n => badge(n.status, n.status === 'active' ? 'ok' : 'warn') },
          { label: 'Started', render: n => ctx.ui.time(n.started_at) },
          { key: 'heartbeat_age_seconds', label: 'Heartbeat age (s)' },
        ],
        rows: cluster.nodes,
      }),
      el('p', { class: 'muted' }, 'The Orleans dashboard (grains, silos, logs) is at ', el('a', { href: '/dashboard', target: '_blank', rel: 'noopener' }, '/dashboard'), '.'));
  },
};
