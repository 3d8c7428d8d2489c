// A stand-in for the server in lib/admin tests: a process that holds the PGlite directory
// PGLITE_DIR through lib/db/client.ts (so its lock) and serves the admin socket from the same
// lib code as instrumentation.ts. Commands, one per line on stdin, each answered with one JSON
// line on stdout: `create EMAIL` (an account), `role EMAIL` (its role, read by this process),
// `audit EMAIL` (its role events' details). It prints {"ready":…} once serving, and when stdin
// ends it shuts down as the server does: the socket first, then the database (and its lock).
import { createInterface } from 'node:readline';

async function main() {
  const { and, asc, eq, inArray } = await import('drizzle-orm');
  const { closeDb, db } = await import('@/lib/db/client');
  const { auditEvents, users } = await import('@/lib/db/schema');
  const { serveAdminSocket } = await import('@/lib/admin/socket');
  const { env } = await import('@/lib/env');
  const database = await db();
  const admin = await serveAdminSocket(env().PGLITE_DIR);
  const reply = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
  reply({ ready: true, pid: process.pid, socket: admin.path });
  for await (const line of createInterface({ input: process.stdin })) {
    const [command, email = ''] = line.split(' ');
    if (command === 'create') {
      await database.insert(users).values({ email, passwordHash: 'not a hash: never signs in' });
      reply({ created: email });
    } else if (command === 'role') {
      const [row] = await database.select({ role: users.role }).from(users).where(eq(users.email, email));
      reply({ role: row?.role ?? null });
    } else if (command === 'audit') {
      const rows = await database
        .select({ type: auditEvents.type, detail: auditEvents.detail })
        .from(auditEvents)
        .innerJoin(users, eq(users.id, auditEvents.userId))
        .where(and(eq(users.email, email), inArray(auditEvents.type, ['role_granted', 'role_revoked'])))
        .orderBy(asc(auditEvents.createdAt));
      reply({ events: rows });
    }
  }
  await admin.close();
  await closeDb();
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
