// `maskpilot evaluate`: class-agnostic average recall of segment proposals against COCO ground
// truth, computed as COCO's cocoeval does (iouType 'segm', useCats 0). Prints a table and writes
// the full report (same keys as cocoeval-derived expected.json files) as JSON.
import { basename, dirname, extname, join } from 'node:path';
import { evaluateCocoProposals } from '../../shared/coco/evaluate-coco';
import type { ArReport } from '../../shared/coco/evaluate';
import { parseCocoProposals } from '../../shared/coco/results';
import { readCocoFile, readJsonFile, withFileName, writeJsonFile } from '../services/coco-file';
import type { CliCommand } from './command';

const USAGE = `Usage: maskpilot evaluate --gt <annotations.json> --proposals <proposals.json> [--out <report.json>]

Class-agnostic average recall (AR) of segment proposals, as COCO's cocoeval computes it with
iouType 'segm', useCats 0, maxDets 10/100/1000, IoU 0.50:0.05:0.95 and crowd regions ignored.

  --gt <file>         COCO dataset with the ground-truth instances
  --proposals <file>  COCO results list [{image_id, segmentation, score}, ...]
                      or a COCO dataset whose annotations carry a score
  --out <file>        where to write the JSON report
                      (default: next to the proposals, <name>.ar.json)`;

interface EvaluateOptions {
  gt: string;
  proposals: string;
  out: string;
}

class UsageError extends Error {}

export const evaluateCommand: CliCommand = {
  name: 'evaluate',
  summary: 'average recall of proposals against COCO ground truth (AR@10/100/1000, small/medium/large)',
  usage: USAGE,
  async run(argv: string[]): Promise<number> {
    let options: EvaluateOptions;
    try {
      options = parseArguments(argv);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      process.stderr.write(`maskpilot evaluate: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    const groundTruth = await readCocoFile(options.gt);
    const proposalsJson = await readJsonFile(options.proposals);
    const proposals = withFileName(options.proposals, () => parseCocoProposals(proposalsJson, groundTruth));
    const report = evaluateCocoProposals(groundTruth, proposals);
    await writeJsonFile(options.out, report);
    process.stdout.write(`${formatReport(report)}\nReport written to ${options.out}\n`);
    return 0;
  },
};

function parseArguments(argv: string[]): EvaluateOptions {
  const values: Partial<Record<'gt' | 'proposals' | 'out', string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    const [flag, inline] = argument.startsWith('--') && argument.includes('=') ? argument.split(/=(.*)/s, 2) : [argument, undefined];
    const key = flag.slice(2);
    if (!flag.startsWith('--') || (key !== 'gt' && key !== 'proposals' && key !== 'out')) {
      throw new UsageError(`unexpected argument '${argument}'`);
    }
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') throw new UsageError(`${flag} needs a file`);
    values[key] = value;
  }
  if (values.gt === undefined) throw new UsageError('missing --gt <annotations.json>');
  if (values.proposals === undefined) throw new UsageError('missing --proposals <proposals.json>');
  return { gt: values.gt, proposals: values.proposals, out: values.out ?? defaultReportPath(values.proposals) };
}

/** "runs/proposals.json" -> "runs/proposals.ar.json". */
export function defaultReportPath(proposalsPath: string): string {
  const extension = extname(proposalsPath);
  const name = extension.toLowerCase() === '.json' ? basename(proposalsPath, extension) : basename(proposalsPath);
  return join(dirname(proposalsPath), `${name}.ar.json`);
}

function formatReport(report: ArReport): string {
  const { counts, params } = report;
  const thresholds = params.iouThrs;
  const range = `${thresholds[0].toFixed(2)}:${(thresholds[1] - thresholds[0]).toFixed(2)}:${thresholds[thresholds.length - 1].toFixed(2)}`;
  const largest = params.maxDets[params.maxDets.length - 1];
  const rows: Array<[string, string]> = [
    ...params.maxDets.map((limit): [string, string] => [`AR@${limit}`, 'all']),
    ...(['small', 'medium', 'large'] as const).map((area): [string, string] => [`AR_${area}@${largest}`, area]),
  ];
  const areaLabel = (area: string): string => {
    if (area === 'all') return 'all';
    const [low, high] = params.areaRng[area as 'small' | 'medium' | 'large'];
    return `${area} (${formatArea(low)}-${formatArea(high)} px)`;
  };
  const lines = [
    `Average recall, class-agnostic, IoU ${range}`,
    `${counts.images} images, ${counts.gt} ground-truth instances${counts.crowd > 0 ? ` (${counts.crowd} crowd regions, ignored)` : ''}, ${counts.proposals} proposals`,
    '',
    `${'metric'.padEnd(16)}${'areas'.padEnd(26)}value`,
    ...rows.map(([key, area]) => {
      const value = report[key as `AR@${number}`];
      return `${key.padEnd(16)}${areaLabel(area).padEnd(26)}${value === -1 ? '  n/a (no ground truth)' : value.toFixed(4)}`;
    }),
    '',
    'Recall per IoU threshold, all areas:',
    `${'proposals'.padEnd(11)}${thresholds.map((threshold) => threshold.toFixed(2).padStart(7)).join('')}`,
    ...params.maxDets.map((limit) => {
      const recalls = report.recall_per_iou_all[String(limit)] ?? [];
      return `${String(limit).padEnd(11)}${recalls.map((recall) => (recall === -1 ? 'n/a' : recall.toFixed(3)).padStart(7)).join('')}`;
    }),
  ];
  return lines.join('\n');
}

function formatArea(area: number): string {
  if (area >= 1e10) return 'inf';
  if (area === 0) return '0';
  const side = Math.sqrt(area);
  return Number.isInteger(side) ? `${side}^2` : String(area);
}
