// Which addresses the host may bind to without the user saying so: only loopback ones, so by
// default nothing outside this machine can even reach the token check.
import { isIP } from 'node:net';

/** True for 127.0.0.0/8, ::1, IPv4-mapped loopback and the name "localhost". */
export function isLoopbackAddress(host: string): boolean {
  const bare = stripBrackets(host).toLowerCase();
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) {
    // The URL parser canonicalises IPv6 (0:0:0:0:0:0:0:1 -> ::1, ::ffff:127.0.0.1 -> ::ffff:7f00:1).
    const canonical = new URL(`http://[${bare}]/`).hostname;
    return canonical === '[::1]' || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(canonical);
  }
  return false;
}

/** The host name to put in a URL for a bound address: wildcard binds are reached via loopback. */
export function urlHostFor(host: string): string {
  const bare = stripBrackets(host);
  if (bare === '0.0.0.0' || bare === '::') return '127.0.0.1';
  return isIP(bare) === 6 ? `[${bare}]` : bare;
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
