// For unit tests: an action context over a real store and real tools, whose app-level calls (fit,
// open, propose, fine-tune) are recorded instead of reaching a host.
import type { EditorStore } from '../../state/store';
import type { SegmentApi } from '../../tools/editor';
import { createToolbox } from '../../tools/toolbox';
import type { Toolbox } from '../../tools/toolbox';
import type { ActionContext } from './action';

export function fakeActionContext(
  store: EditorStore,
  api: SegmentApi = { segmentAt: async () => ({ instance: null, latencyMs: 1 }) },
): ActionContext & { calls: string[]; toolbox: Toolbox } {
  const calls: string[] = [];
  const toolbox = createToolbox({ store, api, reportLatency: () => {} });
  return {
    calls,
    store,
    toolbox,
    editor: toolbox.editor,
    fitToView: () => void calls.push('fit'),
    openByOffset: async (delta) => void calls.push(`open ${delta}`),
    proposeCurrent: async () => void calls.push('propose'),
    proposeAll: async () => void calls.push('proposeAll'),
    startFineTune: () => void calls.push('fineTune'),
  };
}
