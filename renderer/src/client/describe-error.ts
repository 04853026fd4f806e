// What went wrong, in plain words for a notice ("Could not open x.jpg: <this>"). The wire's codes
// and transport details ("cannot call getAnnotations: ... closed (code 1006)") mean nothing to an
// annotator; each code is said as what happened and, where it helps, what to do.
import type { ApiErrorCode } from '../../../shared/api/errors';

const PLAIN: Partial<Record<ApiErrorCode, string>> = {
  DISCONNECTED: 'no connection to the MaskPilot host (stopped or restarting?); your edits are kept and saved once it is back',
  UNAUTHORIZED: 'the MaskPilot host no longer accepts this page (it restarted with a new address): open the URL it printed',
  FORBIDDEN: 'the MaskPilot host refused: that file is outside the opened folder',
  CONFLICT: 'it was changed in another window meanwhile',
  CANCELLED: 'cancelled',
};

/** A thrown value (ApiError from the client, or anything else) as a short plain sentence fragment. */
export function describeError(error: unknown): string {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  const plain = code ? PLAIN[code] : undefined;
  if (plain) return plain;
  switch (code) {
    case 'MODEL_UNAVAILABLE':
      return `no proposal model is loaded (${stripTransportDetail(message)})`;
    case 'IO_ERROR':
      return `the disk refused (${stripTransportDetail(message)})`;
    case 'CORRUPT_FILE':
      return `a saved file could not be read; it was kept aside, not overwritten (${stripTransportDetail(message)})`;
    case 'INTERNAL':
      return `MaskPilot hit an internal error (${stripTransportDetail(message)})`;
    default:
      return stripTransportDetail(message);
  }
}

function errorCode(error: unknown): ApiErrorCode | null {
  if (typeof error !== 'object' || error === null || !('code' in error)) return null;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' ? (code as ApiErrorCode) : null;
}

/** Drops the method name and socket close codes a transport message carries. */
function stripTransportDetail(message: string): string {
  return message
    .replace(/^cannot call \w+: /, '')
    .replace(/\s*\(code \d+(: [^)]*)?\)/g, '')
    .trim();
}
