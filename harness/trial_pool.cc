#include "harness/trial_pool.h"

#include <algorithm>
#include <iostream>
#include <memory>

#include "absl/status/status.h"
#include "harness/program/program_trial.h"

namespace faultlab {

TrialPool::TrialPool(TrialRunner* runner,
                     const std::vector<Scenario>& scenarios,
                     const std::vector<Task>& tasks, int jobs,
                     std::string bin_dir)
    : runner_(runner),
      scenarios_(scenarios),
      tasks_(tasks),
      bin_dir_(std::move(bin_dir)) {
  results_.resize(tasks.size());
  state_.assign(tasks.size(), kWaiting);
  width_ = size_t(std::max(1, std::min<int>(jobs, int(tasks.size()))));
  if (width_ > 1)
    for (size_t i = 0; i < width_; ++i)
      threads_.emplace_back([this] { Work(); });
}

TrialPool::~TrialPool() {
  Stop();
  for (std::thread& t : threads_) t.join();
}

std::optional<TrialPool::Obs> TrialPool::Take(size_t i) {
  if (threads_.empty()) {
    if (stopped_ || runner_->interrupted()) return std::nullopt;
    return RunTask(i);
  }
  std::unique_lock<std::mutex> lock(mu_);
  taken_ = i;
  cv_.notify_all();
  cv_.wait(lock, [&] {
    return state_[i] == kDone || (state_[i] == kWaiting && stopped_);
  });
  if (state_[i] != kDone) return std::nullopt;
  return std::move(results_[i]);
}

void TrialPool::Stop() {
  std::lock_guard<std::mutex> lock(mu_);
  stopped_ = true;
  cv_.notify_all();
}

TrialPool::Obs TrialPool::RunTask(size_t i) {
  const Task& t = tasks_[i];
  const Scenario& s = scenarios_[t.scenario];
  if (s.program) return RunProgram(s, t.seed);
  const TrialPlan plan = MakePlan(s, s.placements[t.placement], t.seed);
  Obs obs = runner_->Run(s, plan);
  // A subject that never came up is faultlab's failure, not the
  // scenario's: the trial runs once more, from scratch, and says so; a
  // second failure is the run's harness error.
  if (!obs.ok() && absl::IsUnavailable(obs.status()) &&
      !runner_->interrupted()) {
    std::cerr << "faultlab: " << s.file << ": " << obs.status().message()
              << "; running the trial again\n";
    obs = runner_->Run(s, plan);
  }
  return obs;
}

TrialPool::Obs TrialPool::RunProgram(const Scenario& s, uint64_t seed) {
  program::ProgramRunEnv env;
  env.bin_dir = bin_dir_;
  env.signal_fd = runner_->signal_fd();
  env.stop = runner_->stop_flag();
  absl::StatusOr<program::ProgramObservation> o =
      program::RunProgramTrial(s, seed, env);
  if (!o.ok()) return o.status();
  TrialObservation obs;
  obs.interrupted = o->interrupted;
  obs.program = std::make_shared<program::ProgramObservation>(*std::move(o));
  return obs;
}

void TrialPool::Work() {
  for (;;) {
    size_t i;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] {
        return stopped_ || next_ >= tasks_.size() ||
               next_ < taken_ + 2 * width_;
      });
      if (stopped_ || next_ >= tasks_.size()) return;
      i = next_++;
      state_[i] = kRunning;
    }
    // Between trials too: a Ctrl-C with no trial polling is read here.
    Obs obs = runner_->interrupted() ? Obs(absl::CancelledError("stopped"))
                                     : RunTask(i);
    std::lock_guard<std::mutex> lock(mu_);
    if (!obs.ok() && absl::IsCancelled(obs.status())) {
      state_[i] = kWaiting;
      stopped_ = true;
    } else {
      results_[i] = std::move(obs);
      state_[i] = kDone;
      if (!results_[i].ok() || results_[i]->interrupted) stopped_ = true;
    }
    cv_.notify_all();
  }
}

}  // namespace faultlab
