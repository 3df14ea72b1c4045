// The selector box: the view shows only what a selector (README, "Selectors") selects. The server matches
// it (select= on /events), so the page never keeps a second copy of the language; Enter applies the text,
// since each change starts the stream over. A selector the server refuses shows its message under the box
// and the view stays as it was.

import { changeSelector } from './connection.js';
import { $ } from './dom.js';

const input = $('selector-input');
const errorBox = $('selector-error');
let applied = '';

function showError(message) {
  errorBox.textContent = message ?? '';
  errorBox.hidden = !message;
  input.toggleAttribute('aria-invalid', Boolean(message));
}

async function apply(cleared) {
  const text = input.value.trim();
  if (text === applied) { showError(null); return; }
  const refused = await changeSelector(text, cleared);
  if (refused === null) applied = text;
  if (input.value.trim() === text) showError(refused);   // else they typed on meanwhile: the next Enter tells
}

// `cleared()` empties the view just before the newly selected records arrive.
export function watchSelectorBox(cleared) {
  $('selector-form').addEventListener('submit', (e) => { e.preventDefault(); apply(cleared); });
  // A box emptied by hand shows everything again without an Enter: nothing left to mistype.
  input.addEventListener('input', () => { if (input.value.trim() === '') apply(cleared); });
}
