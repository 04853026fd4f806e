// The toolbar: tools, model actions, threshold and tolerance sliders, view, history, model panel, COCO.
import { useRef } from 'react';
import { acceptShownProposals } from '../app/annotation-actions';
import { useController, useEditor } from '../app/context';
import { PROPOSAL_LIMITS } from '../state/visibility';
import { fineTuneEnded } from '../state/learning';
import { actualSizeCamera } from '../state/session';
import type { ToolName } from '../state/session';

const TOOLS: { name: ToolName; label: string; key: string }[] = [
  { name: 'select', label: 'Select', key: 'V' },
  { name: 'draw', label: 'Draw', key: 'D' },
  { name: 'segment', label: 'Segment', key: 'S' },
];

export function Toolbar() {
  const controller = useController();
  const { store, toolbox } = controller;
  const tool = useEditor((state) => state.session.tool);
  const threshold = useEditor((state) => state.session.scoreThreshold);
  const proposalLimit = useEditor((state) => state.session.proposalLimit);
  const modelReady = useEditor((state) => state.catalog.modelStatus?.ready ?? false);
  const jobRunning = useEditor((state) => state.catalog.job?.state === 'running');
  const proposing = useEditor((state) => state.catalog.proposingImageId !== null);
  const canUndo = useEditor((state) => (state.history[state.session.currentImageId ?? '']?.undo.length ?? 0) > 0);
  const canRedo = useEditor((state) => (state.history[state.session.currentImageId ?? '']?.redo.length ?? 0) > 0);
  const modelPanelOpen = useEditor((state) => state.session.modelPanelOpen);
  const fineTuning = useEditor((state) => state.learning.fineTune !== null && !fineTuneEnded(state.learning.fineTune));
  const fileInput = useRef<HTMLInputElement>(null);
  const { actions } = store.getState();

  return (
    <div className="toolbar">
      <span className="brand">MaskPilot</span>
      <div className="group">
        {TOOLS.map((entry) => (
          <button key={entry.name} className={tool === entry.name ? 'active' : ''} data-testid={`tool-${entry.name}`} title={`${entry.label} (${entry.key})`} onClick={() => toolbox.setTool(entry.name)}>
            {entry.label}
          </button>
        ))}
      </div>
      <div className="group">
        <button
          data-testid="propose"
          data-busy={proposing}
          disabled={!modelReady || proposing}
          title={modelReady ? 'Propose masks for this image (one undoable batch)' : 'Model not ready'}
          onClick={() => void controller.proposeCurrent()}
        >
          {proposing ? 'Proposing…' : 'Propose'}
        </button>
        <button data-testid="accept-all" title="Accept every proposal on show (Shift+A)" onClick={() => acceptShownProposals(store)}>
          Accept shown
        </button>
        <label className="select" title="How many proposals are shown at a time, best first: deciding one shows the next">
          Show
          <select data-testid="proposal-limit" value={proposalLimit} onChange={(event) => actions.setSession({ proposalLimit: Number(event.target.value) })}>
            {PROPOSAL_LIMITS.map((limit) => (
              <option key={limit} value={limit}>
                {limit === 0 ? 'all' : `top ${limit}`}
              </option>
            ))}
          </select>
        </label>
        <label className="slider" title="Score threshold: proposals below it are hidden">
          Score ≥ <output>{threshold.toFixed(2)}</output>
          <input data-testid="threshold" type="range" min={0} max={1} step={0.01} value={threshold} onChange={(event) => actions.setSession({ scoreThreshold: Number(event.target.value) })} />
        </label>
      </div>
      <div className="group">
        <button disabled={!canUndo} title="Undo (Ctrl+Z)" onClick={() => actions.undo()}>↶</button>
        <button disabled={!canRedo} title="Redo (Ctrl+Shift+Z)" onClick={() => actions.redo()}>↷</button>
        <button title="Fit (F)" onClick={() => controller.fitToView()}>Fit</button>
        <button
          title="100% (Ctrl+1)"
          onClick={() => {
            const state = store.getState();
            actions.setSession({ camera: actualSizeCamera(state.session.camera, state.ephemeral.viewport.width, state.ephemeral.viewport.height) });
          }}
        >
          100%
        </button>
      </div>
      <div className="group">
        <button
          data-testid="model-panel-toggle"
          className={modelPanelOpen ? 'active' : ''}
          title="Model versions, fine-tuning and per-version statistics (M)"
          onClick={() => actions.setSession({ modelPanelOpen: !store.getState().session.modelPanelOpen })}
        >
          Model{fineTuning ? ' · training…' : ''}
        </button>
      </div>
      <div className="group right">
        <button data-testid="propose-all" disabled={!modelReady || jobRunning} onClick={() => void controller.proposeAll()}>Propose all</button>
        <button data-testid="import-coco" onClick={() => fileInput.current?.click()}>Import COCO</button>
        <input
          ref={fileInput}
          data-testid="import-coco-file"
          type="file"
          accept=".json,application/json"
          hidden
          onChange={(event) => {
            const file = event.target.files?.[0];
            event.target.value = '';
            if (file) void controller.importCoco(file);
          }}
        />
        <button data-testid="export-coco" onClick={() => void controller.exportCoco()}>Export COCO</button>
      </div>
    </div>
  );
}
