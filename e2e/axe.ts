import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';

/**
 * axe-core on the page as it is now. The WCAG 2.0, 2.1 and 2.2 A/AA rules plus axe's best
 * practices run; only serious and critical findings fail (issue 14), so a moderate best-practice
 * note does not block a change, while contrast, names, roles and target size (2.5.8) do.
 */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const BLOCKING = new Set(['serious', 'critical']);

/** The sizes and colour schemes every state is checked in. */
export const VIEWPORTS = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
] as const;
export const SCHEMES = ['light', 'dark'] as const;

type Violation = Awaited<ReturnType<AxeBuilder['analyze']>>['violations'][number];

/** One line per failing element: rule, impact, what it asks, where (axe's selector), why. */
function lines(v: Violation): string[] {
  return v.nodes.map((node) => {
    const where = node.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : String(t))).join(' ');
    const why = (node.failureSummary ?? '')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('Fix '))
      .join('; ');
    return `${v.id} [${v.impact}] ${v.help} — at ${where}${why ? ` — ${why}` : ''}`;
  });
}

/** axe on the page as it is now: serious or critical findings, and the rest, one line each. */
export async function axeFindings(page: Page): Promise<{ blocking: string[]; lesser: string[] }> {
  const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  return {
    blocking: violations.filter((v) => BLOCKING.has(v.impact ?? '')).flatMap(lines),
    lesser: violations.filter((v) => !BLOCKING.has(v.impact ?? '')).flatMap(lines),
  };
}

/**
 * Fails the test (softly, so one run reports every state) when axe finds a serious or critical
 * violation on the page as it is now. Lesser findings go to the report as annotations.
 */
export async function expectNoSeriousViolations(page: Page, label: string): Promise<void> {
  const { blocking, lesser } = await axeFindings(page);
  if (lesser.length > 0) {
    test
      .info()
      .annotations.push({ type: 'axe (not failing)', description: `${label}: ${lesser.join(' | ')}` });
  }
  expect.soft(blocking, `axe: serious or critical violations on ${label}`).toEqual([]);
}

/**
 * The same state at each size and in each colour scheme, without leaving it: the viewport and
 * `prefers-color-scheme` change in place, so a state reached by a journey is checked four times
 * for the price of one journey. Leaves the page as it found it.
 */
export async function expectAccessibleInEveryView(page: Page, label: string): Promise<void> {
  // A settled page: after a server action Next streams the metadata in behind the body, so the
  // <title> can be empty for a moment (axe's document-title). A title that never comes still fails.
  await expect(page).toHaveTitle(/\S/);
  const before = page.viewportSize();
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize({ width: viewport.width, height: viewport.height });
    for (const colorScheme of SCHEMES) {
      await page.emulateMedia({ colorScheme });
      await expectNoSeriousViolations(
        page,
        `${label} (${viewport.name} ${viewport.width}×${viewport.height}, ${colorScheme})`,
      );
    }
  }
  await page.emulateMedia({ colorScheme: null });
  if (before) await page.setViewportSize(before);
}
