import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fundingDispute } from '../fixtures/disputes.ts';
import { testApp, type TestApp } from '../helpers/app.ts';

const as = (personId: string) => ({ personId, platform: 'slack' as const });

describe('the directory reloads without a restart', () => {
  let app: TestApp;
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 's117-dir-'));
    file = path.join(dir, 'directory.yaml');
    fs.copyFileSync('config/directory.example.yaml', file);
    app = await testApp({ env: { DIRECTORY_FILE: file } });
  });
  afterEach(async () => {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('[R5.8] open disputes follow the reloaded directory: a new senior officer is invited and confirms, the leaver is uninvited', async () => {
    const { service, clock } = app;
    const { dispute } = await service.raise(as('ali-khan'), fundingDispute());
    const target = { id: dispute.id };
    await service.act(as('ali-khan'), target, { type: 'ESCALATE', reason: 'No agreement at Stage 1.' });
    await service.act(as('bea-jones'), target, { type: 'ESCALATE', reason: 'No agreement at Stage 2.' });
    // Jon Park leaves; Zoe New is appointed the ICB's senior officer.
    const text = fs.readFileSync(file, 'utf8').replace(/^.*id: jon-park.*$/m, '  - { id: zoe-new, name: Zoe New, organisation: anytown-icb, roles: [SENIOR_OFFICER], email: zoe.new@anytown.nhs.uk }');
    fs.writeFileSync(file, text);
    clock.set('2026-12-08T10:00:00Z');
    expect(await app.reloadDirectory()).toMatchObject({ disputes: 1 });
    expect(app.directory.people.some((p) => p.id === 'zoe-new')).toBe(true);
    const after = (await service.get(target))!;
    expect(after.participants.find((p) => p.personId === 'zoe-new')).toMatchObject({ leftAt: null });
    expect(after.participants.find((p) => p.personId === 'jon-park')!.leftAt).toBe('2026-12-08T10:00:00.000Z');
    const kinds = (await app.db.prisma.outbox.findMany({ where: { disputeId: dispute.id } })).map((r) => r.kind);
    expect(kinds).toEqual(expect.arrayContaining(['UNINVITE', 'INVITE']));
    await service.act(as('eve-ford'), target, { type: 'PROPOSE_DECISION', input: {
      outcome: 'WRITTEN_DECISION', effect: 'CONTINUES' as const, basis: ['ASSESSED_NEED' as const], payers: [{ organisationId: 'anytown-icb', share: '60%' }, { organisationId: 'anytown-council', share: '40%' }], summary: 'The ICB pays 60%.', basisNeed: 'Assessed need.', basisTests: 'Tests met.', basisRisk: 'High risk.',
      funding: 'ICB 60%, council 40%.', commissioning: 'The council commissions.',
    } });
    await service.act(as('zoe-new'), target, { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-icb' });
    expect((await service.get(target))!.confirmations.map((c) => c.personId)).toEqual(['zoe-new']);
    // A file that does not parse is refused and the directory in use stays.
    fs.writeFileSync(file, 'partnership: [');
    await expect(app.reloadDirectory()).rejects.toThrow();
    expect(app.directory.people.some((p) => p.id === 'zoe-new')).toBe(true);
  });
});
