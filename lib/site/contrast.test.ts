import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contrastRatio, parseHex, relativeLuminance, themeTokens } from './contrast';

const css = readFileSync(path.join(import.meta.dirname, '../../app/globals.css'), 'utf8');
const themes = themeTokens(css);

/** Text: WCAG 1.4.3 (AA, normal size). Non-text (focus ring, a control's edge): WCAG 1.4.11. */
const TEXT = 4.5;
const NON_TEXT = 3;

/** [foreground token, background token, minimum, what it is]. Surfaces: --bg (page, input fill), --card. */
const pairs: [string, string, number, string][] = [
  ['fg', 'bg', TEXT, 'body text on the page'],
  ['fg', 'card', TEXT, 'body text on a card'],
  ['fg', 'info-bg', TEXT, 'text in an info notice or badge'],
  ['fg', 'success-bg', TEXT, 'text in a success notice'],
  ['muted', 'bg', TEXT, 'muted text on the page (hints, the key)'],
  ['muted', 'card', TEXT, 'muted text on a card'],
  ['muted', 'info-bg', TEXT, 'muted text in a notice'],
  ['accent', 'bg', TEXT, 'a link on the page'],
  ['accent', 'card', TEXT, 'a link on a card'],
  ['accent', 'info-bg', TEXT, 'a link in a notice'],
  ['accent-fg', 'accent', TEXT, 'primary button text'],
  ['danger', 'card', TEXT, 'error text and danger button on a card'],
  ['danger', 'bg', TEXT, 'error text on the page'],
  ['danger', 'danger-bg', TEXT, 'text of an error alert'],
  ['focus', 'bg', NON_TEXT, 'focus ring on the page or an input'],
  ['focus', 'card', NON_TEXT, 'focus ring on a card'],
  ['focus', 'info-bg', NON_TEXT, 'focus ring in an info notice'],
  ['focus', 'success-bg', NON_TEXT, 'focus ring in a success notice'],
  ['focus', 'danger-bg', NON_TEXT, 'focus ring in an error alert'],
  ['control-border', 'card', NON_TEXT, 'an input’s edge against the card around it'],
  ['control-border', 'bg', NON_TEXT, 'an input’s edge against its own fill'],
  ['danger', 'bg', NON_TEXT, 'an invalid input’s edge against its fill'],
];

describe('WCAG contrast arithmetic', () => {
  it('matches reference values', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#fff', '#fff')).toBe(1);
    // The familiar borderline grey: #767676 passes 4.5:1 on white, #777777 does not.
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
    expect(contrastRatio('#777777', '#ffffff')).toBeLessThan(4.5);
    expect(relativeLuminance('#808080')).toBeCloseTo(0.2159, 4);
    expect(contrastRatio('#2451d6', '#ffffff')).toBe(contrastRatio('#ffffff', '#2451d6'));
  });

  it('refuses colours it cannot read instead of guessing', () => {
    expect(parseHex('#ABC')).toEqual([0xaa, 0xbb, 0xcc]);
    expect(() => parseHex('rgb(0 0 0)')).toThrow(/Not a #rgb/);
    expect(() => parseHex('#12345')).toThrow();
  });

  it('reads both themes, the dark one inheriting what it does not override', () => {
    const sample = `:root { --a: #111; --b: #222; }\n@media (prefers-color-scheme: dark) { :root { --b: #333; } }`;
    expect(themeTokens(sample)).toEqual({ light: { a: '#111', b: '#222' }, dark: { a: '#111', b: '#333' } });
  });

  it('would have caught the light theme of issue 14 (focus #f5a623, input edge #d6dae1)', () => {
    expect(contrastRatio('#f5a623', themes.light.card!)).toBeLessThan(NON_TEXT);
    expect(contrastRatio('#d6dae1', themes.light.card!)).toBeLessThan(NON_TEXT);
  });
});

/** The declarations of the first rule whose selector is exactly `selector`. */
function rule(selector: string): string {
  const escaped = selector.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?:^|[}\\s])${escaped}\\s*\\{([^}]*)\\}`).exec(css)?.[1] ?? '';
}

describe('the rules that draw the checked parts use the checked tokens', () => {
  it('the focus ring is drawn in --focus', () => {
    expect(rule(':focus-visible')).toMatch(/outline:[^;]*var\(--focus\)/);
  });
  it('an input’s edge is drawn in --control-border', () => {
    expect(rule('.field input')).toMatch(/border:[^;]*var\(--control-border\)/);
  });
});

describe.each(Object.entries(themes))('the %s theme in app/globals.css', (_name, tokens) => {
  it.each(pairs)('--%s on --%s is at least %s:1 (%s)', (fg, bg, min) => {
    const a = tokens[fg];
    const b = tokens[bg];
    expect(a, `--${fg} is not defined`).toBeDefined();
    expect(b, `--${bg} is not defined`).toBeDefined();
    const ratio = contrastRatio(a!, b!);
    expect(ratio, `--${fg} ${a} on --${bg} ${b} is ${ratio.toFixed(2)}:1`).toBeGreaterThanOrEqual(min);
  });
});
