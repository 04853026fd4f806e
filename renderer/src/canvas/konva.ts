// The canvas's Konva: the core (Stage, Layer, Shape) plus the one shape class it draws by name,
// Image. react-konva's default entry registers every Konva shape and filter (Transformer, Text,
// Path, TextPath, the filters: about 80 kB minified, an eighth of the bundle) that the canvas never
// uses: everything else is drawn by custom Shape scene functions. Canvas code imports react-konva
// through this file only, so a shape added later is registered here.
import 'konva/lib/shapes/Image';

export { Image, Layer, Shape, Stage } from 'react-konva/lib/ReactKonvaCore';
