// The toolbar: tools, model actions, threshold and proposal-limit controls, view, history, model
// panel, the import and export dialogs. Buttons are actions of the registry (ActionButton); sliders
// are the toolbar's own.
import { useController, useEditor } from '../app/context';
import { fineTuneEnded } from '../state/learning';
import type { ToolName } from '../state/session';
import { PROPOSAL_LIMITS } from '../state/visibility';
import { ActionButton } from './ActionButton';

const TOOLS: readonly ToolName[] = ['select', 'draw', 'segment'];

export function Toolbar() {
  const controller = useController();
  const { store } = controller;
  const tool = useEditor((state) => state.session.tool);
  const threshold = useEditor((state) => state.session.scoreThreshold);
  const proposalLimit = useEditor((state) => state.session.proposalLimit);
  const modelReady = useEditor((state) => state.catalog.modelStatus?.ready ?? false);
  const proposing = useEditor((state) => state.catalog.proposingImageId !== null);
  const modelPanelOpen = useEditor((state) => state.session.modelPanelOpen);
  const fineTuning = useEditor((state) => state.learning.fineTune !== null && !fineTuneEnded(state.learning.fineTune));
  const { actions } = store.getState();

  return (
    <div className="toolbar" data-testid="toolbar">
      <span className="brand">MaskPilot</span>
      {/* One row always: this part gives up space (it clips, never wraps) so the canvas below never moves and the right group stays on screen. */}
      <div className="toolbar-main">
        <div className="group">
          {TOOLS.map((name) => (
            <ActionButton key={name} action={`tool.${name}`} testId={`tool-${name}`} className={tool === name ? 'active' : ''} />
          ))}
        </div>
        <div className="group">
          <ActionButton action="propose" testId="propose" data={{ 'data-busy': proposing }} title={modelReady ? undefined : 'Model not ready'}>
            {proposing ? 'Proposing…' : undefined}
          </ActionButton>
          <ActionButton action="acceptShown" testId="accept-all" />
          <label className="select" title="How many proposals are shown at a time, best first: deciding one shows the next">
            <span className="wide">Show</span>
            <select data-testid="proposal-limit" value={proposalLimit} onChange={(event) => actions.setSession({ proposalLimit: Number(event.target.value) })}>
              {PROPOSAL_LIMITS.map((limit) => (
                <option key={limit} value={limit}>
                  {limit === 0 ? 'all' : `top ${limit}`}
                </option>
              ))}
            </select>
          </label>
          <label className="slider" title="Score threshold: proposals below it are hidden">
            <span className="wide">Score ≥</span> <output>{threshold.toFixed(2)}</output>
            <input data-testid="threshold" type="range" min={0} max={1} step={0.01} value={threshold} onChange={(event) => actions.setSession({ scoreThreshold: Number(event.target.value) })} />
          </label>
        </div>
        <div className="group">
          <ActionButton action="undo" />
          <ActionButton action="redo" />
          <ActionButton action="zoomFit" />
          <ActionButton action="actualSize" />
        </div>
        <div className="group">
          {/* Training shows as a dot in space the button always keeps, so the toolbar never changes width. */}
          <ActionButton action="toggleModelPanel" testId="model-panel-toggle" className={modelPanelOpen ? 'active' : ''} title={fineTuning ? 'Model panel (M): fine-tuning is running' : undefined} data={{ 'data-training': fineTuning }}>
            Model<span className={`training-dot${fineTuning ? ' on' : ''}`} aria-label={fineTuning ? 'training' : undefined} />
          </ActionButton>
        </div>
      </div>
      <div className="group right">
        <ActionButton action="proposeAll" testId="propose-all" />
        <ActionButton action="importAnnotations" testId="import" />
        <ActionButton action="exportDataset" testId="export" />
      </div>
    </div>
  );
}
