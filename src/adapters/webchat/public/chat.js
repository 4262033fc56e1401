// Switchboard web chat — customer page.
// Plain browser JavaScript, no build step and no dependencies. Talks to the HTTP API described
// in docs/webchat.md. Every piece of text from the server or the customer is rendered with
// textContent / createTextNode, never as HTML.
(() => {
  const API = '/webchat';
  const STORAGE_KEY = 'switchboard.sessionId';
  const MAX_TEXT = 4000;
  const COUNTER_FROM = 3600; // show the character counter from here on
  const SEND_RETRY_DELAYS = [1000, 2500, 5000]; // backoff between tries of one POST
  const STICK_TO_BOTTOM_PX = 120;

  // ---------------------------------------------------------------------------------------------
  // Language

  const isZh = /^zh\b/i.test(String(navigator.language || navigator.languages?.[0] || ''));
  const locale = isZh ? 'zh-CN' : 'en';

  const STRINGS = {
    en: {
      title: 'Switchboard · Customer service',
      subtitle: 'Customer service · 客服',
      empty: 'How can we help you today?',
      log: 'Conversation',
      composerLabel: 'Message',
      placeholder: 'Type your message…',
      send: 'Send',
      sendLabel: 'Send message',
      quickReplies: 'Suggested replies',
      you: 'You',
      bot: 'Assistant',
      agent: 'Agent',
      system: 'Notice',
      sending: 'Sending…',
      notSent: 'Not sent — tap to retry',
      retryLabel: 'Message not sent. Retry sending',
      waiting: 'Connecting you to a person…',
      agentJoined: 'A person has joined',
      reconnecting: 'Reconnecting…',
      offline: 'Connection lost — retrying…',
      starting: 'Connecting…',
      startFailed: 'Can’t reach the chat service — retrying…',
      tooLong: (n, max) => `${fmt(n)} / ${fmt(max)} — too long`,
      count: (n, max) => `${fmt(n)} / ${fmt(max)}`,
      countLabel: (n, max) => `${fmt(n)} of ${fmt(max)} characters`,
    },
    zh: {
      title: 'Switchboard · 客服',
      subtitle: 'Customer service · 客服',
      empty: '您好，请问有什么可以帮您？',
      log: '对话',
      composerLabel: '消息',
      placeholder: '请输入消息…',
      send: '发送',
      sendLabel: '发送消息',
      quickReplies: '快捷回复',
      you: '我',
      bot: '智能客服',
      agent: '人工客服',
      system: '通知',
      sending: '发送中…',
      notSent: '未发送 — 点击重试',
      retryLabel: '消息未发送，点击重试',
      waiting: '正在为您转接人工客服…',
      agentJoined: '人工客服已接入',
      reconnecting: '正在重新连接…',
      offline: '连接已断开，正在重试…',
      starting: '正在连接…',
      startFailed: '无法连接客服服务，正在重试…',
      tooLong: (n, max) => `${fmt(n)} / ${fmt(max)} — 超出长度限制`,
      count: (n, max) => `${fmt(n)} / ${fmt(max)}`,
      countLabel: (n, max) => `已输入 ${fmt(n)} 字，上限 ${fmt(max)} 字`,
    },
  };
  const T = isZh ? STRINGS.zh : STRINGS.en;

  function fmt(n) {
    try {
      return n.toLocaleString(locale);
    } catch {
      return String(n);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Small helpers

  /** Characters as the server counts them (code points, so an emoji is one). */
  function charCount(s) {
    let n = 0;
    for (const _ of s) n++;
    return n;
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  function storageGet() {
    try {
      return window.localStorage.getItem(STORAGE_KEY);
    } catch {
      return memoryStore; // storage blocked (private mode, third-party iframe, …)
    }
  }
  function storageSet(value) {
    memoryStore = value;
    try {
      if (value) window.localStorage.setItem(STORAGE_KEY, value);
      else window.localStorage.removeItem(STORAGE_KEY);
    } catch {
      /* keep it in memory only */
    }
  }
  let memoryStore = null;

  /** A client message id: 1–100 chars of [A-Za-z0-9_.:-]. */
  function newClientMessageId() {
    const c = window.crypto;
    if (c && typeof c.randomUUID === 'function') {
      try {
        return `c-${c.randomUUID()}`;
      } catch {
        /* insecure context in some browsers: fall through */
      }
    }
    if (c && typeof c.getRandomValues === 'function') {
      const bytes = new Uint8Array(16);
      c.getRandomValues(bytes);
      return `c-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
    }
    return `c-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message || code || `HTTP ${status}`);
      this.status = status;
      this.code = code || '';
    }
    get retryable() {
      return this.status === 0 || this.status >= 500 || this.status === 408 || this.status === 429;
    }
  }

  /** fetch + JSON; throws ApiError (status 0 for network failures). */
  async function api(method, path, body) {
    let res;
    try {
      res = await fetch(API + path, {
        method,
        headers:
          body === undefined
            ? { Accept: 'application/json' }
            : { Accept: 'application/json', 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
        credentials: 'same-origin',
      });
    } catch (err) {
      throw new ApiError(0, 'network_error', err?.message);
    }
    let data = null;
    try {
      data = await res.json();
    } catch {
      data = null;
    }
    if (!res.ok) {
      const e = data && typeof data === 'object' && data.error ? data.error : {};
      throw new ApiError(
        res.status,
        typeof e.code === 'string' ? e.code : '',
        typeof e.message === 'string' ? e.message : '',
      );
    }
    return data;
  }

  const isSessionGone = (err) =>
    err instanceof ApiError && (err.code === 'session_not_found' || err.code === 'invalid_session_id');

  // ---------------------------------------------------------------------------------------------
  // DOM

  const $ = (id) => document.getElementById(id);
  let ui;

  function applyStaticStrings() {
    document.documentElement.lang = locale;
    document.title = T.title;
    for (const node of document.querySelectorAll('[data-i18n]')) {
      const s = T[node.getAttribute('data-i18n')];
      if (typeof s === 'string') node.textContent = s;
    }
    for (const node of document.querySelectorAll('[data-i18n-placeholder]')) {
      const s = T[node.getAttribute('data-i18n-placeholder')];
      if (typeof s === 'string') node.setAttribute('placeholder', s);
    }
    for (const node of document.querySelectorAll('[data-i18n-aria-label]')) {
      const s = T[node.getAttribute('data-i18n-aria-label')];
      if (typeof s === 'string') node.setAttribute('aria-label', s);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // State

  let sessionId = null;
  /** Records in display order: { id, clientMessageId, role, text, quickReplies, at, status, el, ... } */
  const records = [];
  const byId = new Map(); // server message id -> record
  const byClientId = new Map(); // clientMessageId -> record
  let lastServerId = null; // last message id seen from the server (for ?after= on manual reconnect)
  let bootPromise = null;
  let booting = false;

  // ---------------------------------------------------------------------------------------------
  // Rendering

  function nearBottom() {
    const s = ui.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight < STICK_TO_BOTTOM_PX;
  }
  function scrollToBottom() {
    const s = ui.scroller;
    s.scrollTop = s.scrollHeight;
  }

  function formatTime(iso) {
    if (!iso) return '';
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return '';
    try {
      return d.toLocaleTimeString(locale, { hour: 'numeric', minute: '2-digit' });
    } catch {
      return '';
    }
  }

  function roleLabel(role) {
    if (role === 'customer') return T.you;
    if (role === 'agent') return T.agent;
    if (role === 'bot') return T.bot;
    return T.system;
  }

  function normaliseRole(role) {
    return role === 'customer' || role === 'bot' || role === 'agent' || role === 'system' ? role : 'system';
  }

  function buildMessageElement(rec) {
    const root = el('div', 'message');
    root.dataset.role = rec.role;
    const sender = el('div', 'message-sender', roleLabel(rec.role));
    // Only agents get a visible label; others keep it for screen readers.
    if (rec.role !== 'agent') sender.classList.add('visually-hidden');
    const bubble = el('div', 'bubble');
    const text = el('div', 'message-text');
    text.textContent = rec.text;
    bubble.appendChild(text);
    for (const file of rec.attachments || []) {
      // Links only (never inline HTML or scripts): the file opens in a new tab, served sandboxed.
      if (!/^https?:\/\//.test(file.url)) continue;
      const link = el('a', 'message-attachment', `📎 ${file.name || file.kind}`);
      link.href = file.url;
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      bubble.appendChild(link);
    }
    const meta = el('div', 'message-meta');
    const time = el('time', 'message-time');
    const qr = el('div', 'quick-replies');
    qr.setAttribute('role', 'group');
    qr.setAttribute('aria-label', T.quickReplies);
    qr.hidden = true;
    root.append(sender, bubble, meta, qr);
    rec.el = root;
    rec.parts = { meta, time, qr };
    updateMessageElement(rec);
    return root;
  }

  function updateMessageElement(rec) {
    const root = rec.el;
    const { meta, time } = rec.parts;
    if (rec.id) root.dataset.id = rec.id;
    if (rec.clientMessageId) root.dataset.clientMessageId = rec.clientMessageId;
    if (rec.role === 'customer') root.dataset.status = rec.status;
    else delete root.dataset.status;

    meta.replaceChildren();
    const t = formatTime(rec.at);
    if (t) {
      time.textContent = t;
      time.dateTime = rec.at;
      meta.appendChild(time);
    }
    if (rec.role === 'customer') {
      if (rec.status === 'sending') {
        const s = el('span', 'message-state', T.sending);
        s.setAttribute('aria-hidden', 'true'); // transient; not worth announcing in the log
        meta.appendChild(s);
      } else if (rec.status === 'failed') {
        const retry = el('button', 'retry-button', T.notSent);
        retry.type = 'button';
        retry.setAttribute('aria-label', T.retryLabel);
        retry.addEventListener('click', () => retrySend(rec));
        meta.appendChild(retry);
      }
      if (rec.status === 'error' && rec.error) {
        meta.appendChild(el('span', 'message-error', rec.error));
      }
    }
    meta.hidden = meta.childElementCount === 0;
  }

  function appendRecord(rec, beforeLocal) {
    const stick = nearBottom() || rec.role === 'customer';
    // History that arrives after the customer already typed something (slow first load) goes
    // above those not-yet-confirmed local messages.
    const i = beforeLocal ? records.findIndex((r) => !r.id) : -1;
    if (i >= 0) {
      ui.list.insertBefore(buildMessageElement(rec), records[i].el);
      records.splice(i, 0, rec);
    } else {
      records.push(rec);
      ui.list.appendChild(buildMessageElement(rec));
    }
    ui.empty.hidden = true;
    refreshQuickReplies();
    if (stick) scrollToBottom();
  }

  /** Show quick replies only under the latest bot/agent message, and only if the customer has not answered since. */
  let quickRepliesOwner = null;
  function refreshQuickReplies() {
    let owner = null;
    for (let i = records.length - 1; i >= 0; i--) {
      const r = records[i];
      if (r.role === 'system') continue;
      if ((r.role === 'bot' || r.role === 'agent') && r.quickReplies.length > 0 && !r.quickRepliesUsed)
        owner = r;
      break;
    }
    if (owner === quickRepliesOwner) return;
    if (quickRepliesOwner) {
      quickRepliesOwner.parts.qr.replaceChildren();
      quickRepliesOwner.parts.qr.hidden = true;
    }
    quickRepliesOwner = owner;
    if (!owner) return;
    const box = owner.parts.qr;
    for (const reply of owner.quickReplies) {
      const button = el('button', 'quick-reply', reply.label);
      button.type = 'button';
      button.addEventListener('click', (ev) => {
        owner.quickRepliesUsed = true;
        refreshQuickReplies();
        // The button is gone; keep keyboard users' focus somewhere useful (but do not pop up
        // the on-screen keyboard after a tap).
        if (ev.detail === 0) ui.composer.focus({ preventScroll: true });
        send(reply.label, reply.payload);
      });
      box.appendChild(button);
    }
    box.hidden = false;
    if (nearBottom()) scrollToBottom();
  }

  function toRecord(m) {
    const quickReplies = Array.isArray(m.quickReplies)
      ? m.quickReplies
          .filter((q) => q && typeof q.label === 'string' && q.label.trim() !== '')
          .map((q) => ({ label: q.label, payload: typeof q.payload === 'string' ? q.payload : undefined }))
      : [];
    return {
      id: typeof m.id === 'string' ? m.id : null,
      clientMessageId: typeof m.clientMessageId === 'string' ? m.clientMessageId : null,
      role: normaliseRole(m.role),
      text: typeof m.text === 'string' ? m.text : '',
      quickReplies,
      attachments: Array.isArray(m.attachments)
        ? m.attachments.filter((a) => a && typeof a.url === 'string' && typeof a.kind === 'string')
        : [],
      at: typeof m.at === 'string' ? m.at : null,
      status: 'sent',
    };
  }

  /** Merge one server Message (from history, stream or replay). De-duplicates by id and clientMessageId. */
  function receiveMessage(m, fromHistory) {
    if (!m || typeof m !== 'object' || typeof m.id !== 'string') return;
    lastServerId = m.id;
    if (byId.has(m.id)) return;
    const incoming = toRecord(m);
    if (
      incoming.role === 'customer' &&
      incoming.clientMessageId &&
      byClientId.has(incoming.clientMessageId)
    ) {
      // Our own message echoed back: confirm the local bubble in place.
      const rec = byClientId.get(incoming.clientMessageId);
      rec.id = incoming.id;
      rec.at = incoming.at || rec.at;
      rec.text = incoming.text || rec.text;
      rec.status = 'sent';
      rec.error = null;
      byId.set(rec.id, rec);
      updateMessageElement(rec);
      return;
    }
    byId.set(incoming.id, incoming);
    if (incoming.clientMessageId) byClientId.set(incoming.clientMessageId, incoming);
    appendRecord(incoming, fromHistory);
  }

  // ---------------------------------------------------------------------------------------------
  // Banners

  function setConversationStatus(status) {
    const b = ui.banner;
    b.classList.remove('is-waiting', 'is-agent');
    if (status === 'waiting') {
      b.textContent = T.waiting;
      b.classList.add('is-waiting');
      b.hidden = false;
    } else if (status === 'agent') {
      b.textContent = T.agentJoined;
      b.classList.add('is-agent');
      b.hidden = false;
    } else {
      b.textContent = '';
      b.hidden = true;
    }
  }

  function setConnectionState(text) {
    const c = ui.connection;
    if (text) {
      c.textContent = text;
      c.hidden = false;
    } else {
      c.textContent = '';
      c.hidden = true;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Session bootstrap

  async function createSession() {
    const data = await api('POST', '/sessions', { locale });
    if (!data || typeof data.sessionId !== 'string')
      throw new ApiError(500, 'internal', 'bad session response');
    sessionId = data.sessionId;
    storageSet(sessionId);
    return data;
  }

  async function loadSession() {
    return api('GET', `/sessions/${encodeURIComponent(sessionId)}`);
  }

  function applySnapshot(data) {
    if (!data) return;
    const conv = data.conversation;
    setConversationStatus(conv && typeof conv.status === 'string' ? conv.status : null);
    if (Array.isArray(data.messages)) for (const m of data.messages) receiveMessage(m, true);
  }

  /** Resolve a working session (reusing the stored one), render its history, open the stream. */
  async function boot() {
    let attempt = 0;
    for (;;) {
      try {
        sessionId = storageGet();
        let snapshot = null;
        if (sessionId) {
          try {
            snapshot = await loadSession();
          } catch (err) {
            if (!isSessionGone(err)) throw err;
            sessionId = null; // store wiped or id malformed: start over transparently
            storageSet(null);
          }
        }
        if (!sessionId) {
          const created = await createSession();
          snapshot = { conversation: created.conversation || null, messages: [] };
        }
        ui.list.setAttribute('aria-busy', 'true');
        applySnapshot(snapshot);
        ui.list.removeAttribute('aria-busy');
        if (records.length === 0) ui.empty.hidden = false;
        scrollToBottom();
        setConnectionState(null);
        openStream();
        return;
      } catch (err) {
        attempt++;
        if (err instanceof ApiError && !err.retryable && !isSessionGone(err)) {
          console.error('[webchat] cannot start session', err);
        }
        setConnectionState(T.startFailed);
        await sleep(Math.min(30000, 1000 * 2 ** Math.min(attempt, 5)));
      }
    }
  }

  /** After the server forgot our session mid-conversation: get a new one and reconnect. */
  let renewing = null;
  function renewSession() {
    if (!renewing) {
      renewing = (async () => {
        closeStream();
        storageSet(null);
        lastServerId = null;
        try {
          await createSession();
        } catch (err) {
          scheduleManualReconnect(); // keeps trying to get a session and a stream
          throw err;
        }
        setConversationStatus(null);
        openStream();
      })().finally(() => {
        renewing = null;
      });
    }
    return renewing;
  }

  // ---------------------------------------------------------------------------------------------
  // Event stream

  let source = null;
  let hadError = false;
  let manualRetryTimer = null;
  let manualRetryCount = 0;
  let pollTimer = null;

  function streamUrl() {
    const base = `${API}/sessions/${encodeURIComponent(sessionId)}/stream`;
    return lastServerId ? `${base}?after=${encodeURIComponent(lastServerId)}` : base;
  }

  function closeStream() {
    if (source) {
      source.close();
      source = null;
    }
    clearTimeout(manualRetryTimer);
    clearTimeout(pollTimer);
  }

  function openStream() {
    closeStream();
    if (typeof window.EventSource !== 'function') {
      poll();
      return;
    }
    const es = new EventSource(streamUrl());
    source = es;
    es.addEventListener('open', () => {
      if (source !== es) return;
      manualRetryCount = 0;
      setConnectionState(null);
      if (hadError) {
        hadError = false;
        // Status changes are not replayed; refresh them (and any messages) after an outage.
        resync();
      }
    });
    es.addEventListener('message', (ev) => {
      if (source !== es) return;
      const data = parseJson(ev.data);
      if (data) receiveMessage(data);
    });
    es.addEventListener('conversation', (ev) => {
      if (source !== es) return;
      const data = parseJson(ev.data);
      if (data && typeof data.status === 'string') setConversationStatus(data.status);
    });
    es.addEventListener('error', () => {
      if (source !== es) return;
      hadError = true;
      if (es.readyState === EventSource.CONNECTING) {
        setConnectionState(T.reconnecting); // the browser retries by itself
      } else if (es.readyState === EventSource.CLOSED) {
        // The browser gave up (HTTP error, e.g. 404 for a forgotten session). Retry ourselves.
        setConnectionState(T.offline);
        es.close();
        source = null;
        scheduleManualReconnect();
      }
    });
  }

  function scheduleManualReconnect() {
    clearTimeout(manualRetryTimer);
    const delay = Math.min(30000, 1000 * 2 ** Math.min(manualRetryCount, 5));
    manualRetryCount++;
    manualRetryTimer = setTimeout(async () => {
      try {
        await loadSession(); // is the session still known?
        openStream();
      } catch (err) {
        if (isSessionGone(err)) {
          try {
            await renewSession();
          } catch {
            scheduleManualReconnect();
          }
        } else {
          scheduleManualReconnect();
        }
      }
    }, delay);
  }

  async function resync() {
    try {
      applySnapshot(await loadSession());
    } catch {
      /* next reconnect will try again */
    }
  }

  /** Fallback for browsers without EventSource: poll the session. */
  async function poll() {
    try {
      applySnapshot(await loadSession());
      setConnectionState(null);
    } catch (err) {
      if (isSessionGone(err)) {
        try {
          await renewSession();
          return;
        } catch {
          /* retry below */
        }
      }
      setConnectionState(T.reconnecting);
    }
    pollTimer = setTimeout(poll, 3000);
  }

  function parseJson(s) {
    try {
      return JSON.parse(s);
    } catch {
      return null;
    }
  }

  window.addEventListener('online', () => {
    if (sessionId && !source && !renewing && !booting) {
      manualRetryCount = 0;
      scheduleManualReconnect();
    }
  });

  // ---------------------------------------------------------------------------------------------
  // Sending

  function send(text, payload) {
    const clean = String(text || '').trim();
    if (!clean && !payload) return false;
    if (charCount(clean) > MAX_TEXT) return false;
    const rec = {
      id: null,
      clientMessageId: newClientMessageId(),
      role: 'customer',
      text: clean,
      payload: payload || undefined,
      quickReplies: [],
      at: new Date().toISOString(),
      status: 'sending',
      error: null,
    };
    byClientId.set(rec.clientMessageId, rec);
    appendRecord(rec);
    deliver(rec);
    return true;
  }

  function retrySend(rec) {
    if (rec.status !== 'failed') return;
    rec.status = 'sending';
    updateMessageElement(rec);
    deliver(rec);
  }

  async function deliver(rec) {
    if (rec.delivering) return;
    rec.delivering = true;
    try {
      await bootPromise;
      let renewed = false;
      for (let attempt = 0; ; attempt++) {
        try {
          const body = { sessionId, clientMessageId: rec.clientMessageId, text: rec.text };
          if (rec.payload) body.payload = rec.payload;
          const data = await api('POST', '/messages', body);
          if (rec.status !== 'sent') {
            if (data && typeof data.messageId === 'string' && !rec.id) {
              rec.id = data.messageId;
              byId.set(rec.id, rec);
            }
            rec.status = 'sent';
            rec.error = null;
            updateMessageElement(rec);
          }
          return;
        } catch (err) {
          if (rec.status === 'sent') return; // the stream confirmed it meanwhile
          if (isSessionGone(err) && !renewed) {
            // The server lost our session (store wiped): start a new one and send there.
            renewed = true;
            try {
              await renewSession();
              attempt = -1;
              continue;
            } catch {
              /* treat like a network failure below */
            }
          }
          const retryable = !(err instanceof ApiError) || err.retryable || isSessionGone(err);
          if (retryable && attempt < SEND_RETRY_DELAYS.length) {
            await sleep(SEND_RETRY_DELAYS[attempt]);
            if (rec.status === 'sent') return;
            continue;
          }
          if (retryable) {
            rec.status = 'failed';
            rec.error = null;
          } else {
            rec.status = 'error';
            rec.error = err.message || err.code;
          }
          updateMessageElement(rec);
          return;
        }
      }
    } finally {
      rec.delivering = false;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Composer

  function updateComposer() {
    const value = ui.composer.value;
    // Cheap UTF-16 length first; count real characters only when it could matter.
    const len = value.length < COUNTER_FROM ? value.trim().length : charCount(value.trim());
    const over = len > MAX_TEXT;
    ui.send.disabled = len === 0 || over;
    const c = ui.counter;
    if (value.length >= COUNTER_FROM || over) {
      c.textContent = over ? T.tooLong(len, MAX_TEXT) : T.count(len, MAX_TEXT);
      c.setAttribute('aria-label', T.countLabel(len, MAX_TEXT));
      c.classList.toggle('is-over', over);
      c.hidden = false;
    } else if (!c.hidden) {
      c.hidden = true;
      c.textContent = '';
      c.classList.remove('is-over');
    }
    ui.composer.setAttribute('aria-invalid', over ? 'true' : 'false');
    autoGrow();
  }

  function autoGrow() {
    const ta = ui.composer;
    const stick = nearBottom(); // a taller composer must not hide the newest message
    ta.style.height = 'auto';
    const max = Math.max(96, Math.round(window.innerHeight * 0.3));
    ta.style.height = `${Math.min(ta.scrollHeight + 2, max)}px`;
    ta.style.overflowY = ta.scrollHeight + 2 > max ? 'auto' : 'hidden';
    if (stick) scrollToBottom();
  }

  function submitComposer() {
    const value = ui.composer.value;
    if (send(value)) {
      ui.composer.value = '';
      updateComposer();
    }
    // The send button turns disabled once the textarea is empty, which would drop keyboard focus.
    if (document.activeElement === ui.send || document.activeElement === document.body) {
      ui.composer.focus({ preventScroll: true });
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Start

  function init() {
    ui = {
      scroller: $('chat-body'),
      list: $('messages'),
      empty: $('empty-state'),
      banner: $('status-banner'),
      connection: $('connection-state'),
      form: $('composer-form'),
      composer: $('composer'),
      send: $('send'),
      counter: $('char-count'),
    };
    applyStaticStrings();

    ui.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      submitComposer();
    });
    ui.composer.addEventListener('keydown', (ev) => {
      if (ev.key !== 'Enter' || ev.shiftKey || ev.altKey || ev.ctrlKey || ev.metaKey) return;
      // Never send while an IME is composing (Chinese/Japanese input commits with Enter).
      // keyCode 229 covers Safari, which reports isComposing=false on the committing keydown.
      if (ev.isComposing || ev.keyCode === 229) return;
      ev.preventDefault();
      submitComposer();
    });
    ui.composer.addEventListener('input', updateComposer);
    // Keep the focus (and the phone keyboard) in the textarea when the send button is tapped.
    ui.send.addEventListener('mousedown', (ev) => ev.preventDefault());
    window.addEventListener('resize', autoGrow);
    updateComposer();

    booting = true;
    bootPromise = boot().finally(() => {
      booting = false;
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
