'use client';

import { DATABASE_UNAVAILABLE_DIGEST } from '@/lib/db/outage';

/**
 * What a page shows when rendering it failed (app/error.tsx, app/global-error.tsx). A database
 * outage, recognised by its digest (the one property Next passes from the server), is said
 * plainly; server.mjs sends it with 503 and Retry-After. Anything else is our bug, and says so
 * without details.
 */
export function ErrorNotice({ digest, retry }: { digest?: string; retry: () => void }) {
  const outage = digest === DATABASE_UNAVAILABLE_DIGEST;
  return (
    <section className="card" aria-labelledby="error-title">
      <h1 id="error-title">{outage ? 'Temporarily unavailable' : 'Something went wrong'}</h1>
      <p role="alert">
        {outage
          ? 'Latchkey is temporarily unavailable. Try again in a moment.'
          : 'Something went wrong on our side. Please try again.'}
      </p>
      <button type="button" className="button" onClick={retry}>
        Try again
      </button>
    </section>
  );
}
