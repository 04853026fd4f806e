// Every action of the app, once: keys, label, enabled rule, handler. The keyboard handler
// (keyboard.ts), the toolbar, the desktop menu's commands (app-commands.ts; labels and keys of those
// come from shared/actions/menu-actions.ts, which electron/main's menu reads) and the shortcut help
// all read this list.
import { menuAction } from '../../../../shared/actions/menu-actions';
import type { AppCommand } from '../../../../shared/api/bridge';
import { actualSizeCamera, zoomAround } from '../../state/session';
import type { ToolName } from '../../state/session';
import type { EditorState, EditorStore } from '../../state/store';
import { acceptShownProposals, assignCategory, canFinishImage, cycleSelection, decide, finishImage } from '../annotation-actions';
import { resimplifySelected, sortedCategories, validSelection } from '../selectors';
import type { Action, ActionContext, KeyChord } from './action';

/** Zoom per step (View > Zoom In / Zoom Out, Ctrl+= / Ctrl+-), around the centre of the canvas. */
export const MENU_ZOOM_STEP = 1.25;

/** An action the desktop menu also shows: its label and keys come from the shared list. */
function menuBacked(id: AppCommand, rest: Omit<Action, 'id' | 'label' | 'keys'>): Action {
  const spec = menuAction(id);
  return { id, label: spec.label, keys: spec.keys, ...rest };
}

function zoomBy(store: EditorStore, factor: number) {
  const state = store.getState();
  const { width, height } = state.ephemeral.viewport;
  state.actions.setSession({ camera: zoomAround(state.session.camera, factor, width / 2, height / 2) });
}

function historyLength(state: EditorState, stack: 'undo' | 'redo'): number {
  return state.history[state.session.currentImageId ?? '']?.[stack].length ?? 0;
}

const hasSelection = (state: EditorState) => state.session.selection !== null;

function toolAction(tool: ToolName, key: string, buttonText: string, label: string): Action {
  return { id: `tool.${tool}`, label, buttonText, group: 'tools', keys: [{ key }], perform: (context) => context.toolbox.setTool(tool) };
}

const digits: KeyChord[] = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'].map((key) => ({ key }));

