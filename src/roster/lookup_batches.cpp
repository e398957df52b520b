#include "roster/lookup_batches.hpp"

namespace roster {

LookupBatch::LookupBatch(std::size_t capacity) : m_capacity(capacity) {
  m_entries.reserve(capacity);
  m_text.reserve(capacity * 24);  // a typical handle, so that most batches never grow
}

void LookupBatch::add(core::Platform platform, std::string_view handle, std::size_t line, std::size_t record) {
  m_entries.push_back(Entry{platform, static_cast<std::uint32_t>(m_text.size()),
                            static_cast<std::uint32_t>(handle.size()), line, record});
  m_text.append(handle);
}

void LookupBatch::clear() {
  m_entries.clear();
  m_text.clear();
  expected_lookups = 0;
}

LookupBatchQueue::LookupBatchQueue(std::size_t batches, std::size_t lookups_per_batch) {
  for (std::size_t i = 0; i < batches; ++i) {
    m_empty.push_back(&m_batches.emplace_back(lookups_per_batch));
  }
}

LookupBatch* LookupBatchQueue::empty_batch() {
  std::unique_lock lock(m_mutex);
  m_changed.wait(lock, [this] { return m_cancelled || !m_empty.empty(); });
  if (m_cancelled) {
    return nullptr;
  }
  LookupBatch* const batch = m_empty.back();
  m_empty.pop_back();
  return batch;
}

void LookupBatchQueue::publish(LookupBatch* batch) {
  change_and_notify([&] { m_published.push_back(batch); });
}

void LookupBatchQueue::finish() {
  change_and_notify([&] { m_finished = true; });
}

LookupBatch* LookupBatchQueue::next_batch() {
  std::unique_lock lock(m_mutex);
  m_changed.wait(lock, [this] { return m_finished || !m_published.empty(); });
  if (m_published.empty()) {
    return nullptr;
  }
  LookupBatch* const batch = m_published.front();
  m_published.pop_front();
  return batch;
}

void LookupBatchQueue::recycle(LookupBatch* batch) {
  batch->clear();
  change_and_notify([&] { m_empty.push_back(batch); });
}

void LookupBatchQueue::cancel() {
  change_and_notify([&] { m_cancelled = true; });
}

}  // namespace roster
