// Scenario loading (sim/config/node.hpp): includes and deep merge, --set
// overrides, positions of every value, and the load-time errors.
#include <catch2/catch.hpp>

#include "sim/config/node.hpp"
#include "tests/test_config_util.hpp"

using namespace iosim::config;
using namespace iosim::config::test;
using Catch::Matchers::Contains;
using Catch::Matchers::EndsWith;

static const Node& at(const Node& root, const std::string& a, const std::string& b = "") {
  const Node* n = root.find(a);
  REQUIRE(n);
  if (b.empty()) return *n;
  const Node* m = n->find(b);
  REQUIRE(m);
  return *m;
}

TEST_CASE("config load: include chain, deep merge, later file wins", "[config][load]") {
  const ConfigTree t = load_config(fixture("scenario.yaml"));
  // scenario -> platform -> host_x342: three files, innermost first.
  REQUIRE(t.files.size() == 3);
  CHECK_THAT(t.files[0], EndsWith("scenario.yaml"));
  CHECK_THAT(t.files[1], EndsWith("platform.yaml"));
  CHECK_THAT(t.files[2], EndsWith("host_x342.yaml"));
  // Keys only in the innermost file survive the merge.
  CHECK(at(t.root, "host", "cpus").scalar == "2");
  CHECK(at(t.root, "host", "syscall").scalar == "0.34us");
  // host_x342 says 1.26GHz, platform 1.0GHz, scenario 1.26GHz: the scenario wins
  // and the value's position is the scenario's.
  const Node& clock = at(t.root, "host", "clock");
  CHECK(clock.scalar == "1.26GHz");
  CHECK_THAT(clock.mark.file(), EndsWith("scenario.yaml"));
  CHECK(clock.mark.line == 4);
  CHECK(clock.mark.col == 10);
  // Maps merge key by key; lists replace as a whole.
  CHECK(at(t.root, "disk", "rpm").scalar == "10000rpm");
  CHECK(at(t.root, "disk", "seek_settle").scalar == "0.2ms");
  CHECK_THAT(at(t.root, "disk", "seek_settle").mark.file(), EndsWith("platform.yaml"));
  REQUIRE(at(t.root, "disk", "zones").items.size() == 1);
  CHECK(at(t.root, "disk", "zones").items[0].scalar == "60MB/s");
  CHECK(at(t.root, "bus", "rate").scalar == "320MB/s");
  // include/extends keys themselves are consumed.
  CHECK(t.root.find("extends") == nullptr);
  CHECK(t.root.find("include") == nullptr);
  // Paths name list items.
  CHECK(at(t.root, "workload", "block").items[1].path == "workload.block[1]");
}

TEST_CASE("config load: --set overrides beat every file", "[config][load]") {
  const ConfigTree t = load_config(fixture("scenario.yaml"),
                                   {"disk.rpm=7200rpm", "workload.block=[1KiB,4KiB,16KiB]",
                                    "new.section.key=3", "disk.zones[0]=61MB/s",
                                    "host={cpus: 4}"});
  const Node& rpm = at(t.root, "disk", "rpm");
  CHECK(rpm.scalar == "7200rpm");
  CHECK(rpm.mark.file() == "--set");
  CHECK(rpm.mark.line == 1);
  CHECK(rpm.mark.col == 10);  // after "disk.rpm="
  const Node& block = at(t.root, "workload", "block");
  REQUIRE(block.items.size() == 3);
  CHECK(block.items[2].scalar == "16KiB");
  CHECK(block.items[2].mark.line == 2);
  CHECK(block.items[2].mark.col == 27);
  CHECK(at(t.root, "new", "section").find("key")->scalar == "3");
  CHECK(at(t.root, "disk", "zones").items[0].scalar == "61MB/s");
  // A map value merges: cpus changes, clock stays.
  CHECK(at(t.root, "host", "cpus").scalar == "4");
  CHECK(at(t.root, "host", "clock").scalar == "1.26GHz");
}

TEST_CASE("config load: an empty --set value resets the key to null", "[config][load]") {
  const ConfigTree t = load_config(fixture("scenario.yaml"), {"disk.rpm="});
  CHECK(at(t.root, "disk", "rpm").is_null());
}

TEST_CASE("config load: include inside a section merges into that section", "[config][load]") {
  const ConfigTree t = load_config(fixture("nested_include.yaml"));
  CHECK(at(t.root, "disk", "rpm").scalar == "15000rpm");
  CHECK_THAT(at(t.root, "disk", "rpm").mark.file(), EndsWith("disk_cheetah.yaml"));
  CHECK(at(t.root, "disk", "seek_settle").scalar == "0.3ms");
  CHECK(at(t.root, "disk", "rpm").path == "disk.rpm");
}

TEST_CASE("config load: quoted scalars are remembered", "[config][load]") {
  const ConfigTree t = load_config_string("a: \"true\"\nb: true\n");
  CHECK(at(t.root, "a").quoted);
  CHECK_FALSE(at(t.root, "b").quoted);
}

