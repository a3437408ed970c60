// Started (detached) by common.ts's Watchdog. Reads lines on stdin: "pid N" guards process
// group N, "-pid N" releases it, "dir PATH" is a folder to remove. When stdin closes (the
// test process exited, however it exited) or on SIGTERM/SIGINT/SIGHUP, it ends every group
// still guarded (SIGTERM, then SIGKILL after 2 s), removes the folders and exits.
import { rmSync } from 'node:fs';

const groups = new Set();
const dirs = new Set();
let buf = '';
const kill = (pid, sig) => {
  try { process.kill(-pid, sig); return true; } catch {}
  try { process.kill(pid, sig); return true; } catch {}
  return false;
};
let reaping = false;
const reap = async () => {
  if (reaping) return;
  reaping = true;
  for (const pid of groups) if (!kill(pid, 'SIGTERM')) groups.delete(pid);
  for (let i = 0; i < 20 && groups.size; i++) {
    await new Promise((r) => setTimeout(r, 100));
    for (const pid of groups) if (!kill(pid, 0)) groups.delete(pid);
  }
  for (const pid of groups) kill(pid, 'SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  process.exit(0);
};
process.stdin.on('data', (d) => {
  buf += d;
  for (let i; (i = buf.indexOf('\n')) >= 0; buf = buf.slice(i + 1)) {
    const [cmd, ...rest] = buf.slice(0, i).split(' ');
    const arg = rest.join(' ');
    if (cmd === 'pid') groups.add(Number(arg));
    else if (cmd === '-pid') groups.delete(Number(arg));
    else if (cmd === 'dir') dirs.add(arg);
  }
});
process.stdin.on('end', reap);
process.stdin.on('error', reap);
for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(sig, reap);
