#pragma once

// Valid lookups in roster order, handed a batch at a time from the thread that reads the roster to
// the one that de-duplicates them (index_roster). On a large roster the two halves cost about the
// same, so on two cores indexing takes the time of the slower one rather than of both.
// Internal to roster/.

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/platform.hpp"

namespace roster {

// Lookups with their handles copied (a row's views do not outlive the next row) back to back.
class LookupBatch {
 public:
  struct Entry {
    core::Platform platform = core::Platform::tiktok;
    std::uint32_t handle_offset = 0;  // in the batch's text
    std::uint32_t handle_size = 0;
    std::size_t line = 0;
    std::size_t record = 0;
  };

  explicit LookupBatch(std::size_t capacity);

  void add(core::Platform platform, std::string_view handle, std::size_t line, std::size_t record);
  std::string_view handle(const Entry& entry) const { return {m_text.data() + entry.handle_offset, entry.handle_size}; }
  const std::vector<Entry>& entries() const { return m_entries; }
  bool full() const { return m_entries.size() >= m_capacity; }
  void clear();

  // Lookups the roster is estimated to hold in all (0: no estimate), for sizing the lookup table
  // before this batch is de-duplicated.
  std::size_t expected_lookups = 0;

 private:
  std::size_t m_capacity;  // lookups
  std::vector<Entry> m_entries;
  std::string m_text;
};

// A fixed set of batches cycling between the two threads: the reader fills an empty one and
// publishes it; the de-duplicator takes published ones in order and recycles them. Memory stays
// at `batches` batches, however long the roster.
class LookupBatchQueue {
 public:
  LookupBatchQueue(std::size_t batches, std::size_t lookups_per_batch);
  LookupBatchQueue(const LookupBatchQueue&) = delete;
  LookupBatchQueue& operator=(const LookupBatchQueue&) = delete;

  // Reading side. An empty batch, once one is free; nullptr when the reading should stop (cancel()).
  LookupBatch* empty_batch();
  void publish(LookupBatch* batch);
  void finish();  // no more batches

  // De-duplicating side. The next published batch, in order, once there is one; nullptr after
  // finish() when all were taken.
  LookupBatch* next_batch();
  void recycle(LookupBatch* batch);
  void cancel();  // empty_batch() returns nullptr from now on

 private:
  // Runs `change` under the lock, then wakes every waiter: each side waits on the other's changes.
  template <class Change>
  void change_and_notify(Change change) {
    {
      const std::lock_guard lock(m_mutex);
      change();
    }
    m_changed.notify_all();
  }

  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::deque<LookupBatch> m_batches;  // a deque: the pointers handed out stay valid
  std::vector<LookupBatch*> m_empty;
  std::deque<LookupBatch*> m_published;
  bool m_finished = false;
  bool m_cancelled = false;
};

}  // namespace roster
