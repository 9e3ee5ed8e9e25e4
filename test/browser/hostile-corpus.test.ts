/**
 * The catalog built from the hostile corpus (test/security/hostile-corpus.ts,
 * plus rules whose titles, ids, values and references are script injections
 * and path tricks), through the real loader and writer, opened in headless
 * Chromium: every page loads, nothing runs, nothing is written outside the
 * output folder.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildFromPaths } from '../../src/pipeline.js';
import { hostileCorpus } from '../security/hostile-corpus.js';
import { type Browser, describeBrowser, launch } from './chromium.js';

const XSS = `<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">"'\``;

function injectionRules(): Array<{ path: string; content: string }> {
  return [
    {
      path: 'xss/sigma.yml',
      content: `title: 'Sigma ${XSS.replace(/'/g, "''")}'\nid: ../../../../tmp/ruleatlas-pwn\ndescription: '${XSS.replace(/'/g, "''")}'\nreferences:\n  - javascript:window.__pwned=3\n  - https://example.org/ok\nlogsource:\n  product: windows\n  category: process_creation\ndetection:\n  sel:\n    Image|endswith: '\\${XSS.replace(/'/g, "''")}'\n    '${'<b onmouseover=x>'}': '${XSS.replace(/'/g, "''")}'\n  filter_main:\n    User: '</script><script>window.__pwned=4</script>'\n  condition: sel and not filter_main\ntags:\n  - attack.execution\n  - attack.t1059.001\n`,
    },
    {
      path: 'xss/elastic.toml',
      content: `[rule]\nname = "Elastic ${XSS.replace(/"/g, '\\"')}"\nrule_id = "../../evil"\ntype = "query"\nlanguage = "kuery"\ndescription = "${XSS.replace(/"/g, '\\"')}"\nreferences = ["javascript:window.__pwned=5"]\nquery = '''\nprocess.name : "${XSS.replace(/"/g, '\\"')}" and not user.name : "</script>"\n'''\n[[rule.threat]]\nframework = "MITRE ATT&CK"\n[[rule.threat.technique]]\nid = "T1059"\nname = "x"\nreference = "x"\n[rule.threat.tactic]\nid = "TA0002"\nname = "Execution"\nreference = "x"\n`,
    },
    {
      path: 'xss/splunk.yml',
      content: `name: 'Splunk ${XSS.replace(/'/g, "''")}'\nid: ..\\..\\evil\ntype: TTP\nstatus: production\ndescription: x\nsearch: 'index=main process_name="${XSS.replace(/'/g, "''").replace(/"/g, '\\"')}" NOT user="</script>"'\ntags:\n  mitre_attack_id:\n  - T1059.001\n`,
    },
  ];
}

describeBrowser('the catalog of the hostile corpus in headless Chromium', () => {
  let dir: string;
  let out: string;
  let browser: Browser;
  const incidents: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ruleatlas-hostile-site-'));
    const src = join(dir, 'rules');
    out = join(dir, 'deep', 'out');
    for (const f of [...hostileCorpus(), ...injectionRules()]) {
      const p = join(src, f.path);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, f.content);
    }
    await buildFromPaths([src], { out, workers: 0 });
    browser = await launch();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function files(d: string): string[] {
    return readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(d, e.name)) : [join(d, e.name)]));
  }

  it('writes nothing outside the output folder', () => {
    const all = files(dir).map((f) => relative(dir, f));
    expect(all.filter((f) => !f.startsWith('rules') && !f.startsWith(join('deep', 'out')))).toEqual([]);
  });

  it('renders every page as text, with no script run and no broken page', async () => {
    const all = files(out).filter((f) => f.endsWith('.html'));
    expect(all.length).toBeGreaterThan(10);
    // Every page but the field-value pages, which repeat the same rendering many times over.
    const pages = all.filter((f) => !f.includes(`${join(out, 'fields')}`)).concat(all.filter((f) => f.includes(join(out, 'fields'))).slice(0, 15));
    const page = await browser.context.newPage();
    page.on('dialog', (d) => {
      incidents.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    page.on('pageerror', (e) => incidents.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) incidents.push(`console: ${m.text()}`);
    });
    for (const p of pages) {
      const res = await page.goto(pathToFileURL(p).href);
      expect(res?.ok() ?? true, p).toBe(true);
      expect(await page.evaluate('typeof window.__pwned'), p).toBe('undefined');
      expect(await page.locator('a[href^="javascript:" i]').count(), p).toBe(0);
      expect(await page.locator('h1').count(), p).toBeGreaterThan(0);
    }
    expect(incidents).toEqual([]);
  });

  it('shows the hostile strings literally', async () => {
    const page = await browser.context.newPage();
    await page.goto(pathToFileURL(join(out, 'index.html')).href);
    await page.fill('input[type="search"]', 'Sigma <script>');
    await page.waitForTimeout(300);
    const text = (await page.locator('body').textContent()) ?? '';
    expect(text).toContain('Sigma <script>window.__pwned=1</script>');
    expect(await page.evaluate('typeof window.__pwned')).toBe('undefined');
  });
});
