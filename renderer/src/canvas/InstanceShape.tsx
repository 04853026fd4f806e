// One instance drawn as a single Konva shape: every ring in one path filled even-odd (holes show
// as holes, like the mask), with a screen-constant outline. Memoised on the instance record, so
// an edit redraws only what changed.
import { memo } from 'react';
import { Shape } from 'react-konva';
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
  strokeWidth: number;
  dashed?: boolean;
}

export const InstanceShape = memo(function InstanceShape({ polygons, color, fillOpacity, strokeWidth, dashed }: InstanceShapeProps) {
  return (
    <Shape
      sceneFunc={(context: Context, shape: KonvaShape) => {
        traceRings(context, polygons);
        context.fillStrokeShape(shape);
      }}
      fill={withAlpha(color, fillOpacity)}
      fillRule="evenodd"
      stroke={color}
      strokeWidth={strokeWidth}
      strokeScaleEnabled={false}
      dash={dashed ? [6, 4] : undefined}
      listening={false}
      perfectDrawEnabled={false}
    />
  );
});

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
