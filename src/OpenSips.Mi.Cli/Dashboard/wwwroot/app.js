// opensips-mi dashboard: a small single-page app. Every value from a server reaches the page through textContent
// (el() below), never as HTML, so a statistic, a contact or an error containing markup is shown as text.
'use strict';

const app = { session: null, stream: null, view: null, timers: [] };

// ---- helpers -------------------------------------------------------------------------------------------------------

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'class') node.className = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

async function api(path) {
  const response = await fetch(path, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  return readJson(response);
}

async function post(path, body) {
  const response = await fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-Dashboard-Csrf': app.session.csrf },
    body: JSON.stringify(body),
  });
  return readJson(response);
}

async function readJson(response) {
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!response.ok) {
    throw new Error((data && data.error) || text.trim() || `HTTP ${response.status}`);
  }
  return data;
}

function fmtNumber(value, digits) {
  if (value === null || value === undefined) return '–';
  return Number(value).toLocaleString('en-US', { maximumFractionDigits: digits ?? 0 });
}

function fmtBytes(value) {
  if (value === null || value === undefined) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let v = value, i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${v.toFixed(i ? 1 : 0)} ${units[i]}`;
}

function fmtDuration(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  const d = Math.floor(seconds / 86400), h = Math.floor(seconds % 86400 / 3600), m = Math.floor(seconds % 3600 / 60), s = Math.floor(seconds % 60);
  if (d) return `${d}d ${h}h`;
  if (h) return `${h}h ${m}m`;
  if (m) return `${m}m ${s}s`;
  return `${s}s`;
}

// How old a figure is: the server's own clock gives the age when it sent the data; the page adds the time since.
function ageText(server) {
  if (!server.updatedAt) return server.polled ? 'no figures yet' : 'waiting for the first poll';
  const age = (server.now - server.updatedAt) + (Date.now() - server.receivedAt);
  return `updated ${(Math.max(0, age) / 1000).toFixed(1)} s ago`;
}

function isStale(server) {
  if (!server.updatedAt) return false;
  const age = (server.now - server.updatedAt) + (Date.now() - server.receivedAt);
  return age > 3 * app.session.intervalMs;
}

function stopView() {
  if (app.stream) { app.stream.close(); app.stream = null; }
  for (const timer of app.timers) clearInterval(timer);
  app.timers = [];
}

function openStream(query, handlers) {
  const stream = new EventSource('/api/stream' + query);
  const connection = document.getElementById('connection');
  stream.onopen = () => { connection.textContent = 'live'; };
  stream.onerror = () => { connection.textContent = 'reconnecting…'; };
  for (const [name, handler] of Object.entries(handlers)) {
    stream.addEventListener(name, e => handler(JSON.parse(e.data)));
  }
  app.stream = stream;
}

const seriesTitles = {
  'load:load': 'Load (%)',
  'dashboard:shm_used_percent': 'Shared memory used (%)',
  'tm:inuse_transactions': 'Transactions in use',
  'dialog:active_dialogs': 'Active dialogs',
  'dashboard:contacts': 'Registered contacts',
};

// ---- fleet ---------------------------------------------------------------------------------------------------------

function renderFleet() {
  const main = document.getElementById('main');
  const filter = el('input', { id: 'fleet-filter', type: 'search', placeholder: 'Filter servers…', oninput: () => drawFleet() });
  main.replaceChildren(
    el('div', { class: 'toolbar' }, el('h2', {}, 'Fleet'), filter, el('span', { id: 'fleet-summary', class: 'summary muted' })),
    el('div', { id: 'fleet' }));
  app.view = { kind: 'fleet', data: null };
  openStream('', { fleet: data => { stamp(data.servers, data.now); app.view.data = data; drawFleet(); } });
  app.timers.push(setInterval(() => { if (app.view.data) drawFleet(); }, 1000));
}

function stamp(servers, now) {
  const receivedAt = Date.now();
  for (const server of servers) { server.receivedAt = receivedAt; server.now = now; }
}

function drawFleet() {
  const data = app.view.data;
  if (!data) return;
  const query = document.getElementById('fleet-filter').value.trim().toLowerCase();
  const servers = data.servers.filter(s => !query || s.target.toLowerCase().includes(query) || (s.version || '').toLowerCase().includes(query));
  const down = data.servers.filter(s => s.polled && !s.reachable).length;
  const c = data.cycle;
  document.getElementById('fleet-summary').replaceChildren(
    el('span', {}, `${data.servers.length} servers`),
    el('span', { class: down ? 'error' : 'ok', id: 'fleet-down' }, `${down} unreachable`),
    el('span', {}, `poll cycle ${fmtNumber(c.lastMs, 1)} ms (avg ${fmtNumber(c.averageMs, 1)}, max ${fmtNumber(c.maxMs, 1)}, ${fmtNumber(c.cycles)} cycles, ${fmtNumber(c.skippedPolls)} skipped)`));
  document.getElementById('fleet').replaceChildren(...servers.map(card));
}

function card(s) {
  const status = !s.polled ? 'waiting' : s.reachable ? 'up' : 'down';
  const shm = s.shmPercent !== null ? `${fmtNumber(s.shmPercent, 1)}%` : fmtBytes(s.shmUsed);
  return el('div', { class: `card ${status}`, 'data-id': s.id, 'data-target': s.target, 'data-status': status },
    el('div', { class: 'title' },
      el('a', { href: `#/server/${s.id}`, title: s.target }, s.target),
      el('span', { class: 'badge' }, status === 'up' ? 'up' : status === 'down' ? `down ×${s.failures}` : 'waiting')),
    s.error ? el('div', { class: 'err' }, s.error) : null,
    el('div', { class: 'muted version' }, s.version || '–'),
    el('div', { class: 'figures' },
      fig('uptime', fmtDuration(s.uptimeSeconds)), fig('load', s.load === null ? '–' : `${fmtNumber(s.load, 1)}%`), fig('shm', shm),
      fig('transactions', fmtNumber(s.transactions)), fig('dialogs', fmtNumber(s.dialogs)), fig('contacts', fmtNumber(s.contacts))),
    el('div', { class: 'foot' },
      el('span', { class: isStale(s) ? 'age stale' : 'age' }, ageText(s)),
      el('span', {}, s.transport)));
}

