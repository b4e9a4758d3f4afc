import type { App } from '@slack/bolt';
import { maySeeDispute, seesEveryDispute } from '../../../domain/participants.ts';
import type { Dispute } from '../../../domain/types.ts';
import { raiseModal } from '../blocks/modals.ts';
import { reasonModal } from '../blocks/modals.ts';
import { type SlackContext, NOT_IN_DIRECTORY } from '../context.ts';
import { esc } from '../escape.ts';
import { boardReport, parsePeriod, reportCsv } from '../../../reports/board-report.ts';
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

export function statusText(ctx: SlackContext, d: Dispute): string {
  const v = ctx.service.view(d);
  return [
    `*${esc(v.reference)}* — ${v.status === 'OPEN' ? `Stage ${v.stage}: ${esc(v.stageName)}` : 'resolved'}${v.overdue ? ' :warning: overdue' : ''}`,
    esc(v.dueText),
    ...v.owe.map(esc),
    ...(v.stillNeeded.length ? [`Still needed to close: ${esc(v.stillNeeded.join('; '))}`] : []),
    ...(v.flags.length ? [`Flags: ${esc(v.flags.join('; '))}`] : []),
  ].join('\n');
}

const REF = /^S117-\d{4}-\d{4,}$/i;

export function register(app: App, ctx: SlackContext): void {
  app.command('/s117', async ({ command, ack, respond, client }) => {
    // Slack wants an answer within 3 seconds; everything slow happens after.
    await ack();
    const [sub = 'help', ...rest] = command.text.trim().split(/\s+/).filter(Boolean);
    const arg = rest.join(' ');
    const reply = (text: string) => respond({ response_type: 'ephemeral', text });
    const who = ctx.actor(command.user_id);
    try {
      switch (sub.toLowerCase()) {
        case 'raise': {
          if (!who) return void (await reply(NOT_IN_DIRECTORY));
          await client.views.open({ trigger_id: command.trigger_id, view: raiseModal(ctx.service.directory(), { channel: command.channel_id }) });
          return;
        }
        case 'status': {
          const d = REF.test(arg) ? await ctx.service.get({ reference: arg.toUpperCase() }) : await ctx.disputeIn(command.channel_id);
          if (!d) {
            return void (await reply(arg ? `There is no dispute ${esc(arg)}. References look like S117-2026-0042.` : `This is not a case channel. Say which dispute: \`/s117 status S117-2026-0042\`.\n\n${HELP}`));
          }
          const person = ctx.person(command.user_id);
          if (!maySeeDispute(person, d)) return void (await reply(`Only the participants of ${d.reference} and governance leads can see its status.`));
          return void (await reply(statusText(ctx, d)));
        }
        case 'list': {
          if (!who) return void (await reply(NOT_IN_DIRECTORY));
          const mine = await ctx.service.openFor(who.personId);
          if (!mine.length) return void (await reply('You have no open disputes.'));
          const lines = mine.slice(0, 40).map((d) => {
            const v = ctx.service.view(d);
            return `• *${esc(v.reference)}* — Stage ${v.stage}, ${esc(v.dueText)}${v.overdue ? ' :warning:' : ''}`;
          });
          return void (await reply(`Your open disputes, soonest deadline first:\n${lines.join('\n')}`));
        }
        case 'escalate': {
          const d = await ctx.disputeIn(command.channel_id);
          if (!d) return void (await reply('Use `/s117 escalate <reason>` in the dispute\'s case channel.'));
          if (!arg) return void (await reply('Say why: `/s117 escalate <reason>`. The reason is recorded.'));
          const r = await ctx.act(command.user_id, { id: d.id }, { type: 'ESCALATE', reason: arg }, `slack:cmd:${command.trigger_id}`, reply);
          if (r) await reply(`Escalated ${d.reference} to Stage ${r.dispute.stage}. The new participants have been invited.`);
          return;
        }
        case 'care-change': {
          const d = await ctx.disputeIn(command.channel_id);
          if (!d) return void (await reply('Use `/s117 care-change` in the dispute\'s case channel.'));
          await client.views.open({ trigger_id: command.trigger_id, view: reasonModal('s117_care_change', { d: d.id, reference: d.reference }) });
          return;
        }
        case 'report': {
          const person = ctx.person(command.user_id);
          if (!person) return void (await reply(NOT_IN_DIRECTORY));
          if (!seesEveryDispute(person)) {
            return void (await reply('Only governance leads, administrators and senior officers can post the Partnership Board report.'));
          }
          const period = parsePeriod(arg, ctx.service.calendar.localDate(ctx.service.now()));
          if ('error' in period) return void (await reply(esc(period.error)));
          await reply(`Working on the report for ${period.from} to ${period.to}…`);
          const report = boardReport(await ctx.service.all(), period, ctx.service.calendar, ctx.service.directory(), ctx.service.now());
          const charts = await reportCharts(report);
          const msg = reportMessage(report, ctx.publicUrl);
          await client.files.uploadV2({
            channel_id: command.channel_id,
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
      await reply(ctx.explain(e));
    }
  });
}
