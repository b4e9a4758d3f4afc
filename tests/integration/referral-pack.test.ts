import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { extractText, getDocumentProxy } from 'unpdf';
import { createLogger } from '../../src/app/logger.ts';
import { Interactions } from '../../src/app/interactions/interactions.ts';
import { startBot, type Bot } from '../../src/bot.ts';
import { EXIT, runCli } from '../../src/cli/s117.ts';
import { loadEnv } from '../../src/platforms.ts';
import { registerRow } from '../../src/reports/register-export.ts';
import { packFileName } from '../../src/reports/referral-pack.ts';
import { FakeClock } from '../fakes/clock.ts';
import { fundingDispute } from '../fixtures/disputes.ts';
import { DATABASES, DIRECTORY } from '../helpers/app.ts';
import { localCookie } from '../helpers/local-register.ts';

// The Stage 4 referral pack and the person's letters, out of a real register (both databases): what the PDF says,
// what the zip holds, who may download it and how the files are written.

const REF = 'S117-2026-0001';
const NHS = '9434765919';
const CASE = 'AC-104233';

async function pdfText(buf: Uint8Array): Promise<string> {
  const pdf = await getDocumentProxy(new Uint8Array(buf));
  const { text } = await extractText(pdf, { mergePages: true });
  // Lines wrap where the page ends: compare words, not line breaks.
  return text.replace(/\s+/g, ' ');
}

