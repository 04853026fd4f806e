// The 80 COCO classes in the order of the trunk detector's heatmap channels (MB3-CenterNet in
// @vladmandic/human: channel i is its label i + 1), and the names a project might give them.
export const COCO_CLASSES: readonly string[] = [
  'person', 'bicycle', 'car', 'motorcycle', 'airplane', 'bus', 'train', 'truck', 'boat', 'traffic light',
  'fire hydrant', 'stop sign', 'parking meter', 'bench', 'bird', 'cat', 'dog', 'horse', 'sheep', 'cow',
  'elephant', 'bear', 'zebra', 'giraffe', 'backpack', 'umbrella', 'handbag', 'tie', 'suitcase', 'frisbee',
  'skis', 'snowboard', 'sports ball', 'kite', 'baseball bat', 'baseball glove', 'skateboard', 'surfboard', 'tennis racket', 'bottle',
  'wine glass', 'cup', 'fork', 'knife', 'spoon', 'bowl', 'banana', 'apple', 'sandwich', 'orange',
  'broccoli', 'carrot', 'hot dog', 'pizza', 'donut', 'cake', 'chair', 'couch', 'potted plant', 'bed',
  'dining table', 'toilet', 'tv', 'laptop', 'mouse', 'remote', 'keyboard', 'cell phone', 'microwave', 'oven',
  'toaster', 'sink', 'refrigerator', 'book', 'clock', 'vase', 'scissors', 'teddy bear', 'hair drier', 'toothbrush',
];

/** Other names for COCO classes (lower case). */
const SYNONYMS: Record<string, string> = {
  people: 'person', pedestrian: 'person', human: 'person', man: 'person', woman: 'person', child: 'person',
  bike: 'bicycle', motorbike: 'motorcycle', aeroplane: 'airplane', plane: 'airplane', ship: 'boat',
  sofa: 'couch', television: 'tv', tvmonitor: 'tv', monitor: 'tv', 'dining-table': 'dining table', table: 'dining table',
  diningtable: 'dining table', pottedplant: 'potted plant', plant: 'potted plant', phone: 'cell phone', mobile: 'cell phone',
  ball: 'sports ball', doughnut: 'donut', fridge: 'refrigerator', 'hair dryer': 'hair drier', puppy: 'dog', kitten: 'cat',
};

/** The detector channel of a category name, or -1 when it names no COCO class. */
export function cocoClassIndex(name: string): number {
  const normal = name.trim().toLowerCase().replace(/[_]+/g, ' ').replace(/\s+/g, ' ');
  const direct = COCO_CLASSES.indexOf(normal);
  if (direct >= 0) return direct;
  const singular = normal.endsWith('s') ? normal.slice(0, -1) : normal;
  const viaSingular = COCO_CLASSES.indexOf(singular);
  if (viaSingular >= 0) return viaSingular;
  const synonym = SYNONYMS[normal] ?? SYNONYMS[singular];
  return synonym ? COCO_CLASSES.indexOf(synonym) : -1;
}
