// Why libdwfl and not addr2line: a subprocess per crash cost ~85 ms (fork of
// a large supervisor, exec, and addr2line reading libc's debug info from
// scratch each time); libdwfl opens each object once per run and answers
// each further address from memory. It also walks DWARF scopes, so frames
// the compiler inlined at an address come back as frames of their own.
//
// Each object gets its own Dwfl, placed at 0: the worker records offsets
// from each module's load bias, which are the object's own addresses.
// DWARF (file:line, inline frames) is read from objects that carry it, like
// faultlab-worker. A distribution's separate debug file (libc's, found by
// build ID under /usr/lib/debug) gives its full symbol table, and its DWARF
// only when asked: that DWARF is compressed and libdw inflates all of it on
// first use, ~50 ms of CPU for libc, longer than the trial it reports.
// Never through debuginfod, so a crash report does not wait for the network.
#include "harness/symbolizer.h"

#include <cxxabi.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <string>

namespace faultlab {
namespace {

std::string Basename(const std::string& p) {
  size_t s = p.rfind('/');
  return s == std::string::npos ? p : p.substr(s + 1);
}

std::string Demangle(const char* name) {
  if (!name) return "";
  int status = 0;
  char* d = abi::__cxa_demangle(name, nullptr, nullptr, &status);
  if (status != 0 || !d) return name;
  std::string out = d;
  free(d);
  return out;
}

int FindDebuginfo(Dwfl_Module* mod, void** user, const char* name,
                  Dwarf_Addr base, const char* file, const char* debuglink,
                  GElf_Word crc, char** debuginfo_path) {
  return dwfl_build_id_find_debuginfo(mod, user, name, base, file, debuglink,
                                      crc, debuginfo_path);
}

const Dwfl_Callbacks kCallbacks = {
    .find_elf = nullptr,  // every object is reported with its descriptor
    .find_debuginfo = FindDebuginfo,
    .section_address = dwfl_offline_section_address,
    .debuginfo_path = nullptr,
};

// A function scope's name: the linkage name demangled when there is one
// (as the symbol table would give it), else its plain DWARF name.
std::string ScopeName(Dwarf_Die* die) {
  Dwarf_Attribute attr;
  if (dwarf_attr_integrate(die, DW_AT_linkage_name, &attr) ||
      dwarf_attr_integrate(die, DW_AT_MIPS_linkage_name, &attr)) {
    if (const char* n = dwarf_formstring(&attr)) return Demangle(n);
  }
  const char* n = dwarf_diename(die);
  return n ? n : "";
}

}  // namespace

class Symbolizer::Object {
 public:
  Object(const std::string& path, const std::string& source_dir,
         bool separate_dwarf)
      : source_dir_(source_dir), separate_dwarf_(separate_dwarf) {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) return;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      close(fd);
      return;
    }
    dwfl_ = dwfl_begin(&kCallbacks);
    if (!dwfl_) {
      close(fd);
      return;
    }
    dwfl_report_begin(dwfl_);
    mod_ = dwfl_report_elf(dwfl_, Basename(path).c_str(), path.c_str(), fd, 0,
                           false);
    if (!mod_) close(fd);  // consumed only on success
    dwfl_report_end(dwfl_, nullptr, nullptr);
    if (mod_) own_dwarf_ = HasSection(mod_, ".debug_info");
    if (mod_) has_aranges_ = HasSection(mod_, ".debug_aranges");
  }

  // What the first lookup would otherwise wait for: the symbol table
  // (read, and sorted by libdwfl). DWARF is left to the lookups, which read
  // only the compile units they need.
  void Preload() {
    if (!mod_) return;
    dwfl_module_getsymtab(mod_);
  }
  ~Object() {
    if (dwfl_) dwfl_end(dwfl_);
  }

  // The frames at `addr`, innermost inlined first, outermost function last.
  // Empty when nothing is known of the address.
  Frames Lookup(uint64_t addr) const {
    Frames out;
    if (!mod_) return out;
    if (!own_dwarf_ && !separate_dwarf_) {
      out.emplace_back();
      if (const char* sym = dwfl_module_addrname(mod_, addr))
        out.back().function = Demangle(sym);
      else
        out.clear();
      return out;
    }
    FrameResult innermost;
    Dwarf_Addr bias = 0;
    Dwarf_Die* cu = dwfl_module_addrdie(mod_, addr, &bias);
    if (Dwfl_Line* line = dwfl_module_getsrc(mod_, addr)) {
      int lineno = 0;
      if (const char* file =
              dwfl_lineinfo(line, nullptr, &lineno, nullptr, nullptr, nullptr))
        SetLocation(&innermost, file, dwfl_line_comp_dir(line), lineno);
    } else if (!cu && !has_aranges_ && (cu = UnitWithoutAranges(addr, &bias))) {
      // No .debug_aranges (clang writes none unless -gdwarf-aranges), so
      // libdw found no unit by address: the line from the unit found by
      // its own ranges.
      if (Dwarf_Line* line = dwarf_getsrc_die(cu, addr - bias)) {
        int lineno = 0;
        dwarf_lineno(line, &lineno);
        Dwarf_Attribute attr;
        if (const char* file = dwarf_linesrc(line, nullptr, nullptr))
          SetLocation(&innermost, file,
                      dwarf_formstring(dwarf_attr(cu, DW_AT_comp_dir, &attr)),
                      lineno);
      }
    }
    out.push_back(innermost);
    Dwarf_Die* scopes = nullptr;
    int n = cu ? dwarf_getscopes(cu, addr - bias, &scopes) : 0;
    Dwarf_Files* files = nullptr;
    if (cu) dwarf_getsrcfiles(cu, &files, nullptr);
    const char* comp_dir = nullptr;
    if (cu) {
      Dwarf_Attribute attr;
      comp_dir = dwarf_formstring(dwarf_attr(cu, DW_AT_comp_dir, &attr));
    }
    for (int i = 0; i < n; ++i) {
      int tag = dwarf_tag(&scopes[i]);
      if (tag != DW_TAG_inlined_subroutine && tag != DW_TAG_subprogram)
        continue;
      out.back().function = ScopeName(&scopes[i]);
      if (tag == DW_TAG_subprogram) break;
      // Inlined: the next frame out is the call site, in the caller.
      out.back().inlined = true;
      FrameResult caller;
      Dwarf_Attribute attr;
      Dwarf_Word file_idx = 0, call_line = 0;
      if (files &&
          dwarf_formudata(dwarf_attr(&scopes[i], DW_AT_call_file, &attr),
                          &file_idx) == 0 &&
          dwarf_formudata(dwarf_attr(&scopes[i], DW_AT_call_line, &attr),
                          &call_line) == 0) {
        if (const char* f = dwarf_filesrc(files, file_idx, nullptr, nullptr))
          SetLocation(&caller, f, comp_dir, int(call_line));
      }
      out.push_back(caller);
    }
    free(scopes);
    // The outermost function as the symbol table names it (also where
    // there is no DWARF at all).
    if (const char* sym = dwfl_module_addrname(mod_, addr))
      out.back().function = Demangle(sym);
    if (out.size() == 1 && out[0].function.empty() && out[0].file.empty())
      out.clear();
    return out;
  }

 private:
  // DWARF may name a file relative to its unit's compilation directory.
  // A file of this source tree is named relative to it. An object compiled
  // from an identical copy of the tree elsewhere (a shared compiler cache
  // keeps the first compile's directory) is matched by the longest tail of
  // its path that exists here.
  void SetLocation(FrameResult* f, const char* file, const char* comp_dir,
                   int line) const {
    std::filesystem::path p(file);
    if (p.is_relative() && comp_dir) p = std::filesystem::path(comp_dir) / p;
    std::string path = p.lexically_normal().string();
    const std::string& src = source_dir_;
    if (!src.empty() && path.rfind(src + "/", 0) == 0) {
      path = path.substr(src.size() + 1);
    } else if (!src.empty() && path[0] == '/') {
      for (size_t s = path.find('/', 1); s != std::string::npos;
           s = path.find('/', s + 1)) {
        std::error_code ec;
        if (std::filesystem::is_regular_file(src + path.substr(s), ec)) {
          path = path.substr(s + 1);
          break;
        }
      }
    }
    f->file = path;
    f->line = line;
  }

  // The compile unit whose own address ranges (DW_AT_low_pc/high_pc or
  // DW_AT_ranges) hold `addr`, found by walking every unit: what libdw does
  // through .debug_aranges when the object has them.
  Dwarf_Die* UnitWithoutAranges(uint64_t addr, Dwarf_Addr* bias) const {
    for (Dwarf_Die* cu = dwfl_module_nextcu(mod_, nullptr, bias); cu;
         cu = dwfl_module_nextcu(mod_, cu, bias))
      if (dwarf_haspc(cu, addr - *bias) == 1) return cu;
    return nullptr;
  }

  // Whether the object itself has section `want` (without loading it).
  static bool HasSection(Dwfl_Module* mod, const char* want) {
    Dwarf_Addr bias = 0;
    Elf* elf = dwfl_module_getelf(mod, &bias);
    size_t shstrndx = 0;
    if (!elf || elf_getshdrstrndx(elf, &shstrndx) != 0) return false;
    for (Elf_Scn* scn = elf_nextscn(elf, nullptr); scn;
         scn = elf_nextscn(elf, scn)) {
      GElf_Shdr shdr;
      if (!gelf_getshdr(scn, &shdr)) continue;
      const char* name = elf_strptr(elf, shstrndx, shdr.sh_name);
      if (name && strcmp(name, want) == 0) return true;
    }
    return false;
  }

  const std::string& source_dir_;
  const bool separate_dwarf_;
  bool own_dwarf_ = false;    // the object carries .debug_info itself
  bool has_aranges_ = false;  // and .debug_aranges (GCC's default)
  Dwfl* dwfl_ = nullptr;
  Dwfl_Module* mod_ = nullptr;  // null when the object could not be read
};

