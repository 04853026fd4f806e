// The project's fine-tuned model versions on disk:
//   .maskpilot/models/versions.json     the list of fine-tunes (ModelVersion records) + activeId
//   .maskpilot/models/<id>/heads.json   weights written by the learner (+ heads.bin, MODEL_CARD.md)
//   .maskpilot/models/<id>/version.json that version's own ModelVersion record
// versions.json is written atomically after the version's folder is complete. A damaged versions.json
// is renamed aside and the list rebuilt from the folders' version.json files (the active choice is
// then lost and reported); a folder whose record never got into the list is picked up again.
// A fine-tune in progress holds .maskpilot/models/<id>.claim (its process id), created exclusively:
// two processes on one project (the app and `maskpilot finetune`) never pick the same id, and an
// unfinished folder is only cleaned up once the process that claimed it is gone.
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError } from '../../../../shared/api/errors';
import type { ModelVersion } from '../../../../shared/api/types';
import { writeFileAtomic } from '../../atomic-write';
import { corruptFileError, keepCorruptFileAside, parseSidecarJson, readIfExists, ShapeError } from '../sidecar-store';
import { isPlainObject } from '../validate';
import { legacyArchitectureLabel } from './bundled-models';

const VERSIONS_FORMAT_VERSION = 1;
const FINETUNE_ID = /^ft-(\d{1,9})$/;
const FINETUNE_NAME = /^ft-(\d{1,9})(?:\.claim)?$/;
const CLAIM_SUFFIX = '.claim';
const VERSION_RECORD_FILE = 'version.json';

interface VersionsFile {
  /** Fine-tuned versions, oldest first. */
  versions: ModelVersion[];
  /** The active version (bundled or fine-tuned); null = the session's default. */
  activeId: string | null;
}

interface VersionsRead {
  file: VersionsFile;
  /** Set when versions.json was damaged and had to be rebuilt. */
  warning: ApiError | null;
}

function isFineTuneId(id: string): boolean {
  return FINETUNE_ID.test(id);
}

export class VersionStore {
  constructor(readonly directory: string) {}

  get listPath(): string {
    return join(this.directory, 'versions.json');
  }

  versionDir(id: string): string {
    if (!isFineTuneId(id)) throw new ApiError('INVALID_ARGUMENT', `'${id}' is not a fine-tune id`, { id });
    return join(this.directory, id);
  }

  /**
   * Reads the list. Missing: rebuilt quietly from the folders (a fresh project has none). Damaged:
   * kept aside, rebuilt, and a warning returned. Records found in folders but absent from the list
   * (a crash between the two writes) are added, inactive.
   */
  async read(): Promise<VersionsRead> {
    await mkdir(this.directory, { recursive: true });
    const fromFolders = await this.readFolderRecords();
    const text = await readIfExists(this.listPath);
    if (text === null) return { file: { versions: fromFolders, activeId: null }, warning: null };
    let file: VersionsFile;
    try {
      file = parseVersionsFile(text);
    } catch (error) {
      if (!(error instanceof ShapeError)) throw error;
      const keptAs = await keepCorruptFileAside(this.listPath);
      const warning = corruptFileError(this.listPath, error.message, keptAs);
      const rebuilt = `${warning.message} The list of fine-tuned versions was rebuilt from their folders (${fromFolders.length} found); the bundled model is active until you choose one.`;
      return { file: { versions: fromFolders, activeId: null }, warning: new ApiError('CORRUPT_FILE', rebuilt, warning.details) };
    }
    const listed = new Set(file.versions.map((version) => version.id));
    const missing = fromFolders.filter((version) => !listed.has(version.id));
    return { file: { versions: sortById([...file.versions, ...missing]), activeId: file.activeId }, warning: null };
  }

