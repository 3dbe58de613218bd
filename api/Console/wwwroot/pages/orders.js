// Orders of every org (GET /api/orders): charges, recharges, refunds and manual adjustments; filters and CSV export.
import { filteredList, money } from './filtered-list.js';

export default {
  id: 'orders',
  title: 'Orders',
  async render(root, ctx) {
    const { el, time, badge } = ctx.ui;
    const list = filteredList(ctx, {
      id: 'orders',
      path: '/api/orders',
      empty: 'No orders match.',
      filters: [
        { name: 'org', label: 'Org' },
        { name: 'user', label: 'User' },
        { name: 'model', label: 'Model' },
        { name: 'product', label: 'Product (llmid)' },
        { name: 'kind', label: 'Kind', options: ['PAY', 'RECHARGE', 'REFUND', 'ADJUST'] },
        { name: 'from', label: 'From', type: 'date' },
        { name: 'to', label: 'To (exclusive)', type: 'date' },
      ],
      columns: [
        { key: 'at', label: 'When', render: o => time(o.at) },
        { key: 'org', label: 'Org', render: o => el('span', { class: 'mono' }, o.org) },
        { key: 'user', label: 'User' },
        { key: 'kind', label: 'Kind', render: o => badge(o.kind) },
        { key: 'product_name', label: 'Product', render: o => `${o.product_name} (${o.product})` },
        { key: 'model', label: 'Model' },
        { key: 'amount', label: 'Amount', render: o => money(o.amount) },
        { key: 'cost', label: 'Cost', render: o => money(o.cost) },
        { key: 'accounting_status', label: 'Status', render: o => badge(o.accounting_status, o.accounting_status === 'refunded' ? 'warn' : o.status === '1' ? 'ok' : '') },
        { key: 'order_id', label: 'Order', render: o => el('span', { class: 'mono' }, o.order_id) },
      ],
    });
    root.append(el('h1', {}, 'Orders'), list);
    list.draw();
  },
};
