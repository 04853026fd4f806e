// What dragging a vertex and moving a whole instance share: the moved polygons live in the
// ephemeral drag preview while the pointer moves (nothing saved, nothing undoable yet); pointer up
// commits one command; Escape drops the preview, leaving the document exactly as before.
import type { FlatPolygon, Instance } from '../../../../shared/api/types';
import { editPolygons } from '../../editing/instance-edits';
import type { Point } from '../../editing/polygon-edits';
import type { ImageDocument } from '../../state/document';
import { ChildState } from '../state-node';
import type { PointerInfo } from '../state-node';

export interface DragGesture {
  instanceId: string;
  /** The instance's polygons when the gesture began (image pixels); every preview starts from them. */
  original: FlatPolygon[];
  /** Where the pointer went down, image pixels. */
  start: Point;
}

export abstract class PolygonDrag extends ChildState {
  /** Undo label of the committed command ("Move vertex", ...). */
  protected abstract readonly commitLabel: string;
  protected gesture: DragGesture | null = null;

  /** Starts the gesture on the selected instance; false refuses it (the tool goes back to idle). */
  protected abstract begin(instance: Instance, info: PointerInfo): boolean;
  /** The polygons if the gesture ended at `info`, or null to leave the preview as it is. */
  protected abstract preview(gesture: DragGesture, info: PointerInfo, document: ImageDocument): FlatPolygon[] | null;

  onEnter(info: PointerInfo | null) {
    const selection = this.editor.getState().session.selection;
    const instance = selection ? this.editor.currentDocument()?.instances[selection.instanceId] : undefined;
    if (!instance || !info || !this.begin(instance, info)) {
      this.parent.transition('idle');
      return;
    }
    this.gesture = { instanceId: instance.id, original: instance.polygons, start: info.point };
  }

  onPointerMove(info: PointerInfo) {
    const gesture = this.gesture;
    const document = this.editor.currentDocument();
    if (!gesture || !document) return;
    const polygons = this.preview(gesture, info, document);
    if (polygons) this.editor.setEphemeral({ dragPreview: { instanceId: gesture.instanceId, polygons } });
  }

  onPointerUp() {
    const preview = this.editor.getState().ephemeral.dragPreview;
    const document = this.editor.currentDocument();
    if (this.gesture && preview && document) {
      this.editor.execute(editPolygons(document, this.gesture.instanceId, preview.polygons, this.commitLabel));
    }
    this.finish();
  }

  onCancel() {
    this.finish();
    return true;
  }

  onExit() {
    this.gesture = null;
  }

  private finish() {
    this.editor.setEphemeral({ dragPreview: null });
    this.parent.transition('idle');
  }
}
