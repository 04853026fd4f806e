// Idle: nothing pressed. Pointer down picks what to do next; Delete removes the selected vertex
// (or the instance when no vertex is selected); double-click / alt-click on an edge inserts a vertex.
import { deleteVertex, insertVertex } from '../../../editing/polygon-edits';
import { editOrRemove, editPolygons } from '../../../editing/instance-edits';
import { deleteInstance } from '../../../app/annotation-actions';
import { currentDocument } from '../../../state/store';
import type { KeyInfo, PointerInfo, ToolState } from '../../tool';
import type { SelectTool } from '../SelectTool';

export class Idle implements ToolState {
  readonly name = 'idle';
  constructor(private readonly tool: SelectTool) {}

  onPointerDown(info: PointerInfo) {
    if (info.button !== 0) return;
    const { store } = this.tool.context;
    const hit = this.tool.hit(info.point);
    const { actions } = store.getState();
    if (hit.kind === 'edge' && info.altKey) {
      this.insertOnEdge(hit.instanceId, hit.ring, hit.afterIndex, hit.point);
      this.tool.transition('pointing_vertex', info);
      return;
    }
    if (hit.kind === 'vertex') {
      actions.setSession({ selection: { instanceId: hit.instanceId, vertex: hit.vertex } });
      this.tool.transition('pointing_vertex', info);
      return;
    }
    if (hit.kind === 'instance' || hit.kind === 'edge') {
      actions.setSession({ selection: { instanceId: hit.instanceId, vertex: null } });
      this.tool.transition('pointing_instance', info);
      return;
    }
    actions.setSession({ selection: null });
  }

  onPointerMove(info: PointerInfo) {
    const hit = this.tool.hit(info.point);
    const hover = hit.kind === 'empty' ? null : hit.instanceId;
    const { ephemeral, actions } = this.tool.context.store.getState();
    if (ephemeral.hoverInstanceId !== hover) actions.setEphemeral({ hoverInstanceId: hover });
  }

  onDoubleClick(info: PointerInfo) {
    const hit = this.tool.hit(info.point);
    if (hit.kind === 'edge') this.insertOnEdge(hit.instanceId, hit.ring, hit.afterIndex, hit.point);
  }

  onKeyDown(key: KeyInfo): boolean {
    if (key.key !== 'Delete' && key.key !== 'Backspace') return false;
    const { store } = this.tool.context;
    const state = store.getState();
    const document = currentDocument(state);
    const selection = state.session.selection;
    if (!document || !selection) return false;
    const instance = document.instances[selection.instanceId];
    if (!instance) return false;
    if (selection.vertex) {
      const polygons = deleteVertex(instance.polygons, selection.vertex);
      state.actions.execute(editOrRemove(document, instance.id, polygons, 'Delete vertex'));
      state.actions.setSession({ selection: polygons ? { instanceId: instance.id, vertex: null } : null });
    } else {
      deleteInstance(store, instance.id);
    }
    return true;
  }

  private insertOnEdge(instanceId: string, ring: number, afterIndex: number, point: { x: number; y: number }) {
    const state = this.tool.context.store.getState();
    const document = currentDocument(state);
    const instance = document?.instances[instanceId];
    if (!document || !instance) return;
    const polygons = insertVertex(instance.polygons, ring, afterIndex, point);
    state.actions.execute(editPolygons(document, instanceId, polygons, 'Insert vertex'));
    state.actions.setSession({ selection: { instanceId, vertex: { ring, index: afterIndex + 1 } } });
  }
}
