'use client';

import { ErrorNotice } from '@/components/error-notice';
import './globals.css';

/**
 * The last resort, when the root layout itself failed: it replaces the whole document, so it
 * brings its own <html> and <body>. Same words as app/error.tsx.
 */
export default function GlobalError({ error }: { error: Error & { digest?: string } }) {
  return (
    <html lang="en">
      <body>
        <main id="main">
          {/* A full reload: after a root failure, nothing of the page is left to re-render. */}
          <ErrorNotice digest={error.digest} retry={() => window.location.reload()} />
        </main>
      </body>
    </html>
  );
}
