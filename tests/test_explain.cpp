// `iosim explain` (sim/explain.cpp): the attribution is exact by
// construction (contributions + remainder = total) for every method, Shapley
// values are what they must be on games with a known answer, a short run end
// to end adds up, and bad names exit 2 with a did-you-mean.
#include "sim/explain.hpp"
#include "tests/test_cli_util.hpp"

#include <cmath>
#include <filesystem>
#include <map>

using namespace iosim;
using namespace iosim::itest;

namespace {
const std::string kRoot = std::string(IOSIM_TEST_DATA) + "/../../scenarios/";

// A gap with main effects and interactions (bit i: factor i applied).
double game(std::uint32_t s) {
  const double effect[4] = {300, -40, 120, 7};
  double g = 1000;
  for (int i = 0; i < 4; ++i)
    if (s & (1u << i)) g -= effect[i];
  if ((s & 1) && (s & 4)) g += 90;  // factors 0 and 2 overlap
  if ((s & 2) && (s & 8)) g -= 15;
  return g;
}
}  // namespace

TEST_CASE("explain: contributions + remainder = total for every method", "[explain]") {
  for (auto m : {AttributionMethod::Shapley, AttributionMethod::Sequential, AttributionMethod::OneAtATime}) {
    INFO(to_string(m));
    std::map<std::uint32_t, bool> asked;
    for (auto w : worlds_needed(m, 4)) asked[w] = true;
    const Attribution a = attribute(m, 4, [&](std::uint32_t w) {
      CHECK(asked.count(w) == 1);  // only the worlds the method said it needs
      return game(w);
    });
    double sum = a.remainder;
    for (double c : a.contrib) sum += c;
    CHECK(std::fabs(sum - a.total) <= 1e-9 * std::fabs(a.total));
    CHECK(a.total == game(0));
    CHECK(a.gap_all == game(15));
    if (m != AttributionMethod::OneAtATime) CHECK(a.remainder == Approx(game(15)));
  }
  CHECK(worlds_needed(AttributionMethod::Shapley, 5).size() == 32);
  CHECK(worlds_needed(AttributionMethod::Sequential, 5).size() == 6);
  CHECK(worlds_needed(AttributionMethod::OneAtATime, 5).size() == 7);  // + every factor, for the report
  CHECK_THROWS(worlds_needed(AttributionMethod::Shapley, 9));
}

TEST_CASE("explain: Shapley values of games with a known answer", "[explain]") {
  // Additive: each factor gets exactly its own effect, whatever the order.
  const double eff[3] = {50, -20, 5};
  auto additive = [&](std::uint32_t s) {
    double g = 100;
    for (int i = 0; i < 3; ++i)
      if (s & (1u << i)) g -= eff[i];
    return g;
  };
  const Attribution a = attribute(AttributionMethod::Shapley, 3, additive);
  for (int i = 0; i < 3; ++i) CHECK(a.contrib[size_t(i)] == Approx(eff[i]));
  CHECK(a.remainder == Approx(65));
  // Pure interaction: the gap goes only when both 0 and 1 are applied; the
  // two share it equally, a dummy factor gets nothing.
  auto both = [](std::uint32_t s) { return (s & 3) == 3 ? 0.0 : 60.0; };
  const Attribution b = attribute(AttributionMethod::Shapley, 3, both);
  CHECK(b.contrib[0] == Approx(30));
  CHECK(b.contrib[1] == Approx(30));
  CHECK(b.contrib[2] == Approx(0).margin(1e-12));
  CHECK(b.remainder == Approx(0).margin(1e-12));
  // One at a time sees none of it: the interaction is in the remainder.
  const Attribution c = attribute(AttributionMethod::OneAtATime, 3, both);
  CHECK(c.contrib[0] == 0);
  CHECK(c.remainder == 60);
}

TEST_CASE("explain: a short run adds up and says what it measured", "[explain][cli]") {
  const auto out = std::filesystem::temp_directory_path() / ("iosim_explain_" + std::to_string(getpid()));
  const CmdResult r = run_iosim(
      {"explain", kRoot + "platforms/x342_sync.yaml", "--a", "sync", "--b", "async", "--block", "4KiB", "--factors",
       "elevator,polling", "--method", "shapley", "-j", "2", "--no-plot", "-q", "--out", out.string(), "--quick",
       "--set", "run.warmup=0.35s", "--set", "run.duration=0.5s", "--set", "search.closed.start=32", "--set",
       "search.closed.max=64", "--set", "search.open.start=2000/s", "--set", "search.open.max=8000/s", "--set",
       "search.open.bisection_steps=1"});
  INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
  REQUIRE(r.status == 0);
  const auto js = nlohmann::json::parse(slurp((out / "explain.json").string()));
  REQUIRE(js["blocks"].size() == 1);
  const auto& b = js["blocks"][0];
  const double total = b["total_iops"].get<double>();
  double sum = b["remainder_iops"].get<double>();
  for (const auto& c : b["contributions"]) sum += c["contribution_iops"].get<double>();
  CHECK(std::fabs(sum - total) <= 1e-9 * std::fabs(total));
  // The total is the baseline world's gap; 2 factors: 4 worlds.
  REQUIRE(b["worlds"].size() == 4);
  const auto& w0 = b["worlds"][0];
  CHECK(w0["factors"] == "baseline");
  CHECK(total == w0["b_iops"].get<double>() - w0["a_iops"].get<double>());
  CHECK(w0["a_iops"].get<double>() > 0);
  CHECK(w0["b_iops"].get<double>() > 0);
  // `polling` does not touch sync, `elevator` does not touch async: those
  // worlds are the same searches.
  for (const auto& w : b["worlds"]) {
    if (w["factors"] == "polling") CHECK(w["a_iops"] == w0["a_iops"]);
    if (w["factors"] == "elevator") CHECK(w["b_iops"] == w0["b_iops"]);
  }
  CHECK(js.contains("provenance"));
  CHECK(slurp((out / "explain.csv").string()).find(",remainder,") != std::string::npos);
  std::filesystem::remove_all(out);
}

TEST_CASE("explain: unknown names exit 2 with a did-you-mean", "[explain][cli][errors]") {
  const std::string sc = kRoot + "platforms/x342_sync.yaml";
  CmdResult r = run_iosim({"explain", sc, "--factors", "elevatr", "--no-files", "-q"});
  CHECK(r.status == 2);
  CHECK(r.err.find("unknown factor 'elevatr'; did you mean 'elevator'?") != std::string::npos);
  r = run_iosim({"explain", sc, "--b", "asnyc", "--no-files", "-q"});
  CHECK(r.status == 2);
  CHECK(r.err.find("did you mean 'async'?") != std::string::npos);
  r = run_iosim({"explain", sc, "--method", "shapely", "--no-files", "-q"});
  CHECK(r.status == 2);
  CHECK(r.err.find("did you mean 'shapley'?") != std::string::npos);
  r = run_iosim({"explain", sc, "--factor", "mine:platform.sync.queue_dpth=4", "--no-files", "-q"});
  CHECK(r.status == 2);
  CHECK(r.err.find("did you mean 'queue_depth'") != std::string::npos);
}
