// Draws the learning-loop benchmark's cost per object per block, with and without fine-tuning, as a
// PNG for docs/learning-loop.md (issue #19): one chart per run pair, stacked bars of what the
// annotator paid per object (accepts and rejects, click-session clicks, drawn vertices, category keys)
// for the fine-tuning run, and a line for the baseline's total.
//   npx tsx bench/plot-learning-loop.ts --run bench/results/learning-loop-pennfudan.json --out docs/learning-loop-pennfudan.png [--title "..."]
// The run's JSON must hold the baseline (bench/learning-loop.ts --baseline).
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import type { BlockRow, BlockTally } from './lib/block-report';

const { values } = parseArgs({ options: { run: { type: 'string' }, out: { type: 'string' }, title: { type: 'string' } } });
if (!values.run || !values.out) throw new Error('usage: plot-learning-loop --run results.json --out chart.png [--title text]');
const run = JSON.parse(await readFile(values.run, 'utf8')) as { rows: BlockRow[]; dataset: string; baseline?: { rows: BlockRow[] } };
if (!run.baseline) throw new Error(`${values.run} holds no baseline run (run bench/learning-loop.ts with --baseline)`);

interface Parts {
  decisions: number;
  sessionClicks: number;
  vertices: number;
  categoryKeys: number;
  total: number;
}
const partsOf = (walk: BlockTally | null): Parts | null => {
  if (!walk || walk.objects === 0) return null;
  const sessionClicks = walk.sessionClicks ?? 0;
  const categoryKeys = walk.categoryKeys ?? 0;
  const decisions = walk.clicks - sessionClicks - walk.drawnVertices - categoryKeys;
  return { decisions: decisions / walk.objects, sessionClicks: sessionClicks / walk.objects, vertices: walk.drawnVertices / walk.objects, categoryKeys: categoryKeys / walk.objects, total: walk.clicks / walk.objects };
};
const blocks = run.rows.filter((row) => row.walk);
const fineTuned = blocks.map((row) => partsOf(row.walk));
const baseline = blocks.map((row) => partsOf(run.baseline!.rows.find((other) => other.block === row.block)?.walk ?? null));
const top = Math.max(1, ...fineTuned.map((parts) => parts?.total ?? 0), ...baseline.map((parts) => parts?.total ?? 0)) * 1.1;

const width = 800;
const height = 420;
const left = 60;
const right = 20;
const topMargin = 50;
const bottom = 60;
const plotWidth = width - left - right;
const plotHeight = height - topMargin - bottom;
const x = (index: number): number => left + ((index + 0.5) * plotWidth) / blocks.length;
const y = (value: number): number => topMargin + plotHeight - (value / top) * plotHeight;
const barWidth = (plotWidth / blocks.length) * 0.6;
const colours = { decisions: '#74c0fc', sessionClicks: '#f59f00', vertices: '#e03131', categoryKeys: '#9775fa' };
const labels = { decisions: 'accepts + rejects', sessionClicks: 'click-session clicks', vertices: 'drawn vertices', categoryKeys: 'category keys' };
const bars = fineTuned
  .map((parts, index) => {
    if (!parts) return '';
    let base = 0;
    return (Object.keys(colours) as Array<keyof typeof colours>)
      .map((key) => {
        const value = parts[key];
        const rect = `<rect x="${(x(index) - barWidth / 2).toFixed(1)}" y="${y(base + value).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(y(base) - y(base + value)).toFixed(1)}" fill="${colours[key]}"/>`;
        base += value;
        return rect;
      })
      .join('');
  })
  .join('');
const baselineLine = baseline
  .map((parts, index) => (parts ? `${index === 0 ? 'M' : 'L'}${x(index).toFixed(1)},${y(parts.total).toFixed(1)}` : ''))
  .join(' ');
const ticks = Array.from({ length: 6 }, (_, k) => (top * k) / 5)
  .map((value) => `<line x1="${left - 4}" y1="${y(value)}" x2="${left + plotWidth}" y2="${y(value)}" stroke="#eee"/><text x="${left - 8}" y="${y(value) + 4}" font-size="11" text-anchor="end">${value.toFixed(1)}</text>`)
  .join('');
const blockLabels = blocks.map((row, index) => `<text x="${x(index)}" y="${topMargin + plotHeight + 16}" font-size="11" text-anchor="middle">${row.block}</text>`).join('');
const legend = [...(Object.keys(colours) as Array<keyof typeof colours>).map((key, k) => `<rect x="${left + k * 150}" y="${height - 22}" width="12" height="12" fill="${colours[key]}"/><text x="${left + k * 150 + 16}" y="${height - 12}" font-size="11">${labels[key]}</text>`), `<line x1="${left + 600}" y1="${height - 16}" x2="${left + 620}" y2="${height - 16}" stroke="#222" stroke-width="2" stroke-dasharray="5 3"/><text x="${left + 624}" y="${height - 12}" font-size="11">no fine-tune</text>`].join('');
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
${ticks}${bars}
<path d="${baselineLine}" fill="none" stroke="#222" stroke-width="2" stroke-dasharray="5 3"/>
<text x="${width / 2}" y="24" font-size="14" text-anchor="middle">${values.title ?? `Annotator's cost per object, ${run.dataset}`}</text>
<text x="${left + plotWidth / 2}" y="${topMargin + plotHeight + 34}" font-size="12" text-anchor="middle">block (images walked, a fine-tune after each)</text>
<text x="16" y="${topMargin + plotHeight / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 16 ${topMargin + plotHeight / 2})">keys + clicks + vertices per object</text>
${blockLabels}${legend}
</svg>`;
await sharp(Buffer.from(svg)).png().toFile(values.out);
process.stdout.write(`wrote ${values.out}\n`);
