// Video tasks of every user (GET /api/video-tasks): state, where the reservation went; filters and CSV export.
import { filteredList, money } from './filtered-list.js';

export default {
  id: 'videos',
  title: 'Video tasks',
  async render(root, ctx) {
    const { el, time, badge } = ctx.ui;
    const kinds = { SUCCEEDED: 'ok', FAILED: 'bad', PENDING: 'warn' };
    const list = filteredList(ctx, {
      id: 'videos',
      path: '/api/video-tasks',
      empty: 'No video tasks match.',
      filters: [
        { name: 'user', label: 'User id' },
        { name: 'org', label: 'Org' },
        { name: 'status', label: 'Status', options: ['PENDING', 'SUCCEEDED', 'FAILED'] },
        { name: 'from', label: 'From', type: 'date' },
        { name: 'to', label: 'To (exclusive)', type: 'date' },
      ],
      columns: [
        { key: 'created_at', label: 'Created', render: t => time(t.created_at) },
        { key: 'user', label: 'User', render: t => el('span', { class: 'mono' }, t.user) },
        { key: 'org', label: 'Org', render: t => el('span', { class: 'mono' }, t.org) },
        { key: 'model', label: 'Model' },
        { key: 'status', label: 'Status', render: t => badge(t.status, kinds[t.status] ?? '') },
        { key: 'state', label: 'Upstream state' },
        { key: 'settlement', label: 'Reservation' },
        { key: 'amount', label: 'Price', render: t => money(t.amount) },
        { key: 'error', label: 'Error' },
        { key: 'updated_at', label: 'Updated', render: t => time(t.updated_at) },
        { key: 'task_id', label: 'Task', render: t => el('span', { class: 'mono' }, t.task_id) },
      ],
    });
    root.append(el('h1', {}, 'Video tasks'), list);
    list.draw();
  },
};
