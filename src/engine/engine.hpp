#pragma once

// The run loop over a list of providers (docs/providers.md, ARCHITECTURE.md): each pass lets every
// provider, in turn, send at most one request that is due; when none is due it sleeps through the
// Clock, in slices, until the earliest next_due() of any provider or the deadline. The deadline and
// a stop end the run for all; a provider that fails for good stops alone and the others go on
// (PRODUCT.md, "The run"). What each provider sends, and how it saves the answers, is its own.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/exit_code.hpp"
#include "engine/engine_config.hpp"
#include "engine/observer.hpp"
#include "engine/provider.hpp"

namespace engine {

struct RunOutcome {
  enum class Ending { completed, deadline, interrupted, fatal };
  Ending ending = Ending::completed;
  bool unsubmitted_left = false;  // some provider's limit left lookups without a start: exit 3
  std::optional<core::ExitCode> fatal_code;  // the most important of the providers' (77, 69, 73)
  std::string fatal_message;                 // the first fatal provider's
  // CreatorScore's, filled by creatorscore::run_alone: the state file could not be written at
  // some point: its first failure's one-line message. From then on nothing new was submitted
  // (those lookups are `skipped`, k_state_unwritable), the jobs already paid for were still
  // collected, and every later save tried to write all that was held.
  std::optional<std::string> state_error;
  // Records (indices) holding a job the API charged for whose job id never reached the state
  // file: a rerun would submit them again. Empty when a later save caught up.
  std::vector<std::size_t> unsaved_paid;
  std::vector<ProviderOutcome> providers;  // each provider's finish(), in the order given
};

// The `error` of lookups left unsubmitted because the state file could not be written.
inline constexpr std::string_view k_state_unwritable = "state_unwritable";

std::string_view ending_name(RunOutcome::Ending ending);

// The provider whose counts fill Progress's fields other than `providers` (CreatorScore's: the
// live line and the summary print them as they did before there were several providers).
class ProgressSource {
 public:
  virtual ~ProgressSource() = default;
  virtual void fill_progress(Progress& progress) const = 0;
  // The loop is about to wait for the next due request: the time of the next poll is shown.
  virtual void note_waiting() = 0;
};

class Engine {
 public:
  Engine(util::Clock& clock, Observer& observer, EngineConfig config);

  void set_progress_source(ProgressSource* source) { m_source = source; }

  // Runs `providers` until none has anything left to do, the deadline passes or a stop is asked.
  RunOutcome run(const std::vector<Provider*>& providers);

  // For a provider whose request gave up because the deadline passed or a stop was asked: the run
  // ends for all there, as the deadline and a stop do. Called from Provider::step().
  void end_run(RunOutcome::Ending ending) { m_end_requested = ending; }

  // Gathers the providers' progress and tells the observer; providers call it on every change.
  const Progress& refresh_progress();
  const Progress& progress() const { return m_progress; }

 private:
  // Whether the loop must end now (a stop, the deadline, a provider's end_run), with how.
  std::optional<RunOutcome::Ending> ending_now() const;
  // Sleeps one slice towards the earliest next_due() of the providers still going (or the
  // deadline); false when none of them has anything left to do.
  bool wait_for_due(std::vector<Provider*>& going);

  util::Clock& m_clock;
  Observer& m_observer;
  EngineConfig m_config;
  ProgressSource* m_source = nullptr;
  std::vector<Provider*> m_providers;
  Progress m_progress;
  util::TimePoint m_started{};
  std::optional<RunOutcome::Ending> m_end_requested;
};

}  // namespace engine
