// How a record looks: one row of time, source and text; the side panel shares its colours and clock.

import { appendAnsi } from './ansi.js';
import { $, el } from './dom.js';

const log = $('log');

// Each source gets one of the --source-N colours in app.css (readable on the dark background, none of them
// red, which means stderr). FNV-1a is cheap and spreads similar names ("web1", "web2") apart.
const SOURCE_COLOURS = 12;
const colourClasses = new Map();
let widestSource = 6;

// A folded line names every node that printed it ([n1,n2,n4]/task-t1, as the text format does); a task event
// about a whole task names no node, only the task's process.
const nodeOf = (r) => (r.nodes ? `[${r.nodes.join(',')}]` : r.node);

function sourceOf(r) {
  const node = nodeOf(r);
  if (!r.proc) return node ?? 'chorus';
  return node == null ? r.proc : `${node}/${r.proc}`;
}

// As the text format words it: "task t1 finished with code 2", "task t1 refused: ...".
function taskText(r) {
  let text = `task ${r.task ?? '?'} ${r.state ?? ''}`;
  if (r.code != null) text += ` with code ${r.code}`;
  return r.message ? `${text}: ${r.message}` : text;
}

const TASK_FAILURES = new Set(['failed', 'lost', 'refused', 'down', 'timed-out', 'cancelled']);

function failed(r) {
  if (r.event === 'exited') return r.code !== 0 || r.signal != null;
  if (r.event === 'task') return TASK_FAILURES.has(r.state) || (r.code != null && r.code !== 0);
  return r.event === 'given-up';
}

export function colourClass(source) {
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

export function clock(ts) {
  // Safari's Date rejects more than three fraction digits; the wire sends six.
  const d = new Date(String(ts).replace(/(\.\d{3})\d+/, '$1'));
  if (Number.isNaN(d.getTime())) return '--:--:--.---';
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

export const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

function eventText(r) {
  switch (r.event) {
    case 'started': return `started${r.pid ? ` (pid ${r.pid})` : ''}`;
    case 'exited':
      if (r.signal != null) return `killed by signal ${r.signal}`;
      return r.code != null ? `exited with code ${r.code}` : 'exited';
    case 'node-up': return `node ${r.node} is up`;
    case 'node-down': return `node ${r.node} is down`;
    case 'ready': return 'ready';
    case 'restarting': return `restarting in ${((r.delay_ms ?? 0) / 1000).toFixed(1)} s (attempt ${r.attempt ?? '?'})`;
    case 'given-up': return `given up${r.reason ? `: ${r.reason}` : ''}`;
    case 'scaled': return `scaled to ${r.replicas ?? '?'}`;
    case 'waiting': return `waiting for ${r.for ?? 'its dependencies'}`;
    case 'task': return taskText(r);
    case 'gap': return `${plural(r.count ?? 0, 'line')} missed (${r.reason ?? 'unknown reason'})`;
    default: return r.event ?? r.type ?? 'event';
  }
}

function badge(text, kind, title) {
  const b = el('span', `badge ${kind}`, text);
  if (title) b.title = title;
  return b;
}

export function makeRow(r) {
  const row = document.createElement('div');
  const isLine = r.type === 'line';
  row.className = 'row';
  row.dataset.kind = isLine ? 'line' : 'event';
  row.dataset.node = r.nodes ? r.nodes.join(',') : r.node ?? '';
  row.dataset.proc = r.proc ?? '';
  row.dataset.stream = isLine ? r.stream ?? '' : '';
  if (!isLine) {
    row.dataset.event = r.event ?? '';
    if (failed(r)) row.dataset.failed = '';
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
  else text.append(eventText(r));
  if (r.continued) text.append(badge('…', 'cont', 'Long line: continues on the next row from this process'));

  row.append(time, src, text);
  return row;
}
