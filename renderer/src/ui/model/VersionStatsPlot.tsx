// How each version's proposals fared with the annotator: one stacked bar per version (share of the
// decided proposals accepted as-is, edited, rejected) with the counts and the mean IoU of the edits.
import type { ModelVersion, VersionStats } from '../../../../shared/api/types';
import { linearScale } from './plot-scale';

const WIDTH = 300;
const ROW = 48;
const MARGIN = { left: 8, right: 8, top: 4, bottom: 22 };
const PARTS = [
  { key: 'acceptedAsIs', label: 'accepted as-is', className: 'accepted' },
  { key: 'edited', label: 'edited', className: 'edited' },
  { key: 'rejected', label: 'rejected', className: 'rejected' },
] as const;

export function VersionStatsPlot({ stats, versions }: { stats: readonly VersionStats[]; versions: readonly ModelVersion[] }) {
  const shown = stats.filter((entry) => entry.acceptedAsIs + entry.edited + entry.rejected + entry.proposed > 0);
  if (shown.length === 0) {
    return <div className="muted empty" data-testid="version-stats-empty">No proposals decided yet: accept, edit or reject some to compare versions.</div>;
  }
  const labelOf = (id: string) => versions.find((version) => version.id === id)?.label ?? id;
  const height = MARGIN.top + shown.length * ROW + MARGIN.bottom;
  const x = linearScale([0, 1], [MARGIN.left, WIDTH - MARGIN.right]);

  return (
    <svg className="plot stats-plot" data-testid="version-stats" viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label="Proposals accepted, edited and rejected per model version">
      {shown.map((entry, row) => {
        const decided = entry.acceptedAsIs + entry.edited + entry.rejected;
        const top = MARGIN.top + row * ROW;
        let offset = 0;
        return (
          <g key={entry.versionId} data-testid="version-stats-row" data-version-id={entry.versionId}>
            <text className="bar-label" x={MARGIN.left} y={top + 10}>
              {labelOf(entry.versionId)}
            </text>
            <text className="bar-caption" x={WIDTH - MARGIN.right} y={top + 10} textAnchor="end">
              {entry.proposed} undecided
            </text>
            <text className="bar-caption" x={MARGIN.left} y={top + 38}>
              {entry.acceptedAsIs} accepted · {entry.edited} edited (mean IoU {entry.meanEditIou === null ? '—' : entry.meanEditIou.toFixed(2)}) · {entry.rejected} rejected
            </text>
            <rect className="bar-track" x={x(0)} y={top + 14} width={x(1) - x(0)} height={12} />
            {decided > 0 &&
              PARTS.map((part) => {
                const count = entry[part.key];
                const share = count / decided;
                const start = offset;
                offset += share;
                if (count === 0) return null;
                return (
                  <rect key={part.key} className={`bar ${part.className}`} data-part={part.key} data-count={count} x={x(start)} y={top + 14} width={x(start + share) - x(start)} height={12}>
                    <title>{`${part.label}: ${count} of ${decided} decided (${Math.round(share * 100)}%)`}</title>
                  </rect>
                );
              })}
            {decided > 0 &&
              PARTS.map((part, i) => {
                const before = PARTS.slice(0, i).reduce((sum, p) => sum + entry[p.key], 0) / decided;
                const share = entry[part.key] / decided;
                return share >= 0.12 ? (
                  <text key={`n${part.key}`} className="bar-count" x={x(before + share / 2)} y={top + 23.5} textAnchor="middle">{entry[part.key]}</text>
                ) : null;
              })}
          </g>
        );
      })}
      <g transform={`translate(${MARGIN.left} ${height - 8})`} className="legend">
        {PARTS.map((part, i) => (
          <g key={part.key} transform={`translate(${i * 96} 0)`}>
            <rect className={`bar ${part.className}`} x={0} y={-8} width={10} height={10} />
            <text x={14} y={1}>{part.label}</text>
          </g>
        ))}
      </g>
    </svg>
  );
}
