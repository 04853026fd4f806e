// The Electron security checklist, applied once for the whole app: no permissions, no downloads
// but the UI's own exports, no navigation away from the app, no new windows, no <webview>, and
// the CSP on every response.
import { app } from 'electron';
import type { Session } from 'electron';
import { APP_ORIGIN, CONTENT_SECURITY_POLICY } from './content-security-policy';

export function hardenSession(session: Session): void {
  // Camera, notifications, geolocation, clipboard-read, ...: the app needs none of them.
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  // The UI's own Export button saves a blob it created (Electron then asks where, natively);
  // any other download is refused.
  session.on('will-download', (event, item) => {
    if (!item.getURL().startsWith(`blob:${APP_ORIGIN}/`)) event.preventDefault();
  });
  // app:// responses carry the CSP themselves; this covers every other response the session sees.
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders };
    for (const name of Object.keys(headers)) if (name.toLowerCase() === 'content-security-policy') delete headers[name];
    callback({ responseHeaders: { ...headers, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
}

/** Every webContents the app ever creates: the page may not navigate, open windows or embed webviews. */
export function hardenAllWebContents(): void {
  app.on('web-contents-created', (_event, contents) => {
    // The app is a single page; main loads it with loadURL, which does not fire these events.
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}
