// npm run package:teams — fills the app id, address and version into the
// Teams app manifest, adds what the chosen case-space mode needs, checks it
// against Microsoft's own JSON schema, and zips it with the two icons into
// dist/teams-app.zip for upload in Teams. With TEAMS_CONNECTIONS_FILE, one
// package per connection (each tenant uploads its own app, with its own app id):
// dist/teams-app-<connection name>.zip.
//   MICROSOFT_APP_ID=… PUBLIC_URL=https://s117.example.nhs.uk TEAMS_CASE_SPACES=chat npm run package:teams
//   TEAMS_CONNECTIONS_FILE=config/teams-connections.yaml PUBLIC_URL=… TEAMS_CASE_SPACES=chat npm run package:teams
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import yazl from 'yazl';
import { parse } from 'yaml';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.join(root, 'manifests', 'teams');

export function manifestSchema(version) {
  return JSON.parse(fs.readFileSync(require.resolve(`@microsoft/app-manifest/build/json-schemas/teams/v${version}/MicrosoftTeams.schema.json`), 'utf8'));
}

/** Problems with a manifest, from Microsoft's published schema ([] when valid). */
export function manifestProblems(manifest) {
  const Ajv = require('ajv-draft-04');
  const addFormats = require('ajv-formats');
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(manifestSchema(manifest.manifestVersion));
  return validate(manifest) ? [] : validate.errors.map((e) => `${e.instancePath || '(top)'} ${e.message}`);
}

/**
 * Microsoft Graph application permissions each mode needs. They are granted
 * on the bot's Entra app registration with admin consent, not in the
 * manifest (which only carries resource-specific ones).
 */
export const GRAPH_PERMISSIONS = {
  thread: [],
  channel: [],
  chat: ['Chat.Create', 'ChatMember.ReadWrite.All', 'TeamsAppInstallation.ReadWriteSelfForChat.All', 'Chat.ReadBasic.All', 'AppCatalog.Read.All'],
};

/** The app's version for Teams (which needs it raised on every upgrade): package.json's, as major.minor.patch. */
export function appVersion() {
  const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  if (!/^\d+\.\d+\.\d+$/.test(version ?? '')) throw new Error(`package.json: version "${version}" must be plain major.minor.patch (Teams accepts no pre-release suffix)`);
  return version;
}

export function fillManifest(env) {
  const problems = [];
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(env.MICROSOFT_APP_ID ?? '')) problems.push('MICROSOFT_APP_ID: must be the bot\'s app id, a GUID like 11111111-2222-3333-4444-555555555555');
  let url;
  try { url = new URL(env.PUBLIC_URL ?? ''); } catch { problems.push('PUBLIC_URL: must be the bot\'s public https address, like https://s117.example.nhs.uk'); }
  if (url && url.protocol !== 'https:') problems.push(`PUBLIC_URL: must start with https:// (Teams opens the privacy and terms pages and the register from it), not ${url.protocol}//`);
  const mode = env.TEAMS_CASE_SPACES || 'thread';
  if (!(mode in GRAPH_PERMISSIONS)) problems.push('TEAMS_CASE_SPACES: must be chat, thread or channel, as the bot is configured');
  if (problems.length) throw new Error(problems.join('\n'));
  const text = fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')
    .replaceAll('{{MICROSOFT_APP_ID}}', env.MICROSOFT_APP_ID)
    .replaceAll('{{PUBLIC_URL}}', url.origin)
    .replaceAll('{{PUBLIC_HOST}}', url.host)
    .replaceAll('{{VERSION}}', appVersion());
  const manifest = JSON.parse(text);
  // Only channel mode creates channels, so only it asks a team owner for that.
  if (mode === 'channel') {
    manifest.authorization = { permissions: { resourceSpecific: [{ name: 'Channel.Create.Group', type: 'Application' }] } };
    // Teams refuses an RSC app whose webApplicationInfo has no resource. RSC does not use the value ("any string will
    // do", Microsoft's RSC guide), so it is the bot's own address rather than an SSO resource the app does not have.
    manifest.webApplicationInfo.resource = url.origin;
  }
  // Chat mode installs the bot in each dispute's group chat.
  if (mode === 'chat') {
    manifest.bots[0].scopes.push('groupChat');
    manifest.bots[0].commandLists[0].scopes.push('groupChat');
  }
  return manifest;
}

export async function packageTeams(env, out = path.join(root, 'dist', 'teams-app.zip')) {
  const manifest = fillManifest(env);
  const problems = manifestProblems(manifest);
  if (problems.length) throw new Error(`manifests/teams/manifest.json does not match the Teams schema:\n  ${problems.join('\n  ')}`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(JSON.stringify(manifest, null, 2)), 'manifest.json');
  for (const icon of ['color.png', 'outline.png']) zip.addFile(path.join(dir, icon), icon);
  zip.end();
  await new Promise((resolve, reject) => zip.outputStream.pipe(fs.createWriteStream(out)).on('close', resolve).on('error', reject));
  return out;
}

/**
 * The packages to make: one per connection in TEAMS_CONNECTIONS_FILE (the bot
 * checks the file properly at start; here only names and app ids are read),
 * or the one MICROSOFT_APP_ID describes.
 */
export function packagesFor(env) {
  if (!env.TEAMS_CONNECTIONS_FILE) return [{ name: null, env }];
  const list = parse(fs.readFileSync(env.TEAMS_CONNECTIONS_FILE, 'utf8'))?.connections;
  if (!Array.isArray(list) || !list.length) throw new Error('TEAMS_CONNECTIONS_FILE: must list connections (name, appId, tenantId, and passwordFile, passwordEnv or certificateFile)');
  return list.map((c, i) => {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(String(c?.name ?? ''))) throw new Error(`TEAMS_CONNECTIONS_FILE: connections.${i}.name: must be a short name of lower-case letters, digits and dashes`);
    return { name: c.name, env: { ...env, MICROSOFT_APP_ID: String(c.appId ?? '') } };
  });
}

/** Every package: `dist/teams-app.zip`, or `dist/teams-app-<name>.zip` per connection. */
export async function packageAll(env, outDir = path.join(root, 'dist')) {
  const out = [];
  for (const p of packagesFor(env)) {
    try {
      out.push({ name: p.name, file: await packageTeams(p.env, path.join(outDir, p.name ? `teams-app-${p.name}.zip` : 'teams-app.zip')) });
    } catch (e) {
      throw new Error(p.name ? `connection ${p.name}: ${e.message}` : e.message);
    }
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    for (const { name, file } of await packageAll(process.env)) {
      console.log(`Wrote ${path.relative(process.cwd(), file)}: ${name ? `a Teams administrator of connection ${name}'s tenant uploads it` : 'upload it'} in Teams (Teams admin centre → Manage apps → Upload).`);
    }
    const needed = GRAPH_PERMISSIONS[process.env.TEAMS_CASE_SPACES || 'thread'];
    if (needed.length) console.log(`A Microsoft Entra administrator must also grant admin consent to these Microsoft Graph application permissions on the bot's app registration: ${needed.join(', ')}.`);
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}
