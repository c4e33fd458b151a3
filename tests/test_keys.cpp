// The key table (sim/keys.cpp) is the one source of every scenario key's
// facts: the loader reads every key through it (same type, unit, default and
// range as recorded in the effective configuration), every entry is read by
// some shipped scenario or a scenario below, scenarios/README.md's key
// reference and scenarios/iosim.schema.json are generated from it, and
// `iosim keys` prints it.
#include "sim/config/key_table.hpp"
#include "sim/keys.hpp"
#include "sim/scenario.hpp"
#include "tests/test_cli_util.hpp"

#include <cmath>
#include <filesystem>
#include <regex>
#include <set>

using namespace iosim::itest;
namespace cfg = iosim::config;
namespace fs = std::filesystem;

namespace {

std::string src(const std::string& rel) { return std::string(IOSIM_SOURCE_DIR) + "/" + rel; }

// Every shipped scenario (table configurations such as paper/table1.yaml are not scenarios).
std::vector<std::string> shipped_scenarios() {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(src("scenarios")))
    if (e.path().extension() == ".yaml" && e.path().parent_path().filename() != "paper") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

// Scenarios that read what no shipped one does (keys read only when given,
// other stacks' sections, the program's own defaults).
struct Extra {
  const char* name;
  std::string text;
};
std::vector<Extra> extra_scenarios() {
  const std::string x342 = "include: " + src("scenarios/platforms/x342.yaml") + "\n";
  return {
      {"defaults", "name: program defaults\n"},
      {"pci mode, vcd window, sequential",
       x342 + "platform: {io_path: async, pci: {mode: pci-64-33}}\n"
              "workload: {kind: open, rate: 1000/s, pattern: sequential}\n"
              "run: {vcd: {from: 0.1s, to: 0.2s, signals: 'top.card.*'}}\n"},
      {"kaio closed, iodepth, batch",
       x342 + "platform: {io_path: kaio}\nworkload: {kind: closed, processes: 2, iodepth: 4, batch: true}\n"},
      {"streams by block", x342 + "platform: {io_path: sync}\n"
                                  "workload: {kind: streams, streams: {count: 4, block: 64KiB, period: 1s}}\n"},
      {"faults of both kinds",
       x342 + "platform: {io_path: sync}\nworkload: {kind: closed, processes: 4}\n"
              "faults:\n"
              "  - {kind: media_error, target: scsi0.disk1, blocks: [10, 20], probability: 0.001, retries: 3, recover: 50%}\n"
              "  - {kind: disk_failure, target: scsi1.disk0, at: 1s}\n"},
  };
}

// The effective configuration of every shipped and extra scenario.
std::vector<std::pair<std::string, cfg::EffectiveConfig>> all_configs() {
  std::vector<std::pair<std::string, cfg::EffectiveConfig>> out;
  for (const auto& f : shipped_scenarios()) {
    INFO(f);
    // A scenario naming the DiskSim drive of ../shared needs that folder.
    if (f.find("cheetah9lp") != std::string::npos && !fs::exists(src("../shared/disk-validation"))) continue;
    out.emplace_back(f, iosim::load_scenario(f, {}).effective);
  }
  for (const auto& e : extra_scenarios()) {
    INFO(e.name);
    out.emplace_back(e.name, iosim::load_scenario_string(e.text, e.name).effective);
  }
  return out;
}

// A value as read against the table's default: numbers compare as numbers
// (a size's default is an integer, a quantity's a double).
bool same_value(const nlohmann::ordered_json& a, const nlohmann::ordered_json& b) {
  if (a.is_number() && b.is_number()) return a.get<double>() == b.get<double>();
  if (a.is_array() && b.is_array()) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (!same_value(a[i], b[i])) return false;
    return true;
  }
  return a == b;
}

