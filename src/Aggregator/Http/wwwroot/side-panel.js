// The side panel: nodes and processes as /api/nodes tells of them, polled, and asked again soon after the
// stream reports a process or a node coming or going. Clicking a name filters the log to it.

import { fetchNodes } from './connection.js';
import { $, el } from './dom.js';
import { toggleNode, toggleProcess } from './filters.js';
import { clock, colourClass } from './rows.js';

const NODE_EVENTS = new Set(['started', 'exited', 'node-up', 'node-down']);

const panel = $('status-panel');
let lastNodesJson = '';

function procEntry(node, p) {
  const li = el('li', 'proc');
  li.dataset.node = node;
  li.dataset.proc = p.proc;
  li.dataset.state = p.state;
  if (p.state === 'exited' && (p.signal != null || (p.code != null && p.code !== 0))) li.dataset.failed = '';
  const name = el('button', `proc-name ${colourClass(`${node}/${p.proc}`)}`, p.proc);
  name.type = 'button';
  name.title = `Show only ${node}/${p.proc}`;
  name.addEventListener('click', () => toggleProcess(node, p.proc));
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
    name.title = n.version ? `Show only node ${n.node} (Chorus ${n.version})` : `Show only node ${n.node}`;
    name.addEventListener('click', () => toggleNode(n.node));
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

export function showNodes(body) {
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

export async function refreshNodes() {
  if (nodesInFlight) { nodesAgain = true; return; }
  nodesInFlight = true;
  try {
    const body = await fetchNodes();
    if (body) showNodes(body);
  } catch {
    // The aggregator is away; #conn-state already says so and the next poll tries again.
  } finally {
    nodesInFlight = false;
    if (nodesAgain) { nodesAgain = false; refreshNodes(); }
  }
}

// A record that changes what the panel shows asks for it again soon; a burst of them (a node coming up
// with ten processes) costs one request.
export function noticeRecord(r) {
  if (r.type !== 'event' || !NODE_EVENTS.has(r.event) || soonTimer) return;
  soonTimer = setTimeout(() => { soonTimer = 0; refreshNodes(); }, 100);
}

// While the connection is not up, the states shown may be out of date.
export function markStale(stale) {
  panel.toggleAttribute('data-stale', stale);
}
