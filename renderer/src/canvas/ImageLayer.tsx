// The photo, on its own non-listening layer, fetched at a display level chosen from the zoom: a
// power-of-two long side just above what the screen shows, so a 20-megapixel photo zoomed out costs
// a 1-2 MP bitmap. While a sharper level loads, the best one already loaded stays on screen.
import { useEffect, useState } from 'react';
import { Image as KonvaImage, Layer } from './konva';
import { displayLevel } from '../state/session';
import { useController, useEditor } from '../app/context';

interface LoadedLevel {
  imageId: string;
  level: number;
  bitmap: HTMLImageElement;
}

/** How many decoded levels to keep (across images); older ones are dropped for memory. */
const CACHE_LIMIT = 8;
const cache: LoadedLevel[] = [];

function cached(imageId: string, minLevel: number): LoadedLevel | undefined {
  return cache.filter((entry) => entry.imageId === imageId && entry.level >= minLevel).sort((a, b) => a.level - b.level)[0];
}

function bestCached(imageId: string): LoadedLevel | undefined {
  return cache.filter((entry) => entry.imageId === imageId).sort((a, b) => b.level - a.level)[0];
}

export function ImageLayer() {
  const { client } = useController();
  const imageId = useEditor((state) => state.session.currentImageId);
  const size = useEditor((state) => {
    const doc = state.session.currentImageId ? state.document.images[state.session.currentImageId] : undefined;
    return doc ? `${doc.width}x${doc.height}` : null;
  });
  const scale = useEditor((state) => state.session.camera.scale);
  const [width, height] = size ? size.split('x').map(Number) : [0, 0];
  const longSide = Math.max(width, height);
  const wanted = longSide > 0 ? displayLevel(longSide, scale, window.devicePixelRatio || 1) : 0;
  const [shown, setShown] = useState<LoadedLevel | null>(null);

  useEffect(() => {
    if (!imageId || wanted === 0) return;
    const hit = cached(imageId, wanted);
    if (hit) {
      setShown(hit);
      return;
    }
    setShown((current) => (current?.imageId === imageId ? current : (bestCached(imageId) ?? null)));
    let cancelled = false;
    // Wait for the zoom to settle before fetching a new level.
    const timer = setTimeout(() => {
      const bitmap = new window.Image();
      bitmap.decoding = 'async';
      bitmap.onload = () => {
        const entry = { imageId, level: wanted, bitmap };
        cache.push(entry);
        while (cache.length > CACHE_LIMIT) cache.shift();
        if (!cancelled) setShown(entry);
      };
      bitmap.src = wanted >= longSide ? client.imageUrl(imageId) : client.imageUrl(imageId, { maxSide: wanted });
    }, 120);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [client, imageId, wanted, longSide]);

  const bitmap = shown && shown.imageId === imageId ? shown.bitmap : null;
  return (
    <Layer listening={false} imageSmoothingEnabled={scale < 2}>
      {bitmap && <KonvaImage image={bitmap} width={width} height={height} listening={false} perfectDrawEnabled={false} />}
    </Layer>
  );
}
