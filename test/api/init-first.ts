// Imported first by the node tests: init() runs before any module that takes tracers from
// @opentelemetry/api is evaluated, as the README says an app should start Plume.
import { init } from '../../src/browser.js';
import { capture } from './harness.js';

export const captured = capture();
export const plume = init(captured.config);
