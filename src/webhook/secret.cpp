#include "webhook/secret.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>

namespace webhook {

namespace {

// A secret is a few dozen bytes; a larger file is the wrong file.
constexpr std::size_t k_max_secret_file_bytes = 4096;

std::string without_trailing_newline(std::string text) {
  if (!text.empty() && text.back() == '\n') {
    text.pop_back();
    if (!text.empty() && text.back() == '\r') {
      text.pop_back();
    }
  }
  return text;
}

}  // namespace

util::Expected<Secret, std::string> Secret::from(std::string text) {
  if (text.empty()) {
    return util::unexpected(std::string("the webhook signing secret is empty"));
  }
  return Secret(std::move(text));
}

util::Expected<Secret, std::string> load_secret(const std::optional<std::string>& file,
                                                const std::optional<std::string>& environment_value) {
  if (file) {
    std::ifstream in(*file, std::ios::binary);
    if (!in) {
      return util::unexpected("cannot read the webhook secret file " + *file + ": " + std::strerror(errno));
    }
    std::string text;
    text.resize(k_max_secret_file_bytes + 1);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > k_max_secret_file_bytes) {
      return util::unexpected("the webhook secret file " + *file +
                              " is larger than 4096 bytes: is it the right file?");
    }
    auto secret = Secret::from(without_trailing_newline(std::move(text)));
    if (!secret) {
      return util::unexpected("the webhook secret file " + *file +
                              " is empty: put the signing secret the vendor showed in it");
    }
    return secret;
  }
  if (!environment_value) {
    return util::unexpected(std::string("no webhook signing secret: set ") + k_secret_env +
                            " or give --webhook-secret-file FILE");
  }
  auto secret = Secret::from(*environment_value);
  if (!secret) {
    return util::unexpected(std::string(k_secret_env) +
                            " is empty: set it to the signing secret the vendor showed");
  }
  return secret;
}

util::Expected<Secret, std::string> load_secret_from_environment(const std::optional<std::string>& file) {
  const char* value = std::getenv(k_secret_env);
  return load_secret(file, value ? std::optional<std::string>(value) : std::nullopt);
}

}  // namespace webhook
