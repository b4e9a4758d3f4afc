import type { Message } from '../../domain/effects.ts';

/**
 * What an e-mail may say. Mail can travel over paths nobody here controls,
 * so it carries the dispute's reference and what kind of thing needs the
 * reader, never the message's own lines: no NHS number, no person's name,
 * no case text. The reader follows the link and signs in to see the rest.
 */
export interface MailText { subject: string; text: string; html: string }

const REFERENCE = /\bS117-\d{4}-\d{4,}\b/;

export const referenceIn = (m: Message): string | null => REFERENCE.exec(m.title)?.[0] ?? null;

export type MailKind = 'added' | 'confirm' | 'update' | 'governance';

const WHAT: Record<MailKind, string> = {
  added: 'You have been asked to take part in this Section 117 aftercare dispute.',
  confirm: 'A decision is waiting for your organisation\'s confirmation.',
  update: 'There is something on this Section 117 aftercare dispute for you.',
  governance: 'There is a notice for Section 117 governance.',
};

/** Which of the fixed sentences fits a message, read from its structure (never from its words, bar the invitation's title). */
export function mailKind(m: Message, governance: boolean): MailKind {
  if (governance) return 'governance';
  if (m.confirm) return 'confirm';
  return /^You are part of /.test(m.title) ? 'added' : 'update';
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\'': '&#39;' })[c]!);

export function mailText(kind: MailKind, reference: string | null, link: string | null, partnership: string): MailText {
  const subject = reference ? `${reference}: Section 117 dispute` : 'Section 117 partnership notice';
  const open = link
    ? `Open it in the register (sign in with your work account): ${link}`
    : 'Open the Section 117 register, or your case space in Slack or Teams, to see it.';
  const lines = [
    WHAT[kind],
    ...(reference ? [`Reference: ${reference}`] : []),
    '',
    open,
    '',
    'Care and support continue while the dispute is resolved.',
    'This e-mail holds no personal details on purpose. Do not reply with any: it is not monitored.',
    `— ${partnership}`,
  ];
  const html = [
    '<!doctype html><html lang="en"><body style="font-family: Arial, sans-serif; font-size: 16px; line-height: 1.5">',
    `<p>${escapeHtml(WHAT[kind])}</p>`,
    ...(reference ? [`<p>Reference: <strong>${escapeHtml(reference)}</strong></p>`] : []),
    link
      ? `<p><a href="${escapeHtml(link)}">Open ${escapeHtml(reference ?? 'the register')} in the register</a>`
        + ' (sign in with your work account).</p>'
      : `<p>${escapeHtml(open)}</p>`,
    '<p>Care and support continue while the dispute is resolved.</p>',
    '<p style="color:#4c6272">This e-mail holds no personal details on purpose. Do not reply with any: it is not monitored.</p>',
    `<p>${escapeHtml(partnership)}</p>`,
    '</body></html>',
  ].join('\n');
  return { subject, text: lines.join('\n'), html };
}

/** The sign-in e-mail: the link and how long it lasts; nothing about any dispute. */
export function signInMailText(link: string, minutes: number, partnership: string): MailText {
  const subject = 'Sign in to the Section 117 register';
  const lines = [
    'You asked to sign in to the Section 117 register. Open this link to sign in:',
    '',
    link,
    '',
    `It works once, for ${minutes} minutes, and only for you. If you did not ask, ignore this e-mail: nobody can use it without it.`,
    'Do not forward it. Do not reply: this address is not monitored.',
    `— ${partnership}`,
  ];
  const html = [
    '<!doctype html><html lang="en"><body style="font-family: Arial, sans-serif; font-size: 16px; line-height: 1.5">',
    '<p>You asked to sign in to the Section 117 register.</p>',
    `<p><a href="${escapeHtml(link)}">Sign in to the Section 117 register</a></p>`,
    `<p>The link works once, for ${minutes} minutes, and only for you.`
      + ' If you did not ask, ignore this e-mail: nobody can use it without it.</p>',
    '<p style="color:#4c6272">Do not forward it. Do not reply: this address is not monitored.</p>',
    `<p>${escapeHtml(partnership)}</p>`,
    '</body></html>',
  ].join('\n');
  return { subject, text: lines.join('\n'), html };
}
