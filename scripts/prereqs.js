// What the test suites need from the machine besides node_modules, all Debian packages:
// protoc for the conformance tests, and the three engines of the browser suites with their
// drivers. npm test (scripts/test.js) checks for them before it runs anything: as root it
// installs what is missing with apt-get; otherwise it stops and prints the one command to run.
// The browser driver (test/browser/driver/) takes its binaries' paths from here too.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Each tool: a path or a name looked up in PATH (env, when set, overrides it) and its package. */
export const TOOLS = [
  { key: 'protoc', file: 'protoc', pkg: 'protobuf-compiler' },
  { key: 'chromium', env: 'PLUME_CHROMIUM', file: '/usr/bin/chromium', pkg: 'chromium' },
  { key: 'firefox', env: 'PLUME_FIREFOX', file: '/usr/bin/firefox-esr', pkg: 'firefox-esr' },
  { key: 'webkitDriver', env: 'PLUME_WEBKIT_DRIVER', file: 'WebKitWebDriver', pkg: 'webkit2gtk-driver' },
  // (this file comes with libwebkit2gtk-4.1-0, which webkit2gtk-driver pulls in)
  { key: 'miniBrowser', env: 'PLUME_MINIBROWSER', file: '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser', pkg: 'webkit2gtk-driver' },
  { key: 'xvfb', file: 'Xvfb', pkg: 'xvfb' },
];

const APT = ['-o', 'DPkg::Lock::Timeout=600', '-qq'];

/** The path or name a tool is looked for at. */
export function toolPath(key, env = process.env) {
  const t = TOOLS.find((x) => x.key === key);
  if (!t) throw new Error(`unknown tool ${key}`);
  return (t.env && env[t.env]) || t.file;
}

/** The executable's full path (a path as given, a name through PATH), or undefined. */
export function which(file, env = process.env) {
  const candidates = file.includes('/') ? [file] : (env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, file));
  for (const c of candidates) {
    try { accessSync(c, constants.X_OK); return c; } catch { /* next */ }
  }
  return undefined;
}

/** The packages that provide the tools missing here (each once, in TOOLS order). */
export function missingPackages(find = which, env = process.env) {
  const missing = TOOLS.filter((t) => !find(toolPath(t.key, env), env));
  return { tools: missing.map((t) => toolPath(t.key, env)), packages: [...new Set(missing.map((t) => t.pkg))] };
}

/** The one command a user without root runs to install them. */
export const installCommand = (packages) => `sudo sh -c 'apt-get update && apt-get -o DPkg::Lock::Timeout=600 install -y ${packages.join(' ')}'`;

/**
 * Makes sure the tools are there. Returns true when they are (installed now, as root, if need
 * be); false after saying why not. Everything it uses can be injected, for the unit test.
 */
export function ensurePrerequisites({
  find = which,
  env = process.env,
  isRoot = typeof process.getuid === 'function' && process.getuid() === 0,
  run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', env: { ...env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0,
  log = console.log,
} = {}) {
  const { tools, packages } = missingPackages(find, env);
  if (!packages.length) return true;
  log(`npm test needs ${tools.join(', ')} (Debian: ${packages.join(' ')}), missing here.`);
  if (!isRoot) {
    log(`Nothing was run. Install them with this command, then run npm test again:\n\n  ${installCommand(packages)}\n`);
    return false;
  }
  log(`Installing them: apt-get update && apt-get install -y ${packages.join(' ')}`);
  if (!run('apt-get', [...APT, 'update']) || !run('apt-get', [...APT, 'install', '-y', ...packages])) {
    log('apt-get failed (see above): nothing was run.');
    return false;
  }
  const still = missingPackages(find, env);
  if (still.packages.length) {
    log(`Still missing after apt-get: ${still.tools.join(', ')}. Nothing was run.`);
    return false;
  }
  return true;
}
