// The simulator's dashboard: plain ES module, no build step. Every byte it shows comes from the control plane's JSON
// API under /__sim (the same checks as any client: SIM_CONTROL_TOKEN, JSON bodies, same origin) and is put on the page
// as text, never as HTML: journal bodies and codes are whatever clients sent.

// The world this page looks at: /w/{world}/__sim/ui/ shows that world (its own control plane), /__sim/ui/ the default.
const WORLD = /^\/w\/([^/]+)\/__sim\/ui\//.exec(location.pathname)?.[1];
const API = WORLD ? `/w/${WORLD}/__sim` : '/__sim';
const main = document.getElementById('main');
const statusLine = document.getElementById('status');
let tail; // the journal's live stream, closed when the page changes

// ------------------------------------------------------------------------------------------------ small helpers

/** An element with attributes (on* are listeners) and children (strings become text). */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

function say(text, isError = false) {
  statusLine.textContent = text;
  statusLine.classList.toggle('error', isError);
}

const token = () => sessionStorage.getItem('sim-control-token');

/** Asks for the control-plane token (a 401), keeps it for this tab, resolves when given. */
function askToken() {
  const dialog = document.getElementById('token-dialog');
  const input = document.getElementById('token-input');
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      if (input.value) sessionStorage.setItem('sim-control-token', input.value);
      input.value = '';
      resolve();
    }, { once: true });
    dialog.showModal();
    input.focus();
  });
}

/** A control-plane call; a 401 asks for the token once and retries. Problem details become thrown errors. */
async function api(path, { method = 'GET', body, raw = false } = {}, retried = false) {
  const headers = { Accept: 'application/json' };
  if (token()) headers.Authorization = `Bearer ${token()}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(API + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 401 && !retried) {
    await askToken();
    return api(path, { method, body, raw }, true);
  }
  if (!res.ok) {
    let detail = `${res.status} ${res.statusText}`;
    try {
      detail = (await res.json()).detail ?? detail;
    } catch {
      // not problem details
    }
    throw new Error(detail);
  }
  return raw ? res.text() : res.json();
}

const qs = (params) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '' && v !== null) p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
};

const fmt = (v) => (v === null || v === undefined ? '—' : typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v));

function badge(status) {
  return status === undefined || status === null ? '—' : h('span', { class: `badge s-${String(status).toLowerCase().replace(/[^a-z0-9]+/g, '-')}` }, String(status));
}

/** A table of rows; `link` makes the first cell open the row, `code` makes a column's cells open their timelines. */
function table(caption, columns, rows, { link, code, statusKey = 'status' } = {}) {
  const head = h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c.title)));
  const body = rows.map((r) =>
    h(
      'tr',
      {},
      columns.map((c, i) => {
        const v = r.cells[c.key];
        const content = c.key === statusKey && v !== null && v !== undefined ? badge(v) : fmt(v);
        if (i === 0 && link) return h('td', {}, h('a', { href: link(r) }, content));
        if (code && c.key === code.column && typeof v === 'string' && v) return h('td', {}, h('a', { href: `#/code/${code.system}${qs({ code: v })}` }, content));
        return h('td', {}, content);
      }),
    ),
  );
  return h('div', { class: 'table-wrap' }, h('table', {}, h('caption', {}, caption), h('thead', {}, head), h('tbody', {}, body.length ? body : h('tr', {}, h('td', { colspan: columns.length }, 'Nothing here yet.')))));
}

function page(title, ...content) {
  main.replaceChildren(h('h1', {}, title), ...content);
  document.title = `${title} — ${WORLD ? `world ${decodeURIComponent(WORLD)}` : 'default world'} — marking-systems simulator`;
  main.focus({ preventScroll: true });
}

// ------------------------------------------------------------------------------------------------ the clock in the header

// The header clock ticks in the page: a running virtual clock moves at real speed, so it is read from the control
// plane only when a page loads or an action changes it (polling would fill the journal with the dashboard's calls).
let shownClock; // { nowMs, frozen, readAt }

