// Activation codes (SoruxGPT's users): create, change expiry or plan, revoke, list — the /adminapi/*ActivationCode* routes.
export default {
  id: 'codes',
  title: 'Activation codes',
  async render(root, ctx) {
    const { el, table, form, badge, toast, time } = ctx.ui;
    const readOnly = !ctx.canChange;
    const listBox = el('div', { id: 'codes-table' });
    const created = el('div', { id: 'created-code' });

    async function load() {
      const { data } = await ctx.api('POST', '/adminapi/listActivationCodes', {});
      listBox.replaceChildren(table({
        empty: 'No activation codes yet.',
        rows: data.sort((a, b) => b.issued_at - a.issued_at),
        columns: [
          { label: 'Code', render: c => el('span', { class: 'mono' }, `…${c.hint}`) },
          { key: 'user', label: 'User' },
          { key: 'plan', label: 'Plan' },
          { label: 'Expires', render: c => c.expires_at ? time(c.expires_at) : 'never' },
          { label: 'State', render: c => c.expired ? badge('expired', 'bad') : badge('valid', 'ok') },
          { label: 'Issued', render: c => time(c.issued_at) },
        ],
      }));
    }

    const plans = ['free', 'plus', 'team', 'pro'];
    const createForm = form({
      id: 'create-code', submitLabel: 'Create code', readOnly,
      fields: [
        { name: 'user', label: 'User', hint: 'Codes of one user share its limits; empty makes a user for the code.' },
        { name: 'plan', label: 'Plan', type: 'select', options: [{ value: '', label: '(default)' }, ...plans] },
        { name: 'days', label: 'Valid for (days)', type: 'number', min: 1, hint: 'Empty: never expires.' },
      ],
      onSubmit: async (values, node) => {
        const body = {};
        if (values.user) body.user = values.user;
        if (values.plan) body.plan = values.plan;
        if (values.days) body.days = Number(values.days);
        const { data } = await ctx.api('POST', '/adminapi/createActivationCode', body);
        created.replaceChildren(el('div', { class: 'panel' }, 'New code (shown once): ', el('code', { id: 'new-code' }, data.activation_code)));
        toast('Activation code created.');
        node.reset();
        await load();
      },
    });

    const updateForm = form({
      id: 'update-code', submitLabel: 'Update code', readOnly,
      fields: [
        { name: 'code', label: 'Code', required: true },
        { name: 'expires_at', label: 'Expires at', type: 'datetime-local', hint: 'A past time expires the code now.' },
        { name: 'plan', label: 'Plan', type: 'select', options: [{ value: '', label: '(unchanged)' }, ...plans] },
      ],
      onSubmit: async (values, node) => {
        const body = { code: values.code };
        if (values.expires_at) body.expires_at = new Date(values.expires_at).toISOString();
        if (values.plan) body.plan = values.plan;
        await ctx.api('POST', '/adminapi/updateActivationCode', body);
        toast('Activation code updated.');
        node.reset();
        await load();
      },
    });

    const revokeForm = form({
      id: 'revoke-code', submitLabel: 'Revoke code', readOnly,
      fields: [{ name: 'code', label: 'Code', required: true }],
      onSubmit: async (values, node) => {
        await ctx.api('POST', '/adminapi/revokeActivationCode', { code: values.code });
        toast('Activation code revoked.');
        node.reset();
        await load();
      },
    });

    root.append(el('h1', {}, 'Activation codes'), listBox,
      el('div', { class: 'panel' }, el('h2', {}, 'Create'), createForm, created),
      el('div', { class: 'panel' }, el('h2', {}, 'Expire or change'), updateForm),
      el('div', { class: 'panel' }, el('h2', {}, 'Revoke'), revokeForm));
    await load();
  },
};
