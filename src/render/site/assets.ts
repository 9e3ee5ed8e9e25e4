/** Static assets of the site: the stylesheet and the search script (our own code, no rule data). */

export const STYLE_CSS = `
:root{--fg:#1d2430;--muted:#5b6575;--line:#d9dee6;--bg:#fff;--accent:#0b5cad;--code:#f4f6f9}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header.top{display:flex;gap:1.5em;align-items:center;padding:.6em 1.2em;border-bottom:1px solid var(--line);background:#f7f9fc}
header.top .brand{font-weight:700;font-size:1.1em;color:var(--fg);text-decoration:none}
header.top nav a{margin-right:1em}
main{padding:1em 1.2em;max-width:1400px}
footer{padding:1em 1.2em;color:var(--muted);font-size:.85em;border-top:1px solid var(--line)}
a{color:var(--accent)}
h1{font-size:1.5em;margin:.3em 0}
h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid var(--line);padding-bottom:.2em}
h3{font-size:1.05em;margin-top:1.2em}
.muted{color:var(--muted)}
.note{color:var(--muted);max-width:70em}
table{border-collapse:collapse;margin:.5em 0}
th,td{border:1px solid var(--line);padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#f2f4f8}
td.n{text-align:right;font-variant-numeric:tabular-nums}
code,pre,.v{font-family:ui-monospace,SFMono-Regular,Consolas,monospace;font-size:.92em}
.v{background:var(--code);padding:0 .25em;border-radius:3px;white-space:pre-wrap;word-break:break-all}
pre{background:var(--code);padding:.7em;overflow:auto;max-height:40em;white-space:pre-wrap;word-break:break-word}
details>summary{cursor:pointer}
details ul{margin:.3em 0 .3em 1em;padding-left:1em}
.tag{display:inline-block;padding:0 .4em;margin:0 .2em .2em 0;border:1px solid var(--line);border-radius:3px;background:#f7f9fc;font-size:.9em}
.warn{color:#9a4b00}
.err{color:#b00020}
.matrix{display:flex;gap:4px;overflow-x:auto;align-items:flex-start;padding-bottom:.5em}
.col{min-width:140px;max-width:170px;flex:1 0 140px}
.col h3{font-size:.85em;margin:0 0 4px;padding:.3em;background:#eef1f6;border:1px solid var(--line)}
.col h3 .muted{font-weight:400}
.cell{display:block;border:1px solid var(--line);margin-bottom:3px;padding:.2em .3em;font-size:.8em;color:var(--fg);text-decoration:none}
.cell .cnt{float:right;font-weight:700}
.cell .vend{display:block;color:#3a4453;font-size:.9em}
details.subs{margin:-2px 0 4px 6px;font-size:.78em}
details.subs .cell{font-size:1em}
.h0{background:#fff;color:#7a8494}.h1{background:#fff1e0}.h2{background:#ffd9a8}.h3{background:#ffb366}.h4{background:#f48b3a}.h5{background:#e6550d;color:#fff}
.h5 .vend{color:#fff}
#search input{width:100%;max-width:40em;font-size:1.05em;padding:.4em .6em}
#results h3{margin:.8em 0 .2em}
#results ol{margin:.2em 0;padding-left:1.6em}
.pager a,.pager strong{margin-right:.4em}
.legend span{display:inline-block;padding:0 .6em;border:1px solid var(--line);margin-right:2px}
`;

/**
 * The search box: plain DOM building with textContent (never innerHTML), links
 * made only from catalog slugs (safe characters), data from
 * assets/search-data.js (works from file://, no fetch). The data script is
 * added only when the search box is first used, so the index page loads fast.
 */
