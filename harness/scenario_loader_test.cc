#include "harness/scenario_loader.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "harness/trial.h"

namespace faultlab {
namespace {

constexpr char kGood[] = R"(name: demo
seed: 7
deadline_ms: 2000
workers:
  - role: producer
    messages: 100
  - role: relay
  - role: sink
    count: 3
channels:
  - {kind: pipe, from: producer, to: relay}
  - {kind: socket, from: relay, to: sink}
fault:
  target: relay
  kind: segfault
  variant: wild_pointer
  trigger: {after_messages: 10}
expect:
  thread: {target: crashed, others: collateral, blast_radius: ">0"}
  process: {target: crashed, others: [completed, disconnected], blast_radius: 0}
)";

std::string ErrorOf(const std::string& text) {
  absl::StatusOr<Scenario> s = LoadScenarioText(text, "x.yaml");
  EXPECT_FALSE(s.ok());
  return std::string(s.status().message());
}

TEST(ScenarioLoaderTest, ExpandsGroupsAndChannels) {
  absl::StatusOr<Scenario> s = LoadScenarioText(kGood, "x.yaml");
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->workers.size(), 5u);
  EXPECT_EQ(s->workers[2].name, "sink[0]");
  EXPECT_EQ(s->workers[4].name, "sink[2]");
  ASSERT_EQ(s->channels.size(), 4u);  // 1 + relay fanned out to 3 sinks
  EXPECT_EQ(s->channels[3].name, "relay[0]->sink[2]");
  EXPECT_EQ(s->channels[1].kind, ChannelKind::kSocket);
  EXPECT_EQ(s->faults[0].target, 1);
  EXPECT_EQ(s->faults[0].variant, FaultVariant::kWildPointer);
  EXPECT_EQ(s->faults[0].trigger_value, 10u);
  EXPECT_EQ(s->expect.at("thread").blast_radius->op, ">");
  EXPECT_EQ(s->expect.at("process").others->size(), 2u);
  EXPECT_EQ(s->placements.size(), 2u);
}

TEST(ScenarioLoaderTest, MisspeltKeyNamesLineColumnAndSuggestion) {
  std::string bad = kGood;
  bad.replace(bad.find("    messages: 100"), 17, "    mesages: 100");
  std::string e = ErrorOf(bad);
  EXPECT_EQ(e.rfind("x.yaml:6:5: error: unknown key 'mesages'", 0), 0u) << e;
  EXPECT_NE(e.find("did you mean 'messages'?"), std::string::npos) << e;
}

TEST(ScenarioLoaderTest, UnknownWorkerInChannelIsAnError) {
  std::string bad = kGood;
  bad.replace(bad.find("to: relay}"), 9, "to: relya");
  std::string e = ErrorOf(bad);
  EXPECT_NE(e.find("x.yaml:11:38:"), std::string::npos) << e;
  EXPECT_NE(e.find("no worker or group named 'relya'; did you mean 'relay'?"),
            std::string::npos)
      << e;
}

TEST(ScenarioLoaderTest, AGroupTargetGivesEachMemberTheFault) {
  std::string text = kGood;
  text.replace(text.find("target: relay"), 13, "target: sink");
  text.replace(text.find("{after_messages: 10}"), 20, "{random: true}");
  absl::StatusOr<Scenario> s = LoadScenarioText(text, "x.yaml");
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->faults.size(), 3u);
  for (int k = 0; k < 3; ++k) {
    EXPECT_EQ(s->faults[k].target, 2 + k);
    EXPECT_EQ(s->faults[k].entry, 0);
    EXPECT_EQ(s->faults[k].target_text, "sink");
    EXPECT_EQ(s->faults[k].variant, FaultVariant::kWildPointer);
  }
  EXPECT_TRUE(s->IsTarget(4));
  EXPECT_FALSE(s->IsTarget(1));
  // Each member draws its own random trigger from the seed.
  TrialPlan plan = MakePlan(*s, s->placements[0], 7);
  ASSERT_EQ(plan.trigger_values.size(), 3u);
  EXPECT_NE(plan.trigger_values[0], plan.trigger_values[1]);
  EXPECT_EQ(MakePlan(*s, s->placements[1], 7).trigger_values,
            plan.trigger_values);
}

