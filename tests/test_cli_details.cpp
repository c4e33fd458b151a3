// Command-line details (issue 12 item 9): a mistyped subcommand gets a "did you
// mean"; a unit suggestion never changes the magnitude; range checks give
// plain messages; a table without paper rows says so; --quick is recorded.
#include "sim/config/units.hpp"
#include "sim/table_output.hpp"
#include "tests/test_cli_util.hpp"

#include <sstream>

using namespace iosim::itest;
namespace cfg = iosim::config;

namespace {
std::string unit_hint(cfg::Kind k, const std::string& text) {
  try {
    cfg::parse_quantity(k, text);
  } catch (const cfg::UnitError& e) {
    return e.message + " | " + e.hint;
  }
  return "(parsed)";
}
}  // namespace

TEST_CASE("cli details: a mistyped subcommand gets 'did you mean' and exit 2", "[cli][details]") {
  const CmdResult r = run_iosim({"rnu", "scenarios/platforms/x342_async.yaml"});
  CHECK(r.status == 2);
  CHECK(r.err.find("unknown command 'rnu'; did you mean 'run'?") != std::string::npos);
  const CmdResult far = run_iosim({"simulate"});
  CHECK(far.status == 2);
  CHECK(far.err.find("unknown command 'simulate'") != std::string::npos);
  CHECK(far.err.find("did you mean") == std::string::npos);
  CHECK(far.err.find("commands: run,") != std::string::npos);
}

TEST_CASE("cli details: unit suggestions never change the magnitude", "[cli][details][config]") {
  // A decimal prefix on a unit that takes none: the number written out.
  const std::string k = unit_hint(cfg::Kind::IoRate, "4k/s");
  INFO(k);
  CHECK(k.find("4000/s") != std::string::npos);
  CHECK(k.find("did you mean") == std::string::npos);
  CHECK(unit_hint(cfg::Kind::IoRate, "2M/s").find("2000000/s") != std::string::npos);
  // Prefix swapped, bits for bytes, binary for decimal: no suggestion of that unit.
  CHECK(unit_hint(cfg::Kind::Rate, "320Mb/s").find("'MB/s'") == std::string::npos);
  CHECK(unit_hint(cfg::Kind::Frequency, "1.26mHz").find("did you mean") == std::string::npos);  // not MHz
  CHECK(unit_hint(cfg::Kind::Frequency, "1.26gHz").find("did you mean 'GHz'?") != std::string::npos);  // g: no prefix
  CHECK(unit_hint(cfg::Kind::Size, "4Kib").find("'KiB'") != std::string::npos);  // case only: same magnitude
  CHECK(unit_hint(cfg::Kind::Rotation, "15000rmp").find("did you mean 'rpm'?") != std::string::npos);
  // Through the CLI: exit 2, located, and the hint.
  const CmdResult r = run_scenario_raw(scenario("async_small.yaml"), {"workload.rate=4k/s"});
  CHECK(r.status == 2);
  CHECK(r.err.find("--set:1:16: workload.rate: unknown unit 'k/s'") != std::string::npos);
  CHECK(r.err.find("4000/s") != std::string::npos);
}

TEST_CASE("cli details: range checks on options give plain messages", "[cli][details]") {
  const std::string table = std::string(IOSIM_SOURCE_DIR) + "/scenarios/paper/table1.yaml";
  const CmdResult j0 = run_iosim({"table", table, "-j", "0"});
  CHECK(j0.status == 2);
  CHECK(j0.err.find("--jobs: must be a number > 0, got '0'") != std::string::npos);
  CHECK(j0.err.find("not in range") == std::string::npos);
  const CmdResult t = run_iosim({"table", table, "--point-timeout", "-1"});
  CHECK(t.status == 2);
  CHECK(t.err.find("--point-timeout: must be a number in [0, 1000000000], got '-1'") != std::string::npos);
  const CmdResult jx = run_iosim({"sweep", scenario("async_small.yaml"), "-j", "x"});
  CHECK(jx.status == 2);
  CHECK(jx.err.find("1.79") == std::string::npos);
  CHECK(jx.err.find("179769") == std::string::npos);
}

TEST_CASE("cli details: a table whose blocks have no paper row says so, and --quick is recorded", "[cli][details][table]") {
  iosim::TableConfig c;
  c.name = "t";
  c.paper_csv = "paper.csv";
  c.paper[4096] = {3978, 5023, 26.27};
  iosim::TableResult r;
  r.rows.push_back({});
  r.rows.back().block = 3072;  // 3 KiB: no paper row
  std::ostringstream os;
  iosim::print_table(os, c, r);
  CHECK(os.str().find("summary: no block run here has a row in the paper's table (paper.csv)") != std::string::npos);
  CHECK(os.str().find("0/0 cells") == std::string::npos);
  // The CSV's last column says whether the runs were --quick.
  auto last_field = [](const std::string& line) { return line.substr(line.rfind(',') + 1); };
  std::istringstream full(iosim::table_csv(c, r));
  std::string head, row;
  std::getline(full, head);
  std::getline(full, row);
  CHECK(last_field(head) == "quick");
  CHECK(last_field(row) == "0");
  c.quick = true;
  std::istringstream quick(iosim::table_csv(c, r));
  std::getline(quick, head);
  std::getline(quick, row);
  CHECK(last_field(row) == "1");
}
