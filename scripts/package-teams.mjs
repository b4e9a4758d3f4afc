// npm run package:teams — fills the app id and address into the Teams app
// manifest, checks it against Microsoft's own JSON schema, and zips it with
// the two icons into dist/teams-app.zip for upload in Teams.
//   MICROSOFT_APP_ID=… PUBLIC_URL=https://s117.example.nhs.uk npm run package:teams
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import yazl from 'yazl';

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

export function fillManifest(env) {
  const problems = [];
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(env.MICROSOFT_APP_ID ?? '')) problems.push('MICROSOFT_APP_ID: must be the bot\'s app id, a GUID like 11111111-2222-3333-4444-555555555555');
  let url;
  try { url = new URL(env.PUBLIC_URL ?? ''); } catch { problems.push('PUBLIC_URL: must be the bot\'s public https address, like https://s117.example.nhs.uk'); }
  if (problems.length) throw new Error(problems.join('\n'));
  const text = fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')
    .replaceAll('{{MICROSOFT_APP_ID}}', env.MICROSOFT_APP_ID)
    .replaceAll('{{PUBLIC_URL}}', url.origin)
    .replaceAll('{{PUBLIC_HOST}}', url.host);
  return JSON.parse(text);
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

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const out = await packageTeams(process.env);
    console.log(`Wrote ${path.relative(process.cwd(), out)}: upload it in Teams (Apps → Manage your apps → Upload an app).`);
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}
