import { Gate } from '../../src/adapters/slack/after-ack-gate.ts';
import { FakeSlackApi } from '../fakes/slack-api.ts';
import { blockAction, interactiveBody, sign } from '../helpers/slack.ts';
import { bareReceiverApp } from '../helpers/slack-receiver.ts';
import { until } from '../helpers/wait.ts';

// Listeners acknowledge first and work after. The work after the ack goes
// through a gate: a burst of clicks is acknowledged at once, and only a few
// requests' follow-up work runs at a time.

describe('work after a Slack acknowledgement', () => {
  it('acknowledges a whole burst at once while at most four requests work, then finishes them all', async () => {
    const fake = new FakeSlackApi();
    await fake.start();
    const bare = await bareReceiverApp({ apiUrl: `${fake.url}/api/`, gate: 4 });
    const working: string[] = [];
    const finished: string[] = [];
    let open!: () => void;
    const held = new Promise<void>((r) => { open = r; });
    // Not answered first: each request's answer comes from its listener's ack().
    bare.app.action(/.*/, async ({ ack, action }) => {
      await ack();
      const id = (action as { action_id: string }).action_id;
      working.push(id);
      await held;
      finished.push(id);
    });
    try {
      const send = (i: number) => {
        const body = interactiveBody(blockAction('U1', 'C1', { action_id: `a${i}`, value: '{}' }));
        return fetch(bare.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...sign(body) }, body });
      };
      const ids: number[] = [];
      for (let i = 0; i < 12; i++) ids.push(i);
      // Every request is answered while all the work is still held.
      const statuses = await Promise.all(ids.map(async (i) => (await send(i)).status));
      expect(statuses).toEqual(ids.map(() => 200));
      await until(() => working.length === 4, 'four requests working');
      expect(finished).toEqual([]);
      open();
      await until(() => finished.length === 12, 'all twelve to finish');
      expect(working.length).toBe(12);
    } finally {
      open();
      await bare.stop();
      await fake.stop();
    }
  });

  it('a gate grants places first come, first served, and never more than its limit', async () => {
    const gate = new Gate(2);
    const order: number[] = [];
    const releases = await Promise.all([gate.acquire(), gate.acquire()]);
    const later = [3, 4, 5].map((n) => gate.acquire().then((release) => { order.push(n); return release; }));
    expect(gate.pending).toBe(3);
    releases[0]!();
    releases[0]!(); // releasing twice frees one place only
    const third = await later[0]!;
    expect(order).toEqual([3]);
    expect(gate.pending).toBe(2);
    releases[1]!();
    third();
    await Promise.all(later.slice(1));
    expect(order).toEqual([3, 4, 5]);
  });
});
