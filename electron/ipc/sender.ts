// Who may call the API over IPC: only the main frame of the app's one window, showing the app's
// own origin. An iframe, a second window, or the main frame after navigating elsewhere (which the
// shell also blocks) are refused, per the Electron security checklist ("validate the sender of
// all IPC messages").

/** What main knows about the frame that sent an IPC message (from event.senderFrame). */
export interface SenderInfo {
  /** The frame's current URL; null when Electron no longer has the frame (navigated or destroyed). */
  url: string | null;
  /** True for the top-level frame of its page. */
  isMainFrame: boolean;
  /** Id of the BrowserWindow owning the sender's webContents; null if it has none. */
  windowId: number | null;
}

export interface SenderPolicy {
  /** Id of the app's main window; null while there is none (every sender is then refused). */
  mainWindowId: number | null;
  /** Origins the renderer is served from, as "scheme://host[:port]" in lower case, e.g. "app://maskpilot". */
  allowedOrigins: readonly string[];
}

/**
 * The origin of a URL as "scheme://host[:port]". Computed by hand because WHATWG URL reports the
 * origin of non-special schemes (app://) as "null". Returns null for unparsable or host-less URLs.
 */
export function originOf(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.host === '' || parsed.username !== '' || parsed.password !== '') return null;
  return `${parsed.protocol}//${parsed.host}`.toLowerCase();
}

/** Whether an IPC message from this frame may reach the API. */
export function isTrustedSender(sender: SenderInfo, policy: SenderPolicy): boolean {
  if (policy.mainWindowId === null || sender.windowId !== policy.mainWindowId) return false;
  if (!sender.isMainFrame || sender.url === null) return false;
  const origin = originOf(sender.url);
  return origin !== null && policy.allowedOrigins.includes(origin);
}
