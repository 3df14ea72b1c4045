// The log: records kept in a ring, drawn into #log once per animation frame through the filters, so
// changing one is instant and also applies to what was received before. Pause (the button, or scrolling up
// to read) holds the view while records keep coming.

import { $ } from './dom.js';
import { matches } from './filters.js';
import { makeRow, plural } from './rows.js';

const RING_SIZE = 100_000;     // records kept in memory, so a filter change can redraw from history
const MAX_ROWS = 5_000;        // rows kept in the DOM; more makes layout and scrolling slow
const ROWS_PER_BLOCK = 100;
const BOTTOM_SLACK_PX = 8;     // this close to the bottom counts as "at the bottom"

const log = $('log');

// The ring: record i lives at ring[i % RING_SIZE] while total - RING_SIZE <= i < total.

const ring = new Array(RING_SIZE);
let total = 0;
const at = (i) => ring[i % RING_SIZE];
const oldest = () => Math.max(0, total - RING_SIZE);

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
export function redraw() {
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

// Forgets every record: the stream starts over (another selector), and what it sent before may not match.
export function clearLog() {
  ring.fill(undefined);
  total = 0;
  drawn = 0;
  pending = 0;
  rowCount = 0;
  log.replaceChildren();
  showPending();
}

// Keeps a record and draws it with the next frame.
export function addRecord(r) {
  ring[total % RING_SIZE] = r;
  total++;
  if (pausedBy && matches(r)) pending++;
  scheduleDraw();
}

export function watchLogControls() {
  pauseButton.addEventListener('click', () => (pausedBy ? resume() : pause('user')));
  pendingButton.addEventListener('click', resume);
  log.addEventListener('scroll', onScroll, { passive: true });
  log.addEventListener('wheel', onWheel, { passive: true });
}
