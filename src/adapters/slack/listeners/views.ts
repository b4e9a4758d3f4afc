import type { App } from '@slack/bolt';
import type { ProposeDecisionInput, RaiseInput } from '../../../domain/commands.ts';
import type { Cohort, DecisionOutcome, EndingReason, ExternalRouteKey, Setting, Subject, UnlawfulGround } from '../../../domain/types.ts';
import { type SlackContext, NOT_IN_DIRECTORY, ephemeral } from '../context.ts';
import { Form } from '../form.ts';

// Which form block a domain field is entered in, to answer on the right field.
const RAISE_FIELDS: Record<string, string> = {
  subjects: 'subjects', parties: 'parties', localCaseRef: 'localCaseRef', nhsNumber: 'nhsNumber', namedProfessionals: 'professionals',
  description: 'description', currentCare: 'currentCare',
};

interface Meta { d: string; reference: string; n?: number; source?: string | null; channel?: string | null }

function meta(raw: string | undefined): Meta {
  try {
    return JSON.parse(raw ?? '{}') as Meta;
  } catch {
    return { d: '', reference: '' };
  }
}

export function register(app: App, ctx: SlackContext): void {
  app.view('s117_raise', async ({ ack, body, view, client }) => {
    const user = body.user.id;
    const actor = ctx.actor(user);
    if (!actor) return void (await ack({ response_action: 'errors', errors: { subjects: NOT_IN_DIRECTORY } }));
    const f = new Form(view.state);
    const me = ctx.person(user)!;
    const errors: Record<string, string> = {};
    const professionals: string[] = [];
    for (const u of f.users('professionals')) {
      const p = ctx.person(u);
      if (p) professionals.push(p.id);
      else errors.professionals = 'Someone you chose is not in the Section 117 directory. Remove them, or ask your administrator to add them.';
    }
    const others = f.choices('parties').filter((o) => o !== me.organisationId);
    const input: RaiseInput = {
      subjects: f.choices('subjects') as Subject[],
      cohort: (f.choice('cohort') ?? 'ADULT') as Cohort,
      setting: (f.choice('setting') ?? 'COMMUNITY') as Setting,
      parties: [{ organisationId: me.organisationId, role: 'RAISING' }, ...others.map((o) => ({ organisationId: o, role: 'RESPONDING' as const }))],
      localCaseRef: f.text('localCaseRef'),
      nhsNumber: f.text('nhsNumber') || null,
      namedProfessionals: professionals,
      description: f.text('description'),
      currentCare: f.text('currentCare'),
      careContinues: f.choice('continuity') !== 'no',
      endingProposal: f.choices('ending').includes('ending'),
      citedGrounds: f.choices('grounds') as UnlawfulGround[],
    };
    if (!others.length) errors.parties = 'Choose the other organisation(s): a dispute is between at least two.';
    if (!errors.parties && !errors.professionals) {
      const problem = await ctx.service.preview(actor, null, { type: 'RAISE', id: 'preview', reference: 'preview', input });
      if (problem) errors[RAISE_FIELDS[problem.field ?? ''] ?? 'description'] = problem.message;
    }
    if (Object.keys(errors).length) return void (await ack({ response_action: 'errors', errors }));
    await ack();
    const m = meta(view.private_metadata);
    try {
      const r = await ctx.service.raise(actor, input, { idempotencyKey: `slack:view:${view.id}` });
      ctx.onChange();
      await ephemeral(client, user, m.channel ?? undefined)(`${r.dispute.reference} is raised. Its private case channel is being created and the Stage ${r.dispute.stage} participants invited.`);
    } catch (e) {
      await ephemeral(client, user, m.channel ?? undefined)(ctx.explain(e));
    }
  });

  app.view('s117_decision', async ({ ack, body, view, client }) => {
    const m = meta(view.private_metadata);
    const actor = ctx.actor(body.user.id);
    if (!actor) return void (await ack({ response_action: 'errors', errors: { summary: NOT_IN_DIRECTORY } }));
    const f = new Form(view.state);
    const input: ProposeDecisionInput = {
      outcome: (f.choice('outcome') ?? 'AGREEMENT') as DecisionOutcome,
      summary: f.text('summary'), basisNeed: f.text('basisNeed'), basisTests: f.text('basisTests'), basisRisk: f.text('basisRisk'),
      funding: f.text('funding') || null, commissioning: f.text('commissioning') || null, interimFunding: f.text('interimFunding') || null,
      endingReason: (f.choice('endingReason') as EndingReason | null) ?? null, jointAssessment: f.text('jointAssessment') || null,
      sourceMessage: m.source ?? null,
    };
    const problem = await ctx.service.preview(actor, { id: m.d }, { type: 'PROPOSE_DECISION', input });
    if (problem?.field && view.state.values[problem.field]) return void (await ack({ response_action: 'errors', errors: { [problem.field]: problem.message } }));
    if (problem) return void (await ack({ response_action: 'errors', errors: { summary: problem.message } }));
    await ack();
    await ctx.act(body.user.id, { id: m.d }, { type: 'PROPOSE_DECISION', input }, `slack:view:${view.id}`, ephemeral(client, body.user.id, undefined));
  });

  const simple = (callbackId: string, build: (f: Form, m: Meta) => Parameters<SlackContext['act']>[2], field: string) => {
    app.view(callbackId, async ({ ack, body, view, client }) => {
      const m = meta(view.private_metadata);
      const actor = ctx.actor(body.user.id);
      if (!actor) return void (await ack({ response_action: 'errors', errors: { [field]: NOT_IN_DIRECTORY } }));
      const cmd = build(new Form(view.state), m);
      const problem = await ctx.service.preview(actor, { id: m.d }, cmd);
      if (problem) {
        // A refusal that is not about a field of this form still belongs on the form, where the person is looking.
        return void (await ack({ response_action: 'errors', errors: { [field]: problem.message } }));
      }
      await ack();
      await ctx.act(body.user.id, { id: m.d }, cmd, `slack:view:${view.id}`, ephemeral(client, body.user.id, undefined));
    });
  };
  simple('s117_escalate', (f) => ({ type: 'ESCALATE', reason: f.text('reason') }), 'reason');
  simple('s117_care_change', (f) => ({ type: 'REPORT_CARE_CHANGE', change: (f.choice('change') ?? 'DELAYED') as 'DELAYED' | 'REDUCED' | 'WITHDRAWN', detail: f.text('detail') }), 'detail');
  simple('s117_external', (f) => ({ type: 'RECORD_EXTERNAL_ROUTE', route: (f.choice('route') ?? 'NHS_ENGLAND') as ExternalRouteKey, note: f.text('note') || null }), 'route');
  app.view('s117_letter', async ({ ack, body, view, client }) => {
    const m = meta(view.private_metadata);
    await ack();
    await ctx.act(body.user.id, { id: m.d }, { type: 'MARK_LETTER_SENT', seq: m.n ?? 0 }, `slack:view:${view.id}`, ephemeral(client, body.user.id, undefined));
  });
}
