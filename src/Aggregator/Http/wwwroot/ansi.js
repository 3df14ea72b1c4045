// ANSI escapes. Programs colour their output for terminals; SGR ("m") sequences become styled spans and
// every other escape or control character is dropped, so cursor moves and titles do not show as garbage.
// Only the display: filters see a line's raw text, escapes included, as the server's grep= does.

const ESCAPES = /\x1b\[([0-?]*)[ -/]*([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\|$)|\x1b[PX^_][^\x1b]*(?:\x1b\\|$)|\x1b[ -/]*[0-~]?|[\x00-\x08\x0b-\x1f\x7f]/g;
const NEEDS_PARSE = /[\x00-\x08\x0b-\x1f\x7f]/;

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
export function appendAnsi(parent, text) {
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
