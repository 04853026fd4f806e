// The fine-tune's loss curves (mask and score loss against the training step) as plain SVG, redrawn
// from the whole curve on every progress event.
import type { LossPoint } from '../../../../shared/api/types';
import { linearScale, niceCeiling, niceTicks, polylinePath } from './plot-scale';

const WIDTH = 300;
const HEIGHT = 150;
const MARGIN = { left: 38, right: 10, top: 10, bottom: 30 };

export function LossPlot({ loss, totalSteps }: { loss: readonly LossPoint[]; totalSteps: number }) {
  const lastStep = loss.length > 0 ? loss[loss.length - 1].step : 0;
  const xMax = Math.max(totalSteps, lastStep, 1);
  const yMax = niceCeiling(Math.max(0, ...loss.flatMap((point) => [point.maskLoss, point.scoreLoss].filter(Number.isFinite))));
  const x = linearScale([0, xMax], [MARGIN.left, WIDTH - MARGIN.right]);
  const y = linearScale([0, yMax], [HEIGHT - MARGIN.bottom, MARGIN.top]);
  const curve = (pick: (point: LossPoint) => number) => polylinePath(loss.map((point) => ({ x: x(point.step), y: y(pick(point)) })));

  return (
    <svg className="plot loss-plot" data-testid="loss-plot" data-points={loss.length} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label="Loss against training step">
      {niceTicks(0, yMax, 4).map((tick) => (
        <g key={`y${tick}`}>
          <line className="grid" x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(tick)} y2={y(tick)} />
          <text className="tick" x={MARGIN.left - 4} y={y(tick) + 3} textAnchor="end">{tick}</text>
        </g>
      ))}
      {niceTicks(0, xMax, 4).map((tick) => (
        <text key={`x${tick}`} className="tick" x={x(tick)} y={HEIGHT - MARGIN.bottom + 12} textAnchor="middle">{tick}</text>
      ))}
      <line className="axis" x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={HEIGHT - MARGIN.bottom} y2={HEIGHT - MARGIN.bottom} />
      <line className="axis" x1={MARGIN.left} x2={MARGIN.left} y1={MARGIN.top} y2={HEIGHT - MARGIN.bottom} />
      <text className="axis-label" x={(MARGIN.left + WIDTH - MARGIN.right) / 2} y={HEIGHT - 3} textAnchor="middle">training step</text>
      <text className="axis-label" transform={`translate(10 ${(MARGIN.top + HEIGHT - MARGIN.bottom) / 2}) rotate(-90)`} textAnchor="middle">loss</text>
      <path className="curve mask" data-testid="loss-curve-mask" d={curve((point) => point.maskLoss)} />
      <path className="curve score" data-testid="loss-curve-score" d={curve((point) => point.scoreLoss)} />
      <g className="legend" transform={`translate(${WIDTH - MARGIN.right - 110} ${MARGIN.top + 2})`}>
        <line className="curve mask" x1={0} x2={14} y1={5} y2={5} />
        <text x={18} y={8}>mask</text>
        <line className="curve score" x1={55} x2={69} y1={5} y2={5} />
        <text x={73} y={8}>score</text>
      </g>
      {loss.length === 0 && (
        <text className="tick" x={(MARGIN.left + WIDTH) / 2} y={HEIGHT / 2} textAnchor="middle">no loss reported yet</text>
      )}
    </svg>
  );
}
