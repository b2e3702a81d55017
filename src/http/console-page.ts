// The console's page and style sheet, shipped in the package as strings (no build step, no CDN). The
// page loads one script from this listener (console-app.ts); its Content-Security-Policy allows
// nothing else: no inline script, no other origin.
export const CONSOLE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export const CONSOLE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>minikafka console</title>
<link rel="stylesheet" href="/console/app.css">
<script src="/console/app.js" defer></script>
</head>
<body>
<header>
  <a class="brand" href="#/">minikafka</a>
  <nav>
    <a href="#/" data-nav="overview">Overview</a>
    <a href="#/topics" data-nav="topics">Topics</a>
    <a href="#/groups" data-nav="groups">Consumer groups</a>
  </nav>
  <span id="live" title="refreshes every 2 s"></span>
</header>
<div id="notice" role="status" hidden></div>
<main id="main"><p>Loading…</p><noscript>The console needs JavaScript.</noscript></main>
</body>
</html>
`;

export const CONSOLE_CSS = `
:root { --fg: #1d2430; --muted: #5b6574; --line: #d9dee5; --bg: #f6f7f9; --accent: #2357c6; --bad: #b3261e; --ok: #1b7a3a; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; align-items: center; gap: 24px; padding: 10px 20px; background: #101826; color: #fff; }
header a { color: #cfd8e6; text-decoration: none; margin-right: 16px; }
header a.active, header a:hover { color: #fff; }
header .brand { font-weight: 700; color: #fff; font-size: 16px; }
#live { margin-left: auto; font-size: 12px; color: #9fb0c8; }
main { padding: 16px 20px 40px; max-width: 1280px; }
h1 { font-size: 20px; margin: 4px 0 12px; }
h2 { font-size: 16px; margin: 22px 0 8px; }
section.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 12px 16px; margin-bottom: 14px; }
.stats { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 10px; }
.stat { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
.stat .label { color: var(--muted); font-size: 12px; }
.stat .value { font-size: 20px; font-weight: 600; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
form.inline { display: flex; flex-wrap: wrap; gap: 8px; align-items: flex-end; }
label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); gap: 2px; }
input, select, textarea, button { font: inherit; padding: 5px 8px; border: 1px solid var(--line); border-radius: 4px; background: #fff; color: var(--fg); }
textarea { min-width: 320px; min-height: 60px; font-family: ui-monospace, Menlo, Consolas, monospace; }
button { background: var(--accent); color: #fff; border-color: var(--accent); cursor: pointer; }
button.secondary { background: #fff; color: var(--accent); }
button.danger { background: var(--bad); border-color: var(--bad); }
pre { margin: 0; white-space: pre-wrap; word-break: break-all; font: 12px/1.4 ui-monospace, Menlo, Consolas, monospace; max-height: 320px; overflow: auto; }
.muted { color: var(--muted); }
.tag { display: inline-block; padding: 0 6px; border-radius: 3px; background: #e8edf5; font-size: 12px; }
#notice { margin: 10px 20px 0; padding: 8px 12px; border-radius: 4px; }
#notice.error { background: #fde8e7; color: var(--bad); border: 1px solid #f3b9b5; }
#notice.ok { background: #e6f4ea; color: var(--ok); border: 1px solid #b6dfc1; }
tr.record td { font-size: 13px; }
.lag-high { color: var(--bad); font-weight: 600; }
`;
