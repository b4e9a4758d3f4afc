import { fundingDispute, stage2Decision } from '../fixtures/disputes.ts';
import { FakeClock } from '../fakes/clock.ts';
import { DATABASES, testApp, type TestApp } from '../helpers/app.ts';
import { as, cli } from '../helpers/gates.ts';
import { REMOVED_TEXT } from '../../src/app/fact-seals.ts';

// Retention and redaction remove texts from the register while its history
// still verifies: each removed text keeps its digest, and the removal is on
// the record (who, when, why, from which OS account).

const RAISED = '2026-12-07T10:00:00Z';
const DESCRIPTION = fundingDispute().description;

/** Raised, agreed and confirmed at Stage 1: resolved the same day. */
async function resolvedDispute(app: TestApp, over: Parameters<typeof fundingDispute>[0] = {}): Promise<string> {
  const { dispute } = await app.service.raise(as('ali-khan'), fundingDispute(over));
  const ref = { reference: dispute.reference };
  await app.service.act(as('ali-khan'), ref, { type: 'PERSON_STEP', step: 'INFORMED', note: 'Told Sam Jones by phone at home.' });
  await app.service.act(as('ali-khan'), ref, { type: 'PROPOSE_DECISION', input: { ...stage2Decision, outcome: 'AGREEMENT' } });
  await app.service.act(as('ali-khan'), ref, { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' });
  const done = await app.service.act(as('gus-hart'), ref, { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-icb' });
  expect(done.dispute.status).toBe('RESOLVED');
  return dispute.reference;
}

describe.each(DATABASES)('retention and redaction (%s)', (_name, make) => {
  let app: TestApp;
  let cleanup: () => Promise<void>;
  let s117: ReturnType<typeof cli>;
  let adult: string;
  let child: string;
  let open: string;
  beforeAll(async () => {
    const db = await make();
    cleanup = db.cleanup;
    app = await testApp({ ...(db.databaseUrl ? { databaseUrl: db.databaseUrl } : {}), clock: new FakeClock(RAISED) });
    s117 = cli(app);
    adult = await resolvedDispute(app);
    child = await resolvedDispute(app, { cohort: 'CHILD_YOUNG_PERSON', localCaseRef: 'CH-2001', nhsNumber: '401 023 2137' });
    open = (await app.service.raise(as('ali-khan'), fundingDispute({ localCaseRef: 'OP-3003' }))).dispute.reference;
  });
  afterAll(async () => {
    await app.close();
    await cleanup();
  });

  it('[R11.1] nothing is due before the adult period has run; then only the resolved adult record is listed', async () => {
    expect((await s117('retention')).out).toMatch(/Retention periods \(years after resolution\): adult 20, child 26\.\nNo dispute is due/);
    app.clock.set('2046-12-08T10:00:00Z');
    const r = await s117('retention', '--json');
    expect(r.code).toBe(0);
    const listed = JSON.parse(r.out) as { due: { reference: string; recordClass: string; years: number }[] };
    expect(listed.due).toEqual([expect.objectContaining({ reference: adult, recordClass: 'adult', years: 20 })]);
    expect(listed.due.map((x) => x.reference)).not.toContain(child);
    expect(listed.due.map((x) => x.reference)).not.toContain(open);
  });

  it('[R11.1] only a governance lead who confirms can anonymise; anyone else is refused and nothing changes', async () => {
    const before = await app.db.prisma.historyEvent.count();
    expect(await s117('retention', 'apply', '--confirm')).toMatchObject({ code: 2, err: expect.stringMatching(/needs a governance lead: add --as/) });
    expect(await s117('retention', 'apply', '--as', 'ali-khan', '--confirm'))
      .toMatchObject({ code: 1, err: expect.stringMatching(/Ali Khan is not a GOVERNANCE_LEAD/) });
    expect(await s117('retention', 'apply', '--as', 'pat-lee'))
      .toMatchObject({ code: 2, err: expect.stringMatching(new RegExp(`Nothing was changed: 1 dispute\\(s\\) are due \\(${adult}\\)`)) });
    expect(await app.db.prisma.historyEvent.count()).toBe(before);
  });

  it('[R11.1] anonymising removes the NHS number, case number and free text from rows and history, and verify still passes', async () => {
    const r = await s117('retention', 'apply', '--as', 'pat-lee', '--confirm');
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toMatch(new RegExp(`${adult}: anonymised \\(\\d+ text\\(s\\) removed from its history\\)`));
    const d = (await app.service.get({ reference: adult }))!;
    expect(d).toMatchObject({ nhsNumber: null, localCaseRef: REMOVED_TEXT, description: REMOVED_TEXT, currentCare: REMOVED_TEXT, status: 'RESOLVED' });
    expect(d.decisions[0]).toMatchObject({ summary: REMOVED_TEXT, basisNeed: REMOVED_TEXT, funding: REMOVED_TEXT, outcome: 'AGREEMENT' });
    expect(d.personSteps.find((s) => s.step === 'INFORMED')!.note).toBe(REMOVED_TEXT);
    const history = await app.service.history(d.id);
    const last = history.at(-1)!;
    expect(last).toMatchObject({ type: 'RECORD_ANONYMISED', actorId: 'pat-lee', platform: 'cli' });
    expect(last.data).toMatchObject({ recordClass: 'adult', years: 20, osAccount: expect.any(String) });
    const stored = JSON.stringify(await app.db.prisma.historyEvent.findMany({ where: { disputeId: d.id } }));
    expect(stored).not.toContain('Sam Jones');
    expect(stored).not.toContain(stage2Decision.summary);
    const rows = JSON.stringify(await app.db.prisma.outbox.findMany({ where: { disputeId: d.id, deliveredAt: { not: null } } }));
    expect(rows).not.toContain('AC-104233');
    // The other disputes keep everything.
    expect((await app.service.get({ reference: child }))!.description).toBe(DESCRIPTION);
    const v = await s117('register', 'verify');
    expect(v).toMatchObject({ code: 0, err: '' });
    expect(v.out).toMatch(/The history is intact: 3 dispute\(s\)/);
    expect(v.out).toMatch(/\d+ text\(s\) were removed under retention; their digests still check out/);
  });

  it('[R11.1] a post, message or card still waiting to go out for a dispute it anonymises is cancelled, and never goes out', async () => {
    // The bot was down or a platform refused for a while: what the dispute queued is still in the outbox, with its words.
    const d = (await app.service.get({ reference: adult }))!;
    const rows = await app.db.prisma.outbox.findMany({ where: { disputeId: d.id } });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((r) => !r.deliveredAt && !r.failedAt)).toEqual([]);
    const stored = JSON.stringify(rows.map((r) => r.payload));
    for (const text of ['Sam Jones', 'AC-104233', DESCRIPTION, stage2Decision.summary]) expect(stored).not.toContain(text);
    const cancelled = rows.filter((r) => r.failedAt);
    expect(cancelled.map((r) => r.lastError)).toEqual(cancelled.map(() => expect.stringMatching(/^cancelled: the dispute was anonymised/)));
    // Governance is not told of them as failures: nothing went wrong.
    expect(cancelled.every((r) => r.alertedAt)).toBe(true);
    const keys = new Set(rows.map((r) => r.idempotencyKey));
    app.chat.calls.length = 0;
    await app.dispatcher.deliverDue(1000);
    expect(app.chat.calls.filter((c) => keys.has(c.key) || c.key.startsWith(`${d.id}:`))).toEqual([]);
  });

  it('[R11.1] running it again changes nothing (idempotent)', async () => {
    const before = await app.db.prisma.historyEvent.count();
    const r = await s117('retention', 'apply', '--as', 'pat-lee', '--confirm');
    expect(r.out).toMatch(/Anonymised 0 dispute\(s\)/);
    expect(await app.db.prisma.historyEvent.count()).toBe(before);
    expect((await s117('retention')).out).toMatch(/No dispute is due/);
  });

  it('[R11.1] a correction can remove the wrong value from the history, with its reason, and verify still passes', async () => {
    const wrong = 'Another person entirely: Jo Bloggs, 12 Any Street.';
    const a = (cmd: unknown) => s117('dispute', 'act', open, '--as', 'ali-khan', '--json', JSON.stringify(cmd));
    expect((await a({ type: 'CORRECT', field: 'description', value: wrong, reason: 'typed in', correctsSeq: 1 })).code).toBe(0);
    const fixed = await a({ type: 'CORRECT', field: 'description', value: DESCRIPTION, reason: 'Text of another person', correctsSeq: 1, redact: true });
    expect(fixed).toMatchObject({ code: 0, err: '' });
    const d = (await app.service.get({ reference: open }))!;
    expect(d.description).toBe(DESCRIPTION);
    const history = await app.service.history(d.id);
    const correction = history.filter((h) => h.type === 'CORRECTED').at(-1)!;
    expect(correction.data).toMatchObject({ before: { $removed: expect.stringMatching(/^sha256:/) }, after: DESCRIPTION });
    expect(history.at(-1)).toMatchObject({ type: 'TEXT_REDACTED', data: { entries: [correction.seq], fields: ['before'], reason: 'Text of another person' } });
    // The first correction still holds it as its "after": removed by naming that entry.
    const first = history.filter((h) => h.type === 'CORRECTED').at(-2)!;
    expect((await s117('dispute', 'redact', open, '--as', 'pat-lee', '--entry', String(first.seq), '--reason', 'Another person\'s details')).code).toBe(0);
    const stored = JSON.stringify(await app.db.prisma.historyEvent.findMany({ where: { disputeId: d.id } }));
    expect(stored).not.toContain('Jo Bloggs');
    const shown = await s117('dispute', 'show', open);
    expect(shown.out).toMatch(/Corrected the description: "\[removed\]"/);
    expect(shown.out).toMatch(new RegExp(`Removed the wrong value recorded in entry ${first.seq}\\. Reason: Another person's details`));
    expect((await s117('register', 'verify')).code).toBe(0);
  });

  it('[R11.1] only a participant or a governance lead may remove a value, naming an entry that exists', async () => {
    const refused = await s117('dispute', 'redact', open, '--as', 'oli-shaw', '--entry', '1', '--reason', 'no');
    expect(refused).toMatchObject({ code: 1, err: expect.stringMatching(/^Refused:/) });
    const none = await s117('dispute', 'redact', open, '--as', 'ali-khan', '--entry', '999', '--reason', 'no');
    expect(none).toMatchObject({ code: 1, err: expect.stringMatching(/There is no history entry 999/) });
  });

  it('[R11.1] a text removed by hand, with no removal on the record, is still named by verify', async () => {
    const d = (await app.service.get({ reference: child }))!;
    const raised = (await app.service.history(d.id)).find((h) => h.type === 'PERSON_STEP_DONE')!;
    const data = { ...(raised.data as Record<string, unknown>), note: { $removed: 'sha256:0' } };
    await app.db.prisma.historyEvent.update({ where: { disputeId_seq: { disputeId: d.id, seq: raised.seq } }, data: { data } });
    const v = await s117('register', 'verify');
    expect(v.code).toBe(1);
    expect(v.err).toMatch(new RegExp(`${child}: `));
  });

  it('[R11.2] a correction of the NHS number keeps only its last three digits in the history', async () => {
    const a = (cmd: unknown) => s117('dispute', 'act', open, '--as', 'ali-khan', '--json', JSON.stringify(cmd));
    expect((await a({ type: 'CORRECT', field: 'nhsNumber', value: '401 023 2137', reason: 'wrong person', correctsSeq: 1 })).code).toBe(0);
    const d = (await app.service.get({ reference: open }))!;
    expect(d.nhsNumber).toBe('4010232137');
    const entry = (await app.service.history(d.id)).filter((h) => h.type === 'CORRECTED').at(-1)!;
    expect(entry.data).toMatchObject({ field: 'nhsNumber', before: 'NHS number ending 919', after: 'NHS number ending 137' });
    expect(JSON.stringify(entry.data)).not.toMatch(/9434765919|4010232137/);
  });

  it('[R11.1] the access log keeps its own period: older entries go, the removal is an entry, and verify checks the rest from it', async () => {
    const log = app.service.accessLog!;
    const at = app.clock.now();
    await app.service.recordAccess({ actorId: 'ali-khan', surface: 'web', action: 'VIEW', refs: [open], detail: { page: 'dispute' } });
    const old = (await log.since()).at(-1)!;
    // Seven years on (the default keeps six), one more look, then the retention run.
    app.clock.set(new Date(at.getTime() + 7 * 366 * 86_400_000).toISOString());
    await app.service.recordAccess({ actorId: 'eve-ford', surface: 'web', action: 'VIEW', refs: [open], detail: { page: 'dispute' } });
    const r = await s117('retention', 'apply', '--as', 'pat-lee', '--confirm');
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toMatch(/Removed \d+ access log entr(y|ies) older than 6 years \(up to entry \d+\)/);
    const kept = await log.since();
    expect(kept.some((e) => e.seq === old.seq)).toBe(false);
    expect(kept.find((e) => e.actorId === 'eve-ford')).toBeTruthy();
    const prune = kept.find((e) => e.action === 'PRUNE')!;
    expect(prune).toMatchObject({ actorId: 'pat-lee', surface: 'cli', detail: expect.objectContaining({ throughSeq: kept[0]!.seq - 1, lastHash: kept[0]!.prevHash }) });
    expect(await s117('access', 'verify')).toMatchObject({ code: 0, out: expect.stringMatching(/The access log is intact/) });
    // Run again: nothing older is left, so nothing is removed or recorded.
    const again = await s117('retention', 'apply', '--as', 'pat-lee', '--confirm');
    expect(again.out).not.toMatch(/access log entr/);
    // The anchor is what lets the shortened log check out: without it, the removed start is reported.
    await app.db.prisma.accessLog.delete({ where: { seq: prune.seq } });
    const broken = await s117('access', 'verify');
    expect(broken.code).toBe(1);
    expect(broken.err).toMatch(new RegExp(`access entries 1 to ${kept[0]!.seq - 1} were deleted`));
  });
});
