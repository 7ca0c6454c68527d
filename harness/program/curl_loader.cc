#include "harness/program/curl_loader.h"

#include <dlfcn.h>

#include <mutex>

namespace faultlab::program {
namespace {

struct Loaded {
  CurlApi api{};
  bool ok = false;
  std::string error;
};

template <typename Fn>
bool Bind(void* lib, const char* name, Fn* fn, std::string* error) {
  *fn = reinterpret_cast<Fn>(dlsym(lib, name));
  if (*fn) return true;
  *error = std::string("libcurl has no ") + name;
  return false;
}

Loaded LoadOnce() {
  Loaded l;
  // The soname Debian's libcurl4 (and libcurl4-openssl-dev) provide.
  void* lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char* why = dlerror();
    l.error = std::string("cannot load libcurl (Debian: libcurl4): ") +
              (why ? why : "dlopen failed");
    return l;
  }
  CURLcode (*global_init)(long) = nullptr;
  CurlApi& a = l.api;
  if (!Bind(lib, "curl_global_init", &global_init, &l.error) ||
      !Bind(lib, "curl_easy_init", &a.easy_init, &l.error) ||
      !Bind(lib, "curl_easy_cleanup", &a.easy_cleanup, &l.error) ||
      !Bind(lib, "curl_easy_setopt", &a.easy_setopt, &l.error) ||
      !Bind(lib, "curl_easy_perform", &a.easy_perform, &l.error) ||
      !Bind(lib, "curl_easy_getinfo", &a.easy_getinfo, &l.error) ||
      !Bind(lib, "curl_easy_strerror", &a.easy_strerror, &l.error))
    return l;
  if (CURLcode rc = global_init(CURL_GLOBAL_DEFAULT); rc != CURLE_OK) {
    l.error = std::string("curl_global_init: ") + a.easy_strerror(rc);
    return l;
  }
  // Never unloaded: libcurl's global state lives until the process ends.
  l.ok = true;
  return l;
}

}  // namespace

std::string CurlApi::ErrorKind(CURLcode rc) const {
  switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
      return "timeout";
    case CURLE_COULDNT_CONNECT:
      return "refused";
    case CURLE_GOT_NOTHING:
      return "eof";
    case CURLE_RECV_ERROR:
      return "reset";
    default:
      return easy_strerror(rc);
  }
}

const CurlApi* Curl(std::string* error) {
  static const Loaded* loaded = new Loaded(LoadOnce());
  if (!loaded->ok && error) *error = loaded->error;
  return loaded->ok ? &loaded->api : nullptr;
}

}  // namespace faultlab::program
