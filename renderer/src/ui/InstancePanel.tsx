// The current image's instances in three sections: kept (accepted or edited) first, then the
// undecided proposals in Tab order (those not shown dimmed), then the rejected ones (folded). Each
// row: category, size (bounding box W×H in image pixels) and score; hovering a row highlights its
// shape on the canvas; ▸ marks the key target (what A, R, 1-9 and C act on). The header counts
// the same things the image list does: kept and undecided (and rejected, which the list omits).
import { useEffect, useMemo, useRef } from 'react';
import type { Category, Instance } from '../../../shared/api/types';
import { keyTarget, suggestedCategoryOf } from '../app/annotation-actions';
import { useController, useEditor, useEditorShallow } from '../app/context';
import { instanceColor } from '../canvas/colors';
import { polygonBounds } from '../editing/polygon-edits';
import { setStatus } from '../state/commands';
import { deriveStatus, orderedInstances } from '../state/document';
import { currentDocument } from '../state/store';
import type { EditorStore } from '../state/store';
import { allProposalsInOrder, visibilityOf } from '../state/visibility';
import { ActionButton } from './ActionButton';

/** The counts the header and the image list share: kept = accepted + edited; undecided = proposed. */
export function instanceCounts(instances: readonly Instance[]): { kept: number; undecided: number; rejected: number } {
  let kept = 0;
  let undecided = 0;
  let rejected = 0;
  for (const instance of instances) {
    if (instance.status === 'proposed') undecided += 1;
    else if (instance.status === 'rejected') rejected += 1;
    else kept += 1;
  }
  return { kept, undecided, rejected };
}

export function InstancePanel() {
  const { store } = useController();
  const document = useEditor((state) => currentDocument(state));
  const settings = useEditorShallow((state) => ({ scoreThreshold: state.session.scoreThreshold, showRejected: state.session.showRejected, proposalLimit: state.session.proposalLimit }));
  const selectedId = useEditor((state) => state.session.selection?.instanceId ?? null);
  const targetId = useEditor((state) => keyTarget(state)?.id ?? null);
  const categories = useEditor((state) => state.document.categories);

  const list = useRef<HTMLDivElement>(null);
  // Keep the key target's row in view when it moves by keyboard (Tab, A, R) or on the canvas.
  useEffect(() => {
    if (!targetId) return;
    const row = list.current?.querySelector(`[data-instance-id="${CSS.escape(targetId)}"]`);
    row?.scrollIntoView({ block: 'nearest' });
  }, [targetId]);

  const sections = useMemo(() => {
    if (!document) return null;
    const all = orderedInstances(document);
    return {
      counts: instanceCounts(all),
      kept: all.filter((instance) => instance.status === 'accepted' || instance.status === 'edited'),
      proposals: allProposalsInOrder(document, settings),
      rejected: all.filter((instance) => instance.status === 'rejected'),
    };
  }, [document, settings]);
  const isVisible = useMemo(() => (document ? visibilityOf(document, settings) : () => true), [document, settings]);

  if (!sections) {
    return (
      <div className="instance-panel" data-testid="instance-panel">
        <div className="panel-title">Instances</div>
      </div>
    );
  }
  const { counts, kept, proposals, rejected } = sections;
  const shown = proposals.filter(isVisible).length;
  const rowProps = { store, categories, selectedId, targetId };
  // As saved: decisions decide, and an image with nothing on it is done once marked (Finish image).
  const done = document !== undefined && deriveStatus(document) === 'done';
  const empty = kept.length + proposals.length + rejected.length === 0;

  return (
    <div className="instance-panel" data-testid="instance-panel">
      <div className="panel-title">
        Instances
        <ActionButton action="finishImage" testId="finish-image" />
      </div>
      <div className="instance-finish" title="Kept: accepted or edited. Undecided: proposals waiting for A or R (the image list counts the same). Rejected instances stay as the model's negatives.">
        <span className={done ? 'done-note' : 'muted'} data-testid="instance-counts" data-kept={counts.kept} data-undecided={counts.undecided} data-rejected={counts.rejected}>
          {done ? <span data-testid="image-done">✓ Done · </span> : null}
          {counts.kept} kept · {counts.undecided} undecided{counts.rejected ? ` · ${counts.rejected} rejected` : ''}
        </span>
      </div>
      <div className="instance-rows" ref={list} onMouseLeave={() => store.getState().actions.setEphemeral({ hoverInstanceId: null })}>
        {empty && done && <div className="muted empty">Done: nothing to annotate on this image.</div>}
        {empty && !done && (
          <div className="muted empty">
            No instances yet. Propose, click-to-segment (S) or draw (D).
            <div className="empty-actions">
              Nothing to annotate here?{' '}
              <ActionButton action="finishImage" testId="mark-empty-done">
                Mark done <kbd>Ctrl+Enter</kbd>
              </ActionButton>
            </div>
          </div>
        )}
        {kept.length > 0 && <div className="section-title" data-testid="kept-section">Kept <span className="muted">{kept.length}</span></div>}
        {kept.map((instance) => (
          <InstanceRow key={instance.id} instance={instance} visible {...rowProps} />
        ))}
        {proposals.length > 0 && (
          <div className="section-title" data-testid="proposals-section" title="In Tab order: distinct objects first (near-copies of a better proposal after them)">
            Undecided proposals <span className="muted">{shown} shown of {proposals.length}</span>
          </div>
        )}
        {proposals.map((instance) => (
          <InstanceRow key={instance.id} instance={instance} visible={isVisible(instance)} {...rowProps} />
        ))}
        {rejected.length > 0 && (
          <details className="rejected-section" open={settings.showRejected || rejected.some((instance) => instance.id === selectedId)}>
            <summary className="section-title">
              Rejected <span className="muted">{rejected.length}</span>
            </summary>
            {rejected.map((instance) => (
              <InstanceRow key={instance.id} instance={instance} visible={isVisible(instance)} {...rowProps} />
            ))}
          </details>
        )}
      </div>
    </div>
  );
}

