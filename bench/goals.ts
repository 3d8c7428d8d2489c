// Issue 12's goals, judged from the figures of this run only: per configuration `met` or
// `NOT met`, with the figures and by how much. The thresholds live here and nowhere else.
import type { Figures } from './measure';
import { fmt, median, slope } from './stats';

export const THRESHOLDS = {
  /** Protected page req/s with the session check over the same page's without it, at least. */
  pageRatio: 0.9,
  /** Sign-in p50 minus argon2id verify p50 (both this run), at most, ms. */
  signInOutsideHashMs: 3,
  /** Backup-code second step p50 minus argon2id verify p50, at most, ms. */
  backupOverVerifyMs: 3,
  /**
   * How much the backup-code step may grow per unused code, ms (slope over the samples). "Must
   * not grow" read with room for noise: checking every unused code costs one argon2id verify
   * (tens of ms) per code, far above it.
   */
  backupGrowthMsPerCode: 1,
  /** The server's resident memory after the bench on the embedded PGlite, at most, MiB. */
  rssMiB: 300,
} as const;

/** The figures the goals are judged on, computed once for the goals and the report alike. */
export type Headline = {
  /** Each round's req/s with over without the session check, and their median. */
  roundRatios: number[];
  pageRatio: number;
  signInP50: number;
  /** argon2id verify p50 beside the sign-ins, and beside the backup-code samples. */
  signInVerifyP50: number;
  /** The same form posted to an action that does nothing (the framework's floor), p50. */
  floorP50: number;
  backupP50: number;
  backupVerifyP50: number;
  /** ms per unused code (Theil–Sen over every backup-code sample). */
  backupSlope: number;
  /** Instance A's (the measured server's) VmRSS at the end, MiB. */
  rssMiB: number;
};

export function headline(f: Figures): Headline {
  const [withCheck, without] = f.pages;
  const roundRatios = withCheck.rounds.map(
    (r, i) => r.perSecond / (without.rounds[i]?.perSecond ?? Number.NaN),
  );
  return {
    roundRatios,
    pageRatio: median(roundRatios),
    signInP50: median(f.signInMs),
    signInVerifyP50: median(f.verifyMs.signIn),
    floorP50: median(f.floorMs),
    backupP50: median(f.backup.map((b) => b.ms)),
    backupVerifyP50: median(f.verifyMs.backup),
    backupSlope: slope(f.backup.map((b) => ({ x: b.unused, y: b.ms }))),
    rssMiB: (f.rssKb[0]?.kb ?? Number.NaN) / 1024,
  };
}

type Verdict = { configuration: string; met: boolean | 'figure'; figures: string };
export type Goal = { goal: string; verdicts: Verdict[] };

/** "0.05 to spare" / "0.28 short": the margin of a figure that must be at least `min`. */
function atLeast(value: number, min: number, digits: number, unit = ''): [boolean, string] {
  const met = value >= min;
  return [met, `${fmt(Math.abs(value - min), digits)}${unit} ${met ? 'to spare' : 'short'}`];
}

/** "1.2 ms to spare" / "9.3 ms over": the margin of a figure that must be at most `max`. */
function atMost(value: number, max: number, digits: number, unit = ''): [boolean, string] {
  const met = value <= max;
  return [met, `${fmt(Math.abs(max - value), digits)}${unit} ${met ? 'to spare' : 'over'}`];
}

