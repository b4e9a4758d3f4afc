import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';

/**
 * The layers of src/ and who may import whom (ARCHITECTURE.md explains why).
 * Lower layers never import higher ones:
 *
 *   calendar < domain < reports < app < {config, register, adapters/*, scheduler, web, http, metrics} < entry
 *
 * "entry" is the composition roots: src/*.ts (boot, bot, main, banner), the CLI and the demo.
 * Within the middle row each part lists the siblings it may use; no adapter
 * imports another adapter.
 */
export type Layer =
  | 'calendar' | 'domain' | 'reports' | 'app' | 'config' | 'register' | 'generated' | 'scheduler' | 'web' | 'http' | 'metrics' | 'entry'
  | `adapters/${string}`;

const BELOW_APP: Layer[] = ['calendar', 'domain', 'reports'];

/** Project layers each layer may import (itself is always allowed; adapters/* is handled apart). */
export const MAY_IMPORT: Record<Exclude<Layer, `adapters/${string}`>, readonly Layer[]> & { adapter: readonly Layer[] } = {
  calendar: [],
  domain: ['calendar'],
  reports: ['calendar', 'domain'],
  app: BELOW_APP,
  config: ['calendar', 'domain'],
  register: [...BELOW_APP, 'app', 'config', 'generated'],
  generated: [],
  scheduler: [...BELOW_APP, 'app', 'metrics'],
  // Process-wide instruments (prom-client): fed by one-line hooks, read by /metrics.
  metrics: [...BELOW_APP, 'app'],
  // The register pages sit behind the HTTP server's request guards.
  web: [...BELOW_APP, 'app', 'config', 'http'],
  http: [...BELOW_APP, 'app', 'config'],
  adapter: [...BELOW_APP, 'app', 'config'],
  entry: [...BELOW_APP, 'app', 'config', 'register', 'scheduler', 'web', 'http', 'metrics', 'adapters/*'],
};

/**
 * Packages the pure layers may use. An allow-list, so a new dependency in the
 * domain is a decision someone makes here rather than an accident.
 */
export const PURE_PACKAGES: Partial<Record<Layer, readonly string[]>> = {
  calendar: ['luxon', 'date-holidays'],
  domain: ['zod', 'flesch-kincaid', 'syllable'],
  // pdfkit and yazl build documents and zips in memory (the callers write them, owner-only).
  reports: ['vega', 'vega-lite', '@resvg/resvg-js', 'pdfkit', 'yazl'],
};

/** Packages that reach a database or a chat platform, and the only layer allowed each. */
const OWNED_PACKAGES: [RegExp, Layer][] = [
  [/^(@prisma\/|prisma$|pg$|@electric-sql\/|pglite-prisma-adapter$)/, 'register'],
  [/^@slack\//, 'adapters/slack'],
  [/^(botbuilder|botframework)/, 'adapters/teams'],
];

/** Node modules that do I/O; the use cases reach the world through ports instead. */
const NODE_IO = new Set(['fs', 'fs/promises', 'http', 'https', 'http2', 'net', 'tls', 'dgram', 'child_process', 'worker_threads', 'cluster', 'dns']);

export interface Edge { from: string; to: string }

/**
 * Imports that are known to break the matrix and are being fixed elsewhere.
 * Each entry must still exist (the test fails on a stale one), so the list
 * only shrinks.
 */
export const TEMPORARY_EXCEPTIONS: readonly (Edge & { why: string })[] = [];

/** Folders that are programs of their own (the CLI, the demo): they wire the layers as src/boot.ts does. */
const ENTRY_FOLDERS = ['cli', 'demo'];

/** The layer of a file under src/ ('src/app/x.ts' → 'app'). */
export function layerOf(file: string): Layer {
  const parts = file.split('/');
  if (parts[0] !== 'src') throw new Error(`${file} is not under src/`);
  if (parts.length === 2 || ENTRY_FOLDERS.includes(parts[1]!)) return 'entry';
  if (parts[1] === 'adapters') return `adapters/${parts[2]}`;
  const l = parts[1] as Layer;
  if (!(l in MAY_IMPORT)) throw new Error(`${file}: src/${parts[1]} is not a known layer; add it to MAY_IMPORT in tests/helpers/import-matrix.ts`);
  return l;
}

function isBuiltin(spec: string): boolean {
  return spec.startsWith('node:') || builtinModules.includes(spec);
}

function packageName(spec: string): string {
  const p = spec.split('/');
  return spec.startsWith('@') ? `${p[0]}/${p[1]}` : p[0]!;
}

/** Why the edge breaks the matrix, or null when it is allowed. `to` is a src/ path or a package specifier. */
export function violation(edge: Edge): string | null {
  const from = layerOf(edge.from);
  const label = `${edge.from} imports ${edge.to}`;
  if (!edge.to.startsWith('src/')) {
    const spec = edge.to;
    const pkg = isBuiltin(spec) ? spec : packageName(spec);
    const pure = PURE_PACKAGES[from];
    if (pure && !pure.includes(pkg)) return `${label}: ${from}/ is pure and may use only ${pure.join(', ') || 'no packages'}`;
    for (const [re, owner] of OWNED_PACKAGES) {
      if (re.test(pkg) && from !== owner) return `${label}: only ${owner}/ may use ${pkg}`;
    }
    if (from === 'app' && NODE_IO.has(spec.replace(/^node:/, ''))) return `${label}: app/ does no I/O itself; put it behind a port`;
    return null;
  }
  const to = layerOf(edge.to);
  if (to === from) return null;
  if (from.startsWith('adapters/') && to.startsWith('adapters/')) return `${label}: an adapter never imports another adapter`;
  const allowed = from.startsWith('adapters/') ? MAY_IMPORT.adapter : MAY_IMPORT[from as keyof typeof MAY_IMPORT];
  const ok = allowed.includes(to) || (to.startsWith('adapters/') && allowed.includes('adapters/*'));
  return ok ? null : `${label}: ${from}/ may import only ${allowed.join(', ') || 'nothing else in src/'}`;
}

/** Every violation in a graph, minus the temporary exceptions. */
export function violations(edges: readonly Edge[], exceptions: readonly Edge[] = TEMPORARY_EXCEPTIONS): string[] {
  const excused = new Set(exceptions.map((e) => `${e.from} -> ${e.to}`));
  return edges.filter((e) => !excused.has(`${e.from} -> ${e.to}`)).map(violation).filter((v): v is string => v !== null);
}

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

/** The import graph of src/ (static, dynamic and type-only imports and re-exports), generated code left out. */
export function importGraph(root = 'src'): Edge[] {
  const edges: Edge[] = [];
  for (const abs of files(root)) {
    const from = abs.split(path.sep).join('/');
    if (from.startsWith('src/generated/')) continue;
    const info = ts.preProcessFile(fs.readFileSync(abs, 'utf8'), true, true);
    for (const { fileName: spec } of info.importedFiles) {
      const to = spec.startsWith('.') ? path.posix.normalize(path.posix.join(path.posix.dirname(from), spec)) : spec;
      edges.push({ from, to });
    }
  }
  return edges;
}
