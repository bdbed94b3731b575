import { h, replace } from './dom.js';

// Renders the page the path names into <main>; every page is a module under pages/ with render(main, params).
const routes = [
  [/^\/$/, 'overview', 'Overview', '/'],
  [/^\/devices\/(\d+)$/, 'device', 'Device', '/trackers'],
  [/^\/events$/, 'events', 'Events', '/events'],
  [/^\/planned$/, 'planned', 'Planned changes', '/planned'],
  [/^\/trackers$/, 'trackers', 'Trackers and devices', '/trackers'],
  [/^\/reports$/, 'reports', 'Reports', '/reports'],
  [/^\/agents$/, 'agents', 'Agents', '/agents'],
  [/^\/users$/, 'users', 'Users', '/users'],
];

async function start() {
  const main = document.getElementById('main');
  const route = routes.find(([pattern]) => pattern.test(location.pathname));
  if (!route) {
    replace(main, h('h1', null, 'Not found'));
    return;
  }
  const [pattern, module, title, nav] = route;
  for (const link of document.querySelectorAll('nav a')) {
    if (link.getAttribute('href') === nav) link.setAttribute('aria-current', 'page');
  }
  document.title = `${title} · PortWarden`;
  try {
    const page = await import(`./pages/${module}.js`);
    await page.render(main, location.pathname.match(pattern).slice(1), new URLSearchParams(location.search));
    main.dataset.ready = 'true';
  } catch (error) {
    if (error.status === 401) return;
    replace(main, h('h1', null, title), h('p', { class: 'error-text', role: 'alert' }, `This page could not be loaded: ${error.message}`));
    main.dataset.ready = 'error';
  }
}

start();
