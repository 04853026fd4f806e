// Splitting a request target into its raw path and query. The WHATWG URL parser would quietly
// resolve '..' and '%2e%2e' for us; we read the raw path instead so a traversal attempt is seen
// (and refused) rather than silently rewritten into some other path.
import { ApiError } from '../../shared/api/errors';

interface RequestTarget {
  /** Still percent-encoded, exactly as sent, always starting with '/'. */
  rawPath: string;
  /** Parsed query (and a base for nothing else). */
  url: URL;
}

export function parseRequestTarget(target: string | undefined): RequestTarget {
  if (!target || !target.startsWith('/')) {
    throw new ApiError('INVALID_ARGUMENT', 'request target must be an absolute path');
  }
  const queryStart = target.indexOf('?');
  const rawPath = queryStart < 0 ? target : target.slice(0, queryStart);
  return { rawPath, url: new URL(target.replace(/^\/+/, '/'), 'http://maskpilot.invalid') };
}

/**
 * Decodes a percent-encoded relative path ("street/img%20001.jpg") segment by segment into a
 * project-relative POSIX path. An encoded '/' (%2f) inside a segment is refused: it would let one
 * URL segment pose as two. Everything else ('..', '\', NUL, absolute paths) is judged afterwards
 * by resolveInsideFolder on the decoded text, so double encoding gains nothing: '%252e%252e'
 * decodes once to the literal name '%2e%2e'.
 */
export function decodeRelativePath(encoded: string): string {
  const segments = encoded.split('/').map((segment) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      throw new ApiError('FORBIDDEN', 'refused path: malformed percent-encoding');
    }
    if (decoded.includes('/')) throw new ApiError('FORBIDDEN', 'refused path: encoded slash in a path segment');
    return decoded;
  });
  return segments.join('/');
}
