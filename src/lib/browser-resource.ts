// Resource attributes a page can know about itself (semantic conventions: telemetry.sdk.*,
// user_agent.original, browser.*). browser.* come from navigator.userAgentData where the
// engine has it (Chromium); elsewhere only browser.language is known, and nothing is guessed.
import { SDK_VERSION } from '../sdk/index.js';

interface UAData { brands?: { brand: string; version: string }[]; mobile?: boolean; platform?: string }

export function browserResource(): Record<string, unknown> {
  const out: Record<string, unknown> = {
    'telemetry.sdk.name': 'plume',
    'telemetry.sdk.language': 'webjs',
    'telemetry.sdk.version': SDK_VERSION,
  };
  const nav = typeof navigator === 'object' ? navigator : undefined;
  if (!nav) return out;
  if (nav.userAgent) out['user_agent.original'] = nav.userAgent;
  if (nav.language) out['browser.language'] = nav.language;
  const ua = (nav as Navigator & { userAgentData?: UAData }).userAgentData;
  if (ua) {
    if (Array.isArray(ua.brands)) out['browser.brands'] = ua.brands.map((b) => `${b.brand} ${b.version}`);
    if (typeof ua.platform === 'string' && ua.platform) out['browser.platform'] = ua.platform;
    if (typeof ua.mobile === 'boolean') out['browser.mobile'] = ua.mobile;
  }
  return out;
}
