// The status bar: model backend, version and last latency; save state; zoom; last notice; job progress.
import { useController, useEditor } from '../app/context';
import { REFUSED_TEXT } from '../app/server-events';

const CONNECTION_LABEL = { connecting: 'Connecting…', reconnecting: 'Host not answering: retrying…', closed: 'Disconnected', refused: 'Host restarted: open its new URL' } as const;

const SAVE_LABEL = { saved: 'Saved', dirty: 'Unsaved changes', saving: 'Saving…', error: 'Save failed — retrying' } as const;

export function StatusBar() {
  const controller = useController();
  const model = useEditor((state) => state.catalog.modelStatus);
  const latency = useEditor((state) => state.catalog.lastLatencyMs ?? state.catalog.modelStatus?.lastLatencyMs ?? null);
  const saveState = useEditor((state) => (state.session.currentImageId ? state.sync.saveStates[state.session.currentImageId] : undefined));
  const zoom = useEditor((state) => state.session.camera.scale);
  const notice = useEditor((state) => state.sync.notice);
  const job = useEditor((state) => state.catalog.job);
  const position = useEditor((state) => `${state.session.currentIndex + 1} / ${state.catalog.imageTotal}`);
  const toolState = useEditor((state) => state.session.tool);
  const segment = useEditor((state) => state.ephemeral.segment);
  const connection = useEditor((state) => state.catalog.connection);

  return (
    <div className="status-bar" data-testid="status-bar">
      <span className={`model ${model?.ready ? 'ready' : 'off'}`} title={model?.backendNotes.join('\n') ?? ''} data-testid="model-status">
        Model: {model ? (model.ready ? `${model.backend}` : `not ready (${model.backend})`) : 'unknown'}
        {model?.modelVersion ? ` · ${model.modelVersion}` : ''}
        {latency !== null ? ` · ${Math.round(latency)} ms` : ''}
      </span>
      {connection !== 'open' && (
        <span className="save error" data-testid="connection" data-state={connection} title={connection === 'refused' ? REFUSED_TEXT : 'Edits are kept and saved once the host answers again'}>
          {CONNECTION_LABEL[connection]}
        </span>
      )}
      <span className="sep" />
      <span>{position}</span>
      <span>{Math.round(zoom * 100)}%</span>
      <span>{toolState}</span>
      {segment && (
        <span data-testid="segment-status" title="Segment interaction: positive / negative clicks; Enter adds the result, Esc cancels">
          {segment.clicks.filter((click) => click.positive).length}+ {segment.clicks.filter((click) => !click.positive).length}−{segment.box ? ' box' : ''}
          {segment.scaleIndex > 0 ? ` scale ${segment.scaleIndex + 1}` : ''}
          {segment.result?.score != null ? ` · score ${segment.result.score.toFixed(2)}` : ''}
        </span>
      )}
      {saveState && (
        <span className={`save ${saveState}`} data-testid="save-state" data-state={saveState}>
          {SAVE_LABEL[saveState]}
        </span>
      )}
      {job && (
        <span className="job" data-testid="job-progress" data-state={job.state}>
          {job.kind} {job.done}/{job.total || '?'}
          <progress max={job.total || 1} value={job.done} />
          {job.state === 'running' ? <button data-testid="cancel-job" onClick={() => void controller.cancelJob()}>Cancel</button> : <span>{job.state}</span>}
        </span>
      )}
      <span className={`notice ${notice?.kind ?? ''}`} data-testid="notice">
        {notice?.text}
      </span>
    </div>
  );
}
