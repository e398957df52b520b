#include <doctest/doctest.h>

#include "output/json_text.hpp"

using nlohmann::json;

TEST_SUITE("output::json_text") {
  TEST_CASE("json_text: strings unquoted, null empty, everything else as compact JSON") {
    CHECK(output::json_text(json("Ana \"A\" Lima")) == "Ana \"A\" Lima");
    CHECK(output::json_text(json()) == "");
    CHECK(output::json_text(json(12)) == "12");
    CHECK(output::json_text(json(0.5)) == "0.5");
    CHECK(output::json_text(json(true)) == "true");
    CHECK(output::json_text(json::array({"a", 1})) == "[\"a\",1]");
    CHECK(output::json_text(json{{"k", nullptr}}) == "{\"k\":null}");
  }
}
