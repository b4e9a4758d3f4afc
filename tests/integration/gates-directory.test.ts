import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../src/app/logger.ts';
import { startAdminServer } from '../../src/cli/admin-server.ts';
import { runCli } from '../../src/cli/s117.ts';
import { watchDirectory } from '../../src/directory-watch.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { Interactions } from '../../src/app/interactions/interactions.ts';
import { allowedActions } from '../../src/domain/allowed-actions.ts';
import { RegisterDisputeList } from '../../src/register/dispute-list.ts';
import { DEFAULT_POLICY } from '../../src/domain/stage-policy.ts';
import { act, as, atStage3, cli, REF, writtenDecision } from '../helpers/gates.ts';
import { fundingDispute } from '../fixtures/disputes.ts';
import { until } from '../helpers/wait.ts';

// R5.8: the directory as people change it in real life — a config tool replacing the file, an administrator
// running `s117 directory reload` while the bot runs, a senior officer replaced while their proposal waits.

const ZOE = '  - { id: zoe-new, name: Zoe New, organisation: anytown-icb, roles: [SENIOR_OFFICER], email: zoe.new@anytown.nhs.uk }';
const YAN = '  - { id: yan-two, name: Yan Two, organisation: anytown-icb, roles: [OPERATIONAL_LEAD], email: yan.two@anytown.nhs.uk }';

/** Saves the directory as editors and config tools do: a new file renamed over the old one. */
function replaceAtomically(file: string, edit: (text: string) => string): void {
  const next = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(next, edit(fs.readFileSync(file, 'utf8')), { mode: 0o600 });
  fs.renameSync(next, file);
}
const addPerson = (line: string) => (text: string) => text.replace('  # Governance', `${line}\n  # Governance`);

