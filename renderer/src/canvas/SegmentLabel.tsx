// The open segment interaction's score, next to its pending mask (above its top-left corner), and
// what Enter will do with it: a result scoring below the auto-accept score is added as 'proposed'.
import { useEditor } from '../app/context';
import { polygonBounds } from '../editing/polygon-edits';
import { SEGMENT_ACCEPT_SCORE } from '../tools/segment/prompt';

export function SegmentLabel() {
  const view = useEditor((state) => (state.ephemeral.segment?.imageId === state.session.currentImageId ? state.ephemeral.segment : null));
  const camera = useEditor((state) => state.session.camera);
  if (!view) return null;
  const result = view.result;
  const bounds = result ? polygonBounds(result.polygons) : null;
  const anchor = (bounds && { x: bounds.minX, y: bounds.minY }) ?? view.clicks[view.clicks.length - 1] ?? (view.box ? { x: view.box.x1, y: view.box.y1 } : null);
  if (!anchor) return null;
  const score = result?.score ?? null;
  const below = view.commitStatus === 'proposed';
  const text = !result
    ? view.pending
      ? 'Segmenting…'
      : 'No object found'
    : `${score === null ? 'no score' : `score ${score.toFixed(2)}`}${below ? ` < ${SEGMENT_ACCEPT_SCORE.toFixed(2)}: Enter adds it as proposed` : ': Enter adds it'}${view.pending ? ' · refining…' : ''}`;
  return (
    <div
      className={`segment-label${below ? ' below' : ''}`}
      data-testid="segment-label"
      data-score={score ?? ''}
      data-clicks={view.clicks.length}
      data-negative-clicks={view.clicks.filter((click) => !click.positive).length}
      data-pending={view.pending}
      data-commit-status={view.commitStatus ?? ''}
      style={{ left: Math.max(4, camera.x + anchor.x * camera.scale), top: Math.max(4, camera.y + anchor.y * camera.scale - 26) }}
    >
      {text}
    </div>
  );
}
