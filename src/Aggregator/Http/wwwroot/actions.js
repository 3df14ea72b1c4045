// Actions: a verb for every process a selector names, through POST /api/actions (README, "Actions"), and
// the status line in the side panel that tells how the last one went: "ok", or each process it failed for
// with the node's reason, or why the aggregator refused it.

import { authHeaders, needToken } from './connection.js';
import { $ } from './dom.js';

const statusLine = $('action-status');

// The selector for exactly one process (README, "Selectors"): node and process names never hold a glob
// character, so a name selects itself, and `web.2` is that instance only.
export const processSelector = (node, proc) => `node:${node} ${proc}`;

function show(outcome, text) {
  statusLine.dataset.outcome = outcome;
  statusLine.textContent = text;
  statusLine.hidden = false;
}

// The answer's body: JSON from the endpoint itself, plain text from what stands before it (401, 403 for the
// watch token), or nothing at all from a proxy.
async function readAnswer(res) {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text);
    if (body && typeof body === 'object') return body;
  } catch { /* plain text */ }
  return { error: text.trim() || `The aggregator answered ${res.status} ${res.statusText}.` };
}

const who = (r) => (r.node ? `${r.node}/${r.proc}` : r.proc ?? '?');

function summary(label, results) {
  const failed = results.filter((r) => r.outcome !== 'ok');
  if (failed.length === 0) return ['ok', `${label}: ok${results.length > 1 ? ` (${results.length} processes)` : ''}`];
  const reasons = failed.map((r) => `${who(r)}: ${r.outcome}${r.message ? ` (${r.message})` : ''}`).join('; ');
  const count = results.length > 1 ? ` for ${failed.length} of ${results.length} processes` : '';
  return ['failed', `${label}: not done${count}. ${reasons}`];
}

// Actions under way, by what they ask: a second click on the same button before the first is answered would
// restart twice (or scale, or send a line twice), so it is not sent.
const underWay = new Set();

// Sends {verb, select, ...argument} and shows how it went; `label` names it for people ("restart alpha/web").
// Resolves true when every selected process answered ok.
export async function act(verb, select, argument = {}, label = `${verb} ${select}`) {
  const request = JSON.stringify({ verb, select, ...argument });
  if (underWay.has(request)) {
    show('busy', `${label}: already under way; wait for its answer.`);
    return false;
  }
  underWay.add(request);
  try {
    return await send(request, label);
  } finally {
    underWay.delete(request);
  }
}

async function send(request, label) {
  show('busy', `${label}…`);
  let res;
  try {
    res = await fetch('api/actions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...authHeaders() },
      body: request,
      cache: 'no-store',
    });
  } catch {
    show('error', `${label}: the aggregator did not answer. Try again once the top bar says connected.`);
    return false;
  }
  const body = await readAnswer(res);
  if (res.status === 401) needToken();
  if (!res.ok) { show('error', `${label}: ${body.error ?? `the aggregator answered ${res.status}.`}`); return false; }
  const [outcome, text] = summary(label, body.results ?? []);
  show(outcome, text);
  return outcome === 'ok';
}

// A hint in the status line, for a control that cannot act (why, and how to make it).
export function explain(text) {
  show('failed', text);
}
