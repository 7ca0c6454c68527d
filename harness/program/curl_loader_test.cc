#include "harness/program/curl_loader.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace faultlab::program {
namespace {

// Loaded once, whatever the number of threads asking at the same time (the
// probes and client sessions of a trial each ask).
TEST(CurlLoaderTest, LoadsOnceForEveryThread) {
  std::vector<const CurlApi*> got(8);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < got.size(); ++i)
    threads.emplace_back([&got, i] { got[i] = Curl(); });
  for (std::thread& t : threads) t.join();
  std::string why;
  ASSERT_NE(Curl(&why), nullptr) << why;
  for (const CurlApi* api : got) EXPECT_EQ(api, Curl());
}

// A real transfer through the loaded entry points: nothing listens on the
// port, so libcurl's own error comes back as faultlab's kind.
TEST(CurlLoaderTest, ATransferThroughTheLoadedLibrary) {
  const CurlApi* curl = Curl();
  ASSERT_NE(curl, nullptr);
  CURL* h = curl->easy_init();
  ASSERT_NE(h, nullptr);
  ASSERT_EQ(curl->easy_setopt(h, CURLOPT_URL, "http://127.0.0.1:1/"), CURLE_OK);
  curl->easy_setopt(h, CURLOPT_TIMEOUT_MS, 2000L);
  curl->easy_setopt(h, CURLOPT_NOPROXY, "*");
  const CURLcode rc = curl->easy_perform(h);
  long status = -1;
  curl->easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  curl->easy_cleanup(h);
  EXPECT_EQ(curl->ErrorKind(rc), "refused");
  EXPECT_EQ(status, 0);
}

TEST(CurlLoaderTest, ErrorKinds) {
  const CurlApi* curl = Curl();
  ASSERT_NE(curl, nullptr);
  EXPECT_EQ(curl->ErrorKind(CURLE_OPERATION_TIMEDOUT), "timeout");
  EXPECT_EQ(curl->ErrorKind(CURLE_GOT_NOTHING), "eof");
  EXPECT_EQ(curl->ErrorKind(CURLE_RECV_ERROR), "reset");
  EXPECT_EQ(curl->ErrorKind(CURLE_URL_MALFORMAT),
            curl->easy_strerror(CURLE_URL_MALFORMAT));
}

}  // namespace
}  // namespace faultlab::program
