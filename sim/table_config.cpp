#include "sim/table_config.hpp"

#include "sim/config/node.hpp"
#include "sim/config/reader.hpp"
#include "sim/scenario.hpp"

#include <fmt/core.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace iosim {

using config::Bounds;
using config::Reader;
namespace fs = std::filesystem;

std::string block_arg(std::uint64_t b) {
  return b % 1024 == 0 ? fmt::format("{}KiB", b / 1024) : fmt::format("{}B", b);
}

std::string block_kb(std::uint64_t b) {
  return b % 1024 == 0 ? fmt::format("{}", b / 1024) : fmt::format("{:.3g}", b / 1024.0);
}

std::map<std::uint64_t, PaperRow> read_paper_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot read");
  std::map<std::uint64_t, PaperRow> rows;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (n == 1 || line.empty()) continue;  // header
    std::stringstream ss(line);
    std::vector<double> v;
    for (std::string f; std::getline(ss, f, ',');) {
      try {
        size_t used = 0;
        v.push_back(std::stod(f, &used));
        if (used != f.size()) throw std::invalid_argument(f);
      } catch (const std::exception&) {
        throw std::runtime_error(fmt::format("{}:{}: '{}' is not a number", path, n, f));
      }
    }
    if (v.size() != 4)
      throw std::runtime_error(fmt::format("{}:{}: expected 4 fields (block_kb,sync_iops,async_iops,gain_pct), got {}", path, n, v.size()));
    rows[std::uint64_t(v[0] * 1024)] = {v[1], v[2], v[3]};
  }
  return rows;
}

namespace {

std::string resolve(const std::string& yaml, const std::string& p) {
  const fs::path q(p);
  return (q.is_absolute() ? q : fs::path(yaml).parent_path() / q).lexically_normal().string();
}

std::string existing_file(const Reader& r, const std::string& yaml, const std::string& key, const char* what) {
  const std::string p = resolve(yaml, r.required_string(key));
  if (!fs::is_regular_file(p))
    r.fail(key, fmt::format("{} not found: {}", what, p),
           "paths are relative to the table file's folder");
  return p;
}

// `set: {platform.sync.queue_depth: 7, ...}`: scenario overrides for every
// point of one mode, as --set key=value.
std::vector<std::string> sets(const Reader& r) {
  std::vector<std::string> out;
  const Reader s = r.section("set");
  for (const auto& k : s.keys()) out.push_back(k + "=" + s.required_string(k));
  return out;
}

}  // namespace

namespace {

// The search assumes a mode's scenario (with the user's --set and a block
// size) is the right loop on the right path: say so at the scenario key.
void check_mode(const Reader& r, const std::string& scenario, std::vector<std::string> sets,
                const std::vector<std::string>& user_sets, const char* io_path, const char* kind) {
  sets.insert(sets.end(), user_sets.begin(), user_sets.end());
  const Scenario sc = load_scenario(scenario, sets);
  if (std::string(to_string(sc.platform.io_path)) != io_path || std::string(to_string(sc.workload.kind)) != kind)
    r.fail("scenario",
           fmt::format("{} has io_path {} and workload kind {}; this search needs io_path {}, workload kind {}",
                       scenario, to_string(sc.platform.io_path), to_string(sc.workload.kind), io_path, kind),
           "sync: x342_sync.yaml-like (closed loop), async: x342_async.yaml-like (open loop)");
}

}  // namespace

TableConfig load_table_config(const std::string& path, bool quick, const std::vector<std::string>& user_sets) {
  config::ConfigTree tree = config::load_config(path);
  // --quick: the `quick:` section, merged over the file (later wins).
  auto& ents = tree.root.entries;
  for (auto it = ents.begin(); it != ents.end(); ++it)
    if (it->key == "quick") {
      config::Node q = it->value;
      ents.erase(it);
      if (quick) config::merge_into(tree.root, std::move(q));
      config::assign_paths(tree.root);
      break;
    }
  Reader r(tree);
  TableConfig c;
  c.source = path;
  c.quick = quick;
  c.name = r.string("name", fs::path(path).stem().string());
  c.paper_csv = existing_file(r, path, "paper", "the paper's CSV");
  try {
    c.paper = read_paper_csv(c.paper_csv);
  } catch (const std::exception& e) {
    r.fail("paper", e.what());
  }
  c.blocks = r.sizes("blocks", {});
  if (c.blocks.empty()) r.fail("blocks", "no block sizes", "e.g. blocks: [1KiB, 4KiB, 64KiB]");

  const Reader run = r.section("run");
  c.warmup_s = run.time("warmup", c.warmup_s);
  c.duration_s = run.time("duration", c.duration_s, Bounds::positive());
  c.seed = std::uint64_t(run.integer("seed", std::int64_t(c.seed), 0));

  const Reader s = r.required_section("sync");
  c.sync_scenario = existing_file(s, path, "scenario", "scenario");
  c.sync_sets = sets(s);
  const Reader ss = s.section("search");
  auto& cp = c.sync;
  cp.start = int(ss.integer("start", cp.start, 1, 1 << 20));
  cp.factor = ss.real("factor", cp.factor, {1, 1e3, true});
  cp.min_gain = ss.fraction("min_gain", cp.min_gain);
  cp.patience = int(ss.integer("patience", cp.patience, 1, 100));
  cp.max = int(ss.integer("max", cp.max, cp.start, 1 << 20));
  cp.speculate = int(ss.integer("speculate", cp.speculate, 0, 16));

  const Reader a = r.required_section("async");
  c.async_scenario = existing_file(a, path, "scenario", "scenario");
  c.async_sets = sets(a);
  const Reader as = a.section("search");
  auto& op = c.async;
  op.start = as.io_rate("start", op.start, {1, 1e12});
  op.factor = as.real("factor", op.factor, {1, 1e3, true});
  op.keep_up = as.fraction("keep_up", op.keep_up, {0, 1, true});
  op.bisection_steps = int(as.integer("bisection_steps", op.bisection_steps, 0, 30));
  op.max = as.io_rate("max", op.max, {op.start, 1e12});
  op.speculate = int(as.integer("speculate", op.speculate, 0, 16));

  // `curves:` (iosim table --curves, sim/table_curves.hpp): how far past the
  // chosen point each row's curves go.
  const Reader cv = r.section("curves");
  const Reader cs = cv.section("sync"), ca = cv.section("async");
  auto& k = c.curves;
  k.sync_span = cs.real("span", k.sync_span, Bounds::range(1, 1e6));
  k.sync_factor = cs.real("factor", k.sync_factor, {1, 1e3, true});
  k.async_span = ca.real("span", k.async_span, Bounds::range(1, 1e3));
  k.async_points = int(ca.integer("points", k.async_points, 0, 100));
  r.finish();
  check_mode(s, c.sync_scenario, c.sync_sets, user_sets, "sync", "closed");
  check_mode(a, c.async_scenario, c.async_sets, user_sets, "async", "open");
  return c;
}

}  // namespace iosim
