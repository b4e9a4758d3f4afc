import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/s117.ts';
import { entryHash, GENESIS } from '../../src/app/history-chain.ts';
import { factsOf } from '../../src/app/fact-seals.ts';
import { canonicalJson } from '../../src/app/history-chain.ts';
import { chainRoot, lineDigest, replayCheckpoints, signedBody, type Checkpoint } from '../../src/app/checkpoint-log.ts';
import { fundingDispute } from '../fixtures/disputes.ts';
import { FakeClock } from '../fakes/clock.ts';
import { DATABASES, testApp, type TestApp } from '../helpers/app.ts';

// What a person relies on — the decision's text, who confirmed it, the
// parties, the letter, the person's steps — is sealed by the history, and the
// history is anchored by checkpoints signed outside the database. Someone
// with only database access who edits a row, blanks seals, or rewrites the
// chain with the bot's own hashing code is named by "s117 register verify".

const RAISED = '2026-12-07T10:00:00Z';
const ali = { personId: 'ali-khan', platform: 'slack' as const };
const ivy = { personId: 'ivy-nash', platform: 'slack' as const };

async function cli(app: TestApp, argv: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(argv, { stdout: (s) => { out += s; }, stderr: (s) => { err += s; }, env: {}, app, clock: app.clock });
  return { code, out, err };
}