TEST(ScenarioLoaderTest, SeveralFaultsEachWithItsOwnTargetAndTrigger) {
  std::string text = kGood;
  std::string faults = R"(faults:
  - {target: relay, kind: segfault, trigger: {after_messages: 10}}
  - {target: "sink[2]", kind: abort, trigger: {after_ms: 50}}
)";
  text.replace(text.find("fault:"), text.find("expect:") - text.find("fault:"),
               faults);
  absl::StatusOr<Scenario> s = LoadScenarioText(text, "x.yaml");
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->faults.size(), 2u);
  EXPECT_EQ(s->faults[1].target, 4);
  EXPECT_EQ(s->faults[1].entry, 1);
  EXPECT_EQ(s->faults[1].kind, FaultKind::kAbort);
  EXPECT_EQ(s->faults[1].trigger, TriggerKind::kAfterMs);
  EXPECT_EQ(s->FaultOf(4), &s->faults[1]);

  std::string twice = text;
  twice.replace(twice.find("target: \"sink[2]\""), 17, "target: sink");
  twice.replace(twice.find("target: relay"), 13, "target: \"sink[0]\"");
  EXPECT_EQ(ErrorOf(twice),
            "x.yaml:15:14: error: sink[0] already takes fault 1; a worker "
            "takes at most one fault outside fault points (faults with 'at:' "
            "may be added)");
  std::string both = text;
  both.insert(both.find("faults:"), "fault: {kind: none}\n");
  EXPECT_NE(ErrorOf(both).find("give 'fault' (one) or 'faults' (a list), not "
                               "both"),
            std::string::npos);
  std::string empty = text;
  empty.replace(empty.find("faults:"), faults.size(), "faults: []\n");
  EXPECT_NE(ErrorOf(empty).find("expected 'faults' as a non-empty list"),
            std::string::npos)
      << ErrorOf(empty);
}

// Faults at fault points add up on one worker; a park names the point of
// another worker that ends it, and its longest wait.
TEST(ScenarioLoaderTest, SeveralPointFaultsPerWorkerAndParks) {
  std::string text = kGood;
  std::string faults = R"(faults:
  - {target: relay, kind: segfault, trigger: {after_messages: 10}}
  - {target: relay, at: relay.forward, kind: error, trigger: {every: 3}}
  - {target: relay, at: relay.forward, kind: park, timeout_ms: 500,
     until: {worker: "sink[1]", at: sink.receive, hits: 4}}
)";
  text.replace(text.find("fault:"), text.find("expect:") - text.find("fault:"),
               faults);
  absl::StatusOr<Scenario> s = LoadScenarioText(text, "x.yaml");
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->faults.size(), 3u);
  EXPECT_EQ(s->FaultOf(1), &s->faults[0]);  // its one fault outside points
  const Fault& park = s->faults[2];
  EXPECT_EQ(park.kind, FaultKind::kPark);
  EXPECT_EQ(park.until_worker, 3);
  EXPECT_EQ(park.until_at, "sink.receive");
  EXPECT_EQ(park.until_hits, 4u);
  EXPECT_EQ(park.park_timeout_ms, 500u);
  EXPECT_EQ(park.until_at_line, 17);
  EXPECT_EQ(park.until_at_col, 37);

  auto with = [&](const std::string& from, const std::string& to) {
    std::string t = text;
    t.replace(t.find(from), from.size(), to);
    return ErrorOf(t);
  };
  EXPECT_EQ(with("worker: \"sink[1]\"", "worker: relay"),
            "x.yaml:17:22: error: a park waits for another worker; relay[0] "
            "cannot wake itself");
  EXPECT_EQ(with("worker: \"sink[1]\"", "worker: sink"),
            "x.yaml:17:22: error: worker 'sink' names 3 workers; name exactly "
            "one, e.g. 'sink[0]'");
  EXPECT_EQ(with("timeout_ms: 500,", ""),
            "x.yaml:16:5: error: a park fault needs 'timeout_ms'");
  EXPECT_EQ(with("kind: park", "kind: delay, delay_ms: 3"),
            "x.yaml:17:13: error: 'until' is for faults of kind park");
  EXPECT_NE(with("at: sink.receive, hits: 4", "at: sink.receive, hits: 0")
                .find("x.yaml:17:57: error:"),
            std::string::npos);
  EXPECT_NE(with("at: relay.forward, kind: park", "kind: park")
                .find("fault 'park' happens at a fault point"),
            std::string::npos);
}

TEST(ScenarioLoaderTest, NegativeAndAbsurdNumbersAreErrors) {
  std::string bad = kGood;
  bad.replace(bad.find("count: 3"), 8, "count: -1");
  EXPECT_NE(ErrorOf(bad).find("count must be between 1 and 64, got -1"),
            std::string::npos);
  bad = kGood;
  bad.replace(bad.find("deadline_ms: 2000"), 17, "deadline_ms: 99999999");
  EXPECT_NE(ErrorOf(bad).find("x.yaml:3:14: error: deadline_ms must be"),
            std::string::npos);
  bad = kGood;
  bad.replace(bad.find("messages: 100"), 13, "messages: lots");
  EXPECT_NE(ErrorOf(bad).find("expected an integer (decimal, 0x hex or 0o "
                              "octal) for messages, got 'lots'"),
            std::string::npos);
}

