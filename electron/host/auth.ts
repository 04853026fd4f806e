// The host's one secret: a random token printed in the URL. Every HTTP route and the WebSocket
// require it, presented as `?token=`, `Authorization: Bearer`, or the cookie the host sets on the
// first authorised page load (so the page's own scripts, styles and images need not carry it).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * 32 random bytes, base64url: 43 URL-safe characters. Never starts with "-", so the printed token
 * can be passed back as `--token T` (an argument parser reads a leading "-" as an option).
 */
export function generateToken(): string {
  for (;;) {
    const token = randomBytes(32).toString('base64url');
    if (!token.startsWith('-')) return token;
  }
}

const TOKEN_FORMAT = /^[A-Za-z0-9_-]{16,256}$/;

/** Throws a clear error for a user-chosen token that is too short or would need URL escaping. */
export function assertUsableToken(token: string): void {
  if (!TOKEN_FORMAT.test(token)) {
    throw new Error('token must be 16 to 256 characters of A-Z, a-z, 0-9, "_" or "-"');
  }
}

/** Constant-time comparison: both sides are hashed first so their lengths never leak either. */
function tokensMatch(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** Cookies are not scoped by port, so two hosts on one machine each get their own cookie name. */
export function cookieNameFor(port: number): string {
  return `maskpilot_token_${port}`;
}

type TokenSource = 'query' | 'header' | 'cookie';

/** Which presented credential matched the token, or null when none did (or none was presented). */
export function authorizeRequest(request: IncomingMessage, url: URL, expected: string, cookieName: string): TokenSource | null {
  const candidates: [TokenSource, string | null][] = [
    ['query', url.searchParams.get('token')],
    ['header', bearerToken(request.headers.authorization)],
    ['cookie', readCookie(request.headers.cookie, cookieName)],
  ];
  for (const [source, value] of candidates) {
    if (value !== null && tokensMatch(value, expected)) return source;
  }
  return null;
}

function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : null;
}

function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0) continue;
    if (part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return null;
}

/** HttpOnly so page scripts cannot read it; SameSite=Strict so other sites cannot send it. */
export function tokenCookie(name: string, token: string): string {
  return `${name}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}
