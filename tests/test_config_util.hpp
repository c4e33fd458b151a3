#pragma once
// Shared by the config tests: fixture paths and "this must throw ConfigError".
#include <catch2/catch.hpp>

#include <string>

#include "sim/config/error.hpp"

namespace iosim::config::test {

inline std::string fixture(const std::string& name) {
  return std::string(IOSIM_TEST_DATA) + "/config/" + name;
}

// Runs f, which must throw ConfigError; returns it.
template <class F>
ConfigError expect_error(F f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e;
  }
  FAIL("no ConfigError thrown");
  throw;  // unreachable
}

}  // namespace iosim::config::test