function drawClock() {
  if (!shownClock) return;
  const ms = shownClock.frozen ? shownClock.nowMs : shownClock.nowMs + (performance.now() - shownClock.readAt);
  const now = new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  const el = document.getElementById('clock-now');
  el.textContent = now;
  el.setAttribute('datetime', now);
  document.getElementById('clock-state').textContent = shownClock.frozen ? '(frozen)' : '(running)';
}

async function refreshClock() {
  try {
    const c = await api('/clock');
    shownClock = { nowMs: c.nowMs, frozen: c.frozen, readAt: performance.now() };
    drawClock();
    return c;
  } catch (e) {
    say(`Clock: ${e.message}`, true);
    return undefined;
  }
}

async function changeClock(body, what) {
  try {
    const c = await api('/clock', { method: 'POST', body });
    say(`${what}: virtual time is now ${c.now}.`);
    await refreshClock();
    await route();
  } catch (e) {
    say(`${what} failed: ${e.message}`, true);
  }
}

// ------------------------------------------------------------------------------------------------ pages

async function overview() {
  const [creds, clock, scenarios] = await Promise.all([api('/credentials'), refreshClock(), api('/scenarios')]);
  const systems = h(
    'section',
    { 'aria-labelledby': 'systems-h' },
    h('h2', { id: 'systems-h' }, 'Systems'),
    creds.systems.map((s) =>
      h(
        'article',
        { class: 'system' },
        h('h3', {}, h('a', { href: `#/system/${s.id}` }, s.title)),
        h('p', {}, 'Base URL: ', h('code', { class: 'base' }, location.origin + s.base)),
        table(
          `Default credentials of ${s.id}`,
          [
            { key: 'user', title: 'User' },
            { key: 'secret', title: 'Password / token' },
            { key: 'note', title: 'How' },
          ],
          s.credentials.map((c, i) => ({ id: String(i), cells: c })),
        ),
      ),
    ),
  );
  const advance = h('input', { id: 'advance-ms', name: 'advanceMs', type: 'number', min: '1', step: '1', inputmode: 'numeric', placeholder: '60000' });
  const setAt = h('input', { id: 'set-at', name: 'set', type: 'datetime-local', step: '1' });
  const presets = [
    ['+1 s', 1_000],
    ['+3 s', 3_000],
    ['+1 min', 60_000],
    ['+1 h', 3_600_000],
    ['+24 h', 86_400_000],
  ];
  const clockSection = h(
    'section',
    { 'aria-labelledby': 'clock-h' },
    h('h2', { id: 'clock-h' }, 'Virtual clock'),
    h('p', {}, 'Now: ', h('time', { datetime: clock?.now ?? '' }, clock?.now ?? '…'), clock?.frozen ? ' — frozen: time moves only when you advance it.' : ' — running.'),
    h('div', { class: 'buttons', role: 'group', 'aria-label': 'Advance the clock by' }, presets.map(([label, ms]) => h('button', { type: 'button', onclick: () => changeClock({ advanceMs: ms }, `Advanced ${label}`) }, label))),
    h(
      'form',
      { class: 'inline', onsubmit: (e) => (e.preventDefault(), advance.value && changeClock({ advanceMs: Number(advance.value) }, `Advanced ${advance.value} ms`)) },
      h('label', { for: 'advance-ms' }, 'Advance by (ms)'),
      advance,
      h('button', { type: 'submit' }, 'Advance'),
    ),
    h(
      'form',
      { class: 'inline', onsubmit: (e) => (e.preventDefault(), setAt.value && changeClock({ set: new Date(setAt.value + 'Z').toISOString() }, 'Set')) },
      h('label', { for: 'set-at' }, 'Set to (UTC)'),
      setAt,
      h('button', { type: 'submit' }, 'Set'),
    ),
    h('button', { type: 'button', onclick: () => changeClock({ freeze: !clock?.frozen }, clock?.frozen ? 'Unfrozen' : 'Frozen') }, clock?.frozen ? 'Unfreeze' : 'Freeze'),
  );
  const pick = h('select', { id: 'scenario-pick', name: 'name' }, scenarios.scenarios.map((s) => h('option', { value: s.name, selected: s.name === scenarios.active }, s.name)));
  const scenarioSection = h(
    'section',
    { 'aria-labelledby': 'scenario-h' },
    h('h2', { id: 'scenario-h' }, 'Scenario'),
    h('p', {}, 'Active: ', h('strong', { id: 'active-scenario' }, scenarios.active ?? 'none (the baseline world)')),
    h(
      'form',
      {
        class: 'inline',
        onsubmit: async (e) => {
          e.preventDefault();
          try {
            await api('/scenarios', { method: 'POST', body: { name: pick.value } });
            say(`Scenario ${pick.value} is active, on a fresh world.`);
            await refreshClock();
            await route();
          } catch (err) {
            say(`Activation failed: ${err.message}`, true);
          }
        },
      },
      h('label', { for: 'scenario-pick' }, 'Shipped scenarios'),
      pick,
      h('button', { type: 'submit' }, 'Activate'),
    ),
    h(
      'button',
      {
        type: 'button',
        onclick: async () => {
          if (!confirm('Reset every system to its default world? What clients did is lost.')) return;
          try {
            await api('/reset', { method: 'POST', body: {} });
            say('Reset to the baseline world.');
            await refreshClock();
            await route();
          } catch (err) {
            say(`Reset failed: ${err.message}`, true);
          }
        },
      },
      'Reset to baseline',
    ),
  );
  page('Overview', clockSection, scenarioSection, systems);
}

