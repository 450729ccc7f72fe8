/**
 * The widget's stylesheet, injected into its shadow root: nothing leaks to the host page and
 * the host's CSS cannot reach in (`all: initial` also stops inherited fonts and colours).
 * Kept as a TS string so esbuild inlines it into the single webchat.js.
 */
export const CSS = `
:host{all:initial}
.cw-root{--cw-accent:#0b5394;--cw-bg:#fff;--cw-fg:#1b1b1b;--cw-muted:#5c5c5c;--cw-bubble:#eef2f7;
 font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--cw-fg);
 position:fixed;right:16px;bottom:16px;z-index:2147483000;display:flex;flex-direction:column;align-items:flex-end;gap:12px}
.cw-root *{box-sizing:border-box}
.cw-name{font-size:.75em;font-weight:600;opacity:.75;margin-bottom:2px}
.cw-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
[hidden]{display:none!important}
button{font:inherit;cursor:pointer}
:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}
.cw-launcher{width:60px;height:60px;border-radius:50%;border:0;background:var(--cw-accent);color:#fff;
 box-shadow:0 4px 14px rgba(0,0,0,.25);display:grid;place-items:center}
.cw-launcher{position:relative}
.cw-unread::after{content:"";position:absolute;top:4px;right:4px;width:14px;height:14px;border-radius:50%;background:#d4351c;border:2px solid #fff}
.cw-launcher svg{width:28px;height:28px;fill:currentColor}
.cw-panel{width:min(380px,calc(100vw - 32px));height:min(600px,calc(100vh - 110px));background:var(--cw-bg);
 border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.25);display:flex;flex-direction:column;overflow:hidden}
.cw-header{display:flex;align-items:center;justify-content:space-between;padding:10px 8px 10px 16px;
 background:var(--cw-accent);color:#fff}
.cw-title{margin:0;font-size:16px;font-weight:600}
.cw-header .cw-icon{color:#fff}
.cw-status{padding:6px 16px;font-size:13px;background:#fff4ce;color:#4a3b00}
.cw-body{flex:1;display:flex;flex-direction:column;min-height:0}
.cw-log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;overscroll-behavior:contain}
.cw-msg{max-width:85%;padding:8px 12px;border-radius:14px;background:var(--cw-bubble);word-wrap:break-word;
 overflow-wrap:anywhere;display:flex;flex-direction:column;gap:6px}
.cw-bot{align-self:flex-start;border-bottom-left-radius:4px}
.cw-user{align-self:flex-end;background:var(--cw-accent);color:#fff;border-bottom-right-radius:4px}
.cw-user a{color:#fff}
.cw-pending{opacity:.65}
.cw-failed{outline:2px solid #b00020}
.cw-error{font-size:13px}
.cw-retry{background:none;border:0;color:inherit;text-decoration:underline;padding:0}
.cw-notice{align-self:center;font-size:13px;color:var(--cw-muted);text-align:center}
.cw-img{max-width:100%;max-height:240px;border-radius:8px;display:block}
.cw-card{display:flex;flex-direction:column;gap:6px}
.cw-card-sub{color:var(--cw-muted);font-size:13px}
.cw-card-actions,.cw-actions{display:flex;flex-wrap:wrap;gap:6px}
.cw-actions{padding:0 12px 8px;justify-content:flex-end}
.cw-action{border:1px solid var(--cw-accent);color:var(--cw-accent);background:#fff;border-radius:16px;padding:5px 12px}
.cw-action:hover{background:var(--cw-bubble)}
.cw-typing{padding:0 16px 6px;height:22px}
.cw-dots i{display:inline-block;width:7px;height:7px;margin-right:3px;border-radius:50%;background:var(--cw-muted);
 animation:cw-blink 1.2s infinite}
.cw-dots i:nth-child(2){animation-delay:.2s}.cw-dots i:nth-child(3){animation-delay:.4s}
@keyframes cw-blink{0%,80%,100%{opacity:.25}40%{opacity:1}}
.cw-composer{display:flex;align-items:center;gap:4px;padding:8px;border-top:1px solid #ddd}
.cw-input{flex:1;min-width:0;font:inherit;padding:9px 12px;border:1px solid #999;border-radius:20px;color:var(--cw-fg);background:#fff}
.cw-icon{width:40px;height:40px;flex:none;border:0;border-radius:50%;background:none;color:var(--cw-accent);display:grid;place-items:center}
.cw-icon:hover{background:var(--cw-bubble)}
.cw-header .cw-icon:hover{background:rgba(255,255,255,.15)}
.cw-icon svg{width:22px;height:22px;fill:currentColor}
@media (max-width:480px){
 .cw-root.cw-open{inset:0;gap:0}
 .cw-open .cw-panel{width:100vw;height:100%;border-radius:0}
 .cw-open .cw-launcher{display:none}
 .cw-input{font-size:16px}
}
@media (prefers-reduced-motion:reduce){.cw-dots i{animation:none}}
`;
