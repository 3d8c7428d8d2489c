'use client';

import { ErrorNotice } from '@/components/error-notice';

/** A page whose rendering failed: the notice, and a retry that renders the segment again. */
export default function ErrorPage({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return <ErrorNotice digest={error.digest} retry={() => reset()} />;
}
