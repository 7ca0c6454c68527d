// faultlab_render: renders a saved result JSON with the reports library, for
// the schema and browser tests and for looking at a report without the CLI.
//   faultlab_render RESULT.json [--merge MORE.json]... [--html F] [--junit F]
//                   [--console]
// --merge appends MORE's scenarios to RESULT's (before any output), so one
// report can show what several saved runs hold.
// Exit status: 0 written; 2 bad arguments, unreadable input or unwritable
// output.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <string_view>

#include "reports/console_report.h"
#include "reports/html_report.h"
#include "reports/junit_report.h"

namespace {

bool WriteFile(const std::string& path, const std::string& text) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) std::cerr << "faultlab_render: cannot write " << path << "\n";
  return static_cast<bool>(out);
}

int Usage() {
  std::cerr << "usage: faultlab_render RESULT.json [--merge MORE.json]... "
               "[--html F] [--junit F] [--console]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return Usage();
  std::ifstream in(argv[1]);
  nlohmann::json result =
      nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!in || result.is_discarded()) {
    std::cerr << "faultlab_render: " << argv[1] << " is not readable JSON\n";
    return 2;
  }
  for (int i = 2; i < argc; ++i) {
    std::string_view arg = argv[i];
    bool has_value = i + 1 < argc;
    if (arg == "--merge" && has_value) {
      std::ifstream more_in(argv[++i]);
      nlohmann::json more = nlohmann::json::parse(more_in, nullptr, false);
      if (!more_in || more.is_discarded() || !more.contains("scenarios") ||
          !more["scenarios"].is_array()) {
        std::cerr << "faultlab_render: " << argv[i]
                  << " is not a readable result JSON\n";
        return 2;
      }
      for (auto& s : more["scenarios"]) result["scenarios"].push_back(s);
      result["passed"] =
          result.value("passed", false) && more.value("passed", false);
    } else if (arg == "--html" && has_value) {
      if (!WriteFile(argv[++i], faultlab::reports::RenderHtml(result)))
        return 2;
    } else if (arg == "--junit" && has_value) {
      if (!WriteFile(argv[++i], faultlab::reports::RenderJunit(result)))
        return 2;
    } else if (arg == "--console") {
      for (const auto& s : result.value("scenarios", nlohmann::json::array())) {
        std::cout << faultlab::reports::RenderConsole(s) << "\n";
      }
    } else {
      return Usage();
    }
  }
  return 0;
}
