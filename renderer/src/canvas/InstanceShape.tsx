// One instance drawn as a single Konva shape: every ring in one path filled even-odd (holes show
// as holes, like the mask), with a screen-constant outline. Memoised on the instance record, so
// an edit redraws only what changed.
import { memo } from 'react';
import { Shape } from './konva';
import type { Context } from 'konva/lib/Context';
import type { Shape as KonvaShape } from 'konva/lib/Shape';
import type { FlatPolygon } from '../../../shared/api/types';

export function traceRings(context: Context, polygons: readonly FlatPolygon[]) {
  context.beginPath();
  for (const ring of polygons) {
    if (ring.length < 4) continue;
    context.moveTo(ring[0], ring[1]);
    for (let i = 2; i + 1 < ring.length; i += 2) context.lineTo(ring[i], ring[i + 1]);
    context.closePath();
  }
}

interface InstanceShapeProps {
  polygons: FlatPolygon[];
  color: string;
  fillOpacity: number;
  /** Outline width in screen pixels. */
  strokeWidth: number;
  /** Dash pattern in screen pixels, or none for a solid outline. */
  dash?: readonly number[];
  /** A solid dark outline under the (dashed) one, so a light outline reads on any photo. */
  halo?: boolean;
}

export const InstanceShape = memo(function InstanceShape({ polygons, color, fillOpacity, strokeWidth, dash, halo }: InstanceShapeProps) {
  return (
    <Shape
      sceneFunc={(context: Context, shape: KonvaShape) => {
        traceRings(context, polygons);
        if (halo) strokeHalo(context, shape, strokeWidth);
        context.fillStrokeShape(shape);
      }}
      fill={withAlpha(color, fillOpacity)}
      fillRule="evenodd"
      stroke={color}
      strokeWidth={strokeWidth}
      strokeScaleEnabled={false}
      dash={dash ? [...dash] : undefined}
      listening={false}
      perfectDrawEnabled={false}
    />
  );
});

/** Strokes the current path solid and dark, a pixel wider on each side than `strokeWidth` (screen pixels). */
export function strokeHalo(context: Context, shape: KonvaShape, strokeWidth: number) {
  const ctx = context._context;
  const scale = shape.getAbsoluteScale().x || 1;
  ctx.save();
  ctx.lineWidth = (strokeWidth + 2) / scale;
  ctx.strokeStyle = 'rgba(0, 0, 0, 0.7)';
  ctx.setLineDash([]);
  ctx.stroke();
  ctx.restore();
}

/** A CSS colour with alpha; accepts #rrggbb and hsl(...). */
export function withAlpha(color: string, alpha: number): string {
  if (color.startsWith('#') && color.length === 7) {
    const value = Math.round(alpha * 255)
      .toString(16)
      .padStart(2, '0');
    return `${color}${value}`;
  }
  if (color.startsWith('hsl(')) return color.replace('hsl(', 'hsla(').replace(')', `, ${alpha})`);
  return color;
}
