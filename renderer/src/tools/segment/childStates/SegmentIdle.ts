// The segment tool's one state: clicks ask the model; results are added (or replace the previous
// result of a Shift-click series).
import { addInstances, removeInstances } from '../../../state/commands';
import { mergeCommands } from '../../../state/commands';
import { currentDocument } from '../../../state/store';
import type { KeyInfo, PointerInfo, ToolState } from '../../tool';
import { SEGMENT_MARK } from '../SegmentTool';
import type { SegmentTool } from '../SegmentTool';

export class SegmentIdle implements ToolState {
  readonly name = 'segment_idle';
  constructor(private readonly tool: SegmentTool) {}

  onPointerDown(info: PointerInfo) {
    if (info.button !== 0) return;
    const state = this.tool.context.store.getState();
    if (state.ephemeral.segmentPending) return; // one request at a time
    const imageId = state.session.currentImageId;
    if (!imageId) return;
    const series = this.tool.series;
    if (info.shiftKey && series && series.imageId === imageId) {
      void this.request(imageId, info.point.x, info.point.y, series.scaleIndex + 1, series.instanceId);
      return;
    }
    this.tool.finishSeries();
    state.actions.mark(SEGMENT_MARK, imageId);
    this.tool.series = { imageId, x: info.point.x, y: info.point.y, scaleIndex: 0, instanceId: null };
    void this.request(imageId, info.point.x, info.point.y, 0, null);
  }

  onPointerMove(info: PointerInfo) {
    this.tool.context.store.getState().actions.setEphemeral({ pointer: info.point });
  }

  onKeyDown(key: KeyInfo): boolean {
    if (key.key === 'Enter' && this.tool.series) {
      this.tool.finishSeries();
      return true;
    }
    return false;
  }

  onCancel() {
    const series = this.tool.series;
    if (!series) return false;
    const { actions } = this.tool.context.store.getState();
    actions.bailToMark(SEGMENT_MARK, series.imageId);
    actions.setSession({ selection: null });
    this.tool.series = null;
    return true;
  }

  private async request(imageId: string, x: number, y: number, scaleIndex: number, replaces: string | null) {
    const { store, api, reportLatency } = this.tool.context;
    store.getState().actions.setEphemeral({ segmentPending: true });
    try {
      const result = await api.segmentAt({ imageId, clicks: [{ x: Math.round(x), y: Math.round(y), positive: true }], scaleIndex });
      reportLatency(result.latencyMs);
      const state = store.getState();
      const document = currentDocument(state);
      // The user may have moved to another image or cancelled while the model ran: drop the answer.
      if (!document || document.imageId !== imageId || this.tool.series?.imageId !== imageId) return;
      if (!result.instance) {
        state.actions.notify('info', scaleIndex > 0 ? 'No larger object found at that point.' : 'No object found at that point.');
        return;
      }
      let id = result.instance.id;
      while (document.instances[id] && id !== replaces) id = `${result.instance.id}-${Math.floor(Math.random() * 1e6)}`;
      const instance = { ...result.instance, id, source: 'click' as const, status: 'accepted' as const };
      const removal = replaces && document.instances[replaces] ? removeInstances(document, [replaces], 'Replace') : null;
      const afterRemoval = removal ? { ...document, instances: { ...document.instances }, order: document.order.filter((o) => o !== replaces) } : document;
      if (removal && replaces) delete afterRemoval.instances[replaces];
      const command = mergeCommands([removal, addInstances(afterRemoval, [instance], 'Segment')].filter((c) => c !== null), 'Click to segment');
      state.actions.execute(command);
      state.actions.setSession({ selection: { instanceId: id, vertex: null } });
      this.tool.series = { imageId, x, y, scaleIndex, instanceId: id };
    } catch (error) {
      store.getState().actions.notify('error', `Click-to-segment failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      store.getState().actions.setEphemeral({ segmentPending: false });
    }
  }
}
