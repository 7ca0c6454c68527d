#include <gtest/gtest.h>

#include "harness/program/program_spec.h"
#include "harness/scenario_loader.h"

namespace faultlab::program {
namespace {

std::string Error(const std::string& yaml) {
  absl::StatusOr<Scenario> s = LoadScenarioText(yaml, "t.yaml");
  return s.ok() ? "" : std::string(s.status().message());
}

TEST(ProgramLoaderTest, LoadsCommandRolesProbesClientsAndFault) {
  absl::StatusOr<Scenario> s = LoadScenarioText(
      "name: p\nprogram:\n  command: [srv, --port, '${port}']\n"
      "  roles: [{name: master, parent: none}, {name: worker, parent: "
      "master}]\n"
      "probes: [{name: up, tcp: '127.0.0.1:${port}'}]\n"
      "clients: [{name: c, tcp: '127.0.0.1:${port}', sessions: 3}]\n"
      "fault: {kind: signal, signal: SIGKILL, target: worker, which: 1,"
      " trigger: {after_requests: 5}}\n",
      "t.yaml");
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_TRUE(s->program);
  const ProgramSpec& p = *s->program;
  EXPECT_EQ(p.argv.size(), 3u);
  ASSERT_EQ(p.roles.size(), 2u);
  EXPECT_TRUE(p.roles[0].launched);
  EXPECT_EQ(p.roles[1].parent, "master");
  EXPECT_EQ(p.clients[0].sessions, 3u);
  EXPECT_EQ(p.fault.which, Which::kIndex);
  EXPECT_EQ(p.fault.index, 1u);
  EXPECT_EQ(p.fault.trigger, ProgramTrigger::kAfterRequests);
  EXPECT_EQ(s->placements.size(), 1u);
  EXPECT_EQ(s->placements[0].name, "process");
}

TEST(ProgramLoaderTest, RefusesWithAPosition) {
  EXPECT_EQ(Error("name: p\nprogram:\n  command: [x]\n  redy: {}\n"),
            "t.yaml:4:3: error: unknown key 'redy' in 'program'; did you mean "
            "'ready'?");
  EXPECT_NE(Error("name: p\nprogram: {command: [x]}\n"
                  "probes: [{name: a, tcp: '10.0.0.1:80'}]\n")
                .find("loopback only"),
            std::string::npos);
  EXPECT_NE(Error("name: p\nprogram: {command: [x]}\n"
                  "fault: {kind: signal, signal: SIGSEGV, target: web,"
                  " trigger: {after_ms: 1}}\n")
                .find("no role named 'web'"),
            std::string::npos);
  EXPECT_NE(Error("name: p\nprogram: {command: [x], roles: [{name: a, parent: "
                  "b}]}\n")
                .find("parent role 'b' is not defined above"),
            std::string::npos);
}

TEST(ProgramLoaderTest, LoadsListenSocketsAndRefusesBadOnes) {
  absl::StatusOr<Scenario> s = LoadScenarioText(
      "name: p\nprogram:\n  command: [srv]\n"
      "  listen: [{name: http, tcp: '127.0.0.1:${port}'},"
      " {name: admin, tcp: '127.0.0.1:${port2}'}]\n",
      "t.yaml");
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->program->listen.size(), 2u);
  EXPECT_EQ(s->program->listen[1].name, "admin");
  EXPECT_EQ(s->program->listen[1].address, "127.0.0.1:${port2}");
  EXPECT_EQ(Error("name: p\nprogram:\n  command: [x]\n"
                  "  listen: [{name: a, tcp: '0.0.0.0:80'}]\n"),
            "t.yaml:4:27: error: expected 127.0.0.1:PORT (loopback only), "
            "got '0.0.0.0:80'");
  EXPECT_NE(Error("name: p\nprogram:\n  command: [x]\n"
                  "  listen: [{name: a, tcp: '127.0.0.1:1'},"
                  " {name: a, tcp: '127.0.0.1:2'}]\n")
                .find("two listen sockets named 'a'"),
            std::string::npos);
  EXPECT_NE(Error("name: p\nprogram:\n  command: [x]\n"
                  "  listen: [{name: 'a:b', tcp: '127.0.0.1:1'}]\n")
                .find("letters, digits"),
            std::string::npos);  // ':' separates LISTEN_FDNAMES
  EXPECT_NE(Error("name: p\nprogram:\n  command: [x]\n  listen: []\n")
                .find("1 to 16 sockets"),
            std::string::npos);
}

TEST(ProgramLoaderTest, FilesNeedARelativeNameAndAnExistingTemplate) {
  EXPECT_EQ(Error("name: p\nprogram:\n  command: [x]\n"
                  "  files: {../x.conf: /etc/hostname}\n"),
            "t.yaml:4:11: error: a file name is a relative path under ${tmp} "
            "(letters, digits, . _ - /, no '..'), got '../x.conf'");
  EXPECT_NE(Error("name: p\nprogram:\n  command: [x]\n"
                  "  files: {x.conf: /no/such/template}\n")
                .find("template '/no/such/template' is not a file"),
            std::string::npos);
  absl::StatusOr<Scenario> s = LoadScenarioText(
      "name: p\nprogram:\n  command: [x]\n"
      "  files: {conf/x.conf: /etc/hostname}\n",
      "t.yaml");
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->program->files.size(), 1u);
  EXPECT_EQ(s->program->files[0].name, "conf/x.conf");
}

TEST(ProgramLoaderTest, ExpandsTrialVariables) {
  TrialVars v{{4000, 4001}, "/tmp/t", "/bin", "/s"};
  EXPECT_EQ(ExpandVars("${bin}/x --port ${port} --admin ${port2} ${tmp}", v),
            "/bin/x --port 4000 --admin 4001 /tmp/t");
  EXPECT_EQ(ExpandVars("no vars", v), "no vars");
}

}  // namespace
}  // namespace faultlab::program