/** A resolved dispute with a decision, both confirmations, a person step with a note, and a letter. */
async function decidedDispute(app: TestApp): Promise<{ id: string; reference: string }> {
  const d = (await app.service.raise(ali, fundingDispute())).dispute;
  const input = { outcome: 'AGREEMENT' as const, summary: 'The ICB funds the placement.', basisNeed: 'n', basisTests: 't', basisRisk: 'r', effect: 'CONTINUES' as const, basis: ['ASSESSED_NEED' as const] };
  await app.service.act(ali, { id: d.id }, { type: 'PROPOSE_DECISION', input });
  await app.service.act(ali, { id: d.id }, { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' });
  await app.service.act(ivy, { id: d.id }, { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-icb' });
  await app.service.act(ali, { id: d.id }, { type: 'PERSON_STEP', step: 'EXPLAINED', note: 'Explained by phone with her sister.' });
  await app.service.act(ali, { id: d.id }, { type: 'DRAFT_LETTER', decisionSeq: 1 });
  return d;
}

/** The entry that last sealed a fact, found from the history as the register returns it. */
async function sealedBy(app: TestApp, id: string, key: string): Promise<number> {
  const h = await app.service.history(id);
  return h.filter((e) => e.facts && key in e.facts).at(-1)!.seq;
}

describe.each(DATABASES)('an audit trail a database administrator cannot rewrite unnoticed (%s)', (_name, make) => {
  let app: TestApp;
  let cleanup: () => Promise<void>;
  let auditDir: string;
  beforeEach(async () => {
    const db = await make();
    cleanup = db.cleanup;
    auditDir = fs.mkdtempSync(path.join(os.tmpdir(), 's117-audit-'));
    app = await testApp({ ...(db.databaseUrl ? { databaseUrl: db.databaseUrl } : {}), clock: new FakeClock(RAISED), env: { AUDIT_DIR: auditDir } });
  });
  afterEach(async () => {
    await app.close();
    await cleanup();
    fs.rmSync(auditDir, { recursive: true, force: true });
  });

  it('[R11.1] names a decision text, a confirmation, a party, a letter and a person step edited by hand, each by the entry that sealed it', async () => {
    const d = await decidedDispute(app);
    expect(await cli(app, ['register', 'verify'])).toMatchObject({ code: 0, err: '' });
    const q = (sql: string) => app.db.sql.query(sql, [d.id]);
    const cases: { tamper: string; undo: string; key: string; says: string }[] = [
      { tamper: `UPDATE "Decision" SET summary = 'The council funds the placement.' WHERE "disputeId" = $1`,
        undo: `UPDATE "Decision" SET summary = 'The ICB funds the placement.' WHERE "disputeId" = $1`,
        key: 'decision:1', says: 'decision 1 (summary) was changed after entry' },
      { tamper: `UPDATE "Confirmation" SET "personId" = 'gus-hart' WHERE "disputeId" = $1 AND "organisationId" = 'anytown-icb'`,
        undo: `UPDATE "Confirmation" SET "personId" = 'ivy-nash' WHERE "disputeId" = $1 AND "organisationId" = 'anytown-icb'`,
        key: 'confirmation:1:anytown-icb', says: 'the confirmation of decision 1 by anytown-icb (personId) was changed after entry' },
      { tamper: `UPDATE "Party" SET "withdrawnAt" = now(), "withdrawnReason" = 'x' WHERE "disputeId" = $1 AND "organisationId" = 'anytown-icb'`,
        undo: `UPDATE "Party" SET "withdrawnAt" = NULL, "withdrawnReason" = NULL WHERE "disputeId" = $1 AND "organisationId" = 'anytown-icb'`,
        key: 'party:anytown-icb', says: 'party anytown-icb (withdrawnAt, withdrawnReason) was changed after entry' },
      { tamper: `UPDATE "Letter" SET text = text || ' You will have to pay.' WHERE "disputeId" = $1`,
        undo: `UPDATE "Letter" SET text = left(text, length(text) - length(' You will have to pay.')) WHERE "disputeId" = $1`,
        key: 'letter:1', says: 'letter 1 (text) was changed after entry' },
      { tamper: `UPDATE "PersonStep" SET note = 'Not explained.' WHERE "disputeId" = $1 AND step = 'EXPLAINED'`,
        undo: `UPDATE "PersonStep" SET note = 'Explained by phone with her sister.' WHERE "disputeId" = $1 AND step = 'EXPLAINED'`,
        key: 'step:EXPLAINED', says: 'the person step "EXPLAINED" (note) was changed after entry' },
    ];
    for (const c of cases) {
      await q(c.tamper);
      const r = await cli(app, ['register', 'verify']);
      expect(r.code).toBe(1);
      expect(r.err).toContain(`  ${d.reference}: ${c.says} ${await sealedBy(app, d.id, c.key)} sealed it\n`);
      await q(c.undo);
      expect((await cli(app, ['register', 'verify'])).code).toBe(0);
    }
    // A confirmation added by hand is sealed by no entry.
    await app.db.sql.query(`INSERT INTO "Confirmation" ("disputeId", "decisionSeq", "organisationId", "personId", "at") VALUES ($1, 1, 'x-org', 'gus-hart', now())`, [d.id]);
    expect((await cli(app, ['register', 'verify'])).err)
      .toContain(`${d.reference}: the confirmation of decision 1 by x-org was added outside the bot (no entry seals it)`);
  }, 240_000);

  it('[R11.1] a signed checkpoint catches blanked seals and a chain recomputed with the bot\'s own code, naming the first entry', async () => {
    const d = await decidedDispute(app);
    const signed = await cli(app, ['register', 'checkpoint']);
    expect(signed).toMatchObject({ code: 0, err: '' });
    const count = await app.db.prisma.historyEvent.count();
    expect(signed.out).toMatch(new RegExp(`^Signed a checkpoint of ${count} entries \\(root [0-9a-f]{64}\\)`));
    expect(fs.statSync(path.join(auditDir, 'signing-key.pem')).mode & 0o777).toBe(0o600);
    // Governance is told the count and root through the outbox.
    const told = await app.db.prisma.outbox.findMany({ where: { kind: 'GOVERNANCE' } });
    expect(told.map((o) => JSON.stringify(o.payload)).join()).toContain(`${count} entries, root`);
    const ok = await cli(app, ['register', 'verify']);
    expect(ok.out).toMatch(/It matches 1 signed checkpoint\(s\); the last, at 2026-12-07T10:00:00.000Z, sealed \d+ entries/);

    // The attacker rewrites the decision and recomputes every later seal with the bot's own code: the chain is consistent again…
    const rows = (await app.db.prisma.historyEvent.findMany({ where: { disputeId: d.id }, orderBy: { seq: 'asc' } }));
    await app.db.sql.query(`UPDATE "Decision" SET summary = 'The council funds the placement.' WHERE "disputeId" = $1`, [d.id]);
    const forged = factsOf((await app.service.get({ id: d.id }))!)['decision:1']!;
    const first = rows.find((e) => e.facts && 'decision:1' in (e.facts as object))!.seq;
    let prev = rows.find((e) => e.seq === first - 1)?.hash ?? GENESIS;
    for (const e of rows.filter((x) => x.seq >= first)) {
      const facts = e.seq === first ? { ...(e.facts as object), 'decision:1': forged } : e.facts;
      const hash = entryHash({ ...e, facts: facts as never }, prev);
      await app.db.sql.query('UPDATE "HistoryEvent" SET facts = $3::jsonb, hash = $4, "prevHash" = $5 WHERE "disputeId" = $1 AND seq = $2',
        [d.id, e.seq, JSON.stringify(facts), hash, prev]);
      prev = hash;
    }
    const r = await cli(app, ['register', 'verify']);
    expect(r.err).toContain('The history is intact');
    // …but not the one the checkpoint signed.
    expect(r.code).toBe(1);
    expect(r.err).toContain(`  ${d.reference}: entry ${first} is not the entry the checkpoint of 2026-12-07T10:00:00.000Z signed`);
    // And no new checkpoint vouches for it.
    expect((await cli(app, ['register', 'checkpoint'])).err).toContain('No checkpoint was signed');
  }, 240_000);

  it('[R11.1] a dispute whose seals were blanked cannot pass for one written before the chain began', async () => {
    const before = await decidedDispute(app);
    expect((await cli(app, ['register', 'checkpoint'])).code).toBe(0);
    app.clock.set('2026-12-08T10:00:00Z');
    const after = (await app.service.raise(ali, fundingDispute())).dispute;
    for (const id of [before.id, after.id]) {
      await app.db.sql.query('UPDATE "HistoryEvent" SET hash = NULL, "prevHash" = NULL, facts = NULL WHERE "disputeId" = $1', [id]);
    }
    const r = await cli(app, ['register', 'verify']);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`  ${before.reference}: entry 1 is not the entry the checkpoint of 2026-12-07T10:00:00.000Z signed`);
    expect(r.err).toContain(`  ${after.reference}: entry 1 has no seal, though the chain had begun (its seal was removed)`);
  }, 240_000);

  it('[R11.1] refuses a checkpoint signed with another key, and one edited after signing', async () => {
    await decidedDispute(app);
    expect((await cli(app, ['register', 'checkpoint'])).code).toBe(0);
    const file = path.join(auditDir, 'checkpoints.jsonl');
    const good = fs.readFileSync(file, 'utf8');
    const line = JSON.parse(good.trim()) as Checkpoint;
    // The attacker signs a checkpoint of their own with a key they made.
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
    const key = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    const body = { ...line, at: '2026-12-08T10:00:00.000Z', prev: lineDigest(good.trim()), added: {}, key };
    const sig = crypto.sign(null, Buffer.from(signedBody(body)), privateKey).toString('base64');
    fs.appendFileSync(file, `${JSON.stringify({ ...body, sig })}\n`);
    const r = await cli(app, ['register', 'verify']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('checkpoint 2 (2026-12-08T10:00:00.000Z) is signed by a key this register does not trust');
    // Given the key as trusted on purpose, the same line is accepted.
    expect((await cli(app, ['register', 'verify', '--trust', key])).code).toBe(0);
    // An edited line no longer matches its signature.
    const edited = { ...line, root: chainRoot(new Map()) };
    fs.writeFileSync(file, `${canonicalJson(edited)}\n`);
    expect((await cli(app, ['register', 'verify'])).err).toContain('checkpoint 1 (2026-12-07T10:00:00.000Z) does not match its signature');
    expect(replayCheckpoints(good, new Set([line.key])).problems).toEqual([]);
  }, 240_000);

  it('[R11.1] the scheduler signs a checkpoint a day and tells governance each time', async () => {
    await decidedDispute(app);
    const lines = () => fs.readFileSync(path.join(auditDir, 'checkpoints.jsonl'), 'utf8').trim().split('\n').length;
    const told = async () => (await app.db.prisma.outbox.findMany({ where: { kind: 'GOVERNANCE' } }))
      .filter((o) => JSON.stringify(o.payload).includes('History checkpoint')).length;
    await app.scheduler.tick({ deliver: false });
    expect(lines()).toBe(1);
    app.clock.set('2026-12-07T20:00:00Z');
    await app.scheduler.tick({ deliver: false });
    expect(lines()).toBe(1);
    app.clock.set('2026-12-08T10:00:01Z');
    await app.scheduler.tick({ deliver: false });
    expect(lines()).toBe(2);
    expect(await told()).toBe(2);
    expect((await cli(app, ['register', 'verify'])).out).toContain('It matches 2 signed checkpoint(s); the last, at 2026-12-08T10:00:01.000Z');
  }, 240_000);
});
