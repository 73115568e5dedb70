/** Inline stylesheet: the report is one file with no external resources. */
export const REPORT_CSS = `
:root { --fg:#111827; --muted:#6b7280; --line:#e5e7eb; --bg:#f8fafc; --card:#fff; --blue:#2563eb; --orange:#ea580c; --good:#15803d; --bad:#b91c1c; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--fg); font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif; }
main { max-width:1120px; margin:0 auto; padding:28px 24px 48px; }
header.top { display:flex; align-items:flex-start; justify-content:space-between; gap:16px; margin-bottom:20px; }
h1 { font-size:22px; margin:0 0 4px; }
h2 { font-size:16px; margin:0 0 12px; }
h3 { font-size:14px; margin:18px 0 8px; }
.sub { color:var(--muted); font-size:13px; }
.badge { font-weight:700; font-size:13px; letter-spacing:.04em; padding:8px 14px; border-radius:999px; white-space:nowrap; }
.badge.pass { background:#dcfce7; color:var(--good); border:1px solid #86efac; }
.badge.fail { background:#fee2e2; color:var(--bad); border:1px solid #fca5a5; }
.badge.none { background:#f3f4f6; color:var(--muted); border:1px solid var(--line); }
section.card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:18px 20px; margin-bottom:18px; }
.grid2 { display:grid; grid-template-columns:repeat(2,minmax(0,1fr)); gap:14px; }
.grid2 > figure { margin:0; border:1px solid var(--line); border-radius:8px; padding:6px; background:#fff; }
@media (max-width:800px) { .grid2 { grid-template-columns:1fr; } }
svg.chart { width:100%; height:auto; display:block; font-family:inherit; }
svg .chart-title { font-size:13px; font-weight:600; fill:var(--fg); }
svg .tick { font-size:10px; fill:var(--muted); }
svg .axis-label { font-size:11px; fill:#374151; }
svg .legend { font-size:11px; fill:#374151; }
svg .legend-box { fill:#fff; fill-opacity:.9; stroke:var(--line); }
svg .grid { stroke:var(--line); stroke-width:1; }
svg .plot-frame { fill:none; stroke:#d1d5db; }
svg .reference { stroke:#9ca3af; stroke-dasharray:4 4; stroke-width:1.2; }
table { border-collapse:collapse; width:100%; font-size:13px; }
th, td { text-align:left; padding:6px 10px; border-bottom:1px solid var(--line); vertical-align:top; }
th { color:var(--muted); font-weight:600; font-size:12px; text-transform:uppercase; letter-spacing:.03em; }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; }
tr.muted td { color:var(--muted); }
.better { color:var(--good); }
.worse { color:var(--bad); }
ul.gates { list-style:none; margin:0; padding:0; }
ul.gates li { padding:7px 10px; border-radius:6px; margin-bottom:6px; font-variant-numeric:tabular-nums; }
ul.gates li.pass { background:#f0fdf4; border-left:4px solid var(--good); }
ul.gates li.fail { background:#fef2f2; border-left:4px solid var(--bad); }
ul.gates li.note { background:#f8fafc; border-left:4px solid var(--muted); }
.gap { display:inline-block; margin-right:16px; font-size:13px; }
dl.meta { display:grid; grid-template-columns:max-content 1fr; gap:4px 18px; margin:0; }
dl.meta dt { color:var(--muted); }
dl.meta dd { margin:0; font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; font-size:12.5px; word-break:break-all; }
code, pre { font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; font-size:12.5px; }
.swatch { display:inline-block; width:10px; height:10px; border-radius:2px; margin-right:6px; vertical-align:baseline; }
footer { color:var(--muted); font-size:12px; text-align:center; margin-top:24px; }
@media print { body { background:#fff; } section.card { break-inside:avoid; } }
`;
