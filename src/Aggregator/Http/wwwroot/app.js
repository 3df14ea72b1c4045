// The aggregator's live tail page. Records arrive over Server-Sent Events from /events, go into a ring in
// memory, and are drawn into #log once per animation frame. Filters run here, over the ring, so changing one
// is instant and also applies to lines already received. /api/nodes feeds the side panel.

const BACKLOG = 1000;          // history asked for on connect, so the page is not empty at first
const RING_SIZE = 100_000;     // records kept in memory, so a filter change can redraw from history
const MAX_ROWS = 5_000;        // rows kept in the DOM; more makes layout and scrolling slow
const ROWS_PER_BLOCK = 100;
const NODES_POLL_MS = 2_000;
const RETRY_MS = 2_000;
const BOTTOM_SLACK_PX = 8;     // this close to the bottom counts as "at the bottom"
const TOKEN_KEY = 'chorus.token';

const $ = (id) => document.getElementById(id);
const log = $('log');

// ---------------------------------------------------------------------------------------------------------
// The ring: record i lives at ring[i % RING_SIZE] while total - RING_SIZE <= i < total.

const ring = new Array(RING_SIZE);
let total = 0;
const at = (i) => ring[i % RING_SIZE];
const oldest = () => Math.max(0, total - RING_SIZE);

// ---------------------------------------------------------------------------------------------------------
// ANSI escapes. Programs colour their output for terminals; SGR ("m") sequences become styled spans and
// every other escape or control character is dropped, so cursor moves and titles do not show as garbage.