function fig(label, value) {
  return el('div', { 'data-figure': label }, label, el('b', {}, value));
}

// ---- server --------------------------------------------------------------------------------------------------------

const tabs = [['charts', 'Charts'], ['stats', 'Statistics'], ['contacts', 'Contacts'], ['dialogs', 'Dialogs'], ['events', 'Events'], ['console', 'MI console']];

function renderServer(id, tab) {
  const main = document.getElementById('main');
  const view = { kind: 'server', id, tab, server: null, sample: null, previous: null, series: new Map(), charts: new Map(), events: [] };
  app.view = view;
  main.replaceChildren(
    el('div', { class: 'server-head', id: 'server-head' }, el('span', { class: 'muted' }, 'Loading…')),
    el('nav', { class: 'tabs' }, tabs.map(([key, title]) => el('a', { href: `#/server/${id}/${key}`, class: key === tab ? 'active' : '', id: `tab-${key}` }, title))),
    el('section', { id: 'tab-body' }));
  const body = document.getElementById('tab-body');
  ({ charts: renderCharts, stats: renderStats, contacts: renderContacts, dialogs: renderDialogs, events: renderEvents, console: renderConsole })[tab](body, view);
  openStream(`?server=${id}`, {
    server: data => { stamp([data], data.now); view.server = data; drawHead(view); },
    sample: data => { view.previous = view.sample; view.sample = data; onSample(view); },
    events: data => onEvents(view, data),
  });
  app.timers.push(setInterval(() => { if (view.server) drawHead(view); }, 1000));
}

function drawHead(view) {
  const s = view.server;
  const status = !s.polled ? 'waiting' : s.reachable ? 'up' : 'down';
  document.getElementById('server-head').replaceChildren(
    el('h2', { id: 'server-target' }, s.target),
    el('span', { class: status === 'down' ? 'error' : status === 'up' ? 'ok' : 'muted', id: 'server-status' }, status === 'down' ? `unreachable: ${s.error}` : status),
    el('span', { class: 'muted' }, s.version || ''),
    el('div', { class: 'figures' },
      fig('uptime', fmtDuration(s.uptimeSeconds)), fig('load', s.load === null ? '–' : `${fmtNumber(s.load, 1)}%`),
      fig('shm', s.shmPercent === null ? fmtBytes(s.shmUsed) : `${fmtNumber(s.shmPercent, 1)}% of ${fmtBytes(s.shmTotal)}`),
      fig('transactions', fmtNumber(s.transactions)), fig('dialogs', fmtNumber(s.dialogs)), fig('contacts', fmtNumber(s.contacts))),
    el('span', { class: isStale(s) ? 'stale' : 'muted', id: 'server-age' }, ageText(s)));
}

