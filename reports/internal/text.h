// Text hygiene for everything copied from the result JSON into a report.
//
// Strings in the result come from crashed processes (stderr, symbol names,
// channel details) and may hold anything: markup, terminal escapes, control
// bytes, broken UTF-8. Every report passes them through here first.
#ifndef FAULTLAB_REPORTS_INTERNAL_TEXT_H_
#define FAULTLAB_REPORTS_INTERNAL_TEXT_H_

#include <string>
#include <string_view>

namespace faultlab::reports::internal {

// Valid UTF-8 holding only characters legal in XML 1.0 and printable in a
// terminal: tab, newline and carriage return stay; other C0/C1 controls,
// DEL, surrogates, U+FFFE/U+FFFF and malformed bytes become U+FFFD.
std::string CleanText(std::string_view in);

// CleanText, then & < > " ' replaced by entities. Safe in HTML and XML text
// and in double- or single-quoted attribute values.
std::string EscapeMarkup(std::string_view in);

// A fragment id made of [a-z0-9-] only, e.g. "s2-heap-corrupt".
std::string AnchorId(std::string_view prefix, int index, std::string_view name);

// Number of code points, for aligning columns of plain text.
size_t DisplayWidth(std::string_view utf8);

// Text truncated to at most max_lines lines, keeping the last ones.
std::string LastLines(std::string_view text, size_t max_lines,
                      size_t* dropped = nullptr);

}  // namespace faultlab::reports::internal

#endif  // FAULTLAB_REPORTS_INTERNAL_TEXT_H_
