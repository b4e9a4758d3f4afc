import type { Dispute } from '../../src/domain/types.ts';
import { cardProblems } from '../helpers/adaptive-cards.ts';
import { DATABASES } from '../helpers/app.ts';
import {
  checks, choice, choices, commandBody, interactiveBody, modalSchema, radio, slackPost, submission, text, users,
} from '../helpers/slack.ts';
import { until } from '../helpers/wait.ts';
import { contractBot, type ContractBot } from './setup.ts';

/**
 * R7.2 in the chat raise forms, through each platform's real receiver: Bolt's HTTP receiver against the fake Slack Web
 * API, botbuilder's against the fake connector. A dispute raised with words that propose an ending, without the ending
 * subject, is asked about once, with the question drawn on the form as a required choice (Slack puts an error only on
 * a block of the view, so the form is drawn again with the question's block); either answer raises it.
 */
const PROPOSES = 'The council proposes to discharge him from section 117 from January.';
const QUESTION = 'This reads as a dispute about ending aftercare — is that what you mean?';
const ALI = 'U0ALIKHAN1';
const GUS = 'U0GUSHART1';

type Block = {
  type: string; block_id?: string; optional?: boolean; label?: { text: string }; text?: { text: string };
  element?: {
    type: string; initial_value?: string; options?: { value: string }[]; initial_option?: { value: string }; initial_options?: { value: string }[];
    initial_users?: string[];
  };
};
type View = { callback_id: string; private_metadata: string; blocks: Block[] };