// Numbers and booleans read as YAML 1.2 and the JSON Schema read them, so an
// editor and faultlab never disagree on a value.
TEST(ScenarioLoaderTest, NumbersAreDecimalAndBooleansAreTrueOrFalse) {
  std::string text = kGood;
  text.replace(text.find("deadline_ms: 2000"), 17, "deadline_ms: 0100");
  text.replace(text.find("messages: 100"), 13, "messages: 0x20");
  absl::StatusOr<Scenario> s = LoadScenarioText(text, "x.yaml");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->deadline_ms, 100);          // not octal 64
  EXPECT_EQ(s->workers[0].messages, 32u);  // YAML 1.2 hex
  for (const char* odd : {"0o19", "12.5", "0x", "ten", "1_000"}) {
    std::string bad = kGood;
    bad.replace(bad.find("messages: 100"), 13, std::string("messages: ") + odd);
    EXPECT_NE(ErrorOf(bad).find(absl::StrCat("for messages, got '", odd, "'")),
              std::string::npos)
        << odd << ": " << ErrorOf(bad);
  }
  // JSON Schema counts 12.0 and 1e3 as integers; so does the loader. A
  // quoted "10" is a string to both.
  std::string floaty = kGood;
  floaty.replace(floaty.find("messages: 100"), 13, "messages: 1e3");
  s = LoadScenarioText(floaty, "x.yaml");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->workers[0].messages, 1000u);
  std::string quoted = kGood;
  quoted.replace(quoted.find("messages: 100"), 13, "messages: \"100\"");
  EXPECT_NE(ErrorOf(quoted).find("for messages, got '100'"), std::string::npos)
      << ErrorOf(quoted);
  std::string empty = kGood;
  empty.replace(empty.find("messages: 100"), 13, "messages:");
  EXPECT_NE(ErrorOf(empty).find("for messages, got nothing"),
            std::string::npos);
  std::string yes = kGood;
  yes.replace(yes.find("variant: wild_pointer"), 21,
              "variant: wild_pointer\n  in_lock: yes");
  EXPECT_NE(ErrorOf(yes).find("expected true or false for in_lock"),
            std::string::npos)
      << ErrorOf(yes);
}

TEST(ScenarioLoaderTest, BadEnumsAndOutcomesSuggest) {
  std::string bad = kGood;
  bad.replace(bad.find("kind: segfault"), 14, "kind: segfalt");
  EXPECT_NE(ErrorOf(bad).find("did you mean 'segfault'?"), std::string::npos);
  bad = kGood;
  bad.replace(bad.find("others: collateral"), 18, "others: colateral");
  EXPECT_NE(ErrorOf(bad).find(
                "unknown outcome 'colateral'; did you mean 'collateral'?"),
            std::string::npos);
  bad = kGood;
  bad.replace(bad.find("variant: wild_pointer"), 21, "variant: lock_order");
  EXPECT_NE(ErrorOf(bad).find("fault 'segfault' has no variant 'lock_order'"),
            std::string::npos);
}

TEST(ScenarioLoaderTest, SyntaxErrorsCarryPosition) {
  std::string e = ErrorOf("name: x\nworkers: [ {role: producer\n");
  EXPECT_EQ(e.rfind("x.yaml:", 0), 0u) << e;
  EXPECT_NE(e.find(": error: "), std::string::npos) << e;
  EXPECT_NE(ErrorOf("").find("x.yaml:1:1: error: the file is empty"),
            std::string::npos);
  EXPECT_NE(ErrorOf("- 1\n- 2\n").find("expected the scenario as a mapping"),
            std::string::npos);
}

TEST(ScenarioLoaderTest, MissingRequiredKeysAndTriggerRules) {
  EXPECT_NE(ErrorOf("name: x\n").find("the scenario needs 'workers'"),
            std::string::npos);
  std::string bad = kGood;
  bad.replace(bad.find("{after_messages: 10}"), 20,
              "{after_messages: 10, after_ms: 5}");
  EXPECT_NE(ErrorOf(bad).find("exactly one of"), std::string::npos);
  bad = kGood;
  bad.replace(bad.find("{after_messages: 10}"), 20, "{after_ms: 5000}");
  EXPECT_NE(ErrorOf(bad).find("after_ms must be below the deadline"),
            std::string::npos);
}

TEST(ScenarioLoaderTest, ExpectationForAPlacementNotRunIsAnError) {
  std::string bad = kGood;
  bad.replace(bad.find("seed: 7"), 7, "seed: 7\nplacements: [thread]");
  EXPECT_NE(ErrorOf(bad).find("which 'placements' does not run"),
            std::string::npos);
}

TEST(ScenarioLoaderTest, WorkersWithNothingToDoAreErrors) {
  EXPECT_NE(
      ErrorOf("name: x\nworkers:\n  - {role: producer}\n  - {role: sink}\n")
          .find("x.yaml:3:3: error: producer[0] (producer) has no output "
                "channel"),
      std::string::npos);
  EXPECT_NE(
      ErrorOf("name: x\nworkers:\n  - {role: producer}\n  - {role: relay}\n"
              "  - {role: sink}\nchannels:\n  - {from: producer, to: sink}\n")
          .find("relay[0] (relay) has no input channel"),
      std::string::npos);
}

