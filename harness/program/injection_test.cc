#include "harness/program/injection.h"

#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "harness/program/program_spec.h"
#include "harness/scenario_loader.h"

namespace faultlab::program {
namespace {

namespace fs = std::filesystem;

// A fresh directory for this test process, removed at its exit.
class TempDir {
 public:
  TempDir() {
    std::string t = fs::temp_directory_path() / "faultlab-inject-XXXXXX";
    path_ = mkdtemp(t.data()) ? t : "";
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

const std::string& Dir() {
  static TempDir d;
  return d.path();
}

std::string StaticSubject() {
  return std::string(FAULTLAB_BINARY_DIR) + "/bin/inject-subject-static";
}

TEST(InjectionTest, ADynamicLibcProgramLooksInjectable) {
  EXPECT_EQ(NotInjectableReason("/bin/true"), "");
}

TEST(InjectionTest, AStaticBinaryIsNotInjectable) {
  EXPECT_NE(NotInjectableReason(StaticSubject()).find("static binary"),
            std::string::npos);
}

TEST(InjectionTest, AScriptIsJudgedByItsInterpreter) {
  const std::string script = Dir() + "/script";
  std::ofstream(script) << "#!" << StaticSubject() << " serve\n";
  EXPECT_NE(NotInjectableReason(script).find("static binary"),
            std::string::npos);
  std::ofstream(script) << "#!/bin/sh\necho hi\n";
  EXPECT_EQ(NotInjectableReason(script), "");
}

TEST(InjectionTest, SetuidToAnotherUserIsNotInjectable) {
  const std::string copy = Dir() + "/suid-true";
  fs::copy_file("/bin/true", copy, fs::copy_options::overwrite_existing);
  const passwd* nobody = getpwnam("nobody");
  ASSERT_NE(nobody, nullptr);
  if (geteuid() == nobody->pw_uid) GTEST_SKIP() << "running as nobody";
  if (chown(copy.c_str(), nobody->pw_uid, getegid()) != 0)
    GTEST_SKIP() << "cannot chown here (not root)";
  ASSERT_EQ(chmod(copy.c_str(), 04755), 0);
  EXPECT_NE(NotInjectableReason(copy).find("setuid"), std::string::npos)
      << NotInjectableReason(copy);
}

TEST(InjectionTest, ResolvesThroughPath) {
  EXPECT_EQ(ResolveExecutable("true", "/nonexistent:/bin"), "/bin/true");
  EXPECT_EQ(ResolveExecutable("./x", "/bin"), "./x");
  EXPECT_EQ(ResolveExecutable("no-such-program-here", "/bin"), "");
}

TEST(InjectionTest, PreloadIsPrependedAndTheBoardNamed) {
  RaisedFault f;
  f.present = true;
  f.role = "program";
  const std::string lib = Dir() + "/libfaultlab-inject.so";
  std::ofstream(lib) << "";
  absl::StatusOr<std::unique_ptr<Injection>> in =
      Injection::Create(f, Dir(), lib, "/bin/true", 1);
  ASSERT_TRUE(in.ok()) << in.status();
  std::vector<std::string> env = {"PATH=/bin", "LD_PRELOAD=/opt/other.so",
                                  "FAULTLAB_INJECT=/stale"};
  (*in)->AddToEnv(&env);
  EXPECT_EQ(env, (std::vector<std::string>{
                     "PATH=/bin", "LD_PRELOAD=" + lib + ":/opt/other.so",
                     "FAULTLAB_INJECT=" + Dir() + "/inject.board"}));
  // No process armed: nothing fired, and the note says why.
  InjectObservation o = (*in)->Observe();
  EXPECT_FALSE(o.fired);
  EXPECT_FALSE(o.injectable);
  EXPECT_NE(o.note.find("no process of role 'program'"), std::string::npos);
  in->reset();
  fs::remove(Dir() + "/inject.board");
}

TEST(InjectionTest, AMissingLibraryIsTheHarnessError) {
  RaisedFault f;
  EXPECT_FALSE(
      Injection::Create(f, Dir(), Dir() + "/missing.so", "/bin/true", 1).ok());
}

TEST(InjectionTest, LoaderReadsARaisedFault) {
  absl::StatusOr<Scenario> s = LoadScenarioText(
      "name: p\ndeadline_ms: 900\nprogram:\n  command: [srv]\n"
      "  roles: [{name: master, parent: none}, {name: worker, parent: "
      "master}]\n"
      "fault: {kind: segfault, variant: stack_overflow, target: worker, "
      "which: 1, thread: conn-, fork: inherit,"
      " trigger: {call: accept, random_calls: 3, after_ms: 100}}\n",
      "t.yaml");
  ASSERT_TRUE(s.ok()) << s.status();
  const RaisedFault& f = s->program->raised;
  EXPECT_TRUE(f.present);
  EXPECT_FALSE(s->program->fault.present);
  EXPECT_EQ(f.action, inject::Action::kStackOverflow);
  EXPECT_EQ(f.which, Which::kIndex);
  EXPECT_EQ(f.index, 1u);
  EXPECT_EQ(f.thread, "conn-");
  EXPECT_EQ(f.fork, inject::ForkMode::kInherit);
  EXPECT_EQ(f.call, inject::Call::kAccept);
  EXPECT_EQ(f.random_calls, 3u);
  EXPECT_EQ(f.after_ms, 100u);
}

TEST(InjectionTest, LoaderRefusesARaisedFaultWithAPosition) {
  auto error = [](const std::string& fault) {
    absl::StatusOr<Scenario> s = LoadScenarioText(
        "name: p\nprogram:\n  command: [srv]\nfault: " + fault + "\n",
        "t.yaml");
    return s.ok() ? "" : std::string(s.status().message());
  };
  EXPECT_EQ(error("{kind: segfault, target: program, trigger: {call: recv, "
                  "after_calls: 2}, thread: a-name-longer-than-15}"),
            "t.yaml:4:89: error: thread is a thread-name prefix of 1 to 15 "
            "bytes (Linux thread names are at most 15)");
  EXPECT_NE(error("{kind: hang, variant: spin, target: program, trigger: "
                  "{after_ms: 5}}")
                .find("unknown hang variant 'spin'; expected one of: busy, "
                      "sleep"),
            std::string::npos);
  EXPECT_NE(error("{kind: abort, target: program, trigger: {call: recvv, "
                  "after_calls: 2}}")
                .find("unknown call 'recvv'"),
            std::string::npos);
  EXPECT_NE(error("{kind: abort, target: program, signal: SIGSEGV, trigger: "
                  "{after_ms: 5}}")
                .find("unknown key 'signal' in a raised fault"),
            std::string::npos);
}

}  // namespace
}  // namespace faultlab::program
