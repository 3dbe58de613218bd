// Not a page: the list the data pages share (usage, orders, video tasks). A toolbar of filters, a table paged by the
// API's cursors (next_cursor, docs/console-data.md) and a CSV link carrying the same filter.

/**
 * filteredList(ctx, {id, path, filters: [{name, label, type?, options?}], columns, empty, extra?})
 * Filters become query parameters of `path`; dates (type 'date') are sent as given (UTC midnight, `to` exclusive).
 */
export function filteredList(ctx, { id, path, filters, columns, empty, pageSize = 50 }) {
  const { el, table } = ctx.ui;
  const inputs = filters.map(f => {
    const attrs = { name: f.name, id: `${id}-${f.name}`, 'aria-label': f.label, placeholder: f.label, title: f.label };
    if (f.options) {
      return el('select', attrs, el('option', { value: '' }, `${f.label}: any`), f.options.map(o => el('option', { value: o }, o)));
    }
    return el('input', { ...attrs, type: f.type || 'text' });
  });
  const csv = el('a', { class: 'button', id: `${id}-csv`, download: true }, 'Download CSV');
  const box = el('div', { id: `${id}-table` });
  const error = el('div', { class: 'form-error', role: 'alert' });

  function query() {
    const q = new URLSearchParams();
    for (const input of inputs) if (input.value.trim()) q.set(input.name, input.value.trim());
    return q;
  }

  function draw() {
    const q = query();
    const csvQuery = new URLSearchParams(q);
    csvQuery.set('format', 'csv');
    csv.setAttribute('href', `${path}?${csvQuery}`);
    error.textContent = '';
    // cursors[p - 1] opens page p; the table only steps one page at a time, so each page's cursor is known.
    const cursors = [null];
    box.replaceChildren(table({
      pageSize,
      empty,
      load: async ({ page }) => {
        const pageQuery = new URLSearchParams(q);
        pageQuery.set('limit', pageSize);
        if (cursors[page - 1]) pageQuery.set('cursor', cursors[page - 1]);
        const answer = await ctx.api('GET', `${path}?${pageQuery}`);
        cursors[page] = answer.next_cursor;
        return { rows: answer.rows, hasMore: !!answer.next_cursor };
      },
      columns,
    }));
  }

  const node = el('div', {},
    el('form', { class: 'toolbar', onsubmit: e => { e.preventDefault(); draw(); } },
      inputs, el('button', { type: 'submit', class: 'primary', id: `${id}-apply` }, 'Filter'), csv),
    error, box);
  node.draw = draw;
  return node;
}

/** An amount in yuan with its sign, as the ledger keeps it (up to 6 decimals). */
export function money(value) {
  if (value === null || value === undefined) return '';
  return Number(value).toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 6 });
}
