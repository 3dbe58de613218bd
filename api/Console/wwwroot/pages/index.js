// The console's pages, in navigation order: one line each. A page module exports { id, title, render(root, ctx) }
// (see docs/console.md): ctx.api(method, path, body), ctx.role ('admin' | 'operator'), ctx.canChange, ctx.ui.
const modules = await Promise.all([
  import('./overview.js'),
  import('./accounts.js'),
  import('./codes.js'),
  import('./pricing.js'),
  import('./live.js'),
  import('./usage.js'),
  import('./orders.js'),
  import('./videos.js'),
  import('./users.js'),
  import('./wallets.js'),
  import('./audit.js'),
]);

export default modules.map(m => m.default);