function valueOf(sample, name) {
  if (name in sample.statistics) return sample.statistics[name];
  if (name in sample.synthetic) return sample.synthetic[name];
  return null;
}

function onSample(view) {
  const sample = view.sample;
  const cutoff = sample.time - app.session.historyMinutes * 60000;
  for (const [name, points] of view.series) {
    const value = valueOf(sample, name);
    if (value !== null && (!points.length || points[points.length - 1][0] < sample.time)) points.push([sample.time, value]);
    while (points.length && points[0][0] < cutoff) points.shift();
  }
  for (const [name, chart] of view.charts) drawChart(chart, view.series.get(name) || []);
  if (view.tab === 'stats') drawStats(view);
  if (view.tab === 'charts') fillStatNames(view);
}

// ---- charts (own code on <canvas>, no library) ----

async function renderCharts(body, view) {
  const picker = el('input', { id: 'chart-pick', list: 'stat-names', placeholder: 'Chart another statistic, e.g. core:rcv_requests' });
  const add = () => { const name = picker.value.trim(); if (name) { addChart(view, name); picker.value = ''; } };
  body.replaceChildren(
    el('div', { class: 'toolbar' }, picker, el('datalist', { id: 'stat-names' }), el('button', { id: 'chart-add', onclick: add }, 'Add chart'),
      el('span', { class: 'muted' }, `last ${app.session.historyMinutes} minutes, kept in the dashboard's memory`)),
    el('div', { id: 'charts' }));
  picker.addEventListener('keydown', e => { if (e.key === 'Enter') add(); });
  const picked = (sessionStorage.getItem(`charts-${view.id}`) || '').split('\n').filter(Boolean);
  for (const name of [...app.session.chartedSeries, ...picked]) await addChart(view, name, true);
}

function fillStatNames(view) {
  const list = document.getElementById('stat-names');
  if (!list || list.childElementCount || !view.sample) return;
  list.replaceChildren(...Object.keys(view.sample.statistics).map(name => el('option', { value: name })));
}

async function addChart(view, name, initial) {
  if (view.charts.has(name)) return;
  const canvas = el('canvas', { 'data-series': name, 'data-points': 0 });
  const removable = !app.session.chartedSeries.includes(name);
  const box = el('div', { class: 'chart', 'data-series': name },
    el('div', { class: 'head' }, el('h3', {}, seriesTitles[name] || name), el('span', { class: 'muted last' }, ''),
      removable ? el('button', { class: 'remove', title: 'Remove', onclick: () => removeChart(view, name, box) }, '×') : null),
    canvas);
  document.getElementById('charts').append(box);
  const chart = { canvas, box };
  view.charts.set(name, chart);
  if (!initial && removable) savePicked(view);
  try {
    const history = await api(`/api/servers/${view.id}/history?names=${encodeURIComponent(name)}`);
    const points = history.series[name] || [];
    const live = view.series.get(name) || [];
    view.series.set(name, [...points.filter(p => !live.length || p[0] < live[0][0]), ...live]);
  } catch (e) {
    box.append(el('div', { class: 'error' }, e.message));
  }
  drawChart(chart, view.series.get(name) || []);
}

function removeChart(view, name, box) {
  view.charts.delete(name);
  view.series.delete(name);
  box.remove();
  savePicked(view);
}

function savePicked(view) {
  const picked = [...view.charts.keys()].filter(n => !app.session.chartedSeries.includes(n));
  sessionStorage.setItem(`charts-${view.id}`, picked.join('\n'));
}

