// How each model version's proposals fared with the annotator, from the saved annotations: per
// modelVersion of source 'model' instances, how many are still undecided, accepted as they were,
// edited (with the mean IoU between the final mask and the mask as proposed), or rejected.
// Tallied per image so a caller can keep the tallies and recount only the images saved since.
import { fromCocoRle, rleIou } from '../../../../shared/geometry';
import type { ImageAnnotations, VersionStats } from '../../../../shared/api/types';

export interface VersionTally {
  versionId: string;
  proposed: number;
  acceptedAsIs: number;
  edited: number;
  rejected: number;
  /** Sum and count of edit IoUs (edited instances that kept their proposalRle). */
  iouSum: number;
  iouCount: number;
}

function emptyTally(versionId: string): VersionTally {
  return { versionId, proposed: 0, acceptedAsIs: 0, edited: 0, rejected: 0, iouSum: 0, iouCount: 0 };
}

/** One image's contribution, per version. */
export function tallyImage(annotations: ImageAnnotations): VersionTally[] {
  const byVersion = new Map<string, VersionTally>();
  for (const instance of annotations.instances) {
    if (instance.source !== 'model' || instance.modelVersion === null) continue;
    let tally = byVersion.get(instance.modelVersion);
    if (!tally) {
      tally = emptyTally(instance.modelVersion);
      byVersion.set(instance.modelVersion, tally);
    }
    if (instance.status === 'proposed') tally.proposed += 1;
    else if (instance.status === 'accepted') tally.acceptedAsIs += 1;
    else if (instance.status === 'rejected') tally.rejected += 1;
    else {
      tally.edited += 1;
      if (instance.proposalRle) {
        tally.iouSum += rleIou([fromCocoRle(instance.rle)], [fromCocoRle(instance.proposalRle)], [false])[0][0];
        tally.iouCount += 1;
      }
    }
  }
  return [...byVersion.values()];
}

/** Sums image tallies; every known version appears (zeros when unused), then versions only the annotations mention. */
export function combineTallies(perImage: Iterable<readonly VersionTally[]>, knownVersionIds: readonly string[]): VersionStats[] {
  const total = new Map<string, VersionTally>(knownVersionIds.map((id) => [id, emptyTally(id)]));
  for (const tallies of perImage) {
    for (const tally of tallies) {
      const sum = total.get(tally.versionId) ?? emptyTally(tally.versionId);
      total.set(tally.versionId, {
        versionId: tally.versionId,
        proposed: sum.proposed + tally.proposed,
        acceptedAsIs: sum.acceptedAsIs + tally.acceptedAsIs,
        edited: sum.edited + tally.edited,
        rejected: sum.rejected + tally.rejected,
        iouSum: sum.iouSum + tally.iouSum,
        iouCount: sum.iouCount + tally.iouCount,
      });
    }
  }
  return [...total.values()].map(({ iouSum, iouCount, ...stats }) => ({ ...stats, meanEditIou: iouCount > 0 ? iouSum / iouCount : null }));
}
