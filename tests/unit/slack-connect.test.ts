import { directoryAdvice } from '../../src/config/directory-advice.ts';
import { DirectoryError, parseDirectory } from '../../src/config/directory.ts';
import { sharedHost, slackConnectAllowed } from '../../src/domain/shared-spaces.ts';
import type { Dispute } from '../../src/domain/types.ts';

const yaml = (icb: string, council: string, trust = '') => `
partnership: P
organisations:
  - { id: icb, name: The ICB, kind: ICB, homes: ["slack:T0ICB0001"]${icb} }
  - { id: council, name: The Council, kind: LOCAL_AUTHORITY, homes: ["slack:T0COUNCIL"]${council} }
  - { id: trust, name: The Trust, kind: NHS_TRUST, homes: ["slack:T0TRUST01"]${trust} }
people:
  - { id: ann, name: Ann, organisation: icb, roles: [OPERATIONAL_LEAD], slack: U0ANN0001 }
  - { id: bob, name: Bob, organisation: council, roles: [OPERATIONAL_LEAD], slack: U0BOB0001 }
  - { id: tia, name: Tia, organisation: trust, roles: [OPERATIONAL_LEAD], slack: U0TIA0001 }
`;
const dispute = (people: string[], raisedOn = 'slack') => ({
  id: 'd1', raisedOn, participants: people.map((personId) => ({ personId, fromStage: 1, reason: '', addedAt: '', leftAt: null })),
}) as unknown as Dispute;

describe('Slack Connect pairs in the directory', () => {
  it('reads slackConnect, and refuses an unknown organisation or the organisation itself, naming the entry', () => {
    const d = parseDirectory(yaml(', slackConnect: [council]', ', slackConnect: [icb]'));
    expect(d.organisations[0]!.slackConnect).toEqual(['council']);
    expect(slackConnectAllowed(d.organisations[0]!, d.organisations[1]!)).toBe(true);
    expect(slackConnectAllowed(d.organisations[0]!, d.organisations[2]!)).toBe(false);
    let err: unknown;
    try { parseDirectory(yaml(', slackConnect: [nobody]', ', slackConnect: [council]')); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(DirectoryError);
    expect((err as DirectoryError).problems).toEqual([
      'organisations[0] (icb).slackConnect: "nobody" is not an organisation id in this file',
      'organisations[1] (council).slackConnect: an organisation cannot share a channel with itself; take "council" out',
    ]);
  });

  it('shares only when both name each other: one-sided is a channel each, and `directory check` says why', () => {
    const one = parseDirectory(yaml('', ', slackConnect: [icb]'));
    expect(sharedHost(dispute(['ann', 'bob']), one, 'slack:T0ICB0001')).toBeNull();
    expect(sharedHost(dispute(['ann', 'bob']), one, 'slack:T0COUNCIL')).toBeNull();
    const advice = directoryAdvice(one).filter((l) => l.includes('Slack Connect'));
    expect(advice).toEqual([expect.stringContaining('The Council (council) allows Slack Connect with The ICB (icb), which does not allow it back')]);
    expect(advice[0]).toContain('Add council to the slackConnect list of icb');
    const both = parseDirectory(yaml(', slackConnect: [council]', ', slackConnect: [icb]'));
    expect(directoryAdvice(both).filter((l) => l.includes('Slack Connect'))).toEqual([]);
  });

  it('picks one host for every guest, the same whichever asks: where it was raised, else the first workspace; a host is never a guest', () => {
    const d = parseDirectory(yaml(', slackConnect: [council, trust]', ', slackConnect: [icb, trust]', ', slackConnect: [icb, council]'));
    const all = dispute(['ann', 'bob', 'tia']);
    // T0COUNCIL sorts first: it hosts both others.
    expect(sharedHost(all, d, 'slack:T0COUNCIL')).toBeNull();
    expect(sharedHost(all, d, 'slack:T0ICB0001')).toBe('slack:T0COUNCIL');
    expect(sharedHost(all, d, 'slack:T0TRUST01')).toBe('slack:T0COUNCIL');
    // Raised in the trust's workspace: the trust hosts.
    const raised = dispute(['ann', 'bob', 'tia'], 'slack:T0TRUST01');
    expect(sharedHost(raised, d, 'slack:T0TRUST01')).toBeNull();
    expect(sharedHost(raised, d, 'slack:T0COUNCIL')).toBe('slack:T0TRUST01');
    // A workspace with nobody in the dispute hosts nobody; a home that is not a Slack workspace is never shared.
    expect(sharedHost(dispute(['ann']), d, 'slack:T0ICB0001')).toBeNull();
    expect(sharedHost(all, d, 'teams:00000000-0000-4000-8000-0000000000aa')).toBeNull();
    // The trust allows only the ICB: with the council hosting, the trust keeps its own channel.
    const partial = parseDirectory(yaml(', slackConnect: [council, trust]', ', slackConnect: [icb]', ', slackConnect: [icb]'));
    expect(sharedHost(all, partial, 'slack:T0ICB0001')).toBe('slack:T0COUNCIL');
    expect(sharedHost(all, partial, 'slack:T0TRUST01')).toBeNull();
  });
});

describe('Slack Connect only between workspaces one app serves', () => {
  it('shares between the shared app\'s workspaces, never with a workspace that has an app (and signing secret) of its own', async () => {
    const { createSlackAdapter } = await import('../../src/adapters/slack/adapter.ts');
    const { createLogger } = await import('../../src/app/logger.ts');
    const { Foreground } = await import('../../src/app/foreground.ts');
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 's117-connect-unit-'));
    try {
      const file = path.join(tmp, 'workspaces.yaml');
      fs.writeFileSync(file, [
        'workspaces:',
        '  - { team: T0COUNCIL, token_env: TOKEN_A }',
        '  - { team: T0ICB0001, token_env: TOKEN_B }',
        '  - { team: T0TRUST01, token_env: TOKEN_C, signing_secret_env: SECRET_C }',
      ].join('\n'));
      const a = createSlackAdapter({ SLACK_WORKSPACES_FILE: file, SLACK_SIGNING_SECRET: 'shared' } as never, {
        logger: createLogger('silent'), directory: () => parseDirectory(yaml('', '')), foreground: new Foreground(),
        processEnv: { TOKEN_A: 'xoxb-a', TOKEN_B: 'xoxb-b', TOKEN_C: 'xoxb-c', SECRET_C: 'own' },
      })!;
      const council = a.workspacePorts['slack:T0COUNCIL']!;
      expect(council.canShareWith!('slack:T0ICB0001')).toBe(true);
      // A guest's press would be signed by the trust's own app for the trust only: the receiver refuses it elsewhere.
      expect(council.canShareWith!('slack:T0TRUST01')).toBe(false);
      expect(a.workspacePorts['slack:T0TRUST01']!.canShareWith!('slack:T0COUNCIL')).toBe(false);
      expect(council.canShareWith!('slack:T0COUNCIL')).toBe(false);
      expect(council.canShareWith!('teams:00000000-0000-4000-8000-0000000000aa')).toBe(false);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