bool in_range(const cfg::KeySpec& k, const nlohmann::ordered_json& v) {
  if (v.is_array()) {
    for (const auto& i : v)
      if (!in_range(k, i)) return false;
    return true;
  }
  switch (k.type) {
    case cfg::KeyType::Quantity:
    case cfg::KeyType::Number: {
      const double x = v.get<double>();
      return (k.bounds.lo_open ? x > k.bounds.lo : x >= k.bounds.lo) && x <= k.bounds.hi;
    }
    case cfg::KeyType::Integer: return v.get<int64_t>() >= k.min && v.get<int64_t>() <= k.max;
    case cfg::KeyType::Choice:
      return std::find(k.choices.begin(), k.choices.end(), v.get<std::string>()) != k.choices.end();
    default: return true;
  }
}

}  // namespace

TEST_CASE("keys: every key the loader reads is in the table, with its type, unit, default and range",
          "[keys][config]") {
  const cfg::KeyTable& t = iosim::scenario_keys();
  std::set<std::string> read;
  for (const auto& [name, conf] : all_configs()) {
    for (const cfg::Setting& s : conf.settings) {
      INFO(name << ": " << s.path << " = " << s.value.dump() << " (" << s.origin << ")");
      const cfg::KeySpec* k = t.find(s.path);
      REQUIRE(k);
      read.insert(k->path);
      CHECK(s.type == k->setting_type());
      CHECK(s.unit == k->unit());
      CHECK(s.value.is_array() == k->list);
      CHECK(in_range(*k, s.value));
      // A default applied by the loader is the table's (a computed one, such
      // as `name`, has no value in the table).
      if (s.origin == "default" && !(k->def.is_null() && !k->def_text.empty())) {
        INFO("table default " << k->def.dump());
        CHECK(same_value(s.value, k->def));
      }
    }
  }
  // And every entry is read by one of them.
  std::vector<std::string> unread;
  for (const cfg::KeySpec& k : t.keys())
    if (!read.count(k.path)) unread.push_back(k.path);
  INFO("table entries no scenario reads: " << [&] {
    std::string s;
    for (const auto& u : unread) s += u + " ";
    return s;
  }());
  CHECK(unread.empty());
}

TEST_CASE("keys: the table's entries are well formed", "[keys][config]") {
  const cfg::KeyTable& t = iosim::scenario_keys();
  CHECK(t.keys().size() > 150);
  for (const cfg::KeySpec& k : t.keys()) {
    INFO(k.path);
    CHECK(!k.description.empty());
    CHECK(k.path == cfg::normalize_key_path(k.path));
    if (k.type == cfg::KeyType::Choice) {
      CHECK(k.choices.size() >= 2);
      if (k.def.is_string()) CHECK(std::find(k.choices.begin(), k.choices.end(), k.def.get<std::string>()) != k.choices.end());
    }
    if (!k.def.is_null() && k.type != cfg::KeyType::Boolean && k.type != cfg::KeyType::String) CHECK(in_range(k, k.def));
    // Where the section starts the path.
    CHECK(k.path.compare(0, k.section.size(), k.section) == 0);
  }
  CHECK(t.find("faults[3].kind") == t.find("faults[].kind"));
  CHECK(t.find("platform.disk.rmp") == nullptr);
}

TEST_CASE("keys: Reader::get takes type, default and bounds from the table", "[keys][config]") {
  const cfg::KeyTable& t = iosim::scenario_keys();
  auto reader = [&](const std::string& yaml) { return cfg::Reader(cfg::load_config_string(yaml, "t.yaml"), &t); };
  {
    const cfg::Reader r = reader("platform: {host: {cpus: 4}}\n");
    const cfg::Reader h = r.section("platform").section("host");
    CHECK(h.get<int>("cpus") == 4);
    CHECK(h.get<double>("clock") == t.find("platform.host.clock")->def.get<double>());  // absent: the table's default
  }
  {  // the table's bounds apply: cpus is 1..64
    const cfg::Reader r = reader("platform: {host: {cpus: 65}}\n");
    CHECK_THROWS_AS(r.section("platform").section("host").get<int>("cpus"), cfg::ConfigError);
  }
  {  // a key missing from the table, or read as another type, is a programming error
    const cfg::Reader r = reader("platform: {host: {cpus: 4}}\n");
    const cfg::Reader h = r.section("platform").section("host");
    CHECK_THROWS_AS(h.get<int>("cpu_count"), std::logic_error);
    CHECK_THROWS_AS(h.get<std::string>("cpus"), std::logic_error);
    CHECK_THROWS_AS(cfg::Reader(cfg::load_config_string("a: 1\n", "t.yaml")).get<int>("a"), std::logic_error);
  }
  {  // a key without a default is required when read
    const cfg::Reader r = reader("faults: [{target: scsi0.disk0}]\n");
    const auto items = r.list("faults");
    REQUIRE(items.size() == 1);
    CHECK_THROWS_AS(items[0].get<std::string>("kind"), cfg::ConfigError);
    CHECK(items[0].get<std::string>("target") == "scsi0.disk0");
  }
}

