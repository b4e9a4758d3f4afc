import type { Dispute } from '../domain/types.ts';
import { referralPack, type ReferralPack } from '../reports/referral-pack.ts';
import type { DisputeService } from './dispute-service.ts';

/** The referral pack of a dispute as the register holds it now (the same figures as every other surface, R9.2). */
export async function referralPackOf(service: DisputeService, d: Dispute): Promise<ReferralPack> {
  return referralPack({
    dispute: d, history: await service.history(d.id), directory: service.directory(), calendar: service.calendar, policy: service.policy,
    now: service.now(),
  });
}
