// Headers every response carries, and the small error pages the host sends.
import type { ServerResponse } from 'node:http';

/**
 * Applied to every response. no-referrer matters most: the token sits in the page URL and must
 * never leak to another site through a Referer header.
 */
export function setCommonSecurityHeaders(response: ServerResponse): void {
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('X-Frame-Options', 'DENY');
  response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  response.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

/**
 * The app page's policy: only its own scripts; images from itself (plus blob:/data: for canvas
 * exports); connections only back to this host. Inline style attributes stay allowed because
 * React and Konva set styles on elements.
 */
export function appPageContentSecurityPolicy(): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self' ws: wss:",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** A short plain-text error; never echoes request data back (no reflected content). */
export function sendText(response: ServerResponse, status: number, text: string): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.statusCode = status;
  response.setHeader('Content-Type', 'text/plain; charset=utf-8');
  response.setHeader('Cache-Control', 'no-store');
  response.end(`${text}\n`);
}

/** A minimal HTML page for errors a person sees in the browser (e.g. the UI was not built). */
export function sendHtmlError(response: ServerResponse, status: number, title: string, body: string): void {
  response.statusCode = status;
  response.setHeader('Content-Type', 'text/html; charset=utf-8');
  response.setHeader('Cache-Control', 'no-store');
  response.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
  response.end(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
      `<style>body{font:16px system-ui,sans-serif;margin:3em;max-width:40em}code{background:#eee;padding:0 .3em}</style></head>` +
      `<body><h1>${escapeHtml(title)}</h1><p>${body}</p></body></html>\n`,
  );
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
