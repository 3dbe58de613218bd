// Live view: this node's requests per second, errors and latency per route and model, accounts by state and top
// users, from GET /api/stats/live (docs/observability.md), polled every 1.5 s while the page is shown.
const PollMs = 1500;
const Seconds = 120;

export default {
  id: 'live',
  title: 'Live view',
  async render(root, ctx) {
    const { el, chart, table, badge } = ctx.ui;
    const totals = el('div', { class: 'live-totals' });
    const traffic = el('div', { class: 'panel' });
    const latency = el('div', { class: 'panel' });
    const perSeries = el('div');
    const accounts = el('div', { class: 'panel' });
    const users = el('div', { class: 'panel' });
    const status = el('p', { class: 'muted', id: 'live-status' });
    root.append(el('h1', {}, 'Live view'),
      el('p', { class: 'muted' }, `The last ${Seconds} seconds on the node that answers (each node counts the requests it served). Refreshed every ${PollMs / 1000} s.`),
      totals,
      el('h2', {}, 'Requests and errors per second'), traffic,
      el('h2', {}, 'Latency per second (p50, p95, ms)'), latency,
      el('h2', {}, 'By route and model'), perSeries,
      el('div', { class: 'live-columns' },
        el('div', {}, el('h2', {}, 'Accounts by state'), accounts),
        el('div', {}, el('h2', {}, 'Top users (last 5 minutes)'), users)),
      status);

    const number = (label, value, id) => el('div', { class: 'stat panel' }, el('div', { class: 'muted' }, label), el('div', { class: 'stat-value', id }, String(value)));
    const ms = v => (v === null || v === undefined ? '–' : `${v} ms`);
    const zeroes = values => values.map(v => v ?? 0);

    function draw(live) {
      const t = live.total;
      totals.replaceChildren(
        number('Requests', t.requests, 'live-requests'),
        number('Errors', t.errors, 'live-errors'),
        number('p50', ms(t.p50_ms), 'live-p50'),
        number('p95', ms(t.p95_ms), 'live-p95'));
      const labels = t.requests_per_second.map((_, i) => i - t.requests_per_second.length + 1);
      traffic.replaceChildren(chart({ labels, series: [
        { name: 'requests/s', values: t.requests_per_second },
        { name: 'errors/s', values: t.errors_per_second },
      ] }), el('p', { class: 'muted' }, 'Blue: requests per second; red: errors (status 400 and above).'));
      latency.replaceChildren(chart({ labels, series: [
        { name: 'p50 ms', values: zeroes(t.p50_ms_per_second) },
        { name: 'p95 ms', values: zeroes(t.p95_ms_per_second) },
      ] }), el('p', { class: 'muted' }, 'Percentiles are bucket bounds (1, 2, 5, 10, 25, 50, 100, 250 ms …).'));
      perSeries.replaceChildren(live.series.length === 0
        ? el('div', { class: 'empty panel' }, 'No requests in this window.')
        : el('div', { class: 'live-grid' }, live.series.map(s => el('div', { class: 'panel live-series', 'data-route': s.route, 'data-model': s.model },
            el('h3', {}, s.route, ' ', s.model ? badge(s.model) : ''),
            el('p', {}, `${s.requests} requests, ${s.errors} errors, p50 ${ms(s.p50_ms)}, p95 ${ms(s.p95_ms)}`),
            chart({ height: 120, labels, series: [{ name: 'requests/s', values: s.requests_per_second }, { name: 'errors/s', values: s.errors_per_second }] })))));
      const states = live.accounts.filter(a => a.count > 0);
      accounts.replaceChildren(states.length === 0
        ? el('div', { class: 'empty' }, 'No accounts or channel keys in the pool.')
        : chart({ kind: 'bar', labels: states.map(a => `${a.kind === 'account' ? 'acct' : 'key'} ${a.state}`), series: [{ name: 'count', values: states.map(a => a.count) }] }),
        table({ columns: [{ key: 'kind', label: 'Kind' }, { key: 'state', label: 'State' }, { key: 'count', label: 'Count' }], rows: live.accounts, pageSize: 20 }));
      users.replaceChildren(live.top_users.length === 0
        ? el('div', { class: 'empty' }, 'No user traffic in the last 5 minutes.')
        : chart({ kind: 'bar', labels: live.top_users.map(u => u.user), series: [{ name: 'requests', values: live.top_users.map(u => u.requests) }] }),
        live.top_users.length === 0 ? '' : table({ columns: [{ key: 'user', label: 'User' }, { key: 'requests', label: 'Requests' }], rows: live.top_users, pageSize: 10 }));
      status.textContent = `Node ${live.node}, updated ${new Date(live.now * 1000).toLocaleTimeString()}.`;
    }

    draw(await ctx.api('GET', `/api/stats/live?seconds=${Seconds}`));

    // Poll while this page's root is on screen; navigating away replaces it, which ends the loop.
    const timer = setInterval(async () => {
      if (!root.isConnected) { clearInterval(timer); return; }
      try {
        draw(await ctx.api('GET', `/api/stats/live?seconds=${Seconds}`));
      } catch (e) {
        status.textContent = `Could not refresh: ${e.message}`;
      }
    }, PollMs);
  },
};
