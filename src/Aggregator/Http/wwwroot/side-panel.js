// The side panel: nodes and processes as /api/nodes tells of them, polled, and asked again soon after the
// stream reports a process or a node changing. Clicking a name filters the log to it; the buttons beside
// a process, a group or a node start, stop or restart it (actions.js), and a process's input button makes
// it the one the input box below writes to (input-box.js).

import { act, processSelector } from './actions.js';
import { fetchNodes } from './connection.js';
import { $, el } from './dom.js';
import { toggleNode, toggleProcess } from './filters.js';
import { chooseInputTarget, isInputTarget } from './input-box.js';
import { clock, colourClass } from './rows.js';

const NODE_EVENTS = new Set(['started', 'exited', 'node-up', 'node-down', 'ready', 'restarting', 'given-up', 'scaled', 'waiting']);
const VERBS = [
  { verb: 'start', glyph: '▶', say: 'Start' },
  { verb: 'stop', glyph: '■', say: 'Stop' },
  { verb: 'restart', glyph: '↻', say: 'Restart' },
];

const panel = $('status-panel');
const nodesBox = $('panel-nodes');
const groupsBox = $('panel-groups');
let lastNodesJson = '';

// Start, stop and restart for what `select` names; `whom` finishes the buttons' names ("node alpha").
// data-key finds the same button again after a redraw, so focus stays on it.
function verbButtons(select, whom) {
  const box = el('span', 'verbs');
  for (const { verb, glyph, say } of VERBS) {
    const b = el('button', `verb ${verb}`, glyph);
    b.type = 'button';
    b.dataset.key = `${verb} ${select}`;
    b.setAttribute('aria-label', `${say} ${whom}`);
    b.title = `${say} ${whom} (${select})`;
    b.addEventListener('click', () => act(verb, select, {}, `${verb} ${whom}`).finally(refreshNodes));
    box.append(b);
  }
  return box;
}

function inputButton(node, p) {
  const b = el('button', 'verb input', 'in');
  b.type = 'button';
  b.dataset.key = `input ${processSelector(node, p.proc)}`;
  b.setAttribute('aria-label', `Input to ${node}/${p.proc}`);
  b.setAttribute('aria-pressed', String(isInputTarget(node, p.proc)));
  if (p.stdin) {
    b.title = `Send lines to ${node}/${p.proc}'s stdin with the input box below`;
  } else {
    // aria-disabled, not disabled: the button stays focusable, so its reason can be read and heard.
    b.setAttribute('aria-disabled', 'true');
    b.title = `${node}/${p.proc} takes no input: set stdin = true in its spec`;
  }
  b.addEventListener('click', () => chooseInputTarget(node, p));
  return b;
}

function procEntry(node, p) {
  const li = el('li', 'proc');
  li.dataset.node = node;
  li.dataset.proc = p.proc;
  li.dataset.state = p.state;
  if (p.ready && p.state === 'running') li.dataset.ready = '';
  if (p.state === 'exited' && (p.signal != null || (p.code != null && p.code !== 0))) li.dataset.failed = '';
  const name = el('button', `proc-name ${colourClass(`${node}/${p.proc}`)}`, p.proc);
  name.type = 'button';
  name.title = `Show only ${node}/${p.proc}`;
  name.dataset.key = `show ${processSelector(node, p.proc)}`;
  name.addEventListener('click', () => toggleProcess(node, p.proc));
  const state = el('span', 'proc-state', p.state);
  if (p.state === 'running') state.append(el('span', 'ready', p.ready === false ? 'not ready' : 'ready'));
  const whom = `${node}/${p.proc}`;
  const controls = verbButtons(processSelector(node, p.proc), whom);
  controls.append(inputButton(node, p));
  li.append(
    name,
    state,
    controls,
    el('span', 'pid', p.state === 'running' ? p.pid : null),
    el('span', 'restarts', p.restarts ? p.restarts : null),
    el('span', 'waiting-for', p.state === 'waiting' && p.waiting_for?.length ? p.waiting_for.join(', ') : null),
    el('span', 'exit-code', p.state === 'exited' ? p.code : null),
    el('span', 'signal', p.state === 'exited' ? p.signal : null),
    el('span', 'lines', p.lines ?? 0),
  );
  return li;
}

function nodeSection(n) {
  const section = el('section', 'node');
  section.dataset.node = n.node;
  section.dataset.state = n.state;
  const name = el('button', 'node-name', n.node);
  name.type = 'button';
  name.dataset.key = `show node:${n.node}`;
  name.title = n.version ? `Show only node ${n.node} (Chorus ${n.version})` : `Show only node ${n.node}`;
  name.addEventListener('click', () => toggleNode(n.node));
  const state = el('span', 'node-state', n.state);
  if (n.state !== 'up' && n.last_seen) state.title = `last seen ${clock(n.last_seen)}`;
  const head = el('h2');
  head.append(name, state, verbButtons(`node:${n.node}`, `every process of node ${n.node}`));
  const list = el('ul');
  list.append(...(n.processes ?? []).map((p) => procEntry(n.node, p)));
  section.append(head, list);
  return section;
}

// A group spans the fleet: group:G acts on its processes on every node.
function groupsSection(nodes) {
  const groups = [...new Set(nodes.flatMap((n) => (n.processes ?? []).flatMap((p) => p.groups ?? [])))].sort();
  if (groups.length === 0) return [];
  const section = el('section', 'groups');
  const list = el('ul');
  list.append(...groups.map((g) => {
    const li = el('li', 'group');
    li.dataset.group = g;
    li.append(el('span', 'group-name', g), verbButtons(`group:${g}`, `group ${g}`));
    return li;
  }));
  section.append(el('h2', null, 'groups'), list);
  return [section];
}

function renderNodes(nodes) {
  const focusedKey = panel.contains(document.activeElement) ? document.activeElement.dataset.key : undefined;
  const sections = nodes.map(nodeSection);
  if (sections.length === 0) sections.push(el('p', 'empty', 'No nodes yet.'));
  nodesBox.replaceChildren(...sections);
  groupsBox.replaceChildren(...groupsSection(nodes));
  if (focusedKey) panel.querySelector(`[data-key="${CSS.escape(focusedKey)}"]`)?.focus();
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
