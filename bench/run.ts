// `npm run bench`: issue 12's figures against a production build, each next to its baseline from
// the same run, and its goals as verdicts (met / NOT met, by how much). One configuration is the
// embedded one (PGlite, in-process limits); with DATABASE_URL and/or REDIS_URL set, the whole set
// runs a second time against them: the database in one of its own (latchkey_bench_<random>, on
// the server DATABASE_URL names, dropped at the end), two instances for revocation across them,
// and client addresses no other run uses (Redis is shared). Servers listen on loopback only.
// A configuration that cannot be measured fails the bench (exit 1) before any verdict; NOT met
// goals are figures, not failures (exit 0).
import { availableParallelism } from 'node:os';
import { type BenchDatabase, createBenchDatabase, redacted } from './database';
import { printGoals } from './goals';
import { type Configuration, type Figures, MeasureFailed, measure } from './measure';
import { printSection } from './report';
import { type BenchServer, ensureBuild } from './server';
import { logSummary } from './server-log';

const say = (line = '') => console.info(line);

/** The embedded configuration, then the configured services' when there are any. */
function configurations(database: BenchDatabase | undefined, redisUrl: string | undefined): Configuration[] {
  const list: Configuration[] = [
    { name: 'PGlite, in-process limits', embedded: true, env: {}, twoInstances: false },
  ];
  if (database || redisUrl) {
    list.push({
      name: `${database ? 'PostgreSQL' : 'PGlite'}${redisUrl ? ' + Redis' : ', in-process limits'}`,
      embedded: false,
      env: { DATABASE_URL: database?.url ?? '', REDIS_URL: redisUrl ?? '' },
      // Instances share a database only on PostgreSQL (each PGlite is a directory of its own).
      twoInstances: Boolean(database),
    });
  }
  return list;
}

async function main(): Promise<void> {
  const { DATABASE_URL, REDIS_URL } = process.env;
  const servers: BenchServer[] = [];
  let database: BenchDatabase | undefined;
  let dropped = false;
  let cleaning: Promise<void> | undefined;
  // Everything the run started, undone once: on success, on failure and on a signal.
  const cleanUp = () => {
    cleaning ??= (async () => {
      await Promise.all(servers.map((s) => s.stop().catch(() => {})));
      if (!database) return;
      try {
        await database.drop();
        dropped = true;
        say(`bench: dropped database ${database.name}`);
      } catch (error) {
        console.error(
          `bench: could not drop database ${database.name} (${error instanceof Error ? error.message : error}); ` +
            'drop it by hand',
        );
      }
    })();
    return cleaning;
  };
  // Killed before the drop (a second Ctrl-C, SIGKILL): at least say what is left behind.
  process.on('exit', () => {
    if (database && !dropped)
      console.error(`bench: database ${database.name} was not dropped; drop it by hand`);
  });
  let interrupted = false;
  // `on`, not `once`: tsx relays the signal to this process a second time when it does not hear
  // back within 30 ms, and a signal nobody listens to ends the process before the clean-up.
  const stopOnSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    console.error(`bench: ${signal}, stopping`);
    void cleanUp().finally(() => process.exit(130));
  };
  process.on('SIGINT', stopOnSignal);
  process.on('SIGTERM', stopOnSignal);

  try {
    ensureBuild();
    if (DATABASE_URL) {
      database = await createBenchDatabase(DATABASE_URL);
      say(`bench: created database ${database.name} on ${redacted(DATABASE_URL).replace(/\/[^/]*$/, '')}`);
    }
    if (REDIS_URL) say(`bench: Redis ${redacted(REDIS_URL)} (shared: client addresses of this run only)`);
    const list = configurations(database, REDIS_URL);
    say(
      `bench: node ${process.version}, ${availableParallelism()} CPUs shared by the servers and the load generator; ` +
        `${list.map((c) => c.name).join(', then ')}`,
    );
    const results: Figures[] = [];
    for (const configuration of list) {
      const figures = await measure(configuration, (server) => servers.push(server));
      results.push(figures);
      say();
      printSection(figures, say);
      say();
    }
    const { met, of } = printGoals(results, say);
    say();
    say(`bench: ${met} of ${of} goals met (${results.map((r) => r.configuration.name).join('; ')})`);
  } catch (error) {
    if (interrupted) await new Promise(() => {}); // the signal handler exits
    if (error instanceof MeasureFailed) {
      for (const { label, log } of error.logs)
        console.error(logSummary(label, log, { indent: '', last: 60 }));
    }
    throw error;
  } finally {
    await cleanUp();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