export const SEARCH_JS = `(function () {
  'use strict';
  var box = document.getElementById('q');
  var out = document.getElementById('results');
  if (!box || !out) return;
  var D, T, R, F, V, loading = false, timer = 0;
  function load() {
    if (D || loading) return;
    loading = true;
    var s = document.createElement('script');
    s.src = 'assets/search-data.js';
    s.onload = function () { init(); run(); };
    s.onerror = function () { out.textContent = 'The search index (assets/search-data.js) could not be loaded.'; };
    document.head.appendChild(s);
  }
  function init() {
  D = window.RULEATLAS_SEARCH;
  T = D.t.map(function (x) { return { h: (x[0] + ' ' + x[1]).toLowerCase(), x: x }; });
  R = D.r.map(function (x) { return { h: (x[0] + ' ' + x[3] + ' ' + x[1]).toLowerCase(), x: x }; });
  F = D.f.map(function (x) { return { h: String(x[0]).toLowerCase(), x: x }; });
  V = D.v.map(function (x) { var f = D.f[x[0]]; return { h: (f[0] + ' ' + x[2]).toLowerCase(), x: x }; });
  }
  var LIMIT = 50;
  function el(tag, text, cls) { var e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; }
  function rules(n) { return n + (n === 1 ? ' rule' : ' rules'); }
  function link(href, text) { var a = el('a', text); a.setAttribute('href', href); return a; }
  function find(list, terms) {
    var hits = [], total = 0;
    for (var i = 0; i < list.length; i++) {
      var h = list[i].h, ok = true;
      for (var j = 0; j < terms.length; j++) if (h.indexOf(terms[j]) < 0) { ok = false; break; }
      if (ok) { total++; if (hits.length < LIMIT) hits.push(list[i].x); }
    }
    return { hits: hits, total: total };
  }
  function section(title, res, render) {
    if (!res.total) return;
    out.appendChild(el('h3', title + ' (' + res.total + (res.total > res.hits.length ? ', first ' + res.hits.length : '') + ')'));
    var ol = el('ol');
    res.hits.forEach(function (x) { var li = el('li'); render(li, x); ol.appendChild(li); });
    out.appendChild(ol);
  }
  function run() {
    if (!D) { load(); return; }
    var q = box.value.trim().toLowerCase();
    while (out.firstChild) out.removeChild(out.firstChild);
    if (q.length < 2) return;
    var terms = q.split(/\\s+/);
    var t = find(T, terms), r = find(R, terms), f = find(F, terms), v = find(V, terms);
    if (!t.total && !r.total && !f.total && !v.total) { out.appendChild(el('p', 'No match.', 'muted')); return; }
    section('Techniques', t, function (li, x) { li.appendChild(link('techniques/' + x[2] + '.html', x[0])); li.appendChild(document.createTextNode(' ' + x[1] + ' \\u2014 ' + rules(x[3]))); });
    section('Rules', r, function (li, x) { li.appendChild(link('rules/' + x[2] + '.html', x[0])); li.appendChild(el('span', ' ' + x[1], 'muted')); });
    section('Fields', f, function (li, x) { li.appendChild(link('fields/' + x[1] + '.html', x[0])); li.appendChild(document.createTextNode(' \\u2014 ' + rules(x[2]))); });
    section('Field values', v, function (li, x) {
      var fl = D.f[x[0]];
      var pg = Math.floor(x[4] / D.p) + 1;
      li.appendChild(link('fields/' + fl[1] + (pg > 1 ? '~' + pg : '') + '.html#v' + x[4], fl[0]));
      li.appendChild(document.createTextNode(' ' + x[1] + ' '));
      li.appendChild(el('span', x[2], 'v'));
      li.appendChild(document.createTextNode(' \\u2014 ' + rules(x[3])));
    });
  }
  box.addEventListener('focus', load);
  box.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(run, 120); });
  var m = /[?&]q=([^&]*)/.exec(location.search);
  if (m) { try { box.value = decodeURIComponent(m[1].replace(/\\+/g, ' ')); } catch (e) {} run(); }
  else if (box.value) run();
})();
`;
