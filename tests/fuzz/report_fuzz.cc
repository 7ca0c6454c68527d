// Fuzz target: bytes as the results files of `faultlab report`. The input
// is split at form feeds (never part of a JSON text) into up to four files:
// one is re-rendered as it is, several are merged as the shards of one run.
// Every output is rendered (JSON, HTML, JUnit, console). A crash, a hang, an
// escaping exception or a sanitizer report is a finding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "harness/report_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  constexpr size_t kMaxFiles = 4;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> texts;
  for (size_t cut; (cut = in.find('\f')) != std::string_view::npos;
       in.remove_prefix(cut + 1))
    texts.push_back(in.substr(0, cut));
  texts.push_back(in);
  if (texts.size() > kMaxFiles) return 0;

  std::vector<nlohmann::json> docs;
  std::vector<std::string> names;
  for (std::string_view t : texts) {
    names.push_back(absl::StrCat("shard", names.size(), ".json"));
    absl::StatusOr<nlohmann::json> doc =
        faultlab::ParseResultDocument(t, names.back());
    if (!doc.ok()) return 0;
    docs.push_back(*std::move(doc));
  }
  absl::StatusOr<nlohmann::json> result =
      faultlab::CombineResults(std::move(docs), names);
  if (!result.ok()) return 0;
  (void)faultlab::RenderReport(
      *result, {.json = true, .html = true, .junit = true, .console = true},
      names[0]);
  return 0;
}