function drawChart(chart, points) {
  const { canvas, box } = chart;
  canvas.setAttribute('data-points', points.length);
  const last = points.length ? points[points.length - 1] : null;
  box.querySelector('.last').textContent = last ? `${fmtNumber(last[1], 2)} at ${new Date(last[0]).toLocaleTimeString()}` : 'no data yet';
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || 380, height = canvas.clientHeight || 150;
  if (canvas.width !== width * ratio) { canvas.width = width * ratio; canvas.height = height * ratio; }
  const g = canvas.getContext('2d');
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, width, height);
  const left = 58, right = 8, top = 8, bottom = 20;
  const now = last ? last[0] : Date.now();
  // The x axis spans the data (at least 10 s), up to the whole history window.
  const span = app.session.historyMinutes * 60000;
  const from = Math.max(now - span, Math.min(points.length ? points[0][0] : now - span, now - 10000));
  let min = Infinity, max = -Infinity;
  for (const [, v] of points) { min = Math.min(min, v); max = Math.max(max, v); }
  if (!points.length) { min = 0; max = 1; }
  if (min === max) { min -= 1; max += 1; }
  if (min > 0 && min < (max - min)) min = 0;
  const x = t => left + (t - from) / (now - from || 1) * (width - left - right);
  const y = v => top + (1 - (v - min) / (max - min)) * (height - top - bottom);
  g.strokeStyle = '#dde3ea'; g.fillStyle = '#6b7785'; g.font = '11px system-ui, sans-serif'; g.lineWidth = 1;
  for (let i = 0; i <= 4; i++) {
    const v = min + (max - min) * i / 4, yy = Math.round(y(v)) + 0.5;
    g.beginPath(); g.moveTo(left, yy); g.lineTo(width - right, yy); g.stroke();
    g.textAlign = 'right'; g.fillText(fmtNumber(v, max - min < 10 ? 1 : 0), left - 6, yy + 4);
  }
  g.textAlign = 'left'; g.fillText(`-${fmtDuration((now - from) / 1000)}`, left, height - 5);
  g.textAlign = 'right'; g.fillText('now', width - right, height - 5);
  if (!points.length) return;
  g.strokeStyle = '#2962a8'; g.lineWidth = 1.5; g.beginPath();
  points.forEach(([t, v], i) => { const xx = x(Math.max(t, from)), yy = y(v); if (i) g.lineTo(xx, yy); else g.moveTo(xx, yy); });
  g.stroke();
}

// ---- statistics ----

function renderStats(body, view) {
  const search = el('input', { id: 'stats-search', type: 'search', placeholder: 'Search statistics, e.g. tm: or dialog', oninput: () => drawStats(view) });
  body.replaceChildren(
    el('div', { class: 'toolbar' }, search, el('span', { id: 'stats-count', class: 'muted' })),
    el('table', { id: 'stats-table' }, el('thead', {}, el('tr', {}, el('th', {}, 'statistic'), el('th', {}, 'value'), el('th', {}, 'change / s'), el('th', {}, ''))), el('tbody')));
  drawStats(view);
}

function drawStats(view) {
  const tbody = document.querySelector('#stats-table tbody');
  if (!tbody || !view.sample) return;
  const query = document.getElementById('stats-search').value.trim().toLowerCase();
  const names = Object.keys(view.sample.statistics).sort();
  const shown = names.filter(n => !query || n.toLowerCase().includes(query));
  const previous = view.previous;
  const seconds = previous ? (view.sample.time - previous.time) / 1000 : 0;
  document.getElementById('stats-count').textContent = `${shown.length} of ${names.length}`;
  tbody.replaceChildren(...shown.map(name => {
    const value = view.sample.statistics[name];
    const rate = previous && seconds > 0 && name in previous.statistics ? (value - previous.statistics[name]) / seconds : null;
    return el('tr', { 'data-stat': name },
      el('td', {}, name), el('td', { class: 'num' }, fmtNumber(value)), el('td', { class: 'num' }, rate === null ? '' : fmtNumber(rate, 1)),
      el('td', {}, el('button', { onclick: () => { const picked = (sessionStorage.getItem(`charts-${view.id}`) || '').split('\n').filter(Boolean); if (!picked.includes(name)) picked.push(name); sessionStorage.setItem(`charts-${view.id}`, picked.join('\n')); location.hash = `#/server/${view.id}/charts`; } }, 'chart')));
  }));
}

// ---- contacts (ul_show_contact) and the NOTIFY buttons ----

