// Draw tool: click points; Enter, or a click on the first point, closes the polygon into a new
// accepted instance. Starting with Shift held while an instance is selected adds the ring to that
// instance instead (inside it: a hole; outside: another part; the mask is even-odd).
import type { Editor } from '../editor';
import { Tool } from '../tool';
import { DrawIdle } from './childStates/DrawIdle';
import { Drawing } from './childStates/Drawing';

export class DrawTool extends Tool {
  readonly name = 'draw';
  constructor(editor: Editor) {
    super(editor);
    this.register([new DrawIdle(this, editor), new Drawing(this, editor)], 'draw_idle');
  }
}
