import { describe, expect, it } from 'vitest';
import { cocoClassIndex, COCO_CLASSES } from './coco-classes';
import { CategorySuggester } from './suggester';

const evidence = (entries: Record<string, number>): Float32Array => {
  const values = new Float32Array(COCO_CLASSES.length);
  for (const [name, value] of Object.entries(entries)) values[COCO_CLASSES.indexOf(name)] = value;
  return values;
};
const embedding = (...values: number[]): Float32Array => {
  const norm = Math.hypot(...values);
  return Float32Array.from(values, (value) => value / norm);
};

describe('cocoClassIndex', () => {
  it('matches COCO names, plurals, case and common synonyms; -1 otherwise', () => {
    expect(cocoClassIndex('Person')).toBe(0);
    expect(cocoClassIndex('dogs')).toBe(COCO_CLASSES.indexOf('dog'));
    expect(cocoClassIndex('pedestrian')).toBe(0);
    expect(cocoClassIndex('sofa')).toBe(COCO_CLASSES.indexOf('couch'));
    expect(cocoClassIndex('potted_plant')).toBe(COCO_CLASSES.indexOf('potted plant'));
    expect(cocoClassIndex('weld seam')).toBe(-1);
  });
});

describe('CategorySuggester', () => {
  it('uses the detector for COCO-named categories before any label', () => {
    const suggester = new CategorySuggester([
      { id: 1, name: 'person' },
      { id: 2, name: 'dog' },
    ]);
    const [best] = suggester.suggest({ embedding: embedding(1, 0), classEvidence: evidence({ dog: 0.8, person: 0.1 }) });
    expect(best.categoryId).toBe(2);
  });
  it('learns categories with other names from labels, by appearance and by evidence', () => {
    const suggester = new CategorySuggester([
      { id: 7, name: 'scratch' },
      { id: 8, name: 'dent' },
    ]);
    expect(suggester.suggest({ embedding: embedding(1, 0), classEvidence: evidence({}) })[0].confidence).toBeCloseTo(0.5);
    suggester.add(7, { embedding: embedding(1, 0.1), classEvidence: evidence({}) });
    suggester.add(8, { embedding: embedding(0.1, 1), classEvidence: evidence({}) });
    expect(suggester.suggest({ embedding: embedding(1, 0), classEvidence: evidence({}) })[0].categoryId).toBe(7);
    expect(suggester.suggest({ embedding: embedding(0, 1), classEvidence: evidence({}) })[0].categoryId).toBe(8);
    expect(suggester.exampleCount(7)).toBe(1);
    const ranked = suggester.suggest({ embedding: embedding(0, 1), classEvidence: evidence({}) });
    expect(ranked.reduce((sum, entry) => sum + entry.confidence, 0)).toBeCloseTo(1);
    suggester.removeCategory(8);
    expect(suggester.suggest({ embedding: embedding(0, 1), classEvidence: evidence({}) }).map((entry) => entry.categoryId)).toEqual([7]);
  });
});
