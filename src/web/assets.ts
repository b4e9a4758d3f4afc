// One stylesheet, served from our own origin so the Content-Security-Policy
// can forbid inline styles and every script. NHS colours; WCAG 2.2 AA
// contrast; visible focus; prints cleanly.
export const CSS = `
*{box-sizing:border-box}
body{margin:0;font-family:Arial,"Helvetica Neue",sans-serif;font-size:1rem;line-height:1.5;color:#212b32;background:#f0f4f5}
a{color:#005eb8}a:visited{color:#330072}
a:focus,button:focus,input:focus,select:focus,summary:focus{outline:3px solid #ffeb3b;outline-offset:0;box-shadow:0 4px 0 #212b32}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#ffeb3b;padding:.5rem;z-index:10}
header{background:#005eb8;color:#fff;padding:1rem 1.5rem;display:flex;justify-content:space-between;align-items:center;flex-wrap:wrap;gap:1rem}
header a{color:#fff}header a:visited{color:#fff}
header nav a{margin-right:1.25rem;font-weight:bold}
main{max-width:78rem;margin:0 auto;padding:1.5rem}
h1{font-size:2rem;margin:.5rem 0 1rem}h2{font-size:1.5rem;margin:2rem 0 .75rem}
.banner{background:#fff9c4;border-left:8px solid #ffb81c;padding:.75rem 1rem;margin:0 0 1rem}
.notice{background:#fff;border-left:8px solid #007f3b;padding:.75rem 1rem;margin:0 0 1rem}
.error{background:#fff;border-left:8px solid #d5281b;padding:.75rem 1rem;margin:0 0 1rem}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{text-align:left;vertical-align:top;padding:.5rem;border-bottom:1px solid #d8dde0}
th{background:#e8edee}
.tag{display:inline-block;border:1px solid #212b32;padding:0 .35rem;margin:0 .25rem .25rem 0;font-size:.875rem;background:#fff}
.tag.flag{border-color:#d5281b;color:#8a1a12}
.overdue{color:#8a1a12;font-weight:bold}
form.filters{display:flex;flex-wrap:wrap;gap:.75rem;align-items:flex-end;background:#fff;padding:1rem;margin-bottom:1rem}
label{display:block;font-weight:bold;font-size:.875rem}
input,select{font-size:1rem;padding:.35rem;border:2px solid #4c6272;border-radius:0;min-width:8rem}
button{font-size:1rem;padding:.45rem 1rem;background:#007f3b;color:#fff;border:0;border-bottom:2px solid #00401e;cursor:pointer}
button.secondary{background:#4c6272;border-bottom-color:#212b32}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));gap:1rem}
.card{background:#fff;padding:1rem}.card strong{display:block;font-size:2rem}
figure{background:#fff;margin:0 0 1rem;padding:1rem}figure svg{max-width:100%;height:auto}
ol.timeline{list-style:none;padding:0;background:#fff}ol.timeline li{padding:.5rem 1rem;border-bottom:1px solid #d8dde0}
.muted{color:#4c6272}
footer{max-width:78rem;margin:0 auto;padding:1rem 1.5rem 2rem;border-top:1px solid #d8dde0}footer a{margin-right:1.25rem}
form.inline{display:inline}
.table-scroll{overflow-x:auto;max-width:100%;margin-bottom:1rem}.table-scroll table{min-width:60rem}
fieldset.date-input{border:0;padding:0;margin:0}fieldset.date-input legend{font-weight:bold;font-size:.875rem;padding:0}
.hint{display:block;font-size:.875rem}.date-items{display:flex;gap:.5rem}.date-item label{font-weight:normal}
.date-input input.w2{width:3.5rem;min-width:0}.date-input input.w4{width:5rem;min-width:0}
ul.summary{background:#fff;padding:1rem 1rem 1rem 2.5rem;margin:0 0 1rem}ul.summary li{margin:.25rem 0}
.visually-hidden{position:absolute!important;width:1px;height:1px;margin:0;padding:0;overflow:hidden;clip-path:inset(50%);white-space:nowrap;border:0}
.error-summary{background:#fff;border:4px solid #d5281b;padding:1rem;margin:0 0 1.5rem}.error-summary:focus{outline:3px solid #ffeb3b}
.error-summary h2{margin-top:0;font-size:1.25rem}.error-summary a{color:#d5281b;font-weight:bold}
.form-group{margin:0 0 1.5rem}.form-group-error{border-left:4px solid #d5281b;padding-left:1rem}
.error-message{display:block;color:#d5281b;font-weight:bold;margin:.25rem 0}
form.act fieldset{border:0;padding:0;margin:0}form.act legend{font-weight:bold;padding:0;margin-bottom:.25rem}
form.act input:not([type=radio]):not([type=checkbox]),form.act textarea,form.act select{width:100%;max-width:40rem}
form.act .date-input input.w2{width:3.5rem}form.act .date-input input.w4{width:5rem}
textarea{font:inherit;font-size:1rem;padding:.35rem;border:2px solid #4c6272;border-radius:0}
textarea:focus{outline:3px solid #ffeb3b;outline-offset:0;box-shadow:0 4px 0 #212b32}
.choice{display:flex;gap:.5rem;align-items:center;margin:.35rem 0}.choice input{min-width:0;width:1.5rem;height:1.5rem}.choice label{font-weight:normal;font-size:1rem}
a.button{display:inline-block;font-size:1rem;padding:.45rem 1rem;background:#007f3b;color:#fff;text-decoration:none;border-bottom:2px solid #00401e;margin:0 .5rem .5rem 0}
a.button.secondary,button.button.secondary{background:#4c6272;border-bottom-color:#212b32}a.button.warning,button.button.warning{background:#d5281b;border-bottom-color:#6b140e}
a.button:visited{color:#fff}a.button:focus{outline:3px solid #ffeb3b;box-shadow:0 4px 0 #212b32;color:#212b32;background:#ffeb3b}
.act-panel{background:#fff;padding:1rem 1.5rem;margin:1.5rem 0}.act-panel h2{margin-top:0}.act-panel form.inline{margin:0 .5rem .5rem 0}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
pre.letter{white-space:pre-wrap;font-family:inherit;background:#fff;padding:1rem;border-left:4px solid #4c6272}
@media (max-width:40rem){main{padding:1rem}header{padding:.75rem 1rem}h1{font-size:1.5rem}
form.filters{display:grid;grid-template-columns:1fr;gap:.5rem}form.filters input,form.filters select{width:100%;min-width:0}form.filters button{width:100%}
form.filters .date-input input.w2{width:3.5rem}form.filters .date-input input.w4{width:5rem}
table.reflow thead{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%)}
table.reflow tr{display:block;border-bottom:2px solid #d8dde0;padding:.25rem 0}
table.reflow td{display:grid;grid-template-columns:6.5rem 1fr;gap:.5rem;border:0;padding:.25rem .5rem}
table.reflow td::before{content:attr(data-label);font-weight:bold}
.cards{grid-template-columns:repeat(2,1fr)}}
@media print{header nav,form,.skip,button{display:none}body{background:#fff}main{max-width:none;padding:0}figure,table{break-inside:avoid}a{color:#212b32;text-decoration:none}}
`;
