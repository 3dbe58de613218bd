// Pricing programs: the list of programs (GET /api/pricing/programs), open one from it or by id (GET /api/pricing/programs/{ppid}), edit it (POST /api/pricing/programs; a table that
// does not parse is refused with the reason) and preview a price (POST /api/pricing/preview, the admin twin of
// /pricing/test_pricing_program.dspy).
const today = () => new Date().toISOString().slice(0, 10);

export default {
  id: 'pricing',
  title: 'Pricing programs',
  async render(root, ctx) {
    const { el, form, toast, table } = ctx.ui;
    const readOnly = !ctx.canChange;
    const editor = el('div', { id: 'pricing-editor' });
    const preview = el('div', { id: 'pricing-preview' });

    const open = form({
      id: 'open-program', submitLabel: 'Open',
      fields: [{ name: 'ppid', label: 'Program id (ppid)', required: true, hint: 'An id that does not exist yet starts a new program.' }],
      onSubmit: async values => {
        let program;
        try {
          program = await ctx.api('GET', `/api/pricing/programs/${encodeURIComponent(values.ppid)}`);
        } catch (e) {
          if (e.status !== 404) throw e;
          program = { id: values.ppid, name: '', ownerid: '0', providerid: '', discount: 1, timings: [{ enabled_date: today(), expired_date: '9999-12-31', pricing_data: 'pricings:\n- {price_factors: flat, unit_prices: 0.01}' }] };
          toast(`No program ${values.ppid} yet: fill it in to create it.`);
        }
        showEditor(program);
      },
    });

    function timingRow(t, index) {
      return el('fieldset', { class: 'panel', 'data-timing': index },
        el('legend', {}, `Table ${index + 1}`),
        el('label', {}, 'Enabled from ', el('input', { type: 'date', name: 'enabled_date', value: t.enabled_date, disabled: readOnly })),
        ' ',
        el('label', {}, 'Expires ', el('input', { type: 'date', name: 'expired_date', value: t.expired_date, disabled: readOnly })),
        el('label', {}, 'Pricing table (YAML)', el('textarea', { name: 'pricing_data', rows: 8, disabled: readOnly }, t.pricing_data)));
    }

    function showEditor(program) {
      const timings = el('div', { id: 'timings' }, program.timings.map(timingRow));
      const addTiming = el('button', { type: 'button', disabled: readOnly, onclick: () => timings.append(timingRow({ enabled_date: today(), expired_date: '9999-12-31', pricing_data: '' }, timings.children.length)) }, 'Add a table');
      const edit = form({
        id: 'edit-program', submitLabel: 'Save program', readOnly,
        fields: [
          { name: 'name', label: 'Name', required: true, value: program.name },
          { name: 'ownerid', label: 'Owner org', required: true, value: program.ownerid },
          { name: 'providerid', label: 'Provider org', value: program.providerid ?? '' },
          { name: 'discount', label: 'Discount (multiplier)', type: 'number', step: 'any', value: program.discount },
        ],
        onSubmit: async values => {
          const body = {
            id: program.id, name: values.name, ownerid: values.ownerid,
            timings: [...timings.querySelectorAll('fieldset')].map(f => ({
              enabled_date: f.querySelector('[name=enabled_date]').value,
              expired_date: f.querySelector('[name=expired_date]').value,
              pricing_data: f.querySelector('[name=pricing_data]').value,
            })),
          };
          if (values.providerid) body.providerid = values.providerid;
          if (values.discount !== '') body.discount = Number(values.discount);
          await ctx.api('POST', '/api/pricing/programs', body);
          toast(`Program ${program.id} saved.`);
        },
      });
      // The tables sit inside the form, before its buttons, so one Save sends them.
      edit.insertBefore(el('div', {}, timings, addTiming), edit.querySelector('.form-actions'));

      const previewOut = el('div', { id: 'preview-result' });
      const previewForm = form({
        id: 'preview-price', submitLabel: 'Preview price',
        fields: [{ name: 'data', label: 'Usage (JSON)', type: 'textarea', required: true, value: '{"duration": 5, "SR": 720}', hint: 'Priced with the table in force today, as /pricing/test_pricing_program.dspy does.' }],
        onSubmit: async values => {
          let data;
          try { data = JSON.parse(values.data); } catch { throw new Error("'data' is not valid JSON."); }
          const quote = await ctx.api('POST', '/api/pricing/preview', { ppid: program.id, data });
          previewOut.replaceChildren(
            el('p', {}, 'Amount: ', el('strong', { id: 'preview-amount' }, String(quote.amount)), `  ·  cost: ${quote.cost}`),
            table({ rows: quote.result, empty: 'No line of the table applies to this usage.', columns: [
              { key: 'price_factors', label: 'Factor' }, { key: 'unit', label: 'Unit' }, { key: 'unit_prices', label: 'Unit price' },
              { key: 'quantity', label: 'Quantity' }, { key: 'amount', label: 'Amount' }, { key: 'cost', label: 'Cost' }] }));
        },
      });
      editor.replaceChildren(el('div', { class: 'panel' }, el('h2', {}, `Program ${program.id}`), edit));
      preview.replaceChildren(el('div', { class: 'panel' }, el('h2', {}, 'Price preview'), previewForm, previewOut));
    }

    async function openProgram(ppid) {
      showEditor(await ctx.api('GET', `/api/pricing/programs/${encodeURIComponent(ppid)}`));
    }

    const { programs } = await ctx.api('GET', '/api/pricing/programs');
    const list = el('div', { id: 'pricing-list' }, table({
      rows: programs, pageSize: 20, empty: 'No pricing program yet: open a new id below to create one.',
      columns: [
        { key: 'id', label: 'Program', render: p => el('button', { type: 'button', class: 'link', 'data-ppid': p.id, onclick: () => openProgram(p.id) }, p.id) },
        { key: 'name', label: 'Name' },
        { key: 'ownerid', label: 'Owner org' },
      ],
    }));

    root.append(el('h1', {}, 'Pricing programs'), list, el('div', { class: 'panel' }, open), editor, preview);
  },
};