Symbolizer::Symbolizer(SymbolizerOptions opts) : opts_(std::move(opts)) {}
Symbolizer::~Symbolizer() = default;

const Symbolizer::Frames& Symbolizer::Resolve(const std::string& path,
                                              uint64_t offset) {
  auto key = std::make_pair(path, offset);
  if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  std::unique_ptr<Object>& obj = objects_[path];
  if (!obj)
    obj = std::make_unique<Object>(path, opts_.source_dir,
                                   opts_.separate_debug_dwarf);
  Frames frames = obj->Lookup(offset);
  if (frames.empty()) frames.emplace_back();
  for (FrameResult& f : frames) f.module = Basename(path);
  return cache_.emplace(key, std::move(frames)).first->second;
}

void Symbolizer::Preload() {
  std::lock_guard<std::mutex> lock(mu_);
  std::unique_ptr<Object>& obj = objects_[opts_.main_exe];
  if (!obj)
    obj = std::make_unique<Object>(opts_.main_exe, opts_.source_dir,
                                   opts_.separate_debug_dwarf);
  obj->Preload();
}

std::vector<FrameResult> Symbolizer::Symbolize(const CrashRecord& rec,
                                               const WorkerSlot& slot,
                                               const std::string& main_exe) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<FrameResult> out;
  uint32_t n = std::min<uint32_t>(rec.n_frames, kMaxFrames);
  for (uint32_t i = 0; i < n; ++i) {
    uint64_t ip = rec.frames[i].ip;
    // A return address points after the call; look up the call itself.
    uint64_t lookup = i == 0 ? ip : ip - 1;
    std::string path;
    uint64_t offset = 0;
    for (uint32_t m = 0; m < std::min<uint32_t>(slot.n_modules, kMaxModules);
         ++m) {
      const Module& mod = slot.modules[m];
      if (lookup >= mod.start && lookup < mod.end) {
        path.assign(mod.path, strnlen(mod.path, sizeof mod.path));
        if (path.empty()) path = main_exe.empty() ? opts_.main_exe : main_exe;
        offset = lookup - mod.base;
        break;
      }
    }
    if (path.empty()) {
      FrameResult f;
      f.address = ip;
      out.push_back(f);
      continue;
    }
    for (FrameResult f : Resolve(path, offset)) {
      f.address = ip;
      out.push_back(std::move(f));
    }
  }
  return out;
}

}  // namespace faultlab