async function systemPage(system, viewName, params) {
  const meta = await api(`/state/${system}/views`);
  const view = meta.views.find((v) => v.name === viewName) ?? meta.views[0];
  if (!view) return page(system, h('p', {}, 'This system declares no views.'));
  const q = params.get('q') ?? '';
  const status = params.get('status') ?? '';
  const offset = Number(params.get('offset') ?? 0);
  const limit = 25;
  const data = await api(`/state/${system}/views/${view.name}${qs({ q, status, offset, limit })}`);
  const tabs = h('nav', { 'aria-label': `${system} views`, class: 'tabs' }, h('ul', {}, meta.views.map((v) => h('li', {}, h('a', { href: `#/system/${system}/${v.name}`, 'aria-current': v.name === view.name ? 'page' : undefined }, v.title)))));
  const text = h('input', { id: 'filter-q', name: 'q', type: 'search', value: q });
  const statusSel = view.statuses ? h('select', { id: 'filter-status', name: 'status' }, h('option', { value: '' }, 'any'), view.statuses.map((s) => h('option', { value: s, selected: s === status }, s))) : undefined;
  const filters = h(
    'form',
    {
      class: 'inline',
      role: 'search',
      onsubmit: (e) => {
        e.preventDefault();
        location.hash = `#/system/${system}/${view.name}${qs({ q: text.value, status: statusSel?.value })}`;
      },
    },
    h('label', { for: 'filter-q' }, 'Contains'),
    text,
    statusSel && h('label', { for: 'filter-status' }, 'Status'),
    statusSel,
    h('button', { type: 'submit' }, 'Filter'),
  );
  const go = (o) => `#/system/${system}/${view.name}${qs({ q, status, offset: o })}`;
  const pager = h(
    'p',
    { class: 'pager' },
    data.total ? `Rows ${data.offset + 1}–${data.offset + data.rows.length} of ${data.total}` : 'No rows',
    offset > 0 ? h('a', { href: go(Math.max(0, offset - limit)), rel: 'prev' }, 'Previous') : null,
    offset + limit < data.total ? h('a', { href: go(offset + limit), rel: 'next' }, 'Next') : null,
  );
  const lookup = meta.codeLookup ? codeForm(system) : null;
  page(
    `${system}: ${view.title}`,
    tabs,
    filters,
    table(view.title, view.columns, data.rows, {
      link: view.detail ? (r) => `#/system/${system}/${view.name}/${encodeURIComponent(r.id)}` : undefined,
      code: view.codeColumn ? { system, column: view.codeColumn } : undefined,
    }),
    pager,
    lookup,
  );
}

function codeForm(system) {
  const input = h('input', { id: 'code-input', name: 'code', type: 'text', required: true, spellcheck: 'false', autocomplete: 'off' });
  return h(
    'section',
    { 'aria-labelledby': 'lookup-h' },
    h('h2', { id: 'lookup-h' }, 'Code lookup'),
    h(
      'form',
      { class: 'inline', onsubmit: (e) => (e.preventDefault(), (location.hash = `#/code/${system}${qs({ code: input.value.replace(/\\u001d|<GS>/gi, '\u001d') })}`)) },
      h('label', { for: 'code-input' }, 'Code (with or without GS and crypto tail)'),
      input,
      h('button', { type: 'submit' }, 'Look up'),
    ),
  );
}

