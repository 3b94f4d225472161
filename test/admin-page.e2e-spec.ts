import { runInNewContext } from 'node:vm';
import { uuidv7 } from '../src/common/ids/uuid-v7';
import { jakartaDate } from '../src/common/time/jakarta-time';
import { Db } from '../src/database/db';
import { PaymentLogEntity } from '../src/database/entities/payment-log.entity';
import { PaymentEntity } from '../src/database/entities/payment.entity';
import { PaymentStatus } from '../src/payments/payment-state';
import { RunningApp, http, startApp } from './support/app-harness';
import { TestDatabase, testDatabases } from './support/databases';

const [, sqlite] = testDatabases()[0];
const ADMIN_KEY = 'admin-key-for-page-tests-0123456789';
const HOSTILE = '<img src=x onerror=alert(1)>';

/** Every <script> and <style> element, inline event handler and style attribute of an HTML page. */
function inlineCode(html: string): string[] {
  const found: string[] = [];
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    if (!/\bsrc=/.test(m[1]) || m[2].trim() !== '') found.push(m[0]);
  }
  for (const m of html.matchAll(/<style\b[^>]*>/gi)) found.push(m[0]);
  for (const m of html.matchAll(/<[^>]+\s(on[a-z]+|style)\s*=/gi)) found.push(m[0]);
  for (const m of html.matchAll(/(href|src|action)\s*=\s*["']?\s*javascript:/gi)) found.push(m[0]);
  return found;
}

function directives(csp: string | null): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of (csp ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) map.set(name.toLowerCase(), values);
  }
  return map;
}

