import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Env } from '../config/env.ts';
import { html, type Safe } from './html.ts';
import { layout } from './pages.ts';
import { StartupError } from '../config/startup-error.ts';

// The pages every deployment needs beside the register: where `/` leads, and
// the privacy notice and terms of use that the Teams app package links to.

const DEFAULT_PRIVACY = `# What this service holds
This service keeps the partnership's Section 117 dispute register: which organisations disagree, about what, the stages, decisions and deadlines, and who did what and when.

# About the person
The person is identified by a local case number. An NHS number, when given, is checked and never shown beyond its last three digits. Names of people receiving care are never used in chat channel names.

# Who can see it
Staff named in the partnership's directory see the disputes they take part in; governance leads see the whole register.

# Questions
Ask your organisation's Data Protection Officer. The partnership can replace this text (PRIVACY_FILE).`;

const DEFAULT_TERMS = `# Using this service
This service is for staff of the partnership's organisations, to run the Section 117 escalation and dispute resolution protocol.

# Care continues
Nothing recorded here changes the duty to keep providing aftercare while a dispute is settled.

# Records
Everything recorded is kept on the register with its history and may be reported to the Partnership Board.

The partnership can replace this text (TERMS_FILE).`;

/** Text with "# " headings and blank-line paragraphs, escaped. */
export function textToHtml(text: string): Safe {
  const blocks = text.replace(/\r\n/g, '\n').split(/\n\s*\n|\n(?=# )/).map((b) => b.trim()).filter(Boolean);
  return html`${blocks.map((b) => (b.startsWith('# ') ? html`<h2>${b.slice(2)}</h2>` : html`<p>${b}</p>`))}`;
}

function readText(file: string | undefined, fallback: string, setting: string): string {
  if (!file) return fallback;
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new StartupError(`${setting}: ${file} cannot be read (${why}): give the path of a text file the bot's account `
      + `may read, or unset ${setting} for the default text`);
  }
}

/** Fails at start-up when a configured file cannot be read, not when someone opens the page. */
export function sitePages(env: Env): Record<string, (req: IncomingMessage, res: ServerResponse) => void> {
  const privacy = textToHtml(readText(env.PRIVACY_FILE, DEFAULT_PRIVACY, 'PRIVACY_FILE'));
  const terms = textToHtml(readText(env.TERMS_FILE, DEFAULT_TERMS, 'TERMS_FILE'));
  const page = (title: string, body: Safe) => (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8', 'x-content-type-options': 'nosniff', 'cache-control': 'public, max-age=300',
      'content-security-policy': "default-src 'none'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'",
    });
    res.end(layout(title, null, body));
  };
  return {
    '/': (_req, res) => void res.writeHead(302, { location: '/register' }).end(),
    '/privacy': page('Privacy notice', privacy),
    '/terms': page('Terms of use', terms),
  };
}
