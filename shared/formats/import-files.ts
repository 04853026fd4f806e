// Which annotation format a set of chosen files holds, and which of them that format reads. Users
// pick files or a whole folder (a YOLO dataset with its images, a folder of LabelMe JSON beside its
// photos); the app, the CLI and the project service all use these rules, so "what was read" means
// the same everywhere. Pure: file names and texts in, no disk.
import { ApiError } from '../api/errors';
import { findJsonSyntaxError } from '../coco/json-syntax';
import { baseName } from './paths';

export type ImportFormat = 'coco' | 'yolo-seg' | 'labelme';

export const IMPORT_FORMATS: readonly ImportFormat[] = ['coco', 'yolo-seg', 'labelme'];

/** One chosen file: its path relative to what was chosen (POSIX, "dataset/labels/a.txt"), and its text. */
export interface ImportFile {
  name: string;
  text: string;
}

/** The files a format reads from a choice, the others it leaves alone (POSIX names). */
export interface ImportSelection {
  files: ImportFile[];
  /** Names of text files chosen but not read (a README.txt beside a YOLO dataset's labels/). */
  ignored: string[];
}

type Kind = 'json' | 'yaml' | 'txt';

function kindOf(name: string): Kind | null {
  const lower = name.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  if (lower.endsWith('.txt')) return 'txt';
  return null;
}

/** Whether a chosen file may matter to an import (read it); images and the rest never do. */
export function isImportCandidate(name: string): boolean {
  return kindOf(name) !== null;
}

const refuse = (message: string, details: Record<string, unknown> = {}) => new ApiError('INVALID_ARGUMENT', message, details);

/** "a.json, b.json and 3 more". */
function listNames(names: readonly string[], max = 3): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

/** Parses a chosen JSON file; a syntax error names the file, line and column. */
export function parseImportJson(file: ImportFile): unknown {
  try {
    return JSON.parse(file.text);
  } catch (error) {
    const at = findJsonSyntaxError(file.text);
    const where = at ? `line ${at.line} column ${at.column}: ${at.reason}` : (error as Error).message;
    throw refuse(`${file.name} is not valid JSON (${where})`, { file: file.name });
  }
}

const COCO_KEYS = ['images', 'annotations', 'categories'];

/** What a JSON file looks like at its top level: a COCO dataset, a LabelMe file, or neither. */
function jsonKind(value: unknown): 'coco' | 'labelme' | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  if ('shapes' in value) return 'labelme';
  // Any of COCO's keys: the importer then says exactly what is wrong with it.
  return COCO_KEYS.some((key) => key in value) ? 'coco' : null;
}

/**
 * The format of a choice of files, told from them: a YOLO segmentation dataset (a .yaml with class
 * names and .txt labels), one COCO .json (images, annotations, categories), or LabelMe .json files
 * (shapes). Throws INVALID_ARGUMENT saying what was found and what is expected when it cannot tell.
 */
export function detectImportFormat(files: readonly ImportFile[]): ImportFormat {
  if (files.length === 0) throw refuse('No files were chosen.');
  const of = (kind: Kind) => files.filter((file) => kindOf(file.name) === kind);
  const [json, yaml, txt] = [of('json'), of('yaml'), of('txt')];
  if (yaml.length > 0 && txt.length > 0) return 'yolo-seg';
  if (json.length > 0) {
    const coco: string[] = [];
    const labelme: string[] = [];
    for (const file of json) {
      const kind = jsonKind(parseImportJson(file));
      if (kind === null) {
        throw refuse(`${file.name} is neither a COCO file (a JSON object with "images" and "annotations") nor a LabelMe file (a JSON object with "shapes").`, { file: file.name });
      }
      (kind === 'coco' ? coco : labelme).push(file.name);
    }
    if (coco.length > 0 && labelme.length > 0) {
      throw refuse(`Both COCO (${listNames(coco)}) and LabelMe files (${listNames(labelme)}) were chosen: import one format at a time.`);
    }
    if (coco.length > 1) throw refuse(`${coco.length} COCO files were chosen (${listNames(coco)}): import one at a time.`);
    return coco.length === 1 ? 'coco' : 'labelme';
  }
  if (yaml.length > 0) {
    throw refuse(`${listNames(yaml.map((file) => file.name))} but no YOLO label files (.txt, in labels/): choose the whole dataset folder, or data.yaml with the label files.`);
  }
  if (txt.length > 0) {
    throw refuse("YOLO label files (.txt) but no data.yaml with the class names: choose the dataset's folder, or data.yaml with the label files.");
  }
  throw refuse(
    `Cannot tell the format of ${listNames(files.map((file) => file.name))}: expected a COCO .json file, LabelMe .json files, or a YOLO segmentation dataset (data.yaml and labels/*.txt).`,
  );
}

/** Whether a path has a folder named `labels` (Ultralytics keeps label files under one). */
const underLabels = (name: string) => /(^|\/)labels\//i.test(name);

/**
 * The files `format` reads from a choice: COCO one .json; LabelMe every .json; YOLO the data.yaml
 * (or the one .yaml) and the .txt files under a labels/ folder (every .txt when none is under one).
 * Other text files are listed as ignored; images and other files are dropped silently. Throws
 * INVALID_ARGUMENT when the format's files are not there.
 */
export function selectImportFiles(format: ImportFormat, files: readonly ImportFile[]): ImportSelection {
  const candidates = files.filter((file) => isImportCandidate(file.name));
  const of = (kind: Kind) => candidates.filter((file) => kindOf(file.name) === kind);
  const rest = (chosen: readonly ImportFile[]) => candidates.filter((file) => !chosen.includes(file)).map((file) => file.name);
  if (format === 'coco') {
    const json = of('json');
    if (json.length !== 1) {
      throw refuse(json.length === 0 ? 'COCO import needs a .json file; none was chosen.' : `COCO import reads one .json file; ${json.length} were chosen (${listNames(json.map((file) => file.name))}).`);
    }
    return { files: json, ignored: rest(json) };
  }
  if (format === 'labelme') {
    const json = of('json');
    if (json.length === 0) throw refuse('LabelMe import needs .json files; none was chosen.');
    return { files: json, ignored: rest(json) };
  }
  const yamls = of('yaml');
  const named = yamls.filter((file) => baseName(file.name).toLowerCase() === 'data.yaml');
  const yaml = named.length === 1 ? named[0] : yamls.length === 1 ? yamls[0] : null;
  if (yaml === null) {
    throw refuse(
      yamls.length === 0
        ? 'YOLO import needs the data.yaml that names the classes; none was chosen.'
        : `YOLO import reads one data.yaml; ${named.length > 1 ? named.length : yamls.length} .yaml files were chosen (${listNames((named.length > 1 ? named : yamls).map((file) => file.name))}).`,
    );
  }
  const texts = of('txt');
  const labels = texts.some((file) => underLabels(file.name)) ? texts.filter((file) => underLabels(file.name)) : texts;
  if (labels.length === 0) throw refuse(`YOLO import needs label files (.txt, in labels/) beside ${yaml.name}; none was chosen.`);
  const chosen = [yaml, ...labels];
  return { files: chosen, ignored: rest(chosen) };
}
