/**
 * WCAG 2.x contrast, for the theme's colour tokens (app/globals.css). Pure functions: the
 * token test reads the stylesheet and asks these, so a token changed to a failing colour fails
 * `npm run test:unit` before anyone has to notice it in a browser.
 */

/** `#rgb` or `#rrggbb` → 0–255 channels. Anything else throws: the check must not guess. */
export function parseHex(colour: string): [number, number, number] {
  const hex = colour.trim().toLowerCase();
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/.exec(hex);
  const long = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/.exec(hex);
  const parts = short ? short.slice(1).map((d) => d + d) : long?.slice(1);
  if (!parts) throw new Error(`Not a #rgb or #rrggbb colour: ${colour}`);
  return [Number.parseInt(parts[0]!, 16), Number.parseInt(parts[1]!, 16), Number.parseInt(parts[2]!, 16)];
}

/** Relative luminance, WCAG 2.2 "relative luminance" (sRGB, 0.04045 threshold as in IEC 61966-2-1). */
export function relativeLuminance(colour: string): number {
  const [r, g, b] = parseHex(colour).map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** (L1 + 0.05) / (L2 + 0.05), lighter over darker: 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

export type Tokens = Record<string, string>;

function declarations(block: string): Tokens {
  const out: Tokens = {};
  for (const m of block.matchAll(/--([\w-]+)\s*:\s*([^;]+);/g)) out[m[1]!] = m[2]!.trim();
  return out;
}

/**
 * The custom properties of the light theme (the top-level `:root`) and of the dark theme (the
 * light ones overridden by `:root` inside `@media (prefers-color-scheme: dark)`), as the browser
 * resolves them.
 */
export function themeTokens(css: string): { light: Tokens; dark: Tokens } {
  const withoutComments = css.replace(/\/\*[\s\S]*?\*\//g, '');
  const darkMatch = /@media\s*\(\s*prefers-color-scheme:\s*dark\s*\)\s*\{\s*:root\s*\{([^}]*)\}/.exec(
    withoutComments,
  );
  const outside = darkMatch ? withoutComments.replace(darkMatch[0], '') : withoutComments;
  const lightMatch = /(?:^|\})\s*:root\s*\{([^}]*)\}/.exec(outside);
  if (!lightMatch) throw new Error('No top-level :root block in the stylesheet');
  const light = declarations(lightMatch[1]!);
  return { light, dark: { ...light, ...declarations(darkMatch?.[1] ?? '') } };
}
