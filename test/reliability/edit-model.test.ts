// The crash test's bookkeeping must be able to fail: a missing or stale acknowledged save is an
// edit lost; the save in flight may or may not have landed.
import { describe, expect, test } from 'vitest';
import type { ImageAnnotations } from '../../shared/api/types';
import { Random } from './support/fuzz';
import { EditModel, rectangleEdit } from './support/edit-model';

const edit = (prefix: string) => rectangleEdit(prefix, 32, 24, new Random(prefix.length));
const annotations = (revision: number, prefix: string | null): ImageAnnotations => ({
  imageId: 'a.jpg',
  width: 32,
  height: 24,
  status: 'done',
  revision,
  instances: prefix === null ? [] : edit(prefix).instances,
});

describe('EditModel', () => {
  test('the acknowledged save found on disk and through the API: nothing lost', () => {
    const model = new EditModel();
    model.saveInFlight('a.jpg', 1, edit('one'));
    model.saveAcknowledged('a.jpg', 1);
    model.checkOnDisk('a.jpg', annotations(1, 'one'));
    model.reconcile('a.jpg', annotations(1, 'one'));
    expect(model.summary().editsLost).toBe(0);
    expect(model.problems()).toEqual([]);
  });

  test('a missing file, an older revision or other content is an edit lost', () => {
    for (const found of [null, annotations(0, null), annotations(1, 'other')]) {
      const model = new EditModel();
      model.saveInFlight('a.jpg', 1, edit('one'));
      model.saveAcknowledged('a.jpg', 1);
      model.checkOnDisk('a.jpg', found);
      expect(model.summary().editsLost).toBe(1);
      expect(model.problems()[0]).toContain('acknowledged revision 1 lost');
    }
  });

  test('the save in flight may land (adopted) or not (allowed)', () => {
    const landed = new EditModel();
    landed.saveInFlight('a.jpg', 1, edit('one'));
    landed.saveAcknowledged('a.jpg', 1);
    landed.saveInFlight('a.jpg', 2, edit('two'));
    landed.checkOnDisk('a.jpg', annotations(2, 'two'));
    landed.reconcile('a.jpg', annotations(2, 'two'));
    expect(landed.revisionOf('a.jpg')).toBe(2);
    expect(landed.summary()).toMatchObject({ editsLost: 0, inFlightLanded: 1 });

    const dropped = new EditModel();
    dropped.saveInFlight('a.jpg', 1, edit('one'));
    dropped.reconcile('a.jpg', annotations(0, null));
    expect(dropped.summary()).toMatchObject({ editsLost: 0, inFlightLost: 1 });
  });

  test('an acknowledged category missing from disk is reported', () => {
    const model = new EditModel();
    model.categoryInFlight('dog');
    model.categoryAcknowledged('dog');
    model.checkCategoriesOnDisk(['cat']);
    expect(model.problems()).toEqual(["on disk: acknowledged category 'dog' lost"]);
  });
});
