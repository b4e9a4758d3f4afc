import fs from 'node:fs';
import path from 'node:path';
import { DIRECTORY } from './app.ts';

/**
 * The example directory written to `dir`, each organisation named in `homes` given those homes
 * (`{ 'anytown-icb': ['email'] }`), and governance given an e-mail address when asked.
 */
export function directoryWithHomes(dir: string, homes: Record<string, string[]>, governanceEmail?: string): string {
  let text = fs.readFileSync(DIRECTORY, 'utf8');
  for (const [id, list] of Object.entries(homes)) {
    const line = new RegExp(`(\\{ id: ${id}, [^}]*?) \\}`);
    if (!line.test(text)) throw new Error(`no organisation ${id} in the example directory`);
    text = text.replace(line, `$1, homes: ${JSON.stringify(list)} }`);
  }
  if (governanceEmail) text = text.replace('governance: { slack: C0GOVERN1,', `governance: { email: ${governanceEmail}, slack: C0GOVERN1,`);
  const file = path.join(dir, 'directory.yaml');
  fs.writeFileSync(file, text);
  return file;
}
