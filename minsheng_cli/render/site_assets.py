"""The style sheet and the two small scripts of the public progress site.

No web fonts, no CDN, no external URL: Chinese renders with the reader's system fonts
(the font list names the usual ones of Windows, macOS, Android and Linux).  The layout is
one column, narrow-screen first; long names wrap (``overflow-wrap: anywhere``) rather than
push the page wider than a phone.
"""

from __future__ import annotations

# The light colours are also what the browser test looks for in a screenshot.
LIGHT_COLOURS = {"red": "#d93025", "yellow": "#f2a900", "green": "#1e8e3e", "done": "#1a73e8"}

SITE_CSS = """\
*{box-sizing:border-box}
[hidden]{display:none!important}
html{-webkit-text-size-adjust:100%}
body{margin:0;padding:0 12px 32px;color:#202124;background:#fff;line-height:1.5;
  font-family:system-ui,-apple-system,"PingFang SC","Hiragino Sans GB","Microsoft YaHei",
  "Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei",sans-serif;font-size:16px;
  overflow-wrap:anywhere}
header,main,footer,nav,form{max-width:960px;margin:0 auto}
body>nav{padding-top:8px}
h1{font-size:1.35rem;margin:16px 0 4px}
h2{font-size:1.1rem;margin:24px 0 8px;padding-bottom:4px;border-bottom:2px solid #dadce0}
h3{font-size:1rem;margin:16px 0 6px}
a{color:#1558b0}
.muted{color:#5f6368;font-size:.9rem}
.tally{display:flex;flex-wrap:wrap;gap:6px;padding:0;margin:8px 0;list-style:none}
.badge{display:inline-block;padding:0 8px;border-radius:10px;color:#fff;font-size:.85rem;
  white-space:nowrap}
.badge.light-yellow{color:#202124}
.light-red{background:#d93025}.light-yellow{background:#f2a900}
.light-green{background:#1e8e3e}.light-done{background:#1a73e8}
nav.items ul{display:flex;flex-wrap:wrap;gap:4px 12px;padding:0;margin:4px 0;list-style:none}
form.filters{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:8px auto;
  padding:8px;background:#f1f3f4;border-radius:8px}
form.filters label{display:flex;gap:4px;align-items:center;max-width:100%}
form.filters select{font:inherit;max-width:60vw}
ul.projects{list-style:none;padding:0;margin:0}
li.project{padding:10px 0;border-bottom:1px solid #eee}
li.project .name{font-weight:600}
.code{color:#5f6368;font-size:.85rem;margin-left:6px;white-space:nowrap}
.bar{position:relative;height:14px;margin:6px 0 4px;background:#e8eaed;border-radius:7px}
.bar .fill{position:absolute;left:0;top:0;bottom:0;border-radius:7px;max-width:100%}
.bar .mark{position:absolute;top:-4px;bottom:-4px;width:3px;margin-left:-1px;
  background:#202124;border-radius:1px}
.nums{margin:2px 0;font-size:.92rem}
.meta{margin:0;color:#5f6368;font-size:.9rem}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 12px;margin:8px 0}
dl.facts dt{color:#5f6368}
dl.facts dd{margin:0;min-width:0}
figure.curve{margin:8px 0}
figure.curve svg{display:block;width:100%;max-width:640px;height:auto}
.key{display:flex;flex-wrap:wrap;gap:4px 16px;font-size:.9rem;color:#3c4043}
.key i{display:inline-block;width:18px;height:0;border-top:2px dashed #5f6368;
  vertical-align:middle;margin-right:4px}
.key i.solid{border-top:3px solid #202124}
table{border-collapse:collapse;font-size:.92rem}
th,td{border:1px solid #dadce0;padding:2px 8px;text-align:left}
td.n{text-align:right}
blockquote{margin:8px 0;padding:6px 12px;border-left:4px solid #dadce0;background:#f8f9fa}
footer{margin-top:32px;color:#5f6368;font-size:.85rem}
@media (min-width:720px){body{padding:0 24px 40px}h1{font-size:1.6rem}}
"""

# Records whether anything sticks out beyond the right edge, so that a test reading the
# dumped DOM of a headless browser can tell (data-overflow, data-widest).
OVERFLOW_JS = """\
(function(){var d=document.documentElement;function check(){var w=d.clientWidth,widest=0;
document.querySelectorAll('body *').forEach(function(e){var r=e.getBoundingClientRect();
if(r.width&&r.right>widest)widest=r.right;});d.setAttribute('data-overflow',
(d.scrollWidth>w||widest>w+1)?'yes':'no');d.setAttribute('data-width',String(w));
d.setAttribute('data-widest',String(Math.round(widest)));}check();
window.addEventListener('load',check);window.addEventListener('resize',check);})();
"""

# Filters on the index: show the form (the page lists everything without JS), hide the
# projects that do not match, and the items left empty.  `#light=red&district=…` presets.
FILTER_JS = """\
(function(){var form=document.getElementById('filters');if(!form)return;form.hidden=false;
var selects=form.querySelectorAll('select'),shown=document.getElementById('shown');
function apply(){var want={};selects.forEach(function(s){if(s.value)want[s.name]=s.value;});
var n=0;document.querySelectorAll('li.project').forEach(function(li){var ok=true;
for(var k in want){if(li.getAttribute('data-'+k)!==want[k])ok=false;}li.hidden=!ok;
if(ok)n++;});document.querySelectorAll('section.item').forEach(function(s){
s.hidden=!s.querySelector('li.project:not([hidden])');});
if(shown)shown.textContent=shown.getAttribute('data-text').replace('{n}',n);}
location.hash.replace(/^#/,'').split('&').forEach(function(pair){var kv=pair.split('=');
selects.forEach(function(s){if(s.name===kv[0]&&kv[1]!==undefined){try{
s.value=decodeURIComponent(kv[1]);}catch(err){}}});});
selects.forEach(function(s){s.addEventListener('change',apply);});apply();})();
"""
