// End-to-end: faults raised inside a real program by the preloaded
// injector (workers/inject/). The handshake, a fault in a chosen thread
// with its crash record and symbolised stack, an abort after a time, the
// count across fork (inherited and reset), and "not injectable" for a
// static binary and for a parent that scrubs the environment.
#include <gtest/gtest.h>

#include <string>

#include "tests/e2e_util.h"

namespace faultlab::testing {
namespace {

using nlohmann::json;

// A scenario around the test subject (workers/inject/inject_subject.cc).
std::string Subject(const std::string& command, const std::string& roles,
                    const std::string& fault, const std::string& expect = "",
                    int deadline_ms = 700) {
  return WriteScenario(
      "name: inject\nseed: 3\ndeadline_ms: " + std::to_string(deadline_ms) +
      "\nprogram:\n  command: " + command +
      "\n  ready: {line: ready, timeout_ms: 3000}\n" + roles + "fault:\n" +
      fault + expect);
}

const json* ProcessOf(const json& program, int pid) {
  for (const json& p : program["processes"])
    if (p["pid"] == pid) return &p;
  return nullptr;
}

bool HasFunction(const json& frames, const std::string& name,
                 const std::string& file) {
  for (const json& f : frames)
    if (f["function"].get<std::string>().find(name) != std::string::npos &&
        f["file"].get<std::string>().find(file) != std::string::npos)
      return true;
  return false;
}

TEST(E2eInjectTest, SegfaultRaisedInTheChosenThreadIsRecordedInside) {
  RunOutput r =
      RunFaultlab({"run", Subject(R"(["${bin}/inject-subject", "serve"])", "",
                                  "  kind: segfault\n"
                                  "  variant: wild_pointer\n"
                                  "  target: program\n"
                                  "  thread: pump-b\n"
                                  "  trigger: {call: write, "
                                  "after_calls: 20}\n",
                                  "expect:\n  process:\n    roles: "
                                  "{program: crashed}\n")});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json& p = Program(r.json);
  const json& x = p["raised"];
  // The handshake: the process armed, and was chosen.
  EXPECT_TRUE(x["injectable"].get<bool>());
  EXPECT_EQ(x["handshakes"], 1);
  ASSERT_EQ(p["processes"].size(), 1u);
  const json& proc = p["processes"][0];
  EXPECT_TRUE(proc["injector"]["armed"].get<bool>());
  // Only pump-b's calls count: pump-a writes as often, and is not counted.
  EXPECT_EQ(proc["injector"]["calls"], 20);
  EXPECT_EQ(x["call_count"], 20);
  EXPECT_EQ(x["thread"], "pump-b");
  EXPECT_EQ(x["pid"], proc["pid"]);
  EXPECT_EQ(p["fault"]["delivery"], "raised");
  EXPECT_EQ(p["fault"]["si_code"], nullptr);  // not sent: no SI_USER
  // A real invalid access at a real address, taken in that thread.
  const json& crash = proc["injector"]["crash"];
  EXPECT_EQ(crash["signal"], "SIGSEGV");
  EXPECT_EQ(crash["si_code"], "SEGV_MAPERR");
  EXPECT_NE(crash["address"].get<uint64_t>(), 0u);
  EXPECT_EQ(crash["address"], x["address"]);
  EXPECT_EQ(crash["thread"], "pump-b");
  EXPECT_EQ(proc["outcome"], "crashed");
  EXPECT_EQ(proc["signal"], "SIGSEGV");
  // The crashing thread's stack, symbolised outside the dead process.
  const json& stack = Trial(r.json, "process")["crash"];
  EXPECT_EQ(stack["thread"], "pump-b");
  EXPECT_EQ(stack["si_code"], "SEGV_MAPERR");
  EXPECT_TRUE(HasFunction(stack["frames"], "Pump", "inject_subject.cc"))
      << stack["frames"].dump();
  EXPECT_TRUE(HasFunction(stack["frames"], "write", "inject.cc"))
      << stack["frames"].dump();
}

// A crash of the program's own at a pc mapped nowhere (a call through a
// wild function pointer): the injector's recorder must not read there
// (backtrace() would, and fault inside the handler), and still names the
// caller from the return address on top of the stack.
TEST(E2eInjectTest, ACallToAWildAddressIsRecordedWithItsCaller) {
  RunOutput r = RunFaultlab(
      {"run", Subject(R"(["${bin}/inject-subject", "wild"])", "",
                      "  kind: segfault\n  target: program\n"
                      "  trigger: {call: write, after_calls: 1000000}\n",
                      "", 2000)});
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.out << r.err;
  const json& proc = Program(r.json)["processes"][0];
  EXPECT_EQ(proc["signal"], "SIGSEGV") << proc.dump();
  const json& crash = proc["injector"]["crash"];
  ASSERT_TRUE(crash.is_object()) << proc.dump();
  EXPECT_EQ(crash["signal"], "SIGSEGV");
  const json& stack = Trial(r.json, "process")["crash"];
  ASSERT_GE(stack["frames"].size(), 2u) << stack.dump();
  EXPECT_EQ(stack["frames"][0]["address"], "0x7ead0badc0de") << stack.dump();
  EXPECT_TRUE(HasFunction(stack["frames"], "CallWild", "inject_subject.cc"))
      << stack["frames"].dump();
}

TEST(E2eInjectTest, TheProgramsOwnHandlerRunsAndIsRecorded) {
  RunOutput r = RunFaultlab(
      {"run", Subject(R"(["${bin}/inject-subject", "handler"])", "",
                      "  kind: segfault\n  target: program\n"
                      "  thread: pump-b\n"
                      "  trigger: {call: write, after_calls: 5}\n")});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json& p = Program(r.json);
  const json& proc = p["processes"][0];
  // Its handler ran (and exited 42) behind the injector's recorder.
  EXPECT_EQ(proc["exit_code"], 42) << proc.dump();
  EXPECT_TRUE(p["raised"]["program_handler"].get<bool>());
  EXPECT_TRUE(p["raised"]["program_handler_ran"].get<bool>());
  const json& crash = proc["injector"]["crash"];
  EXPECT_EQ(crash["signal"], "SIGSEGV");
  EXPECT_EQ(crash["si_code"], "SEGV_MAPERR");
  EXPECT_EQ(crash["thread"], "pump-b");
  EXPECT_TRUE(crash["program_handler_ran"].get<bool>());
  EXPECT_NE(Trial(r.json, "process")["stderr"].get<std::string>().find(
                "my own SIGSEGV handler ran"),
            std::string::npos);
}

TEST(E2eInjectTest, AbortAfterATimeInAThreadByName) {
  RunOutput r = RunFaultlab(
      {"run", Subject(R"(["${bin}/inject-subject", "serve"])", "",
                      "  kind: abort\n  target: program\n  thread: pump-a\n"
                      "  trigger: {after_ms: 100}\n")});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json& p = Program(r.json);
  const json& proc = p["processes"][0];
  EXPECT_EQ(proc["signal"], "SIGABRT");
  EXPECT_EQ(proc["injector"]["crash"]["thread"], "pump-a");
  EXPECT_EQ(proc["injector"]["crash"]["si_code"], "SI_TKILL");
  EXPECT_GE(p["fault"]["t_ms"].get<double>(), 100.0);
}

TEST(E2eInjectTest, HeapOverrunOfALiveBlockIsFoundByTheProgramsAllocator) {
  // pump-a's blocks sit below the top chunk of its arena: 64 bytes past
  // the end of either reach the top chunk's header, which glibc checks at
  // the next malloc from it or at the free of the block beside it.
  RunOutput r = RunFaultlab(
      {"run", Subject(R"(["${bin}/inject-subject", "serve"])", "",
                      "  kind: heap_overwrite\n  target: program\n"
                      "  thread: pump-a\n"
                      "  trigger: {call: malloc, after_calls: 10}\n")});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json& p = Program(r.json);
  EXPECT_EQ(p["raised"]["thread"], "pump-a");
  EXPECT_EQ(p["raised"]["call"], "malloc");
  EXPECT_NE(p["raised"]["address"].get<uint64_t>(), 0u);  // the block's end
  const json& proc = p["processes"][0];
  EXPECT_EQ(proc["signal"], "SIGABRT") << proc.dump();
  // Raised by glibc's own check in the thread that freed the block.
  EXPECT_EQ(proc["injector"]["crash"]["thread"], "pump-a");
  EXPECT_EQ(proc["injector"]["crash"]["signal"], "SIGABRT");
}

TEST(E2eInjectTest, ALockNeverReleasedStopsEveryThreadThatNeedsIt) {
  RunOutput r = RunFaultlab(
      {"run", Subject(R"(["${bin}/inject-subject", "locks"])", "",
                      "  kind: deadlock\n  target: program\n"
                      "  trigger: {call: write, after_calls: 10}\n")});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json& p = Program(r.json);
  ASSERT_TRUE(p["fault"]["fired"].get<bool>());
  EXPECT_EQ(p["raised"]["variant"], "held_forever");
  EXPECT_NE(p["raised"]["address"].get<uint64_t>(), 0u);  // the mutex kept
  const json& proc = p["processes"][0];
  // Both threads write under the lock every 2 ms: with it held for good,
  // the 10th write after ready is the last one, for the remaining 600 ms.
  EXPECT_EQ(p["raised"]["call_count"], 10);
  EXPECT_EQ(proc["injector"]["calls"], 10);
  EXPECT_EQ(proc["outcome"], "completed");  // alive, stuck, until teardown
}

TEST(E2eInjectTest, ARandomCallNumberIsDrawnFromTheSeedAndHit) {
  RunOutput r = RunFaultlab(
      {"run", Subject(R"(["${bin}/inject-subject", "serve"])", "",
                      "  kind: segfault\n  target: program\n"
                      "  thread: pump-b\n"
                      "  trigger: {call: write, random_calls: 40}\n")});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json& t = Trial(r.json, "process");
  const json& x = t["program"]["raised"];
  EXPECT_TRUE(x["random_calls"].get<bool>());
  const uint64_t drawn = t["trigger_drawn"];
  EXPECT_GE(drawn, 1u);
  EXPECT_LE(drawn, 40u);
  EXPECT_EQ(x["after_calls"], drawn);
  EXPECT_EQ(x["call_count"], drawn);
}

std::string ForkFault(const std::string& mode, int after) {
  return "  kind: segfault\n  target: child\n  fork: " + mode +
         "\n  trigger: {call: write, after_calls: " + std::to_string(after) +
         "}\n";
}

constexpr char kForkRoles[] =
    "  roles:\n    - {name: parent, parent: none}\n"
    "    - {name: child, parent: parent}\n";

TEST(E2eInjectTest, CountAcrossForkIsInheritedOrReset) {
  // After ready the parent writes 10 times, then forks; the child writes 5
  // times.
  const std::string cmd = R"(["${bin}/inject-subject", "fork", "10"])";
  // Inherited: the child goes on from 10, so its 3rd write is call 13.
  RunOutput in = RunFaultlab(
      {"run", Subject(cmd, kForkRoles, ForkFault("inherit", 13), "", 1200)});
  ASSERT_EQ(in.exit_code, 0) << in.out << in.err;
  const json& p = Program(in.json);
  ASSERT_TRUE(p["fault"]["fired"].get<bool>()) << p["fault"].dump();
  EXPECT_EQ(p["raised"]["call_count"], 13);
  EXPECT_EQ(p["raised"]["thread"], "child");
  const json* child = ProcessOf(p, p["raised"]["pid"]);
  ASSERT_NE(child, nullptr);
  EXPECT_EQ(child->at("role"), "child");
  EXPECT_EQ(child->at("outcome"), "crashed");
  EXPECT_EQ(p["raised"]["handshakes"], 2);  // the parent, and its fork

  // Reset: the child counts from 0 and never reaches 13.
  RunOutput re = RunFaultlab(
      {"run", Subject(cmd, kForkRoles, ForkFault("reset", 13), "", 1200)});
  EXPECT_EQ(re.exit_code, 1) << re.out << re.err;
  const json& q = Program(re.json);
  EXPECT_FALSE(q["fault"]["fired"].get<bool>());
  EXPECT_NE(q["fault"]["note"].get<std::string>().find("needed 13"),
            std::string::npos)
      << q["fault"]["note"];
  int children = 0;
  for (const json& proc : q["processes"]) {
    if (proc["role"] != "child") continue;
    ++children;
    EXPECT_EQ(proc["injector"]["calls"], 5);
  }
  EXPECT_EQ(children, 1);
}

TEST(E2eInjectTest, StaticBinaryIsNotInjectable) {
  RunOutput r = RunFaultlab(
      {"run", Subject(R"(["${bin}/inject-subject-static", "serve"])", "",
                      "  kind: segfault\n  target: program\n"
                      "  trigger: {call: write, after_calls: 5}\n")});
  // Never a silent pass: the fault did not fire, and the trial says why.
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const json& p = Program(r.json);
  EXPECT_FALSE(p["fault"]["fired"].get<bool>());
  EXPECT_FALSE(p["raised"]["injectable"].get<bool>());
  EXPECT_EQ(p["raised"]["handshakes"], 0);
  EXPECT_NE(p["raised"]["precheck"].get<std::string>().find("static binary"),
            std::string::npos);
  const std::string note = p["fault"]["note"];
  EXPECT_NE(note.find("not injectable"), std::string::npos) << note;
  EXPECT_NE(note.find("no PT_INTERP"), std::string::npos) << note;
  EXPECT_EQ(p["processes"][0]["outcome"], "completed");  // ran, unfaulted
}

TEST(E2eInjectTest, AParentThatScrubsTheEnvironmentIsNotInjectable) {
  RunOutput r = RunFaultlab(
      {"run", Subject(R"(["env", "-i", "${bin}/inject-subject", "serve"])", "",
                      "  kind: segfault\n  target: program\n"
                      "  trigger: {call: write, after_calls: 5}\n")});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const json& p = Program(r.json);
  EXPECT_FALSE(p["fault"]["fired"].get<bool>());
  EXPECT_FALSE(p["raised"]["injectable"].get<bool>());
  const std::string why = p["raised"]["not_injectable"];
  EXPECT_NE(why.find("exec'd without it"), std::string::npos) << why;
}

}  // namespace
}  // namespace faultlab::testing
