// Reading server-rendered HTML the way a person reads the page: alerts, lists by test id, text.
// Enough for the app's own pages (no nested lists inside the lists read here); not a parser.

const ENTITIES: Record<string, string> = { quot: '"', amp: '&', lt: '<', gt: '>', apos: "'", nbsp: '\u00a0' };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, code: string) => {
    if (code[0] === '#') {
      const n =
        code[1] === 'x' || code[1] === 'X' ? Number.parseInt(code.slice(2), 16) : Number(code.slice(1));
      return Number.isFinite(n) ? String.fromCodePoint(n) : whole;
    }
    return ENTITIES[code.toLowerCase()] ?? whole;
  });
}

/** The text of an HTML fragment: tags dropped, entities decoded, whitespace collapsed. */
export function textOf(html: string): string {
  return decodeEntities(
    html
      .replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ')
      .replaceAll('<!-- -->', '')
      .replace(/<[^>]*>/g, ' '),
  )
    .replace(/\s+/g, ' ')
    .trim();
}

/** The texts of the page's `role="alert"` elements (errors shown inside a form). */
export function alerts(html: string): string[] {
  return [...html.matchAll(/role="alert"[^>]*>([\s\S]*?)<\/(?:div|p|span)>/g)]
    .map((m) => textOf(m[1] ?? ''))
    .filter(Boolean);
}

/**
 * The items of the list with `data-testid="testId"`, as inner HTML of each of its own `<li>`s
 * (nested lists stay inside their item); null when the page has no such list.
 */
export function listItems(html: string, testId: string): string[] | null {
  const open = new RegExp(`<(ul|ol)\\b[^>]*\\sdata-testid="${testId}"[^>]*>`, 'i').exec(html);
  if (!open) return null;
  const items: string[] = [];
  const tags = /<(\/?)(ul|ol|li)\b[^>]*>/gi;
  tags.lastIndex = open.index + open[0].length;
  let depth = 0;
  let itemStart = -1;
  for (let tag = tags.exec(html); tag; tag = tags.exec(html)) {
    const closing = tag[1] === '/';
    const name = (tag[2] ?? '').toLowerCase();
    if (name === 'li' && depth === 0) {
      if (!closing) itemStart = tag.index + tag[0].length;
      else if (itemStart >= 0) {
        items.push(html.slice(itemStart, tag.index));
        itemStart = -1;
      }
    } else if (name !== 'li') {
      if (!closing) depth++;
      else if (depth === 0)
        return items; // the list's own end
      else depth--;
    }
  }
  return items;
}
