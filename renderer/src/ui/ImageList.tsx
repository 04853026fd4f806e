// The image list: virtualised (only the rows in view exist in the DOM, so 10,000 images cost the
// same as 20), pages of records fetched as they scroll into view, per-image status and counts.
import { useEffect, useRef, useState } from 'react';
import type { ImageRecord } from '../../../shared/api/types';
import { useController, useEditor } from '../app/context';

const ROW_HEIGHT = 44;
const OVERSCAN = 8;

const STATUS_LABEL: Record<ImageRecord['status'], string> = { unvisited: 'Unvisited', inProgress: 'In progress', done: 'Done' };

export function ImageList() {
  const controller = useController();
  const total = useEditor((state) => state.catalog.imageTotal);
  const records = useEditor((state) => state.catalog.recordsByIndex);
  const currentId = useEditor((state) => state.session.currentImageId);
  const currentIndex = useEditor((state) => state.session.currentIndex);
  const scroller = useRef<HTMLDivElement>(null);
  const [range, setRange] = useState({ top: 0, height: 600 });

  useEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const update = () => setRange({ top: element.scrollTop, height: element.clientHeight });
    update();
    const observer = new ResizeObserver(update);
    observer.observe(element);
    element.addEventListener('scroll', update, { passive: true });
    return () => {
      observer.disconnect();
      element.removeEventListener('scroll', update);
    };
  }, []);

  // Keep the current image in view when it changes by keyboard.
  useEffect(() => {
    const element = scroller.current;
    if (!element || currentIndex < 0) return;
    const top = currentIndex * ROW_HEIGHT;
    if (top < element.scrollTop) element.scrollTop = top;
    else if (top + ROW_HEIGHT > element.scrollTop + element.clientHeight) element.scrollTop = top + ROW_HEIGHT - element.clientHeight;
  }, [currentIndex]);

  const first = Math.max(0, Math.floor(range.top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(total - 1, Math.ceil((range.top + range.height) / ROW_HEIGHT) + OVERSCAN);

  useEffect(() => {
    for (let index = first; index <= last; index++) {
      if (!records[index]) {
        controller.ensureImagePage(index);
        break;
      }
    }
    if (last >= 0 && !records[last]) controller.ensureImagePage(last);
  }, [first, last, records, controller]);

  const rows = [];
  for (let index = first; index <= last; index++) {
    const record = records[index];
    rows.push(
      <div
        key={index}
        className={`image-row${record && record.id === currentId ? ' current' : ''}`}
        style={{ top: index * ROW_HEIGHT, height: ROW_HEIGHT }}
        data-testid={record ? 'image-item' : undefined}
        data-image-id={record?.id}
        data-status={record?.status}
        data-kept={record ? record.instanceCount - record.proposedCount : undefined}
        data-undecided={record?.proposedCount}
        onClick={() => record && void controller.openImage(record.id)}
        title={record?.problem ? `${record.id}: ${record.problem.message}` : record?.id}
      >
        {record ? <ImageRow record={record} index={index} /> : <span className="muted">…</span>}
      </div>,
    );
  }

  return (
    <div className="image-list" data-testid="image-list">
      <div className="panel-title">
        Images <span className="muted">{total.toLocaleString()}</span>
      </div>
      <div className="image-scroller" ref={scroller}>
        <div style={{ height: total * ROW_HEIGHT, position: 'relative' }}>{rows}</div>
      </div>
    </div>
  );
}

function ImageRow({ record, index }: { record: ImageRecord; index: number }) {
  const slash = record.id.lastIndexOf('/');
  const name = record.id.slice(slash + 1);
  const folder = slash > 0 ? `${record.id.slice(0, slash)} · ` : '';
  return (
    <>
      <span className={`status-dot ${record.problem ? 'problem' : record.status}`} title={record.problem?.message ?? STATUS_LABEL[record.status]} />
      <span className="image-name">
        <span className="image-title">
          <span className="image-index">{index + 1}</span>
          {name}
        </span>
        <span className="image-meta">
          {record.problem ? record.problem.message : `${folder}${reviewText(record)}`}
        </span>
      </span>
    </>
  );
}

/**
 * What is left to review, counted as the instance panel's header counts: kept (accepted or edited)
 * and undecided proposals; "Done" once nothing is undecided.
 */
export function reviewText(record: Pick<ImageRecord, 'status' | 'instanceCount' | 'proposedCount'>): string {
  const kept = Math.max(0, record.instanceCount - record.proposedCount);
  if (record.status === 'unvisited' && record.instanceCount === 0) return 'Unvisited';
  if (record.status === 'done') return `${STATUS_LABEL.done} · ${kept} kept`;
  if (record.proposedCount > 0) return `${kept} kept · ${record.proposedCount} undecided`;
  return `${STATUS_LABEL[record.status]} · ${kept} kept`;
}
