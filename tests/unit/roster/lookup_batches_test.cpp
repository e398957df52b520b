#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

#include "roster/lookup_batches.hpp"

using core::Platform;
using roster::LookupBatch;
using roster::LookupBatchQueue;

TEST_SUITE("roster::LookupBatchQueue") {
  TEST_CASE("LookupBatchQueue: batches arrive in the order published, across threads, with their handles") {
    // Two batches of three lookups for 1,000 lookups: the reader waits for recycled batches
    // hundreds of times, so an ordering or reuse mistake would show.
    LookupBatchQueue queue(2, 3);
    constexpr std::size_t k_lookups = 1000;
    std::thread reading([&] {
      LookupBatch* batch = queue.empty_batch();
      for (std::size_t i = 0; i < k_lookups; ++i) {
        if (batch->full()) {
          queue.publish(batch);
          batch = queue.empty_batch();
        }
        batch->add(i % 2 == 0 ? Platform::x : Platform::tiktok, "h" + std::to_string(i), i + 2, i + 1);
      }
      queue.publish(batch);
      queue.finish();
    });
    std::size_t seen = 0;
    std::size_t batches = 0;
    while (LookupBatch* batch = queue.next_batch()) {
      ++batches;
      CHECK(batch->entries().size() <= 3u);
      for (const LookupBatch::Entry& entry : batch->entries()) {
        CHECK(entry.platform == (seen % 2 == 0 ? Platform::x : Platform::tiktok));
        CHECK(batch->handle(entry) == "h" + std::to_string(seen));
        CHECK(entry.line == seen + 2);
        CHECK(entry.record == seen + 1);
        ++seen;
      }
      queue.recycle(batch);
    }
    reading.join();
    CHECK(seen == k_lookups);
    CHECK(batches == (k_lookups + 2) / 3);
  }

  TEST_CASE("LookupBatchQueue: a recycled batch comes back empty, without the previous estimate") {
    LookupBatchQueue queue(1, 4);
    LookupBatch* batch = queue.empty_batch();
    batch->add(Platform::x, "ann", 2, 1);
    batch->expected_lookups = 500;
    queue.publish(batch);
    LookupBatch* taken = queue.next_batch();
    REQUIRE(taken == batch);
    queue.recycle(taken);
    LookupBatch* again = queue.empty_batch();
    CHECK(again->entries().empty());
    CHECK(again->expected_lookups == 0u);
    CHECK_FALSE(again->full());
  }

  TEST_CASE("LookupBatchQueue: cancel() wakes a reader waiting for an empty batch") {
    LookupBatchQueue queue(1, 1);
    LookupBatch* only = queue.empty_batch();
    REQUIRE(only != nullptr);
    LookupBatch* got = only;
    std::thread reading([&] { got = queue.empty_batch(); });  // none free: waits
    queue.cancel();
    reading.join();
    CHECK(got == nullptr);
  }

  TEST_CASE("LookupBatchQueue: next_batch() is nullptr once finished and drained") {
    LookupBatchQueue queue(2, 1);
    LookupBatch* batch = queue.empty_batch();
    batch->add(Platform::kick, "k", 2, 1);
    queue.publish(batch);
    queue.finish();
    CHECK(queue.next_batch() == batch);
    CHECK(queue.next_batch() == nullptr);
  }
}
