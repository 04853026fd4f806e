// Idle: nothing pressed. Pointer down picks what to do next; Delete removes the selected vertex
// (or the instance when no vertex is selected); double-click / alt-click on an edge inserts a vertex.
import { editOrRemove, editPolygons } from '../../../editing/instance-edits';
import { deleteVertex, insertVertex } from '../../../editing/polygon-edits';
import type { Point } from '../../../editing/polygon-edits';
import { ChildState } from '../../state-node';
import type { KeyInfo, PointerInfo } from '../../state-node';

export class Idle extends ChildState {
  readonly name = 'idle';

  onPointerDown(info: PointerInfo) {
    if (info.button !== 0) return;
    const hit = this.editor.hitTest(info.point);
    if (hit.kind === 'edge' && info.altKey) {
      this.insertOnEdge(hit.instanceId, hit.ring, hit.afterIndex, hit.point);
      this.parent.transition('pointing_vertex', info);
      return;
    }
    if (hit.kind === 'vertex') {
      this.editor.select({ instanceId: hit.instanceId, vertex: hit.vertex });
      this.parent.transition('pointing_vertex', info);
      return;
    }
    if (hit.kind === 'instance' || hit.kind === 'edge') {
      this.editor.select({ instanceId: hit.instanceId, vertex: null });
      this.parent.transition('pointing_instance', info);
      return;
    }
    this.editor.select(null);
  }

  onPointerMove(info: PointerInfo) {
    const hit = this.editor.hitTest(info.point);
    const hover = hit.kind === 'empty' ? null : hit.instanceId;
    if (this.editor.getState().ephemeral.hoverInstanceId !== hover) this.editor.setEphemeral({ hoverInstanceId: hover });
  }

  onDoubleClick(info: PointerInfo) {
    const hit = this.editor.hitTest(info.point);
    if (hit.kind === 'edge') this.insertOnEdge(hit.instanceId, hit.ring, hit.afterIndex, hit.point);
  }

  onKeyDown(key: KeyInfo): boolean {
    if (key.key !== 'Delete' && key.key !== 'Backspace') return false;
    const document = this.editor.currentDocument();
    const selection = this.editor.getState().session.selection;
    if (!document || !selection) return false;
    const instance = document.instances[selection.instanceId];
    if (!instance) return false;
    if (selection.vertex) {
      const polygons = deleteVertex(instance.polygons, selection.vertex);
      this.editor.execute(editOrRemove(document, instance.id, polygons, 'Delete vertex'));
      this.editor.select(polygons ? { instanceId: instance.id, vertex: null } : null);
    } else {
      this.editor.deleteInstance(instance.id);
    }
    return true;
  }

  private insertOnEdge(instanceId: string, ring: number, afterIndex: number, point: Point) {
    const document = this.editor.currentDocument();
    const instance = document?.instances[instanceId];
    if (!document || !instance) return;
    const polygons = insertVertex(instance.polygons, ring, afterIndex, point);
    this.editor.execute(editPolygons(document, instanceId, polygons, 'Insert vertex'));
    this.editor.select({ instanceId, vertex: { ring, index: afterIndex + 1 } });
  }
}
