// Every visible instance of the current image except the selected one (which the edit layer draws
// with its handles), so a drag redraws only the edit layer. The instance hovered in the list is
// drawn highlighted on top, even when it is not shown otherwise (a proposal beyond "Show top N").
import { Layer } from './konva';
import type { Category, Instance } from '../../../shared/api/types';
import { keyTarget } from '../app/annotation-actions';
import { visibilityOf } from '../state/visibility';
import { useEditor, useEditorShallow } from '../app/context';
import { instanceColor, PROPOSAL_DASH } from './colors';
import { InstanceShape } from './InstanceShape';

export function InstancesLayer() {
  const instances = useEditorShallow((state) => {
    const id = state.session.currentImageId;
    const doc = id ? state.document.images[id] : undefined;
    if (!doc) return [] as Instance[];
    const selected = state.session.selection?.instanceId;
    const hover = state.ephemeral.hoverInstanceId;
    const isVisible = visibilityOf(doc, state.session);
    const drawn = doc.order
      .map((instanceId) => doc.instances[instanceId])
      .filter((instance) => instance && instance.id !== selected && instance.id !== hover && isVisible(instance));
    const hovered = hover && hover !== selected ? doc.instances[hover] : undefined;
    return hovered ? [...drawn, hovered] : drawn;
  });
  const categories = useEditor((state) => state.document.categories);
  const hover = useEditor((state) => state.ephemeral.hoverInstanceId);
  // With nothing selected the keys act on the first proposal in Tab order: it is drawn highlighted (and labelled, KeyTargetLabel).
  const unselectedTarget = useEditor((state) => {
    const target = keyTarget(state);
    return target && !target.selected ? target.id : null;
  });
  return (
    <Layer listening={false}>
      {instances.map((instance) => (
        <InstanceShape key={instance.id} {...instanceStyle(instance, categories, instance.id === hover ? 'hover' : instance.id === unselectedTarget ? 'target' : null)} polygons={instance.polygons} />
      ))}
    </Layer>
  );
}

/** How an instance is drawn: proposals dashed white over a dark outline (filled lightly when highlighted), decided ones filled in their category colour. */
export function instanceStyle(instance: Instance, categories: Record<number, Category>, highlight: 'hover' | 'target' | null) {
  const color = instanceColor(instance, categories);
  const lit = highlight !== null;
  if (instance.status === 'proposed') {
    // Proposals overlap heavily (a model returns dozens per object): outline only, filled when
    // hovered in the list, and a little when they are the key target (which may cover the photo).
    return { color, fillOpacity: highlight === 'hover' ? 0.35 : highlight === 'target' ? 0.18 : 0, strokeWidth: lit ? 2.5 : 1.5, dash: PROPOSAL_DASH, halo: true };
  }
  if (instance.status === 'rejected') return { color, fillOpacity: lit ? 0.25 : 0, strokeWidth: lit ? 2.5 : 1.5, dash: [2, 4], halo: false };
  return { color, fillOpacity: highlight === 'hover' ? 0.5 : 0.28, strokeWidth: lit ? 3 : 2, halo: false };
}
