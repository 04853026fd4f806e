// Select tool: pick instances, drag vertices, insert (double-click / alt-click on an edge) and
// delete vertices, move whole instances. One child state per file in childStates/.
import { Tool } from '../tool';
import type { ToolContext } from '../tool';
import { hitTest } from '../hit-test';
import type { HitTarget } from '../hit-test';
import type { Point } from '../../editing/polygon-edits';
import { currentDocument } from '../../state/store';
import { Idle } from './childStates/Idle';
import { PointingVertex } from './childStates/PointingVertex';
import { DraggingVertex } from './childStates/DraggingVertex';
import { PointingInstance } from './childStates/PointingInstance';
import { Translating } from './childStates/Translating';

/** Handle radius in screen pixels (the hit radius is a little larger than the drawn dot). */
export const VERTEX_HIT_RADIUS_PX = 7;

export class SelectTool extends Tool {
  readonly name = 'select';

  constructor(context: ToolContext) {
    super(context);
    this.register(
      [new Idle(this), new PointingVertex(this), new DraggingVertex(this), new PointingInstance(this), new Translating(this)],
      'idle',
    );
  }

  hit(point: Point): HitTarget {
    const state = this.context.store.getState();
    const document = currentDocument(state);
    if (!document) return { kind: 'empty' };
    return hitTest(document, state.session, point, this.imageRadius(VERTEX_HIT_RADIUS_PX));
  }
}