// Topologies whose streams no reader could check are errors, not runs that
// end "corrupted" with no fault in them.
TEST(ScenarioLoaderTest, StreamsMustStayCheckable) {
  EXPECT_NE(ErrorOf("name: x\nworkers:\n  - {role: producer, count: 2}\n"
                    "  - {role: relay}\n  - {role: sink}\nchannels:\n"
                    "  - {from: producer, to: relay}\n"
                    "  - {from: relay, to: sink}\n")
                .find("x.yaml:7:5: error: relay[0] (relay) already reads "
                      "producer[0]->relay[0]; a relay forwards one stream"),
            std::string::npos);
  EXPECT_NE(ErrorOf("name: x\nworkers:\n  - {role: producer}\n"
                    "  - {role: locker}\n  - {role: sink, count: 2}\n"
                    "channels:\n  - {from: producer, to: locker}\n"
                    "  - {from: locker, to: sink}\n")
                .find("locker[0] (locker) has 2 output channels but 1 inputs"),
            std::string::npos);
  // A ring of pass-throughs that no producer feeds would carry nothing.
  EXPECT_NE(ErrorOf("name: x\nworkers:\n  - {role: relay, count: 2}\n"
                    "  - {role: sink}\nchannels:\n"
                    "  - {from: \"relay[0]\", to: \"relay[1]\"}\n"
                    "  - {from: \"relay[1]\", to: \"relay[0]\"}\n"
                    "  - {from: \"relay[1]\", to: sink}\n")
                .find("channel relay[0]->relay[1] is fed only by a loop that "
                      "no producer feeds (relay[0]->relay[1], "
                      "relay[1]->relay[0])"),
            std::string::npos);
  // Several inputs into a sink are fine: it checks each stream on its own.
  EXPECT_TRUE(LoadScenarioText("name: x\nworkers:\n"
                               "  - {role: producer, count: 2}\n"
                               "  - {role: sink}\nchannels:\n"
                               "  - {from: producer, to: sink}\n",
                               "x.yaml")
                  .ok());
}

TEST(ScenarioLoaderTest, ChannelNamesAreKeptAndNumbered) {
  absl::StatusOr<Scenario> s = LoadScenarioText(
      "name: x\nworkers:\n  - {role: producer}\n  - {role: sink, count: 2}\n"
      "channels:\n  - {from: producer, to: sink, name: feed}\n",
      "x.yaml");
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->channels.size(), 2u);
  EXPECT_EQ(s->channels[0].name, "feed[0]");
  EXPECT_EQ(s->channels[1].name, "feed[1]");
  s = LoadScenarioText(
      "name: x\nworkers:\n  - {role: producer}\n  - {role: sink}\n"
      "channels:\n  - {from: producer, to: sink, name: feed}\n",
      "x.yaml");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->channels[0].name, "feed");
  EXPECT_NE(ErrorOf("name: x\nworkers:\n  - {role: producer, count: 2}\n"
                    "  - {role: sink}\nchannels:\n"
                    "  - {from: \"producer[0]\", to: sink, name: feed}\n"
                    "  - {from: \"producer[1]\", to: sink, name: feed}\n")
                .find("x.yaml:7:43: error: a channel named 'feed' exists"),
            std::string::npos)
      << "duplicate";
}

TEST(ScenarioLoaderTest, DuplicateKeysAndBadNames) {
  EXPECT_NE(ErrorOf("name: x\nname: y\nworkers: [{role: idle}]\n")
                .find("x.yaml:2:1: error: key 'name' given twice"),
            std::string::npos);
  EXPECT_NE(ErrorOf("name: x\nworkers: [{role: idle, name: \"a b\"}]\n")
                .find("a worker name needs 1 to 18 letters"),
            std::string::npos);
}

TEST(ScenarioLoaderTest, NearestName) {
  EXPECT_EQ(NearestName("procuder", {"producer", "relay"}), "producer");
  EXPECT_EQ(NearestName("zzzzzz", {"producer", "relay"}), "");
}

