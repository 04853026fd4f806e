// Tools for the selected instance: re-simplify from the mask with a tolerance, delete; and the
// "show rejected" view option.
import { useController, useEditor } from '../app/context';
import { ActionButton } from './ActionButton';

export function SelectionPanel() {
  const { store } = useController();
  const { actions } = store.getState();
  const tolerance = useEditor((state) => state.session.simplifyTolerance);
  const showRejected = useEditor((state) => state.session.showRejected);
  const selected = useEditor((state) => {
    const id = state.session.selection?.instanceId;
    const doc = state.session.currentImageId ? state.document.images[state.session.currentImageId] : undefined;
    const instance = id ? doc?.instances[id] : undefined;
    return instance ? `${instance.polygons.length} ring${instance.polygons.length === 1 ? '' : 's'}, ${instance.polygons.reduce((sum, ring) => sum + ring.length / 2, 0)} vertices` : null;
  });

  return (
    <div className="selection-panel">
      <div className="selection-line">
        <span className="muted">{selected ?? 'Nothing selected'}</span>
        <label className="check" title="Show rejected instances (dashed)">
          <input type="checkbox" checked={showRejected} onChange={(event) => actions.setSession({ showRejected: event.target.checked })} /> show rejected
        </label>
      </div>
      <div className="selection-line">
        <label className="slider" title="Douglas-Peucker tolerance in image pixels for re-tracing the polygon from the stored mask">
          Simplify tolerance <output>{tolerance.toFixed(1)} px</output>
          <input data-testid="tolerance" type="range" min={0.5} max={8} step={0.5} value={tolerance} onChange={(event) => actions.setSession({ simplifyTolerance: Number(event.target.value) })} />
        </label>
      </div>
      <div className="selection-line buttons">
        <ActionButton action="resimplify" testId="resimplify" />
        <ActionButton action="deleteSelection" title="Delete the selected instance (Delete)" />
      </div>
    </div>
  );
}
