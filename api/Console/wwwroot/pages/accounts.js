// Accounts and channels: the pooled ChatGPT accounts (GET /api/accounts) and the OpenAI-compatible API-key channels
// (GET /api/channels), with adding in every mode, disable / re-enable and probe now.
const statusKind = s => s === 'active' ? 'ok' : s === 'rate_limited' ? 'warn' : 'bad';

function cooldowns(map, time) {
  const entries = Object.entries(map || {});
  return entries.length ? entries.map(([model, until]) => `${model} until ${time(until)}`).join('; ') : '';
}

export default {
  id: 'accounts',
  title: 'Accounts and channels',
  async render(root, ctx) {
    const { el, table, form, badge, toast, time } = ctx.ui;
    const readOnly = !ctx.canChange;

    // --- ChatGPT accounts ---
    const accountsBox = el('div', { id: 'accounts-table' });
    async function loadAccounts() {
      const { accounts } = await ctx.api('GET', '/api/accounts');
      accountsBox.replaceChildren(table({
        empty: 'No accounts yet: add one below.',
        rows: accounts,
        columns: [
          { label: 'Account', render: a => el('span', { class: 'mono' }, a.email || a.id) },
          { label: 'State', render: a => badge(a.status, statusKind(a.status)) },
          { label: 'Reason / last error', render: a => a.reason || '' },
          { key: 'plan_type', label: 'Plan' },
          { key: 'mode', label: 'Mode' },
          { label: 'Cool-downs', render: a => cooldowns(a.cooldowns, time) + (a.rate_limited_until ? ` whole account until ${time(a.rate_limited_until)}` : '') },
          { label: 'Token expires', render: a => time(a.access_token_expires_at) },
          { label: '', render: a => el('span', { class: 'toolbar' },
            a.status === 'disabled'
              ? el('button', { type: 'button', disabled: readOnly || !a.email, 'data-action': 'enable', onclick: () => setDisabled(a, false) }, 'Re-enable')
              : el('button', { type: 'button', class: 'danger', disabled: readOnly || !a.email, 'data-action': 'disable', onclick: () => setDisabled(a, true) }, 'Disable'),
            el('button', { type: 'button', disabled: readOnly || a.status === 'disabled', 'data-action': 'probe', onclick: () => probe(a) }, 'Probe now')) },
        ],
      }));
    }
    async function setDisabled(account, disabled) {
      try {
        await ctx.api('POST', '/api/set-chatgpt-status', { chatgpt: account.email, disabled });
        toast(`${account.email} ${disabled ? 'disabled' : 're-enabled'}.`);
      } catch (e) { toast(e.message, 'error'); }
      await loadAccounts();
    }
    async function probe(account) {
      try {
        const result = await ctx.api('POST', `/api/accounts/${encodeURIComponent(account.id)}/probe`);
        toast(result.ok ? `${account.email || account.id}: the upstream accepts it (${result.account.status}).` : `${account.email || account.id}: ${result.error}`, result.ok ? 'info' : 'error');
      } catch (e) { toast(e.message, 'error'); }
      await loadAccounts();
    }

    const modeField = { access_token: 'access_token', refresh_token: 'refresh_token', session_token: 'refresh_cookies' };
    const addAccount = form({
      id: 'add-account', submitLabel: 'Add account', readOnly,
      fields: [
        { name: 'mode', label: 'Credential', type: 'select', value: 'refresh_token', options: [
          { value: 'access_token', label: 'Access token (at)' },
          { value: 'refresh_token', label: 'Refresh token (rt)' },
          { value: 'session_token', label: 'Session token (rc)' }] },
        { name: 'token', label: 'Token', type: 'textarea', required: true, hint: 'Checked against the upstream before it is stored; never shown again.' },
      ],
      onSubmit: async (values, node) => {
        const body = { [modeField[values.mode]]: values.token };
        const answer = await ctx.api('POST', '/adminapi/addAccount', body);
        toast(`Added ${answer.data.account} (${answer.data.status}).`);
        node.reset();
        await loadAccounts();
      },
    });

    const importResults = el('div', { id: 'import-results' });
    const importForm = form({
      id: 'import-accounts', submitLabel: 'Import', readOnly,
      fields: [
        { name: 'tokens', label: 'Token file contents', type: 'textarea', hint: 'One access, refresh or session token per line (":<team id>" suffix allowed; blank and # lines skipped).' },
        { name: 'file', label: '…or a token file', type: 'file', accept: '.txt,text/plain' },
      ],
      onSubmit: async (values, node) => {
        const text = values.file ? await values.file.text() : values.tokens;
        if (!text || !text.trim()) throw new Error("Paste a token file's contents in 'tokens' or choose a file.");
        const answer = await ctx.api('POST', '/api/accounts/import', { tokens: text });
        importResults.replaceChildren(el('p', {}, `Imported ${answer.imported} of ${answer.results.length}.`),
          table({ rows: answer.results, columns: [
            { key: 'line', label: 'Line' },
            { label: 'Result', render: r => r.ok ? badge(r.account.status, statusKind(r.account.status)) : badge('failed', 'bad') },
            { label: 'Account / error', render: r => r.ok ? (r.account.email || r.account.id) : r.error },
          ] }));
        node.reset();
        await loadAccounts();
      },
    });

    // --- API-key channels ---
    const channelsBox = el('div', { id: 'channels-table' });
    async function loadChannels() {
      const { channels } = await ctx.api('GET', '/api/channels');
      channelsBox.replaceChildren(table({
        empty: 'No channels yet.',
        rows: channels,
        columns: [
          { label: 'Channel', render: c => el('span', {}, c.name, el('br'), el('span', { class: 'mono muted' }, c.id)) },
          { key: 'base_url', label: 'Base URL' },
          { label: 'Models', render: c => c.models.join(', ') },
          { label: 'Keys', render: c => el('div', {}, c.keys.map(k => el('div', {}, el('span', { class: 'mono' }, k.key), ' ', badge(k.status, statusKind(k.status)), k.reason ? ` ${k.reason}` : ''))) },
          { label: '', render: c => el('span', { class: 'toolbar' },
            el('button', { type: 'button', disabled: readOnly, onclick: () => channelAction(c, 'disable') }, 'Disable'),
            el('button', { type: 'button', disabled: readOnly, onclick: () => channelAction(c, 'enable') }, 'Re-enable'),
            el('button', { type: 'button', disabled: readOnly, onclick: () => channelAction(c, 'test') }, 'Probe now')) },
        ],
      }));
    }
    async function channelAction(channel, action) {
      try {
        const answer = await ctx.api('POST', `/api/channels/${encodeURIComponent(channel.id)}/${action}`);
        toast(action === 'test' ? `${channel.name}: ${JSON.stringify(answer.results)}` : `${channel.name}: ${action}d.`);
      } catch (e) { toast(e.message, 'error'); }
      await loadChannels();
    }
    const addChannel = form({
      id: 'add-channel', submitLabel: 'Add channel', readOnly,
      fields: [
        { name: 'name', label: 'Name', required: true },
        { name: 'base_url', label: 'Base URL', required: true, placeholder: 'https://api.openai.com/v1' },
        { name: 'keys', label: 'API keys', type: 'textarea', required: true, hint: 'One per line; only the last four characters are ever shown.' },
        { name: 'models', label: 'Models', required: true, hint: 'Comma-separated, e.g. gpt-4o, gpt-4o-mini' },
      ],
      onSubmit: async (values, node) => {
        await ctx.api('POST', '/api/channels', {
          name: values.name, base_url: values.base_url,
          keys: values.keys.split('\n').map(s => s.trim()).filter(Boolean),
          models: values.models.split(',').map(s => s.trim()).filter(Boolean),
        });
        toast(`Channel ${values.name} added.`);
        node.reset();
        await loadChannels();
      },
    });

    root.append(
      el('h1', {}, 'Accounts and channels'),
      el('h2', {}, 'ChatGPT accounts'), accountsBox,
      el('div', { class: 'panel' }, el('h2', {}, 'Add an account'), addAccount),
      el('div', { class: 'panel' }, el('h2', {}, 'Import a token file'), importForm, importResults),
      el('h2', {}, 'API-key channels'), channelsBox,
      el('div', { class: 'panel' }, el('h2', {}, 'Add a channel'), addChannel));
    await Promise.all([loadAccounts(), loadChannels()]);
  },
};
