// Trainer checkpoints: everything needed to continue a run exactly where it stopped.
//   <dir>/checkpoint/heads.json + heads.bin   the heads (heads-io format)
//   <dir>/checkpoint/optimizer.bin            Adam moments, float32, in trainer-state.json's order
//   <dir>/checkpoint/trainer-state.json       step, sampler random state, settings, loss history
// A new checkpoint is written to a temporary folder and swapped in by renames, so a crash while
// saving leaves the previous checkpoint (as checkpoint/ or checkpoint.old/) readable.
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadHeads, type DeepMaskHeads } from '../heads';
import type { AdamSlot } from './adam';

const CHECKPOINT_FORMAT = 'maskpilot-deepmask-checkpoint/1';

/** Per-step losses as reported (each term of the seed's L divided by the batch size). */
export interface LossRecord {
  step: number;
  branch: 'mask' | 'score';
  loss: number;
}

export interface TrainerState {
  /** Completed optimisation steps. */
  step: number;
  samplerRandomState: number;
  /** Settings the run was started with; a resume must use the same ones. */
  settings: Record<string, unknown>;
  /** Wall-clock seconds spent training so far (excluding feature caching). */
  trainingSeconds: number;
  history: LossRecord[];
}

interface Checkpoint {
  state: TrainerState;
  heads: DeepMaskHeads;
  optimizer: Record<string, AdamSlot>;
}

interface StateFile extends TrainerState {
  format: typeof CHECKPOINT_FORMAT;
  optimizer: Array<{ name: string; step: number; length: number }>;
}

const CURRENT = 'checkpoint';
const PREVIOUS = 'checkpoint.old';

export async function saveCheckpoint(dir: string, heads: DeepMaskHeads, optimizer: Record<string, AdamSlot>, state: TrainerState): Promise<void> {
  await mkdir(dir, { recursive: true });
  const temporary = join(dir, `checkpoint.tmp-${process.pid}`);
  await rm(temporary, { recursive: true, force: true });
  await heads.save(temporary, { checkpointStep: state.step });
  const entries = Object.entries(optimizer);
  const chunks: Buffer[] = [];
  for (const [, slot] of entries) {
    chunks.push(Buffer.from(slot.firstMoment.buffer, slot.firstMoment.byteOffset, slot.firstMoment.byteLength));
    chunks.push(Buffer.from(slot.secondMoment.buffer, slot.secondMoment.byteOffset, slot.secondMoment.byteLength));
  }
  await writeFile(join(temporary, 'optimizer.bin'), Buffer.concat(chunks));
  const file: StateFile = {
    format: CHECKPOINT_FORMAT,
    ...state,
    optimizer: entries.map(([name, slot]) => ({ name, step: slot.step, length: slot.firstMoment.length })),
  };
  await writeFile(join(temporary, 'trainer-state.json'), JSON.stringify(file));
  // Swap: current -> old, temporary -> current, drop old.
  await rm(join(dir, PREVIOUS), { recursive: true, force: true });
  if (await exists(join(dir, CURRENT))) await rename(join(dir, CURRENT), join(dir, PREVIOUS));
  await rename(temporary, join(dir, CURRENT));
  await rm(join(dir, PREVIOUS), { recursive: true, force: true });
}

/** The latest checkpoint in dir, or null if there is none. Throws if one exists but is damaged. */
export async function loadCheckpoint(dir: string): Promise<Checkpoint | null> {
  for (const name of [CURRENT, PREVIOUS]) {
    const folder = join(dir, name);
    if (await exists(join(folder, 'trainer-state.json'))) return readCheckpoint(folder);
  }
  return null;
}

async function readCheckpoint(folder: string): Promise<Checkpoint> {
  const file = JSON.parse(await readFile(join(folder, 'trainer-state.json'), 'utf8')) as StateFile;
  if (file.format !== CHECKPOINT_FORMAT) throw new Error(`${folder}: not a MaskPilot checkpoint (format ${String(file.format)})`);
  const bytes = await readFile(join(folder, 'optimizer.bin'));
  const expected = file.optimizer.reduce((sum, entry) => sum + entry.length * 8, 0);
  if (bytes.byteLength !== expected) throw new Error(`${folder}/optimizer.bin holds ${bytes.byteLength} bytes, expected ${expected}: damaged checkpoint`);
  const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const optimizer: Record<string, AdamSlot> = {};
  let offset = 0;
  for (const entry of file.optimizer) {
    const firstMoment = floats.slice(offset, offset + entry.length);
    const secondMoment = floats.slice(offset + entry.length, offset + 2 * entry.length);
    offset += 2 * entry.length;
    optimizer[entry.name] = { step: entry.step, firstMoment, secondMoment };
  }
  const heads = await loadHeads(folder);
  const { step, samplerRandomState, settings, trainingSeconds, history } = file;
  return { state: { step, samplerRandomState, settings, trainingSeconds, history }, heads, optimizer };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
