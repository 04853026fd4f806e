// The Content-Security-Policy of the renderer (Electron security checklist item 7). Scripts only
// from the app's own origin (no inline scripts, no eval), images from the app and the image
// protocol, no network, no plugins, no frames, no forms. Inline styles are allowed because React
// style attributes and Konva's container use them; they cannot run code.
import { APP_HOST, APP_SCHEME, IMAGE_SCHEME } from '../ipc/channels';

export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

const DIRECTIVES: Record<string, string[]> = {
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", `${IMAGE_SCHEME}:`, 'data:', 'blob:'],
  'font-src': ["'self'", 'data:'],
  // fetch() of images (to read pixels) goes to the image protocol; the API goes over IPC, never the network.
  'connect-src': ["'self'", `${IMAGE_SCHEME}:`],
  'worker-src': ["'self'", 'blob:'],
  'object-src': ["'none'"],
  'frame-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
};

export const CONTENT_SECURITY_POLICY = Object.entries(DIRECTIVES)
  .map(([name, sources]) => `${name} ${sources.join(' ')}`)
  .join('; ');