TEST(ScenarioLoaderTest, ShmHeartbeatAndInLock) {
  constexpr char kShm[] = R"(name: shm
workers:
  - role: producer
  - role: sink
channels:
  - {kind: shm, from: producer, to: sink, buffer: 8192, heartbeat_ms: 0}
fault: {target: sink, kind: segfault, in_lock: true}
)";
  absl::StatusOr<Scenario> s = LoadScenarioText(kShm, "x.yaml");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->channels[0].heartbeat_ms, 0u);
  EXPECT_TRUE(s->faults[0].in_lock);
  std::string dflt = kShm;
  dflt.replace(dflt.find(", heartbeat_ms: 0"), 17, "");
  s = LoadScenarioText(dflt, "x.yaml");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->channels[0].heartbeat_ms, 250u);
  EXPECT_FALSE(LoadScenarioText(kGood, "x.yaml")->faults[0].in_lock);
  // Below the workers' 20 ms beat a live peer would look dead.
  std::string tight = kShm;
  tight.replace(tight.find("heartbeat_ms: 0"), 15, "heartbeat_ms: 10");
  EXPECT_NE(ErrorOf(tight).find("x.yaml:6:71: error: heartbeat_ms must be 0 "
                                "(no heartbeat) or at least 100"),
            std::string::npos)
      << ErrorOf(tight);
}

TEST(ScenarioLoaderTest, ShmKeysAreCheckedAgainstTheChannels) {
  std::string bad = kGood;
  bad.replace(bad.find("{kind: pipe, from: producer, to: relay}"), 39,
              "{kind: pipe, from: producer, to: relay, heartbeat_ms: 5}");
  EXPECT_NE(ErrorOf(bad).find("heartbeat_ms applies to shm channels only"),
            std::string::npos);
  bad = kGood;
  bad.replace(bad.find("  kind: segfault\n"), 17,
              "  kind: segfault\n  in_lock: true\n");
  EXPECT_NE(ErrorOf(bad).find("in_lock needs a target with at least one shm"),
            std::string::npos);
  bad = kGood;
  bad.replace(bad.find("{kind: pipe, from: producer, to: relay}"), 39,
              "{kind: shm, from: producer, to: relay, buffer: 4096}");
  bad.replace(bad.find("messages: 100"), 13, "payload: 8192");
  EXPECT_NE(ErrorOf(bad).find("cannot hold one frame"), std::string::npos);
}

// kGood with `placements:` and `expect:` replaced.
std::string WithPlacements(const std::string& placements,
                           const std::string& expect = "") {
  std::string text = kGood;
  text.erase(text.find("expect:"));
  return absl::StrCat(text, "placements: ", placements, "\n", expect);
}

TEST(ScenarioLoaderTest, PlacementsDefaultToThreadAndProcess) {
  absl::StatusOr<Scenario> s = LoadScenarioText(kGood, "x.yaml");
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->placements.size(), 2u);
  EXPECT_EQ(s->placements[0].name, "thread");
  EXPECT_EQ(s->placements[0].groups,
            (std::vector<std::vector<int>>{{0, 1, 2, 3, 4}}));
  EXPECT_EQ(s->placements[1].name, "process");
  EXPECT_EQ(s->placements[1].groups,
            (std::vector<std::vector<int>>{{0}, {1}, {2}, {3}, {4}}));
}

TEST(ScenarioLoaderTest, NamedGroupingsInAListOrAMapping) {
  // A list: built-ins and one-key mappings; a group is a name or a list.
  absl::StatusOr<Scenario> s = LoadScenarioText(
      WithPlacements("[process, {split: [[producer, relay], sink]}]",
                     "expect:\n  split: {target: crashed, blast_radius: 1}\n"),
      "x.yaml");
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->placements.size(), 2u);
  EXPECT_EQ(s->placements[1].name, "split");
  EXPECT_EQ(s->placements[1].groups,
            (std::vector<std::vector<int>>{{0, 1}, {2, 3, 4}}));
  EXPECT_EQ(s->expect.at("split").blast_radius->value, 1);
  ASSERT_NE(s->FindPlacement("split"), nullptr);
  EXPECT_EQ(s->FindPlacement("thread"), nullptr);
  // A mapping: name: layout, where a layout may be a built-in's.
  s = LoadScenarioText(
      WithPlacements("{thread: ~, apart: process, odd: [[\"sink[1]\", "
                     "producer], [relay, \"sink[0]\", \"sink[2]\"]]}"),
      "x.yaml");
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->placements.size(), 3u);
  EXPECT_EQ(s->placements[1].name, "apart");
  EXPECT_EQ(s->placements[1].groups.size(), 5u);
  EXPECT_EQ(s->placements[2].groups,
            (std::vector<std::vector<int>>{{0, 3}, {1, 2, 4}}));
}

