/**
 * The static site in real headless Chromium, from file:// with the network
 * off: index, technique, rule and field pages render; the search box finds a
 * rule; expanding an indicator shows its rules; hostile titles, values, ids
 * and links render as text, with no script run (no dialog, the sentinel
 * global stays unset, no page error, no CSP violation: nothing even tried).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { field, or, predicate } from '../../src/ast/build.js';
import { buildCatalog } from '../../src/catalog/build.js';
import type { Catalog } from '../../src/catalog/schema.js';
import { writeCatalog } from '../../src/render/write.js';
import { ATTACK, EVENTS, makeRule, smallCorpus } from '../catalog/fixtures.js';
import { XSS_FIELD, XSS_TITLE, XSS_VALUE, hostileRules } from '../render/hostile.js';
import { type Browser, describeBrowser, launch } from './chromium.js';

describeBrowser('static site in headless Chromium', () => {
  let dir: string;
  let out: string;
  let browser: Browser;
  let catalog: Catalog;
  const incidents: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ruleatlas-site-'));
    out = join(dir, 'site', 'out');
    // 600 distinct values on one field: its values span two field pages.
    const many = makeRule({
      id: 'many-values',
      title: 'Many values',
      vendor: 'splunk',
      language: 'spl',
      filter: or(Array.from({ length: 600 }, (_, i) => predicate(field('many.values', 'many.values'), 'eq', `zzvalue-${String(i).padStart(4, '0')}`))),
    });
    catalog = buildCatalog([...smallCorpus(), ...hostileRules(), many], { attack: ATTACK, events: EVENTS, corpus: { files: 12, failures: 1 } });
    await writeCatalog(catalog, out);
    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Open a page of the site and watch for anything a script injection would cause. */
  async function open(rel: string): Promise<Page> {
    const page = await browser.context.newPage();
    page.on('dialog', (d) => {
      incidents.push(`dialog on ${rel}: ${d.message()}`);
      void d.dismiss();
    });
    page.on('pageerror', (e) => incidents.push(`page error on ${rel}: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) incidents.push(`console on ${rel}: ${m.text()}`);
    });
    await page.goto(pathToFileURL(join(out, rel)).href);
    return page;
  }

  async function assertClean(page: Page): Promise<void> {
    expect(await page.evaluate('typeof window.__pwned')).toBe('undefined');
    expect(await page.locator('a[href^="javascript:" i], a[href^="data:" i], iframe, svg, img').count()).toBe(0);
    expect(incidents).toEqual([]);
  }

  const hostileRule = () => catalog.rules.find((r) => r.title === XSS_TITLE)!;

  it('renders the index: matrix heat map and corpus summary', async () => {
    const page = await open('index.html');
    expect(await page.locator('h1').textContent()).toBe('Detection rules by ATT&CK technique');
    const cells = page.locator('.matrix .col');
    expect(await cells.count()).toBe(2);
    expect(await page.locator('.matrix a.cell', { hasText: 'T1114 Email Collection' }).textContent()).toContain('5');
    expect(await page.locator('#summary').textContent()).toContain('Parse failures');
    await assertClean(page);
    await page.close();
  });

  it('search finds a rule and its link opens the rule page', async () => {
    const page = await open('index.html');
    await page.fill('#q', 'mailbox export');
    const hit = page.locator('#results a', { hasText: 'Mailbox export via PowerShell cmdlet' });
    await hit.waitFor();
    await hit.click();
    await page.waitForURL(/rules\/sigma\/r1-sigma\.html$/);
    expect(await page.locator('h1').textContent()).toBe('Mailbox export via PowerShell cmdlet');
    await assertClean(page);
    await page.close();
  });

  it('search shows hostile titles and values as text', async () => {
    const page = await open('index.html');
    await page.fill('#q', 'pwned');
    await page.locator('#results h3', { hasText: 'Rules' }).waitFor();
    const text = (await page.locator('#results').textContent()) ?? '';
    expect(text).toContain(XSS_TITLE);
    expect(text).toContain(XSS_VALUE);
    await assertClean(page);
    await page.close();
  });

  it('search links a field value on the second values page of its field', async () => {
    const page = await open('index.html');
    await page.fill('#q', 'zzvalue-0599');
    const hit = page.locator('#results a', { hasText: 'many.values' });
    await hit.waitFor();
    expect(await hit.getAttribute('href')).toBe('fields/many.values~2.html#v599');
    await hit.click();
    await page.waitForURL(/many\.values~2\.html#v599$/);
    expect(await page.locator('tr#v599 .v').textContent()).toBe('zzvalue-0599');
    await assertClean(page);
    await page.close();
  });

  it('renders a technique page; expanding an indicator shows its rules', async () => {
    const page = await open('techniques/T1114.002.html');
    expect(await page.locator('h1').textContent()).toBe('Email Collection: Remote Email Collection T1114.002');
    const row = page.locator('table.values').first().locator('tr', { hasText: 'process.command_line' });
    const list = row.locator('details ul');
    expect(await list.isVisible()).toBe(false);
    await row.locator('summary').click();
    expect(await list.isVisible()).toBe(true);
    expect(await list.locator('li').allTextContents()).toEqual(['Exchange export (KQL) Elastic', 'Mailbox export via PowerShell cmdlet Sigma']);
    await assertClean(page);
    await page.close();
  });

  it('renders the hostile rule page as literal text, with no script run', async () => {
    const r = hostileRule();
    const page = await open(`rules/${r.key}.html`);
    expect(await page.locator('h1').textContent()).toBe(XSS_TITLE);
    expect(await page.title()).toBe(`${XSS_TITLE} · ruleatlas`);
    const body = (await page.locator('main').textContent()) ?? '';
    expect(body).toContain(XSS_VALUE);
    expect(body).toContain('javascript:window.__pwned=7');
    expect(body).toContain('Line one <iframe src="javascript:window.__pwned=9"></iframe>');
    // Only the http(s) reference is a link.
    const links = await page.locator('.meta a[rel~="noopener"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(links).toEqual(['https://example.org/ok?a=1&b=%222%22']);
    await assertClean(page);
    await page.close();
  });

  it('renders hostile technique, field and second-rule pages safely', async () => {
    const t = catalog.techniques.find((x) => x.id.includes('SCRIPT'))!;
    const f = catalog.fields.find((x) => x.field === XSS_FIELD)!;
    const r2 = catalog.rules.find((x) => x.id === 'CON')!;
    for (const rel of [`techniques/${t.slug}.html`, `fields/${f.slug}.html`, `rules/${r2.key}.html`, 'techniques/T1059.001.html', 'fields/index.html']) {
      const page = await open(rel);
      expect(await page.locator('h1').count()).toBe(1);
      await assertClean(page);
      await page.close();
    }
  });

  it('kept every file inside the output directory', () => {
    expect(existsSync(join(dir, 'etc'))).toBe(false);
    expect(existsSync(join(dir, 'site', 'etc'))).toBe(false);
    expect(readdirSync(join(out, 'rules', 'sigma')).sort()).toEqual(
      ['r1-sigma.html', 'r4-sigma.html', 'r5-sigma.html', ...catalog.rules.filter((r) => r.id === '../../etc/passwd').map((r) => `${r.slug}.html`)].sort(),
    );
  });
});