describe('GET /admin: the operations page', () => {
  let database: TestDatabase;
  let running: RunningApp;

  beforeAll(async () => {
    database = await sqlite();
    running = await startApp({ DB_URL: database.url, ADMIN_API_KEY: ADMIN_KEY });
  });
  afterAll(async () => {
    await running?.close();
    await database?.drop();
  });

  it('serves the HTML page without a key, with its script and stylesheet as separate files', async () => {
    const res = await fetch(`${running.baseUrl}/admin`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html; charset=utf-8/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('<script src="/admin/admin.js" defer></script>');
    expect(html).toContain('<link rel="stylesheet" href="/admin/admin.css">');
    expect(inlineCode(html)).toEqual([]);
    // Only external references to this origin: no CDN.
    for (const [, url] of html.matchAll(/\s(?:src|href)="([^"]+)"/g)) expect(url).toMatch(/^\/admin\//);

    const script = await fetch(`${running.baseUrl}/admin/admin.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript; charset=utf-8/);
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');
    const js = await script.text();
    expect(js).toContain("'Bearer ' + key");
    // Values reach the DOM as text only.
    expect(js).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/);
    expect(js).not.toMatch(/localStorage|document\.cookie/);

    const css = await fetch(`${running.baseUrl}/admin/admin.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css; charset=utf-8/);
    expect(await css.text()).toContain('#payments-body');
  });

  it('sends a CSP that allows its own script and stylesheet and nothing inline', async () => {
    const res = await fetch(`${running.baseUrl}/admin`);
    const csp = directives(res.headers.get('content-security-policy'));
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('style-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    // The API the page calls is still behind the key.
    expect((await http(running.baseUrl, 'GET', '/admin/payments')).status).toBe(401);
  });

  it('answers 304 to a matching If-None-Match', async () => {
    for (const path of ['/admin', '/admin/admin.js', '/admin/admin.css']) {
      const first = await fetch(`${running.baseUrl}${path}`);
      const etag = first.headers.get('etag');
      expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
      const again = await fetch(`${running.baseUrl}${path}`, { headers: { 'if-none-match': etag! } });
      expect(again.status).toBe(304);
    }
  });

  describe('the script, run against the live API in a stand-in DOM', () => {
    let page: FakePage;
    let paid: PaymentEntity;

    beforeAll(async () => {
      const db = running.app.get(Db);
      const now = Date.now();
      const payment = (i: number, status: PaymentStatus, createdAt: Date, extra: Partial<PaymentEntity> = {}): PaymentEntity =>
        Object.assign(new PaymentEntity(), {
          id: uuidv7(),
          orderId: `PAGE-${String(i).padStart(3, '0')}`,
          amount: 10_000 + i,
          currency: 'IDR',
          status,
          provider: 'mock',
          qrisPayload: '000201SECRETQR',
          providerTrxId: `QRISPAGE${i}`,
          providerRefNo: null,
          expiresAt: new Date(createdAt.getTime() + 15 * 60_000),
          paidAt: null,
          callbackUrl: null,
          metadata: null,
          signatureVersion: 1,
          lockedBy: null,
          lockedUntil: null,
          createdAt,
          updatedAt: createdAt,
          ...extra,
        });
      const rows = Array.from({ length: 55 }, (_, i) => payment(i, 'PENDING', new Date(now - 3_600_000 - i * 1000)));
      // Refused by the SSRF guard at once (loopback), so the resend's delivery fails fast and offline.
      paid = payment(99, 'PAID', new Date(now - 120_000), {
        orderId: HOSTILE,
        paidAt: new Date(now - 60_000),
        providerRefNo: 'REF-99',
        callbackUrl: 'http://127.0.0.1:9/callback',
      });
      await db.manager.insert(PaymentEntity, [...rows, paid]);
      await db.manager.insert(PaymentLogEntity, [
        Object.assign(new PaymentLogEntity(), { id: uuidv7(), paymentId: paid.id, event: 'CREATED', payload: { note: '<script>alert(1)</script>' }, createdAt: paid.createdAt }),
        Object.assign(new PaymentLogEntity(), { id: uuidv7(), paymentId: paid.id, event: 'WEBHOOK_SUCCESS', payload: null, createdAt: paid.paidAt! }),
      ]);
      page = await FakePage.open(running.baseUrl);
    });

    it('holds no data until a key is given; a wrong key is refused and forgotten', async () => {
      expect(page.byId('payments-body').children).toHaveLength(0);
      expect(page.byId('key-state').textContent).toMatch(/No key/);
      page.byId('key-input').value = 'not-the-key-0123456789';
      page.byId('key-form').dispatch('submit');
      await until(() => page.byId('message').textContent.includes('refused'));
      expect(page.storage.size).toBe(0);
      expect(page.byId('message').className).toContain('error');
    });

    it('lists payments with the key from sessionStorage, 50 a page, then loads more', async () => {
      page.byId('key-input').value = ADMIN_KEY;
      page.byId('key-form').dispatch('submit');
      expect(page.byId('key-input').value).toBe('');
      expect([...page.storage.values()]).toEqual([ADMIN_KEY]);
      await until(() => page.byId('payments-body').children.length === 50);
      expect(page.byId('load-more').hidden).toBe(false);
      // Newest first: the paid one, its order id shown as text, never parsed as markup.
      const first = page.byId('payments-body').children[0];
      expect(first.children[1].textContent).toBe(HOSTILE);
      expect(first.children[2].textContent).toBe('PAID');
      expect(first.children[3].textContent).toMatch(/^Rp 10\.099$/);
      page.byId('load-more').dispatch('click');
      await until(() => page.byId('payments-body').children.length === 56);
      expect(page.byId('load-more').hidden).toBe(true);
    });

    it('filters by status and searches by order_id or provider_trx_id', async () => {
      page.byId('filter-status').value = 'PAID';
      page.byId('filter-form').dispatch('submit');
      await until(() => page.byId('payments-body').children.length === 1);
      page.byId('filter-status').value = '';
      page.byId('filter-q').value = ' QRISPAGE7 ';
      page.byId('filter-form').dispatch('submit');
      await until(() => page.byId('payments-body').children[0]?.children[1].textContent === 'PAGE-007');
      expect(page.byId('payments-body').children).toHaveLength(1);
      page.byId('filter-q').value = HOSTILE;
      page.byId('filter-form').dispatch('submit');
      await until(() => page.byId('payments-body').children[0]?.children[1].textContent === HOSTILE);
    });

    it('exports the filtered CSV with the Bearer key and downloads it as a blob', async () => {
      page.byId('export-csv').dispatch('click');
      await until(() => page.downloads.length === 1);
      const [download] = page.downloads;
      expect(download.name).toMatch(/^payments-\d{4}-\d{2}-\d{2}\.csv$/);
      const lines = (await download.blob.text()).trim().split('\r\n');
      expect(lines[0]).toMatch(/^payment_id,order_id,status,/);
      expect(lines).toHaveLength(2);
      expect(lines[1]).toContain(paid.id);
    });

    it("shows a payment's fields and log timeline on row click, and resends its callback", async () => {
      page.byId('payments-body').children[0].children[1].dispatch('click');
      expect(page.byId('detail').hidden).toBe(false);
      expect(page.byId('detail-fields').textContent).toContain('REF-99');
      await until(() => page.byId('timeline').children.length === 2);
      const [created, success] = page.byId('timeline').children;
      expect(created.children[1].textContent).toBe('CREATED');
      expect(created.children[2].textContent).toContain('<script>alert(1)</script>');
      expect(success.children[1].textContent).toBe('WEBHOOK_SUCCESS');

      page.byId('resend-callback').dispatch('click');
      await until(() => page.byId('message').textContent.startsWith('Callback queued'));
      expect(page.confirmations).toEqual([expect.stringContaining(HOSTILE)]);
      await until(() => page.byId('timeline').children.some((li) => li.children[1]?.textContent === 'CALLBACK_RESEND'));
    });

    it('runs a reconciliation and shows its report once DONE', async () => {
      const date = jakartaDate(paid.paidAt!);
      expect(page.byId('recon-date').value).toBe(jakartaDate(new Date()));
      page.byId('recon-date').value = date;
      page.byId('recon-form').dispatch('submit');
      await until(() => page.byId('message').textContent.startsWith(`Reconciliation of ${date}: DONE`), 15_000);
      const report = page.byId('recon-report').textContent;
      expect(report).toContain('DONE');
      expect(report).toMatch(/1matched/);
      expect(report).toMatch(/0missing at provider/);

      page.byId('recon-report').replaceChildren();
      page.byId('recon-show').dispatch('click');
      await until(() => page.byId('recon-report').textContent.includes('matched'));
    });

    it('reports a problem from the API as text', async () => {
      page.byId('recon-date').value = '2025-02-30';
      page.byId('recon-show').dispatch('click');
      await until(() => page.byId('message').className.includes('error'));
      expect(page.byId('message').textContent).toMatch(/calendar date/);
    });
  });
});

describe('GET /admin with ADMIN_API_KEY unset', () => {
  let database: TestDatabase;
  let running: RunningApp;

  beforeAll(async () => {
    database = await sqlite();
    running = await startApp({ DB_URL: database.url });
  });
  afterAll(async () => {
    await running?.close();
    await database?.drop();
  });

  it.each(['/admin', '/admin/admin.js', '/admin/admin.css', '/admin/payments'])('%s: 404 problem ADMIN_DISABLED, like the API', async (path) => {
    const res = await http(running.baseUrl, 'GET', path);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 404, code: 'ADMIN_DISABLED' });
  });
});

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${condition.toString()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Just enough DOM for admin.js, without a browser: elements keep text only (innerHTML and the like
 * throw, as do inline handlers and style attributes), and getElementById only knows the ids the
 * served HTML declares, so the script and the page cannot drift apart.
 */
class FakeElement {
  children: FakeElement[] = [];
  parent: FakeElement | null = null;
  attributes = new Map<string, string>();
  listeners = new Map<string, Array<(event: unknown) => void>>();
  hidden = false;
  disabled = false;
  value = '';
  max = '';
  className = '';
  clicked = 0;
  private ownText = '';

  constructor(readonly tagName: string) {}

  get textContent(): string {
    return this.ownText + this.children.map((c) => c.textContent).join('');
  }
  set textContent(value: string) {
    this.ownText = String(value);
    this.children = [];
  }
  set innerHTML(_value: string) {
    throw new Error('innerHTML must not be used');
  }
  set outerHTML(_value: string) {
    throw new Error('outerHTML must not be used');
  }
  insertAdjacentHTML(): never {
    throw new Error('insertAdjacentHTML must not be used');
  }

  get classList() {
    const names = () => this.className.split(/\s+/).filter(Boolean);
    const set = (list: string[]) => (this.className = list.join(' '));
    return {
      add: (name: string) => set([...new Set([...names(), name])]),
      remove: (name: string) => set(names().filter((n) => n !== name)),
      contains: (name: string) => names().includes(name),
      toggle: (name: string, force?: boolean) => {
        const on = force ?? !names().includes(name);
        set(on ? [...new Set([...names(), name])] : names().filter((n) => n !== name));
        return on;
      },
    };
  }

  setAttribute(name: string, value: string): void {
    if (/^on/i.test(name) || name.toLowerCase() === 'style') throw new Error(`inline ${name} attribute`);
    if ((name === 'href' || name === 'src') && /^\s*javascript:/i.test(value)) throw new Error('javascript: URL');
    this.attributes.set(name, String(value));
  }
  getAttribute(name: string): string | null {
    return this.attributes.get(name) ?? null;
  }
  appendChild(child: FakeElement): FakeElement {
    child.remove();
    child.parent = this;
    this.children.push(child);
    return child;
  }
  replaceChildren(...nodes: FakeElement[]): void {
    this.textContent = '';
    nodes.forEach((node) => this.appendChild(node));
  }
  remove(): void {
    if (this.parent) this.parent.children = this.parent.children.filter((c) => c !== this);
    this.parent = null;
  }
  addEventListener(type: string, listener: (event: unknown) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  click(): void {
    this.clicked++;
  }
  closest(selector: string): FakeElement | null {
    const m = /^([a-z]+)\[([a-z-]+)\]$/.exec(selector);
    if (!m) throw new Error(`closest(${selector}) is not supported by the stand-in DOM`);
    for (let node: FakeElement | null = this; node; node = node.parent) {
      if (node.tagName === m[1] && node.attributes.has(m[2])) return node;
    }
    return null;
  }
  querySelector(): null {
    return null;
  }
  /** Dispatches a bubbling event from this element. */
  dispatch(type: string, init: Record<string, unknown> = {}): void {
    const event = { type, target: this, defaultPrevented: false, preventDefault: () => (event.defaultPrevented = true), ...init };
    for (let node: FakeElement | null = this; node; node = node.parent) {
      for (const listener of node.listeners.get(type) ?? []) listener(event);
    }
  }
}

class FakePage {
  readonly storage = new Map<string, string>();
  readonly downloads: Array<{ name: string; blob: Blob }> = [];
  readonly confirmations: string[] = [];
  private readonly elements = new Map<string, FakeElement>();
  private readonly blobs = new Map<string, Blob>();

  private constructor(ids: string[]) {
    for (const id of ids) this.elements.set(id, new FakeElement('unknown'));
  }

  static async open(baseUrl: string): Promise<FakePage> {
    const html = await (await fetch(`${baseUrl}/admin`)).text();
    const js = await (await fetch(`${baseUrl}/admin/admin.js`)).text();
    const page = new FakePage([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]));
    const body = new FakeElement('body');
    const originalAppend = body.appendChild.bind(body);
    body.appendChild = (child: FakeElement) => {
      // A download link: remember what it would save.
      const href = child.getAttribute('href');
      if (child.tagName === 'a' && href && page.blobs.has(href)) {
        const save = child.click.bind(child);
        child.click = () => {
          save();
          page.downloads.push({ name: child.getAttribute('download') ?? '', blob: page.blobs.get(href)! });
        };
      }
      return originalAppend(child);
    };
    let blobSeq = 0;
    runInNewContext(js, {
      document: {
        readyState: 'complete',
        body,
        createElement: (tag: string) => new FakeElement(tag),
        getElementById: (id: string) => page.byId(id),
        addEventListener: () => undefined,
      },
      window: { confirm: (text: string) => (page.confirmations.push(text), true) },
      sessionStorage: {
        getItem: (k: string) => page.storage.get(k) ?? null,
        setItem: (k: string, v: string) => void page.storage.set(k, String(v)),
        removeItem: (k: string) => void page.storage.delete(k),
      },
      fetch: (path: string, init: RequestInit) => {
        expect(path.startsWith('/admin/')).toBe(true);
        return fetch(new URL(path, baseUrl), init);
      },
      URL: {
        createObjectURL: (blob: Blob) => {
          const url = `blob:${baseUrl}/${++blobSeq}`;
          page.blobs.set(url, blob);
          return url;
        },
        revokeObjectURL: (url: string) => void page.blobs.delete(url),
      },
      URLSearchParams,
      // Unref'd: the page's 10 s blob revocation must not hold the test process open.
      setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms).unref(),
    });
    return page;
  }

  byId(id: string): FakeElement {
    const element = this.elements.get(id);
    if (!element) throw new Error(`admin.js asked for #${id}, which admin.html does not have`);
    return element;
  }
}