TEST(ScenarioLoaderTest, GroupingErrorsNamePositionAndWorker) {
  EXPECT_EQ(ErrorOf(WithPlacements("{split: [[producer, relay], [relay]]}")),
            "x.yaml:18:42: error: relay[0] is already in group 1 of placement "
            "'split'; every worker must be in exactly one group");
  EXPECT_EQ(ErrorOf(WithPlacements("{split: [[producer, relay]]}")),
            "x.yaml:18:21: error: placement 'split' leaves out sink[0], "
            "sink[1], sink[2]; every worker must be in exactly one group");
  EXPECT_EQ(ErrorOf(WithPlacements("{split: [[producer, relay, sink], []]}")),
            "x.yaml:18:47: error: a group needs at least one worker");
  EXPECT_NE(ErrorOf(WithPlacements("{split: [[producer, relay, sinks]]}"))
                .find("x.yaml:18:40: error: no worker or group named 'sinks'; "
                      "did you mean 'sink'?"),
            std::string::npos);
  EXPECT_EQ(ErrorOf(WithPlacements("{thread: [[producer, relay, sink]]}")),
            "x.yaml:18:14: error: 'thread' is a built-in placement; name your "
            "grouping otherwise");
  EXPECT_EQ(ErrorOf(WithPlacements("[thread, thread]")),
            "x.yaml:18:22: error: placement 'thread' listed twice");
  EXPECT_NE(ErrorOf(WithPlacements("[thraed]"))
                .find("x.yaml:18:14: error: unknown placement 'thraed'"),
            std::string::npos);
  EXPECT_NE(ErrorOf(WithPlacements("{split: threads}"))
                .find("x.yaml:18:21: error: expected placement 'split' as "
                      "thread, process or a list of groups"),
            std::string::npos);
  EXPECT_NE(ErrorOf(WithPlacements("[]"))
                .find("x.yaml:18:13: error: expected "
                      "placements as a list"),
            std::string::npos);
  EXPECT_NE(ErrorOf(WithPlacements("[{a b: [relay]}]")).find("x.yaml:18:15: "),
            std::string::npos);
}

TEST(ScenarioLoaderTest, ExpectationsArePerPlacementName) {
  std::string e =
      ErrorOf(WithPlacements("[thread, {split: [[producer, relay], sink]}]",
                             "expect:\n  splt: {blast_radius: 1}\n"));
  EXPECT_EQ(e.rfind("x.yaml:20:3: error: unknown key 'splt' in 'expect'", 0),
            0u)
      << e;
  EXPECT_NE(e.find("did you mean 'split'?"), std::string::npos) << e;
  e = ErrorOf(WithPlacements("[thread]",
                             "expect:\n  process: {target: "
                             "crashed}\n"));
  EXPECT_EQ(e,
            "x.yaml:20:3: error: expectation for placement 'process', which "
            "'placements' does not run");
}

