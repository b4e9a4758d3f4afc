import type { IncomingMessage, ServerResponse } from 'node:http';
import nodemailer from 'nodemailer';
import type { PlatformModule } from '../../app/platform.ts';
import { emailCrossCheck, type EmailEnv, emailEnvSchema } from './env.ts';
import { EmailChatPort } from './chat-port.ts';

type SmtpOptions = Parameters<typeof nodemailer.createTransport>[0];

/**
 * E-mail as a platform module: outbound only (people act on the register's
 * web page). Configured by SMTP_URL and MAIL_FROM; off without them.
 */
export const emailModule: PlatformModule<EmailEnv, IncomingMessage, ServerResponse> = {
  name: 'email',
  handleLabel: 'work e-mail address',
  envSchema: emailEnvSchema,
  crossCheck: emailCrossCheck,
  configured: (env) => Boolean(env.SMTP_URL && env.MAIL_FROM),
  serves: (env) => Boolean(env.SMTP_URL && env.MAIL_FROM),
  connectHint: 'SMTP_URL and MAIL_FROM',
  create(env, logger, directory) {
    if (!env.SMTP_URL || !env.MAIL_FROM) return null;
    const timeout = env.PLATFORM_CALL_TIMEOUT_MS;
    const transport = nodemailer.createTransport(
      { url: env.SMTP_URL, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout } as SmtpOptions,
    );
    const settings = { from: env.MAIL_FROM, publicUrl: env.PUBLIC_URL ?? null, perMinute: env.MAIL_PER_MINUTE };
    const port = new EmailChatPort(transport, settings, directory, logger.child({ platform: 'email' }));
    return {
      port,
      paths: [],
      handle: async (_req, res, ctx) => ctx.reply(res, 404, { error: 'E-mail has no endpoint.' }),
      attach: () => undefined,
      status: () => ({ ready: true, reason: null }),
      start: async () => undefined,
      stop: async () => { transport.close(); },
      adapter: { transport },
    };
  },
  banner(env) {
    // The relay's host only: SMTP_URL may carry a password.
    const host = env.SMTP_URL ? new URL(env.SMTP_URL).host : null;
    return [`E-mail:     ${host && env.MAIL_FROM ? `sending as ${env.MAIL_FROM} through ${host}, in working hours`
      : 'not connected: set SMTP_URL and MAIL_FROM to reach people who work in neither Slack nor Teams'}`];
  },
};
