// The connection and the token. Records come over Server-Sent Events from /events; EventSource cannot send
// headers and hides status codes, so the token rides in the URL and /api/nodes is asked first to learn
// whether one is needed. What arrives goes to the handlers given to openConnection. A selector (select=)
// narrows the stream on the server, so the page and /events share one matcher.

import { $ } from './dom.js';

const BACKLOG = 1000;          // history asked for on connect, so the page is not empty at first
const NODES_POLL_MS = 2_000;
const RETRY_MS = 2_000;
const TOKEN_KEY = 'chorus.token';

let token = sessionStorage.getItem(TOKEN_KEY) ?? '';
let source = null;
let pollTimer = 0;
let lastId = -1;       // the newest event id received: where the stream resumes when the page reopens it
let select = '';       // the selector the stream is asked with; '' for everything
let on = null;         // the handlers given to openConnection

export const authHeaders = () => (token ? { Authorization: `Bearer ${token}` } : {});

const CONN_TEXT = { connecting: 'connecting', connected: 'connected', reconnecting: 'reconnecting', token: 'token needed' };

function setConn(state) {
  const box = $('conn-state');
  box.dataset.state = state;
  box.textContent = CONN_TEXT[state];
  on.state(state);
}

const requestNodes = () => fetch('api/nodes', { headers: authHeaders(), cache: 'no-store' });

// /api/nodes with the token: its body, or null when it answered otherwise. A 401 asks for the token; an
// aggregator that is away rejects.
export async function fetchNodes() {
  const res = await requestNodes();
  if (res.status === 401) { needToken(); return null; }
  return res.ok ? res.json() : null;
}

async function start() {
  let res;
  try {
    res = await requestNodes();
  } catch {
    res = null;
  }
  if (res?.status === 401) { needToken(); return; }
  if (!res?.ok) { setConn(source ? 'reconnecting' : 'connecting'); setTimeout(start, RETRY_MS); return; }
  try { on.nodes(await res.json()); } catch { /* the poll will try again */ }
  connect();
  if (!pollTimer) pollTimer = setInterval(on.poll, NODES_POLL_MS);
}

function connect() {
  // Reopened by the page (the browser gave up retrying): resume right after the last event seen, as the
  // browser's own retry does with its Last-Event-ID header, so an outage shows as the missed lines or a gap.
  const params = new URLSearchParams(lastId >= 0 ? { 'last-event-id': String(lastId) } : { backlog: String(BACKLOG) });
  if (select) params.set('select', select);
  if (token) params.set('token', token);
  source?.close();   // a retry that was due may come after a selector change opened the new stream
  const es = new EventSource(`events?${params}`);
  source = es;
  es.onopen = () => setConn('connected');
  es.onmessage = onMessage;
  es.onerror = () => {
    // CONNECTING: the browser is retrying by itself and will send Last-Event-ID. CLOSED: it gave up, which
    // it does on a non-200 answer (a 401 after a token change, a 503 while starting); ask start() why.
    if (es.readyState === EventSource.CONNECTING) { setConn('reconnecting'); return; }
    es.close();
    setConn('reconnecting');
    setTimeout(start, RETRY_MS);
  };
}

function onMessage(e) {
  if (e.lastEventId !== '') lastId = Number(e.lastEventId);
  let record;
  try { record = JSON.parse(e.data); } catch { console.warn('chorus: skipped a message that is not JSON', e.data); return; }
  if (record && typeof record === 'object') on.record(record);
}

// Asks for the token again: the aggregator refused the one this tab has (or it has none).
export function needToken() {
  source?.close();
  source = null;
  clearInterval(pollTimer);
  pollTimer = 0;
  setConn('token');
  const dialog = $('token-dialog');
  $('token-error').hidden = token === '';
  if (!dialog.open) dialog.showModal();
  $('token-input').focus();
}

function onTokenSubmit(e) {
  e.preventDefault();
  token = $('token-input').value.trim();
  sessionStorage.setItem(TOKEN_KEY, token);
  $('token-dialog').close();
  setConn('connecting');
  start();
}

// Streams only what `text` selects from now on ('' for everything), from a fresh backlog; `cleared()` is
// called just before its records start to arrive. EventSource hides a 400 and its message, so the selector
// is first tried with a request that is dropped as soon as its headers say yes. Answers null when the
// stream now uses it, or the reason it does not (the stream stays as it was).
export async function changeSelector(text, cleared) {
  if (text !== '') {
    const probe = new AbortController();
    let res;
    try {
      res = await fetch(`events?${new URLSearchParams({ select: text, backlog: '0' })}`,
        { headers: authHeaders(), cache: 'no-store', signal: probe.signal });
    } catch {
      return 'The aggregator did not answer, so the selector was not applied. Press Enter to try again once it is back.';
    }
    if (res.status === 401) { needToken(); return 'This aggregator needs its token: give it, then press Enter again.'; }
    if (!res.ok) return (await res.text().catch(() => '')) || `The aggregator answered ${res.status} to this selector.`;
    probe.abort();
  }
  select = text;
  lastId = -1;   // another stream: resuming where the old one stopped would skip the new one's history
  source?.close();
  source = null;
  cleared();
  setConn('connecting');
  connect();
  return null;
}

// Connects, and keeps connecting. handlers: record(r) for each record of the stream, nodes(body) with
// /api/nodes each time the stream is (re)opened, poll() every NODES_POLL_MS while the page has what it needs
// to connect, state(s) when the connection becomes 'connecting', 'connected', 'reconnecting' or 'token'.
export function openConnection(handlers) {
  on = handlers;
  $('token-form').addEventListener('submit', onTokenSubmit);
  $('token-dialog').addEventListener('cancel', (e) => e.preventDefault());   // nothing works without a token
  start();
}
