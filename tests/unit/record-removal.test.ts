import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_POLICY } from '../../src/domain/stage-policy.ts';
import { entryHash, sealedData, verifyChain, sealEntries } from '../../src/app/history-chain.ts';
import { removeTexts } from '../../src/app/record-removal.ts';
import { dueForDisposal, parseRetentionYears } from '../../src/app/retention.ts';
import { textDigest } from '../../src/app/fact-seals.ts';
import { needsRegister } from '../../src/cli/through-bot.ts';
import {
  IdentifierKeyError, loadIdentifierKeys, nhsLookupHashes, protectNhsNumber, revealNhsNumber,
} from '../../src/register/identifiers.ts';
import { coreEnvSchema as envSchema } from '../../src/config/env.ts';
import { directory, refusal, Scenario } from '../helpers/domain.ts';

// The pure parts of retention, redaction and protected identifiers.

describe('[R11.1] removing texts from history entries', () => {
  const id = 'd1';
  it('[R11.1] removes free text and sentences, keeps codes, ids and instants, and the entry seals the same', () => {
    const data = {
      stage: 1, outcome: 'AGREEMENT', reason: 'Sam said no', at: '2026-12-07T10:00:00.000Z', personId: 'ali-khan',
      payers: [{ organisationId: 'anytown-icb', share: '60% of the placement' }], previous: { doneBy: 'ali-khan', note: 'Told Sam' },
    };
    const r = removeTexts(id, data, null);
    expect(r.removed).toBe(3);
    expect(r.data).toEqual({
      stage: 1, outcome: 'AGREEMENT', reason: { $removed: textDigest(id, 'Sam said no') }, at: data.at, personId: 'ali-khan',
      payers: [{ organisationId: 'anytown-icb', share: { $removed: textDigest(id, '60% of the placement') } }],
      previous: { doneBy: 'ali-khan', note: { $removed: textDigest(id, 'Told Sam') } },
    });
    expect(sealedData(id, r.data)).toEqual(sealedData(id, data));
    // A resolution's outcome is a sentence quoting the decision; a correction of a text field holds texts before and after.
    expect(removeTexts(id, { outcome: 'Agreement reached: ICB pays' }, null).removed).toBe(1);
    expect(removeTexts(id, { field: 'description', before: 'wrong', after: 'right' }, null).removed).toBe(2);
    expect(removeTexts(id, { field: 'cohort', before: 'ADULT', after: 'CHILD_YOUNG_PERSON' }, null).removed).toBe(0);
    // Named fields only, when given.
    expect(removeTexts(id, { field: 'description', before: 'wrong', after: 'right' }, ['before']).data)
      .toEqual({ field: 'description', before: { $removed: textDigest(id, 'wrong') }, after: 'right' });
  });

  it('[R11.1] verify accepts a removed text only in an entry a redaction names, or after an anonymisation', () => {
    const base = { disputeId: id, at: new Date('2026-12-07T10:00:00Z'), actorId: 'a', platform: 'cli', correctsSeq: null, facts: {} };
    const entries = sealEntries([
      { ...base, seq: 1, type: 'RAISED', data: { reason: 'x' } },
      { ...base, seq: 2, type: 'CORRECTED', data: { field: 'description', before: 'wrong', after: 'right' } },
      { ...base, seq: 3, type: 'TEXT_REDACTED', data: { entries: [2], reason: 'wrong person' } },
    ], null);
    const removed = entries.map((e) => (e.seq === 2 ? { ...e, data: removeTexts(id, e.data, ['before']).data } : e));
    expect(removed.every((e) => entryHash(e, e.prevHash) === e.hash)).toBe(true);
    expect(verifyChain(removed)).toMatchObject({ intact: true, removedTexts: 1 });
    const elsewhere = entries.map((e) => (e.seq === 1 ? { ...e, data: removeTexts(id, e.data, null).data } : e));
    expect(verifyChain(elsewhere).problems).toEqual([{ kind: 'text-removed', seq: 1 }]);
  });

  it('[R11.1] a redaction names an entry that exists, by a participant or a governance lead, with a reason', () => {
    const s = new Scenario();
    s.raise();
    s.runWith(directory, 'ali-khan', { type: 'REDACT', entry: 1, reason: 'wrong person' }, DEFAULT_POLICY, 3);
    expect(s.last.events).toEqual([{ type: 'TEXT_REDACTED', data: { entries: [1], reason: 'wrong person' } }]);
    s.runWith(directory, 'pat-lee', { type: 'REDACT', entry: 2, reason: 'wrong person' }, DEFAULT_POLICY, 4);
    expect(refusal(() => s.runWith(directory, 'oli-shaw', { type: 'REDACT', entry: 1, reason: 'x' }, DEFAULT_POLICY, 5)).code).toBe('NOT_A_PARTICIPANT');
    expect(refusal(() => s.runWith(directory, 'ali-khan', { type: 'REDACT', entry: 9, reason: 'x' }, DEFAULT_POLICY, 5)))
      .toMatchObject({ code: 'NO_SUCH_ENTRY', field: 'entry' });
    expect(refusal(() => s.runWith(directory, 'ali-khan', { type: 'REDACT', entry: 1, reason: ' ' }, DEFAULT_POLICY, 5)).field).toBe('reason');
    // A correction that redacts records the removal of its own "before", the entry it becomes.
    s.runWith(directory, 'ali-khan', {
      type: 'CORRECT', field: 'description', value: 'Right text', reason: 'another person', correctsSeq: 1, redact: true,
    }, DEFAULT_POLICY, 7);
    expect(s.last.events.map((e) => [e.type, e.data.entries ?? null])).toEqual([['CORRECTED', null], ['TEXT_REDACTED', [8]]]);
  });
});

