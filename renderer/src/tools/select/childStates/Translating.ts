// Moving a whole instance: the offset is kept inside the image so no ring leaves it; one "Move
// instance" command on release, Escape restores (see PolygonDrag).
import type { FlatPolygon } from '../../../../../shared/api/types';
import { polygonBounds, translatePolygons } from '../../../editing/polygon-edits';
import type { ImageDocument } from '../../../state/document';
import type { PointerInfo } from '../../state-node';
import { PolygonDrag } from '../polygon-drag';
import type { DragGesture } from '../polygon-drag';

export class Translating extends PolygonDrag {
  readonly name = 'translating';
  protected readonly commitLabel = 'Move instance';

  protected begin(): boolean {
    return true;
  }

  protected preview(gesture: DragGesture, info: PointerInfo, document: ImageDocument): FlatPolygon[] | null {
    const bounds = polygonBounds(gesture.original);
    if (!bounds) return null;
    const dx = clamp(info.point.x - gesture.start.x, -bounds.minX, document.width - bounds.maxX);
    const dy = clamp(info.point.y - gesture.start.y, -bounds.minY, document.height - bounds.maxY);
    return translatePolygons(gesture.original, dx, dy);
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), Math.max(min, max));
}
