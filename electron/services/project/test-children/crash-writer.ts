// Test child for the crash-safety test: saves annotations in a loop, two images at a time, and
// prints "<imageId> <revision>" only after each save has resolved (the acknowledgement a client
// relies on). Instance ids encode the revision they were saved at, so the parent can check that
// what is on disk is exactly one acknowledged (or the in-flight) save. Runs until killed.
import { openProject } from '../project-service';
import { rectangleInstance } from '../test-helpers';

const folder = process.argv[2];
const project = await openProject(folder);
const images = ['one.jpg', 'nested/two.png'];
const sizes = new Map<string, { width: number; height: number }>();
const revisions = new Map<string, number>();
for (const imageId of images) {
  const record = await project.getImage({ imageId });
  sizes.set(imageId, { width: record.width as number, height: record.height as number });
  revisions.set(imageId, (await project.getAnnotations({ imageId })).revision);
}

async function saveNext(imageId: string): Promise<void> {
  const { width, height } = sizes.get(imageId) as { width: number; height: number };
  const base = revisions.get(imageId) as number;
  const next = base + 1;
  // Sizeable payloads (many polygons) make the write window wide enough for kills to land in it.
  const instances = Array.from({ length: 30 }, (_, index) =>
    rectangleInstance(`rev-${next}-${index}`, width, height, { polygons: [Array.from({ length: 400 }, (_, value) => (value * next) % width)] }),
  );
  const { revision } = await project.saveAnnotations({ imageId, instances, baseRevision: base, status: 'inProgress' });
  revisions.set(imageId, revision);
  process.stdout.write(`${imageId} ${revision}\n`);
}

for (let round = 0; ; round += 1) {
  await Promise.all(images.map(saveNext));
  if (round % 10 === 0) await project.saveCategory({ name: `category-${process.pid}-${round}` });
}