describe('directory changes reach the running bot', () => {
  let dir: string;
  let file: string;
  let app: TestApp;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 's117-dirlive-'));
    file = path.join(dir, 'directory.yaml');
    fs.copyFileSync('config/directory.example.yaml', file);
  });
  afterEach(async () => {
    await app?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('[R5.8] every save that replaces the file applies, not only the first', async () => {
    app = await testApp({ env: { DIRECTORY_FILE: file } });
    const stop = watchDirectory(app, createLogger('silent'));
    try {
      replaceAtomically(file, addPerson(ZOE));
      await until(() => app.directory.people.some((p) => p.id === 'zoe-new'), 'the first replaced file to apply', 30_000);
      replaceAtomically(file, addPerson(YAN));
      await until(() => app.directory.people.some((p) => p.id === 'yan-two'), 'the second replaced file to apply', 30_000);
    } finally {
      stop();
    }
  });

  it('[R5.8] `s117 directory reload` works through the running bot, on the bot\'s own directory', async () => {
    app = await testApp({ dataDir: path.join(dir, 'data'), env: { DIRECTORY_FILE: file } });
    const admin = await startAdminServer(app, createLogger('silent'));
    app.db.lock!.advertise({ port: admin.port, token: admin.token });
    try {
      fs.writeFileSync(file, addPerson(ZOE)(fs.readFileSync(file, 'utf8')));
      let out = '';
      let err = '';
      const code = await runCli(['directory', 'reload'], {
        stdout: (s) => { out += s; }, stderr: (s) => { err += s; },
        env: { DATA_DIR: path.join(dir, 'data'), DIRECTORY_FILE: file, LOG_LEVEL: 'silent' },
      });
      expect({ code, err }).toEqual({ code: 0, err: expect.stringMatching(/^The bot is running on .*data \(process \d+\); this command runs through it\.\n$/) });
      expect(out).toMatch(/^Reloaded .*directory\.yaml: 17 people\. 0 open dispute\(s\) changed to follow it\.\n$/);
      expect(app.directory.people.some((p) => p.id === 'zoe-new')).toBe(true);
    } finally {
      await admin.close();
    }
  });

  it('[R5.8] a senior officer who lost the role, or left the organisation, can no longer act; their proposal lapses and the new role holder is pinged', async () => {
    app = await testApp({ env: { DIRECTORY_FILE: file } });
    const a = act(app);
    await atStage3(app);
    expect((await a('jon-park', { type: 'PROPOSE_DECISION', input: writtenDecision() })).code).toBe(0);
    // Jon Park is no longer the ICB's senior officer (Zoe New is); Eve Ford moves from the council to the trust.
    fs.writeFileSync(file, addPerson(ZOE)(fs.readFileSync(file, 'utf8'))
      .replace(/(id: jon-park,.*roles: )\[SENIOR_OFFICER\]/, '$1[GOVERNANCE_LEAD]')
      .replace(/(id: eve-ford,.*organisation: )anytown-council/, '$1anytown-trust'));
    app.clock.set('2026-12-08T10:00:00Z');
    expect((await cli(app)('directory', 'reload')).out).toMatch(/1 open dispute\(s\) changed to follow it/);

    const d = (await app.service.get({ reference: REF }))!;
    expect(d.decisions[0]).toMatchObject({ status: 'WITHDRAWN', effectiveAt: null });
    expect(d.participants.filter((p) => p.leftAt).map((p) => p.personId).sort()).toEqual(['eve-ford', 'jon-park']);
    const history = (await cli(app)('dispute', 'show', REF)).out;
    expect(history).toMatch(/Decision 1 lapsed without taking effect\. Reason: Jon Park, who proposed it, no longer holds the role/);
    expect(history).toMatch(/Jon Park left: no longer holds a role for this dispute in a party organisation/);
    await app.scheduler.tick();
    expect(app.chat.ops('post').find((c) => c.title === `${REF}: decision 1 lapsed`)).toMatchObject({ mentions: ['zoe-new'] });

    for (const who of ['jon-park', 'eve-ford']) {
      const refused = await a(who, { type: 'PROPOSE_DECISION', input: writtenDecision() });
      expect(refused).toMatchObject({ code: 1, err: expect.stringMatching(/^Refused: You no longer hold a role on S117-2026-0001 in one of its party organisations, so you cannot/) });
      // Their card offers them nothing: allowed actions read the directory as it is now.
      expect(allowedActions(d, DEFAULT_POLICY, app.directory, app.directory.people.find((p) => p.id === who)!)).toEqual([]);
    }
    // The new senior officer acts at once.
    expect((await a('zoe-new', { type: 'PROPOSE_DECISION', input: writtenDecision() })).code).toBe(0);
  });

  it('[R5.8] someone who left a party organisation no longer sees the dispute anywhere; their seniors and governance still do, and the history keeps what they did', async () => {
    app = await testApp({ env: { DIRECTORY_FILE: file } });
    const s117 = cli(app);
    await app.service.raise(as('ali-khan'), fundingDispute());
    const ix = new Interactions(app.service, createLogger('silent'), () => {});
    const list = new RegisterDisputeList(app.db);
    const person = (id: string) => app.directory.people.find((p) => p.id === id)!;
    const webList = async (id: string) => (await list.list({
      page: 1, now: app.clock.now(), participantId: id, participantOrganisationId: person(id).organisationId,
    })).rows.map((r) => r.reference);
    // Before: Ali Khan raised it and sees it everywhere.
    expect((await s117('dispute', 'show', REF, '--as', 'ali-khan')).code).toBe(0);
    expect((await ix.list(person('ali-khan'), 'slack')).ok && (await ix.list(person('ali-khan'), 'slack') as { value: { reference: string }[] }).value.map((v) => v.reference)).toEqual([REF]);
    expect(await webList('ali-khan')).toEqual([REF]);

    // Ali Khan moves from the council to the trust, which is no party to the dispute.
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/(id: ali-khan,.*organisation: )anytown-council/, '$1anytown-trust'));
    app.clock.set('2026-12-08T10:00:00Z');
    expect((await s117('directory', 'reload')).out).toMatch(/1 open dispute\(s\) changed to follow it/);

    const shown = await s117('dispute', 'show', REF, '--as', 'ali-khan');
    expect(shown.code).not.toBe(0);
    expect(shown.out).not.toMatch(/AC-104233/);
    expect((await s117('dispute', 'list', '--as', 'ali-khan')).out).not.toContain(REF);
    expect(await ix.list(person('ali-khan'), 'slack')).toEqual({ ok: true, value: [] });
    expect(await ix.status(person('ali-khan'), 'slack', { reference: REF })).toMatchObject({ ok: false, refusal: { code: 'NOT_ALLOWED_TO_SEE' } });
    expect(await webList('ali-khan')).toEqual([]);
    // The council's senior officer and the governance lead still see it, with what Ali Khan did in its history.
    for (const who of ['eve-ford', 'pat-lee']) {
      const r = await s117('dispute', 'show', REF, '--as', who);
      expect({ who, code: r.code }).toEqual({ who, code: 0 });
      expect(r.out).toMatch(/Ali Khan/);
    }
    // Still a participant elsewhere: Gus Hart (the ICB's named professional) keeps seeing it.
    expect((await s117('dispute', 'show', REF, '--as', 'gus-hart')).code).toBe(0);
  });
});
