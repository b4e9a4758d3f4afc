/** A browser's worth of cookies and redirects over fetch: enough for sign-in and the register's forms. */
export interface Page { url: string; status: number; text: string; location?: string | null }

export class WebClient {
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
  async go(url: string, init: { method?: string; form?: Record<string, string | string[]>; follow?: boolean } = {}): Promise<Page> {
    let current = url;
    let method = init.method ?? 'GET';
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(init.form ?? {})) for (const x of Array.isArray(v) ? v : [v]) params.append(k, x);
    let body: string | undefined = init.form ? params.toString() : undefined;
    for (let hops = 0; hops < 15; hops++) {
      const r = await fetch(current, {
        method, redirect: 'manual', body,
        headers: { cookie: this.cookie(), ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
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
  /** The form on a page whose action matches, with its hidden and pre-filled inputs. */
  static form(page: Page, action: RegExp | string = /./): { action: string; fields: Record<string, string>; method: string } {
    for (const m of page.text.matchAll(/<form([^>]*)>([\s\S]*?)<\/form>/gi)) {
      const act = (/action="([^"]*)"/.exec(m[1]!)?.[1] ?? '').replace(/&amp;/g, '&');
      if (typeof action === 'string' ? act !== action : !action.test(act)) continue;
      const fields: Record<string, string> = {};
      for (const [tag] of m[2]!.matchAll(/<input[^>]*>/gi)) {
        const name = /name="([^"]+)"/.exec(tag)?.[1];
        const type = /type="([^"]+)"/.exec(tag)?.[1] ?? 'text';
        if (!name || ((type === 'radio' || type === 'checkbox') && !/\schecked/.test(tag))) continue;
        fields[name] = (/value="([^"]*)"/.exec(tag)?.[1] ?? '').replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'");
      }
      return { action: new URL(act, page.url).href, fields, method: (/method="([^"]+)"/.exec(m[1]!)?.[1] ?? 'get').toUpperCase() };
    }
    throw new Error(`no form ${String(action)} on ${page.url}: ${page.text.slice(0, 400)}`);
  }
  /** Fills in and submits a form on the page (the first whose action matches). */
  async submit(page: Page, values: Record<string, string | string[]> = {}, action: RegExp | string = /./): Promise<Page> {
    const f = WebClient.form(page, action);
    if (f.method === 'GET') {
      const u = new URL(f.action);
      for (const [k, v] of Object.entries({ ...f.fields, ...values })) u.searchParams.set(k, String(v));
      return this.go(u.href);
    }
    return this.go(f.action, { method: 'POST', form: { ...f.fields, ...values } });
  }
  /** Through the test provider's login (and consent) pages. */
  async providerLogin(page: Page, email: string): Promise<Page> {
    const consent = await this.submit(page, { login: email, password: 'any' });
    return /<form/i.test(consent.text) && consent.url.includes('/interaction/') ? this.submit(consent, {}) : consent;
  }
}

/** The page's text without tags, for matching sentences. */
export const words = (p: Page) => p.text.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/\s+/g, ' ');
