// The inline stylesheet and script of the HTML report. Kept apart from the
// markup so the renderer reads as structure, not as CSS.
#ifndef FAULTLAB_REPORTS_INTERNAL_HTML_STYLE_H_
#define FAULTLAB_REPORTS_INTERNAL_HTML_STYLE_H_

#include <string>
#include <string_view>

namespace faultlab::reports::internal {

// The full <style> body: layout, outcome colours (.o-<outcome> sets --c),
// phone width (stacked placements) and print rules.
std::string ReportCss();

// The only script: opens every <details> before printing. No network use.
const char* ReportScript();

// Base64 SHA-256 of ReportScript(), for the page's Content-Security-Policy:
// only that script may run, so markup that slipped past escaping could not.
const char* ReportScriptSha256();

}  // namespace faultlab::reports::internal

#endif  // FAULTLAB_REPORTS_INTERNAL_HTML_STYLE_H_
