// Filters: the rules of the server's StreamFilter (src/Aggregator/Http/StreamFilter.cs), so the page shows
// what /events?node=&proc=&stream=&grep= sends for the same values. Node and proc are case-sensitive globs.
// An event passes every filter about something it does not name (a gap or a node going down may explain
// missing lines; a task event about a whole task names no node), and stream and search apply to lines only
// (an "exited 1" matters when reading stderr). A folded line passes the node filter when any of its nodes does.
// The search is grep=: case-sensitive, over a line's raw text with its ANSI escapes. README ("Query
// parameters") lists where a page regex still differs from the server's .NET one.

import { $ } from './dom.js';

const inputs = {
  node: $('filter-node'), proc: $('filter-proc'), stream: $('filter-stream'),
  text: $('filter-text'), regex: $('filter-regex'),
};
let filter = { node: null, proc: null, stream: 'all', text: null };
let onChange = () => {};

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// .NET's FileSystemName.MatchesSimpleExpression: * any text, ? any one character, \ makes the next one
// literal, except that its matcher still reads \? as "any one character".
const GLOB_TOKEN = /\\([^]?)|[*?]|[^\\*?]+/g;

function globToRegExp(glob) {
  const body = glob.replace(GLOB_TOKEN, (token, escaped) => {
    if (escaped !== undefined) return escaped === '?' ? '.' : escapeRegExp(escaped);
    if (token === '*') return '.*';
    if (token === '?') return '.';
    return escapeRegExp(token);
  });
  return new RegExp(`^(?:${body})$`);
}

// The plain search finds the text as typed (grep= of the escaped text). A regex starting with (?i), which
// .NET reads as "ignore case" and JavaScript refuses, gets the i flag instead.
function textMatcher(query, isRegex) {
  if (!isRegex) return { test: (s) => s.includes(query) };
  const ignoreCase = query.startsWith('(?i)');
  return new RegExp(ignoreCase ? query.slice(4) : query, ignoreCase ? 'i' : '');   // throws on a bad pattern; the caller reports it
}

function readFilter() {
  const query = inputs.text.value;
  let text = null;
  let error = '';
  if (query !== '') {
    try { text = textMatcher(query, inputs.regex.checked); }
    catch (e) { error = `Not a valid regex: ${e.message.split(': ').pop().toLowerCase()}`; }   // drop the engine's /pattern/flags prefix
  }
  const errorBox = $('filter-error');
  errorBox.textContent = error;
  errorBox.hidden = error === '';
  inputs.text.toggleAttribute('aria-invalid', error !== '');

  const node = inputs.node.value;
  const proc = inputs.proc.value;
  return {
    node: node ? globToRegExp(node) : null,
    proc: proc ? globToRegExp(proc) : null,
    stream: inputs.stream.value,
    text,
  };
}

// A folded line passes the node filter when any node that printed it does.
function nodePasses(r) {
  if (r.nodes) return r.nodes.some((n) => filter.node.test(n));
  return r.node == null || filter.node.test(r.node);
}

export function matches(r) {
  if (filter.node && !nodePasses(r)) return false;
  if (filter.proc && r.proc != null && !filter.proc.test(r.proc)) return false;
  if (r.type !== 'line') return true;
  if (filter.stream !== 'all' && r.stream !== filter.stream) return false;
  return !filter.text || filter.text.test(r.text ?? '');
}

function onFilterChange() {
  filter = readFilter();
  onChange();
}

// Reads the filters as they are and calls `changed` each time one changes.
export function watchFilters(changed) {
  onChange = changed;
  for (const input of [inputs.node, inputs.proc, inputs.text]) input.addEventListener('input', onFilterChange);
  for (const input of [inputs.stream, inputs.regex]) input.addEventListener('change', onFilterChange);
  $('filters').addEventListener('submit', (e) => e.preventDefault());
  filter = readFilter();
}

// The side panel's names: a click shows only that node or process, a second click on it shows all again.
function toggle(input, value) {
  input.value = input.value === value ? '' : value;
  onFilterChange();
}

export function toggleNode(node) {
  inputs.proc.value = '';
  toggle(inputs.node, node);
}

export function toggleProcess(node, proc) {
  inputs.node.value = node;
  toggle(inputs.proc, proc);
}