describe('[R11.1] the retention schedule', () => {
  const resolved = (cohort: string, resolvedAt: string | null, localCaseRef = 'AC-1') => ({
    id: cohort + resolvedAt, reference: `S117-${cohort}`, status: resolvedAt ? 'RESOLVED' : 'OPEN', cohort, resolvedAt, localCaseRef,
  }) as never;

  it('[R11.1] defaults to 20 years (adult) and 26 (child) after resolution, each configurable; the setting is checked at start', () => {
    expect(parseRetentionYears(undefined)).toEqual({ adult: 20, child: 26 });
    expect(parseRetentionYears('child=30')).toEqual({ adult: 20, child: 30 });
    expect(envSchema.shape.RETENTION_YEARS.parse(undefined)).toBe('adult=20,child=26');
    expect(envSchema.shape.RETENTION_YEARS.safeParse('adults=20').success).toBe(false);
  });

  it('[R11.1] lists resolved records whose period has run, not open, not anonymised, not yet due', () => {
    const list = [resolved('ADULT', '2026-01-01T00:00:00Z'), resolved('CHILD_YOUNG_PERSON', '2026-01-01T00:00:00Z'), resolved('ADULT', null),
      resolved('ADULT', '2025-01-01T00:00:00Z', '[removed under retention]')];
    const due = dueForDisposal(list, { adult: 20, child: 26 }, new Date('2046-01-01T00:00:00Z'));
    expect(due).toEqual([expect.objectContaining({ recordClass: 'adult', years: 20, dueAt: '2046-01-01T00:00:00.000Z' })]);
    expect(dueForDisposal(list, { adult: 20, child: 26 }, new Date('2045-12-31T23:59:59Z'))).toEqual([]);
  });

  it('[R11.1] retention and identifier commands run through the running bot, which owns the embedded database', () => {
    expect(needsRegister(['retention'])).toBe(true);
    expect(needsRegister(['retention', 'apply', '--as', 'pat-lee', '--confirm'])).toBe(true);
    expect(needsRegister(['identifiers', 'rotate', '--confirm'])).toBe(true);
  });
});

describe('[R11.2] NHS numbers at rest', () => {
  it('[R11.2] encrypted per dispute, found by a keyed hash of the digits, refused when copied onto another dispute', () => {
    const keys = loadIdentifierKeys(null);
    const p = protectNhsNumber(keys, 'd1', '9434765919');
    expect(p.nhsNumberCipher).not.toContain('9434765919');
    expect(revealNhsNumber(keys, 'd1', p.nhsNumberCipher)).toBe('9434765919');
    expect(nhsLookupHashes(keys, '943 476-5919')[0]).toBe(p.nhsNumberHash);
    expect(() => revealNhsNumber(keys, 'd2', p.nhsNumberCipher)).toThrow(/changed outside the bot/);
    expect(protectNhsNumber(keys, 'd1', null)).toEqual({ nhsNumberCipher: null, nhsNumberHash: null });
  });

  it('[R11.2] a fact an older version sealed with the plain digest of the NHS number still checks out against the keyed seal', () => {
    const base = { disputeId: 'd1', at: new Date('2026-12-07T10:00:00Z'), actorId: 'a', platform: 'cli', correctsSeq: null, data: {}, type: 'RAISED' };
    const plain = { dispute: { nhsNumber: textDigest('d1', '9434765919') } };
    const keyed = { dispute: { nhsNumber: 'hmac-sha256:00' } };
    const entries = sealEntries([{ ...base, seq: 1, facts: plain }], null);
    expect(verifyChain(entries, keyed, plain).intact).toBe(true);
    expect(verifyChain(entries, keyed).problems).toEqual([expect.objectContaining({ kind: 'fact-changed', fields: ['nhsNumber'] })]);
    expect(verifyChain(entries, keyed, { dispute: { nhsNumber: textDigest('d1', '4010232137') } }).intact).toBe(false);
  });

  it('[R11.2] a key file others can read is refused, with the fix; a missing key names the key and where to add it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 's117-key-'));
    const file = path.join(dir, 'k', 'identifiers.key');
    const keys = loadIdentifierKeys(file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const other = loadIdentifierKeys(path.join(dir, 'other.key'));
    const cipher = protectNhsNumber(other, 'd1', '9434765919').nhsNumberCipher;
    expect(() => revealNhsNumber(keys, 'd1', cipher)).toThrow(new RegExp(`identifier key ${other.current.id}, which is not in ${file}`));
    fs.chmodSync(file, 0o644);
    expect(() => loadIdentifierKeys(file)).toThrow(IdentifierKeyError);
    expect(() => loadIdentifierKeys(file)).toThrow(`Run: chmod 600 ${file}`);
    // A folder given where the file goes gets the path to set, not a chmod that would not help.
    expect(() => loadIdentifierKeys(path.join(dir, 'k'))).toThrow(`is a folder. Set IDENTIFIER_KEY_FILE to the path of a file in it`);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
