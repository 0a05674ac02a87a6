import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../supabase/local/config.ts';

/**
 * scripts/clock.sh runs a command on another day (ARBIDESK_CLOCK), for the whole suite on a
 * month end, a DST change or New Year's Eve. Needs Debian's faketime, which .ci/run installs.
 */
const script = resolve(projectRoot, 'scripts/clock.sh');
const deno = resolve(projectRoot, 'node_modules/deno/deno');

function onClock(clock: string | undefined, command: string[]): { status: number | null; stdout: string; stderr: string } {
  const env = { ...process.env };
  delete env.LD_PRELOAD;
  delete env.FAKETIME;
  if (clock === undefined) delete env.ARBIDESK_CLOCK;
  else env.ARBIDESK_CLOCK = clock;
  const run = spawnSync(script, command, { env, encoding: 'utf8', timeout: 30_000 });
  return { status: run.status, stdout: run.stdout.trim(), stderr: run.stderr.trim() };
}

describe('scripts/clock.sh', () => {
  it('moves the clock of Node and Deno alike to the day asked for, and lets it run on', () => {
    const target = Date.parse('2027-03-28T00:30:00+01:00');
    const node = onClock('2027-03-28T00:30:00+01:00', [process.execPath, '-e', 'console.log(Date.now())']);
    expect(node.status, node.stderr).toBe(0);
    expect(Number(node.stdout) - target).toBeGreaterThanOrEqual(0);
    expect(Number(node.stdout) - target).toBeLessThan(30_000);
    expect(node.stderr).toMatch(/^Clock moved by \d+ s: now is 2027-03-27 23:30:00 UTC for: /);
    const denoNow = onClock('2027-03-28T00:30:00+01:00', [deno, 'eval', 'console.log(Date.now())']);
    expect(denoNow.status, denoNow.stderr).toBe(0);
    expect(Number(denoNow.stdout) - target).toBeLessThan(30_000);
    expect(Number(denoNow.stdout) - target).toBeGreaterThanOrEqual(0);
  });

  it('runs the command as it is without ARBIDESK_CLOCK, and refuses a date it cannot read', () => {
    const plain = onClock(undefined, [process.execPath, '-e', 'console.log(Date.now())']);
    // Compared with a process started without the script (this one may run on a moved clock).
    const real = Number(spawnSync(process.execPath, ['-e', 'console.log(Date.now())'], { env: { ...process.env, LD_PRELOAD: '' }, encoding: 'utf8' }).stdout);
    expect(plain.status).toBe(0);
    expect(Math.abs(Number(plain.stdout) - real)).toBeLessThan(30_000);
    expect(plain.stderr).toBe('');
    const bad = onClock('next tuesday-ish', [process.execPath, '-e', '']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('ARBIDESK_CLOCK=next tuesday-ish is not a date GNU date reads (e.g. 2027-03-28T00:30:00+01:00)');
  });

  it('passes the command\'s exit code on', () => {
    expect(onClock('2027-01-31T22:30:00Z', [process.execPath, '-e', 'process.exit(3)']).status).toBe(3);
    expect(onClock(undefined, [process.execPath, '-e', 'process.exit(4)']).status).toBe(4);
  });
});
