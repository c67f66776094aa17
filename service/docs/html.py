"""The shell every documentation page shares: one stylesheet, no script, no external asset."""

from __future__ import annotations

import html
import json
from typing import Any

from service.versions import VERSIONS

STYLE = """
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#0b0c0c;
background:#fff}
a{color:#1d70b8}a:visited{color:#4c2c92}a:hover{color:#003078}
code,pre,.f{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;font-size:.875rem}
header{background:#0b0c0c;color:#fff;padding:.75rem 1.5rem;display:flex;flex-wrap:wrap;
align-items:baseline;gap:.5rem 1.5rem}
header a,header a:visited{color:#fff}header .t{font-weight:700;font-size:1.1rem;margin-right:1rem}
header .cur{text-decoration:none;border-bottom:3px solid #ffdd00}
.wrap{display:flex;max-width:90rem;margin:0 auto}
aside{flex:0 0 19rem;padding:1.25rem 1rem;border-right:1px solid #e5e6e7;position:sticky;top:0;
align-self:flex-start;max-height:100vh;overflow:auto;font-size:.9rem}
aside ul{list-style:none;margin:0 0 1rem;padding:0}aside li{margin:.15rem 0;white-space:nowrap;
overflow:hidden;text-overflow:ellipsis}aside li a{text-decoration:none}
aside li a:hover{text-decoration:underline}
aside .m{min-width:3.3rem;font-size:.68rem;padding:0 .3rem;margin-right:.35rem;vertical-align:1px}
aside .p{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.78rem}
aside h2{font-size:.8rem;text-transform:uppercase;letter-spacing:.05em;color:#505a5f;
margin:1rem 0 .4rem}
main{flex:1;min-width:0;padding:1.25rem 2rem 4rem}
h1{font-size:2rem;margin:.25rem 0 .75rem}h2{font-size:1.5rem;margin:2.5rem 0 .75rem;
padding-top:.5rem;border-top:1px solid #e5e6e7}h3{font-size:1.15rem;margin:1.5rem 0 .5rem}
h4{font-size:1rem;margin:1.25rem 0 .4rem}
.lead{font-size:1.1rem;color:#383f43;max-width:48rem}
section.op{margin:2rem 0;padding:1rem 1.25rem;border:1px solid #d8dadc;
border-left:6px solid #1d70b8;border-radius:4px}
section.op h2{border:0;margin:0 0 .25rem;padding:0;font-size:1.25rem;display:flex;gap:.75rem;
align-items:center;flex-wrap:wrap}
.m{display:inline-block;min-width:4.2rem;text-align:center;border-radius:3px;padding:.1rem .45rem;
font-size:.8rem;font-weight:700;color:#fff;background:#1d70b8}
.m.get{background:#00703c}.m.post{background:#1d70b8}.m.put,.m.patch{background:#f47738}
.m.delete{background:#d4351c}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.9rem}
th{background:#f3f2f1;font-weight:600}
td,th{border:1px solid #d8dadc;padding:.35rem .55rem;text-align:left;vertical-align:top}
td.f{white-space:nowrap}
.req{color:#d4351c;font-weight:600}.opt{color:#505a5f}
.st{font-weight:700;white-space:nowrap}.s4{color:#d4351c}.s2{color:#00703c}.s5{color:#6f72af}
pre{background:#f3f2f1;border:1px solid #d8dadc;border-radius:4px;padding:.75rem 1rem;overflow:auto;
max-height:32rem;margin:.4rem 0 1rem;white-space:pre}
.cols{display:grid;grid-template-columns:repeat(auto-fit,minmax(24rem,1fr));gap:0 1.5rem}
.cols>div{min-width:0}
.tag{text-decoration:none;display:inline-block;background:#e8f1f8;color:#0b0c0c;border-radius:3px;
padding:0 .35rem;
margin:.1rem .2rem .1rem 0;font-size:.8rem;white-space:nowrap}
.muted{color:#505a5f}ul.changes li{margin:.2rem 0}
details>summary{cursor:pointer;color:#1d70b8;margin:.25rem 0}
table.index{table-layout:fixed}table.index td:nth-child(4) .tag{font-size:.72rem}
table.index col.s{width:4.2rem}table.index col.k{width:11rem}table.index col.u{width:34%}
:target{scroll-margin-top:1rem}tr:target,li:target,code:target{background:#fff7bf}
"""


def esc(text: object) -> str:
    """Text set safely in HTML."""
    return html.escape(str(text))


def code(line: str) -> str:
    """A line with its `names` set as code."""
    parts = esc(line).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


def as_json(value: Any) -> str:
    """Pretty JSON for a code block."""
    return esc(json.dumps(value, indent=2, ensure_ascii=False))


def header(current: str) -> str:
    """The bar of every page: each version, the reference data and the changelog."""
    links = [
        f'<a href="/api-docs/{v}"{" class=cur" if v == current else ""}>{v}</a>' for v in VERSIONS
    ]
    for path, title in (("reference-data", "Reference data"), ("changelog", "Changelog")):
        cur = " class=cur" if path == current else ""
        links.append(f'<a href="/api-docs/{path}"{cur}>{title}</a>')
    return (
        '<header><a class=t href="/api-docs">Register trainee teachers API</a>'
        + "".join(links)
        + "</header>"
    )


def page(title: str, current: str, aside: str, main: str) -> bytes:
    """A whole page."""
    side = f"<aside>{aside}</aside>" if aside else ""
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width,initial-scale=1">'
        '<link rel=icon href="data:,">'
        f"<title>{esc(title)}</title><style>{STYLE}</style></head><body>"
        f"{header(current)}<div class=wrap>{side}<main>{main}</main></div></body></html>"
    ).encode()
