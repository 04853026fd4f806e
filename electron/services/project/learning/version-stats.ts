// How each model version's proposals fared with the annotator, from the saved annotations: per
// modelVersion of source 'model' instances, how many are still undecided, accepted as they were,
// edited (with the mean IoU between the final mask and the mask as proposed), or rejected.
import { fromCocoRle, rleIou } from '../../../../shared/geometry';
import type { ImageAnnotations, VersionStats } from '../../../../shared/api/types';

export function versionStats(saved: Iterable<ImageAnnotations>, knownVersionIds: readonly string[]): VersionStats[] {
  const byVersion = new Map<string, VersionStats & { iouSum: number; iouCount: number }>();
  const entry = (versionId: string) => {
    let stats = byVersion.get(versionId);
    if (!stats) {
      stats = { versionId, proposed: 0, acceptedAsIs: 0, edited: 0, meanEditIou: null, rejected: 0, iouSum: 0, iouCount: 0 };
      byVersion.set(versionId, stats);
    }
    return stats;
  };
  for (const id of knownVersionIds) entry(id);
  for (const annotations of saved) {
    for (const instance of annotations.instances) {
      if (instance.source !== 'model' || instance.modelVersion === null) continue;
      const stats = entry(instance.modelVersion);
      if (instance.status === 'proposed') stats.proposed += 1;
      else if (instance.status === 'accepted') stats.acceptedAsIs += 1;
      else if (instance.status === 'rejected') stats.rejected += 1;
      else {
        stats.edited += 1;
        if (instance.proposalRle) {
          stats.iouSum += rleIou([fromCocoRle(instance.rle)], [fromCocoRle(instance.proposalRle)], [false])[0][0];
          stats.iouCount += 1;
        }
      }
    }
  }
  // Known versions first in their order, then versions only the annotations mention (older models).
  return [...byVersion.values()].map(({ iouSum, iouCount, ...stats }) => ({ ...stats, meanEditIou: iouCount > 0 ? iouSum / iouCount : null }));
}
