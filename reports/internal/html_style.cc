#include "reports/internal/html_style.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "reports/internal/outcome.h"

namespace faultlab::reports::internal {
namespace {

constexpr std::string_view kBaseCss = R"css(
:root{--fg:#212529;--muted:#6c757d;--line:#dee2e6;--bg:#fff;--soft:#f8f9fa;
--pass:#257c35;--fail:#c92a2a;font-family:system-ui,-apple-system,"Segoe UI",Roboto,
"Helvetica Neue",Arial,sans-serif;font-size:15px;line-height:1.45;color:var(--fg)}
*{box-sizing:border-box}
body{margin:0;background:var(--bg)}
main{max-width:1240px;margin:0 auto;padding:20px 24px 48px}
h1{font-size:1.35rem;margin:0 0 2px}
h2{font-size:1.15rem;margin:0;display:flex;flex-wrap:wrap;gap:8px;align-items:baseline}
h3{font-size:.95rem;margin:0;font-weight:600}
a{color:#1c5fb8;text-decoration:none}a:hover{text-decoration:underline}
code,pre,.mono{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:.82rem}
.meta,.mono,code{overflow-wrap:anywhere}
.meta{color:var(--muted);margin:0 0 4px}
.meta b{color:var(--fg);font-weight:600}
.banner{background:#fff4e6;border:1px solid #ffc078;border-radius:6px;padding:6px 10px;margin:8px 0}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;margin:10px 0 16px;color:var(--muted);font-size:.82rem}
.legend span{display:inline-flex;align-items:center;gap:5px}
.sw,.sq{display:inline-block;width:11px;height:11px;border-radius:2px;background:var(--c);
-webkit-print-color-adjust:exact;print-color-adjust:exact}
.sq{width:12px;height:12px;margin-right:2px;vertical-align:-1px}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:.78rem;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);font-weight:600}
.summary{margin-bottom:28px;border:1px solid var(--line);border-radius:8px;overflow:hidden}
.summary table td{white-space:nowrap}
.summary .blast{color:var(--muted);font-size:.85rem;margin-left:6px}
.scroll{overflow-x:auto}
.ok{color:var(--pass);font-weight:600}.bad{color:var(--fail);font-weight:600}
.pill{display:inline-block;font-size:.75rem;font-weight:700;padding:1px 8px;border-radius:10px;
color:#fff;background:var(--pass);letter-spacing:.03em}
.pill.bad{background:var(--fail);color:#fff}
section.scenario{border-top:2px solid var(--line);padding:18px 0 8px;margin-top:8px}
.desc{color:var(--muted);margin:4px 0 12px}
.placements{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,460px),1fr));gap:16px}
.placement{border:1px solid var(--line);border-radius:8px;padding:12px 14px;min-width:0}
.placement>header{display:flex;flex-wrap:wrap;gap:4px 10px;align-items:baseline;margin-bottom:8px}
.placement>header .facts{color:var(--muted);font-size:.85rem}
ul.checks{list-style:none;margin:0 0 10px;padding:0;font-size:.88rem}
ul.checks li{padding:1px 0}
ul.checks .actual{color:var(--fail)}
.procs{display:flex;flex-wrap:wrap;gap:8px;margin:4px 0 10px}
.proc{flex:1 1 140px;border:1.5px solid #adb5bd;border-radius:6px;padding:4px 6px 6px;min-width:0}
.proc.dead{border-color:var(--fail)}
.proc .ph{font-size:.75rem;color:var(--muted);margin:0 2px 4px;overflow-wrap:anywhere}
.proc .ph b{color:var(--fg)}
.lane{display:flex;flex-wrap:wrap;justify-content:space-between;gap:0 8px;align-items:baseline;
border-left:4px solid var(--c);background:var(--soft);border-radius:3px;padding:2px 6px;margin-top:3px;font-size:.85rem}
.lane .wn{font-weight:600;overflow-wrap:anywhere;min-width:0}
.lane .oc{color:var(--ink);font-weight:600;font-size:.8rem;white-space:nowrap}
.bar{flex:1 0 100%;height:4px;background:#e9ecef;border-radius:2px;margin:2px 0 1px;overflow:hidden}
.bar i{display:block;height:100%;background:var(--c);-webkit-print-color-adjust:exact;print-color-adjust:exact}
.tl{overflow-x:auto;margin:4px 0 6px}
.tl svg{display:block;width:100%;min-width:420px;height:auto}
.key{color:var(--muted);font-size:.78rem;margin:0 0 8px}
.key span{white-space:nowrap;margin-right:10px}
.k-fault{color:#e03131}.k-det{color:#1c5fb8}.k-ev{color:#1c5fb8}.k-hang{color:#f59f00}
.tl text{font-size:11px;fill:var(--fg);font-family:inherit}
.tl .ax{stroke:#ced4da;stroke-width:1}
.tl .axt{fill:var(--muted);font-size:10px}
.tl .lanebg{fill:#f1f3f5}
.tl .prog{fill:none;stroke:var(--c);stroke-width:1.6}
.tl .tick{stroke:var(--c);stroke-width:1}
.tl .end{fill:var(--c)}
.tl .fault{stroke:#e03131;stroke-width:1.2;stroke-dasharray:3 2}
.tl .faultg{fill:#e03131;font-size:12px}
.tl .death{stroke:#212529;stroke-width:1.8}
.tl .exit{stroke:#212529;stroke-width:2}
.tl .detect{fill:#1c5fb8}
.tl .ev{fill:#fff;stroke:#1c5fb8;stroke-width:1.4}
.tl .evbad{fill:#fff;stroke:#9c36b5;stroke-width:1.6}
.tl .hang{stroke:#f59f00;stroke-width:1.2;stroke-dasharray:2 2}
.tl svg.prog{max-width:780px}
.tl .band{font-weight:600;font-size:10.5px;fill:var(--muted)}
.tl text.small{font-size:7.5px}
.tl .pbar{fill:var(--c)}
.tl .rec{--c:#1c5fb8}
details{border-top:1px solid var(--line);padding:5px 0}
details>summary{cursor:pointer;font-size:.88rem;color:#343a40}
details>summary b{font-weight:600}
details[open]>summary{margin-bottom:6px}
details.cmd{border:0;padding:0 0 4px}details.cmd>summary{font-size:inherit;color:inherit}
details.cmd p{margin:4px 0 0}
pre{background:var(--soft);border:1px solid var(--line);border-radius:4px;padding:8px;margin:4px 0;
white-space:pre-wrap;word-break:break-word;max-height:420px;overflow:auto}
ol.frames{margin:4px 0;padding-left:0;list-style:none}
ol.frames li{padding:1px 0;overflow-wrap:anywhere}
ol.frames .fn{font-weight:600}
ol.frames .loc{color:var(--muted)}
.details td{font-size:.82rem;white-space:nowrap}
.details tr:has(+tr.sub) td{border-bottom:0;padding-bottom:0}
.details tr.sub td{white-space:normal;color:var(--muted);padding-top:1px}
p.trial{font-size:.88rem}
p.rate{margin:0 0 6px;font-size:.9rem}
.dist{margin:0 0 10px}
.drow{display:grid;grid-template-columns:minmax(70px,max-content) minmax(80px,1fr);gap:2px 10px;align-items:center;font-size:.82rem;margin:2px 0}
.drow .dn{grid-column:2;color:var(--muted);font-size:.78rem}
.sbar{display:flex;height:12px;border-radius:3px;overflow:hidden;background:#e9ecef}
.sbar i{display:block;height:100%;background:var(--c);-webkit-print-color-adjust:exact;print-color-adjust:exact}
ul.replay{margin:0 0 8px;padding-left:18px}
.summary .sdist{display:inline-grid;grid-template-columns:minmax(0,max-content) minmax(48px,96px);gap:2px 6px;
align-items:center;vertical-align:middle;margin-right:4px}
.summary .sdn{font-size:.72rem;color:var(--muted);overflow-wrap:anywhere;white-space:normal}
.summary .sbar{height:9px}
details.trial>summary{font-size:.85rem}
p.sub{font-size:.82rem;margin:2px 0 4px}
.details td.o{color:var(--ink);font-weight:600}
.muted{color:var(--muted)}
footer{color:var(--muted);font-size:.8rem;margin-top:28px;border-top:1px solid var(--line);padding-top:8px}
@media (max-width:640px){
main{padding:12px 12px 32px}
:root{font-size:14px}
th,td{padding:5px 6px}
.summary thead{display:none}
.summary tr{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);border-bottom:1px solid var(--line)}
.summary td{border:0;padding:3px 8px}
.summary td:first-child{grid-column:1/3;padding-top:8px;font-weight:600}
.summary td.verdict{grid-column:1/3;white-space:normal;padding-bottom:8px}
.summary td.ph{white-space:normal}.summary .blast{white-space:nowrap}
.summary .sdist{display:grid;margin:2px 0}
.summary td.ph::before{content:attr(data-label);display:block;font-size:.7rem;color:var(--muted)}
.tl svg{min-width:460px}
.tl text{font-size:13px}
}
@media print{
:root{font-size:11pt}
main{max-width:none;padding:0}
a{color:inherit}
.placement,.summary{break-inside:avoid}
section.scenario{break-before:auto}
details>summary{list-style:none}
details::details-content{content-visibility:visible;display:block}
pre{max-height:none;overflow:visible}
.lane{background:none}
}
)css";

}  // namespace

std::string ReportCss() {
  std::string css(kBaseCss);
  for (const OutcomeStyle& s : AllOutcomes()) {
    absl::StrAppend(&css, ".o-", s.name, "{--c:", s.color, ";--ink:", s.ink,
                    "}");
  }
  absl::StrAppend(&css, ".o-unknown{--c:#495057;--ink:#495057}\n");
  return css;
}

const char* ReportScript() {
  // Changing this text changes its hash: update kReportScriptSha256 with
  //   printf %s "$script" | openssl dgst -sha256 -binary | base64
  // (the browser test fails on the CSP violation if they disagree).
  return "addEventListener('beforeprint',function(){"
         "document.querySelectorAll('details').forEach(function(d){d.open=true}"
         ")"
         "});";
}

const char* ReportScriptSha256() {
  return "+ArYvNkPUhbHKSUpuOkZPlUHKocNOm074sGTidvKJp8=";
}

}  // namespace faultlab::reports::internal
