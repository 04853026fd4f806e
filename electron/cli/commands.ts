// The list of CLI commands. Each command is a module of its own, loaded only when it runs: the
// model commands pull in tfjs, which `maskpilot host --no-model` or `--help` must not pay for.
import type { CliCommand } from './command';

interface CliCommandEntry {
  name: string;
  /** One line for `maskpilot --help`; the module's own `summary` says the same. */
  summary: string;
  load(): Promise<CliCommand>;
}

export const commands: CliCommandEntry[] = [
  {
    name: 'host',
    summary: 'serve the UI and API for a folder to a browser (headless host)',
    load: async () => (await import('./host-command')).hostCommand,
  },
  {
    name: 'evaluate',
    summary: 'average recall of proposals against COCO ground truth (AR@10/100/1000, small/medium/large)',
    load: async () => (await import('./evaluate-command')).evaluateCommand,
  },
  {
    name: 'export',
    summary: 'export the saved annotations as COCO, YOLO segmentation, LabelMe or instance-mask PNGs',
    load: async () => (await import('./export-command')).exportCommand,
  },
  {
    name: 'import',
    summary: 'import COCO, YOLO segmentation or LabelMe annotations into a folder (nothing saved unless all valid)',
    load: async () => (await import('./import-command')).importCommand,
  },
  {
    name: 'train',
    summary: 'train the DeepMask heads on a COCO dataset (checkpoints, resume, Ctrl+C saves)',
    load: async () => (await import('./train-command')).trainCommand,
  },
  {
    name: 'finetune',
    summary: "fine-tune a project's active model on its saved corrections (held-out check before adopting)",
    load: async () => (await import('./finetune-command')).finetuneCommand,
  },
  {
    name: 'propose',
    summary: 'DeepMask segment proposals for a folder of images, as COCO with scores',
    load: async () => (await import('./propose-command')).proposeCommand,
  },
  {
    name: 'segment-at',
    summary: 'click-to-segment: the mask of the object at a pixel, with score, bbox, area, latency',
    load: async () => (await import('./segment-at-command')).segmentAtCommand,
  },
];
