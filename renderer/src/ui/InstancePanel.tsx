// The current image's instances: score, status, category; click selects, buttons decide.
import { useEffect, useRef } from 'react';
import type { Instance } from '../../../shared/api/types';
import { useController, useEditor, useEditorShallow } from '../app/context';
import { visibilityOf } from '../state/visibility';
import { instanceColor } from '../canvas/colors';
import { setStatus } from '../state/commands';
import { currentDocument } from '../state/store';

export function InstancePanel() {
  const { store } = useController();
  const instances = useEditorShallow((state) => {
    const doc = currentDocument(state);
    return doc ? doc.order.map((id) => doc.instances[id]).filter((instance): instance is Instance => !!instance) : [];
  });
  const settings = useEditorShallow((state) => ({ scoreThreshold: state.session.scoreThreshold, showRejected: state.session.showRejected, proposalLimit: state.session.proposalLimit }));
  const document = useEditor((state) => currentDocument(state));
  const selectedId = useEditor((state) => state.session.selection?.instanceId ?? null);
  const categories = useEditor((state) => state.document.categories);

  const list = useRef<HTMLDivElement>(null);
  // Keep the selected row in view when the selection moves by keyboard (Tab, A, R) or on the canvas.
  useEffect(() => {
    if (!selectedId) return;
    const row = list.current?.querySelector(`[data-instance-id="${CSS.escape(selectedId)}"]`);
    row?.scrollIntoView({ block: 'nearest' });
  }, [selectedId]);

  const sorted = [...instances].sort((a, b) => rank(a) - rank(b) || (b.score ?? 2) - (a.score ?? 2));
  const isVisible = document ? visibilityOf(document, settings) : () => true;
  const hidden = instances.filter((instance) => !isVisible(instance)).length;
  const decide = (instance: Instance, status: 'accepted' | 'rejected') => {
    const doc = currentDocument(store.getState());
    if (doc) store.getState().actions.execute(setStatus(doc, [instance.id], status, status === 'accepted' ? 'Accept' : 'Reject'));
  };

  return (
    <div className="instance-panel" data-testid="instance-panel">
      <div className="panel-title">
        Instances <span className="muted">{instances.length}{hidden ? ` (${hidden} hidden)` : ''}</span>
      </div>
      <div className="instance-rows" ref={list}>
        {sorted.length === 0 && <div className="muted empty">No instances yet. Propose, click-to-segment (S) or draw (D).</div>}
        {sorted.map((instance) => {
          const category = instance.categoryId === null ? null : categories[instance.categoryId];
          const visible = isVisible(instance);
          return (
            <div
              key={instance.id}
              className={`instance-row${instance.id === selectedId ? ' selected' : ''}${visible ? '' : ' dim'}`}
              data-testid="instance-row"
              data-instance-id={instance.id}
              data-status={instance.status}
              onClick={() => store.getState().actions.setSession({ selection: { instanceId: instance.id, vertex: null } })}
            >
              <span className="swatch" style={{ background: instanceColor(instance, categories) }} />
              <span className="instance-score">{instance.score === null ? '—' : instance.score.toFixed(2)}</span>
              <span className={`badge ${instance.status}`}>{instance.status}</span>
              <span className="instance-category">{category ? category.name : <span className="muted">unassigned</span>}</span>
              <span className="row-actions">
                <button title="Accept (A)" onClick={(event) => (event.stopPropagation(), decide(instance, 'accepted'))}>✓</button>
                <button title="Reject (R)" onClick={(event) => (event.stopPropagation(), decide(instance, 'rejected'))}>✕</button>
              </span>
            </div>
          );
        })}
      </div>
    </div>
  );
}

function rank(instance: Instance): number {
  return { proposed: 0, edited: 1, accepted: 1, rejected: 2 }[instance.status];
}
