'use client';

import { DATABASE_UNAVAILABLE_DIGEST } from '@/lib/db/outage';
import './globals.css';

/**
 * The last resort, when the root layout itself failed: it replaces the whole document, so it
 * brings its own <html> and <body>. Same words as app/error.tsx.
 */
export default function GlobalError({ error }: { error: Error & { digest?: string } }) {
  const outage = error.digest === DATABASE_UNAVAILABLE_DIGEST;
  return (
    <html lang="en">
      <body>
        <main id="main">
          <section className="card" aria-labelledby="error-title">
            <h1 id="error-title">{outage ? 'Temporarily unavailable' : 'Something went wrong'}</h1>
            <p role="alert">
              {outage
                ? 'Latchkey is temporarily unavailable. Try again in a moment.'
                : 'Something went wrong on our side. Please try again.'}
            </p>
            {/* A full reload: after a root failure, nothing of the page is left to re-render. */}
            <button type="button" className="button" onClick={() => window.location.reload()}>
              Try again
            </button>
          </section>
        </main>
      </body>
    </html>
  );
}
