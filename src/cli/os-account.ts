import os from 'node:os';

/**
 * The operating-system account running this command, for the history: the
 * directory id given with --as says who the person claims to be; this says
 * which login on the server made the claim. Under sudo both accounts are named.
 */
export function osAccount(env: NodeJS.ProcessEnv): string {
  let name: string;
  try {
    name = os.userInfo().username;
  } catch {
    // An account with no name in the password database (a container's arbitrary uid).
    name = `uid ${process.getuid?.() ?? 'unknown'}`;
  }
  const sudo = env.SUDO_USER;
  return sudo && sudo !== name ? `${name} (sudo from ${sudo})` : name;
}
