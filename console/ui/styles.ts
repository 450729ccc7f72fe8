/**
 * The console's stylesheet. The page serves it in a `<style>` element (the CSP allows inline
 * styles, never inline scripts), so the layout is there before the script runs.
 */
export const CSS = `
:root{--accent:#0b5394;--accent-d:#083d6e;--fg:#1b1b1b;--muted:#5c5c5c;--line:#d5d9de;--bg:#f4f6f8;--card:#fff;
 --hazard:#b3261e;--note:#fff6d6;--note-line:#c9a227;--ok:#1e7b34;--focus:#ffbf47;
 font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
*{box-sizing:border-box}
body{margin:0}
[hidden]{display:none!important}
h1,h2,h3{margin:0;line-height:1.25}
h1{font-size:17px}h2{font-size:15px}h3{font-size:13px;color:var(--muted);text-transform:uppercase;letter-spacing:.03em}
button,input,select,textarea{font:inherit;color:inherit}
button{cursor:pointer;border:1px solid var(--line);background:#fff;border-radius:6px;padding:6px 12px}
button:hover:not(:disabled){border-color:var(--accent)}
button:disabled{cursor:not-allowed;opacity:.55}
button.primary{background:var(--accent);border-color:var(--accent);color:#fff}
button.primary:hover:not(:disabled){background:var(--accent-d)}
button.danger{background:#fff;border-color:var(--hazard);color:var(--hazard);font-weight:600}
button.small{padding:3px 8px;font-size:13px}
button.icon{border:0;background:none;font-size:20px;line-height:1;padding:2px 8px}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
input,select,textarea{border:1px solid #8a9099;border-radius:6px;padding:6px 8px;background:#fff;width:100%}
textarea{resize:vertical}
fieldset{border:0;margin:0;padding:0;min-width:0}
fieldset:disabled{opacity:.7}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.muted{color:var(--muted)}
.error{color:var(--hazard);font-weight:600;margin:6px 0}
.row{display:flex;gap:8px;align-items:flex-end}
.row.end{justify-content:flex-end}
.grow{flex:1;min-width:0}
.field{display:flex;flex-direction:column;gap:3px;margin:6px 0}
.field-label{font-size:12px;font-weight:600;color:var(--muted)}
.check{display:inline-flex;gap:6px;align-items:center;margin:3px 12px 3px 0}
.check input{width:auto}
.checks legend{font-size:12px;font-weight:600;color:var(--muted)}
.card,.panel{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px}
.panel{margin:8px 0}
.badge{display:inline-block;font-size:12px;font-weight:700;border-radius:10px;padding:1px 8px}
.badge-hazard{background:var(--hazard);color:#fff}
.badge-unread{background:var(--accent);color:#fff}
.badge-late{background:#8a4b00;color:#fff}
.item.late,tr.late>th{border-left:4px solid #8a4b00}
.chan{display:inline-block;font-size:11px;font-weight:700;border-radius:4px;padding:1px 6px;background:#e3e7ec;color:#333}
.chan-whatsapp,.chan-whatsapp-cloud{background:#d8f5df;color:#0f5c24}
.chan-telegram{background:#dcefff;color:#0b4f85}
.chan-webchat{background:#ece3ff;color:#4b2a8c}
.st{font-weight:600}
.st-queued{color:#8a5300}.st-assigned{color:var(--ok)}.st-closed,.st-expired,.st-cancelled{color:var(--muted)}
.login-page{max-width:380px;margin:10vh auto;padding:0 16px}
.login-page .brand{color:var(--muted);margin:0 0 8px}
.login h1{margin-bottom:8px}
.login button{width:100%;margin-top:10px;padding:9px}
.notice{background:#fff4ce;padding:8px;border-radius:6px}
.app{display:flex;flex-direction:column;height:100vh}
.topbar{display:flex;gap:16px;align-items:center;padding:8px 16px;background:var(--accent);color:#fff;flex:none}
.topbar h1{flex:none}
.topbar .who{margin-left:auto}
/* The availability and alerts controls make the bar longer: it wraps rather than run past its background. */
.topbar{flex-wrap:wrap}
.topbar .field-label{color:#fff}
.topbar .field.inline{margin:0}
.topbar select{color:var(--fg);background:var(--card)}
.topbar button{background:transparent;color:#fff;border-color:rgba(255,255,255,.5)}
.search{position:relative;display:flex;gap:4px;align-items:center;flex:1 1 320px;max-width:480px}
.search-input{flex:1;min-width:0}
.search-results{position:absolute;top:100%;left:0;right:0;z-index:20;max-height:70vh;overflow-y:auto;background:#fff;color:#1a1a1a;border:1px solid #767676;border-radius:4px;padding:8px;box-shadow:0 4px 12px rgba(0,0,0,.2)}
.search-title{font-size:.9rem;margin:8px 0 4px}
.search-item{display:block;padding:6px;border-radius:4px;color:inherit}
a.search-item:hover,a.search-item:focus{background:#eef3fb}
.search-results .preview{display:block;color:#444}
.search-results button{color:#1a1a1a;border-color:#767676}
.tabs{display:flex;gap:4px}
.tabs [aria-selected=true]{background:#fff;color:var(--accent)}
.conn{font-size:12px;padding:2px 8px;border-radius:10px;background:rgba(255,255,255,.18)}
.conn.offline{background:#ffbf47;color:#222}
.attention{flex:1;min-height:0;display:grid;grid-template-columns:300px minmax(0,1fr) 330px}
.col{min-height:0;overflow-y:auto;padding:12px}
.col-left{border-right:1px solid var(--line);background:#fff}
.col-right{border-left:1px solid var(--line);background:#fff}
.col-mid{overflow:hidden;display:flex;flex-direction:column;padding:0}
.sidebar section{margin-bottom:18px}
.sidebar h2{margin-bottom:6px}
.sidebar .row{justify-content:space-between;align-items:center}
.team{margin-bottom:10px}
.team h3{margin:4px 0}
.list{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:6px}
.item{display:flex;flex-direction:column;gap:3px;width:100%;text-align:left;border:1px solid var(--line);border-radius:8px;padding:8px;background:#fff}
.item[aria-current=true]{border-color:var(--accent);box-shadow:inset 4px 0 0 var(--accent)}
.item.hazard{border-color:var(--hazard);box-shadow:inset 4px 0 0 var(--hazard)}
.item.unread .name{font-weight:700}
.item .line{display:flex;gap:6px;align-items:center;flex-wrap:wrap}
.item .pos{font-weight:700}
.item .team-name{color:var(--muted);font-size:12px}
.item .wait{margin-left:auto;font-variant-numeric:tabular-nums;font-size:12px}
.preview{color:var(--muted);font-size:13px;overflow:hidden;text-overflow:ellipsis;display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical;overflow-wrap:anywhere}
.live button{align-self:flex-start}
.count{color:var(--muted);font-weight:400}
.empty{margin:auto;color:var(--muted);padding:24px;text-align:center}
.conv{display:flex;flex-direction:column;height:100%;min-height:0}
.conv-body{display:flex;flex-direction:column;flex:1;min-height:0}
.conv-head{padding:10px 16px;border-bottom:1px solid var(--line);background:#fff}
.conv-head>.row{align-items:center;justify-content:space-between}
.conv-title{display:flex;gap:8px;align-items:center;flex-wrap:wrap}
.conv-meta{margin:4px 0}
.conv-notice{margin:4px 0;color:var(--muted)}
.conv-notice:empty{display:none}
.toolbar{display:flex;gap:6px;flex-wrap:wrap}
.summary-host{padding:0 16px;max-height:26vh;overflow-y:auto;flex:none;background:#fff;border-bottom:1px solid var(--line)}
.summary{padding:8px 0}
.summary>summary{font-weight:700;cursor:pointer}
.summary dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:6px 0}
.summary dt{font-weight:600;color:var(--muted)}
.summary dd{margin:0;overflow-wrap:anywhere;white-space:pre-wrap}
.correction{padding:4px 0 8px}
.correction>summary{cursor:pointer;color:var(--muted);font-size:13px}
.correction-form{display:flex;flex-wrap:wrap;align-items:flex-end;gap:0 10px}
.pics{display:flex;gap:6px;flex-wrap:wrap}
.pic{max-height:120px;max-width:180px;border-radius:6px;display:block;border:1px solid var(--line)}
.ticket-photos{display:flex;gap:8px;flex-wrap:wrap;border:0;padding:0;margin:6px 0}.pic-choice{display:flex;gap:4px;align-items:flex-start}
.transcript{flex:1;min-height:120px;overflow-y:auto;padding:12px 16px;display:flex;flex-direction:column;gap:8px}
.msg{max-width:75%;padding:6px 10px;border-radius:10px;background:#fff;border:1px solid var(--line);overflow-wrap:anywhere}
.msg-in{align-self:flex-start;border-bottom-left-radius:2px}
.msg-out{align-self:flex-end;border-bottom-right-radius:2px}
.msg-bot{background:#eef2f7}
.msg-agent{background:#e1ecf8;border-color:#b8cde6}
.msg-meta{font-size:12px;color:var(--muted)}
.msg-meta .who{font-weight:700}
.msg-text{margin:2px 0;white-space:pre-wrap}
.msg-loc{margin:4px 0}
.note{align-self:stretch;background:var(--note);border:1px dashed var(--note-line);border-left:5px solid var(--note-line);border-radius:6px;padding:6px 10px}
.note-head{font-size:12px}
.note-text{margin:2px 0;white-space:pre-wrap;overflow-wrap:anywhere}
.event{align-self:center;font-size:12px;color:var(--muted);text-align:center;max-width:90%}
.event-note{display:block;font-style:italic}
.typing{margin:0;padding:0 16px;min-height:20px;font-size:12px}
.composer-area{border-top:1px solid var(--line);background:#fff;padding:8px 16px}
.field.inline{flex-direction:row;align-items:center;gap:8px;margin:4px 0}
.field.inline .field-label{white-space:nowrap}
.field.inline select{width:auto;max-width:280px}
.tools{align-items:center;justify-content:space-between;flex-wrap:wrap}
.note-form .field-label{color:#6b5200}
.composer textarea{min-height:56px;display:block}
.note-form textarea{background:var(--note);min-height:34px}
.hint{margin:0;font-size:12px}
.combo{position:relative}.canned-list{position:absolute;left:0;right:0;bottom:100%;z-index:5;background:#fff;border:1px solid #8a9099;border-radius:6px;max-height:220px;overflow-y:auto;padding:4px;list-style:none;margin:0}
.canned-list [role=option]{padding:4px 8px;border-radius:4px;cursor:pointer}.canned-list [aria-selected=true]{background:var(--accent);color:#fff}
.skip{position:absolute;left:8px;top:-48px;z-index:20;background:#fff;padding:6px 10px;border:2px solid var(--accent)}.skip:focus{top:8px}
dialog.shortcuts{border:1px solid var(--line);border-radius:8px;max-width:440px}dialog.shortcuts dl .row{gap:12px;margin:4px 0}dialog.shortcuts dt{min-width:48px}dialog.shortcuts dd{margin:0}
kbd{border:1px solid #8a9099;border-radius:4px;padding:0 6px;font-family:inherit;background:#f4f5f7}
.ticket-panel,.citizen{margin-bottom:16px}
.ticket-panel h2,.citizen h2{margin-bottom:6px}
.ticket-panel h3{margin-top:10px}
.linked{font-weight:700;color:var(--ok)}
.citizen-name{font-weight:700;margin:4px 0 8px}
.block{margin-bottom:12px}
.block h3{margin-bottom:4px}
.plain{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:6px}
.plain .current{font-weight:700}
.ticket{border:1px solid var(--line);border-radius:6px;padding:6px 8px}
.ticket .desc{overflow-wrap:anywhere}
.tstatus{font-size:12px;background:#e3e7ec;border-radius:4px;padding:0 6px}
.view{flex:1;overflow-y:auto;padding:16px 24px}
.view>.row{justify-content:space-between;align-items:center;margin-bottom:8px}
.view .panel{max-width:640px}
.item .name{font-weight:600;overflow-wrap:anywhere}
.item .reason{font-size:12px}
table{border-collapse:collapse;width:100%;margin:12px 0;background:#fff}
caption{text-align:left;font-weight:700;padding:4px 0}
th,td{border:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
thead th{background:#eef2f7}
.history-filters{display:flex;flex-wrap:wrap;gap:4px 12px;align-items:flex-end}
.history-filters select,.history-filters input{width:auto}
.stats-block{margin:18px 0;max-width:960px}.stats-chart{position:relative;height:220px;margin:6px 0}
.stats-table td,.stats-table tfoot th{text-align:right}.stats-table tfoot{font-weight:700}
@media (max-width:1100px){.attention{grid-template-columns:260px minmax(0,1fr);grid-template-rows:minmax(520px,100%) auto;overflow-y:auto}
 .col-right{grid-column:1/-1;border-left:0;border-top:1px solid var(--line)}}
@media (max-width:720px){.attention{display:block;overflow-y:auto}.col-mid{height:80vh}.topbar{flex-wrap:wrap}}
`;
