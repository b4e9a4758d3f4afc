import fs from 'node:fs';
import { z } from 'zod';
import type { Env } from './env.ts';
import { ConfigError } from './env.ts';
import { entryLabel, fileProblems, parseYaml, plainEnglish, whyUnreadable } from './file-problems.ts';

/** One OpenID Connect provider the register signs people in with. */
export interface OidcProvider { issuer: string; clientId: string; clientSecret: string; label: string | null }

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
const issuerUrl = z.string().url('must be the issuer URL, like https://login.microsoftonline.com/<tenant>/v2.0').refine((u) => {
  if (!URL.canParse(u)) return true;
  const url = new URL(u);
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
}, 'must start with https:// (http:// only for a provider on this computer)');

const fileSchema = z.object({
  providers: z.array(z.object({
    issuer: issuerUrl,
    clientId: z.string().trim().min(1, 'give the client (application) id of this provider\'s app registration'),
    clientSecretFile: z.string().trim().min(1, 'give the path of the file holding this provider\'s client secret'),
    label: z.string().trim().min(1).max(80).optional(),
  }).strict()).min(1, 'list at least one provider'),
}).strict();

const norm = (iss: string) => iss.trim().replace(/\/+$/, '');

/**
 * Every sign-in provider: those in OIDC_PROVIDERS_FILE, and OIDC_ISSUER with OIDC_CLIENT_ID and OIDC_CLIENT_SECRET
 * (as before there was a file). Which organisation signs in with which is the directory's `oidcIssuers`; an
 * organisation without it uses OIDC_ISSUER. A problem stops the start, naming the file, the entry and the fix.
 */
export function loadOidcProviders(env: Env): OidcProvider[] {
  const out: OidcProvider[] = [];
  if (env.OIDC_PROVIDERS_FILE) {
    const where = `OIDC_PROVIDERS_FILE (${env.OIDC_PROVIDERS_FILE})`;
    let text: string;
    try {
      text = fs.readFileSync(env.OIDC_PROVIDERS_FILE, 'utf8');
    } catch (e) {
      throw new ConfigError(`${where}: cannot be read (${whyUnreadable(e)}); point it at a YAML file with a "providers:" list`);
    }
    const yaml = parseYaml(text);
    if (!yaml.ok) throw new ConfigError(`${where}: is not YAML (${yaml.at}); point it at a YAML file with a "providers:" list`);
    const raw = yaml.raw;
    const r = fileSchema.safeParse(raw, { error: plainEnglish });
    if (!r.success) throw new ConfigError(fileProblems(r.error, raw, 'providers').map((p) => `${where}: ${p}`).join('\n'));
    r.data.providers.forEach((p, i) => {
      const at = `${where}: ${entryLabel(raw, ['providers', i, 'clientSecretFile'])}`;
      let secret: string;
      try {
        secret = fs.readFileSync(p.clientSecretFile, 'utf8').trim();
      } catch {
        throw new ConfigError(`${at}: cannot read ${p.clientSecretFile}; `
          + 'give the path of a file holding the client secret');
      }
      if (!secret) {
        throw new ConfigError(`${at}: ${p.clientSecretFile} is empty; put the client secret in it`);
      }
      out.push({ issuer: norm(p.issuer), clientId: p.clientId, clientSecret: secret, label: p.label ?? null });
    });
  }
  if (env.OIDC_ISSUER && env.OIDC_CLIENT_ID && env.OIDC_CLIENT_SECRET && !out.some((p) => p.issuer === norm(env.OIDC_ISSUER!))) {
    out.push({ issuer: norm(env.OIDC_ISSUER), clientId: env.OIDC_CLIENT_ID, clientSecret: env.OIDC_CLIENT_SECRET, label: null });
  }
  const seen = new Set<string>();
  for (const p of out) {
    if (seen.has(p.issuer)) throw new ConfigError(`OIDC_PROVIDERS_FILE: ${p.issuer} is listed twice; keep one entry per issuer`);
    seen.add(p.issuer);
  }
  return out;
}
