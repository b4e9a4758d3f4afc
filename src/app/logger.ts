import { pino, type DestinationStream } from 'pino';
import type { Logger } from './ports.ts';

/** JSON logs on stdout; secrets are redacted by key wherever they appear. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({
    level,
    base: { app: 's117-bot' },
    redact: {
      paths: [
        '*.token', '*.password', '*.secret', '*.authorization', '*.DATABASE_URL', '*.SLACK_BOT_TOKEN', '*.SLACK_SIGNING_SECRET', '*.SLACK_APP_TOKEN',
        '*.MICROSOFT_APP_PASSWORD', '*.nhsNumber', 'nhsNumber',
        'token', 'password', 'secret', 'authorization', 'SESSION_SECRET', '*.SESSION_SECRET', 'SMTP_URL', '*.SMTP_URL',
        'OIDC_CLIENT_SECRET', '*.OIDC_CLIENT_SECRET', 'clientSecret', '*.clientSecret', 'ADMIN_TOKEN', '*.ADMIN_TOKEN', '*.privateKey',
        // Free text about the person and whole request bodies never reach the log, at any level.
        'body', '*.body', 'payload', '*.payload', 'text', '*.text', 'description', '*.description', 'currentCare', '*.currentCare',
        'note', '*.note', 'summary', '*.summary', 'args', '*.args',
      ],
      censor: '[redacted]',
    },
  }, destination ?? pino.destination(1)) as Logger;
}
