// What the annotator should know when the host cannot be reached, over the canvas (an overlay: it
// never moves the layout). Refused (the host restarted with a new token, so this URL can never work
// again): say so and what to do. Not answering for a while: say for how long and what to check.
import { useEffect, useState } from 'react';
import { useEditor } from '../app/context';
import { REFUSED_TEXT } from '../app/server-events';

/** A lost connection is only worth a banner after this long (ms); brief drops reconnect by themselves. */
export const BANNER_AFTER_MS = 8000;

export function ConnectionBanner() {
  const connection = useEditor((state) => state.catalog.connection);
  const lostAt = useEditor((state) => state.catalog.connectionLostAt);
  const unsaved = useEditor((state) => Object.keys(state.document.images).filter((id) => state.document.images[id] !== state.sync.syncedDocuments[id]).length);
  const now = useNow(connection === 'reconnecting' ? 1000 : null);
  const downFor = lostAt === null ? 0 : now - lostAt;
  const keep = unsaved > 0 ? ` ${unsaved} image${unsaved === 1 ? ' has' : 's have'} edits not saved yet: ` : ' ';
  if (connection === 'refused') {
    return (
      <div className="connection-banner" data-testid="connection-banner" data-state="refused" role="alert">
        <b>{REFUSED_TEXT}</b>
        {unsaved > 0 ? <span>{keep}they cannot be saved from this tab; redo them in the new one.</span> : null}
      </div>
    );
  }
  if (connection !== 'reconnecting' || downFor < BANNER_AFTER_MS) return null;
  return (
    <div className="connection-banner" data-testid="connection-banner" data-state="reconnecting" role="status">
      <b>The MaskPilot host has not answered for {Math.round(downFor / 1000)} s.</b> Is <code>maskpilot host</code> still running? If you
      restarted it, it printed a new URL: open that one.{keep}
      {unsaved > 0 ? 'they are kept here and saved once this tab reconnects.' : ''}
    </div>
  );
}

/** The time (ms since epoch), refreshed every `intervalMs` while that is not null. */
function useNow(intervalMs: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (intervalMs === null) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
