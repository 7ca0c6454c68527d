// libcurl, loaded the first time a scenario needs HTTP (an http probe,
// client or readiness check). Linking it would cost every faultlab run the
// load and relocation of libcurl and its ~30 libraries (TLS, Kerberos,
// LDAP, ...): about 3 ms of a run whose trials take a fraction of that.
// Scenarios without HTTP never load it.
#ifndef FAULTLAB_HARNESS_PROGRAM_CURL_LOADER_H_
#define FAULTLAB_HARNESS_PROGRAM_CURL_LOADER_H_

#include <curl/curl.h>

#include <string>

namespace faultlab::program {

// The libcurl entry points faultlab uses. Thread-safe once loaded.
struct CurlApi {
  CURL* (*easy_init)();
  void (*easy_cleanup)(CURL*);
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
  CURLcode (*easy_perform)(CURL*);
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
  const char* (*easy_strerror)(CURLcode);

  // An error kind for a failed transfer: "timeout", "refused", "eof",
  // "reset", or libcurl's own text.
  std::string ErrorKind(CURLcode rc) const;
};

// libcurl, loaded and globally initialised once per process; nullptr when
// it cannot be loaded, with the reason in *error (when not null).
const CurlApi* Curl(std::string* error = nullptr);

}  // namespace faultlab::program

#endif  // FAULTLAB_HARNESS_PROGRAM_CURL_LOADER_H_
