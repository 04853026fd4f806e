import { describe, expect, test } from 'vitest';
import { ImageIndex } from './image-index';

const scanned = [
  { id: 'a.jpg', brokenLink: false },
  { id: 'b.jpg', brokenLink: false },
  { id: 'c.jpg', brokenLink: false },
];

describe('ImageIndex cache', () => {
  test('round-trips probe results, problems and sidecar summaries; drops images no longer present', () => {
    const index = new ImageIndex(scanned, null);
    Object.assign(index.get('a.jpg') as object, { probedFile: { size: 10, mtimeMs: 1.5 }, probe: { width: 4, height: 3 } });
    Object.assign(index.get('b.jpg') as object, {
      probedFile: { size: 0, mtimeMs: 2 },
      probe: { problem: { code: 'EMPTY_FILE', message: 'empty' } },
      sidecarFile: { size: 99, mtimeMs: 3 },
      summary: { status: 'done', instanceCount: 2, proposedCount: 1, revision: 7 },
    });
    const cache = JSON.parse(JSON.stringify(index.toCache()));
    const reopened = new ImageIndex([...scanned.slice(1), { id: 'a.jpg', brokenLink: false }], cache);
    expect(reopened.get('a.jpg')).toMatchObject({ probedFile: { size: 10, mtimeMs: 1.5 }, probe: { width: 4, height: 3 } });
    expect(reopened.get('b.jpg')).toMatchObject({ probe: { problem: { code: 'EMPTY_FILE' } }, summary: { status: 'done', revision: 7 } });
    expect(reopened.get('c.jpg')?.probe).toBeUndefined();
    const without = new ImageIndex([{ id: 'c.jpg', brokenLink: false }], cache);
    expect(without.get('a.jpg')).toBeUndefined();
  });

  test('ignores malformed caches and entries instead of failing', () => {
    for (const cache of [null, 'x', { version: 99, images: {} }, { version: 2, images: [] }]) {
      expect(new ImageIndex(scanned, cache).get('a.jpg')?.probe).toBeUndefined();
    }
    const index = new ImageIndex(scanned, { version: 2, images: { 'a.jpg': [1, 2, ['NOT_A_CODE', 'x'], null], 'b.jpg': 'junk', 'c.jpg': [1, 2, [5, 6], ['bad']] } });
    expect(index.get('a.jpg')?.probe).toBeUndefined();
    expect(index.get('c.jpg')).toMatchObject({ probe: { width: 5, height: 6 } });
    expect(index.get('c.jpg')?.summary).toBeUndefined();
  });
});