describe.each(DATABASES)('raising with words that propose an ending, in chat (%s)', (_name, database) => {
  let c: ContractBot;
  let cleanup: () => Promise<void>;
  let n = 0;
  beforeAll(async () => {
    const db = await database();
    cleanup = db.cleanup;
    c = await contractBot(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {});
  }, 180_000);
  afterAll(async () => {
    await c?.stop();
    await cleanup?.();
  });

  const base = () => `http://127.0.0.1:${c.bot.address.port}`;
  const byCase = async (ref: string): Promise<Dispute | undefined> => (await c.bot.app.service.all()).find((d) => d.localCaseRef === ref);
  const raisedEntry = async (d: Dispute) =>
    (await c.bot.app.service.history(d.id)).find((h) => h.type === 'RAISED')!.data as Record<string, unknown>;

  describe('Slack', () => {
    /** `/s117 raise` in a channel: the modal Slack was asked to open. */
    const open = async (): Promise<View> => {
      const before = c.slack.of('views.open').length;
      const r = await slackPost(base(), commandBody(ALI, 'raise', 'CGENERAL', `${c.slack.url}/respond/${ALI}`), 'form');
      expect(r.status).toBe(200);
      return until(() => c.slack.of('views.open')[before]?.args.view as View | undefined, 'the raise form');
    };
    const values = (ref: string, description: string, over: Record<string, Record<string, unknown>> = {}) => ({
      subjects: choices('FUNDING'), cohort: choice('ADULT'), setting: choice('COMMUNITY'), parties: choices('anytown-icb'),
      localCaseRef: text(ref), nhsNumber: text(''), professionals: users(GUS), description: text(description),
      currentCare: text('Supported living with 10 hours a week of floating support.'), continuity: radio('yes'), ending: checks(), grounds: choices(),
      ...over,
    });
    const submit = async (view: View, state: Record<string, Record<string, unknown>>, viewId: string) => {
      const r = await slackPost(base(), interactiveBody(submission(ALI, view, state, viewId)), 'form');
      expect(r.status).toBe(200);
      return r.body ? JSON.parse(r.body) as { response_action: string; view?: View; errors?: Record<string, string> } : null;
    };
    const block = (v: View, id: string) => v.blocks.find((b) => b.block_id === id);

    it('[R7.2] Slack: "proposes to discharge him from section 117" redraws the raise modal as typed, with the question as a required choice', async () => {
      const ref = `RWS-${++n}`;
      const view = await open();
      const answer = await submit(view, values(ref, PROPOSES), `V-RW-${n}`);
      // Today's form raised this at Stage 1 without a word; now nothing is recorded and the form asks.
      expect(await byCase(ref)).toBeUndefined();
      expect(answer).toMatchObject({ response_action: 'update' });
      const asked = answer!.view!;
      expect(modalSchema.safeParse(asked).success).toBe(true);
      expect(asked).toMatchObject({ callback_id: 's117_raise', private_metadata: view.private_metadata });
      // The question has its own block in the view, so any later error on it is one Slack accepts.
      const q = block(asked, 'wordingConfirmed')!;
      expect(q).toMatchObject({ type: 'input', optional: false, label: { text: QUESTION }, element: { type: 'radio_buttons' } });
      expect(q.element!.options!.map((o) => o.value)).toEqual(['ending', 'as-chosen']);
      expect(JSON.stringify(asked.blocks)).toContain('Proposal to end Section 117 aftercare');
      // What was typed and chosen is still there, and every initial choice is one of the block's options.
      expect(block(asked, 'description')!.element!.initial_value).toBe(PROPOSES);
      expect(block(asked, 'localCaseRef')!.element!.initial_value).toBe(ref);
      expect(block(asked, 'subjects')!.element!.initial_options!.map((o) => o.value)).toEqual(['FUNDING']);
      expect(block(asked, 'parties')!.element!.initial_options!.map((o) => o.value)).toEqual(['anytown-icb']);
      expect(block(asked, 'professionals')!.element!.initial_users).toEqual([GUS]);
      expect(block(asked, 'continuity')!.element!.initial_option!.value).toBe('yes');
      for (const b of asked.blocks) {
        const el = b.element;
        for (const o of [...(el?.initial_options ?? []), ...(el?.initial_option ? [el.initial_option] : [])]) {
          expect(el!.options).toContainEqual(o);
        }
      }
    });

    it('[R7.2] Slack: answered "no, raise it as I chose", it is raised at Stage 1 and the RAISED entry keeps the question', async () => {
      const ref = `RWS-${++n}`;
      const viewId = `V-RW-${n}`;
      const asked = (await submit(await open(), values(ref, PROPOSES), viewId))!.view!;
      // Slack keeps the view's id when a submission updates it.
      expect(await submit(asked, values(ref, PROPOSES, { wordingConfirmed: radio('as-chosen') }), viewId)).toBeNull();
      const d = await until(() => byCase(ref), 'the dispute');
      expect(d).toMatchObject({ stage: 1, endingProposal: false, subjects: ['FUNDING'] });
      expect(await raisedEntry(d)).toMatchObject({ wordingQuery: 'ENDS', endingProposal: false });
      await until(() => c.slack.of('chat.postEphemeral').find((x) => String(x.args.text).startsWith(`${d.reference} is raised`) && /Stage 1/.test(String(x.args.text))), 'the confirmation');
    });

    it('[R7.2] Slack: answered "yes, it is about ending", it is raised with the ending subject at Stage 3 directly', async () => {
      const ref = `RWS-${++n}`;
      const viewId = `V-RW-${n}`;
      const asked = (await submit(await open(), values(ref, PROPOSES), viewId))!.view!;
      expect(await submit(asked, values(ref, PROPOSES, { wordingConfirmed: radio('ending') }), viewId)).toBeNull();
      const d = await until(() => byCase(ref), 'the dispute');
      expect(d).toMatchObject({ stage: 3, endingProposal: true, subjects: ['FUNDING', 'ENDING_AFTERCARE'] });
      expect(await raisedEntry(d)).not.toHaveProperty('wordingQuery');
    });

    it.each([
      'Discharged from hospital on 3 March; aftercare continues.',
      'The CMHT discharged him from its caseload but his s117 package continues.',
    ])('[R7.2] Slack: a lawful near-miss is raised at once, without the question: "%s"', async (description) => {
      const ref = `RWS-${++n}`;
      expect(await submit(await open(), values(ref, description), `V-RW-${n}`)).toBeNull();
      const d = await until(() => byCase(ref), 'the dispute');
      expect(d.stage).toBe(1);
      expect(await raisedEntry(d)).not.toHaveProperty('wordingQuery');
    });
  });

  describe('Teams', () => {
    const teams = () => c.drivers.find((x) => x.name === 'Teams')!;
    const values = (ref: string, description: string, over: Record<string, string> = {}) => ({
      subjects: 'FUNDING', cohort: 'ADULT', setting: 'COMMUNITY', parties: 'anytown-icb', localCaseRef: ref, nhsNumber: '',
      professionals: 'gus-hart', description, currentCare: 'Supported living with 10 hours a week of floating support.', continuity: 'yes',
      ending: 'false', ...over,
    });
    type Input = { type: string; id?: string; value?: string; isRequired?: boolean; choices?: { value: string }[]; text?: string };
    const cardOf = (answer: string) => (JSON.parse(answer) as { value: { body: Input[] } }).value;

    it('[R7.2] Teams: "proposes to discharge him from section 117" answers with the raise card as typed, asking the question as a required choice', async () => {
      const ref = `RWT-${++n}`;
      const asked = await teams().submit('ali-khan', 'raise', values(ref, PROPOSES));
      expect(asked.accepted).toBe(false);
      expect(await byCase(ref)).toBeUndefined();
      const card = cardOf(asked.text);
      expect(cardProblems(card)).toEqual([]);
      const q = card.body.find((b) => b.id === 'wordingConfirmed')!;
      expect(q).toMatchObject({ type: 'Input.ChoiceSet', isRequired: true });
      expect(q.choices!.map((x) => x.value)).toEqual(['ending', 'as-chosen']);
      expect(card.body.some((b) => b.type === 'TextBlock' && b.text!.includes(QUESTION))).toBe(true);
      expect(card.body.find((b) => b.id === 'description')!.value).toBe(PROPOSES);
      expect(card.body.find((b) => b.id === 'subjects')!.value).toBe('FUNDING');
    });

    it('[R7.2] Teams: answered "no", it is raised at Stage 1 with the question on the record; answered "yes", at Stage 3', async () => {
      const kept = `RWT-${++n}`;
      expect((await teams().submit('ali-khan', 'raise', values(kept, PROPOSES))).accepted).toBe(false);
      const no = await teams().submit('ali-khan', 'raise', values(kept, PROPOSES, { wordingConfirmed: 'as-chosen' }));
      expect(no.accepted).toBe(true);
      expect(no.text).toMatch(/is raised/);
      const d = (await byCase(kept))!;
      expect(d).toMatchObject({ stage: 1, endingProposal: false });
      expect(await raisedEntry(d)).toMatchObject({ wordingQuery: 'ENDS' });

      const ending = `RWT-${++n}`;
      expect((await teams().submit('ali-khan', 'raise', values(ending, PROPOSES))).accepted).toBe(false);
      expect((await teams().submit('ali-khan', 'raise', values(ending, PROPOSES, { wordingConfirmed: 'ending' }))).accepted).toBe(true);
      expect(await byCase(ending)).toMatchObject({ stage: 3, endingProposal: true, subjects: ['FUNDING', 'ENDING_AFTERCARE'] });
    });

    it('[R7.2] Teams: an answer that is not one of the two is refused on the question, not acted on', async () => {
      const ref = `RWT-${++n}`;
      const forged = await teams().submit('ali-khan', 'raise', values(ref, PROPOSES, { wordingConfirmed: 'maybe' }));
      expect(forged.accepted).toBe(false);
      expect(cardOf(forged.text).body.find((b) => b.id === 'wordingConfirmed')).toBeDefined();
      expect(forged.text).toMatch(/Choose an answer to the question about ending aftercare from the list/);
    });

    it.each([
      'Discharged from hospital on 3 March; aftercare continues.',
      'The CMHT discharged him from its caseload but his s117 package continues.',
    ])('[R7.2] Teams: a lawful near-miss is raised at once, without the question: "%s"', async (description) => {
      const ref = `RWT-${++n}`;
      expect((await teams().submit('ali-khan', 'raise', values(ref, description))).accepted).toBe(true);
      const d = (await byCase(ref))!;
      expect(d.stage).toBe(1);
      expect(await raisedEntry(d)).not.toHaveProperty('wordingQuery');
    });
  });
});
