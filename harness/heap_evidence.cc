#include "harness/heap_evidence.h"

#include <cstring>

#include "absl/strings/str_cat.h"

namespace faultlab {

bool HeapCorrupted(const WorkerSlot& slot) {
  return slot.heap_bad_records.load() > 0 || slot.heap_foreign.load() != 0;
}

std::string WithHeapNote(std::string detail, const WorkerSlot& slot) {
  std::string note(slot.heap_note,
                   strnlen(slot.heap_note, sizeof slot.heap_note));
  if (note.empty()) return detail;
  if (detail.empty()) return note;
  return absl::StrCat(detail, "; ", note);
}

std::string AllocatorMessage(std::string_view stderr_text) {
  // glibc's malloc_printerr() messages, e.g. "malloc(): corrupted top size",
  // "free(): invalid next size (normal)", "munmap_chunk(): invalid pointer",
  // "double free or corruption (out)".
  static constexpr std::string_view kMarks[] = {
      "malloc(): ", "free(): ",    "munmap_chunk(): ",      "realloc(): ",
      "corrupted",  "double free", "malloc_consolidate(): "};
  std::string found;
  size_t start = 0;
  while (start < stderr_text.size()) {
    size_t end = stderr_text.find('\n', start);
    if (end == std::string_view::npos) end = stderr_text.size();
    std::string_view line = stderr_text.substr(start, end - start);
    start = end + 1;
    for (std::string_view m : kMarks)
      if (line.find(m) != std::string_view::npos) {
        found = std::string(line);
        break;
      }
  }
  return found;
}

}  // namespace faultlab
