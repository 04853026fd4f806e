// The edit layer: the selected instance (or its drag preview) with its vertex handles, the polygon
// being drawn with its rubber band, and the segment tool's open interaction (SegmentOverlay).
// Handles are drawn in one shape (hit-testing is done by the tools in image space), which keeps a
// 200-vertex drag cheap.
import { useEffect, useRef } from 'react';
import { Layer, Shape } from './konva';
import type { Context } from 'konva/lib/Context';
import type { Layer as KonvaLayer } from 'konva/lib/Layer';
import type { Shape as KonvaShape } from 'konva/lib/Shape';
import type { FlatPolygon } from '../../../shared/api/types';
import { useController, useEditor } from '../app/context';
import { instanceColor, PROPOSAL_DASH } from './colors';
import { strokeHalo, traceRings, withAlpha } from './InstanceShape';
import { SegmentOverlay } from './SegmentOverlay';

/** Handle radius in screen pixels. */
const HANDLE_RADIUS_PX = 4;

function handleRadiusPx(polygons: readonly number[][], scale: number): number {
  const lengths: number[] = [];
  for (const ring of polygons) {
    for (let i = 0; i + 3 < ring.length; i += 2) lengths.push(Math.hypot(ring[i + 2] - ring[i], ring[i + 3] - ring[i + 1]));
  }
  if (lengths.length === 0) return HANDLE_RADIUS_PX;
  lengths.sort((a, b) => a - b);
  const typical = lengths[Math.floor(lengths.length / 2)] * scale;
  return Math.min(HANDLE_RADIUS_PX, Math.max(1.5, typical / 3));
}

export function EditLayer() {
  const selection = useEditor((state) => state.session.selection);
  const instance = useEditor((state) => {
    const id = state.session.currentImageId;
    const selected = state.session.selection?.instanceId;
    return id && selected ? state.document.images[id]?.instances[selected] : undefined;
  });
  const { store } = useController();
  // The drag preview changes on every pointer move: it bypasses React. The shapes read it from this
  // ref when Konva draws, and a store subscription asks the layer to redraw.
  const previewRef = useRef<FlatPolygon[] | null>(null);
  const layerRef = useRef<KonvaLayer>(null);
  const selectedId = instance?.id ?? null;
  useEffect(() => {
    const pick = (preview: { instanceId: string; polygons: FlatPolygon[] } | null) =>
      preview && preview.instanceId === selectedId ? preview.polygons : null;
    previewRef.current = pick(store.getState().ephemeral.dragPreview);
    return store.subscribe((state, previous) => {
      if (state.ephemeral.dragPreview === previous.ephemeral.dragPreview) return;
      previewRef.current = pick(state.ephemeral.dragPreview);
      layerRef.current?.batchDraw();
    });
  }, [store, selectedId]);
  const categories = useEditor((state) => state.document.categories);
  const scale = useEditor((state) => state.session.camera.scale);
  const tool = useEditor((state) => state.session.tool);
  const drawing = useEditor((state) => state.ephemeral.drawingPoints);
  const pointer = useEditor((state) => (state.ephemeral.drawingPoints ? state.ephemeral.pointer : null));

  const polygons = instance ? instance.polygons : null;
  const current = () => previewRef.current ?? polygons ?? [];
  const color = instance ? instanceColor(instance, categories) : '#fff';
  const proposed = instance?.status === 'proposed';
  // Dense polygons (e.g. 200 vertices on a small object) would turn into a blob of handles:
  // shrink the dots to a third of the typical on-screen edge length, within 1.5..4 px.
  const radius = instance ? handleRadiusPx(instance.polygons, scale) / scale : HANDLE_RADIUS_PX / scale;
  const selectedVertex = selection?.vertex ?? null;

  return (
    <Layer listening={false} ref={layerRef}>
      {instance && polygons && (
        <>
          <Shape
            sceneFunc={(context: Context, shape: KonvaShape) => {
              traceRings(context, current());
              if (proposed) strokeHalo(context, shape, 2.5);
              context.fillStrokeShape(shape);
            }}
            fill={withAlpha(color, proposed ? 0.3 : 0.35)}
            fillRule="evenodd"
            stroke={color}
            dash={proposed ? [...PROPOSAL_DASH] : undefined}
            strokeWidth={2.5}
            strokeScaleEnabled={false}
            listening={false}
            perfectDrawEnabled={false}
          />
          {tool === 'select' && (
            <Shape
              listening={false}
              perfectDrawEnabled={false}
              sceneFunc={(context: Context) => {
                const ctx = context._context;
                ctx.save();
                ctx.lineWidth = Math.min(1.5, radius * scale * 0.4) / scale;
                ctx.fillStyle = '#ffffff';
                ctx.strokeStyle = '#111111';
                ctx.beginPath();
                const rings = current();
                for (const ring of rings) {
                  for (let i = 0; i + 1 < ring.length; i += 2) {
                    ctx.moveTo(ring[i] + radius, ring[i + 1]);
                    ctx.arc(ring[i], ring[i + 1], radius, 0, Math.PI * 2);
                  }
                }
                ctx.fill();
                ctx.stroke();
                if (selectedVertex) {
                  const ring = rings[selectedVertex.ring];
                  if (ring && selectedVertex.index * 2 + 1 < ring.length) {
                    ctx.beginPath();
                    ctx.fillStyle = '#ffcc00';
                    ctx.arc(ring[selectedVertex.index * 2], ring[selectedVertex.index * 2 + 1], Math.max(radius * 1.6, 4 / scale), 0, Math.PI * 2);
                    ctx.fill();
                    ctx.stroke();
                  }
                }
                ctx.restore();
              }}
            />
          )}
        </>
      )}
      {drawing && drawing.length >= 2 && (
        <Shape
          listening={false}
          sceneFunc={(context: Context) => {
            const ctx = context._context;
            ctx.save();
            ctx.lineWidth = 2 / scale;
            ctx.strokeStyle = '#ffcc00';
            ctx.setLineDash([6 / scale, 4 / scale]);
            ctx.beginPath();
            ctx.moveTo(drawing[0], drawing[1]);
            for (let i = 2; i + 1 < drawing.length; i += 2) ctx.lineTo(drawing[i], drawing[i + 1]);
            if (pointer) ctx.lineTo(pointer.x, pointer.y);
            ctx.stroke();
            ctx.setLineDash([]);
            ctx.fillStyle = '#ffcc00';
            for (let i = 0; i + 1 < drawing.length; i += 2) {
              ctx.beginPath();
              ctx.arc(drawing[i], drawing[i + 1], (i === 0 ? 6 : 3.5) / scale, 0, Math.PI * 2);
              ctx.fill();
            }
            ctx.restore();
          }}
        />
      )}
      <SegmentOverlay />
    </Layer>
  );
}
