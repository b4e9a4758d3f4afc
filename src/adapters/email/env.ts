import { z } from 'zod';
import { type Env, positiveInt } from '../../config/env.ts';

const SMTP_FORM = 'must be the mail relay as smtp://user:password@relay.example:587 (or smtps:// for port 465)';

/** E-mail's variables, for people whose organisation works in neither Slack nor Teams (README "Configuration"). */
export const emailEnvSchema = z.object({
  // A URL that does not parse (a port that is not a number) would fail inside nodemailer with a stack trace.
  SMTP_URL: z.string().trim().regex(/^smtps?:\/\/[^/\s]+/, SMTP_FORM).refine((u) => URL.canParse(u), SMTP_FORM).optional(),
  MAIL_FROM: z.string().trim().email('must be the address e-mails come from, like s117-noreply@anytown.nhs.uk').optional(),
  MAIL_PER_MINUTE: positiveInt(60),
});

export type EmailEnv = Env & z.infer<typeof emailEnvSchema>;

export function emailCrossCheck(env: EmailEnv): string[] {
  if (env.SMTP_URL && !env.MAIL_FROM) return ['MAIL_FROM: is needed with SMTP_URL (the address e-mails come from)'];
  if (env.MAIL_FROM && !env.SMTP_URL) return ['SMTP_URL: is needed with MAIL_FROM (the mail relay, like smtp://user:password@relay.example:587)'];
  return [];
}
