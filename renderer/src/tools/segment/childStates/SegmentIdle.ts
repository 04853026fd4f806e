// The segment tool's one state: clicks ask the model; results are added (or replace the previous
// result of a Shift-click series).
import { addInstances, mergeCommands, removeInstances } from '../../../state/commands';
import type { Editor } from '../../editor';
import { ChildState } from '../../state-node';
import type { KeyInfo, PointerInfo, StateParent } from '../../state-node';
import { SEGMENT_MARK } from '../click-series';
import type { ClickSeries } from '../click-series';

export class SegmentIdle extends ChildState {
  readonly name = 'segment_idle';
  constructor(
    parent: StateParent,
    editor: Editor,
    private readonly series: ClickSeries,
  ) {
    super(parent, editor);
  }

  onPointerDown(info: PointerInfo) {
    if (info.button !== 0) return;
    const state = this.editor.getState();
    if (state.ephemeral.segmentPending) return; // one request at a time
    const imageId = state.session.currentImageId;
    if (!imageId) return;
    const series = this.series.current;
    if (info.shiftKey && series && series.imageId === imageId) {
      void this.request(imageId, info.point.x, info.point.y, series.scaleIndex + 1, series.instanceId);
      return;
    }
    this.series.finish();
    state.actions.mark(SEGMENT_MARK, imageId);
    this.series.current = { imageId, x: info.point.x, y: info.point.y, scaleIndex: 0, instanceId: null };
    void this.request(imageId, info.point.x, info.point.y, 0, null);
  }

  onPointerMove(info: PointerInfo) {
    this.editor.setEphemeral({ pointer: info.point });
  }

  onKeyDown(key: KeyInfo): boolean {
    if (key.key === 'Enter' && this.series.current) {
      this.series.finish();
      return true;
    }
    return false;
  }

  onCancel() {
    const series = this.series.current;
    if (!series) return false;
    this.editor.getState().actions.bailToMark(SEGMENT_MARK, series.imageId);
    this.editor.select(null);
    this.series.current = null;
    return true;
  }

  private async request(imageId: string, x: number, y: number, scaleIndex: number, replaces: string | null) {
    const editor = this.editor;
    editor.setEphemeral({ segmentPending: true });
    try {
      const result = await editor.segmentAt({ imageId, clicks: [{ x: Math.round(x), y: Math.round(y), positive: true }], scaleIndex });
      const document = editor.currentDocument();
      // The user may have moved to another image or cancelled while the model ran: drop the answer.
      if (!document || document.imageId !== imageId || this.series.current?.imageId !== imageId) return;
      if (!result.instance) {
        editor.notify('info', scaleIndex > 0 ? 'No larger object found at that point.' : 'No object found at that point.');
        return;
      }
      let id = result.instance.id;
      while (document.instances[id] && id !== replaces) id = `${result.instance.id}-${Math.floor(Math.random() * 1e6)}`;
      const instance = { ...result.instance, id, source: 'click' as const, status: 'accepted' as const };
      const removal = replaces && document.instances[replaces] ? removeInstances(document, [replaces], 'Replace') : null;
      const afterRemoval = removal ? { ...document, instances: { ...document.instances }, order: document.order.filter((o) => o !== replaces) } : document;
      if (removal && replaces) delete afterRemoval.instances[replaces];
      const command = mergeCommands([removal, addInstances(afterRemoval, [instance], 'Segment')].filter((c) => c !== null), 'Click to segment');
      editor.execute(command);
      editor.select({ instanceId: id, vertex: null });
      this.series.current = { imageId, x, y, scaleIndex, instanceId: id };
    } catch (error) {
      editor.notify('error', `Click-to-segment failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      editor.setEphemeral({ segmentPending: false });
    }
  }
}
