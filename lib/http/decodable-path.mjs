// A request whose path does not percent-decode (`/undo/%`, `/reset-password/%E0%A4%A`) makes
// Next.js throw while matching dynamic routes, and the client gets a 500. Such a path names no
// page of this app: it is answered 400 here, before Next sees it.

/** True when every %-escape in the URL's path is valid UTF-8. */
export function isDecodablePath(url) {
  const path = (url ?? '/').split('?')[0];
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

/** Answer a request whose path cannot be decoded; true when it did (the caller stops there). */
export function refuseUndecodablePath(req, res) {
  if (isDecodablePath(req.url)) return false;
  res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
  res.end('Bad request: the path is not valid percent-encoded UTF-8.');
  return true;
}
