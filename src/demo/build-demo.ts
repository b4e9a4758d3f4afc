import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { boot } from '../boot.ts';
import { createLogger } from '../app/logger.ts';
import { loadEnv } from '../platforms.ts';
import { backupEmbedded, restoreEmbedded } from '../register/backup.ts';
import { SimulatedClock, simulate } from './simulation.ts';
import { STORIES, STORY_DAYS } from './stories.ts';

/** The checkout or install this file runs from (src/demo or dist/src/demo). */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the package folder (package.json)');
    dir = up;
  }
  return dir;
}

export interface DemoFolder { folder: string; dataDir: string; directoryFile: string }

/** The demo's settings: everything it writes stays in `folder`. */
export function demoEnv(folder: string, extra: Record<string, string> = {}): Record<string, string> {
  return { DATA_DIR: path.join(folder, 'db'), DIRECTORY_FILE: path.join(folder, 'directory.yaml'), LOG_LEVEL: 'warn', ...extra };
}

/** A marker so the demo only ever wipes a folder it made itself. */
const MARKER = '.s117-demo';

export class DemoFolderError extends Error {}

/** Makes (or remakes) the demo folder, refusing to touch a folder the demo did not make. */
export function prepareFolder(folder: string): DemoFolder {
  const abs = path.resolve(folder);
  if (fs.existsSync(abs) && fs.readdirSync(abs).length) {
    if (!fs.existsSync(path.join(abs, MARKER))) throw new DemoFolderError(`${abs} already exists and was not made by the demo; choose another folder (npm run demo -- <folder>).`);
    fs.rmSync(abs, { recursive: true, force: true });
  }
  fs.mkdirSync(abs, { recursive: true });
  fs.writeFileSync(path.join(abs, MARKER), 'Made by `npm run demo`; safe to delete.\n');
  const directoryFile = path.join(abs, 'directory.yaml');
  fs.copyFileSync(path.join(packageRoot(), 'config', 'directory.example.yaml'), directoryFile);
  return { folder: abs, dataDir: path.join(abs, 'db'), directoryFile };
}

export interface DemoResult {
  /** A dispute that went through every stage to a written decision: the one to look at first. */
  showcase: string | null;
  disputes: number; open: number; resolved: number; overdue: number; simulatedFrom: Date; simulatedTo: Date }

/**
 * Builds the demo partnership's register in `folder` by running the real
 * protocol through the real use cases, with a simulated clock over the
 * months before `end`. Notifications go to a silent log: nothing leaves the
 * machine.
 */
export async function buildDemo(folder: string, end: Date, onProgress?: (percent: number) => void): Promise<DemoResult> {
  const f = prepareFolder(folder);
  const start = new Date(end.getTime() - STORY_DAYS * 86_400_000);
  const clock = new SimulatedClock(start.getTime());
  // Built in memory and written to the folder once at the end, as a restore does: on a folder, the embedded
  // database touches files at every statement, and the simulation makes thousands of them.
  const app = await boot({ env: loadEnv(demoEnv(f.folder, { SCHEDULER: 'off', DATA_DIR: 'memory://' })), logger: createLogger('silent'), clock });
  const tarball = path.join(f.folder, `.db-${process.pid}.tar.gz`);
  let result: DemoResult;
  try {
    await simulate(app, clock, start, STORY_DAYS - 1, STORIES, (day) => onProgress?.(Math.round((100 * (day + 1)) / STORY_DAYS)));
    clock.set(end);
    await app.scheduler.tick();
    const all = await app.service.all();
    const showcase = all.find((d) => d.status === 'RESOLVED' && d.decisions.some((x) => x.outcome === 'WRITTEN_DECISION'))?.reference ?? null;
    result = {
      showcase, disputes: all.length, open: all.filter((d) => d.status === 'OPEN').length, resolved: all.filter((d) => d.status === 'RESOLVED').length,
      overdue: all.filter((d) => d.overdue).length, simulatedFrom: start, simulatedTo: end,
    };
    await backupEmbedded(app.db, tarball);
  } finally {
    await app.close();
  }
  try {
    await restoreEmbedded(f.dataDir, tarball, { force: false, now: end });
  } finally {
    fs.rmSync(tarball, { force: true });
  }
  return result;
}
