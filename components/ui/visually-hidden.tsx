import type { CSSProperties, ReactNode } from 'react';

// Inline (CSP allows style attributes): one rule, no stylesheet of its own to keep in step.
const hidden: CSSProperties = {
  position: 'absolute',
  width: 1,
  height: 1,
  padding: 0,
  margin: -1,
  overflow: 'hidden',
  clip: 'rect(0, 0, 0, 0)',
  whiteSpace: 'nowrap',
  border: 0,
};

/**
 * Words for the accessible name only (" Chrome on Windows" after a visible "Sign out"). Text, not
 * aria-label: the name still starts with what is on screen, and label lookups (getByLabel) never
 * find the button instead of a field.
 */
export function VisuallyHidden({ children }: { children: ReactNode }) {
  return <span style={hidden}>{children}</span>;
}
