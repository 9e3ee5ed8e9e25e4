import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SlugAllocator, sanitizeSlug } from '../../src/catalog/slug.js';
import { escapeHtml, html, jsonForScript, safeHttpUrl, trusted } from '../../src/render/escape.js';

const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

describe('HTML escaping', () => {
  it('escapes every markup character and round-trips', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const e = escapeHtml(s);
        expect(e).not.toMatch(/[<>"']/);
        expect(unescape(e)).toBe(s);
      }),
    );
  });

  it('the html template escapes interpolations (arrays too) but not its own markup', () => {
    const v = `<script>"x" & 'y'</script>`;
    expect(html`<p title="${v}">${[v, 1, null, false, html`<b>${v}</b>`]}</p>`.value).toBe(
      '<p title="&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;">&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;1<b>&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;</b></p>',
    );
    expect(html`${trusted('<i>ok</i>')}`.value).toBe('<i>ok</i>');
  });

  it('only absolute http(s) URLs become links', () => {
    expect(safeHttpUrl('https://attack.mitre.org/techniques/T1059/')).toBe('https://attack.mitre.org/techniques/T1059/');
    expect(safeHttpUrl(' HTTP://example.org ')).toBe('http://example.org/');
    for (const u of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'data:text/html,x', '//evil.example', '/etc/passwd', 'vbscript:x', 'https://', 'file:///etc/passwd']) {
      expect(safeHttpUrl(u)).toBeNull();
    }
  });

  it('JSON for scripts never closes the script element and parses back', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const j = jsonForScript({ s, t: '</script><!--' + s });
        expect(j).not.toMatch(/[<>&\u2028\u2029]/);
        expect(JSON.parse(j)).toEqual({ s, t: '</script><!--' + s });
      }),
    );
  });
});

describe('file-name slugs', () => {
  it('are made of safe characters and never start with a dot', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const slug = sanitizeSlug(s);
        expect(slug).toMatch(/^([A-Za-z0-9_][A-Za-z0-9._-]*)?$/);
        expect(slug.length).toBeLessThanOrEqual(81);
      }),
    );
  });

  it('are unique case-insensitively and stable', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 40 }), (ids) => {
        const a = new SlugAllocator(['index']);
        const slugs = ids.map((id, i) => a.allocate(id, `${id}#${i}`));
        expect(new Set(slugs.map((s) => s.toLowerCase())).size).toBe(slugs.length);
        expect(slugs).not.toContain('index');
        for (const s of slugs) expect(s).toMatch(/^[A-Za-z0-9_][A-Za-z0-9._-]*$/);
        const b = new SlugAllocator(['index']);
        expect(ids.map((id, i) => b.allocate(id, `${id}#${i}`))).toEqual(slugs);
      }),
    );
    const a = new SlugAllocator();
    expect(a.allocate('T1059.001', 'x')).toBe('T1059.001');
    expect(a.allocate('t1059.001', 'y')).toMatch(/^t1059\.001-[0-9a-f]{8}$/);
    expect(a.allocate('../../etc/passwd', 'z')).toMatch(/^etc_passwd-[0-9a-f]{8}$/);
    expect(a.allocate('aux', 'w')).toMatch(/^_aux-[0-9a-f]{8}$/);
  });
});
