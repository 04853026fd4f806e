// Fine-tuning: the "Fine-tune now" button (with an optional step count), the learning settings and
// the corrections count, and while a run is on: its progress bar with Cancel and the live loss plot.
import { useState } from 'react';
import { useController, useEditor } from '../../app/context';
import { fineTuneEnded } from '../../state/learning';
import { progressLine } from './format';
import { LossPlot } from './LossPlot';

export function FineTuneSection() {
  const { learning } = useController();
  const fineTune = useEditor((state) => state.learning.fineTune);
  const corrections = useEditor((state) => state.learning.correctionsSinceFineTune);
  const activeArchitecture = useEditor((state) => state.learning.versions.find((version) => version.id === state.learning.activeId)?.architecture);
  const fineTunable = useEditor((state) => state.learning.fineTunable);
  const fineTunableLabels = useEditor((state) => [...new Set(state.learning.versions.filter((version) => state.learning.fineTunable.includes(version.architecture)).map((version) => version.architectureLabel))].join(' or '));
  // The learner refuses versions of models it cannot train (e.g. InstanceFCN), so say so before the click.
  const refusal = activeArchitecture && !fineTunable.includes(activeArchitecture) ? `Fine-tuning works on ${fineTunableLabels || 'other'} versions: activate one to fine-tune` : null;
  const [steps, setSteps] = useState('');
  const running = !fineTuneEnded(fineTune);
  const stepCount = Number(steps);
  const stepsValid = steps.trim() === '' || (Number.isInteger(stepCount) && stepCount > 0);

  return (
    <div className="model-section" data-testid="fine-tune-section">
      <div className="fine-tune-start">
        <button
          data-testid="fine-tune-now"
          className="primary"
          disabled={running || !stepsValid || refusal !== null}
          title={refusal ?? "Train the active version further on this project's corrections, in the background"}
          onClick={() => void learning.startFineTune(steps.trim() === '' ? {} : { steps: stepCount })}
        >
          Fine-tune now
        </button>
        <label className="steps" title="Training steps (empty: the default)">
          steps
          <input data-testid="fine-tune-steps" inputMode="numeric" placeholder="default" value={steps} className={stepsValid ? '' : 'invalid'} onChange={(event) => setSteps(event.target.value)} />
        </label>
      </div>
      <div className="muted" data-testid="corrections-count">
        {corrections} correction{corrections === 1 ? '' : 's'} since the last fine-tune
      </div>
      <LearningSettingsForm />
      {fineTune && (
        <div className="fine-tune-progress" data-testid="fine-tune-progress" data-phase={fineTune.phase}>
          <div data-testid="fine-tune-status">{progressLine(fineTune)}</div>
          <div className="progress-line">
            <progress max={Math.max(1, fineTune.totalSteps)} value={fineTune.phase === 'finished' ? Math.max(1, fineTune.totalSteps) : fineTune.step} />
            {running && <button data-testid="cancel-fine-tune" onClick={() => void learning.cancelFineTune()}>Cancel</button>}
          </div>
          {/* While training the server's message only repeats the step count shown above. */}
          {fineTune.message && fineTune.phase !== 'training' && (
            <div className={`fine-tune-message ${fineTune.phase === 'failed' ? 'error' : 'muted'}`} data-testid="fine-tune-message">{fineTune.message}</div>
          )}
          <LossPlot loss={fineTune.loss} totalSteps={fineTune.totalSteps} />
        </div>
      )}
    </div>
  );
}

function LearningSettingsForm() {
  const { learning } = useController();
  const settings = useEditor((state) => state.learning.settings);
  const [draft, setDraft] = useState<string | null>(null);
  if (!settings) return null;
  const commit = () => {
    if (draft === null) return;
    const value = Number(draft);
    setDraft(null);
    if (Number.isInteger(value) && value > 0 && value !== settings.correctionsPerFineTune) void learning.saveSettings({ correctionsPerFineTune: value });
  };
  return (
    <div className="learning-settings">
      <label className="check">
        <input data-testid="auto-fine-tune" type="checkbox" checked={settings.autoFineTune} onChange={(event) => void learning.saveSettings({ autoFineTune: event.target.checked })} />
        Auto fine-tune every
      </label>
      <input
        data-testid="corrections-per-fine-tune"
        className="number"
        inputMode="numeric"
        value={draft ?? String(settings.correctionsPerFineTune)}
        onChange={(event) => setDraft(event.target.value)}
        onBlur={commit}
        onKeyDown={(event) => {
          if (event.key === 'Enter') commit();
          if (event.key === 'Escape') setDraft(null);
        }}
      />
      <span className="muted">corrections</span>
    </div>
  );
}
