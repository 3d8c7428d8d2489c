/**
 * The small public files whose text depends on the deployment: security.txt (RFC 9116) names the
 * deployer's contact, the manifest the deployer's app name. Pure functions of the settings, so the
 * route handlers stay one line and the rules are tested without a server.
 */

const DAY_MS = 86_400_000;
/** RFC 9116 §2.5.5: Expires should be less than a year ahead. */
const SECURITY_TXT_LIFETIME_DAYS = 180;

/** mailto: security@ the app's host (RFC 2142's mailbox for security reports) unless configured. */
function securityContact(appUrl: string, configured?: string): string {
  return configured ?? `mailto:security@${new URL(appUrl).hostname}`;
}

/**
 * RFC 9116 text. Expires is counted from `now`: the file is written by the running deployment,
 * so it says how long this deployment vouches for the contact, and a deployment that stops
 * answering stops vouching.
 */
export function securityTxt(settings: { appUrl: string; contact?: string }, now = new Date()): string {
  const origin = new URL(settings.appUrl).origin;
  const expires = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS + SECURITY_TXT_LIFETIME_DAYS * DAY_MS);
  return [
    `Contact: ${securityContact(settings.appUrl, settings.contact)}`,
    `Expires: ${expires.toISOString().replace('.000Z', 'Z')}`,
    'Preferred-Languages: en',
    `Canonical: ${origin}/.well-known/security.txt`,
    '',
  ].join('\n');
}

/** The web app manifest: the app's name and the icons in public/. */
export function webManifest(appName: string) {
  return {
    name: appName,
    short_name: appName,
    start_url: '/',
    display: 'standalone',
    background_color: '#f6f7f9',
    theme_color: '#2451d6',
    icons: [
      { src: '/icon-192.png', sizes: '192x192', type: 'image/png' },
      { src: '/icon-512.png', sizes: '512x512', type: 'image/png' },
      { src: '/icon.svg', sizes: 'any', type: 'image/svg+xml' },
    ],
  };
}