TEST_CASE("config load: circular include names the cycle", "[config][load]") {
  const auto e = expect_error([] { load_config(fixture("cycle_a.yaml")); });
  CHECK_THAT(e.message(), Contains("circular include"));
  CHECK_THAT(e.message(), Contains("cycle_a.yaml -> "));
  // Reported at the include in cycle_b.yaml, line 2, inside the list.
  CHECK_THAT(e.file(), EndsWith("cycle_b.yaml"));
  CHECK(e.line() == 2);
  CHECK(e.col() == 11);
}

TEST_CASE("config load: unreadable include is located", "[config][load]") {
  const auto e = expect_error([] { load_config(fixture("missing_include.yaml")); });
  CHECK_THAT(e.message(), Contains("cannot read"));
  CHECK_THAT(e.message(), Contains("no_such_file.yaml"));
  CHECK_THAT(e.message(), Contains("No such file"));
  CHECK_THAT(e.file(), EndsWith("missing_include.yaml"));
  CHECK(e.line() == 5);
  CHECK(e.col() == 5);
  const auto top = expect_error([] { load_config(fixture("nope.yaml")); });
  CHECK_THAT(top.file(), EndsWith("nope.yaml"));
  CHECK_THAT(top.message(), Contains("cannot read"));
}

TEST_CASE("config load: YAML syntax errors carry yaml-cpp's position", "[config][load]") {
  const auto e = expect_error([] { load_config(fixture("bad_syntax.yaml")); });
  CHECK_THAT(e.message(), Contains("YAML syntax error"));
  CHECK_THAT(e.file(), EndsWith("bad_syntax.yaml"));
  // The flow sequence opened on line 3 is never closed; yaml-cpp reports it
  // where it gives up, which must be a real position in the file.
  CHECK(e.line() >= 3);
  CHECK(e.line() <= 6);
  CHECK(e.col() >= 1);
  CHECK_THAT(std::string(e.what()), Contains("bad_syntax.yaml:" + std::to_string(e.line())));
}

TEST_CASE("config load: structural rejects", "[config][load]") {
  const auto dup = expect_error([] { load_config(fixture("duplicate.yaml")); });
  CHECK_THAT(dup.message(), Contains("duplicate key 'rpm'"));
  CHECK(dup.line() == 3);
  CHECK(dup.col() == 3);
  CHECK_THAT(dup.hint(), Contains(":2:3"));

  const auto list = expect_error([] { load_config(fixture("list_root.yaml")); });
  CHECK_THAT(list.message(), Contains("must be a map"));

  const auto dotted = expect_error([] { load_config_string("a.b: 1\n"); });
  CHECK_THAT(dotted.message(), Contains("invalid key 'a.b'"));

  const auto badinc = expect_error([] { load_config_string("include: {a: 1}\n"); });
  CHECK_THAT(badinc.message(), Contains("file name"));
}

TEST_CASE("config load: --set errors name --set and the column", "[config][load]") {
  const auto noeq = expect_error([] { load_config(fixture("scenario.yaml"), {"disk.rpm"}); });
  CHECK(noeq.file() == "--set");
  CHECK_THAT(noeq.message(), Contains("key.path=value"));

  const auto empty = expect_error(
      [] { load_config(fixture("scenario.yaml"), {"disk.rpm=1rpm", "disk..rpm=1"}); });
  CHECK(empty.file() == "--set");
  CHECK(empty.line() == 2);  // the second --set
  CHECK(empty.col() == 6);
  CHECK_THAT(empty.message(), Contains("empty key name"));

  const auto into_scalar =
      expect_error([] { load_config(fixture("scenario.yaml"), {"disk.rpm.x=1"}); });
  CHECK(into_scalar.col() == 10);
  CHECK(into_scalar.key_path() == "disk.rpm");
  CHECK_THAT(into_scalar.message(), Contains("inside a scalar"));
  CHECK_THAT(into_scalar.message(), Contains("scenario.yaml:6:8"));

  const auto index = expect_error(
      [] { load_config(fixture("scenario.yaml"), {"workload.block[5]=1KiB"}); });
  CHECK_THAT(index.message(), Contains("out of range"));
  CHECK(index.col() == 15);  // the "["

  const auto yaml =
      expect_error([] { load_config(fixture("scenario.yaml"), {"workload.block=[1KiB"}); });
  CHECK(yaml.file() == "--set");
  CHECK_THAT(yaml.message(), Contains("YAML syntax error"));
  CHECK(yaml.col() > 15);
}

TEST_CASE("config load: error text is GCC style with a caret and hint", "[config][load]") {
  const auto e = expect_error([] { load_config(fixture("duplicate.yaml")); });
  const std::string w = e.what();
  CHECK_THAT(w, Contains("duplicate.yaml:3:3: duplicate key 'rpm'"));
  CHECK_THAT(w, Contains(" 3 |   rpm: 10000rpm\n   |   ^"));
  CHECK_THAT(w, Contains("\n  hint: first given at "));
}

TEST_CASE("config load: dump_yaml round-trips the merged tree", "[config][load]") {
  const ConfigTree t = load_config(fixture("scenario.yaml"), {"disk.rpm=7200rpm"});
  const ConfigTree back = load_config_string(dump_yaml(t.root));
  CHECK(dump_yaml(back.root) == dump_yaml(t.root));
  CHECK_THAT(dump_yaml(t.root, true), Contains("--set:1:"));
}
