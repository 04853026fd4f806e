// The canvas: a Konva stage with three non-listening layers (image, instances, edit overlay).
// Pointer input is read from the container in DOM events, converted to image pixels with the
// camera and handed to the active tool; panning (space+drag, middle button) and wheel zoom are
// handled here because they work the same in every tool.
import { useEffect, useRef } from 'react';
import type { PointerEvent as ReactPointerEvent } from 'react';
import { Stage } from './konva';
import { fitCamera, screenToImage, zoomAround } from '../state/session';
import type { Camera } from '../state/session';
import { currentDocument } from '../state/store';
import type { PointerInfo } from '../tools/state-node';
import { useController, useEditor } from '../app/context';
import { isTyping } from '../app/typing';
import { EditLayer } from './EditLayer';
import { ImageLayer } from './ImageLayer';
import { InstancesLayer } from './InstancesLayer';
import { KeyTargetLabel } from './KeyTargetLabel';
import { SegmentLabel } from './SegmentLabel';

/** Zoom per wheel notch (deltaY of about 100). */
const WHEEL_ZOOM_STEP = 1.0015;

export function CanvasView() {
  const controller = useController();
  const { store, toolbox } = controller;
  const containerRef = useRef<HTMLDivElement>(null);
  const camera = useEditor((state) => state.session.camera);
  const viewport = useEditor((state) => state.ephemeral.viewport);
  const tool = useEditor((state) => state.session.tool);
  const pending = useEditor((state) => state.ephemeral.segmentPending);
  const hasImage = useEditor((state) => state.session.currentImageId !== null);
  const pan = useRef<{ x: number; y: number; cameraX: number; cameraY: number } | null>(null);
  const spaceHeld = useRef(false);
  // The canvas position, read once per gesture rather than per move (reading it can force a layout).
  const rectCache = useRef<DOMRect | null>(null);

  useEffect(() => {
    const element = containerRef.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => {
      const { width, height } = entry.contentRect;
      rectCache.current = null;
      const state = store.getState();
      const before = state.ephemeral.viewport;
      const after = { width: Math.floor(width), height: Math.floor(height) };
      if (after.width === before.width && after.height === before.height) return;
      const first = before.width === 800 && before.height === 600;
      // A fitted image stays fitted when the canvas changes size (window resized, model panel
      // opened); otherwise what was at the centre stays at the centre.
      const doc = currentDocument(state);
      const fitted = doc !== undefined && sameCamera(state.session.camera, fitCamera(doc.width, doc.height, before.width, before.height));
      state.actions.setEphemeral({ viewport: after });
      if (first || fitted) controller.fitToView();
      else {
        const camera = state.session.camera;
        state.actions.setSession({ camera: { ...camera, x: camera.x + (after.width - before.width) / 2, y: camera.y + (after.height - before.height) / 2 } });
      }
    });
    observer.observe(element);
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      const rect = element.getBoundingClientRect();
      const state = store.getState();
      const delta = event.deltaMode === 1 ? event.deltaY * 33 : event.deltaY;
      const factor = Math.pow(WHEEL_ZOOM_STEP, -delta);
      state.actions.setSession({ camera: zoomAround(state.session.camera, factor, event.clientX - rect.left, event.clientY - rect.top) });
    };
    element.addEventListener('wheel', onWheel, { passive: false });
    const onKey = (event: KeyboardEvent) => {
      if (event.code === 'Space' && !isTyping(event)) {
        spaceHeld.current = event.type === 'keydown';
        element.style.cursor = spaceHeld.current ? 'grab' : '';
        if (event.type === 'keydown') event.preventDefault();
      }
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('keyup', onKey);
    return () => {
      observer.disconnect();
      element.removeEventListener('wheel', onWheel);
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('keyup', onKey);
    };
  }, [store, controller]);

  const info = (event: ReactPointerEvent | React.MouseEvent, fresh = false): PointerInfo => {
    if (fresh || !rectCache.current) rectCache.current = containerRef.current!.getBoundingClientRect();
    const rect = rectCache.current;
    const screen = { x: event.clientX - rect.left, y: event.clientY - rect.top };
    return {
      point: screenToImage(store.getState().session.camera, screen.x, screen.y),
      screen,
      button: event.button,
      shiftKey: event.shiftKey,
      altKey: event.altKey,
      ctrlKey: event.ctrlKey || event.metaKey,
    };
  };

  const onPointerDown = (event: ReactPointerEvent<HTMLDivElement>) => {
    containerRef.current?.focus();
    event.currentTarget.setPointerCapture(event.pointerId);
    if (event.button === 1 || (event.button === 0 && spaceHeld.current)) {
      const { x, y } = store.getState().session.camera;
      pan.current = { x: event.clientX, y: event.clientY, cameraX: x, cameraY: y };
      event.preventDefault();
      return;
    }
    toolbox.pointerDown(info(event, true));
  };
  const onPointerMove = (event: ReactPointerEvent<HTMLDivElement>) => {
    if (pan.current) {
      const { camera: current } = store.getState().session;
      store.getState().actions.setSession({
        camera: { ...current, x: pan.current.cameraX + event.clientX - pan.current.x, y: pan.current.cameraY + event.clientY - pan.current.y },
      });
      return;
    }
    toolbox.pointerMove(info(event));
  };
  const onPointerUp = (event: ReactPointerEvent<HTMLDivElement>) => {
    if (event.currentTarget.hasPointerCapture(event.pointerId)) event.currentTarget.releasePointerCapture(event.pointerId);
    if (pan.current) {
      pan.current = null;
      return;
    }
    toolbox.pointerUp(info(event));
  };

  const cursor = tool === 'select' ? 'default' : pending ? 'progress' : 'crosshair';
  return (
    <div
      ref={containerRef}
      className="canvas"
      data-testid="canvas"
      tabIndex={0}
      style={{ cursor }}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onDoubleClick={(event) => toolbox.doubleClick(info(event, true))}
      onPointerEnter={() => (rectCache.current = null)}
      onContextMenu={(event) => event.preventDefault()}
      onAuxClick={(event) => event.preventDefault()}
    >
      <Stage width={viewport.width} height={viewport.height} x={camera.x} y={camera.y} scaleX={camera.scale} scaleY={camera.scale} listening={false}>
        <ImageLayer />
        <InstancesLayer />
        <EditLayer />
      </Stage>
      {!hasImage && <div className="canvas-empty">No image open</div>}
      <SegmentLabel />
      <KeyTargetLabel />
      {pending && <div className="canvas-badge">Segmenting…</div>}
    </div>
  );
}

function sameCamera(a: Camera, b: Camera): boolean {
  return Math.abs(a.scale - b.scale) < 1e-9 && Math.abs(a.x - b.x) < 0.5 && Math.abs(a.y - b.y) < 0.5;
}
