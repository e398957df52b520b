#pragma once

// A value or an error, for every failure that is expected per item or per request (a bad cell, a
// timeout, a 429). C++20 has no std::expected; this is the small subset of its shape we use, so
// moving to C++23's type later is a rename.

#include <cassert>
#include <utility>
#include <variant>

namespace util {

template <typename E>
struct Unexpected {
  E error;
};

template <typename E>
Unexpected<std::decay_t<E>> unexpected(E&& error) {
  return {std::forward<E>(error)};
}

template <typename T, typename E>
class Expected {
 public:
  Expected(T value) : m_storage(std::in_place_index<0>, std::move(value)) {}
  template <typename U>
  Expected(Unexpected<U> error) : m_storage(std::in_place_index<1>, E(std::move(error.error))) {}

  bool has_value() const { return m_storage.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & { assert(has_value()); return std::get<0>(m_storage); }
  const T& value() const& { assert(has_value()); return std::get<0>(m_storage); }
  T&& value() && { assert(has_value()); return std::get<0>(std::move(m_storage)); }
  const E& error() const { assert(!has_value()); return std::get<1>(m_storage); }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, E> m_storage;
};

// For operations that return nothing on success.
struct Ok {};

}  // namespace util
