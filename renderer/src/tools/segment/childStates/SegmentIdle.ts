// Nothing pressed. A press goes to segment_pointing (click or box); keys act on the open
// interaction: Enter commits, Backspace / Delete takes back the last click, ] and [ step the scale of
// a single click, Escape cancels, Ctrl+Z (via onUndo) takes back the last step.
import type { Editor } from '../../editor';
import { ChildState } from '../../state-node';
import type { KeyInfo, PointerInfo, StateParent } from '../../state-node';
import type { SegmentInteractions } from '../interaction';

export class SegmentIdle extends ChildState {
  readonly name = 'segment_idle';
  constructor(
    parent: StateParent,
    editor: Editor,
    private readonly interactions: SegmentInteractions,
  ) {
    super(parent, editor);
  }

  onPointerDown(info: PointerInfo) {
    if (info.button !== 0 && info.button !== 2) return;
    if (!this.editor.currentDocument()) return;
    this.parent.transition('segment_pointing', info);
  }

  onPointerMove(info: PointerInfo) {
    this.editor.setEphemeral({ pointer: info.point });
  }

  onKeyDown(key: KeyInfo): boolean {
    switch (key.key) {
      case 'Enter':
        return this.interactions.commit();
      case 'Backspace':
      case 'Delete':
        return this.interactions.removeLastClick();
      case ']':
      case '[':
        return this.stepScale(key.key === ']' ? 1 : -1);
      default:
        return false;
    }
  }

  onCancel() {
    return this.interactions.cancel();
  }

  onUndo() {
    return this.interactions.undo();
  }

  private stepScale(delta: 1 | -1): boolean {
    if (this.interactions.stepScale(delta)) return true;
    if (!this.interactions.isOpen) return false;
    this.editor.notify('info', 'The scale steps only for a single click; Backspace back to one click first.');
    return true;
  }
}
