/**
 * A start that cannot go on because of how the bot is set up. The entry point
 * (src/main.ts) catches it once and prints `The bot cannot start: <message>`
 * to stderr and exits with `exitCode`: 78 (EX_CONFIG) by default, which the
 * systemd unit does not restart, since restarting cannot fix a setting.
 * The message names the setting and says what to do, on one line per setting
 * at fault; never a stack trace, which tells a busy administrator nothing.
 */
export class StartupError extends Error {
  constructor(message: string, readonly exitCode: number = 78) {
    super(message);
    this.name = 'StartupError';
  }
}