function renderContacts(body, view) {
  const aor = el('input', { id: 'aor', placeholder: 'AOR, e.g. alice' });
  const table = el('input', { id: 'ul-table', value: 'location', size: 10, title: 'usrloc table' });
  const lookup = async () => {
    const result = document.getElementById('contacts-result');
    result.replaceChildren(el('span', { class: 'muted' }, 'Looking up…'));
    try {
      const data = await api(`/api/servers/${view.id}/contacts?aor=${encodeURIComponent(aor.value.trim())}&table=${encodeURIComponent(table.value.trim())}`);
      result.replaceChildren(contactsTable(view, data));
    } catch (e) {
      result.replaceChildren(el('span', { class: 'error' }, e.message));
    }
  };
  aor.addEventListener('keydown', e => { if (e.key === 'Enter') lookup(); });
  body.replaceChildren(
    el('div', { class: 'toolbar' }, aor, table, el('button', { id: 'contacts-lookup', onclick: lookup }, 'Show contacts'),
      el('span', { class: 'muted' }, 'ul_show_contact; the buttons send a NOTIFY through t_uac_dlg and wait for the phone\'s reply')),
    el('div', { id: 'notify-result', class: 'result-line' }),
    el('div', { id: 'contacts-result' }));
}

function contactsTable(view, data) {
  return el('table', { id: 'contacts-table' },
    el('thead', {}, el('tr', {}, ['contact', 'expires', 'q', 'user agent', 'received', 'socket', ''].map(h => el('th', {}, h)))),
    el('tbody', {}, data.contacts.map(c => el('tr', { 'data-contact': c.contact },
      el('td', {}, c.contact), el('td', {}, c.expires), el('td', {}, c.q), el('td', {}, c.userAgent), el('td', {}, c.received), el('td', {}, c.socket),
      el('td', {}, app.session.readOnly ? el('span', { class: 'muted' }, 'read-only') : [
        el('button', { class: 'notify', 'data-event': 'check-sync', onclick: e => notify(view, c.contact, 'check-sync', e.target) }, 'check-sync'), ' ',
        el('button', { class: 'notify danger', 'data-event': 'reboot', onclick: e => notify(view, c.contact, 'reboot', e.target) }, 'reboot')])))));
}

async function notify(view, contact, event, button) {
  const result = document.getElementById('notify-result');
  button.disabled = true;
  result.replaceChildren(el('span', { class: 'muted' }, `Sending ${event} NOTIFY to ${contact}…`));
  try {
    const reply = await post(`/api/servers/${view.id}/notify`, { contact, event });
    result.replaceChildren(el('span', { class: reply.status < 300 ? 'ok' : 'error' }, `${event} NOTIFY to ${contact}: ${reply.status} ${reply.reason}`));
  } catch (e) {
    result.replaceChildren(el('span', { class: 'error' }, `${event} NOTIFY to ${contact} failed: ${e.message}`));
  } finally {
    button.disabled = false;
  }
}

// ---- dialogs (dlg_list, dlg_end_dlg) ----

function renderDialogs(body, view) {
  body.replaceChildren(
    el('div', { class: 'toolbar' }, el('button', { id: 'dialogs-refresh', onclick: () => loadDialogs(view) }, 'Refresh'), el('span', { class: 'muted' }, 'dlg_list')),
    el('div', { id: 'dialog-result', class: 'result-line' }),
    el('div', { id: 'dialogs' }));
  loadDialogs(view);
}

async function loadDialogs(view) {
  const box = document.getElementById('dialogs');
  try {
    const data = await api(`/api/servers/${view.id}/dialogs`);
    box.replaceChildren(data.dialogs.length === 0 ? el('p', { class: 'muted' }, 'No active dialogs.') : el('table', { id: 'dialogs-table' },
      el('thead', {}, el('tr', {}, ['id', 'state', 'from', 'to', 'call-id', 'started', ''].map(h => el('th', {}, h)))),
      el('tbody', {}, data.dialogs.map(d => el('tr', { 'data-dialog': d.id },
        el('td', {}, d.id), el('td', {}, d.stateName), el('td', {}, d.from), el('td', {}, d.to), el('td', {}, d.callId),
        el('td', {}, d.startedAt ? new Date(d.startedAt).toLocaleTimeString() : ''),
        el('td', {}, app.session.readOnly ? '' : el('button', { class: 'end danger', onclick: e => endDialog(view, d.id, e.target) }, 'End')))))));
  } catch (e) {
    box.replaceChildren(el('span', { class: 'error' }, e.message));
  }
}