export const ACTIONS: readonly Action[] = [
  // Decisions on the key target: the selection, else the first proposal in Tab order (see annotation-actions.ts).
  { id: 'accept', label: 'Accept the key target (with its suggested category, if it has none) and keep it selected', group: 'decide', keys: [{ key: 'a', shift: false }], perform: ({ store }) => void decide(store, 'accepted') },
  { id: 'reject', label: 'Reject the key target; the next proposal becomes the target', group: 'decide', keys: [{ key: 'r' }], perform: ({ store }) => void decide(store, 'rejected') },
  { id: 'acceptShown', label: 'Accept every proposal shown', buttonText: 'Accept shown', group: 'decide', keys: [{ key: 'a', shift: true }], perform: ({ store }) => void acceptShownProposals(store) },
  { id: 'nextProposal', label: 'Next proposal (moves the selection on)', group: 'decide', keys: [{ key: 'Tab', shift: false }], perform: ({ store }) => cycleSelection(store, 1) },
  { id: 'previousProposal', label: 'Previous proposal', group: 'decide', keys: [{ key: 'Tab', shift: true }], perform: ({ store }) => cycleSelection(store, -1) },
  {
    id: 'finishImage',
    label: 'Finish image: reject every undecided proposal, the image is done (one undo); an image with nothing on it is marked done',
    buttonText: 'Finish image',
    group: 'decide',
    keys: [{ key: 'Enter', mod: true }],
    enabled: canFinishImage,
    perform: ({ store }) => void finishImage(store),
  },
  {
    id: 'categoryPicker',
    label: 'Pick a category by name for the key target (type to filter, Enter assigns)',
    buttonText: 'Category…',
    group: 'decide',
    keys: [{ key: 'c' }, { key: '/' }],
    enabled: (state) => state.session.currentImageId !== null,
    perform: ({ store }) => store.getState().actions.setSession({ categoryPickerOpen: true }),
  },
  {
    id: 'assignCategory',
    label: 'Assign category 1-9 to the key target and keep it selected (0 unassigns)',
    group: 'decide',
    keys: digits,
    keysText: '1-9, 0',
    perform({ store }, chord) {
      if (!chord) return;
      if (chord.key === '0') return void assignCategory(store, null);
      const category = sortedCategories(store.getState().document.categories)[Number(chord.key) - 1];
      if (category) assignCategory(store, category.id);
    },
  },
  { id: 'resimplify', label: 'Re-simplify the selection from its mask', buttonText: 'Re-simplify', group: 'edit', keys: [{ key: 'e' }], enabled: hasSelection, perform: ({ store }) => void resimplifySelected(store) },
  {
    id: 'deleteSelection',
    // Its key, Delete, belongs to the select tool (which deletes the selected vertex first).
    label: 'Delete the selected instance',
    buttonText: 'Delete',
    group: 'edit',
    keys: [],
    enabled: hasSelection,
    perform({ store, editor }) {
      const selected = store.getState().session.selection?.instanceId;
      if (selected) editor.deleteInstance(selected);
    },
  },
  menuBacked('undo', {
    buttonText: '↶',
    group: 'edit',
    enabled: (state) => historyLength(state, 'undo') > 0 || state.ephemeral.segment !== null || state.ephemeral.segmentPending,
    perform({ store, toolbox }) {
      // A gesture in progress (a segment interaction) steps back first; the document after it.
      if (toolbox.undoInGesture()) return;
      store.getState().actions.undo();
      store.getState().actions.setSession({ selection: validSelection(store) });
    },
  }),
  menuBacked('redo', {
    buttonText: '↷',
    group: 'edit',
    enabled: (state) => historyLength(state, 'redo') > 0,
    perform({ store }) {
      store.getState().actions.redo();
      store.getState().actions.setSession({ selection: validSelection(store) });
    },
  }),
  { id: 'deselect', label: 'Cancel the gesture in progress, else deselect', group: 'edit', keys: [{ key: 'Escape' }], perform: ({ store }) => store.getState().actions.setSession({ selection: null }) },

  { id: 'nextImage', label: 'Next image', group: 'navigate', keys: [{ key: 'n' }, { key: 'ArrowRight' }, { key: 'ArrowDown' }], perform: (context) => void context.openByOffset(1) },
  { id: 'previousImage', label: 'Previous image', group: 'navigate', keys: [{ key: 'p' }, { key: 'ArrowLeft' }, { key: 'ArrowUp' }], perform: (context) => void context.openByOffset(-1) },

  toolAction('select', 'v', 'Select', 'Select tool: pick, move, edit vertices'),
  toolAction('draw', 'd', 'Draw', 'Draw tool: click a polygon'),
  toolAction('segment', 's', 'Segment', 'Segment tool: click or box an object'),

  menuBacked('zoomIn', { group: 'view', perform: ({ store }) => zoomBy(store, MENU_ZOOM_STEP) }),
  menuBacked('zoomOut', { group: 'view', perform: ({ store }) => zoomBy(store, 1 / MENU_ZOOM_STEP) }),
  menuBacked('zoomFit', { buttonText: 'Fit', group: 'view', perform: (context) => context.fitToView() }),
  {
    id: 'actualSize',
    label: 'Actual size (100%)',
    buttonText: '100%',
    group: 'view',
    keys: [{ key: '1', mod: true }],
    perform({ store }) {
      const state = store.getState();
      state.actions.setSession({ camera: actualSizeCamera(state.session.camera, state.ephemeral.viewport.width, state.ephemeral.viewport.height) });
    },
  },
  {
    id: 'toggleModelPanel',
    label: 'Model panel: versions, fine-tuning, per-version statistics',
    buttonText: 'Model',
    group: 'model',
    keys: [{ key: 'm' }],
    perform: ({ store }) => store.getState().actions.setSession({ modelPanelOpen: !store.getState().session.modelPanelOpen }),
  },
  {
    id: 'propose',
    label: 'Propose masks for this image (one undoable batch)',
    buttonText: 'Propose',
    group: 'model',
    keys: [],
    enabled: (state) => (state.catalog.modelStatus?.ready ?? false) && state.catalog.proposingImageId === null,
    perform: (context) => void context.proposeCurrent(),
  },
  {
    id: 'proposeAll',
    label: 'Propose every image without a decision yet',
    buttonText: 'Propose all',
    group: 'model',
    keys: [],
    enabled: (state) => (state.catalog.modelStatus?.ready ?? false) && state.catalog.job?.state !== 'running',
    perform: (context) => void context.proposeAll(),
  },
  menuBacked('startFineTune', {
    group: 'model',
    perform(context) {
      context.store.getState().actions.setSession({ modelPanelOpen: true });
      context.startFineTune();
    },
  }),
  menuBacked('showModelVersions', { group: 'model', perform: ({ store }) => store.getState().actions.setSession({ modelPanelOpen: true }) }),
  // The dialogs say what they offer: import COCO, YOLO segmentation or LabelMe; export those or PNG masks.
  menuBacked('importAnnotations', { buttonText: 'Import…', group: 'project', perform: ({ store }) => store.getState().actions.setSession({ importDialogOpen: true, exportDialogOpen: false }) }),
  menuBacked('exportDataset', { buttonText: 'Export…', group: 'project', perform: ({ store }) => store.getState().actions.setSession({ exportDialogOpen: true, importDialogOpen: false }) }),
];

const byId = new Map(ACTIONS.map((action) => [action.id, action]));

export function actionById(id: string): Action {
  const action = byId.get(id);
  if (!action) throw new Error(`no action ${id}`);
  return action;
}

export function isEnabled(action: Action, state: EditorState): boolean {
  return action.enabled ? action.enabled(state) : true;
}

/** Runs an action if it is enabled; returns whether it ran. */
export function performAction(action: Action, context: ActionContext, chord?: KeyChord): boolean {
  if (!isEnabled(action, context.store.getState())) return false;
  action.perform(context, chord);
  return true;
}
