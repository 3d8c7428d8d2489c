'use client';

import { useSyncExternalStore } from 'react';

const subscribe = () => () => {};

/**
 * False in the server's HTML, true once React runs in the browser: for controls that only
 * JavaScript can work (copy to the clipboard, download a file), so a page read without it offers
 * no button that does nothing.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}
