import crypto from 'node:crypto';
import { commandBody, interactiveBody, slackPost, submission } from '../helpers/slack.ts';
import { until } from '../helpers/wait.ts';
import { contractBot, type ContractBot } from './setup.ts';
import { emulatorUrl } from '../helpers/local-register.ts';

/** A retried or replayed request is answered once: one record, one confirmation, one report. */
describe('replays', () => {
  let c: ContractBot;
  let base: string;
  beforeAll(async () => {
    c = await contractBot();
    base = `http://127.0.0.1:${c.bot.address.port}`;
  }, 120_000);
  afterAll(async () => { await c?.stop(); });

  const raiseValues = {
    subjects: { type: 'multi_static_select', selected_options: [{ value: 'FUNDING' }] }, parties: { type: 'multi_static_select', selected_options: [{ value: 'anytown-icb' }] },
    localCaseRef: { type: 'plain_text_input', value: 'REPLAY-1' }, description: { type: 'plain_text_input', value: 'd' }, currentCare: { type: 'plain_text_input', value: 'c' },
  };

  it('Slack: a retried raise submission (same view) records one dispute and confirms once, before the modal closes', async () => {
    const sub = submission('U0ALIKHAN1', { callback_id: 's117_raise', private_metadata: JSON.stringify({ channel: 'CGENERAL' }) }, raiseValues, 'V-REPLAY');
    const first = await slackPost(base, interactiveBody(sub), 'form');
    // Written before the answer: the dispute is in the register when the modal closes.
    expect(first.status).toBe(200);
    expect(await c.bot.app.db.prisma.dispute.count({ where: { localCaseRef: 'REPLAY-1' } })).toBe(1);
    await slackPost(base, interactiveBody(sub), 'form', { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
    await until(() => c.slack.of('chat.postEphemeral').some((x) => /is raised/.test(String(x.args.text))), 'the confirmation');
    await c.bot.app.scheduler.tick();
    expect(await c.bot.app.db.prisma.dispute.count({ where: { localCaseRef: 'REPLAY-1' } })).toBe(1);
    expect(c.slack.of('chat.postEphemeral').filter((x) => /is raised/.test(String(x.args.text)))).toHaveLength(1);
  }, 120_000);

  it('Slack: a refused raise keeps the modal open with the reason on the field, and nothing is recorded', async () => {
    const sub = submission('U0ALIKHAN1', { callback_id: 's117_raise' }, { ...raiseValues, localCaseRef: { type: 'plain_text_input', value: 'REPLAY-2' }, description: { type: 'plain_text_input', value: '' } });
    const r = await slackPost(base, interactiveBody(sub), 'form');
    expect(JSON.parse(r.body)).toMatchObject({ response_action: 'errors', errors: { description: expect.any(String) } });
    expect(await c.bot.app.db.prisma.dispute.count({ where: { localCaseRef: 'REPLAY-2' } })).toBe(0);
  }, 60_000);

  it('Slack: a replayed /s117 report (same trigger) posts the report once', async () => {
    const body = commandBody('U0PATLEE01', 'report 2026-Q4', 'CGOV', `${c.slack.url}/respond/pat`, `trig-${crypto.randomUUID()}`);
    await slackPost(base, body, 'form');
    await until(() => c.slack.of('files.completeUploadExternal').length === 1, 'the report');
    await slackPost(base, body, 'form', { 'x-slack-retry-num': '1' });
    await slackPost(base, commandBody('U0PATLEE01', 'help', 'CGOV', `${c.slack.url}/respond/pat`), 'form');
    await until(() => c.slack.responses.some((x) => /what you can type/.test(String(x.body.text))), 'the later command');
    expect(c.slack.of('files.completeUploadExternal')).toHaveLength(1);
  }, 120_000);

  it('Teams: a redelivered "report" activity (same id) posts the report once', async () => {
    const pat = { id: '29:pat', aadObjectId: '00000000-0000-4000-8000-000000000019' };
    const activity = (id: string, text: string) => ({
      id, type: 'message', text, channelId: 'msteams', serviceUrl: c.connector.url, timestamp: new Date().toISOString(), from: pat, recipient: { id: '28:bot', name: 'S117' },
      conversation: { id: 'a:personal-pat', conversationType: 'personal', tenantId: 'tenant-1' }, channelData: { tenant: { id: 'tenant-1' } },
    });
    const send = (a: object) => fetch(emulatorUrl(base, c.bot), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(a) });
    const same = activity(`act-${crypto.randomUUID()}`, 'report 2026-Q4');
    await send(same);
    await send(same);
    await send(activity(`act-${crypto.randomUUID()}`, 'help'));
    await until(() => c.connector.sent('a:personal-pat').some((x) => /raise — raise a dispute/.test(JSON.stringify(x.body))), 'the later command');
    expect(c.connector.sent('a:personal-pat').filter((x) => /Section 117 disputes: 2026-10-01/.test(JSON.stringify(x.body)))).toHaveLength(1);
  }, 120_000);
});
