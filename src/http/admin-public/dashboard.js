/*
 * Switchboard admin dashboard (docs/dashboard.md). Plain script, no build step. Everything shown
 * comes from /admin/api with the admin token, and every value is put on the page as text
 * (textContent, never innerHTML): customer messages and file names are untrusted.
 */

(() => {
  const TOKEN_KEY = 'switchboard.adminToken';
  const QUEUE_REFRESH_MS = 15_000;
  const DEFAULT_DAYS = 14;
  const GAPS_SHOWN = 20;

  const $ = (id) => document.getElementById(id);
  const charts = new Map();
  let queueTimer;

  class Refused extends Error {}

  // ---------------------------------------------------------------- API

  /** The JSON of an admin API route; undefined when this server has no such route (404). */
  async function api(path) {
    const token = sessionStorage.getItem(TOKEN_KEY) ?? '';
    const response = await fetch(path, { headers: { authorization: `Bearer ${token}` }, cache: 'no-store' });
    if (response.status === 401) throw new Refused('That token was refused.');
    if (response.status === 503) {
      const body = await response.json().catch(() => ({}));
      if (body.error?.code === 'admin_disabled')
        throw new Refused('The admin API is off: set ADMIN_TOKEN on the server.');
    }
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return response.json();
  }

  // ---------------------------------------------------------------- DOM helpers

  /** An element with text children only; attributes from `props` (class, text, data-*, others as properties). */
  function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null) continue;
      if (key === 'class') node.className = value;
      else if (key === 'text') node.textContent = String(value);
      else if (key.startsWith('data-')) node.setAttribute(key, String(value));
      else node[key] = value;
    }
    node.append(...children.filter((child) => child !== undefined && child !== null));
    return node;
  }

  function badge(text, tone) {
    return el('span', { class: 'badge', 'data-tone': tone, text });
  }

  function row(cells, options = {}) {
    return el(
      'tr',
      options,
      ...cells.map((cell) => (cell instanceof Node ? el('td', {}, cell) : el('td', { text: cell ?? '—' }))),
    );
  }

  function fillTable(table, rows, emptyText) {
    const body = table.tBodies[0];
    const columns = table.tHead.rows[0].cells.length;
    body.replaceChildren(
      ...(rows.length > 0
        ? rows
        : [el('tr', { class: 'empty' }, el('td', { colSpan: columns, text: emptyText }))]),
    );
  }

  function notice(text) {
    $('notice').textContent = text;
    $('notice').hidden = !text;
  }

  // ---------------------------------------------------------------- formats

  const percent = (rate) =>
    typeof rate === 'number' ? `${(rate * 100).toFixed(rate < 0.1 ? 1 : 0)} %` : '—';
  const count = (n) => (typeof n === 'number' ? n.toLocaleString('en') : '—');

  /** A duration figure may come as milliseconds or as { n, avg, p50, p90 }: its median. */
  const median = (figure) => (typeof figure === 'number' ? figure : figure?.p50);

  function duration(ms) {
    if (typeof ms !== 'number' || Number.isNaN(ms)) return '—';
    const seconds = Math.round(ms / 1000);
    if (seconds < 60) return `${seconds} s`;
    const minutes = Math.floor(seconds / 60);
    if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
    return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  }

  function when(iso) {
    if (!iso) return '—';
    return new Date(iso).toLocaleString('en-GB', { dateStyle: 'short', timeStyle: 'short' });
  }

  /** The metrics API counts UTC days. */
  const utcDate = (date) => date.toISOString().slice(0, 10);

  // ---------------------------------------------------------------- sections

  function renderTotals(metrics) {
    const t = metrics.totals;
    const csat = t.csat?.n ? `${t.csat.average.toFixed(2)} / 5` : '—';
    const tiles = [
      ['Conversations', count(t.conversations)],
      ['Bot containment', percent(t.containmentRate)],
      ['Handoff rate', percent(t.handoffRate)],
      ['Abandonment', percent(t.abandonmentRate)],
      ['First-contact resolution', percent(t.fcrRate)],
      ['First response (p50)', duration(median(t.firstResponseMs))],
      ['Agent first response (p50)', duration(median(t.agentFirstResponseMs))],
      ['Resolution time (p50)', duration(median(t.resolutionMs))],
      [`CSAT (${count(t.csat?.n ?? 0)} ratings)`, csat],
      ['Messages in / out', `${count(t.messagesIn)} / ${count(t.messagesOut)}`],
      ['Send failures', count(t.sendFailures)],
    ];
    const reasons = Object.entries(t.handoffReasons ?? {}).sort((a, b) => b[1] - a[1]);
    $('totals').replaceChildren(
      ...tiles.map(([label, value]) =>
        el(
          'div',
          { class: 'tile', 'data-figure': label },
          el('span', { class: 'value', text: value }),
          el('span', { class: 'label', text: label }),
        ),
      ),
      ...(reasons.length > 0
        ? [
            el(
              'div',
              { class: 'tile' },
              el('span', { class: 'label', text: 'Handoff reasons' }),
              el('ul', {}, ...reasons.slice(0, 5).map(([cause, n]) => el('li', { text: `${cause}: ${n}` }))),
            ),
          ]
        : []),
    );
    $('range-label').textContent = `${metrics.from} – ${metrics.to}`;
  }

  function drawChart(id, config) {
    charts.get(id)?.destroy();
    const canvas = $(id);
    if (!window.Chart) {
      canvas.replaceWith(
        el('p', { class: 'muted', text: 'Charts could not load (chart.js missing on the server).' }),
      );
      return;
    }
    charts.set(
      id,
      new window.Chart(canvas, {
        ...config,
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          interaction: { mode: 'index', intersect: false },
          spanGaps: true,
          ...config.options,
        },
      }),
    );
  }

  function renderCharts(days) {
    const labels = days.map((d) => d.date);
    const series = (pick, scale = 1) =>
      days.map((d) => (typeof pick(d) === 'number' ? pick(d) * scale : null));
    drawChart('chart-volume', {
      type: 'bar',
      data: {
        labels,
        datasets: [
          { label: 'Conversations', data: series((d) => d.conversations), backgroundColor: '#1f56c7' },
          { label: 'Handoffs', data: series((d) => d.handoffs), backgroundColor: '#e0912f' },
          {
            type: 'line',
            label: 'Messages in',
            data: series((d) => d.messagesIn),
            borderColor: '#59626e',
            yAxisID: 'messages',
          },
        ],
      },
      options: {
        scales: {
          y: { beginAtZero: true },
          messages: { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false } },
        },
      },
    });
    drawChart('chart-rates', {
      type: 'line',
      data: {
        labels,
        datasets: [
          { label: 'Containment', data: series((d) => d.containmentRate, 100), borderColor: '#17613a' },
          { label: 'Handoff', data: series((d) => d.handoffRate, 100), borderColor: '#e0912f' },
          { label: 'Abandonment', data: series((d) => d.abandonmentRate, 100), borderColor: '#b42318' },
        ],
      },
      options: { scales: { y: { min: 0, max: 100 } } },
    });
    drawChart('chart-response', {
      type: 'line',
      data: {
        labels,
        datasets: [
          { label: 'p50', data: series((d) => d.firstResponseMs?.p50, 1 / 1000), borderColor: '#1f56c7' },
          { label: 'p90', data: series((d) => d.firstResponseMs?.p90, 1 / 1000), borderColor: '#8a9bbf' },
        ],
      },
      options: { scales: { y: { beginAtZero: true } } },
    });
    drawChart('chart-csat', {
      type: 'bar',
      data: {
        labels,
        datasets: [
          {
            type: 'line',
            label: 'Average',
            data: series((d) => (d.csat?.n ? d.csat.average : null)),
            borderColor: '#17613a',
            yAxisID: 'y',
          },
          {
            label: 'Ratings',
            data: series((d) => d.csat?.n),
            backgroundColor: '#c9d6ee',
            yAxisID: 'ratings',
          },
        ],
      },
      options: {
        scales: {
          y: { min: 1, max: 5 },
          ratings: { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false } },
        },
      },
    });
  }

  function renderByChannel(byChannel) {
    const rows = Object.entries(byChannel ?? {})
      .sort((a, b) => b[1].conversations - a[1].conversations)
      .map(([channel, f]) =>
        row([
          channel,
          count(f.conversations),
          percent(f.containmentRate),
          percent(f.handoffRate),
          duration(median(f.firstResponseMs)),
          f.csat?.n ? `${f.csat.average.toFixed(2)} (${f.csat.n})` : '—',
        ]),
      );
    fillTable($('by-channel'), rows, 'No conversations in this range.');
  }

  const SLA_TONE = { ok: 'ok', reminded: 'warn', paused: 'warn', breached: 'bad' };
  const SLA_LABEL = { ok: 'ok', reminded: 'reminded', paused: 'paused (closed hours)', breached: 'breached' };

  function renderQueue(queue) {
    const waiting = queue.waiting.map((w) =>
      row(
        [
          String(w.position),
          w.ticket,
          w.channel,
          el('span', {}, w.priority, w.vip ? ' ' : '', w.vip ? badge('VIP', 'warn') : undefined),
          when(w.since),
          duration(w.waitedSeconds * 1000),
          badge(SLA_LABEL[w.sla] ?? w.sla, SLA_TONE[w.sla] ?? 'warn'),
          w.reason,
        ],
        { 'data-sla': w.sla },
      ),
    );
    for (const tr of waiting) tr.lastChild.className = 'wrap';
    const claimed = queue.claimed.map((c) =>
      row([
        c.ticket,
        c.channel,
        c.priority,
        c.assignee,
        when(c.claimedAt),
        c.waitedSeconds === undefined ? '—' : duration(c.waitedSeconds * 1000),
      ]),
    );
    fillTable($('waiting'), waiting, 'Nobody is waiting.');
    fillTable($('claimed'), claimed, 'No conversation is with an agent.');
    $('waiting-count').textContent = `(${queue.waiting.length})`;
    $('claimed-count').textContent = `(${queue.claimed.length})`;
    $('queue-updated').textContent = `— updated ${new Date(queue.at).toLocaleTimeString('en-GB')}`;
  }

  const STATE_TONE = {
    up: 'ok',
    ready: 'ok',
    starting: 'warn',
    loading: 'warn',
    stale: 'warn',
    down: 'bad',
    failed: 'bad',
  };

  function renderChannels({ channels }) {
    $('channels').replaceChildren(
      ...Object.entries(channels).map(([name, channel]) => {
        const qr = channel.loginQr?.imageUrl;
        return el(
          'li',
          { 'data-channel': name },
          el('strong', { text: name }),
          badge(channel.state, STATE_TONE[channel.state] ?? 'warn'),
          el('span', { class: 'muted', text: channel.detail ?? '' }),
          typeof qr === 'string' && qr.startsWith('https://')
            ? el('a', {
                href: qr,
                target: '_blank',
                rel: 'noopener noreferrer',
                text: 'WeChat login QR code',
              })
            : undefined,
        );
      }),
    );
  }

  function renderKnowledge(kb) {
    const facts = [
      ['State', badge(kb.state, STATE_TONE[kb.state] ?? 'warn')],
      ['Entries', count(kb.entries)],
      ['Folder', kb.dir],
      ['Loaded', when(kb.loadedAt)],
      ['Index built in', typeof kb.indexMs === 'number' ? `${kb.indexMs} ms` : '—'],
    ];
    $('kb').replaceChildren(
      ...facts.flatMap(([term, value]) => [
        el('dt', { text: term }),
        el('dd', {}, value instanceof Node ? value : String(value ?? '—')),
      ]),
    );
    $('kb-errors').replaceChildren(...kb.errors.map((error) => el('li', { text: error })));
    $('kb-warnings-box').hidden = kb.warnings.length === 0;
    $('kb-warnings-summary').textContent = `${kb.warnings.length} lint warning(s)`;
    $('kb-warnings').replaceChildren(...kb.warnings.map((warning) => el('li', { text: warning })));
  }

  function exampleText(example) {
    return typeof example === 'string' ? example : (example?.text ?? JSON.stringify(example));
  }

  function channelList(channels) {
    if (Array.isArray(channels)) return channels.join(', ');
    return Object.entries(channels ?? {})
      .map(([name, n]) => `${name} ${n}`)
      .join(', ');
  }

  function renderGaps(gaps) {
    const template = $('gap-template');
    const items = gaps.groups.map((group) => {
      const item = template.content.firstElementChild.cloneNode(true);
      item.querySelector('.gap-text').textContent = group.text;
      item.querySelector('.gap-count').textContent = `× ${group.count}`;
      const best = group.bestEntry
        ? `closest entry ${group.bestEntry} (${Number(group.bestScore ?? 0).toFixed(2)})`
        : 'no close entry';
      item.querySelector('.gap-meta').textContent = `${best} · ${channelList(group.channels)}`;
      item
        .querySelector('.gap-examples')
        .replaceChildren(
          ...(group.examples ?? []).slice(0, 3).map((e) => el('li', { text: exampleText(e) })),
        );
      const yaml = item.querySelector('.yaml');
      yaml.textContent = group.yaml ?? '';
      item.querySelector('.copy').addEventListener('click', (event) => copy(yaml, event.currentTarget));
      return item;
    });
    $('gaps').replaceChildren(
      ...(items.length > 0
        ? items
        : [el('li', { class: 'muted', text: 'No unanswered questions in this range.' })]),
    );
  }

  async function copy(pre, button) {
    try {
      await navigator.clipboard.writeText(pre.textContent);
      button.textContent = 'Copied';
    } catch {
      // No clipboard outside a secure context (plain http on a LAN address): select it for Ctrl+C.
      const range = document.createRange();
      range.selectNodeContents(pre);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      button.textContent = 'Selected: press Ctrl+C';
    }
    setTimeout(() => {
      button.textContent = 'Copy YAML';
    }, 2000);
  }

  // ---------------------------------------------------------------- loading

  async function loadFigures() {
    const range = `from=${$('from').value}&to=${$('to').value}`;
    const [metrics, gaps] = await Promise.all([
      api(`/admin/api/metrics?${range}`),
      api(`/admin/api/gaps?${range}&limit=${GAPS_SHOWN}`),
    ]);
    if (metrics) {
      renderTotals(metrics);
      renderCharts(metrics.days ?? []);
      renderByChannel(metrics.byChannel);
    }
    if (gaps) renderGaps(gaps);
    notice(
      metrics && gaps
        ? ''
        : 'This server has no metrics API (/admin/api/metrics, /admin/api/gaps): figures are not shown.',
    );
  }

  async function loadQueue() {
    const queue = await api('/admin/api/queue');
    if (queue) renderQueue(queue);
  }

  async function loadStatus() {
    const [channels, knowledge] = await Promise.all([
      api('/admin/api/channels'),
      api('/admin/api/knowledge'),
    ]);
    if (channels) renderChannels(channels);
    if (knowledge) renderKnowledge(knowledge);
  }

  async function show() {
    $('login').hidden = true;
    try {
      await Promise.all([loadFigures(), loadQueue(), loadStatus()]);
    } catch (error) {
      return failed(error);
    }
    $('dashboard').hidden = false;
    $('range').hidden = false;
    document.body.dataset.loaded = 'true';
    clearInterval(queueTimer);
    queueTimer = setInterval(() => {
      Promise.all([loadQueue(), loadStatus()]).catch(failed);
    }, QUEUE_REFRESH_MS);
  }

  function failed(error) {
    if (error instanceof Refused) return signOut(error.message);
    notice(`Could not load: ${error.message}`);
    $('dashboard').hidden = false;
  }

  function signOut(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    clearInterval(queueTimer);
    $('dashboard').hidden = true;
    $('range').hidden = true;
    $('login').hidden = false;
    $('login-error').textContent = message ?? '';
    $('login-error').hidden = !message;
    $('token').focus();
  }

  // ---------------------------------------------------------------- start

  const now = Date.now();
  $('to').value = utcDate(new Date(now));
  $('from').value = utcDate(new Date(now - (DEFAULT_DAYS - 1) * 86_400_000));

  $('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
    $('token').value = '';
    show();
  });
  $('range').addEventListener('submit', (event) => {
    event.preventDefault();
    loadFigures().catch(failed);
  });
  $('sign-out').addEventListener('click', () => signOut());

  if (sessionStorage.getItem(TOKEN_KEY)) show();
  else signOut();
})();
