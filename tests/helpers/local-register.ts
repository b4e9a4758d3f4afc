import type { Bot } from '../../src/bot.ts';
import { LOCAL_COOKIE } from '../../src/http/local-access.ts';

/**
 * The cookie a browser on this computer holds after opening the start-up link
 * (`/register?token=…`); the link itself is tested in security/exposure.test.ts.
 */
export const localCookie = (bot: Bot): Record<string, string> => ({ cookie: `${LOCAL_COOKIE}=${bot.localToken}` });

/** The Teams Emulator endpoint as the banner prints it (with this start's token). */
export const emulatorUrl = (base: string, bot: Bot): string => `${base}/api/messages?token=${bot.localToken}`;