async function endDialog(view, id, button) {
  // Two clicks: the first arms the button, so a stray click ends nothing.
  if (!button.classList.contains('armed')) {
    button.classList.add('armed');
    button.textContent = 'Confirm end';
    return;
  }
  button.disabled = true;
  const result = document.getElementById('dialog-result');
  try {
    await post(`/api/servers/${view.id}/dialogs/end`, { id });
    result.replaceChildren(el('span', { class: 'ok' }, `Dialog ${id} ended.`));
  } catch (e) {
    result.replaceChildren(el('span', { class: 'error' }, `Ending dialog ${id} failed: ${e.message}`));
  }
  loadDialogs(view);
}

// ---- events (SubscribeAsync) ----

function renderEvents(body, view) {
  body.replaceChildren(el('p', { id: 'events-status', class: 'muted' }, 'Subscribing…'), el('ul', { id: 'events-list', class: 'events' }));
}

function onEvents(view, data) {
  const status = document.getElementById('events-status');
  if (status) status.textContent = data.status;
  view.events.push(...data.events.filter(e => !view.events.length || e.seq > view.events[view.events.length - 1].seq));
  view.events = view.events.slice(-200);
  const list = document.getElementById('events-list');
  if (!list) return;
  list.replaceChildren(...view.events.slice().reverse().map(e => el('li', { 'data-event': e.name },
    el('span', { class: 'muted' }, new Date(e.receivedAt).toLocaleTimeString(), ' '), el('b', {}, e.name), ' ', JSON.stringify(e.params))));
}

// ---- MI console ----

function renderConsole(body, view) {
  const method = el('input', { id: 'mi-method', placeholder: 'command, e.g. uptime', size: 30 });
  const params = el('textarea', { id: 'mi-params', placeholder: 'parameters as JSON: {"table_name":"location","aor":"alice"} (named) or ["location","alice"] (positional); empty for none' });
  const run = el('button', { id: 'mi-run', disabled: app.session.readOnly, onclick: () => runMi(view, method.value.trim(), params.value.trim()) }, 'Run');
  method.addEventListener('keydown', e => { if (e.key === 'Enter') run.click(); });
  body.replaceChildren(
    el('div', { class: 'toolbar' }, method, run, app.session.readOnly ? el('span', { class: 'muted' }, 'read-only: the console is off') : null),
    params,
    el('pre', { id: 'mi-output' }));
}

async function runMi(view, method, paramsText) {
  const output = document.getElementById('mi-output');
  output.className = '';
  let params = null;
  if (paramsText) {
    try { params = JSON.parse(paramsText); } catch (e) { output.className = 'error'; output.textContent = `The parameters are not JSON: ${e.message}`; return; }
  }
  output.textContent = `Running ${method}…`;
  try {
    const outcome = await post(`/api/servers/${view.id}/mi`, { method, params });
    if (outcome.ok) {
      output.textContent = JSON.stringify(outcome.result, null, 2);
    } else {
      output.className = 'error';
      output.textContent = `error ${outcome.code}: ${outcome.message}${outcome.data ? ` (${outcome.data})` : ''}`;
    }
  } catch (e) {
    output.className = 'error';
    output.textContent = e.message;
  }
}

// ---- routing -------------------------------------------------------------------------------------------------------

function route() {
  stopView();
  const match = location.hash.match(/^#\/server\/(\d+)(?:\/(\w+))?/);
  if (match) {
    const tab = tabs.some(([key]) => key === match[2]) ? match[2] : 'charts';
    renderServer(Number(match[1]), tab);
  } else {
    renderFleet();
  }
}

async function start() {
  try {
    app.session = await api('/api/session');
  } catch (e) {
    document.getElementById('main').replaceChildren(el('p', { class: 'error' }, e.message));
    return;
  }
  document.getElementById('mode').textContent = app.session.readOnly ? 'read-only' : '';
  document.getElementById('footer').textContent =
    `opensips-mi dashboard · ${app.session.servers} server${app.session.servers === 1 ? '' : 's'} · polled every ${app.session.intervalMs / 1000} s · ${app.session.historyMinutes} minutes of history`;
  window.addEventListener('hashchange', route);
  route();
}

start();
