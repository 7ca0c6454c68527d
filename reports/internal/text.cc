#include "reports/internal/text.h"

#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"

namespace faultlab::reports::internal {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Decodes one UTF-8 sequence at in[i]. Returns its length, or 0 if malformed
// (overlong, surrogate, out of range or truncated).
size_t DecodeUtf8(std::string_view in, size_t i, uint32_t* cp) {
  const auto b = [&](size_t k) { return static_cast<uint8_t>(in[i + k]); };
  uint8_t c = b(0);
  size_t len;
  uint32_t min;
  if (c < 0x80) {
    *cp = c;
    return 1;
  } else if ((c & 0xE0) == 0xC0) {
    len = 2, min = 0x80, *cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3, min = 0x800, *cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4, min = 0x10000, *cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > in.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((b(k) & 0xC0) != 0x80) return 0;
    *cp = (*cp << 6) | (b(k) & 0x3F);
  }
  if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF)) {
    return 0;
  }
  return len;
}

bool Allowed(uint32_t cp) {
  if (cp == '\t' || cp == '\n' || cp == '\r') return true;
  if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) return false;
  return cp != 0xFFFE && cp != 0xFFFF;
}

}  // namespace

std::string CleanText(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size();) {
    uint32_t cp = 0;
    size_t len = DecodeUtf8(in, i, &cp);
    if (len == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    if (Allowed(cp)) {
      out.append(in.substr(i, len));
    } else {
      out += kReplacement;
    }
    i += len;
  }
  return out;
}

std::string EscapeMarkup(std::string_view in) {
  std::string clean = CleanText(in);
  std::string out;
  out.reserve(clean.size() + clean.size() / 8);
  for (char c : clean) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string AnchorId(std::string_view prefix, int index,
                     std::string_view name) {
  std::string out = absl::StrCat(std::string(prefix), index);
  bool dash = true;
  for (char c : name) {
    char l = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    bool keep = (l >= 'a' && l <= 'z') || (l >= '0' && l <= '9');
    if (keep) {
      if (dash) out += '-';
      out += l;
      dash = false;
    } else {
      dash = true;
    }
    if (out.size() > 48) break;
  }
  return out;
}

size_t DisplayWidth(std::string_view utf8) {
  size_t n = 0;
  for (char c : utf8) {
    if ((static_cast<uint8_t>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string LastLines(std::string_view text, size_t max_lines,
                      size_t* dropped) {
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  size_t lines = 0;
  size_t pos = text.size();
  while (pos > 0) {
    size_t nl = text.rfind('\n', pos - 1);
    if (nl == std::string_view::npos) {
      pos = 0;
      ++lines;
      break;
    }
    if (++lines == max_lines) {
      pos = nl + 1;
      break;
    }
    pos = nl;
  }
  size_t total = 0;
  if (dropped != nullptr) {
    for (char c : text.substr(0, pos)) total += (c == '\n');
    *dropped = total;
  }
  return std::string(text.substr(pos));
}

}  // namespace faultlab::reports::internal