TEST_CASE("keys: scenarios/README.md's key reference is the table's", "[keys][docs]") {
  const cfg::KeyTable& t = iosim::scenario_keys();
  const std::string readme = slurp(src("scenarios/README.md"));
  // Every section has its block, once.
  for (const std::string& s : t.sections()) {
    INFO("section " << s);
    const std::string marker = "<!-- keys " + (s.empty() ? std::string("top") : s) + " -->";
    const size_t at = readme.find(marker);
    CHECK(at != std::string::npos);
    CHECK(readme.find(marker, at + 1) == std::string::npos);
  }
  INFO("scenarios/README.md's key tables differ from the key table (sim/keys.cpp): regenerate them with\n"
       "  ./build/iosim keys --update-doc scenarios/README.md");
  CHECK(cfg::update_doc(t, readme) == readme);
}

TEST_CASE("keys: scenarios/iosim.schema.json is `iosim keys --schema`", "[keys][docs]") {
  const CmdResult r = run_iosim({"keys", "--schema"});
  REQUIRE(r.status == 0);
  INFO("scenarios/iosim.schema.json differs from the key table (sim/keys.cpp): regenerate it with\n"
       "  ./build/iosim keys --schema > scenarios/iosim.schema.json");
  CHECK(slurp(src("scenarios/iosim.schema.json")) == r.out);
  const auto schema = nlohmann::json::parse(r.out);
  CHECK(schema["$schema"] == "https://json-schema.org/draft/2020-12/schema");
  CHECK(schema["additionalProperties"] == false);
  const auto& disk = schema["properties"]["platform"]["properties"]["disk"];
  CHECK(disk["additionalProperties"] == false);
  CHECK(disk["properties"]["scheduler"]["enum"] == nlohmann::json({"fcfs", "sstf", "sptf", nullptr}));
  // `key: ~` is the key left out: optional keys and sections take null.
  CHECK(disk["properties"]["queue_depth"]["type"] == nlohmann::json({"integer", "null"}));
  CHECK(disk["type"] == nlohmann::json({"object", "null"}));
  CHECK(disk["properties"]["queue_depth"]["maximum"] == 256);
  CHECK(schema["properties"]["faults"]["type"] == "array");
  CHECK(schema["properties"]["faults"]["items"]["properties"].contains("kind"));
  // A required key is never null.
  const auto& kind = schema["properties"]["faults"]["items"]["properties"]["kind"];
  for (const auto& v : kind["enum"]) CHECK(!v.is_null());
}

