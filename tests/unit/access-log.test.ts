import { accessCsv, accessHash, type AccessEntry, actorLabel, describeAccessProblem, verifyAccessLog } from '../../src/app/access-log.ts';
import { GENESIS } from '../../src/app/history-chain.ts';
import { parseSubjectQuery } from '../../src/app/subject-access.ts';
import { loadEnv } from '../../src/platforms.ts';
import { visibilityLines } from '../../src/visibility.ts';
import { directory } from '../helpers/domain.ts';

/** A chain of n entries, sealed as the register seals them. */
function chain(n: number): AccessEntry[] {
  const out: AccessEntry[] = [];
  let prev = GENESIS;
  for (let seq = 1; seq <= n; seq++) {
    const e = { seq, at: new Date(Date.UTC(2026, 11, 7, 10, seq)), actorId: `p${seq}`, surface: 'web', ip: '127.0.0.1', action: 'VIEW',
      refs: [`S117-2026-000${seq}`], detail: { page: 'dispute' } };
    const hash = accessHash(e, prev);
    out.push({ ...e, hash, prevHash: prev });
    prev = hash;
  }
  return out;
}

describe('the access log chain', () => {
  it('[R11.1] checks a log pruned under retention from its first kept entry, anchored by the PRUNE entry, and nothing else', () => {
    const log = chain(6);
    const prune = { seq: 7, at: new Date(Date.UTC(2033, 0, 1)), actorId: 'pat-lee', surface: 'cli', ip: null, action: 'PRUNE', refs: [],
      detail: { throughSeq: 3, lastHash: log[2]!.hash } };
    const sealed = { ...prune, hash: accessHash(prune, log[5]!.hash), prevHash: log[5]!.hash };
    expect(verifyAccessLog([...log.slice(3), sealed])).toEqual({ intact: true, entries: 4, problems: [] });
    // Without the anchor, or with one that names another entry or hash, the removed start is reported.
    expect(verifyAccessLog(log.slice(3)).problems).toEqual([{ kind: 'missing', fromSeq: 1, toSeq: 3 }]);
    const wrong = { ...prune, detail: { throughSeq: 3, lastHash: log[1]!.hash } };
    expect(verifyAccessLog([...log.slice(3), { ...wrong, hash: accessHash(wrong, log[5]!.hash), prevHash: log[5]!.hash }]).intact).toBe(false);
    expect(verifyAccessLog([...log.slice(4), sealed]).problems).toEqual([{ kind: 'missing', fromSeq: 1, toSeq: 4 }]);
  });

  it('passes an untouched log, in any order', () => {
    expect(verifyAccessLog(chain(5).reverse())).toEqual({ intact: true, entries: 5, problems: [] });
    expect(verifyAccessLog([])).toEqual({ intact: true, entries: 0, problems: [] });
  });

  it('names an entry whose who, what or where was changed', () => {
    for (const change of [{ actorId: 'someone-else' }, { refs: [] }, { ip: '10.0.0.9' }, { detail: {} }, { at: new Date(0) }]) {
      const log = chain(4);
      log[2] = { ...log[2]!, ...change };
      expect(verifyAccessLog(log).problems).toEqual([{ kind: 'edited', seq: 3 }]);
    }
  });

  it('names deleted entries, at the start and in the middle', () => {
    const log = chain(6);
    expect(verifyAccessLog(log.filter((e) => e.seq !== 1)).problems).toEqual([{ kind: 'missing', fromSeq: 1, toSeq: 1 }]);
    expect(verifyAccessLog(log.filter((e) => e.seq !== 3 && e.seq !== 4)).problems).toEqual([{ kind: 'missing', fromSeq: 3, toSeq: 4 }]);
  });

  it('names an entry resealed onto another chain, and one renumbered into a gap', () => {
    const log = chain(3);
    const other = { ...log[1]!, prevHash: 'f'.repeat(64) };
    log[1] = { ...other, hash: accessHash(other, other.prevHash) };
    expect(verifyAccessLog(log).problems).toEqual([{ kind: 'relinked', seq: 2 }]);
    const moved = chain(3);
    moved[2] = { ...moved[2]!, seq: 4 };
    expect(verifyAccessLog(moved).problems).toEqual([{ kind: 'missing', fromSeq: 3, toSeq: 3 }, { kind: 'edited', seq: 4 }]);
    expect(describeAccessProblem({ kind: 'missing', fromSeq: 3, toSeq: 4 })).toBe('access entries 3 to 4 were deleted');
  });

  it('exports as CSV with each entry\'s hash, and writes a cell a spreadsheet would run as text', () => {
    const [e] = chain(1);
    const csv = accessCsv([{ ...e!, actorId: 'os:=cmd' }], (id) => actorLabel(id, directory.people));
    expect(csv.split('\r\n')[0]).toBe('seq,at,who,surface,ip,action,disputes,detail,hash');
    expect(csv).toContain(`1,2026-12-07T10:01:00.000Z,OS account =cmd,web,127.0.0.1,VIEW,S117-2026-0001,"{""page"":""dispute""}",${e!.hash}`);
    expect(accessCsv([{ ...e!, refs: ['=HYPERLINK("x")'] }], (id) => id)).toContain(`'=HYPERLINK(""x"")`);
    expect(actorLabel('pat-lee', directory.people)).toBe('Pat Lee (pat-lee)');
    expect(actorLabel('local', directory.people)).toBe('this computer (no sign-in)');
  });
});

