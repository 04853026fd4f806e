// The segment tool's open interaction on the edit layer: the pending (uncommitted) mask in violet with
// a dashed white outline (no saved instance is violet), the box prompt (or the box being dragged),
// and the click markers: a green circle with + for each positive click, a red one with − for each
// negative click, ringed white and dark so they read on any photo and on the mask.
import { Shape } from './konva';
import type { Context } from 'konva/lib/Context';
import type { Shape as KonvaShape } from 'konva/lib/Shape';
import type { SegmentBox } from '../../../shared/api/types';
import { useEditor } from '../app/context';
import { traceRings, withAlpha } from './InstanceShape';

/** Marker radius in screen pixels. */
const MARKER_RADIUS_PX = 9;
export const PENDING_COLOR = '#a855f7';
export const POSITIVE_COLOR = '#22c55e';
export const NEGATIVE_COLOR = '#ef4444';

export function SegmentOverlay() {
  const view = useEditor((state) => (state.ephemeral.segment?.imageId === state.session.currentImageId ? state.ephemeral.segment : null));
  const draft = useEditor((state) => state.ephemeral.segmentBoxDraft);
  const scale = useEditor((state) => state.session.camera.scale);
  const box = draft ?? view?.box ?? null;
  const result = view?.result ?? null;
  return (
    <>
      {result && (
        <Shape
          listening={false}
          perfectDrawEnabled={false}
          sceneFunc={(context: Context, shape: KonvaShape) => {
            traceRings(context, result.polygons);
            context.fillStrokeShape(shape);
          }}
          fill={withAlpha(PENDING_COLOR, 0.4)}
          fillRule="evenodd"
          stroke="#ffffff"
          strokeWidth={2}
          dash={[6, 4]}
          strokeScaleEnabled={false}
        />
      )}
      {box && <BoxShape box={box} scale={scale} dragging={draft !== null} />}
      {view && view.clicks.length > 0 && (
        <Shape
          listening={false}
          perfectDrawEnabled={false}
          sceneFunc={(context: Context) => {
            const ctx = context._context;
            const radius = MARKER_RADIUS_PX / scale;
            ctx.save();
            ctx.lineWidth = 2 / scale;
            for (const click of view.clicks) {
              ctx.beginPath();
              ctx.arc(click.x, click.y, radius + 1.5 / scale, 0, Math.PI * 2);
              ctx.fillStyle = '#000000';
              ctx.fill();
              ctx.beginPath();
              ctx.arc(click.x, click.y, radius, 0, Math.PI * 2);
              ctx.fillStyle = click.positive ? POSITIVE_COLOR : NEGATIVE_COLOR;
              ctx.strokeStyle = '#ffffff';
              ctx.fill();
              ctx.stroke();
              // The sign: a bar for −, a cross for +.
              ctx.beginPath();
              ctx.moveTo(click.x - radius * 0.55, click.y);
              ctx.lineTo(click.x + radius * 0.55, click.y);
              if (click.positive) {
                ctx.moveTo(click.x, click.y - radius * 0.55);
                ctx.lineTo(click.x, click.y + radius * 0.55);
              }
              ctx.lineWidth = 2.5 / scale;
              ctx.stroke();
              ctx.lineWidth = 2 / scale;
            }
            ctx.restore();
          }}
        />
      )}
    </>
  );
}

function BoxShape({ box, scale, dragging }: { box: SegmentBox; scale: number; dragging: boolean }) {
  return (
    <Shape
      listening={false}
      perfectDrawEnabled={false}
      sceneFunc={(context: Context) => {
        const ctx = context._context;
        ctx.save();
        ctx.lineWidth = (dragging ? 2 : 1.5) / scale;
        ctx.strokeStyle = '#ffcc00';
        ctx.setLineDash([6 / scale, 4 / scale]);
        ctx.strokeRect(box.x1, box.y1, box.x2 - box.x1, box.y2 - box.y1);
        ctx.restore();
      }}
    />
  );
}