interface InstanceRowProps {
  instance: Instance;
  visible: boolean;
  store: EditorStore;
  categories: Record<number, Category>;
  selectedId: string | null;
  targetId: string | null;
}

function InstanceRow({ instance, visible, store, categories, selectedId, targetId }: InstanceRowProps) {
  const { actions } = store.getState();
  const category = instance.categoryId === null ? null : categories[instance.categoryId];
  const suggestedId = suggestedCategoryOf(instance, categories);
  const suggestion = suggestedId === null ? null : categories[suggestedId];
  const bounds = polygonBounds(instance.polygons);
  const size = bounds ? `${Math.round(bounds.maxX - bounds.minX)}×${Math.round(bounds.maxY - bounds.minY)}` : '—';
  const decide = (status: 'accepted' | 'rejected') => {
    const doc = currentDocument(store.getState());
    if (doc) actions.execute(setStatus(doc, [instance.id], status, status === 'accepted' ? 'Accept' : 'Reject'));
  };
  const isTarget = instance.id === targetId;
  return (
    <div
      className={`instance-row${instance.id === selectedId ? ' selected' : ''}${isTarget ? ' key-target' : ''}${visible ? '' : ' dim'}`}
      data-testid="instance-row"
      data-instance-id={instance.id}
      data-status={instance.status}
      data-key-target={isTarget}
      title={`${instance.status}${instance.score === null ? '' : `, score ${instance.score.toFixed(2)}`}, ${size} px${visible ? '' : ' (not shown on the canvas)'}`}
      onClick={() => actions.setSession({ selection: { instanceId: instance.id, vertex: null } })}
      onMouseEnter={() => actions.setEphemeral({ hoverInstanceId: instance.id })}
    >
      <span className="target-mark">{isTarget ? '▸' : ''}</span>
      <span className={`swatch ${instance.status}`} style={instance.status === 'proposed' ? undefined : { background: instanceColor(instance, categories) }} />
      <span className="instance-category">{category ? category.name : suggestion ? <span className="muted" data-testid="suggested-category" title={`Suggested by the model${instance.suggestionConfidence === undefined ? '' : ` (${Math.round(100 * instance.suggestionConfidence)}% sure)`}: A accepts with it`}>{suggestion.name}?</span> : <span className="muted">unassigned</span>}{instance.status === 'edited' ? <span className="muted"> · edited</span> : null}</span>
      <span className="instance-size" data-testid="instance-size">{size}</span>
      <span className="instance-score">{instance.score === null ? '—' : instance.score.toFixed(2)}</span>
      <span className="row-actions">
        <button title="Accept (A)" onClick={(event) => (event.stopPropagation(), decide('accepted'))}>✓</button>
        <button title="Reject (R)" onClick={(event) => (event.stopPropagation(), decide('rejected'))}>✕</button>
      </span>
    </div>
  );
}