// Replaces the first `from` in kGood with `to`.
std::string Edit(const std::string& from, const std::string& to) {
  std::string s = kGood;
  size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

TEST(ScenarioLoaderTest, TriggersNeedOneRealForm) {
  std::string e = ErrorOf(Edit("{after_messages: 10}", "{after_messages: 0}"));
  EXPECT_NE(e.find("x.yaml:17:29: error: after_messages counts"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("after_ms: 0"), std::string::npos) << e;
  e = ErrorOf(Edit("{after_messages: 10}", "{random: false}"));
  EXPECT_NE(e.find("'random: false' is no trigger"), std::string::npos) << e;
  absl::StatusOr<Scenario> s =
      LoadScenarioText(Edit("{after_messages: 10}", "{random: true}"), "x");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_TRUE(s->faults[0].random_trigger);
  EXPECT_EQ(TriggerText(s->faults[0]),
            "random: after a message count drawn from each trial's seed");
  // No trigger at all: the fault is due at the start.
  s = LoadScenarioText(Edit("  trigger: {after_messages: 10}\n", ""), "x");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(TriggerText(s->faults[0]), "at the start, before any message");
}

TEST(ScenarioLoaderTest, TriggersThePlanShowsCannotFireAreRefused) {
  // The relay handles the producer's 100 messages, no more.
  EXPECT_TRUE(LoadScenarioText(
                  Edit("{after_messages: 10}", "{after_messages: 100}"), "x")
                  .ok());
  std::string e =
      ErrorOf(Edit("{after_messages: 10}", "{after_messages: 101}"));
  EXPECT_NE(e.find("beyond relay[0]'s planned 100 messages"), std::string::npos)
      << e;
  // An idle worker handles no messages at all.
  std::string idle =
      Edit("  - role: relay\n", "  - role: relay\n  - role: idle\n");
  idle.replace(idle.find("target: relay"), 13, "target: idle");
  e = ErrorOf(idle);
  EXPECT_NE(e.find("idle[0] (idle) handles no messages"), std::string::npos)
      << e;
  idle.replace(idle.find("{after_messages: 10}"), 20, "{random: true}");
  EXPECT_NE(ErrorOf(idle).find("handles no messages"), std::string::npos);
  idle.replace(idle.find("{random: true}"), 14, "{after_ms: 5}");
  EXPECT_TRUE(LoadScenarioText(idle, "x").ok());
}

TEST(ScenarioLoaderTest, KeysARoleOrFaultDoesNotUseAreRefused) {
  std::string e =
      ErrorOf(Edit("    count: 3\n", "    count: 3\n    messages: 5\n"));
  EXPECT_NE(e.find("'messages' has no meaning for a sink"), std::string::npos)
      << e;
  e = ErrorOf(Edit("  - role: relay\n", "  - role: relay\n    payload: 9\n"));
  EXPECT_NE(e.find("'payload' has no meaning for a relay"), std::string::npos)
      << e;
  e = ErrorOf(
      Edit("variant: wild_pointer", "variant: wild_pointer\n  exit_code: 4"));
  EXPECT_NE(e.find("'exit_code' has no meaning for fault 'segfault/"),
            std::string::npos)
      << e;
  std::string abort = Edit("  variant: wild_pointer\n", "");
  abort.replace(abort.find("kind: segfault"), 14, "kind: abort");
  ASSERT_TRUE(LoadScenarioText(abort, "x").ok());
  for (const char* key :
       {"exit_code: 1", "partner: producer", "bytes: 8", "sibling: producer"}) {
    std::string bad = abort;
    bad.replace(bad.find("kind: abort"), 11,
                std::string("kind: abort\n  ") + key);
    EXPECT_NE(ErrorOf(bad).find("has no meaning for fault 'abort"),
              std::string::npos)
        << key;
  }
  std::string bad = abort;
  bad.replace(bad.find("kind: abort"), 11, "kind: abort\n  variant: default");
  EXPECT_NE(ErrorOf(bad).find("fault 'abort' has no variants"),
            std::string::npos);
  // A sink's interval_us paces its reads; relays and sinks default to none.
  absl::StatusOr<Scenario> s = LoadScenarioText(
      Edit("    count: 3\n", "    count: 3\n    interval_us: 2000\n"), "x");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->workers[2].interval_us, 2000u);
  EXPECT_EQ(s->workers[1].interval_us, 0u);
  EXPECT_EQ(s->workers[0].interval_us, 1000u);
}

TEST(ScenarioLoaderTest, ChannelsThatCarryNothingAreRefused) {
  std::string e = ErrorOf(Edit("  - {kind: socket, from: relay, to: sink}\n",
                               "  - {kind: socket, from: relay, to: sink}\n"
                               "  - {from: \"sink[0]\", to: producer}\n"));
  EXPECT_NE(e.find("reads nothing, but sink[0]->producer[0] ends at it"),
            std::string::npos)
      << e;
  e = ErrorOf(Edit("  - {kind: socket, from: relay, to: sink}\n",
                   "  - {kind: socket, from: relay, to: sink}\n"
                   "  - {from: \"sink[0]\", to: \"sink[1]\"}\n"));
  EXPECT_NE(e.find("sink[0] (sink) writes nothing, but sink[0]->sink[1]"),
            std::string::npos)
      << e;
}

TEST(ScenarioLoaderTest, RatesPerPlacementAndPerCheck) {
  std::string text = kGood;
  text.replace(text.find("  thread: {"), std::string::npos,
               R"(  thread:
    rate: 0.8
    target: {is: crashed, rate: 0.9}
    others: collateral
    workers:
      sink: {is: [collateral, completed], rate: 0.5}
    blast_radius: {is: ">0", rate: 1}
  process: {target: crashed, contained: {is: true, rate: 0.95}}
)");
  absl::StatusOr<Scenario> s = LoadScenarioText(text, "x.yaml");
  ASSERT_TRUE(s.ok()) << s.status();
  const Expectation& t = s->expect.at("thread");
  EXPECT_EQ(t.RateOf("target"), 0.9);
  EXPECT_EQ(t.RateOf("others"), 0.8);  // the placement's rate
  EXPECT_EQ(t.RateOf("workers.sink"), 0.5);
  EXPECT_EQ(t.RateOf("blast_radius"), 1.0);
  EXPECT_EQ(t.target->size(), 1u);
  EXPECT_EQ(t.workers.at("sink").size(), 2u);
  EXPECT_EQ(t.blast_radius->op, ">");
  const Expectation& p = s->expect.at("process");
  EXPECT_EQ(p.RateOf("target"), 1.0);  // every trial by default
  EXPECT_EQ(p.RateOf("contained"), 0.95);
  EXPECT_TRUE(*p.contained);
}

TEST(ScenarioLoaderTest, BadRatesNameTheirPosition) {
  auto with = [](const std::string& expect) {
    std::string text = kGood;
    text.replace(text.find("  thread: {"), std::string::npos, expect);
    return ErrorOf(text);
  };
  std::string e = with("  thread: {target: crashed, rate: 1.5}\n");
  EXPECT_EQ(e.rfind("x.yaml:19:35: error: expected rate as a fraction", 0), 0u)
      << e;
  e = with("  thread: {target: {is: crashed, rate: 0}}\n");
  EXPECT_NE(e.find("x.yaml:19:40: error: expected rate"), std::string::npos)
      << e;
  e = with("  thread: {target: {is: crashed, rate: \"0.5\"}}\n");
  EXPECT_NE(e.find("error: expected rate"), std::string::npos) << e;
  e = with("  thread: {target: {rate: 0.5}}\n");
  EXPECT_NE(e.find("x.yaml:19:20: error: the check 'target' needs 'is'"),
            std::string::npos)
      << e;
  e = with("  thread: {target: {is: crashed, rat: 0.5}}\n");
  EXPECT_NE(e.find("unknown key 'rat'"), std::string::npos) << e;
  EXPECT_NE(e.find("did you mean 'rate'?"), std::string::npos) << e;
  e = with("  thread: {target: {is: crashd}}\n");
  EXPECT_NE(e.find("unknown outcome 'crashd'; did you mean 'crashed'?"),
            std::string::npos)
      << e;
}

TEST(ScenarioLoaderTest, FaultFiredExpectation) {
  absl::StatusOr<Scenario> s = LoadScenarioText(kGood, "x");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->expect.at("thread").fault_fired, true);
  s = LoadScenarioText(Edit("{target: crashed, others: collateral",
                            "{fault_fired: any, others: collateral"),
                       "x");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_FALSE(s->expect.at("thread").fault_fired.has_value());
  s = LoadScenarioText(Edit("{target: crashed, others: collateral",
                            "{fault_fired: false, others: collateral"),
                       "x");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->expect.at("thread").fault_fired, false);
  EXPECT_NE(ErrorOf(Edit("{target: crashed, others: collateral",
                         "{fault_fired: maybe, others: collateral"))
                .find("fault_fired (true, false or any)"),
            std::string::npos);
}

