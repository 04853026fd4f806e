// Names the instance the decision keys act on (the key target: the selection, else the first
// proposal in Tab order), beside its top-left corner, so "A", "R", "4" or "C" never land somewhere
// unseen. Hidden while a segment result or a polygon in progress has the keys.
import { keyTarget, suggestedCategoryOf } from '../app/annotation-actions';
import { useEditor, useEditorShallow } from '../app/context';
import { polygonBounds } from '../editing/polygon-edits';
import { currentDocument } from '../state/store';

/** Label height in screen pixels (it sits this far above the target's top edge). */
const LABEL_OFFSET_PX = 24;
/** About the label's width in screen pixels: it is kept that far from the canvas's right edge. */
const LABEL_WIDTH_PX = 400;

export function KeyTargetLabel() {
  const target = useEditorShallow((state) => {
    if (state.ephemeral.segment !== null || state.ephemeral.drawingPoints !== null || state.session.categoryPickerOpen) return null;
    const found = keyTarget(state);
    const instance = found ? currentDocument(state)?.instances[found.id] : undefined;
    const suggested = suggestedCategoryOf(instance, state.document.categories);
    return found && instance ? { id: found.id, selected: found.selected, status: instance.status, polygons: instance.polygons, suggestion: suggested === null ? null : state.document.categories[suggested].name } : null;
  });
  const camera = useEditor((state) => state.session.camera);
  const viewport = useEditor((state) => state.ephemeral.viewport);
  const bounds = target ? polygonBounds(target.polygons) : null;
  if (!target || !bounds) return null;
  const left = Math.min(Math.max(4, camera.x + bounds.minX * camera.scale), Math.max(4, viewport.width - LABEL_WIDTH_PX));
  const top = Math.min(Math.max(4, camera.y + bounds.minY * camera.scale - LABEL_OFFSET_PX), Math.max(4, viewport.height - LABEL_OFFSET_PX));
  const what = target.selected ? 'Selected' : 'Next proposal';
  const accept = target.suggestion ? `A accept as ${target.suggestion}` : 'A accept';
  const keys = target.status === 'proposed' ? `${accept} · R reject · 1-9/C category · Tab next` : `${target.suggestion ? `${accept} · ` : ''}R reject · 1-9/C category · Tab next`;
  return (
    <div className={`key-target-label${target.selected ? ' selected' : ''}`} data-testid="key-target" data-instance-id={target.id} data-selected={target.selected} style={{ left, top }}>
      <b>{what}</b> {keys}
    </div>
  );
}
