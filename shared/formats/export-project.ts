// One entry point for every export format, so the CLI and the app's export dialog pick a format by
// name. All take the same input as the COCO export and select instances the same way; instances
// without a category that the options leave out are reported with the format's own left-outs.
import { countOmittedUnassigned, projectToCoco, type ProjectExportInput } from '../coco/export';
import type { ExportFormat, FormatExport } from './exported-files';
import { projectToInstanceMasks } from './instance-masks';
import { projectToLabelme } from './labelme-export';
import { exportedStatuses } from '../api/instance-status';
import { projectToYolo } from './yolo-export';

/** File name of the COCO export inside an export folder. */
export const COCO_FILE_NAME = 'annotations.json';

/** Why instances without a category are missing from an export made with unassigned: 'omit'. */
export const OMITTED_UNASSIGNED_REASON = 'without a category';

export function exportProject(format: ExportFormat, input: ProjectExportInput): FormatExport {
  const result = exportFormat(format, input);
  const omitted = countOmittedUnassigned(input);
  return omitted === 0 ? result : { ...result, skipped: [{ reason: OMITTED_UNASSIGNED_REASON, count: omitted }, ...result.skipped] };
}

function exportFormat(format: ExportFormat, input: ProjectExportInput): FormatExport {
  switch (format) {
    case 'coco': {
      const dataset = projectToCoco(input);
      const statuses = exportedStatuses(input.onlyAccepted);
      const unassigned = input.unassigned === 'omit' ? 0 : input.images.reduce(
        (sum, image) => sum + image.instances.filter((instance) => statuses.has(instance.status) && instance.categoryId === null).length,
        0,
      );
      return {
        format,
        files: [{ kind: 'text', path: COCO_FILE_NAME, text: JSON.stringify(dataset) }],
        images: [],
        counts: { images: dataset.images.length, instances: dataset.annotations.length, unassigned, classes: dataset.categories.length },
        skipped: [],
      };
    }
    case 'yolo-seg':
      return projectToYolo(input);
    case 'labelme':
      return projectToLabelme(input);
    case 'masks':
      return projectToInstanceMasks(input);
  }
}