describe.each(DATABASES)('the Stage 4 referral pack (%s)', (_name, database) => {
  let bot: Bot;
  let cleanup: () => Promise<void>;
  let dir: string;
  const clock = new FakeClock('2026-12-07T10:00:00Z');
  const s117 = async (...argv: string[]) => {
    let out = '';
    let err = '';
    const code = await runCli(argv, { stdout: (s) => { out += s; }, stderr: (s) => { err += s; }, env: {}, app: bot.app, clock });
    return { code, out, err };
  };
  const act = (who: string, cmd: Record<string, unknown>) => s117('dispute', 'act', REF, '--as', who, '--json', JSON.stringify(cmd));

  beforeAll(async () => {
    const db = await database();
    cleanup = db.cleanup;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 's117-pack-'));
    const env = loadEnv({
      PORT: '0', HOST: '127.0.0.1', DATA_DIR: 'memory://', DIRECTORY_FILE: DIRECTORY, SCHEDULER: 'off',
      ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}),
    });
    bot = await startBot({ env, logger: createLogger('silent'), clock, scheduler: false });
    await bot.app.service.raise({ personId: 'ali-khan', platform: 'cli' }, fundingDispute({
      description: 'The ICB says budget pressures mean it cannot pay its share until the funding panel meets.',
    }));
    expect((await act('ali-khan', { type: 'REPORT_CARE_CHANGE', change: 'REDUCED', detail: 'Floating support cut to 6 hours a week.' })).code).toBe(0);
    expect((await act('ali-khan', { type: 'ESCALATE', reason: 'The frontline staff could not settle the split.' })).code).toBe(0);
    expect((await act('cal-reid', { type: 'ESCALATE', reason: 'The managers could not settle the split either.' })).code).toBe(0);
    clock.set('2027-02-01T10:00:00Z');
    expect((await s117('tick')).code).toBe(0);
    expect((await act('jon-park', { type: 'RECORD_EXTERNAL_ROUTE', route: 'NHS_ENGLAND', note: 'Asked NHS England to mediate.' })).code).toBe(0);
    expect((await bot.app.service.get({ reference: REF }))!.stage).toBe(4);
  }, 300_000);
  afterAll(async () => {
    await bot?.stop();
    await cleanup?.();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('[R5.7] [R9.1] [R4.1] [R3.1] the PDF holds the chronology, every stage\'s timescale mark and the flags, tagged and titled, written 0600', async () => {
    const file = path.join(dir, 'pack.pdf');
    const r = await s117('dispute', 'pack', REF, file);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toMatch(/^Wrote the Stage 4 referral pack for S117-2026-0001 to .*pack\.pdf \(readable by this account only\)/);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const buf = fs.readFileSync(file);
    expect(buf.subarray(0, 5).toString()).toBe('%PDF-');
    // Accessible PDF: a structure tree, marked content, a language and a title shown in place of the file name.
    const raw = buf.toString('latin1');
    expect(raw).toMatch(/\/StructTreeRoot/);
    expect(raw).toMatch(/\/Marked true/);
    expect(raw).toMatch(/\/Lang \(en-GB\)/);
    expect(raw).toMatch(/\/DisplayDocTitle true/);
    // Headings, paragraphs and lists are structure elements; the running header and page numbers are artifacts.
    for (const tag of ['H1', 'H2', 'H3', 'P', 'L', 'LI', 'LBody']) expect(raw).toContain(`/S /${tag}`);
    const meta = await (await getDocumentProxy(new Uint8Array(buf))).getMetadata();
    expect((meta.info as { Title?: string }).Title).toBe('Section 117 dispute S117-2026-0001: Stage 4 referral pack');

    const text = await pdfText(buf);
    expect(text).toMatch(/Section 117 dispute S117-2026-0001: Stage 4 referral pack/);
    // Every stage, and how it stands: the same marks as the register export.
    expect(text).toMatch(/Stage 1: Frontline resolution Timescale: Escalated/);
    expect(text).toMatch(/Stage 2: Operational management escalation Timescale: Escalated/);
    expect(text).toMatch(/Stage 3: Strategic \/ senior leadership resolution Timescale: Missed/);
    expect(text).toMatch(/Stage 4: .* Timescale: No timescale/);
    // The chronology: every history entry in words, oldest first.
    const history = await bot.app.service.history((await bot.app.service.get({ reference: REF }))!.id);
    expect(text).toMatch(/8\. Chronology/);
    expect(text).toMatch(/Escalated from Stage 1 to Stage 2: escalated early\. Reason: The frontline staff could not settle the split\./);
    expect(text).toMatch(/External escalation: NHS England/);
    expect(text.match(/\(cli\):|\(system\):/g)!.length).toBeGreaterThanOrEqual(history.length);
    // Flags: the unlawful ground and the continuity alert; and continuity of care has its own section.
    expect(text).toMatch(/Grounds that are not lawful reasons to delay or withhold aftercare .*budget constraints or financial pressures/);
    expect(text).toMatch(/5\. Continuity of care during the dispute .*Floating support cut to 6 hours a week\. Not yet restored\./);
    expect(text).toMatch(/Each organisation's position .*Anytown Council \(raising the dispute\).*The disagreement as raised/);
    expect(text).toMatch(/9\. Index of evidence E1\. Raising record/);
    // The person by case reference and masked NHS number only.
    expect(text).not.toContain(NHS);
    expect(text).not.toContain('943 476 5919');
    expect(text).toContain(`case ${CASE}`);
  });

  it('[R11.2] the file names offered carry the reference only: no NHS number, case number or name', async () => {
    for (const name of [packFileName(REF, 'pdf'), packFileName(REF, 'zip')]) {
      expect(name).toMatch(/^S117-2026-0001-stage-4-referral-pack\.(pdf|zip)$/);
      expect(name).not.toContain(NHS.slice(-3));
      expect(name).not.toContain(CASE);
    }
    const r = await fetch(`http://127.0.0.1:${bot.address.port}/register/dispute/${REF}/pack.zip`, { headers: localCookie(bot) });
    const zip = unzipSync(new Uint8Array(await r.arrayBuffer()));
    for (const entry of Object.keys(zip)) expect(entry).not.toMatch(new RegExp(`${NHS}|${CASE}|Ali|Khan`, 'i'));
    expect(r.headers.get('content-disposition')).toBe('attachment; filename="S117-2026-0001-stage-4-referral-pack.zip"');
  });

  it('[R9.1] [R9.2] the zip holds the JSON the PDF is drawn from, and its register row is the register export\'s', async () => {
    const file = path.join(dir, 'pack.zip');
    expect((await s117('dispute', 'pack', REF, file)).code).toBe(0);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const zip = unzipSync(new Uint8Array(fs.readFileSync(file)));
    expect(Object.keys(zip).sort()).toEqual([
      'S117-2026-0001-stage-4-referral-pack.json', 'S117-2026-0001-stage-4-referral-pack.pdf',
      ...bot.app.service ? (await bot.app.service.get({ reference: REF }))!.letters.map((l) => `letters/S117-2026-0001-letter-${l.seq}.pdf`) : [],
    ].sort());
    const json = JSON.parse(new TextDecoder().decode(zip['S117-2026-0001-stage-4-referral-pack.json']!)) as Record<string, unknown>;
    const d = (await bot.app.service.get({ reference: REF }))!;
    const exported = JSON.parse((await s117('register', 'export', '--format', 'json')).out) as unknown[];
    expect(json.register).toEqual(exported[0]);
    expect(json.register).toEqual(JSON.parse(JSON.stringify(registerRow(d, bot.app.directory, clock.now()))));
    expect(json).toMatchObject({
      reference: REF, stage: 4, person: { caseReference: CASE, nhsNumber: 'NHS number ending 919' },
      stages: [{ stage: 1, mark: 'escalated' }, { stage: 2, mark: 'escalated' }, { stage: 3, mark: 'missed' }, { stage: 4, mark: 'no timescale' }],
    });
    expect(JSON.stringify(json)).not.toContain(NHS);
    expect((json.chronology as unknown[]).length).toBe((await bot.app.service.history(d.id)).length);
    expect(await pdfText(zip['S117-2026-0001-stage-4-referral-pack.pdf']!)).toMatch(/Stage 3: Strategic \/ senior leadership resolution Timescale: Missed/);
  });

  it('[R8.2] a letter to the person as a PDF says exactly what the record holds', async () => {
    const d = (await bot.app.service.get({ reference: REF }))!;
    expect(d.letters.length).toBeGreaterThan(0);
    const letter = d.letters.at(-1)!;
    const file = path.join(dir, 'letter.pdf');
    const r = await s117('dispute', 'letter', REF, String(letter.seq), file);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const text = await pdfText(fs.readFileSync(file));
    expect(text).toContain(`Letter ${letter.seq} to the person (${REF})`);
    for (const line of letter.text.split('\n').filter((l) => l.trim())) expect(text).toContain(line.replace(/\s+/g, ' ').trim());
    const web = await fetch(`http://127.0.0.1:${bot.address.port}/register/dispute/${REF}/letter/${letter.seq}.pdf`, { headers: localCookie(bot) });
    expect(web.status).toBe(200);
    expect(web.headers.get('content-disposition')).toBe(`attachment; filename="S117-2026-0001-letter-${letter.seq}.pdf"`);
    expect(await pdfText(new Uint8Array(await web.arrayBuffer()))).toBe(text);
    expect((await s117('dispute', 'letter', REF, '99', path.join(dir, 'x.pdf'))).err).toMatch(/^S117-2026-0001 has no letter 99; its letters are: /);
  });

  it('[R5.7] the dispute page offers the pack to those who may see it; a stranger gets nothing', async () => {
    const base = `http://127.0.0.1:${bot.address.port}`;
    const page = await (await fetch(`${base}/register/dispute/${REF}`, { headers: localCookie(bot) })).text();
    expect(page).toContain(`href="/register/dispute/${REF}/pack.pdf" download`);
    expect(page).toContain(`href="/register/dispute/${REF}/pack.zip" download`);
    const pdf = await fetch(`${base}/register/dispute/${REF}/pack.pdf`, { headers: localCookie(bot) });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('cache-control')).toBe('no-store');
    const stranger = await fetch(`${base}/register/dispute/${REF}/pack.pdf`, { redirect: 'manual' });
    // Without the local cookie (or a sign-in) nobody gets the file.
    expect([302, 401]).toContain(stranger.status);
    expect(stranger.headers.get('content-type') ?? '').not.toMatch(/pdf/);
  });

  it('[R5.7] the card offers the pack at Stage 4 on every platform, and pressing it answers with the download link', async () => {
    const d = (await bot.app.service.get({ reference: REF }))!;
    expect(bot.app.service.view(d).allowedActions.map((a) => a.verb)).toContain('pack');
    const ix = new Interactions(bot.app.service, createLogger('silent'), () => {}, 'https://s117.example.nhs.uk');
    const jon = ix.person('slack', bot.app.directory.people.find((p) => p.id === 'jon-park')!.handles.slack!)!;
    const r = await ix.press(jon, 'slack', 'pack', { d: d.id }, 'test:pack:1');
    expect(r).toMatchObject({ ok: true, value: { kind: 'done', duplicate: false } });
    const notice = r.ok && r.value.kind === 'done' ? r.value.notice! : '';
    expect(notice).toContain(`https://s117.example.nhs.uk/register/dispute/${REF}/pack.pdf`);
    expect(notice).toContain(`https://s117.example.nhs.uk/register/dispute/${REF}/pack.zip`);
    // Nothing was recorded by asking for it.
    expect((await bot.app.service.get({ reference: REF }))!.version).toBe(d.version);
    const stranger = bot.app.directory.people.find((p) => !d.participants.some((x) => x.personId === p.id) && p.handles.slack && !p.roles.includes('GOVERNANCE_LEAD'));
    if (stranger) expect((await ix.press(stranger, 'slack', 'pack', { d: d.id }, 'test:pack:2')).ok).toBe(false);
  });

  it('[R5.7] before Stage 4 there is no pack: the CLI says why, and a file must be .pdf or .zip', async () => {
    const other = (await bot.app.service.raise({ personId: 'ali-khan', platform: 'cli' }, fundingDispute())).dispute;
    expect(bot.app.service.view(other).allowedActions.map((a) => a.verb)).not.toContain('pack');
    const r = await s117('dispute', 'pack', other.reference, path.join(dir, 'early.pdf'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/has not reached Stage 4 \(it is at Stage 1\): the referral pack is for external escalation/);
    expect(fs.existsSync(path.join(dir, 'early.pdf'))).toBe(false);
    const bad = await s117('dispute', 'pack', REF, path.join(dir, 'pack.docx'));
    expect(bad.code).toBe(EXIT.USAGE);
    expect(bad.err).toMatch(/FILE must end in \.pdf .* or \.zip/);
    const web = await fetch(`http://127.0.0.1:${bot.address.port}/register/dispute/${other.reference}/pack.pdf`, { headers: localCookie(bot) });
    expect(web.status).toBe(404);
  });
});
