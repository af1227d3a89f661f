// Short excerpts of the corpus for hover cards: the sentence around a range, cut to a readable length.

const SENTENCE_END = /[。！？!?；;\n\r]/;

export function contextSnippet(text: string, start: number, end: number, radius = 60): string {
  let a = start;
  while (a > 0 && start - a < radius && !SENTENCE_END.test(text[a - 1])) a--;
  let b = end;
  while (b < text.length && b - end < radius && !SENTENCE_END.test(text[b])) b++;
  if (b < text.length && /[。！？!?]/.test(text[b])) b++;
  // Never cut a surrogate pair in half.
  if (a > 0 && /[\udc00-\udfff]/.test(text[a])) a--;
  if (b < text.length && /[\udc00-\udfff]/.test(text[b])) b++;
  const body = text.slice(a, b).replace(/\s+/g, " ").trim();
  return `${a > 0 && !SENTENCE_END.test(text[a - 1]) ? "…" : ""}${body}${b < text.length && !SENTENCE_END.test(text[b - 1]) ? "…" : ""}`;
}

/**
 * Escapes text for inline Markdown in a hover: only the characters that change inline rendering,
 * so names such as DeepSeek-R1 or US$6,000,000 stay readable in the raw text too.
 */
export function md(text: string): string {
  return text.replace(/([\\`*_\[\]<>|~])/g, "\\$1");
}
