// Usage: every served request's record (GET /api/usage), filtered by user, model, account and date; CSV export.
import { filteredList } from './filtered-list.js';

export default {
  id: 'usage',
  title: 'Usage',
  async render(root, ctx) {
    const { el, time } = ctx.ui;
    const list = filteredList(ctx, {
      id: 'usage',
      path: '/api/usage',
      empty: 'No requests match.',
      filters: [
        { name: 'user', label: 'User' },
        { name: 'model', label: 'Model' },
        { name: 'account', label: 'Account id' },
        { name: 'from', label: 'From', type: 'date' },
        { name: 'to', label: 'To (exclusive)', type: 'date' },
      ],
      columns: [
        { key: 'at', label: 'When', render: r => time(r.at) },
        { key: 'user', label: 'User' },
        { key: 'model', label: 'Model' },
        { key: 'account', label: 'Account', render: r => el('span', { class: 'mono' }, r.account ?? '') },
        { key: 'prompt_tokens', label: 'Prompt tokens' },
        { key: 'completion_tokens', label: 'Completion tokens' },
        { key: 'node', label: 'Node' },
        { key: 'request_id', label: 'Request', render: r => el('span', { class: 'mono' }, r.request_id) },
      ],
    });
    root.append(el('h1', {}, 'Usage'), list);
    list.draw();
  },
};
