#include "webhook/signature.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "webhook/delivery_ids.hpp"
#include "webhook/secret.hpp"

namespace {

webhook::Secret webhook_test_secret(const std::string& text) {
  auto secret = webhook::Secret::from(text);
  REQUIRE(secret.has_value());
  return *secret;
}

}  // namespace

TEST_SUITE("webhook::signature") {
  TEST_CASE("sign: RFC 4231 test case 2 (HMAC-SHA256 of 'what do ya want for nothing?' keyed 'Jefe')") {
    CHECK(webhook::sign(webhook_test_secret("Jefe"), "what do ya want for nothing?") ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }

  TEST_CASE("signature_matches: the right signature, in either case of hex") {
    const auto secret = webhook_test_secret("whsec_test");
    const std::string body = R"({"event":"score.completed","job_id":"j1"})";
    const std::string signature = webhook::sign(secret, body);
    CHECK(webhook::signature_matches(secret, body, signature));
    std::string upper = signature;
    for (char& c : upper) {
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    CHECK(webhook::signature_matches(secret, body, upper));
  }

  TEST_CASE("signature_matches: wrong secret, changed body, flipped digit, not hex") {
    const auto secret = webhook_test_secret("whsec_test");
    const std::string body = R"({"event":"score.completed"})";
    const std::string signature = webhook::sign(secret, body);
    CHECK_FALSE(webhook::signature_matches(webhook_test_secret("whsec_other"), body, signature));
    CHECK_FALSE(webhook::signature_matches(secret, body + " ", signature));
    std::string flipped = signature;
    flipped[63] = flipped[63] == '0' ? '1' : '0';
    CHECK_FALSE(webhook::signature_matches(secret, body, flipped));
    std::string not_hex = signature;
    not_hex[10] = 'g';
    CHECK_FALSE(webhook::signature_matches(secret, body, not_hex));
  }

  TEST_CASE("signature_matches: truncated, longer, empty or prefixed headers never match") {
    const auto secret = webhook_test_secret("whsec_test");
    const std::string body = "{}";
    const std::string signature = webhook::sign(secret, body);
    CHECK_FALSE(webhook::signature_matches(secret, body, signature.substr(0, 63)));
    CHECK_FALSE(webhook::signature_matches(secret, body, signature.substr(0, 32)));
    CHECK_FALSE(webhook::signature_matches(secret, body, signature + "0"));
    CHECK_FALSE(webhook::signature_matches(secret, body, ""));
    CHECK_FALSE(webhook::signature_matches(secret, body, "sha256=" + signature));
  }
}

TEST_SUITE("webhook::Secret") {
  TEST_CASE("Secret::from: an empty secret is refused") {
    const auto secret = webhook::Secret::from("");
    REQUIRE_FALSE(secret.has_value());
    CHECK(secret.error() == "the webhook signing secret is empty");
  }

  TEST_CASE(
      "load_secret: the file beats the environment; one trailing newline dropped; errors never hold it") {
    const std::string path =
        (std::filesystem::temp_directory_path() / ("webhook_secret_test." + std::to_string(::getpid())))
            .string();
    {
      std::ofstream out(path, std::ios::binary);
      out << "whsec_from_file\r\n";
    }
    const auto from_file = webhook::load_secret(path, std::string("whsec_from_env"));
    REQUIRE(from_file.has_value());
    CHECK(from_file->bytes() == "whsec_from_file");

    const auto from_env = webhook::load_secret(std::nullopt, std::string("whsec_from_env"));
    REQUIRE(from_env.has_value());
    CHECK(from_env->bytes() == "whsec_from_env");

    const auto none = webhook::load_secret(std::nullopt, std::nullopt);
    REQUIRE_FALSE(none.has_value());
    CHECK(none.error() ==
          "no webhook signing secret: set CREATORSCORE_WEBHOOK_SECRET or give "
          "--webhook-secret-file FILE");

    const auto empty_env = webhook::load_secret(std::nullopt, std::string());
    REQUIRE_FALSE(empty_env.has_value());
    CHECK(empty_env.error().find("CREATORSCORE_WEBHOOK_SECRET is empty") == 0);

    {
      std::ofstream out(path, std::ios::binary);
      out << "\n";
    }
    const auto empty_file = webhook::load_secret(path, std::string("whsec_from_env"));
    REQUIRE_FALSE(empty_file.has_value());
    CHECK(empty_file.error().find("is empty") != std::string::npos);

    const auto missing = webhook::load_secret(std::string("no/such/webhook_secret"), std::nullopt);
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().find("cannot read the webhook secret file no/such/webhook_secret") == 0);
    std::remove(path.c_str());
  }
}

TEST_SUITE("webhook::DeliveryIds") {
  TEST_CASE("remember: a second delivery of one id is known; the oldest is forgotten past the capacity") {
    webhook::DeliveryIds ids(2);
    CHECK(ids.remember("a"));
    CHECK_FALSE(ids.remember("a"));
    CHECK(ids.contains("a"));
    CHECK(ids.remember("b"));
    CHECK(ids.remember("c"));
    CHECK(ids.size() == 2);
    CHECK_FALSE(ids.contains("a"));
    CHECK(ids.contains("b"));
    CHECK(ids.contains("c"));
  }
}