  async write(file: VersionsFile): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    const body = { version: VERSIONS_FORMAT_VERSION, activeId: file.activeId, versions: file.versions };
    await writeFileAtomic(this.listPath, `${JSON.stringify(body, null, 2)}\n`);
  }

  /** Writes a version's own record into its folder (the folder must hold its weights already). */
  async writeRecord(version: ModelVersion): Promise<void> {
    await writeFileAtomic(join(this.versionDir(version.id), VERSION_RECORD_FILE), `${JSON.stringify(version, null, 2)}\n`);
  }

  /** The next unused fine-tune id: above every id listed, every ft-N folder and every claim present. */
  async nextId(listed: readonly ModelVersion[]): Promise<string> {
    let highest = 0;
    for (const name of [...(await this.entryNames()), ...listed.map((version) => version.id)]) {
      const match = FINETUNE_NAME.exec(name);
      if (match) highest = Math.max(highest, Number(match[1]));
    }
    return `ft-${highest + 1}`;
  }

  /** Claims the next unused id for a fine-tune of this process (exclusive create of <id>.claim). */
  async claimNextId(listed: readonly ModelVersion[]): Promise<string> {
    await mkdir(this.directory, { recursive: true });
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const id = await this.nextId(listed);
      try {
        await writeFile(join(this.directory, `${id}${CLAIM_SUFFIX}`), `${process.pid}\n`, { flag: 'wx' });
        return id;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    throw new ApiError('IO_ERROR', `Could not claim a fine-tune id in ${this.directory}.`, {});
  }

  async releaseClaim(id: string): Promise<void> {
    await rm(join(this.directory, `${id}${CLAIM_SUFFIX}`), { force: true });
  }

  /** Removes a version's folder (a cancelled or failed fine-tune's partial weights). */
  async removeFolder(id: string): Promise<void> {
    await rm(this.versionDir(id), { recursive: true, force: true });
  }

  /**
   * Removes ft-N folders that have no record and are not listed (fine-tunes cut off by a crash),
   * unless a live process still claims them; stale claims go too.
   */
  async removeIncomplete(listed: readonly ModelVersion[]): Promise<string[]> {
    const known = new Set(listed.map((version) => version.id));
    const names = await this.entryNames();
    const removed: string[] = [];
    for (const name of names) {
      if (!name.endsWith(CLAIM_SUFFIX) || !isFineTuneId(name.slice(0, -CLAIM_SUFFIX.length))) continue;
      if (!(await this.claimIsLive(name))) await rm(join(this.directory, name), { force: true });
    }
    for (const name of await this.folderNames()) {
      if (!isFineTuneId(name) || known.has(name) || (await this.claimIsLive(`${name}${CLAIM_SUFFIX}`))) continue;
      const hasRecord = await readFile(join(this.directory, name, VERSION_RECORD_FILE)).then(
        () => true,
        () => false,
      );
      if (hasRecord) continue;
      await rm(join(this.directory, name), { recursive: true, force: true });
      removed.push(name);
    }
    return removed;
  }

  /** A claim file whose process is still running (another process fine-tuning this project). */
  private async claimIsLive(name: string): Promise<boolean> {
    let pid: number;
    try {
      pid = Number((await readFile(join(this.directory, name), 'utf8')).trim());
    } catch {
      return false;
    }
    if (!Number.isInteger(pid) || pid <= 0) return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  }

  private async entryNames(): Promise<string[]> {
    try {
      return await readdir(this.directory);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  private async folderNames(): Promise<string[]> {
    try {
      const entries = await readdir(this.directory, { withFileTypes: true });
      return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  /** The version.json of every ft-N folder that has a readable one (damaged ones are skipped). */
  private async readFolderRecords(): Promise<ModelVersion[]> {
    const records: ModelVersion[] = [];
    for (const name of await this.folderNames()) {
      if (!isFineTuneId(name)) continue;
      try {
        const record = parseModelVersion(JSON.parse(await readFile(join(this.directory, name, VERSION_RECORD_FILE), 'utf8')), name);
        if (record.id === name) records.push(record);
      } catch {
        // No record (an unfinished fine-tune) or a damaged one: not a usable version.
      }
    }
    return sortById(records);
  }
}

function sortById(versions: ModelVersion[]): ModelVersion[] {
  const number = (id: string) => Number(FINETUNE_ID.exec(id)?.[1] ?? 0);
  return versions.sort((a, b) => number(a.id) - number(b.id));
}

/** Parses versions.json; a damaged one (or one of a newer format) throws ShapeError, and read() rebuilds the list. */
function parseVersionsFile(text: string): VersionsFile {
  const value = parseSidecarJson(text, VERSIONS_FORMAT_VERSION);
  if (value.activeId !== null && typeof value.activeId !== 'string') throw new ShapeError('activeId is not a string or null');
  if (!Array.isArray(value.versions)) throw new ShapeError('versions is not a list');
  const seen = new Set<string>();
  const versions = value.versions.map((item, index) => {
    const version = parseModelVersion(item, `versions[${index}]`);
    if (seen.has(version.id)) throw new ShapeError(`versions[${index}]: duplicate id '${version.id}'`);
    seen.add(version.id);
    return version;
  });
  return { versions: sortById(versions), activeId: value.activeId };
}

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isNullableNumber = (value: unknown) => value === null || isNumber(value);
const isNullableString = (value: unknown) => value === null || typeof value === 'string';

function isLossPoint(value: unknown): boolean {
  return isPlainObject(value) && isNumber(value.step) && isNumber(value.maskLoss) && isNumber(value.scoreLoss);
}

/** Checks a fine-tuned version's record (what versions.json and version.json hold). */
function parseModelVersion(value: unknown, where: string): ModelVersion {
  const fail = (what: string) => new ShapeError(`${where}: ${what}`);
  if (!isPlainObject(value)) throw fail('not an object');
  const { id, architecture, architectureLabel, kind, label, parentId, createdAt, evaluation, training, decision } = value;
  if (typeof id !== 'string' || !isFineTuneId(id)) throw fail('id is not a fine-tune id (ft-N)');
  if (typeof architecture !== 'string' || architecture.length === 0) throw fail('architecture is not a model id');
  if (architectureLabel !== undefined && typeof architectureLabel !== 'string') throw fail('architectureLabel is not a string');
  if (kind !== 'finetuned') throw fail("kind is not 'finetuned'");
  if (typeof label !== 'string') throw fail('label is not a string');
  if (!isNullableString(parentId) || !isNullableString(createdAt) || !isNullableString(decision)) throw fail('parentId, createdAt or decision is not a string');
  if (evaluation !== null) {
    if (!isPlainObject(evaluation)) throw fail('evaluation is not an object');
    const { heldOutImages, heldOutInstances, ar10, ar100, baselineId, baselineAr10, baselineAr100 } = evaluation;
    if (![heldOutImages, heldOutInstances, ar10, ar100].every(isNumber)) throw fail('evaluation numbers are missing');
    if (!isNullableString(baselineId) || !isNullableNumber(baselineAr10) || !isNullableNumber(baselineAr100)) throw fail('evaluation baseline is invalid');
  }
  if (training !== null) {
    if (!isPlainObject(training)) throw fail('training is not an object');
    const { positives, negatives, triplets, steps, seconds, loss } = training;
    if (![positives, negatives, triplets, steps, seconds].every(isNumber)) throw fail('training numbers are missing');
    if (!Array.isArray(loss) || !loss.every(isLossPoint)) throw fail('training.loss is not a loss curve');
  }
  const evaluationOf = evaluation as ModelVersion['evaluation'];
  const trainingOf = training as ModelVersion['training'];
  // A fresh object of the known fields only: nothing unexpected is carried into later writes.
  return {
    id,
    architecture,
    // Records written before architectureLabel existed name DeepMask or InstanceFCN.
    architectureLabel: architectureLabel ?? legacyArchitectureLabel(architecture),
    kind,
    label,
    parentId: parentId as string | null,
    createdAt: createdAt as string | null,
    evaluation: evaluationOf && {
      heldOutImages: evaluationOf.heldOutImages,
      heldOutInstances: evaluationOf.heldOutInstances,
      ar10: evaluationOf.ar10,
      ar100: evaluationOf.ar100,
      baselineId: evaluationOf.baselineId,
      baselineAr10: evaluationOf.baselineAr10,
      baselineAr100: evaluationOf.baselineAr100,
    },
    training: trainingOf && {
      positives: trainingOf.positives,
      negatives: trainingOf.negatives,
      triplets: trainingOf.triplets,
      steps: trainingOf.steps,
      seconds: trainingOf.seconds,
      loss: trainingOf.loss.map(({ step, maskLoss, scoreLoss }) => ({ step, maskLoss, scoreLoss })),
    },
    decision: decision as string | null,
  };
}
