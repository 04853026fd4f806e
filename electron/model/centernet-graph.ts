// Loads the COCO-trained MB3-CenterNet graph model that ships in @vladmandic/human (MIT) straight from
// the file system: tfjs's own loaders expect http(s) or tfjs-node's file:// handler, neither of which we
// have, so the topology and the weight bytes are read here and handed over with tf.io.fromMemory.
//
// The graph's input placeholder is fixed at [1,512,512,3]. The MobileNetV3 trunk is fully convolutional,
// so a copy of the topology with the placeholder widened to [1,-1,-1,3] runs the trunk nodes at any
// size that is a multiple of 32. The detector tail (TopK over a flattened 128x128x80 heatmap with a
// baked-in stride) is only valid at 512 x 512.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';

export const CENTERNET_INPUT_NODE = 'tower_0/images';
/** The detector's native input size (pixels, square); the trunk runs at other sizes too. */
export const CENTERNET_NATIVE_SIZE = 512;

interface ModelJson {
  modelTopology: { node: Array<{ name: string; op: string; attr?: Record<string, unknown> }> };
  weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
  signature?: unknown;
}

/** Absolute path of the directory holding centernet.json and centernet.bin inside @vladmandic/human. */
function centernetModelDir(): string {
  // The package's "exports" map hides package.json, so resolve its node entry (dist/human.node.js)
  // and step up to the package root.
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@vladmandic/human')), '..', 'models');
}

interface LoadCenternetOptions {
  /** Widen the input placeholder to [1,-1,-1,3] so the convolutional trunk runs at any size. */
  dynamicInput: boolean;
  /** Override the model directory (tests use it to point at corrupt copies). */
  modelDir?: string;
}

export async function loadCenternetGraph(options: LoadCenternetOptions): Promise<GraphModel> {
  const dir = options.modelDir ?? centernetModelDir();
  const jsonPath = join(dir, 'centernet.json');
  let json: ModelJson;
  try {
    json = JSON.parse(await readFile(jsonPath, 'utf8')) as ModelJson;
  } catch (error) {
    throw new Error(`cannot read the trunk topology ${jsonPath}: ${(error as Error).message}`);
  }
  if (!json.modelTopology?.node || !Array.isArray(json.weightsManifest)) {
    throw new Error(`${jsonPath} is not a tfjs graph model (no modelTopology.node or weightsManifest)`);
  }
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Buffer[] = [];
  for (const group of json.weightsManifest) {
    weightSpecs.push(...group.weights);
    for (const file of group.paths) buffers.push(await readFile(join(dir, file)));
  }
  const bytes = Buffer.concat(buffers);
  const expected = expectedWeightBytes(weightSpecs);
  if (bytes.byteLength !== expected) {
    throw new Error(`trunk weights in ${dir} hold ${bytes.byteLength} bytes, the manifest needs ${expected}: corrupt or truncated`);
  }
  const topology = options.dynamicInput ? widenInput(json.modelTopology) : json.modelTopology;
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const handler = tf.io.fromMemory({
    modelTopology: topology as unknown as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs,
    weightData,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
  });
  return loadGraphModel(handler);
}

/** A deep copy of the topology whose input placeholder accepts any height and width. */
function widenInput(topology: ModelJson['modelTopology']): ModelJson['modelTopology'] {
  const copy = structuredClone(topology);
  const input = copy.node.find((node) => node.name === CENTERNET_INPUT_NODE);
  if (!input || input.op !== 'Placeholder') throw new Error(`centernet.json has no Placeholder named ${CENTERNET_INPUT_NODE}`);
  input.attr = { ...input.attr, shape: { shape: { dim: [{ size: '1' }, { size: '-1' }, { size: '-1' }, { size: '3' }] } } };
  return copy;
}

const BYTES_PER_DTYPE: Record<string, number> = { float32: 4, int32: 4, bool: 1, float16: 2, uint8: 1, uint16: 2 };

function expectedWeightBytes(specs: tf.io.WeightsManifestEntry[]): number {
  let total = 0;
  for (const spec of specs) {
    const count = spec.shape.reduce((product, size) => product * size, 1);
    const stored = spec.quantization?.dtype ?? spec.dtype;
    const size = BYTES_PER_DTYPE[stored];
    if (size === undefined) throw new Error(`unsupported weight dtype ${stored} for ${spec.name}`);
    total += count * size;
  }
  return total;
}