async function detailPage(system, viewName, id) {
  const d = await api(`/state/${system}/views/${viewName}/${encodeURIComponent(id)}`);
  const fields = h('dl', { class: 'fields' }, Object.entries(d.fields).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, k === 'status' ? badge(v) : fmt(v))]));
  const sections = d.sections.map((s) => h('section', {}, table(s.title, s.columns, s.rows)));
  const codes = d.codes?.length
    ? h('section', { 'aria-labelledby': 'codes-h' }, h('h2', { id: 'codes-h' }, 'Codes'), h('ul', { class: 'codes' }, d.codes.map((c) => h('li', {}, h('a', { href: `#/code/${system}${qs({ code: c })}` }, h('code', {}, c.replace(/\u001d/g, '<GS>')))))))
    : null;
  page(d.title, h('p', {}, h('a', { href: `#/system/${system}/${viewName}` }, '← back to the list')), fields, ...sections, codes);
}

async function codePage(system, code) {
  const t = await api(`/state/${system}/timeline${qs({ code })}`);
  const fields = h('dl', { class: 'fields' }, h('dt', {}, 'status'), h('dd', {}, badge(t.status)), Object.entries(t.fields).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, fmt(v))]));
  const events = h(
    'ol',
    { class: 'timeline', 'aria-label': 'History, oldest first' },
    t.events.map((e) => h('li', {}, h('time', { datetime: e.at }, e.at), ' ', e.status ? badge(e.status) : null, ' ', e.event, e.by ? h('span', { class: 'by' }, ` (${e.by})`) : null)),
  );
  page(`Code ${t.code.replace(/\u001d/g, '<GS>')}`, h('p', {}, h('a', { href: `#/system/${system}` }, `← ${system}`)), fields, h('h2', {}, 'Timeline'), events, codeForm(system));
}

function journalRow(e, open = false) {
  const summary = h(
    'summary',
    {},
    h('time', { datetime: e.at }, e.at.slice(11, 19)),
    ' ',
    h('span', { class: 'method' }, e.method),
    ' ',
    h('span', { class: 'sys' }, e.system),
    ' ',
    h('code', { class: 'path' }, e.path),
    ' ',
    badge(e.status),
    ` ${e.durationMs} ms`,
    e.principal ? h('span', { class: 'who' }, ` ${e.principal}`) : null,
    e.fault ? h('span', { class: 'fault' }, ` fault #${e.fault.rule}: ${e.fault.action}${e.fault.description ? ` (${e.fault.description})` : ''}`) : null,
    e.outcome !== 'answered' ? h('span', { class: 'fault' }, ` ${e.outcome}`) : null,
  );
  const json = (v) => (typeof v === 'string' ? v : JSON.stringify(v, null, 2) ?? '');
  return h(
    'li',
    { class: 'exchange', 'data-path': e.path, id: `exchange-${e.id}` },
    h(
      'details',
      { open: open || undefined },
      summary,
      h('h3', {}, 'Request'),
      h('pre', {}, `${e.method} ${e.path}${Object.keys(e.query ?? {}).length ? qs(e.query) : ''}\n${e.authorization ? `Authorization: ${e.authorization}\n` : ''}\n${json(e.requestBody)}`),
      h('h3', {}, 'Response'),
      h('pre', {}, `${e.status} ${e.contentType ?? ''}\n\n${json(e.responseBody)}`),
    ),
  );
}

