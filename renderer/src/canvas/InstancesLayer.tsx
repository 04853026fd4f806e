// Every visible instance of the current image except the selected one (which the edit layer draws
// with its handles), so a drag redraws only the edit layer.
import { Layer } from 'react-konva';
import type { Category, Instance } from '../../../shared/api/types';
import { visibilityOf } from '../state/visibility';
import { useEditor, useEditorShallow } from '../app/context';
import { instanceColor } from './colors';
import { InstanceShape } from './InstanceShape';

export function InstancesLayer() {
  const instances = useEditorShallow((state) => {
    const id = state.session.currentImageId;
    const doc = id ? state.document.images[id] : undefined;
    if (!doc) return [] as Instance[];
    const selected = state.session.selection?.instanceId;
    const isVisible = visibilityOf(doc, state.session);
    return doc.order
      .map((instanceId) => doc.instances[instanceId])
      .filter((instance) => instance && instance.id !== selected && isVisible(instance));
  });
  const categories = useEditor((state) => state.document.categories);
  const hover = useEditor((state) => state.ephemeral.hoverInstanceId);
  return (
    <Layer listening={false}>
      {instances.map((instance) => (
        <InstanceShape key={instance.id} {...styleOf(instance, categories, instance.id === hover)} polygons={instance.polygons} />
      ))}
    </Layer>
  );
}

function styleOf(instance: Instance, categories: Record<number, Category>, hovered: boolean) {
  const decided = instance.status === 'accepted' || instance.status === 'edited';
  return {
    color: instanceColor(instance, categories),
    // Proposals overlap heavily (a model returns dozens per object): outline only, filled on hover.
    fillOpacity: hovered ? 0.35 : decided ? 0.28 : 0,
    strokeWidth: hovered ? 2.5 : decided ? 2 : 1.5,
    dashed: instance.status === 'rejected',
  };
}
