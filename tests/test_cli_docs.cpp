// scenarios/README.md documents every key the scenario loader reads: each key
// name in sim/scenario_loader.cpp appears in the "Keys" tables in backticks,
// as a leaf (`rpm`, `cost.syscall`) or as a section prefix (`memory.`).
#include "tests/test_cli_util.hpp"

#include <regex>
#include <set>

using namespace iosim::itest;

TEST_CASE("docs: every key sim/scenario_loader.cpp reads is in scenarios/README.md", "[cli][docs]") {
  const std::string src = slurp(std::string(IOSIM_SOURCE_DIR) + "/sim/scenario_loader.cpp");
  const std::string readme = slurp(std::string(IOSIM_SOURCE_DIR) + "/scenarios/README.md");
  const size_t keys_at = readme.find("## Keys");
  REQUIRE(keys_at != std::string::npos);
  const std::string ref = readme.substr(keys_at);
  // Reader getters: r.time("key", ...), c.cycles("key", ...), root.section("key"), ...
  const std::regex call(R"(\b\w+\.(time|integer|freq|choice|cycles|size|rate|io_rate|rotation|real|boolean|string|fraction|has|ignore|section)\(\"([a-z_]+)\")");
  std::set<std::string> keys;
  for (auto it = std::sregex_iterator(src.begin(), src.end(), call); it != std::sregex_iterator(); ++it)
    keys.insert((*it)[2]);
  CHECK(keys.size() > 80);
  for (const auto& k : keys) {
    INFO("key '" << k << "'");
    const std::regex documented("`([a-z_]+\\.)*" + k + "(`|\\.)");
    CHECK(std::regex_search(ref, documented));
  }
}
