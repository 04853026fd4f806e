// Select tool: pick instances, drag vertices, insert (double-click / alt-click on an edge) and
// delete vertices, move whole instances. One child state per file in childStates/.
import type { Editor } from '../editor';
import { Tool } from '../tool';
import { DraggingVertex } from './childStates/DraggingVertex';
import { Idle } from './childStates/Idle';
import { PointingInstance } from './childStates/PointingInstance';
import { PointingVertex } from './childStates/PointingVertex';
import { Translating } from './childStates/Translating';

export class SelectTool extends Tool {
  readonly name = 'select';

  constructor(editor: Editor) {
    super(editor);
    this.register(
      [new Idle(this, editor), new PointingVertex(this, editor), new DraggingVertex(this, editor), new PointingInstance(this, editor), new Translating(this, editor)],
      'idle',
    );
  }
}
