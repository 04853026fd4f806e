// The project's model versions: bundled networks (choosing one picks the network) and fine-tunes,
// each with its held-out evaluation and decision, the active one marked, and a button to make any
// other one active (called "Roll back" for versions the active one descends from).
import type { ModelVersion } from '../../../../shared/api/types';
import { useController, useEditor } from '../../app/context';
import { formatAr, formatCreated } from './format';
import { ancestorsOf } from './lineage';

export function VersionList() {
  const { learning } = useController();
  const versions = useEditor((state) => state.learning.versions);
  const activeId = useEditor((state) => state.learning.activeId);
  const activatingId = useEditor((state) => state.learning.activatingId);
  const fineTuning = useEditor((state) => state.learning.fineTune !== null && !['finished', 'cancelled', 'failed'].includes(state.learning.fineTune.phase));
  const ancestors = ancestorsOf(versions, activeId);

  if (versions.length === 0) return <div className="muted empty">No model versions listed.</div>;
  return (
    <div className="version-rows">
      {versions.map((version) => {
        const active = version.id === activeId;
        const action = ancestors.has(version.id) ? 'Roll back' : 'Activate';
        return (
          <div key={version.id} className={`version-row${active ? ' active' : ''}`} data-testid="version-row" data-version-id={version.id} data-active={active}>
            <div className="version-head">
              <span className="version-label" title={version.label}>{version.label}</span>
              <span className={`badge ${version.kind}`}>{version.kind === 'bundled' ? 'bundled' : 'fine-tune'}</span>
              {active ? (
                <span className="active-marker" data-testid="active-version">● active</span>
              ) : (
                <button
                  data-testid="activate-version"
                  disabled={activatingId !== null || fineTuning}
                  title={fineTuning ? 'Wait for the fine-tune to end' : `Make ${version.label} propose from now on`}
                  onClick={() => void learning.activate(version.id)}
                >
                  {activatingId === version.id ? 'Loading…' : action}
                </button>
              )}
            </div>
            <div className="version-meta muted">
              {version.architectureLabel} · {formatCreated(version.createdAt)}
              {version.training ? ` · ${version.training.steps} steps, ${version.training.positives} pos / ${version.training.negatives} neg` : ''}
            </div>
            <Evaluation version={version} />
            {version.decision && <div className="version-decision" data-testid="version-decision">{version.decision}</div>}
          </div>
        );
      })}
    </div>
  );
}

function Evaluation({ version }: { version: ModelVersion }) {
  const evaluation = version.evaluation;
  if (!evaluation) return <div className="version-eval muted">not evaluated on this project</div>;
  const baseline = evaluation.baselineId
    ? ` (baseline ${formatAr(evaluation.baselineAr10)} / ${formatAr(evaluation.baselineAr100)})`
    : '';
  return (
    <div className="version-eval" data-testid="version-eval" title={`${evaluation.heldOutInstances} instances on ${evaluation.heldOutImages} held-out images${evaluation.baselineId ? `; baseline: ${evaluation.baselineId}` : ''}`}>
      AR@10 {formatAr(evaluation.ar10)} · AR@100 {formatAr(evaluation.ar100)}
      <span className="muted">{baseline}</span>
      <span className="muted"> · {evaluation.heldOutImages} held-out images</span>
    </div>
  );
}
