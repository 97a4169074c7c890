/**
 * The panel's own look, scoped to `.sk-devtools` and kept low in specificity
 * (`:where`) so an app's CSS wins; colours come from `--sk-devtools-*`
 * custom properties with readable defaults in light and dark.
 */
export const DEVTOOLS_STYLES = `
:where(.sk-devtools){--sk-devtools-bg:#fff;--sk-devtools-fg:#1a1a1a;--sk-devtools-muted:#555;--sk-devtools-line:#c8c8c8;--sk-devtools-bad:#b00020;
font:12px/1.45 ui-monospace,SFMono-Regular,Menlo,monospace;color:var(--sk-devtools-fg);background:var(--sk-devtools-bg);
border:1px solid var(--sk-devtools-line);border-radius:6px;padding:8px 10px;max-height:720px;overflow:auto}
:where([data-theme="dark"]) :where(.sk-devtools){--sk-devtools-bg:#16181d;--sk-devtools-fg:#e8e8e8;--sk-devtools-muted:#b0b0b0;--sk-devtools-line:#444;--sk-devtools-bad:#ff8a80}
:where(.sk-devtools) h3{font-size:12px;margin:10px 0 4px;text-transform:uppercase;letter-spacing:.04em}
:where(.sk-devtools) ol{padding-left:2.6em;margin:4px 0}
:where(.sk-devtools-table){border-collapse:collapse;width:100%}
:where(.sk-devtools-table) :is(th,td){border-bottom:1px solid var(--sk-devtools-line);padding:2px 6px;text-align:left}
:where(.sk-devtools-time,.sk-devtools-empty,.sk-devtools-conversation){color:var(--sk-devtools-muted)}
:where(.sk-devtools-entry[data-kind="refused"]) strong{color:var(--sk-devtools-bad)}
:where(.sk-devtools-entry) details{display:inline-block;vertical-align:top;margin-left:.6em}
:where(.sk-devtools-entry) summary{cursor:pointer;color:var(--sk-devtools-muted)}
:where(.sk-devtools) pre{margin:2px 0;white-space:pre-wrap}
`;
