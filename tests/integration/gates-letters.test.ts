import { DomainError } from '../../src/domain/errors.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { act, agreeAtStage3, as, atStage3, REF } from '../helpers/gates.ts';
import { fundingDispute, stage2Decision } from '../fixtures/disputes.ts';

// R8.2: a letter is true to the record when it is marked sent, not only when it was drafted.

describe('letters to the person', () => {
  let app: TestApp;
  beforeEach(async () => { app = await testApp(); });
  afterEach(async () => { await app.close(); });

  it('[R8.2] a letter drafted before care was withdrawn is not marked sent; the redraft says what happened, and sending it never closes the dispute around an open continuity alert', async () => {
    const a = act(app);
    await atStage3(app);
    await agreeAtStage3(app);
    const first = (await app.service.get({ reference: REF }))!.letters.at(-1)!;
    expect(first.text).toMatch(/Your care did not stop while we talked\. It will go on as planned\./);
    expect((await a('eve-ford', { type: 'REPORT_CARE_CHANGE', change: 'WITHDRAWN', detail: 'The floating support was withdrawn on Friday.' })).code).toBe(0);

    const sent = await a('eve-ford', { type: 'MARK_LETTER_SENT', seq: first.seq });
    expect(sent.code).toBe(1);
    expect(sent.err).toMatch(new RegExp(`^Refused: Letter ${first.seq} was not marked sent: the record changed after it was drafted \\(what happened to the care`));
    // Through the service the refusal carries the one thing to do instead: redraft.
    const refused = await app.service.act(as('eve-ford'), { reference: REF }, { type: 'MARK_LETTER_SENT', seq: first.seq }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DomainError);
    expect((refused as DomainError).action).toEqual({ command: 'REDRAFT_LETTER', label: 'Redraft the letter', seq: first.seq });
    let d = (await app.service.get({ reference: REF }))!;
    expect(app.service.view(d).allowedActions).toContainEqual({ verb: 'redraft-letter', n: first.seq, label: 'Redraft the letter', style: 'primary' });
    expect(d.letters.find((l) => l.seq === first.seq)!.sentAt).toBeNull();

    expect((await a('eve-ford', { type: 'REDRAFT_LETTER', seq: first.seq })).code).toBe(0);
    d = (await app.service.get({ reference: REF }))!;
    const redraft = d.letters.at(-1)!;
    expect(redraft.seq).toBe(first.seq + 1);
    expect(redraft.text).toMatch(/While we talked, some of your care was stopped\. This should not have happened\. We are working to put it back now\./);
    expect((await a('eve-ford', { type: 'MARK_LETTER_SENT', seq: redraft.seq })).code).toBe(0);
    d = (await app.service.get({ reference: REF }))!;
    expect(d.status).toBe('OPEN');
    expect(app.service.view(d).stillNeeded).toEqual(['care restored after the continuity-of-care alert ("Record care restored")']);

    expect((await a('eve-ford', { type: 'RECORD_CARE_RESTORED', detail: 'Floating support restarted on Monday, same hours.' })).code).toBe(0);
    expect((await app.service.get({ reference: REF }))!.status).toBe('RESOLVED');
  });

  it('[R8.2] a letter drafted before a setting correction is not marked sent with the old setting', async () => {
    const a = act(app);
    await app.service.raise(as('ali-khan'), fundingDispute());
    await a('ali-khan', { type: 'PROPOSE_DECISION', input: { ...stage2Decision, outcome: 'AGREEMENT' } });
    await a('ali-khan', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-council' });
    await a('gus-hart', { type: 'CONFIRM_DECISION', seq: 1, organisationId: 'anytown-icb' });
    expect((await app.service.get({ reference: REF }))!.status).toBe('RESOLVED');
    expect((await a('ali-khan', { type: 'CORRECT', field: 'setting', value: 'HOSPITAL', reason: 'The person is still in hospital.', correctsSeq: 1 })).code).toBe(0);
    const refused = await a('ali-khan', { type: 'MARK_LETTER_SENT', seq: 1 });
    expect(refused).toMatchObject({ code: 1, err: expect.stringMatching(/^Refused: Letter 1 was not marked sent: the record changed after it was drafted \(where the person is\)/) });
    expect((await a('ali-khan', { type: 'REDRAFT_LETTER', seq: 1 })).code).toBe(0);
    const letter = (await app.service.get({ reference: REF }))!.letters.at(-1)!;
    expect(letter.text).toMatch(/We are writing about the help you will get when you leave hospital\./);
    expect((await a('ali-khan', { type: 'MARK_LETTER_SENT', seq: letter.seq })).code).toBe(0);
  });
});
