// The one facade tools act through (tldraw's Editor): they read the state, change the document
// only by commands (undoable), set the selection and the ephemeral feedback, tell the user, hit-test
// in image pixels and call the model. Tools never reach into the store or the client themselves.
import type { MaskPilotApi } from '../../../shared/api/contract';
import type { Point } from '../editing/polygon-edits';
import { removeInstances } from '../state/commands';
import type { Command } from '../state/commands';
import type { ImageDocument } from '../state/document';
import type { EphemeralState } from '../state/ephemeral';
import type { Selection } from '../state/session';
import { currentDocument } from '../state/store';
import type { EditorState, EditorStore } from '../state/store';
import { hitTest, VERTEX_HIT_RADIUS_PX } from './hit-test';
import type { HitTarget } from './hit-test';

export type SegmentApi = Pick<MaskPilotApi, 'segmentAt'>;

/** What the app hands the tools: the store, the model call, and where latencies go. */
export interface ToolContext {
  store: EditorStore;
  api: SegmentApi;
  /** Called with the latency of each model call the tools make (ms), for the status bar. */
  reportLatency(latencyMs: number): void;
}

export interface Editor {
  /** The whole state, to read; change it only through the methods below. */
  getState(): EditorState;
  /** The open image's document, or undefined before it is loaded. */
  currentDocument(): ImageDocument | undefined;
  /** Applies a document command and records it for undo; null is a no-op. */
  execute(command: Command | null): void;
  select(selection: Selection | null): void;
  /** Pointer feedback (previews, markers): never saved, never undone. */
  setEphemeral(patch: Partial<EphemeralState>): void;
  notify(kind: 'info' | 'error', text: string): void;
  /** A length of `screenPixels` on screen, in image pixels at the current zoom. */
  imageRadius(screenPixels: number): number;
  /** What is under an image point: a handle of the selection, else the topmost visible instance. */
  hitTest(point: Point): HitTarget;
  /** Removes an instance (one undoable command) and clears the selection. */
  deleteInstance(instanceId: string): void;
  /** One interactive-segmentation call to the model; its latency goes to the status bar. */
  segmentAt(params: Parameters<SegmentApi['segmentAt']>[0]): ReturnType<SegmentApi['segmentAt']>;
}

export function createEditor({ store, api, reportLatency }: ToolContext): Editor {
  const actions = () => store.getState().actions;
  const editor: Editor = {
    getState: () => store.getState(),
    currentDocument: () => currentDocument(store.getState()),
    execute: (command) => actions().execute(command),
    select: (selection) => actions().setSession({ selection }),
    setEphemeral: (patch) => actions().setEphemeral(patch),
    notify: (kind, text) => actions().notify(kind, text),
    imageRadius: (screenPixels) => screenPixels / store.getState().session.camera.scale,
    hitTest(point) {
      const state = store.getState();
      const document = currentDocument(state);
      if (!document) return { kind: 'empty' };
      return hitTest(document, state.session, point, editor.imageRadius(VERTEX_HIT_RADIUS_PX));
    },
    deleteInstance(instanceId) {
      const document = editor.currentDocument();
      if (!document) return;
      editor.execute(removeInstances(document, [instanceId], 'Delete instance'));
      editor.select(null);
    },
    async segmentAt(params) {
      const result = await api.segmentAt(params);
      reportLatency(result.latencyMs);
      return result;
    },
  };
  return editor;
}