describe('a subject-access search', () => {
  it('reads ten digits in any spacing as an NHS number, and anything else as a local case number', () => {
    expect(parseSubjectQuery(' 943 476 5919 ')).toEqual({ kind: 'nhs-number', value: '9434765919' });
    expect(parseSubjectQuery('943-476-5919')).toEqual({ kind: 'nhs-number', value: '9434765919' });
    expect(parseSubjectQuery('AC-104233')).toEqual({ kind: 'case-number', value: 'AC-104233' });
    expect(parseSubjectQuery('943 476 591')).toEqual({ error: expect.stringMatching(/An NHS number has 10 digits; "943 476 591" has 9/) });
    expect(parseSubjectQuery('  ')).toEqual({ error: expect.stringMatching(/Type an NHS number/) });
  });
});

describe('who sees what', () => {
  it('names governance leads, the organisation-wide roles, and what each surface shows', () => {
    const env = loadEnv({ DIRECTORY_FILE: 'config/directory.example.yaml', TEAMS_CASE_CHANNEL_ID: '19:c@thread.tacv2', SLACK_BOT_TOKEN: 'xoxb-x', SLACK_SIGNING_SECRET: 's' });
    const lines = visibilityLines(env, directory);
    expect(lines[0]).toBe('Governance leads see every dispute, the access log and subject-access search (Pat Lee).');
    expect(lines[1]).toBe('Senior officers and administrators see the disputes their own organisation is or was a party to (Eve Ford, Jon Park, Oli Shaw).');
    expect(lines).toEqual(expect.arrayContaining([
      expect.stringMatching(/^Everyone else sees only the disputes they take part in/),
      expect.stringMatching(/no sign-in \(OIDC_ISSUER\): it answers this computer only and shows every dispute/),
      expect.stringMatching(/^Teams: case threads in one shared channel; everyone in that channel's team can read every case thread/),
      'Slack: a private channel per dispute, with its participants only.',
    ]));
    const chat = visibilityLines(loadEnv({ DIRECTORY_FILE: 'config/directory.example.yaml', TEAMS_CASE_CHANNEL_ID: 'x', TEAMS_CASE_SPACES: 'chat', OIDC_ISSUER: 'https://login.example', OIDC_CLIENT_ID: 'a', OIDC_CLIENT_SECRET: 'b', SESSION_SECRET: 'a-session-secret-of-at-least-32-characters', PUBLIC_URL: 'https://s117.example' }), directory);
    expect(chat).toEqual(expect.arrayContaining(['Teams: a private group chat per dispute, with its participants only.',
      'The register web page shows each signed-in person what the rules above allow.']));
  });
});