const ESCAPES = /\x1b\[([0-?]*)[ -/]*([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\|$)|\x1b[PX^_][^\x1b]*(?:\x1b\\|$)|\x1b[ -/]*[0-~]?|[\x00-\x08\x0b-\x1f\x7f]/g;
const NEEDS_PARSE = /[\x00-\x08\x0b-\x1f\x7f]/;

const plainText = (text) => (NEEDS_PARSE.test(text) ? text.replace(ESCAPES, '') : text);

// xterm's 256-colour table past the 16 named colours: a 6x6x6 cube, then 24 greys.
function colour256(n) {
  if (n < 16) return n;
  if (n >= 232) { const g = 8 + 10 * (n - 232); return `rgb(${g},${g},${g})`; }
  const level = (v) => (v === 0 ? 0 : 55 + 40 * v);
  const c = n - 16;
  return `rgb(${level(Math.floor(c / 36))},${level(Math.floor(c / 6) % 6)},${level(c % 6)})`;
}

// Reads an extended colour (38;5;n or 38;2;r;g;b) starting after the 38/48; returns [colour, params used].
function extendedColour(params, i) {
  if (params[i] === 5 && i + 1 < params.length) return [colour256(params[i + 1] & 255), 2];
  if (params[i] === 2 && i + 3 < params.length) {
    const [r, g, b] = params.slice(i + 1, i + 4).map((v) => v & 255);
    return [`rgb(${r},${g},${b})`, 4];
  }
  return [undefined, params.length - i];   // malformed: ignore the rest of the sequence
}

function applySgr(style, paramText) {
  const params = paramText === '' ? [0] : paramText.split(';').map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    if (p === 0) Object.assign(style, { fg: undefined, bg: undefined, bold: false, dim: false, italic: false, underline: false, inverse: false });
    else if (p === 1) style.bold = true;
    else if (p === 2) style.dim = true;
    else if (p === 3) style.italic = true;
    else if (p === 4) style.underline = true;
    else if (p === 7) style.inverse = true;
    else if (p === 22) style.bold = style.dim = false;
    else if (p === 23) style.italic = false;
    else if (p === 24) style.underline = false;
    else if (p === 27) style.inverse = false;
    else if (p >= 30 && p <= 37) style.fg = p - 30;
    else if (p >= 90 && p <= 97) style.fg = p - 90 + 8;
    else if (p === 39) style.fg = undefined;
    else if (p >= 40 && p <= 47) style.bg = p - 40;
    else if (p >= 100 && p <= 107) style.bg = p - 100 + 8;
    else if (p === 49) style.bg = undefined;
    else if (p === 38 || p === 48) {
      const [colour, used] = extendedColour(params, i + 1);
      style[p === 38 ? 'fg' : 'bg'] = colour;
      i += used;
    }
  }
}

// Named colours are CSS variables so the theme owns them; the others are computed rgb() strings.
const cssColour = (c) => (typeof c === 'number' ? `var(--ansi-${c})` : c);

function styledSpan(text, style) {
  const plain = !style.bold && !style.dim && !style.italic && !style.underline && !style.inverse
    && style.fg === undefined && style.bg === undefined;
  if (plain) return document.createTextNode(text);
  const span = document.createElement('span');
  span.textContent = text;
  let fg = style.fg === undefined ? undefined : cssColour(style.fg);
  let bg = style.bg === undefined ? undefined : cssColour(style.bg);
  if (style.inverse) [fg, bg] = [bg ?? 'var(--log-bg)', fg ?? 'var(--fg)'];
  if (fg) span.style.color = fg;
  if (bg) span.style.backgroundColor = bg;
  if (style.bold) span.style.fontWeight = 'bold';
  if (style.dim) span.style.opacity = '0.7';
  if (style.italic) span.style.fontStyle = 'italic';
  if (style.underline) span.style.textDecoration = 'underline';
  return span;
}

// Always builds text nodes: a line is data, never markup.
function appendAnsi(parent, text) {
  if (!NEEDS_PARSE.test(text)) { parent.append(text); return; }
  const style = {};
  let from = 0;
  for (const m of text.matchAll(ESCAPES)) {
    if (m.index > from) parent.append(styledSpan(text.slice(from, m.index), style));
    if (m[2] === 'm') applySgr(style, m[1]);
    from = m.index + m[0].length;
  }
  if (from < text.length) parent.append(styledSpan(text.slice(from), style));
}

// ---------------------------------------------------------------------------------------------------------
// How a record looks.

// Each source gets one of the --source-N colours in app.css (readable on the dark background, none of them
// red, which means stderr). FNV-1a is cheap and spreads similar names ("web1", "web2") apart.
const SOURCE_COLOURS = 12;
const colourClasses = new Map();
let widestSource = 6;

const sourceOf = (r) => (r.proc ? `${r.node ?? '?'}/${r.proc}` : r.node ?? 'chorus');

function colourClass(source) {
  let name = colourClasses.get(source);
  if (name === undefined) {
    let h = 0x811c9dc5;
    for (let i = 0; i < source.length; i++) h = Math.imul(h ^ source.charCodeAt(i), 0x01000193);
    name = `c${(h >>> 0) % SOURCE_COLOURS}`;
    colourClasses.set(source, name);
    if (source.length > widestSource) {   // widen the source column once per new source, not per row
      widestSource = Math.min(source.length, 28);
      log.style.setProperty('--source-width', `${widestSource}ch`);
    }
  }
  return name;
}

const two = (n) => String(n).padStart(2, '0');

function clock(ts) {
  // Safari's Date rejects more than three fraction digits; the wire sends six.
  const d = new Date(String(ts).replace(/(\.\d{3})\d+/, '$1'));
  if (Number.isNaN(d.getTime())) return '--:--:--.---';
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

function eventText(r) {
  switch (r.event) {
    case 'started': return `started${r.pid ? ` (pid ${r.pid})` : ''}`;
    case 'exited':
      if (r.signal != null) return `killed by signal ${r.signal}`;
      return r.code != null ? `exited with code ${r.code}` : 'exited';
    case 'node-up': return `node ${r.node} is up`;
    case 'node-down': return `node ${r.node} is down`;
    case 'gap': return `${plural(r.count ?? 0, 'line')} missed (${r.reason ?? 'unknown reason'})`;
    default: return r.event ?? r.type ?? 'event';
  }
}

function badge(text, kind, title) {
  const b = document.createElement('span');
  b.className = `badge ${kind}`;
  b.textContent = text;
  if (title) b.title = title;
  return b;
}

function makeRow(r) {
  const row = document.createElement('div');
  const isLine = r.type === 'line';
  row.className = 'row';
  row.dataset.kind = isLine ? 'line' : 'event';
  row.dataset.node = r.node ?? '';
  row.dataset.proc = r.proc ?? '';
  row.dataset.stream = isLine ? r.stream ?? '' : '';
  if (!isLine) {
    row.dataset.event = r.event ?? '';
    if (r.event === 'exited' && (r.code !== 0 || r.signal != null)) row.dataset.failed = '';
  }

  const time = document.createElement('time');
  time.className = 'ts';
  time.dateTime = r.ts ?? '';
  r.clock ??= clock(r.ts);   // a filter change redraws thousands of rows; parse each time once
  time.textContent = r.clock;

  const source = sourceOf(r);
  const src = document.createElement('span');
  src.className = `src ${colourClass(source)}`;
  src.textContent = source;

  const text = document.createElement('span');
  text.className = 'text';
  if (r.stream === 'stderr') text.append(badge('err', 'err', 'stderr'));
  if (r.late) text.append(badge('late', 'late', 'Arrived after the reorder window, so it may be out of order'));
  if (r.after_exit) text.append(badge('after exit', 'after-exit', 'Written after the process itself exited, by something it left running'));
  if (isLine) appendAnsi(text, r.text ?? '');
  else text.append(r.plain);
  if (r.continued) text.append(badge('…', 'cont', 'Long line: continues on the next row from this process'));

  row.append(time, src, text);
  return row;
}

// ---------------------------------------------------------------------------------------------------------
// Filters. Events have no stream, so the stream filter keeps them (an "exited 1" matters when reading stderr).
// An event about no node or no process (a gap, a node going down) passes those filters too: it may explain
// lines that are missing. The text filter applies to everything, events by their displayed text.

const filterInputs = {
  node: $('filter-node'), proc: $('filter-proc'), stream: $('filter-stream'),
  text: $('filter-text'), regex: $('filter-regex'),
};
let filter = { node: null, proc: null, stream: 'all', text: null };

function globToRegExp(glob) {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^(?:${body})$`);
}

// Smart case, as in ripgrep and vim: a search with no capital letter ignores case. In a regex, escapes like
// \S do not count as capitals.
function textMatcher(query, isRegex) {
  const letters = isRegex ? query.replace(/\\./g, '') : query;
  const ignoreCase = letters === letters.toLowerCase();
  if (isRegex) return new RegExp(query, ignoreCase ? 'i' : '');   // throws on a bad pattern; the caller reports it
  if (!ignoreCase) return { test: (s) => s.includes(query) };
  const lower = query.toLowerCase();
  return { test: (s) => s.toLowerCase().includes(lower) };
}

function readFilter() {
  const query = filterInputs.text.value;
  let text = null;
  let error = '';
  if (query !== '') {
    try { text = textMatcher(query, filterInputs.regex.checked); }
    catch (e) { error = `Not a valid regex: ${e.message.split(': ').pop().toLowerCase()}`; }   // drop the engine's /pattern/flags prefix
  }
  const errorBox = $('filter-error');
  errorBox.textContent = error;
  errorBox.hidden = error === '';
  filterInputs.text.toggleAttribute('aria-invalid', error !== '');

  const node = filterInputs.node.value.trim();
  const proc = filterInputs.proc.value.trim();
  return {
    node: node ? globToRegExp(node) : null,
    proc: proc ? globToRegExp(proc) : null,
    stream: filterInputs.stream.value,
    text,
  };
}

function matches(r) {
  if (filter.node && r.node != null && !filter.node.test(r.node)) return false;
  if (filter.proc && r.proc != null && !filter.proc.test(r.proc)) return false;
  if (filter.stream !== 'all' && r.type === 'line' && r.stream !== filter.stream) return false;
  if (filter.text && !filter.text.test(r.plain)) return false;
  return true;
}

function onFilterChange() {
  filter = readFilter();
  redraw();
}

// ---------------------------------------------------------------------------------------------------------
// Drawing. Records [0, drawn) have been offered to the view; the rest wait for the next frame, or for
// resume while paused. "pausedBy" is "user" (the button) or "scroll" (they scrolled up to read).

let drawn = 0;
let rowCount = 0;     // rows in the DOM, counted so as not to ask the DOM
let pausedBy = null;
let pending = 0;      // records past `drawn` that match the filter, counted only while paused
let frame = 0;
let nextDrawAt = 0;

const pauseButton = $('pause');
const pendingButton = $('pending-count');

function scheduleDraw() {
  if (!frame) frame = requestAnimationFrame(drawFrame);
}

// Drawing may take at most a third of the time: after a frame that took 100 ms (a burst replacing every row),
// wait 200 ms before the next, so messages, scrolling and typing still get the main thread.
function drawFrame(now) {
  frame = 0;
  if (pausedBy) { showPending(); return; }
  if (now < nextDrawAt) { scheduleDraw(); return; }
  const started = performance.now();
  draw(drawn, total, false);
  const took = performance.now() - started;
  nextDrawAt = took > 16 ? performance.now() + 2 * took : 0;
}

// Draws the matching records in [from, to), newest last; keeps at most MAX_ROWS rows.
function draw(from, to, replace) {
  if (from < oldest()) { from = oldest(); replace = true; }   // the ring dropped some: no seamless append
  const picked = [];
  for (let i = to - 1; i >= from && picked.length < MAX_ROWS; i--) {
    const r = at(i);
    if (matches(r)) picked.push(r);
  }
  drawn = Math.max(drawn, to);
  if (picked.length === 0 && !replace) return;

  if (replace || picked.length === MAX_ROWS) {
    log.replaceChildren();
    rowCount = 0;
  }
  const rows = [];
  for (let k = picked.length - 1; k >= 0; k--) rows.push(makeRow(picked[k]));
  addRows(rows);
  if (!pausedBy) scrollToBottom();
}

// Rows live in blocks of ROWS_PER_BLOCK so that the browser lays out and watches 50 boxes, not 5,000; with
// content-visibility (app.css) it skips the blocks that are off-screen.
function addRows(rows) {
  let block = log.lastElementChild;
  for (let i = 0; i < rows.length;) {
    if (!block || block.childElementCount >= ROWS_PER_BLOCK) {
      block = document.createElement('div');
      block.className = 'block';
      log.append(block);
    }
    const take = Math.min(rows.length - i, ROWS_PER_BLOCK - block.childElementCount);
    block.append(...rows.slice(i, i + take));
    i += take;
  }
  rowCount += rows.length;

  while (rowCount > MAX_ROWS) {
    const first = log.firstElementChild;
    const excess = rowCount - MAX_ROWS;
    if (first.childElementCount <= excess) {
      rowCount -= first.childElementCount;
      first.remove();
    } else {
      for (let k = 0; k < excess; k++) first.firstElementChild.remove();
      rowCount -= excess;
    }
  }
}

// Redraws what the view holds with the current filter; while paused, only what had been shown.
function redraw() {
  draw(oldest(), drawn, true);
  if (pausedBy) {
    pending = countPending();
    showPending();
  }
  scrollToBottom();
}

function countPending() {
  let n = 0;
  for (let i = Math.max(drawn, oldest()); i < total; i++) if (matches(at(i))) n++;
  return n;
}

let lastTop = 0;   // scrollTop at the last scroll event or our own scroll

function scrollToBottom() {
  log.scrollTop = log.scrollHeight;
  lastTop = log.scrollTop;
}

const atBottom = () => log.scrollHeight - log.scrollTop - log.clientHeight <= BOTTOM_SLACK_PX;

function pause(by) {
  pausedBy = by;
  pending = countPending();
  pauseButton.textContent = 'Resume';
  pauseButton.setAttribute('aria-pressed', 'true');
  showPending();
}

function resume() {
  pausedBy = null;
  pending = 0;
  pauseButton.textContent = 'Pause';
  pauseButton.setAttribute('aria-pressed', 'false');
  showPending();
  draw(drawn, total, false);
  scrollToBottom();
}

function showPending() {
  pendingButton.hidden = !pausedBy || pending === 0;
  pendingButton.textContent = `${plural(pending, 'new line')}`;
}

// Only a move up is the user's doing. Rows first laid out as they scroll into view (content-visibility) can
// be taller than estimated, which pushes the bottom away without moving the view: follow it down again.
function onScroll() {
  const movedUp = log.scrollTop < lastTop - 1;
  lastTop = log.scrollTop;
  if (pausedBy === 'scroll') {
    if (atBottom()) resume();
  } else if (!pausedBy && !atBottom()) {
    if (movedUp) pause('scroll');
    else scrollToBottom();
  }
}

// The wheel says "up" before any scroll event, even while new rows keep pulling the view down.
function onWheel(e) {
  if (e.deltaY < 0 && !pausedBy && log.scrollHeight > log.clientHeight) pause('scroll');
}

// ---------------------------------------------------------------------------------------------------------
// Records in.

const NODE_EVENTS = new Set(['started', 'exited', 'node-up', 'node-down']);

function ingest(r) {
  r.plain = r.type === 'line' ? plainText(r.text ?? '') : eventText(r);
  ring[total % RING_SIZE] = r;
  total++;
  if (pausedBy && matches(r)) pending++;
  if (r.type === 'event' && NODE_EVENTS.has(r.event)) refreshNodesSoon();
  scheduleDraw();
}

// ---------------------------------------------------------------------------------------------------------
// Side panel.

const panel = $('status-panel');
let lastNodesJson = '';

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

// Clicking a name filters to it; clicking it again clears the filter.
function toggleFilter(input, value) {
  input.value = input.value === value ? '' : value;
  onFilterChange();
}

function procEntry(node, p) {
  const li = el('li', 'proc');
  li.dataset.node = node;
  li.dataset.proc = p.proc;
  li.dataset.state = p.state;
  if (p.state === 'exited' && (p.signal != null || (p.code != null && p.code !== 0))) li.dataset.failed = '';
  const name = el('button', `proc-name ${colourClass(`${node}/${p.proc}`)}`, p.proc);
  name.type = 'button';
  name.title = `Show only ${node}/${p.proc}`;
  name.addEventListener('click', () => {
    filterInputs.node.value = node;
    toggleFilter(filterInputs.proc, p.proc);
  });
  li.append(
    name,
    el('span', 'proc-state', p.state),
    el('span', 'pid', p.state === 'running' ? p.pid : null),
    el('span', 'exit-code', p.state === 'exited' ? p.code : null),
    el('span', 'signal', p.state === 'exited' ? p.signal : null),
    el('span', 'lines', p.lines ?? 0),
  );
  return li;
}

function renderNodes(nodes) {
  const sections = nodes.map((n) => {
    const section = el('section', 'node');
    section.dataset.node = n.node;
    section.dataset.state = n.state;
    const name = el('button', 'node-name', n.node);
    name.type = 'button';
    name.title = `Show only node ${n.node}`;
    name.addEventListener('click', () => { filterInputs.proc.value = ''; toggleFilter(filterInputs.node, n.node); });
    const state = el('span', 'node-state', n.state);
    if (n.state !== 'up' && n.last_seen) state.title = `last seen ${clock(n.last_seen)}`;
    const head = el('h2');
    head.append(name, state);
    const list = el('ul');
    list.append(...(n.processes ?? []).map((p) => procEntry(n.node, p)));
    section.append(head, list);
    return section;
  });
  if (sections.length === 0) sections.push(el('p', 'empty', 'No nodes yet.'));
  panel.replaceChildren(...sections);
}

function fillDatalist(id, names) {
  const list = $(id);
  const options = [...new Set(names)].sort().map((name) => { const o = el('option'); o.value = name; return o; });
  list.replaceChildren(...options);
}

function applyNodes(body) {
  const json = JSON.stringify(body.nodes ?? []);
  if (json === lastNodesJson) return;   // unchanged: keep the DOM (and any focus in it) as it is
  lastNodesJson = json;
  const nodes = body.nodes ?? [];
  renderNodes(nodes);
  fillDatalist('known-nodes', nodes.map((n) => n.node));
  fillDatalist('known-procs', nodes.flatMap((n) => (n.processes ?? []).map((p) => p.proc)));
}

let nodesInFlight = false;
let nodesAgain = false;
let soonTimer = 0;

async function refreshNodes() {
  if (nodesInFlight) { nodesAgain = true; return; }
  nodesInFlight = true;
  try {
    const res = await fetch('api/nodes', { headers: authHeaders(), cache: 'no-store' });
    if (res.status === 401) { needToken(); return; }
    if (res.ok) applyNodes(await res.json());
  } catch {
    // The aggregator is away; #conn-state already says so and the next poll tries again.
  } finally {
    nodesInFlight = false;
    if (nodesAgain) { nodesAgain = false; refreshNodes(); }
  }
}

// A burst of started/exited events (a node coming up with ten processes) costs one request.
function refreshNodesSoon() {
  if (!soonTimer) soonTimer = setTimeout(() => { soonTimer = 0; refreshNodes(); }, 100);
}

// ---------------------------------------------------------------------------------------------------------
// Connection and token. EventSource cannot send headers and hides status codes, so the token rides in the
// URL and /api/nodes is asked first to learn whether one is needed.

let token = sessionStorage.getItem(TOKEN_KEY) ?? '';
let source = null;
let pollTimer = 0;
let lastId = -1;       // the newest event id received: where the stream resumes when the page reopens it

const authHeaders = () => (token ? { Authorization: `Bearer ${token}` } : {});

const CONN_TEXT = { connecting: 'connecting', connected: 'connected', reconnecting: 'reconnecting', token: 'token needed' };

function setConn(state) {
  const box = $('conn-state');
  box.dataset.state = state;
  box.textContent = CONN_TEXT[state];
  panel.toggleAttribute('data-stale', state !== 'connected');   // the states shown may be out of date
}

async function start() {
  let res;
  try {
    res = await fetch('api/nodes', { headers: authHeaders(), cache: 'no-store' });
  } catch {
    res = null;
  }
  if (res?.status === 401) { needToken(); return; }
  if (!res?.ok) { setConn(source ? 'reconnecting' : 'connecting'); setTimeout(start, RETRY_MS); return; }
  try { applyNodes(await res.json()); } catch { /* the poll will try again */ }
  connect();
  if (!pollTimer) pollTimer = setInterval(refreshNodes, NODES_POLL_MS);
}

function connect() {
  // Reopened by the page (the browser gave up retrying): resume right after the last event seen, as the
  // browser's own retry does with its Last-Event-ID header, so an outage shows as the missed lines or a gap.
  const params = new URLSearchParams(lastId >= 0 ? { 'last-event-id': String(lastId) } : { backlog: String(BACKLOG) });
  if (token) params.set('token', token);
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
  if (record && typeof record === 'object') ingest(record);
}

function needToken() {
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

// ---------------------------------------------------------------------------------------------------------

for (const input of [filterInputs.node, filterInputs.proc, filterInputs.text]) input.addEventListener('input', onFilterChange);
for (const input of [filterInputs.stream, filterInputs.regex]) input.addEventListener('change', onFilterChange);
$('filters').addEventListener('submit', (e) => e.preventDefault());
pauseButton.addEventListener('click', () => (pausedBy ? resume() : pause('user')));
pendingButton.addEventListener('click', resume);
log.addEventListener('scroll', onScroll, { passive: true });
log.addEventListener('wheel', onWheel, { passive: true });
$('token-form').addEventListener('submit', onTokenSubmit);
$('token-dialog').addEventListener('cancel', (e) => e.preventDefault());   // nothing works without a token

filter = readFilter();
start();
