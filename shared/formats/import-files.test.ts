import { describe, expect, test } from 'vitest';
import { detectImportFormat, isImportCandidate, selectImportFiles } from './import-files';
import type { ImportFile } from './import-files';

const file = (name: string, text = ''): ImportFile => ({ name, text });
const coco = file('instances.json', JSON.stringify({ images: [], annotations: [], categories: [] }));
const labelme = (name: string) => file(name, JSON.stringify({ shapes: [], imagePath: 'a.jpg', imageWidth: 1, imageHeight: 1 }));

describe('telling the format from the chosen files', () => {
  test('COCO: one .json with images / annotations; LabelMe: .json files with shapes; YOLO: a .yaml and .txt labels', () => {
    expect(detectImportFormat([coco])).toBe('coco');
    expect(detectImportFormat([file('x.json', '{"images": "not a list"}')])).toBe('coco'); // the importer says what is wrong
    expect(detectImportFormat([labelme('a.json'), labelme('sub/b.json'), file('notes.txt')])).toBe('labelme');
    expect(detectImportFormat([file('ds/data.yaml', 'names: [a]'), file('ds/labels/a.txt'), file('ds/images/a.jpg')])).toBe('yolo-seg');
  });

  test.each<[ImportFile[], RegExp]>([
    [[], /No files were chosen/],
    [[file('a.jpg'), file('b.png')], /Cannot tell the format of a\.jpg, b\.png: expected a COCO \.json file, LabelMe \.json files, or a YOLO segmentation dataset/],
    [[file('labels/a.txt')], /no data\.yaml with the class names/],
    [[file('data.yaml')], /data\.yaml but no YOLO label files/],
    [[coco, labelme('a.json')], /Both COCO \(instances\.json\) and LabelMe files \(a\.json\)/],
    [[coco, { ...coco, name: 'other.json' }], /2 COCO files were chosen/],
    [[file('a.json', '[1, 2]')], /a\.json is neither a COCO file .* nor a LabelMe file/],
    [[file('a.json', '{"shapes": [1,}')], /a\.json is not valid JSON \(line 1 column 15/],
  ])('says why it cannot tell (%#)', (files, message) => {
    expect(() => detectImportFormat(files)).toThrow(message);
  });
});

describe('the files a format reads', () => {
  test('YOLO: data.yaml first, the .txt under labels/; other text files are listed as ignored, images dropped', () => {
    const selection = selectImportFiles('yolo-seg', [file('ds/README.txt'), file('ds/labels/train/a.txt'), file('ds/images/train/a.jpg'), file('ds/data.yaml'), file('ds/other.yaml')]);
    expect(selection.files.map((chosen) => chosen.name)).toEqual(['ds/data.yaml', 'ds/labels/train/a.txt']);
    expect(selection.ignored).toEqual(['ds/README.txt', 'ds/other.yaml']);
    // Label files chosen by hand, outside any labels/ folder: all of them; the one .yaml whatever its name.
    expect(selectImportFiles('yolo-seg', [file('a.txt'), file('b.txt'), file('coco8-seg.yaml')]).files.map((chosen) => chosen.name)).toEqual(['coco8-seg.yaml', 'a.txt', 'b.txt']);
    expect(() => selectImportFiles('yolo-seg', [file('a.yaml'), file('b.yaml'), file('labels/a.txt')])).toThrow(/reads one data\.yaml; 2 \.yaml files were chosen/);
  });

  test('COCO one .json, LabelMe every .json', () => {
    expect(selectImportFiles('coco', [coco, file('readme.txt')])).toEqual({ files: [coco], ignored: ['readme.txt'] });
    expect(selectImportFiles('labelme', [labelme('a.json'), labelme('b.json'), file('a.jpg')]).files).toHaveLength(2);
    expect(() => selectImportFiles('labelme', [file('a.jpg')])).toThrow(/LabelMe import needs \.json files/);
    expect(isImportCandidate('A.JSON') && isImportCandidate('x.yml') && !isImportCandidate('a.jpg')).toBe(true);
  });
});
