import nodemailer from 'nodemailer';
import { z } from 'zod';
import type { PlatformModule } from '../../app/platform.ts';
import type { Env } from '../../config/env.ts';
import { EmailChatPort } from './chat-port.ts';

type SmtpOptions = Parameters<typeof nodemailer.createTransport>[0];

/**
 * E-mail as a platform module: outbound only (people act on the register's
 * web page). Configured by SMTP_URL and MAIL_FROM; off without them.
 */
export const emailModule: PlatformModule<Env, never> = {
  name: 'email',
  handleLabel: 'work e-mail address',
  envSchema: z.object({
    SMTP_URL: z.string().optional(), MAIL_FROM: z.string().optional(), MAIL_PER_MINUTE: z.coerce.number().optional(),
  }),
  configured: (env) => Boolean(env.SMTP_URL && env.MAIL_FROM),
  serves: (env) => Boolean(env.SMTP_URL && env.MAIL_FROM),
  connectHint: 'SMTP_URL and MAIL_FROM',
  create(env, logger, directory) {
    if (!env.SMTP_URL || !env.MAIL_FROM) return null;
    const timeout = env.PLATFORM_CALL_TIMEOUT_MS;
    const transport = nodemailer.createTransport(
      { url: env.SMTP_URL, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout } as SmtpOptions,
    );
    const settings = {
      from: env.MAIL_FROM, publicUrl: env.PUBLIC_URL ?? null, perMinute: env.MAIL_PER_MINUTE, linkSecret: env.SESSION_SECRET ?? null,
    };
    const port = new EmailChatPort(transport, settings, directory, logger.child({ platform: 'email' }));
    return {
      port,
      routes: {},
      attach: () => undefined,
      start: async () => undefined,
      stop: async () => { transport.close(); },
      adapter: { transport },
    };
  },
};
