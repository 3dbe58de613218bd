// Small shared helpers for pages (ctx.ui): elements, tables with paging, forms with inline errors, toasts, charts.

/** el('button', {class: 'primary', onclick: f}, 'Save') — attributes starting with "on" become listeners. */
export function el(tag, attrs = {}, ...children) {
  const node = tag === 'svg' || attrs?.svg ? document.createElementNS('http://www.w3.org/2000/svg', tag) : document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === 'svg' || value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function badge(text, kind = '') { return el('span', { class: `badge ${kind}` }, text); }

/** A local, readable time for an ISO string or epoch seconds; '' for none. */
export function time(value) {
  if (value === null || value === undefined || value === '') return '';
  const date = typeof value === 'number' ? new Date(value * 1000) : new Date(value);
  return isNaN(date) ? String(value) : date.toLocaleString();
}

export function toast(message, kind = 'info') {
  const box = el('div', { class: `toast ${kind}` }, message);
  document.getElementById('toasts')?.append(box);
  setTimeout(() => box.remove(), kind === 'error' ? 8000 : 4000);
}

/**
 * table({columns: [{key, label, render?(row)}], rows?, load?({page, pageSize}) → {rows, total?, hasMore?}, pageSize, empty})
 * Client-side paging over rows, or server-side paging through load. Returns the element; element.reload() loads again.
 */
export function table({ columns, rows, load, pageSize = 25, empty = 'Nothing here yet.' }) {
  const wrap = el('div');
  let page = 1;
  async function draw() {
    let shown, total, hasMore;
    try {
      if (load) {
        const result = await load({ page, pageSize });
        shown = result.rows; total = result.total; hasMore = result.hasMore ?? (total !== undefined ? page * pageSize < total : shown.length === pageSize);
      } else {
        total = rows.length; shown = rows.slice((page - 1) * pageSize, page * pageSize); hasMore = page * pageSize < total;
      }
    } catch (e) {
      wrap.replaceChildren(el('p', { class: 'form-error' }, e.message));
      return;
    }
    const head = el('tr', {}, columns.map(c => el('th', {}, c.label)));
    const body = shown.map(row => el('tr', {}, columns.map(c => {
      const value = c.render ? c.render(row) : row[c.key];
      return el('td', { 'data-column': c.key || c.label }, value instanceof Node ? value : (value ?? ''));
    })));
    const grid = el('div', { class: 'table-wrap' }, el('table', {}, el('thead', {}, head), el('tbody', {}, body)));
    const pager = el('div', { class: 'pager' },
      el('button', { type: 'button', disabled: page <= 1, onclick: () => { page--; draw(); } }, '‹ Previous'),
      el('span', {}, `Page ${page}${total !== undefined ? ` of ${Math.max(1, Math.ceil(total / pageSize))}` : ''}`),
      el('button', { type: 'button', disabled: !hasMore, onclick: () => { page++; draw(); } }, 'Next ›'));
    wrap.replaceChildren(shown.length ? grid : el('div', { class: 'empty panel' }, empty), (page > 1 || hasMore) ? pager : '');
  }
  wrap.reload = (newRows) => { if (newRows) rows = newRows; return draw(); };
  draw();
  return wrap;
}

function fieldInput(field, prefix) {
  const common = { name: field.name, id: `${prefix}f-${field.name}`, required: field.required, placeholder: field.placeholder, 'aria-describedby': `${prefix}e-${field.name}` };
  if (field.type === 'textarea') return el('textarea', common, field.value ?? '');
  if (field.type === 'select') {
    return el('select', common, (field.options || []).map(o => {
      const option = typeof o === 'string' ? { value: o, label: o } : o;
      return el('option', { value: option.value, selected: option.value === field.value }, option.label);
    }));
  }
  if (field.type === 'checkbox') return el('input', { ...common, type: 'checkbox', checked: !!field.value });
  return el('input', { ...common, type: field.type || 'text', value: field.value ?? '', step: field.step, min: field.min, accept: field.accept, autocomplete: field.autocomplete });
}

/**
 * form({fields: [{name, label, type, required, options, hint, value}], submitLabel, readOnly, onSubmit(values, form)})
 * Checks required fields before sending; an error thrown by onSubmit (e.g. an ApiError) is shown under the form and
 * under the field its message names ('field'). File fields give their File; checkboxes give booleans.
 */
export function form({ fields, submitLabel = 'Save', readOnly = false, onSubmit, id }) {
  const formError = el('div', { class: 'form-error', role: 'alert' });
  const inputs = {};
  // Element ids are unique on the page: "<form id>-f-<field>" (or "f-<field>" for a form without an id).
  const prefix = id ? `${id}-` : '';
  const errorOf = name => node.querySelector(`[id="${prefix}e-${name}"]`);
  const rows = fields.map(field => {
    const input = fieldInput(field, prefix);
    inputs[field.name] = input;
    if (readOnly) input.disabled = true;
    const error = el('div', { class: 'field-error', id: `${prefix}e-${field.name}` });
    return el('label', { for: `${prefix}f-${field.name}` }, field.label, input, field.hint ? el('span', { class: 'hint' }, field.hint) : '', error);
  });
  const submit = el('button', { type: 'submit', class: 'primary', disabled: readOnly }, submitLabel);
  const node = el('form', { class: 'form', novalidate: true, id }, rows, el('div', { class: 'form-actions' }, submit), formError);
  const clear = () => {
    formError.textContent = '';
    for (const [name, input] of Object.entries(inputs)) { input.removeAttribute('aria-invalid'); errorOf(name).textContent = ''; }
  };
  const mark = (name, message) => {
    if (!inputs[name]) return false;
    inputs[name].setAttribute('aria-invalid', 'true');
    errorOf(name).textContent = message;
    return true;
  };
  node.addEventListener('submit', async event => {
    event.preventDefault();
    if (readOnly) return;
    clear();
    const values = {};
    let missing = false;
    for (const field of fields) {
      const input = inputs[field.name];
      const value = field.type === 'checkbox' ? input.checked : field.type === 'file' ? input.files[0] : input.value.trim();
      if (field.required && (value === '' || value === undefined)) { mark(field.name, `${field.label} is required.`); missing = true; }
      values[field.name] = value;
    }
    if (missing) return;
    submit.disabled = true;
    try {
      await onSubmit(values, node);
    } catch (e) {
      formError.textContent = e.message;
      const named = /'([a-z_0-9]+)'/i.exec(e.message || '');
      if (named) mark(named[1], e.message);
    } finally {
      submit.disabled = false;
    }
  });
  node.inputs = inputs;
  node.showError = message => { formError.textContent = message; };
  return node;
}

/** chart({kind: 'line'|'bar', labels, series: [{name, values}], height}) — a plain SVG chart, no library. */
export function chart({ kind = 'line', labels = [], series = [], height = 180 }) {
  const width = 600, pad = 28;
  const all = series.flatMap(s => s.values).filter(v => Number.isFinite(v));
  const max = Math.max(1, ...all);
  const n = Math.max(1, ...series.map(s => s.values.length));
  const x = i => pad + (n === 1 ? 0 : i * (width - 2 * pad) / (n - 1));
  const y = v => height - pad - v * (height - 2 * pad) / max;
  const svg = el('svg', { class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': series.map(s => s.name).join(', ') });
  svg.append(el('line', { svg: true, class: 'axis', x1: pad, y1: height - pad, x2: width - pad, y2: height - pad }));
  svg.append(el('text', { svg: true, x: 2, y: pad }, String(max)));
  if (kind === 'bar' && series[0]) {
    const w = (width - 2 * pad) / n * 0.7;
    series[0].values.forEach((v, i) => {
      const left = pad + i * (width - 2 * pad) / n;
      svg.append(el('rect', { svg: true, class: 'bar', x: left, y: y(v), width: w, height: height - pad - y(v) }, el('title', { svg: true }, `${labels[i] ?? i}: ${v}`)));
      if (labels[i] !== undefined) svg.append(el('text', { svg: true, x: left, y: height - pad + 12 }, String(labels[i]).slice(0, 12)));
    });
  } else {
    series.forEach((s, k) => {
      const points = s.values.map((v, i) => `${x(i)},${y(v)}`).join(' ');
      svg.append(el('polyline', { svg: true, class: `series-${k % 3}`, points }, el('title', { svg: true }, s.name)));
    });
  }
  return svg;
}
