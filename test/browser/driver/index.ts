// The driver layer: launch(engine) gives a Browser; README.md beside this file documents it.
import { launchChromium } from './chromium.js';
import { launchFirefox } from './firefox.js';
import { launchWebKit } from './webkit.js';
import { ENGINES, type Browser, type Engine } from './types.js';

export { ENGINES, type Browser, type Engine, type Page } from './types.js';

export function launch(engine: Engine): Promise<Browser> {
  switch (engine) {
    case 'chromium': return launchChromium();
    case 'firefox': return launchFirefox();
    case 'webkit': return launchWebKit();
    default: throw new Error(`unknown engine ${JSON.stringify(engine)}: one of ${ENGINES.join(', ')}`);
  }
}
