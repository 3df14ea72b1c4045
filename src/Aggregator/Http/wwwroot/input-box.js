// The input box: a line typed here goes to the stdin of the process chosen with its input button in the
// side panel (verb input; only a process whose spec says stdin = true takes it). Enter sends it; the box
// empties once the process's node said ok, and keeps the text otherwise, so it can be sent again.

import { act, explain, processSelector } from './actions.js';
import { $ } from './dom.js';

const line = $('input-line');
const targetBox = $('input-target');
let target = null;   // { node, proc }

export const isInputTarget = (node, proc) => target?.node === node && target?.proc === proc;

// `p` is the process as /api/nodes shows it.
export function chooseInputTarget(node, p) {
  if (!p.stdin) {
    explain(`${node}/${p.proc} takes no input: set stdin = true in its spec and start it again.`);
    return;
  }
  target = { node, proc: p.proc };
  targetBox.value = `${node}/${p.proc}`;
  line.disabled = false;
  line.placeholder = 'a line, then Enter';
  const key = `input ${processSelector(node, p.proc)}`;
  for (const b of document.querySelectorAll('#status-panel .verb.input')) b.setAttribute('aria-pressed', String(b.dataset.key === key));
  line.focus();
}

async function send(e) {
  e.preventDefault();
  if (!target) return;
  const text = line.value;
  const ok = await act('input', processSelector(target.node, target.proc), { text }, `input to ${target.node}/${target.proc}`);
  if (ok && line.value === text) line.value = '';
}

export function watchInputBox() {
  $('input-form').addEventListener('submit', send);
}