TEST_CASE("keys: the schema's unit patterns accept every quantity written in the shipped scenarios",
          "[keys][docs]") {
  const cfg::KeyTable& t = iosim::scenario_keys();
  const auto schema = cfg::keys_schema(t, "t");
  int checked = 0;
  for (const auto& [name, conf] : all_configs()) {
    for (const cfg::Setting& s : conf.settings) {
      const cfg::KeySpec* k = t.find(s.path);
      if (!k || k->type != cfg::KeyType::Quantity || s.written.empty() || s.value.is_array()) continue;
      // The key's node in the schema.
      const nlohmann::ordered_json* n = &schema;
      std::stringstream path(k->path);
      for (std::string seg; std::getline(path, seg, '.');) {
        const bool item = seg.size() > 2 && seg.substr(seg.size() - 2) == "[]";
        n = &(*n)["properties"][item ? seg.substr(0, seg.size() - 2) : seg];
        if (item) n = &(*n)["items"];
      }
      INFO(name << ": " << s.path << ": " << s.written);
      REQUIRE(n->contains("anyOf"));
      const std::string pattern = (*n)["anyOf"][0]["pattern"];
      const bool plain = std::regex_match(s.written, std::regex(R"([+-]?[0-9.]+([eE][+-]?[0-9]+)?)"));
      if (plain) {  // written as a number: 0, a cycle count or a fraction
        CHECK(((*n)["anyOf"][1].contains("type") || std::stod(s.written) == 0));
      } else {
        CHECK(std::regex_match(s.written, std::regex(pattern, std::regex::ECMAScript)));
      }
      ++checked;
    }
  }
  CHECK(checked > 100);
  // And refuse what the loader refuses: a unit of another kind.
  const std::string time_pattern =
      schema["properties"]["platform"]["properties"]["disk"]["properties"]["head_switch"]["anyOf"][0]["pattern"];
  CHECK(std::regex_match(std::string("0.3ms"), std::regex(time_pattern)));
  CHECK_FALSE(std::regex_match(std::string("0.3rpm"), std::regex(time_pattern)));
  CHECK_FALSE(std::regex_match(std::string("5"), std::regex(time_pattern)));
}

TEST_CASE("keys: iosim keys prints the table and an unknown prefix exits 2 with a suggestion", "[keys][cli]") {
  const cfg::KeyTable& t = iosim::scenario_keys();
  const CmdResult all = run_iosim({"keys"});
  REQUIRE(all.status == 0);
  CHECK(all.out.rfind("KEY ", 0) == 0);
  for (const cfg::KeySpec& k : t.keys()) CHECK(all.out.find("\n" + k.path + " ") != std::string::npos);
  const CmdResult disk = run_iosim({"keys", "platform.disk"});
  REQUIRE(disk.status == 0);
  CHECK(disk.out.find("platform.disk.rpm ") != std::string::npos);
  CHECK(disk.out.find("10000 rpm") != std::string::npos);
  CHECK(disk.out.find("platform.host.") == std::string::npos);
  const CmdResult json = run_iosim({"keys", "faults", "--json"});
  REQUIRE(json.status == 0);
  const auto j = nlohmann::json::parse(json.out);
  CHECK(j.size() == t.under("faults").size());
  CHECK(j[0]["key"] == "faults[].kind");
  const CmdResult md = run_iosim({"keys", "run", "--markdown"});
  REQUIRE(md.status == 0);
  CHECK(md.out == "<!-- keys run -->\n" + cfg::section_markdown(t, "run") + "<!-- /keys -->\n");
  const CmdResult bad = run_iosim({"keys", "platform.dsk"});
  CHECK(bad.status == 2);
  CHECK(bad.err.find("did you mean 'platform.disk'?") != std::string::npos);
}

TEST_CASE("keys: --update-doc rewrites the blocks and keeps the prose", "[keys][cli]") {
  const fs::path f = fs::temp_directory_path() / ("iosim_keys_doc_" + std::to_string(getpid()) + ".md");
  std::ofstream(f) << "# Doc\n\nprose before\n\n<!-- keys run -->\nstale\n<!-- /keys -->\n\nprose after\n";
  const CmdResult r = run_iosim({"keys", "--update-doc", f.string()});
  CHECK(r.status == 0);
  const std::string text = slurp(f.string());
  CHECK(text == "# Doc\n\nprose before\n\n<!-- keys run -->\n" + cfg::section_markdown(iosim::scenario_keys(), "run") +
                    "<!-- /keys -->\n\nprose after\n");
  std::ofstream(f) << "<!-- keys nosuch -->\n<!-- /keys -->\n";
  CHECK(run_iosim({"keys", "--update-doc", f.string()}).status != 0);
  fs::remove(f);
}

TEST_CASE("keys: --markdown with a prefix lists only the keys under it", "[keys][cli]") {
  const CmdResult md = run_iosim({"keys", "platform.disk.seek", "--markdown"});
  REQUIRE(md.status == 0);
  CHECK(md.out.rfind("<!-- keys platform.disk -->\n", 0) == 0);
  CHECK(md.out.find("| `seek.a` |") != std::string::npos);
  CHECK(md.out.find("| `rpm` |") == std::string::npos);
}
