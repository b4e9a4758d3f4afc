import { importGraph, layerOf, TEMPORARY_EXCEPTIONS, violation, violations, type Edge } from '../helpers/import-matrix.ts';

// The layering rules of ARCHITECTURE.md as an import matrix over the real
// source tree. ESLint catches the domain's imports while editing; this keeps
// every rule true when someone runs the tests without the linter.
describe('layers', () => {
  const graph = importGraph();

  it('every import in src/ follows the import matrix', () => {
    expect(violations(graph)).toEqual([]);
  });

  it('every temporary exception still exists (fixed ones must leave the list)', () => {
    const present = new Set(graph.map((e) => `${e.from} -> ${e.to}`));
    expect(TEMPORARY_EXCEPTIONS.filter((e) => !present.has(`${e.from} -> ${e.to}`)).map((e) => `${e.from} -> ${e.to}`)).toEqual([]);
  });

  it('reads the real tree: it sees imports of every kind', () => {
    const from = (f: string) => graph.filter((e) => e.from === f).map((e) => e.to);
    expect(from('src/app/dispute-service.ts')).toEqual(expect.arrayContaining(['src/domain/decide.ts', 'src/app/dispute-store.ts']));
    expect(from('src/register/db.ts')).toEqual(expect.arrayContaining(['node:fs', 'pg']));
    expect(graph.some((e) => e.from.startsWith('src/generated/'))).toBe(false);
  });
});

describe('the import matrix checker', () => {
  const bites: [string, Edge][] = [
    ['the domain using Node I/O', { from: 'src/domain/decide.ts', to: 'node:fs' }],
    ['the domain using a bare builtin', { from: 'src/domain/decide.ts', to: 'path' }],
    ['the domain using a logger', { from: 'src/domain/view.ts', to: 'pino' }],
    ['the domain importing the app', { from: 'src/domain/view.ts', to: 'src/app/ports.ts' }],
    ['the calendar importing the domain', { from: 'src/calendar/working-calendar.ts', to: 'src/domain/types.ts' }],
    ['the app importing the register', { from: 'src/app/dispute-service.ts', to: 'src/register/db.ts' }],
    ['the app importing Prisma types', { from: 'src/app/dispute-service.ts', to: 'src/generated/prisma/client.ts' }],
    ['the app using pg', { from: 'src/app/x.ts', to: 'pg' }],
    ['the app reading files', { from: 'src/app/x.ts', to: 'node:fs/promises' }],
    ['the app importing an adapter', { from: 'src/app/x.ts', to: 'src/adapters/log/log-chat-port.ts' }],
    ['the app importing the scheduler', { from: 'src/app/x.ts', to: 'src/scheduler/scheduler.ts' }],
    ['one adapter importing another', { from: 'src/adapters/slack/x.ts', to: 'src/adapters/teams/cards.ts' }],
    ['an adapter importing the register', { from: 'src/adapters/teams/bot.ts', to: 'src/register/dispute-repo.ts' }],
    ['an adapter using Prisma', { from: 'src/adapters/slack/x.ts', to: '@prisma/client' }],
    ['Slack\'s SDK outside the Slack adapter', { from: 'src/adapters/teams/x.ts', to: '@slack/bolt' }],
    ['botbuilder outside the Teams adapter', { from: 'src/web/x.ts', to: 'botbuilder' }],
    ['reports importing web', { from: 'src/reports/report-file.ts', to: 'src/web/pages.ts' }],
    ['the web importing the register', { from: 'src/web/register-app.ts', to: 'src/register/db.ts' }],
    ['the scheduler importing an adapter', { from: 'src/scheduler/scheduler.ts', to: 'src/adapters/slack/chat-port.ts' }],
    ['anything importing the entry points', { from: 'src/register/x.ts', to: 'src/boot.ts' }],
    ['anything importing the CLI', { from: 'src/reports/x.ts', to: 'src/cli/s117.ts' }],
  ];
  it.each(bites)('refuses %s', (_name, edge) => {
    expect(violation(edge)).toMatch(/^src\/.* imports .*: /);
    expect(violations([edge], [])).toHaveLength(1);
  });

  const allowed: [string, Edge][] = [
    ['the domain using the calendar', { from: 'src/domain/decide.ts', to: 'src/calendar/working-calendar.ts' }],
    ['the app using the domain and reports', { from: 'src/app/monthly-report.ts', to: 'src/reports/board-report.ts' }],
    ['the register implementing an app port', { from: 'src/register/dispute-store.ts', to: 'src/app/dispute-store.ts' }],
    ['the register using Prisma', { from: 'src/register/db.ts', to: '@prisma/adapter-pg' }],
    ['an adapter using its own SDK', { from: 'src/adapters/slack/slack-app.ts', to: '@slack/bolt' }],
    ['the composition root wiring adapters and the scheduler', { from: 'src/bot.ts', to: 'src/adapters/teams/teams-app.ts' }],
    ['the CLI using the composition root', { from: 'src/cli/s117.ts', to: 'src/boot.ts' }],
  ];
  it.each(allowed)('allows %s', (_name, edge) => {
    expect(violation(edge)).toBeNull();
  });

  it('lets a listed exception through, and only that one', () => {
    const edge = { from: 'src/app/some-use-case.ts', to: 'src/register/db.ts' };
    expect(violations([edge, { from: 'src/app/other.ts', to: 'src/register/db.ts' }], [edge])).toHaveLength(1);
  });

  it('refuses a folder it does not know, so a new layer gets a row in the matrix', () => {
    expect(() => layerOf('src/plugins/x.ts')).toThrow(/not a known layer/);
  });
});
