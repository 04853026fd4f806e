// Traces the boundary of a binary mask along pixel edges, producing closed rings whose vertices
// are pixel corners (integer coordinates; the corner (x, y) is the top-left corner of pixel (x, y)).
//
// Orientation (image coordinates, y down): every boundary edge is walked with the foreground on
// its right-hand side. Outer rings therefore run clockwise on screen (positive shoelace area in
// image coordinates) and holes counter-clockwise (negative area). Rasterisers in this module use
// even-odd fill and never depend on orientation; it is there so callers can tell holes apart.
//
// Connectivity: the foreground is 8-connected (two pixels touching only at a corner belong to the
// same ring, which then touches itself at that corner); the background is 4-connected, so a hole
// that meets the outside only at a corner is still a hole. Rings may share vertices but never edges:
// every boundary edge is used exactly once, so the even-odd fill of all rings (ringsToRle) gives
// back the mask exactly.
import type { FlatPolygon } from '../api/types';
import { assertValidMask, rowChanges, wordView, type BinaryMask } from './mask';

// Directions in clockwise screen order, so turning right is +1 and left is +3 (mod 4).
const EAST = 0;
const SOUTH = 1;
const WEST = 2;
const NORTH = 3;

/** All rings of the mask, unsimplified: only the corners where the boundary turns are kept. */
export function traceContours(mask: BinaryMask): FlatPolygon[] {
  assertValidMask(mask);
  const { width, height, data } = mask;
  const rings: FlatPolygon[] = [];
  if (width === 0 || height === 0) return rings;
  // One bit per horizontal pixel edge (index y * width + x: row y of corners 0..height, edge x spans
  // corners x..x+1). Every ring contains a horizontal edge, so scanning these for unvisited boundary
  // edges finds all rings. Bits, not bytes: allocating a mask-sized buffer per call cost more than
  // the whole trace on 640x480 masks.
  const visited = new Uint32Array(((height + 1) * width + 31) >>> 5);
  const markVisited = (index: number) => {
    visited[index >>> 5] |= 1 << (index & 31);
  };

  const foreground = (x: number, y: number): boolean => x >= 0 && y >= 0 && x < width && y < height && data[y * width + x] !== 0;

  const trace = (startX: number, startY: number, startDirection: number): FlatPolygon => {
    const ring: FlatPolygon = [];
    let x = startX;
    let y = startY;
    let direction = startDirection;
    do {
      if (direction === EAST) {
        markVisited(y * width + x);
        x++;
      } else if (direction === WEST) {
        x--;
        markVisited(y * width + x);
      } else if (direction === SOUTH) y++;
      else y--;
      // The two pixels ahead of corner (x, y), seen facing `direction`.
      let aheadLeft: boolean;
      let aheadRight: boolean;
      if (direction === EAST) {
        aheadLeft = foreground(x, y - 1);
        aheadRight = foreground(x, y);
      } else if (direction === SOUTH) {
        aheadLeft = foreground(x, y);
        aheadRight = foreground(x - 1, y);
      } else if (direction === WEST) {
        aheadLeft = foreground(x - 1, y);
        aheadRight = foreground(x - 1, y - 1);
      } else {
        aheadLeft = foreground(x - 1, y - 1);
        aheadRight = foreground(x, y - 1);
      }
      // Keep the foreground on the right; at a saddle (ahead-left set, ahead-right clear) turning
      // left joins the diagonal neighbour, which is what makes the foreground 8-connected.
      const next = aheadLeft ? (direction + 3) & 3 : aheadRight ? direction : (direction + 1) & 3;
      if (next !== direction) ring.push(x, y);
      direction = next;
    } while (x !== startX || y !== startY || direction !== startDirection);
    return ring;
  };

  const changes = new Int32Array(width);
  const emptyRow = new Uint8Array(width);
  const dataWords = wordView(data);
  const emptyWords = wordView(emptyRow);
  for (let y = 0; y <= height; y++) {
    // Horizontal boundary edges of corner row y lie where pixel rows y-1 and y disagree.
    const count = rowChanges(
      y > 0 ? data : emptyRow,
      y > 0 ? dataWords : emptyWords,
      y > 0 ? (y - 1) * width : 0,
      y < height ? data : emptyRow,
      y < height ? dataWords : emptyWords,
      y < height ? y * width : 0,
      width,
      changes,
    );
    for (let i = 0; i < count; i++) {
      const x = changes[i];
      const edge = y * width + x;
      if ((visited[edge >>> 5] & (1 << (edge & 31))) !== 0) continue;
      // Foreground below: walk east from the left corner; foreground above: walk west from the right corner.
      const below = y < height && data[y * width + x] !== 0;
      rings.push(below ? trace(x, y, EAST) : trace(x + 1, y, WEST));
    }
  }
  return rings;
}
