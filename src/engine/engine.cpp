#include "engine/engine.hpp"

#include <algorithm>

namespace engine {

std::string_view ending_name(RunOutcome::Ending ending) {
  switch (ending) {
    case RunOutcome::Ending::completed: return "completed";
    case RunOutcome::Ending::deadline: return "deadline reached";
    case RunOutcome::Ending::interrupted: return "interrupted";
    case RunOutcome::Ending::fatal: return "stopped by an error";
  }
  return "completed";
}

Engine::Engine(util::Clock& clock, Observer& observer, EngineConfig config)
    : m_clock(clock), m_observer(observer), m_config(config) {}

std::optional<RunOutcome::Ending> Engine::ending_now() const {
  if (m_end_requested) {
    return m_end_requested;
  }
  if (m_clock.stop_requested()) {
    return RunOutcome::Ending::interrupted;
  }
  if (m_config.deadline && m_clock.now() >= m_started + *m_config.deadline) {
    return RunOutcome::Ending::deadline;
  }
  return std::nullopt;
}

RunOutcome Engine::run(const std::vector<Provider*>& providers) {
  m_providers = providers;
  m_started = m_clock.now();
  m_end_requested.reset();
  RunOutcome outcome;
  std::vector<Provider*> going = providers;
  std::optional<RunOutcome::Ending> ended;
  refresh_progress();
  while (!ended && !going.empty()) {
    // Round-robin: every provider gets its turn each pass, so one always due starves none.
    bool stepped = false;
    for (Provider* provider : going) {
      if ((ended = ending_now())) {
        break;
      }
      if (provider->step()) {
        stepped = true;
        if ((ended = ending_now())) {
          break;
        }
        refresh_progress();
      }
    }
    if (!ended && !stepped && !wait_for_due(going)) {
      break;
    }
  }

  bool all_fatal = !providers.empty();
  for (Provider* provider : providers) {
    ProviderOutcome finished = provider->finish();
    if (finished.fatal_code) {
      if (!outcome.fatal_code) {
        outcome.fatal_message = finished.fatal_message;
      }
      outcome.fatal_code = core::most_important(outcome.fatal_code.value_or(core::ExitCode::ok),
                                                *finished.fatal_code);
    } else {
      all_fatal = false;
    }
    outcome.unsubmitted_left = outcome.unsubmitted_left || finished.limit_left;
    outcome.providers.push_back(std::move(finished));
  }
  // A fatal error ends a provider alone: the run is `stopped by an error` when it ended them all,
  // or when the others completed.
  if (all_fatal || (!ended && outcome.fatal_code)) {
    outcome.ending = RunOutcome::Ending::fatal;
  } else {
    outcome.ending = ended.value_or(RunOutcome::Ending::completed);
  }
  refresh_progress();
  return outcome;
}

bool Engine::wait_for_due(std::vector<Provider*>& going) {
  std::optional<util::TimePoint> earliest;
  std::vector<Provider*> still;
  for (Provider* provider : going) {
    if (const std::optional<util::TimePoint> due = provider->next_due()) {
      still.push_back(provider);
      earliest = earliest ? std::min(*earliest, *due) : *due;
    }
  }
  going = std::move(still);  // a provider with nothing left to do (done, limit, fatal) stops alone
  if (!earliest) {
    return false;
  }
  const util::TimePoint now = m_clock.now();
  if (*earliest <= now) {
    return true;  // due already: the next pass sends it
  }
  util::TimePoint wake = *earliest;
  if (m_config.deadline) {
    wake = std::min(wake, m_started + *m_config.deadline);
  }
  if (m_source != nullptr) {
    m_source->note_waiting();
  }
  m_clock.sleep_until(std::min(wake, now + m_config.wait_slice));
  refresh_progress();
  return true;
}

const Progress& Engine::refresh_progress() {
  Progress next;
  if (m_source != nullptr) {
    m_source->fill_progress(next);
  } else {
    next.elapsed = m_clock.now() - m_started;
  }
  for (const Provider* provider : m_providers) {
    next.providers.push_back(provider->progress());
  }
  m_progress = std::move(next);
  m_observer.on_progress(m_progress);
  return m_progress;
}

}  // namespace engine