async function journalPage(params) {
  const filters = { system: params.get('system') ?? '', method: params.get('method') ?? '', status: params.get('status') ?? '' };
  const creds = await api('/credentials');
  const sys = h('select', { id: 'j-system', name: 'system' }, h('option', { value: '' }, 'all'), [...creds.systems.map((s) => s.id), 'control'].map((id) => h('option', { value: id, selected: id === filters.system }, id)));
  const method = h('select', { id: 'j-method', name: 'method' }, ['', 'GET', 'POST', 'PUT', 'DELETE'].map((m) => h('option', { value: m, selected: m === filters.method }, m || 'any')));
  const status = h('input', { id: 'j-status', name: 'status', type: 'number', min: '100', max: '599', value: filters.status, inputmode: 'numeric' });
  const list = h('ol', { id: 'journal-list', class: 'journal', 'aria-live': 'polite', 'aria-relevant': 'additions' });
  const exported = h('pre', { id: 'export', hidden: true });
  const form = h(
    'form',
    { class: 'inline', onsubmit: (e) => (e.preventDefault(), (location.hash = `#/journal${qs({ system: sys.value, method: method.value, status: status.value })}`)) },
    h('label', { for: 'j-system' }, 'System'),
    sys,
    h('label', { for: 'j-method' }, 'Method'),
    method,
    h('label', { for: 'j-status' }, 'Status'),
    status,
    h('button', { type: 'submit' }, 'Filter'),
  );
  const exportButton = h(
    'button',
    {
      type: 'button',
      onclick: async () => {
        try {
          const yaml = await api(`/journal${qs({ format: 'scenario', system: filters.system })}`, { raw: true });
          exported.textContent = yaml;
          exported.hidden = false;
          const a = h('a', { href: URL.createObjectURL(new Blob([yaml], { type: 'application/yaml' })), download: 'recorded-session.yaml' }, 'Download recorded-session.yaml');
          exported.before(a);
          say('The journal as a scenario journey: save it under scenarios/ and it replays as a regression test.');
        } catch (err) {
          say(`Export failed: ${err.message}`, true);
        }
      },
    },
    'Export as scenario',
  );
  page('Journal', h('p', {}, 'What clients sent and got, newest first; live. Secrets are hidden as the journal hides them.'), form, exportButton, exported, list);
  startTail(filters, list);
}

/** One journal entry, opened (the report card's evidence links here). */
async function entryPage(id) {
  const { entries } = await api(`/journal${qs({ limit: 1000 })}`);
  const e = entries.find((x) => String(x.id) === id);
  const back = h('p', {}, h('a', { href: '#/conformance' }, '← the report card'), ' · ', h('a', { href: '#/journal' }, 'the journal'));
  if (!e) return page(`Journal entry #${id}`, back, h('p', {}, 'This entry is no longer in the journal (it keeps the newest 1,000).'));
  page(`Journal entry #${id}`, back, h('ol', { class: 'journal' }, journalRow(e, true)));
}

/** The client report card: per client, each rule passed, failed (with its evidence, linked to the journal) or not exercised. */
async function conformancePage() {
  const r = await api('/conformance');
  const rules = new Map(r.rules.map((x) => [x.id, x]));
  const reset = h(
    'button',
    {
      type: 'button',
      onclick: async () => {
        await api('/conformance/reset', { method: 'POST' });
        say('A new grading period began.');
        await route();
      },
    },
    'Start a new grading period',
  );
  // Fetched with the control-plane token (a plain link could not send it), then offered as a file.
  const junit = h(
    'button',
    {
      type: 'button',
      onclick: async () => {
        try {
          const xml = await api('/conformance?format=junit', { raw: true });
          const a = h('a', { href: URL.createObjectURL(new Blob([xml], { type: 'application/xml' })), download: 'conformance.xml' }, 'conformance.xml');
          a.click();
          say('The report card as JUnit XML: conformance.xml.');
        } catch (err) {
          say(`JUnit export failed: ${err.message}`, true);
        }
      },
    },
    'Download as JUnit XML',
  );
  const clients = r.clients.map((c) =>
    h(
      'section',
      { class: 'client', 'aria-label': c.client },
      h('h2', {}, c.client, c.organization ? h('span', { class: 'who' }, ` organization ${c.organization}`) : null),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          {},
          h('caption', {}, `How ${c.client} behaved`),
          h('thead', {}, h('tr', {}, ['Rule', 'Result', 'Seen', 'Evidence'].map((t) => h('th', { scope: 'col' }, t)))),
          h(
            'tbody',
            {},
            c.rules.map((x) =>
              h(
                'tr',
                {},
                h('td', {}, h('code', {}, x.rule), h('br'), h('small', {}, rules.get(x.rule)?.statement ?? '')),
                h('td', {}, badge(x.result), x.failed ? ` ${x.failed}×` : ''),
                h('td', {}, String(x.exercised)),
                h(
                  'td',
                  {},
                  x.evidence.length
                    ? h(
                        'ul',
                        {},
                        x.evidence.map((ev) => h('li', {}, ev.note, ' — ', ev.entries.flatMap((en, i) => [i ? ', ' : '', h('a', { href: `#/journal${qs({ entry: en.id })}` }, `#${en.id}`), ` at ${en.at.slice(11, 19)}`]))),
                      )
                    : '—',
                ),
              ),
            ),
          ),
        ),
      ),
    ),
  );
  page(
    'Report card',
    h('p', {}, `How each client of this world behaved since ${r.since} (virtual time): ${r.failed ? `${r.failed} rule(s) failed` : 'no rule failed'}.`),
    h('p', {}, reset, ' ', junit),
    ...(clients.length ? clients : [h('p', {}, 'No client has called yet.')]),
  );
}