export function goals(results: Figures[]): Goal[] {
  const t = THRESHOLDS;
  const each = (judge: (f: Figures, h: Headline) => Omit<Verdict, 'configuration'> | null): Verdict[] =>
    results.flatMap((f) => {
      const v = judge(f, headline(f));
      return v ? [{ configuration: f.configuration.name, ...v }] : [];
    });
  return [
    {
      goal: `1. protected page with the session check ≥ ${t.pageRatio} × the same page without it (req/s, median of the rounds' ratios)`,
      verdicts: each((_, h) => {
        const [met, margin] = atLeast(h.pageRatio, t.pageRatio, 2);
        return {
          met,
          figures: `${fmt(h.pageRatio, 2)} (rounds ${h.roundRatios.map((r) => fmt(r, 2)).join(', ')}): ${margin}`,
        };
      }),
    },
    {
      goal: '1. a copied session cookie is refused on its very next request after that session signs out',
      verdicts: each((f) => {
        const check = f.revocation[0];
        if (!check) return null;
        return { met: check.refused, figures: `${check.label}: ${check.after}` };
      }),
    },
    {
      goal: '1. … also across two instances on the same database and store',
      verdicts: each((f) => {
        const across = f.revocation.slice(1);
        if (across.length === 0) return null;
        return {
          met: across.every((c) => c.refused),
          figures: across.map((c) => `${c.label}: ${c.after}`).join('; '),
        };
      }),
    },
    {
      goal: `2. sign-in time outside argon2id ≤ ${t.signInOutsideHashMs} ms (p50 sign-in minus p50 argon2id verify)`,
      verdicts: each((_, h) => {
        const outside = h.signInP50 - h.signInVerifyP50;
        const [met, margin] = atMost(outside, t.signInOutsideHashMs, 1, ' ms');
        return {
          met,
          figures: `${fmt(outside)} ms (${fmt(h.signInP50)} − ${fmt(h.signInVerifyP50)}): ${margin}`,
        };
      }),
    },
    {
      goal: "2. … of which the framework's floor (the same form posted to an action that only validates and redirects), and the rest",
      verdicts: each((_, h) => {
        const outside = h.signInP50 - h.signInVerifyP50;
        return {
          met: 'figure',
          figures: `floor p50 ${fmt(h.floorP50)} ms; sign-in beyond argon2id and the floor ${fmt(outside - h.floorP50)} ms`,
        };
      }),
    },
    {
      goal: `3. second step with a backup code: p50 ≤ argon2id verify p50 + ${t.backupOverVerifyMs} ms`,
      verdicts: each((_, h) => {
        const over = h.backupP50 - h.backupVerifyP50;
        const [met, margin] = atMost(over, t.backupOverVerifyMs, 1, ' ms');
        return {
          met,
          figures: `p50 ${fmt(h.backupP50)} ms = verify p50 ${fmt(h.backupVerifyP50)} ms ${over < 0 ? '−' : '+'} ${fmt(Math.abs(over))} ms: ${margin}`,
        };
      }),
    },
    {
      goal: `3. … and its cost does not grow with the unused codes (≤ ${t.backupGrowthMsPerCode} ms per code)`,
      verdicts: each((_, h) => {
        const [met, margin] = atMost(h.backupSlope, t.backupGrowthMsPerCode, 2, ' ms');
        return { met, figures: `${fmt(h.backupSlope, 2)} ms per unused code: ${margin}` };
      }),
    },
    {
      goal: "3. … beyond argon2id and the framework's floor (as in 2)",
      verdicts: each((_, h) => ({
        met: 'figure',
        figures: `${fmt(h.backupP50 - h.backupVerifyP50 - h.floorP50)} ms (floor p50 ${fmt(h.floorP50)} ms)`,
      })),
    },
    {
      goal: `4. server RSS after the bench ≤ ${t.rssMiB} MiB on PGlite (VmRSS of the server process)`,
      verdicts: each((f, h) => {
        const figure = `${fmt(h.rssMiB)} MiB`;
        if (!f.configuration.embedded) {
          const others = f.rssKb.slice(1).map((r) => `; ${r.label} ${fmt(r.kb / 1024)} MiB`);
          return { met: 'figure', figures: `${figure}${others.join('')} (a figure, no goal)` };
        }
        const [met, margin] = atMost(h.rssMiB, t.rssMiB, 1, ' MiB');
        return { met, figures: `${figure}: ${margin}` };
      }),
    },
  ];
}

/** The table: each goal, then one line per configuration. Returns how many verdicts were met. */
export function printGoals(results: Figures[], say: (line?: string) => void): { met: number; of: number } {
  const list = goals(results);
  const width = Math.max(...results.map((f) => f.configuration.name.length));
  say('goals (issue 12; thresholds in bench/goals.ts):');
  let met = 0;
  let of = 0;
  for (const g of list) {
    if (g.verdicts.length === 0) continue;
    say(`  ${g.goal}`);
    for (const v of g.verdicts) {
      if (v.met !== 'figure') {
        of++;
        if (v.met) met++;
      }
      const word = v.met === 'figure' ? 'figure' : v.met ? 'met' : 'NOT met';
      say(`    ${word.padEnd(8)} ${v.configuration.padEnd(width)}  ${v.figures}`);
    }
  }
  return { met, of };
}
