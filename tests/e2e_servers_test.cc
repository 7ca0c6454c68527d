// End-to-end: real servers from Debian's archive (nginx, redis-server,
// lighttpd) run as program subjects on loopback, and socket activation
// (LISTEN_FDS, LISTEN_PID, LISTEN_FDNAMES) checked on a shell that prints
// what it was handed and on lighttpd, which serves only the handed socket.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <string>

#include "tests/e2e_util.h"

namespace faultlab::testing {
namespace {

using nlohmann::json;

TEST(E2eServersTest, NginxLosesOneWorkerTheMasterRespawnsItOthersGoOn) {
  RunOutput r = RunFaultlab({"run", Scenario("nginx_worker_segfault.yaml")});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json& p = Program(r.json);
  ASSERT_EQ(p["fault"]["target_pids"].size(), 1u);
  const int target = p["fault"]["target_pids"][0];
  const std::vector<json> masters = OfRole(p, "master");
  ASSERT_EQ(masters.size(), 1u);
  EXPECT_EQ(masters[0]["comm"], "nginx");
  EXPECT_EQ(masters[0]["exit_ms"], nullptr);
  int crashed = 0, running = 0;
  for (const json& w : OfRole(p, "worker")) {
    EXPECT_EQ(w["parent_pid"], masters[0]["pid"]);
    if (w["pid"] == target) {
      ++crashed;
      EXPECT_EQ(w["signal"], "SIGSEGV");
      EXPECT_EQ(w["outcome"], "crashed");
    } else {
      EXPECT_EQ(w["exit_ms"], nullptr) << w.dump();
      ++running;
    }
  }
  EXPECT_EQ(crashed, 1);
  EXPECT_EQ(running, 2);  // the other worker and the replacement
  // The master logged the death of the worker it had to replace.
  EXPECT_NE(Trial(r.json, "process")["stderr"].get<std::string>().find(
                "exited on signal 11"),
            std::string::npos);
  const json& c = p["clients"][0];
  EXPECT_GE(c["lost_at_fault"].get<int>(), 1);
  EXPECT_GT(c["survived"].get<int>(), 0);
}

TEST(E2eServersTest, RedisDiesWithEverySessionAndItsReportNamesTheSender) {
  RunOutput r = RunFaultlab({"run", Scenario("redis_segfault.yaml")});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json& p = Program(r.json);
  ASSERT_EQ(p["processes"].size(), 1u);
  EXPECT_EQ(p["processes"][0]["signal"], "SIGSEGV");
  const json& c = p["clients"][0];
  EXPECT_EQ(c["lost_at_fault"], c["alive_at_fault"]);
  EXPECT_EQ(c["survived"], 0);
  // redis's own crash handler ran and saw a signal sent from outside.
  const std::string out = p["stdout"];
  EXPECT_NE(out.find("crashed by signal: 11"), std::string::npos);
  EXPECT_NE(out.find("Killed by PID: " +
                     std::to_string(p["fault"]["sender_pid"].get<int>())),
            std::string::npos);
}

TEST(E2eServersTest, SocketActivationFollowsTheSystemdConvention) {
  const std::string yaml = R"(name: activation
deadline_ms: 300
program:
  command: ["sh", "-c", "ls /proc/$$/fd; echo \"pid=$$ listen_pid=$LISTEN_PID fds=$LISTEN_FDS names=$LISTEN_FDNAMES fd3=$(readlink /proc/$$/fd/3) fd4=$(readlink /proc/$$/fd/4)\"; exec sleep 30"]
  listen:
    - {name: http, tcp: "127.0.0.1:${port}"}
    - {name: admin, tcp: "127.0.0.1:${port2}"}
  ready: {line: "pid=", timeout_ms: 3000}
probes:
  - {name: up, tcp: "127.0.0.1:${port2}", interval_ms: 20}
expect:
  process:
    probes: {up: {never_failed: true}}
)";
  RunOutput r = RunFaultlab({"run", WriteScenario(yaml)});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json& p = Program(r.json);
  ASSERT_EQ(p["listen"].size(), 2u);
  EXPECT_EQ(p["listen"][0]["fd"], 3);
  EXPECT_EQ(p["listen"][1]["name"], "admin");
  EXPECT_EQ(p["listen"][1]["fd"], 4);
  std::smatch m;
  const std::string out = p["stdout"];
  ASSERT_TRUE(std::regex_search(
      out, m,
      std::regex("^0\n1\n2\n3\n4\npid=(\\d+) listen_pid=(\\d+) fds=2 "
                 "names=http:admin fd3=socket:\\S+ fd4=socket:\\S+\n")))
      << out;
  // Descriptors 0..4 only (nothing the supervisor holds leaks in), and
  // LISTEN_PID is the program's own pid.
  EXPECT_EQ(m[1], m[2]);
  EXPECT_EQ(std::stoi(m[1]), p["processes"][0]["pid"].get<int>());
}

TEST(E2eServersTest, LighttpdServesOnlyTheSocketItWasHanded) {
  RunOutput r =
      RunFaultlab({"run", Scenario("lighttpd_socket_activation.yaml")});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json& p = Program(r.json);
  EXPECT_EQ(p["listen"][0]["fd"], 3);
  EXPECT_GT(p["clients"][0]["established"].get<int>(), 0);
  EXPECT_GT(p["probes"][0]["passes"].get<int>(), 0);
  // The control: the same server without the handed socket has nobody
  // listening on ${port}, so it never gets ready there.
  std::ifstream in(Scenario("lighttpd_socket_activation.yaml"));
  std::string yaml((std::istreambuf_iterator<char>(in)), {}), line, kept;
  std::istringstream lines(yaml);
  while (std::getline(lines, line))
    if (line.find("listen:") == std::string::npos &&
        line.find("{name: http, tcp:") == std::string::npos)
      kept += line + "\n";
  kept = std::regex_replace(kept, std::regex("timeout_ms: 5000"),
                            "timeout_ms: 500");
  kept = std::regex_replace(kept, std::regex(": servers/"),
                            ": " + SourceDir() + "/scenarios/servers/");
  r = RunFaultlab({"run", WriteScenario(kept)});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("not ready within 500 ms"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace faultlab::testing
