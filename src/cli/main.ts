import { runCli } from './s117.ts';
import { ownerOnlyUmask } from '../register/owner-only.ts';

// Exports, reports and backups hold personal data: owner-only unless a file says otherwise.
ownerOnlyUmask();

const code = await runCli(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  env: process.env,
});
// The embedded database's wasm keeps timers alive; leave explicitly.
process.exit(code);
