/**
 * "Your data". A plain link, not next/link: the route answers with an attachment, which the
 * browser saves; if the session has ended it answers with a redirect to sign in instead, which a
 * `download` attribute would have saved as a file.
 */
export function DataPanel() {
  return (
    <section className="panel" aria-labelledby="data-title">
      <h2 id="data-title">Your data</h2>
      <p className="muted">
        A JSON file with your account details, your sessions and your security activity. Passwords, keys and
        codes are not in it.
      </p>
      <div className="actions">
        <a className="button button-secondary" href="/settings/security/export">
          Download my data
        </a>
      </div>
    </section>
  );
}
