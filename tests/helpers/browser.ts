import { WebClient } from './web-client.ts';

/** The test browser (web-client.ts) with the register's sign-in through the test provider, and sign-out. */
export class Browser extends WebClient {
  async signIn(base: string, email: string) {
    return this.providerLogin(await this.go(`${base}/register`), email);
  }
  /** Presses "Sign out" on a register page (the header's form, with its CSRF token). */
  async signOut(base: string) {
    const page = await this.go(`${base}/register`);
    const form = /<form method="post" action="\/register\/logout"[^>]*>[\s\S]*?<\/form>/.exec(page.text)![0];
    return this.go(`${base}/register/logout`, { method: 'POST', form: { csrf: /name="csrf" value="([^"]+)"/.exec(form)![1]! } });
  }
}