TEST(ScenarioLoaderTest, AnUnquotedIndexInAFlowMapGetsAHint) {
  std::string e = ErrorOf(
      "name: f\nworkers:\n  - role: producer\n  - {role: sink, count: 4}\n"
      "channels:\n  - {from: producer, to: sink[3]}\n");
  EXPECT_EQ(e,
            "x.yaml:6:30: error: end of map flow not found; hint: inside { } "
            "or [ ], quote a name with an index: \"sink[3]\" (unquoted, YAML "
            "reads its [ as the start of a list)");
  // A flow list of flow maps, and a fault's target.
  e = ErrorOf(
      "name: f\nworkers: [{role: producer}, {role: sink}]\n"
      "channels: [{from: producer, to: sink[0]}]\n");
  EXPECT_NE(e.find("hint: inside { } or [ ], quote a name with an index: "
                   "\"sink[0]\""),
            std::string::npos)
      << e;
  // Quoted already, or no index: the general hint.
  e = ErrorOf("name: f\nworkers: [{role: producer, messages: 3\n");
  EXPECT_NE(e.find("; hint: a { } or [ ] is not closed"), std::string::npos)
      << e;
}

}  // namespace
}  // namespace faultlab

namespace faultlab {
namespace {

// Any input is refused cleanly past 1 MiB, however it reads: a device that
// never ends, a file just too big.
TEST(ScenarioLoaderTest, InputIsCappedAtOneMebibyte) {
  absl::StatusOr<Scenario> s = LoadScenarioFile("/dev/zero");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(),
            "/dev/zero: error: more than 1024 KiB; a scenario file is at most "
            "1 MiB");
  const std::string path = ::testing::TempDir() + "/big.yaml";
  {
    std::string text =
        std::string(kGood) + "# " + std::string(kMaxScenarioBytes, 'x') + "\n";
    FILE* f = fopen(path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    fwrite(text.data(), 1, text.size(), f);
    fclose(f);
  }
  EXPECT_NE(LoadScenarioFile(path).status().message().find("at most 1 MiB"),
            std::string::npos);
  EXPECT_NE(LoadScenarioFile("/nonexistent/x.yaml")
                .status()
                .message()
                .find("cannot open the scenario file: No such file"),
            std::string::npos);
}

// Nesting deep enough to overflow a recursive parser's stack is refused with
// a position and a reason, not yaml-cpp's bare "bad file".
TEST(ScenarioLoaderTest, DeepNestingIsRefusedWithAReason) {
  const int n = 100000;
  const std::string flow =
      "name: x\nworkers: " + std::string(n, '[') + std::string(n, ']') + "\n";
  std::string block = "name: x\nworkers:\n";
  for (int i = 0; i < n; ++i) block += "- ";
  block += "x\n";
  std::string maps = "name: x\nworkers: ";
  for (int i = 0; i < n; ++i) maps += "{a: ";
  maps += "1" + std::string(n, '}') + "\n";
  for (const std::string& text : {flow, block, maps}) {
    const std::string e = ErrorOf(text);
    EXPECT_TRUE(e.starts_with("x.yaml:")) << e;
    EXPECT_NE(e.find(" levels deep here; a scenario needs a handful"),
              std::string::npos)
        << e;
  }
}

}  // namespace
}  // namespace faultlab
