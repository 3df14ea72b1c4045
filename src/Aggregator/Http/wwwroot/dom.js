// The two DOM helpers every module of the page uses.

export const $ = (id) => document.getElementById(id);

// An element with a class and text; text is always text, never markup.
export function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}
