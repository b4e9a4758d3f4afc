import type { App } from '@slack/bolt';
import { refusalText } from '../../../app/interactions/refusals.ts';
import type { DisputeView } from '../../../domain/view.ts';
import { formModal, raiseModal } from '../blocks/modals.ts';
import type { SlackContext } from '../context.ts';
import type { AckPolicy } from '../ack-policy.ts';
import { esc } from '../escape.ts';
import { reportCsv } from '../../../reports/board-report.ts';
import { reportCharts, toPng } from '../../../reports/charts.ts';
import { reportMessage } from '../../../app/monthly-report.ts';

export const HELP = [
  '*Section 117 dispute bot* — what you can type:',
  '• `/s117 raise` — raise a dispute (opens a form)',
  '• `/s117 status` — in a case channel: where this dispute stands. Elsewhere: `/s117 status S117-2026-0042`',
  '• `/s117 list` — your open disputes, soonest deadline first',
  '• `/s117 escalate <reason>` — in a case channel: escalate before the deadline',
  '• `/s117 care-change` — in a case channel: report care delayed, reduced or withdrawn (alerts the senior officers at once)',
  '• `/s117 report [period]` — governance leads: the Partnership Board report (last full quarter, or 2026-Q3, 2026-09, or two dates)',
  '• `/s117 help` — this message',
  'In a case channel, use the buttons on the pinned card, or the message shortcut *Record as decision*.',
].join('\n');

export function statusText(v: DisputeView): string {
  return [
    `*${esc(v.reference)}* — ${v.status === 'OPEN' ? `Stage ${v.stage}: ${esc(v.stageName)}` : 'resolved'}${v.overdue ? ' :warning: overdue' : ''}`,
    esc(v.dueText),
    ...v.owe.map(esc),
    ...(v.stillNeeded.length ? [`Still needed to close: ${esc(v.stillNeeded.join('; '))}`] : []),
    ...(v.flags.length ? [`Flags: ${esc(v.flags.join('; '))}`] : []),
  ].join('\n');
}

const REF = /^S117-\d{4}-\d{4,}$/i;

export function register(app: App, ctx: SlackContext, policy: AckPolicy): void {
  const ix = ctx.interactions;
  // Acknowledged with nothing before the listener runs; every reply goes through respond() or a form.
  policy.answerFirst({ command: '/s117' });
  app.command('/s117', async ({ command, ack, respond, client, context }) => {
    // Slack wants an answer within 3 seconds; everything slow happens after.
    await ack();
    const [sub = 'help', ...rest] = command.text.trim().split(/\s+/).filter(Boolean);
    const arg = rest.join(' ');
    const reply = (text: string) => respond({ response_type: 'ephemeral', text });
    const me = ctx.person(command.user_id);
    // The same trigger id is the same request delivered again: answered once.
    const key = `slack:cmd:${command.trigger_id}`;
    const channel = command.channel_id;
    const where = ctx.where(context);
    try {
    switch (sub.toLowerCase()) {
      case 'raise': {
        const r = ix.raiseForm(me, where);
        if (!r.ok) return void (await reply(r.refusal.message));
        await client.views.open({ trigger_id: command.trigger_id, view: raiseModal(ix.service.directory(), { channel }) });
        return;
      }
      case 'status': {
        if (!REF.test(arg) && !(await ix.service.disputeForSpace('slack', channel)) && me) {
          return void (await reply(arg ? `There is no dispute ${esc(arg)}. References look like S117-2026-0042.` : `This is not a case channel. Say which dispute: \`/s117 status S117-2026-0042\`.\n\n${HELP}`));
        }
        const r = await ix.status(me, where, REF.test(arg) ? { reference: arg.toUpperCase() } : { space: channel });
        return void (await reply(r.ok ? statusText(r.value) : esc(r.refusal.message)));
      }
      case 'list': {
        const r = await ix.list(me, where);
        if (!r.ok) return void (await reply(r.refusal.message));
        if (!r.value.length) return void (await reply('You have no open disputes.'));
        const lines = r.value.slice(0, 40).map((v) => `• *${esc(v.reference)}* — Stage ${v.stage}, ${esc(v.dueText)}${v.overdue ? ' :warning:' : ''}`);
        return void (await reply(`Your open disputes, soonest deadline first:\n${lines.join('\n')}`));
      }
      case 'escalate': {
        if (me && !(await ix.service.disputeForSpace('slack', channel))) return void (await reply('Use `/s117 escalate <reason>` in the dispute\'s case channel.'));
        if (me && !arg) return void (await reply('Say why: `/s117 escalate <reason>`. The reason is recorded.'));
        const r = await ix.typed(me, where, channel, { type: 'ESCALATE', reason: arg }, key);
        if (!r.ok) return void (await reply(esc(refusalText(r.refusal))));
        if (!r.value.duplicate) await reply(`Escalated ${esc(r.value.dispute.reference)} to Stage ${r.value.dispute.stage}. The new participants have been invited.`);
        return;
      }
      case 'care-change': {
        const d = await ix.dispute(me, where, { space: channel });
        if (!d.ok) return void (await reply(d.refusal.code === 'NO_SUCH_DISPUTE' ? 'Use `/s117 care-change` in the dispute\'s case channel.' : esc(d.refusal.message)));
        const r = await ix.press(me, where, 'care-change', { d: d.value.id }, key);
        if (!r.ok) return void (await reply(esc(refusalText(r.refusal))));
        if (r.value.kind === 'form') await client.views.open({ trigger_id: command.trigger_id, view: formModal(r.value) });
        return;
      }
      case 'report': {
        const r = await ix.report(me, where, arg);
        if (!r.ok) return void (await reply(esc(r.refusal.message)));
        if (!(await ix.firstTime(`${key}:report`))) return;
        const { report, period } = r.value;
        await reply(`Working on the report for ${period.from} to ${period.to}…`);
        const charts = await reportCharts(report);
        const msg = reportMessage(report, ctx.publicUrl);
        await client.files.uploadV2({
          channel_id: channel,
          initial_comment: `*${esc(msg.title)}*\n${msg.lines.map(esc).join('\n')}`,
          file_uploads: [
            { file: toPng(charts[0]!.svg), filename: `s117-report-${period.from}-by-subject.png`, title: charts[0]!.title, alt_text: charts[0]!.description },
            { file: toPng(charts[2]!.svg), filename: `s117-report-${period.from}-timescales.png`, title: charts[2]!.title, alt_text: charts[2]!.description },
            { file: Buffer.from(reportCsv(report)), filename: `s117-report-${period.from}-${period.to}.csv`, title: 'Report figures (CSV)' },
          ],
        });
        return;
      }
      default:
        await reply(sub.toLowerCase() === 'help' ? HELP : `I don't know "${esc(sub)}".\n\n${HELP}`);
    }
    } catch (e) {
      await reply(esc(refusalText(ix.explain(e))));
    }
  });
}
