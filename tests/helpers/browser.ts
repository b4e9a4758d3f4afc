// A browser's worth of cookies, redirects and forms, for the register behind OpenID Connect sign-in.

/** A browser's worth of cookies and redirects, enough for an OpenID Connect sign-in. */
export class Browser {
  readonly jar = new Map<string, string>();
  private keep(r: Response) {
    for (const c of r.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (/expires=Thu, 01 Jan 1970/i.test(c) || value === '') this.jar.delete(name); else this.jar.set(name, value);
    }
  }
  private cookie() { return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '); }
  async go(url: string, init: { method?: string; form?: Record<string, string>; follow?: boolean } = {}): Promise<{ url: string; status: number; text: string; location?: string | null }> {
    let current = url;
    let method = init.method ?? 'GET';
    let body: string | undefined = init.form ? new URLSearchParams(init.form).toString() : undefined;
    for (let hops = 0; hops < 15; hops++) {
      const r = await fetch(current, {
        method, redirect: 'manual', body,
        headers: { cookie: this.cookie(), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      });
      this.keep(r);
      const loc = r.headers.get('location');
      if (init.follow === false) return { url: current, status: r.status, text: await r.text(), location: loc };
      if (r.status >= 300 && r.status < 400 && loc) {
        current = new URL(loc, current).href;
        method = 'GET';
        body = undefined;
        continue;
      }
      return { url: current, status: r.status, text: await r.text() };
    }
    throw new Error('too many redirects');
  }
  /** Fills in and submits the first form on a page. */
  async submit(page: { url: string; text: string }, values: Record<string, string>) {
    const form = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(page.text);
    if (!form) throw new Error(`no form on ${page.url}: ${page.text.slice(0, 300)}`);
    const fields: Record<string, string> = {};
    for (const [tag] of form[2]!.matchAll(/<input[^>]*>/gi)) {
      const name = /name="([^"]+)"/.exec(tag)?.[1];
      if (name) fields[name] = /value="([^"]*)"/.exec(tag)?.[1] ?? '';
    }
    return this.go(new URL(form[1]!.replace(/&amp;/g, '&'), page.url).href, { method: 'POST', form: { ...fields, ...values } });
  }
  async signIn(base: string, email: string) {
    const login = await this.go(`${base}/register`);
    const consent = await this.submit(login, { login: email, password: 'any' });
    return /<form/i.test(consent.text) && consent.url.includes('/interaction/') ? this.submit(consent, {}) : consent;
  }
  /** Presses "Sign out" on a register page (the header's form, with its CSRF token). */
  async signOut(base: string) {
    const page = await this.go(`${base}/register`);
    const form = /<form method="post" action="\/register\/logout"[^>]*>[\s\S]*?<\/form>/.exec(page.text)![0];
    return this.go(`${base}/register/logout`, { method: 'POST', form: { csrf: /name="csrf" value="([^"]+)"/.exec(form)![1]! } });
  }
}
