/** Server-side record of signed-in browsers for the register pages (a port: implemented in register/). */
export interface SessionStore {
  /** A new session for `personId`; the id goes in the cookie. */
  start(personId: string, now: Date): Promise<string>;
  /** True, and the idle clock restarted, when the session is live; false once ended or idle too long (it is then ended). */
  touch(id: string, now: Date, idleMs: number): Promise<boolean>;
  end(id: string, now: Date): Promise<void>;
}
