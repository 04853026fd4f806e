// The model panel beside the instances: model versions (choose a network, roll back), fine-tuning
// with live progress, and how each version's proposals fared. Opened from the toolbar's Model
// button or the desktop menu (Model > Versions, Model > Fine-tune now).
import { useController, useEditor } from '../../app/context';
import { FineTuneSection } from './FineTuneSection';
import { VersionList } from './VersionList';
import { VersionStatsPlot } from './VersionStatsPlot';

export function ModelPanel() {
  const { store, learning } = useController();
  const unavailable = useEditor((state) => state.learning.unavailable);
  const stats = useEditor((state) => state.learning.stats);
  const versions = useEditor((state) => state.learning.versions);
  const close = () => store.getState().actions.setSession({ modelPanelOpen: false });

  return (
    <div className="model-panel" data-testid="model-panel">
      <div className="panel-title">
        Model
        <button className="panel-close" title="Close the model panel" data-testid="model-panel-close" onClick={close}>✕</button>
      </div>
      {unavailable ? (
        <div className="model-section">
          <div className="muted" data-testid="model-unavailable">Model versions are not available: {unavailable}</div>
          <button onClick={() => void learning.refresh()}>Retry</button>
        </div>
      ) : (
        <>
          <div className="section-title">Versions</div>
          <VersionList />
          <div className="section-title">Fine-tuning</div>
          <FineTuneSection />
          <div className="section-title">Proposals per version <span className="muted">share of decided</span></div>
          <div className="model-section">
            <VersionStatsPlot stats={stats} versions={versions} />
          </div>
        </>
      )}
    </div>
  );
}
