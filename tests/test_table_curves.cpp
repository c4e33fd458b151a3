// `iosim table --curves` (sim/table_curves.*): the curve points as pure
// functions of a search, then through the built binary on short quick rows:
// every search point on the curve plus the extra ones, each run once, the
// chosen point flagged, x increasing, the same bytes whatever -j and
// warm/cold start, --emit-jobs + merge, and the table itself unchanged.
#include <catch2/catch.hpp>

#include "sim/subprocess.hpp"
#include "sim/table_curves.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;
using iosim::ChildResult;
using iosim::run_child;
namespace sat = iosim::saturation;

namespace {

const std::string kSrc = IOSIM_SOURCE_DIR;
const std::string kTable = kSrc + "/scenarios/paper/table1.yaml";

fs::path scratch(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("iosim_test_curves_" + name + "_" + std::to_string(getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

ChildResult run_iosim(std::vector<std::string> args) {
  args.insert(args.begin(), IOSIM_BINARY);
  return run_child(args);
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string f; std::getline(ss, f, sep);) out.push_back(f);
  if (!s.empty() && s.back() == sep) out.push_back("");
  return out;
}

// curves.csv as rows of named fields.
std::vector<std::map<std::string, std::string>> csv_rows(const std::string& text) {
  std::vector<std::map<std::string, std::string>> rows;
  const auto lines = split(text, '\n');
  REQUIRE(!lines.empty());
  const auto head = split(lines[0], ',');
  for (size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    const auto f = split(lines[i], ',');
    REQUIRE(f.size() == head.size());
    std::map<std::string, std::string> r;
    for (size_t k = 0; k < f.size(); ++k) r[head[k]] = f[k];
    rows.push_back(r);
  }
  return rows;
}

// "... 17 points on 1 workers ..." from the table's last terminal line.
int points_run(const std::string& out) {
  const auto at = out.find(" points on ");
  REQUIRE(at != std::string::npos);
  return std::stoi(out.substr(out.rfind(' ', at - 1) + 1));
}

// A closed-loop search over a system whose I/O/s rises by `gains` per step.
sat::Result closed_steps(const std::vector<std::pair<double, double>>& xs_iops, double best_x) {
  sat::Result r;
  for (const auto& [x, v] : xs_iops) r.steps.push_back({"grow", x, v, 0, true});
  r.best_x = r.knee_x = best_x;
  return r;
}

}  // namespace

TEST_CASE("curves: sync points are the cold grid, the search's steps and x2 steps up to span x the chosen N",
          "[table][curves]") {
  sat::ClosedParams p;
  p.start = 8, p.factor = 1.414, p.max = 4096;
  iosim::CurveParams cp;  // span 16, factor 2
  // Cold: 8 11 16 23 33 47 66, chosen 66 (the 4 kB row's shape).
  const auto cold = closed_steps({{8, 1}, {11, 2}, {16, 3}, {23, 4}, {33, 5}, {47, 6}, {66, 6.5}}, 66);
  std::vector<bool> path;
  const auto xs = iosim::sync_curve_xs(p, cp, cold, &path);
  const std::vector<double> want{8, 11, 16, 23, 33, 47, 66, 132, 264, 528, 1056};
  CHECK(xs == want);
  REQUIRE(path.size() == xs.size());
  for (size_t i = 0; i < xs.size(); ++i) CHECK(path[i] == (xs[i] <= 66));
  // Warm from 47: the search skipped 8..33; the curve does not.
  const auto warm = closed_steps({{47, 6}, {66, 6.5}}, 66);
  std::vector<bool> wpath;
  CHECK(iosim::sync_curve_xs(p, cp, warm, &wpath) == want);
  CHECK(wpath == path);
  // A miss past the chosen N stays on the curve, on the path; the span and the
  // search's max bound the extra points.
  const auto miss = closed_steps({{8, 1}, {11, 2}, {16, 2.1}}, 11);
  cp.sync_span = 4;
  CHECK(iosim::sync_curve_xs(p, cp, miss) == std::vector<double>{8, 11, 16, 22, 44});
  p.max = 30;
  CHECK(iosim::sync_curve_xs(p, cp, miss) == std::vector<double>{8, 11, 16, 22});
  cp.sync_span = 1;  // no extra point
  CHECK(iosim::sync_curve_xs(p, cp, miss) == std::vector<double>{8, 11, 16});
}

TEST_CASE("curves: async points are the grow grid, the bisections and evenly spaced rates up to span x the knee",
          "[table][curves]") {
  sat::OpenParams p;
  p.start = 500, p.factor = 2, p.max = 200000;
  iosim::CurveParams cp;  // span 2, 4 points
  sat::Result r;
  for (double x : {500.0, 1000.0, 2000.0, 4000.0}) r.steps.push_back({"grow", x, x, x, true});
  r.steps.push_back({"grow", 8000, 5000, 8000, false});
  r.steps.push_back({"bisect", 6000, 5000, 6000, false});
  r.steps.push_back({"bisect", 5000, 4990, 5000, true});
  r.knee_x = 5000, r.best_x = 6000, r.bracket_hi = 6000;
  std::vector<bool> path;
  const auto xs = iosim::async_curve_xs(p, cp, r, &path);
  // Extras: 5000 x 1.25, 1.5, 1.75, 2 = 6250, 7500, 8750, 10000.
  const std::vector<double> want{500, 1000, 2000, 4000, 5000, 6000, 6250, 7500, 8000, 8750, 10000};
  CHECK(xs == want);
  const std::vector<bool> want_path{true, true, true, true, true, true, false, false, true, false, false};
  CHECK(path == want_path);
  // Warm from 2000: the same curve.
  sat::Result w = r;
  w.steps.erase(w.steps.begin(), w.steps.begin() + 2);
  CHECK(iosim::async_curve_xs(p, cp, w) == want);
  cp.async_points = 0;
  CHECK(iosim::async_curve_xs(p, cp, r).size() == 7);
  cp.async_span = 0.5;
  CHECK_THROWS_AS(iosim::async_curve_xs(p, cp, r), std::invalid_argument);
}

TEST_CASE("table --curves: search and extra points each run once with the chosen one flagged and the table "
          "unchanged: the same bytes at any -j and through --emit-jobs and merge",
          "[table][curves][e2e]") {
  // 256 kB, quick, half-second windows: few and short points. -j 1 runs no
  // speculative point, so every child run is a curve point.
  const fs::path plain = scratch("plain"), one = scratch("j1"), two = scratch("j2"), jobs = scratch("jobs");
  const std::vector<std::string> common{"table", kTable, "--quick", "--blocks", "256KiB", "--no-plot", "-q",
                                        "--set", "run.duration=0.5s"};
  auto table = [&](const fs::path& out, const std::vector<std::string>& more) {
    std::vector<std::string> a = common;
    a.insert(a.end(), more.begin(), more.end());
    a.push_back("--out"), a.push_back(out.string());
    const ChildResult r = run_iosim(a);
    INFO(r.err << r.out);
    REQUIRE(r.status == 0);
    return r;
  };
  const ChildResult r0 = table(plain, {"-j", "1"});
  const ChildResult r1 = table(one, {"-j", "1", "--curves", "--curve-span", "4", "--curve-rate-span", "1.5"});
  const ChildResult r2 = table(two, {"-j", "2", "--curves", "--curve-span", "4", "--curve-rate-span", "1.5"});

  // Without --curves: no curve output; with it, the table is the same.
  CHECK_FALSE(fs::exists(plain / "curves.csv"));
  CHECK(r0.out.find("saturation curves") == std::string::npos);
  CHECK(r1.out.find("saturation curves") != std::string::npos);
  CHECK(slurp(plain / "table.csv") == slurp(one / "table.csv"));
  auto t0 = nlohmann::json::parse(slurp(plain / "table.json")), t1 = nlohmann::json::parse(slurp(one / "table.json"));
  t0.erase("provenance"), t1.erase("provenance");
  CHECK(t0 == t1);

  const std::string csv = slurp(one / "curves.csv");
  CHECK(csv == slurp(two / "curves.csv"));  // deterministic, speculation or not
  const auto rows = csv_rows(csv);
  // Each child run is one curve point: none ran twice, none is missing.
  CHECK(points_run(r1.out) == int(rows.size()));
  CHECK(points_run(r0.out) < points_run(r1.out));

  const auto& cell = t1["rows"][0];
  for (const char* path : {"sync", "async"}) {
    INFO(path);
    std::vector<std::map<std::string, std::string>> c;
    for (const auto& r : rows)
      if (r.at("path") == path) c.push_back(r);
    REQUIRE(c.size() >= 3);
    // x strictly increasing; one unit per path.
    for (size_t i = 1; i < c.size(); ++i) CHECK(std::stod(c[i].at("x")) > std::stod(c[i - 1].at("x")));
    for (const auto& r : c) CHECK(r.at("x_unit") == (std::string(path) == "sync" ? "processes" : "offered I/O/s"));
    // Every step of the search is a "search" point with the same I/O/s.
    std::map<double, const std::map<std::string, std::string>*> by_x;
    for (const auto& r : c) by_x[std::stod(r.at("x"))] = &r;
    for (const auto& s : cell[path]["steps"]) {
      const double x = s["x"];
      INFO("step x " << x);
      REQUIRE(by_x.count(x) == 1);
      CHECK(by_x[x]->at("point") == "search");
      CHECK(std::stod(by_x[x]->at("iops")) == Approx(s["iops"].get<double>()).epsilon(1e-5));
    }
    // The chosen point: flagged once, at the cell's N / rate.
    const double chosen = cell[path][std::string(path) == "sync" ? "processes" : "rate"];
    int flagged = 0;
    for (const auto& r : c)
      if (r.at("chosen") == "1") {
        ++flagged;
        CHECK(std::stod(r.at("x")) == chosen);
      }
    CHECK(flagged == 1);
    // Extra points lie past the chosen N / the knee, up to the span.
    int extra = 0;
    const double knee = std::string(path) == "sync" ? chosen : cell["async"]["knee_rate"].get<double>();
    const double span = std::string(path) == "sync" ? 4 : 1.5;
    for (const auto& r : c)
      if (r.at("point") == "extra") {
        ++extra;
        CHECK(std::stod(r.at("x")) > knee);
        CHECK(std::stod(r.at("x")) <= span * knee + 0.5);
      }
    CHECK(extra >= 1);
    // Completed I/O/s and latencies are measured, not left empty.
    for (const auto& r : c) {
      CHECK(std::stod(r.at("iops")) > 0);
      CHECK(std::stod(r.at("latency_p99_ms")) >= std::stod(r.at("latency_p50_ms")));
    }
  }
  // sync: 4 x the chosen N, by doublings.
  const double n = cell["sync"]["processes"];
  int at2 = 0, at4 = 0;
  for (const auto& r : rows)
    if (r.at("path") == "sync") at2 += std::stod(r.at("x")) == 2 * n, at4 += std::stod(r.at("x")) == 4 * n;
  CHECK(at2 == 1);
  CHECK(at4 == 1);
  const auto cj = nlohmann::json::parse(slurp(one / "curves.json"));
  CHECK(cj["curves"]["sync"]["span"] == 4);
  CHECK(cj["rows"][0]["sync"]["points"].size() + cj["rows"][0]["async"]["points"].size() == rows.size());

  // --emit-jobs with --curves: the job runs the row cold, merge writes the
  // same curves.csv (a curve does not depend on warm or cold start).
  const fs::path dir = jobs / "jobs";
  const ChildResult e = run_iosim({"table", kTable, "--quick", "--blocks", "256KiB", "--set", "run.duration=0.5s",
                                   "--curves", "--curve-span", "4", "--curve-rate-span", "1.5", "--emit-jobs",
                                   dir.string()});
  INFO(e.err);
  REQUIRE(e.status == 0);
  CHECK(slurp(dir / "commands.txt").find("--curves") != std::string::npos);
  REQUIRE(run_child({"/bin/sh", (dir / "commands.txt").string()}).status == 0);
  const ChildResult m = run_iosim({"merge", dir.string(), "--no-plot"});
  INFO(m.err << m.out);
  REQUIRE(m.status == 0);
  CHECK(slurp(dir / "curves.csv") == csv);
  CHECK(slurp(dir / "table.csv") == slurp(one / "table.csv"));
  for (const auto& d : {plain, one, two, jobs}) fs::remove_all(d);
}

TEST_CASE("table --curves: warm and cold starts give the same curves", "[table][curves][e2e]") {
  // 64 kB hands 4 kB its warm starts: the 4 kB searches skip their first
  // points, which its curves run anyway (sim/table_curves.hpp).
  const fs::path warm = scratch("warm"), cold = scratch("cold");
  for (const auto& [dir, flag] : {std::pair{warm, ""}, std::pair{cold, "--cold-start"}}) {
    std::vector<std::string> a{"table", kTable, "--quick", "--blocks", "4KiB,64KiB", "--no-plot", "-q", "-j", "2",
                               "--set", "run.duration=0.5s", "--curves", "--curve-span", "2", "--curve-rate-span",
                               "1.25", "--out", dir.string()};
    if (*flag) a.push_back(flag);
    const ChildResult r = run_iosim(a);
    INFO(r.err);
    REQUIRE(r.status == 0);
  }
  CHECK(slurp(warm / "curves.csv") == slurp(cold / "curves.csv"));
  // The warm 4 kB searches did skip points: fewer steps than their curves' search points.
  const auto t = nlohmann::json::parse(slurp(warm / "table.json"));
  const auto rows = csv_rows(slurp(warm / "curves.csv"));
  for (const char* path : {"sync", "async"}) {
    size_t on_path = 0;
    for (const auto& r : rows) on_path += r.at("block_kb") == "4" && r.at("path") == path && r.at("point") == "search";
    INFO(path);
    CHECK(t["rows"][0][path]["steps"].size() < on_path);
  }
  fs::remove_all(warm);
  fs::remove_all(cold);
}

TEST_CASE("table --curves: bad curve options are errors (exit 2)", "[table][curves][errors]") {
  ChildResult r = run_iosim({"table", kTable, "--curve-span", "4"});
  CHECK(r.status != 0);
  CHECK(r.err.find("--curves") != std::string::npos);
  r = run_iosim({"table", kTable, "--curves", "--curve-span", "0.5"});
  CHECK(r.status != 0);
  const fs::path d = scratch("bad");
  {
    std::ofstream(d / "t.yaml") << "paper: " << kSrc << "/../shared/paper/table1.csv\nblocks: [4KiB]\nsync: {scenario: "
                                << kSrc << "/scenarios/platforms/x342_sync.yaml}\nasync: {scenario: " << kSrc
                                << "/scenarios/platforms/x342_async.yaml}\ncurves:\n  sync: {spam: 4}\n";
  }
  r = run_iosim({"table", (d / "t.yaml").string(), "--curves"});
  CHECK(r.status == 2);
  CHECK(r.err.find("t.yaml:6:") != std::string::npos);
  CHECK(r.err.find("did you mean 'span'") != std::string::npos);
  fs::remove_all(d);
}