/** The live tail: server-sent events read through fetch (EventSource cannot send the control-plane token). */
async function startTail(filters, list) {
  const controller = new AbortController();
  tail = controller;
  const headers = { Accept: 'text/event-stream' };
  if (token()) headers.Authorization = `Bearer ${token()}`;
  try {
    const res = await fetch(`${API}/journal/stream${qs({ ...filters, limit: 100 })}`, { headers, signal: controller.signal });
    if (res.status === 401) {
      await askToken();
      return startTail(filters, list);
    }
    if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let cut;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
        if (!data) continue;
        const e = JSON.parse(data);
        // The dashboard's own calls to the control plane would drown what clients did: they are left out.
        if (e.system === 'control' && !filters.system) continue;
        list.prepend(journalRow(e));
        while (list.children.length > 300) list.lastElementChild.remove();
      }
    }
  } catch (e) {
    if (e.name !== 'AbortError') say(`Journal tail: ${e.message}`, true);
  }
}

// ------------------------------------------------------------------------------------------------ routing

async function route() {
  tail?.abort();
  tail = undefined;
  const [path, query = ''] = location.hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  try {
    if (parts.length && (parts[0] !== 'journal' || !shownClock)) await refreshClock();
    if (parts[0] === 'system' && parts.length >= 4) await detailPage(parts[1], parts[2], parts[3]);
    else if (parts[0] === 'system') await systemPage(parts[1], parts[2], params);
    else if (parts[0] === 'code') await codePage(parts[1], params.get('code') ?? '');
    else if (parts[0] === 'journal' && params.get('entry')) await entryPage(params.get('entry'));
    else if (parts[0] === 'journal') await journalPage(params);
    else if (parts[0] === 'conformance') await conformancePage();
    else await overview();
  } catch (e) {
    page('Something went wrong', h('p', { class: 'error' }, e.message), h('p', {}, h('a', { href: '#/' }, 'Back to the overview')));
  }
}

/** The world picker: every world of the simulator; choosing one opens this page in it. */
async function drawWorlds() {
  const picker = document.getElementById('world-picker');
  const current = WORLD ? decodeURIComponent(WORLD) : '';
  let ids = [];
  try {
    ids = (await api('/worlds')).worlds.map((w) => w.id);
  } catch {
    // the list is a convenience: the page still shows its world
  }
  if (current && !ids.includes(current)) ids.unshift(current);
  picker.replaceChildren(h('option', { value: '', selected: !current }, 'default'), ...ids.map((id) => h('option', { value: id, selected: id === current }, id)));
  picker.addEventListener('change', () => {
    location.href = `${picker.value ? `/w/${encodeURIComponent(picker.value)}` : ''}/__sim/ui/${location.hash}`;
  });
}

async function start() {
  await drawWorlds();
  const health = await api('/health');
  const nav = document.getElementById('nav');
  const journal = nav.querySelector('a[href="#/journal"]').parentElement;
  for (const s of health.systems) journal.before(h('li', {}, h('a', { href: `#/system/${s.id}` }, s.id)));
  window.addEventListener('hashchange', () => {
    say('');
    route();
  });
  await route();
  setInterval(drawClock, 1_000);
}

start();
