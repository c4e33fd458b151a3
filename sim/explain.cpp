#include "sim/explain.hpp"

#include "sim/config/error.hpp"
#include "sim/output.hpp"
#include "sim/scenario.hpp"
#include "sim/plot.hpp"
#include "sim/stacks.hpp"
#include "sim/table_config.hpp"

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

namespace iosim {

const char* to_string(AttributionMethod m) {
  return m == AttributionMethod::Shapley ? "shapley" : m == AttributionMethod::Sequential ? "sequential" : "oat";
}

// Most factors a Shapley attribution takes: 2^8 = 256 worlds per stack pair.
constexpr int kMaxShapleyFactors = 8;
// Any method: the masks are 32-bit.
constexpr int kMaxFactors = 31;

std::vector<std::uint32_t> worlds_needed(AttributionMethod m, int k) {
  if (k < 0 || k > kMaxFactors || (m == AttributionMethod::Shapley && k > kMaxShapleyFactors))
    throw std::invalid_argument(fmt::format("{} factors: too many for {}", k, to_string(m)));
  std::vector<std::uint32_t> w;
  if (m == AttributionMethod::Shapley) {
    for (std::uint32_t s = 0; s < (1u << k); ++s) w.push_back(s);
    return w;
  }
  w.push_back(0);
  for (int i = 0; i < k; ++i)
    w.push_back(m == AttributionMethod::OneAtATime ? (1u << i) : ((1u << (i + 1)) - 1));
  if (m == AttributionMethod::OneAtATime && k > 0) w.push_back((1u << k) - 1);  // gap(all), reported
  std::sort(w.begin(), w.end());
  w.erase(std::unique(w.begin(), w.end()), w.end());
  return w;
}

Attribution attribute(AttributionMethod m, int k, const std::function<double(std::uint32_t)>& gap) {
  Attribution a;
  a.total = gap(0);
  a.contrib.assign(size_t(k), 0.0);
  const std::uint32_t all = k > 0 ? (k >= 32 ? ~0u : (1u << k) - 1) : 0;
  a.gap_all = gap(all);
  if (m == AttributionMethod::Shapley) {
    // weight(|S|) = |S|! (k - |S| - 1)! / k!
    std::vector<double> fact(size_t(k) + 1, 1.0);
    for (int n = 1; n <= k; ++n) fact[size_t(n)] = fact[size_t(n) - 1] * n;
    for (int i = 0; i < k; ++i) {
      const std::uint32_t bit = 1u << i;
      double phi = 0;
      for (std::uint32_t s = 0; s <= all; ++s) {
        if (s & bit) continue;
        const int n = __builtin_popcount(s);
        phi += fact[size_t(n)] * fact[size_t(k - n - 1)] / fact[size_t(k)] * (gap(s) - gap(s | bit));
      }
      a.contrib[size_t(i)] = phi;
    }
  } else if (m == AttributionMethod::Sequential) {
    for (int i = 0; i < k; ++i) {
      const std::uint32_t before = (1u << i) - 1, after = (1u << (i + 1)) - 1;
      a.contrib[size_t(i)] = gap(before) - gap(after);
    }
  } else {
    for (int i = 0; i < k; ++i) a.contrib[size_t(i)] = a.total - gap(1u << i);
  }
  double sum = 0;
  for (double c : a.contrib) sum += c;
  a.remainder = a.total - sum;
  return a;
}

namespace {

std::string num(double v) { return std::isfinite(v) ? fmt::format("{:.6g}", v) : std::string(); }

AttributionMethod parse_method(const std::string& s) {
  if (s == "shapley") return AttributionMethod::Shapley;
  if (s == "sequential") return AttributionMethod::Sequential;
  if (s == "oat") return AttributionMethod::OneAtATime;
  const std::string near = config::nearest(s, {"shapley", "sequential", "oat"});
  throw UsageError(fmt::format("--method '{}': unknown{} (shapley, sequential, oat)", s,
                               near.empty() ? "" : "; did you mean '" + near + "'?"));
}

// Which factors change stack s: bit i set if factor i has overrides for it.
std::uint32_t applies(const std::vector<Factor>& fs, const Stack& s) {
  std::uint32_t m = 0;
  for (size_t i = 0; i < fs.size(); ++i)
    if (!factor_sets_for(fs[i], s).empty()) m |= 1u << i;
  return m;
}

std::vector<std::string> world_sets(const std::vector<Factor>& fs, const Stack& s, std::uint32_t mask) {
  std::vector<std::string> out;
  for (size_t i = 0; i < fs.size(); ++i)
    if (mask & (1u << i)) {
      const auto v = factor_sets_for(fs[i], s);
      out.insert(out.end(), v.begin(), v.end());
    }
  return out;
}

std::string world_name(const std::vector<Factor>& fs, std::uint32_t mask) {
  std::string n;
  for (size_t i = 0; i < fs.size(); ++i)
    if (mask & (1u << i)) n += (n.empty() ? "" : "+") + fs[i].name;
  return n.empty() ? "baseline" : n;
}

struct BlockResult {
  std::uint64_t block = 0;
  std::map<std::uint32_t, size_t> a_spec, b_spec;  // world -> search index (after the stack's scope)
  Attribution att;
  bool ok = true;
};

}  // namespace

int run_explain(const ExplainOptions& o) {
  Stack A, B;
  std::vector<Factor> fs;
  std::vector<std::uint64_t> blocks;
  AttributionMethod method{};
  try {
    method = parse_method(o.method);
    A = find_stack(o.a);
    B = find_stack(o.b);
    if (o.factor_names.empty() && o.factor_specs.empty()) {
      for (const auto& f : factors())
        if (f.in_default) fs.push_back(f);
    } else {
      for (const auto& n : o.factor_names) fs.push_back(find_factor(n));
    }
    for (const auto& spec : o.factor_specs) {
      const OverrideSet v = parse_override_set(spec, "--factor");
      fs.push_back({v.name, "user factor: " + v.name, v.sets, {}, true});
    }
    for (size_t i = 0; i < fs.size(); ++i)
      for (size_t j = 0; j < i; ++j)
        if (fs[i].name == fs[j].name) throw UsageError("factor '" + fs[i].name + "' given twice");
    worlds_needed(method, int(fs.size()));  // throws on too many
    blocks = parse_blocks(o.blocks, "--block");
  } catch (const UsageError& e) {
    fmt::print(stderr, "iosim explain: {}\n", e.what());
    return 2;
  } catch (const std::invalid_argument& e) {
    fmt::print(stderr, "iosim explain: {}\n", e.what());
    return 2;
  }
  const int k = int(fs.size());
  const std::uint32_t scope_a = applies(fs, A), scope_b = applies(fs, B);
  Protocol proto;
  std::vector<std::string> user;
  std::string name;
  const int cfg = config::guard_config_errors([&] {
    if (!o.table.empty()) proto = protocol_of(load_table_config(o.table, o.quick));
    else proto = table1_protocol(o.quick);
    try {
      user = apply_search_sets(proto, o.sets);
      for (const auto& f : fs) {
        Protocol scratch = proto;
        apply_search_sets(scratch, f.sets);  // checks a factor's search keys
      }
    } catch (const UsageError& e) {
      fmt::print(stderr, "iosim explain: {}\n", e.what());
      return 2;
    }
    const Scenario base = load_scenario(o.scenario, user);
    name = base.name;
    if (blocks.empty()) blocks.push_back(base.workload.access.block_bytes);
    // Each stack with every factor that applies to it: a typo in a factor's
    // keys is one located error before anything runs.
    for (const Stack* s : {&A, &B}) {
      SearchSpec sp{s->name, o.scenario, *s, blocks.front(), world_sets(fs, *s, s == &A ? scope_a : scope_b), user, proto};
      std::vector<std::string> sets = spec_sets(sp);
      sets.push_back(axis_set(s->loop, s->loop == Loop::Closed ? proto.closed.start : proto.open.start));
      load_scenario(o.scenario, sets);
    }
    return 0;
  }, std::cerr);
  if (cfg != 0) return cfg;

  // ---- the worlds: each stack's searches, one per distinct world it sees
  const std::vector<std::uint32_t> worlds = worlds_needed(method, k);
  std::vector<SearchSpec> specs;
  std::vector<BlockResult> br(blocks.size());
  for (size_t bi = 0; bi < blocks.size(); ++bi) {
    br[bi].block = blocks[bi];
    for (std::uint32_t w : worlds)
      for (int side = 0; side < 2; ++side) {
        const Stack& s = side == 0 ? A : B;
        const std::uint32_t eff = w & (side == 0 ? scope_a : scope_b);
        auto& idx = side == 0 ? br[bi].a_spec : br[bi].b_spec;
        // The same world for this stack (the factors outside its scope do
        // not change it) is searched once.
        bool found = false;
        for (const auto& [w2, i] : idx)
          if ((w2 & (side == 0 ? scope_a : scope_b)) == eff) {
            idx[w] = i;
            found = true;
            break;
          }
        if (found) continue;
        idx[w] = specs.size();
        specs.push_back({fmt::format("{} {} kB [{}]", s.name, block_kb(blocks[bi]), world_name(fs, eff)), o.scenario,
                         s, blocks[bi], world_sets(fs, s, eff), user, proto});
      }
  }
  if (!o.quiet)
    fmt::print(stderr, "explain: {} vs {}, {} factor{}, {}: {} worlds x {} block{} -> {} searches\n", A.name, B.name, k,
               k == 1 ? "" : "s", to_string(method), worlds.size(), blocks.size(), blocks.size() == 1 ? "" : "s",
               specs.size());
  const std::vector<SearchOutcome> res = run_searches(specs, o.jobs, o.point_timeout_s, !o.quiet, "explain");
  int failed = 0;
  for (const auto& r : res)
    if (!r.error.empty()) ++failed;

  // ---- attribution and terminal
  fmt::print("{}: why {} and {} differ in saturation I/O/s (the table's searches), {} over {} factor{}\n", name, B.name,
             A.name, to_string(method), k, k == 1 ? "" : "s");
  for (auto& b : br) {
    for (const auto& m : {&b.a_spec, &b.b_spec})
      for (const auto& [w, i] : *m)
        if (!res[i].error.empty()) b.ok = false;
    if (!b.ok) {
      fmt::print("block {} kB: a search failed:\n", block_kb(b.block));
      for (const auto& m : {&b.a_spec, &b.b_spec})
        for (const auto& [w, i] : *m)
          if (!res[i].error.empty()) fmt::print("  {}: {}\n", specs[i].label, res[i].error);
      continue;
    }
    b.att = attribute(method, k, [&](std::uint32_t w) {
      return res[b.b_spec.at(w)].result.best_iops - res[b.a_spec.at(w)].result.best_iops;
    });
    const auto& ra = res[b.a_spec.at(0)].result;
    const auto& rb = res[b.b_spec.at(0)].result;
    fmt::print("\nblock {} kB: {} {:.0f} I/O/s at {}, {} {:.0f} I/O/s at {}: {} - {} = {:+.0f} I/O/s ({:+.1f}%)\n",
               block_kb(b.block), A.name, ra.best_iops, axis_label(A.loop, ra.best_x), B.name, rb.best_iops,
               axis_label(B.loop, rb.best_x), B.name, A.name, b.att.total,
               ra.best_iops > 0 ? 100 * b.att.total / ra.best_iops : 0.0);
    fmt::print("  {:<14} {:>13} {:>9}  {}\n", "factor", "contribution", "of total", "what the counterfactual does");
    fmt::print("  {:<14} {:>13} {:>9}\n", "", "I/O/s", "%");
    auto share = [&](double c) { return b.att.total != 0 ? 100 * c / b.att.total : 0.0; };
    for (int i = 0; i < k; ++i)
      fmt::print("  {:<14} {:>+13.0f} {:>9.1f}  {}\n", fs[size_t(i)].name, b.att.contrib[size_t(i)],
                 share(b.att.contrib[size_t(i)]), fs[size_t(i)].description);
    fmt::print("  {:<14} {:>+13.0f} {:>9.1f}  {}\n", "remainder", b.att.remainder, share(b.att.remainder),
               method == AttributionMethod::OneAtATime ? "interactions + what no factor removes"
                                                       : "what no factor removes (the gap with every factor applied)");
    fmt::print("  {:<14} {:>+13.0f} {:>9.1f}\n", "total", b.att.total, 100.0);
    fmt::print("  with every factor applied: {} {:.0f}, {} {:.0f} I/O/s\n", A.name,
               res[b.a_spec.at(worlds.back())].result.best_iops, B.name,
               res[b.b_spec.at(worlds.back())].result.best_iops);
  }

  // ---- files
  if (!o.no_files) {
    namespace fs_ = std::filesystem;
    fs_::create_directories(o.out);
    std::string csv = "block_bytes,factor,contribution_iops,share_pct\n";
    nlohmann::ordered_json js;
    js["scenario"] = o.scenario;
    js["name"] = name;
    js["a"] = {{"stack", A.name}, {"description", A.description}, {"set", A.sets}, {"loop", to_string(A.loop)}};
    js["b"] = {{"stack", B.name}, {"description", B.description}, {"set", B.sets}, {"loop", to_string(B.loop)}};
    js["measure"] = "saturation I/O/s under the table's protocol; total = b - a; a factor's contribution is the part "
                    "of the total it removes";
    js["method"] = to_string(method);
    js["units"] = {{"iops", "1/s"}, {"contribution_iops", "1/s"}, {"share_pct", "% of total"}};
    js["protocol"] = {{"warmup_s", proto.warmup_s}, {"duration_s", proto.duration_s}, {"seed", proto.seed}};
    js["sets"] = o.sets;
    js["factors"] = nlohmann::json::array();
    for (const auto& f : fs)
      js["factors"].push_back({{"factor", f.name}, {"description", f.description}, {"set", f.sets}, {"paths", f.paths}});
    js["blocks"] = nlohmann::json::array();
    std::string dat;
    for (const auto& b : br) {
      nlohmann::ordered_json j;
      j["block_bytes"] = b.block;
      if (!b.ok) {
        j["error"] = "a search failed";
        js["blocks"].push_back(j);
        continue;
      }
      j["total_iops"] = b.att.total;
      j["contributions"] = nlohmann::json::array();
      dat += fmt::format("# block {} kB: factor contribution_iops\n", block_kb(b.block));
      for (int i = 0; i < k; ++i) {
        const double c = b.att.contrib[size_t(i)];
        j["contributions"].push_back({{"factor", fs[size_t(i)].name}, {"contribution_iops", c}});
        csv += fmt::format("{},{},{},{}\n", b.block, fs[size_t(i)].name, num(c),
                           num(b.att.total != 0 ? 100 * c / b.att.total : 0));
        dat += fmt::format("\"{}\" {}\n", fs[size_t(i)].name, num(c));
      }
      j["remainder_iops"] = b.att.remainder;
      j["gap_all_factors_iops"] = b.att.gap_all;
      csv += fmt::format("{},remainder,{},{}\n", b.block, num(b.att.remainder),
                         num(b.att.total != 0 ? 100 * b.att.remainder / b.att.total : 0));
      csv += fmt::format("{},total,{},100\n", b.block, num(b.att.total));
      dat += fmt::format("\"remainder\" {}\n\"total\" {}\n\n\n", num(b.att.remainder), num(b.att.total));
      j["worlds"] = nlohmann::json::array();
      for (std::uint32_t w : worlds) {
        const SearchOutcome& ra = res[b.a_spec.at(w)];
        const SearchOutcome& rb = res[b.b_spec.at(w)];
        nlohmann::ordered_json wj{{"factors", world_name(fs, w)},
                                  {"a_iops", ra.result.best_iops},
                                  {"a_at", ra.result.best_x},
                                  {"b_iops", rb.result.best_iops},
                                  {"b_at", rb.result.best_x},
                                  {"gap_iops", rb.result.best_iops - ra.result.best_iops}};
        wj["a_figures"] = to_json(stack_figures(ra.at_best));
        wj["b_figures"] = to_json(stack_figures(rb.at_best));
        j["worlds"].push_back(wj);
      }
      js["blocks"].push_back(j);
    }
    {
      const Scenario base = load_scenario(o.scenario, user);
      js["provenance"] = provenance_json(&base);
    }
    std::ofstream(fs_::path(o.out) / "explain.csv") << csv;
    std::ofstream(fs_::path(o.out) / "explain.json") << js.dump(2) << "\n";
    if (!o.no_plot && !dat.empty()) {
      std::ofstream(fs_::path(o.out) / "explain.dat") << dat;
      std::string plots;
      int idx = 0;
      for (const auto& b : br) {
        if (!b.ok) continue;
        plots += fmt::format("set title \"block {} kB: {} - {} = {:+.0f} I/O/s\"\n"
                             "plot \"explain.dat\" index {} using 0:2:xtic(1) with boxes lc rgb \"#4477aa\" notitle\n",
                             block_kb(b.block), B.name, A.name, b.att.total, idx++);
      }
      const std::string body = fmt::format(R"gp(set multiplot layout {},1 title "{} vs {} on {}: {} attribution of the saturation I/O/s gap"
set style fill solid 0.8 border -1
set boxwidth 0.7
set grid ytics
set xzeroaxis lw 2
set xtics rotate by -30
set ylabel "contribution (I/O/s)"
{}unset multiplot
)gp", idx, B.name, A.name, fs_::path(o.scenario).filename().string(), to_string(method), plots);
      draw_plot({o.out, "explain", 900, 420 * std::max(1, idx), "", false}, body);  // factor names hold '_'
    }
    fmt::print("  results  {}/explain.csv, {}/explain.json{}\n", o.out, o.out,
               o.no_plot ? "" : fmt::format(", {}/explain.png", o.out));
  }
  return failed ? 1 : 0;
}

namespace {
struct ExplainCmd {
  CLI::App* cmd = nullptr;
  ExplainOptions o;
} g_exp;
}  // namespace

void register_explain_command(CLI::App& app) {
  ExplainOptions& o = g_exp.o;
  std::string names;
  for (const auto& f : factors()) names += "\n  " + f.name + (f.in_default ? "" : " (not default)") + ": " + f.description;
  auto* c = app.add_subcommand(
      "explain",
      "Attribute the difference in saturation I/O/s (the table's searches) between two stacks to mechanisms, by "
      "counterfactual runs: each factor is a named set of overrides applied to both stacks; contributions (I/O/s) "
      "plus the remainder equal the total. Writes explain.csv, explain.json, explain.png/svg.\n"
      "Factors:" + names + "\n"
      "Examples:\n"
      "  iosim explain scenarios/platforms/x342_sync.yaml --a sync --b async --block 4KiB,64KiB -j 2\n"
      "  iosim explain scenarios/platforms/x342_sync.yaml --factors elevator,stop_rule --method oat --quick");
  g_exp.cmd = c;
  c->add_option("scenario", o.scenario, "Scenario YAML giving the platform (e.g. scenarios/platforms/x342_sync.yaml)")
      ->required()->check(CLI::ExistingFile);
  c->add_option("--a", o.a, "The reference stack (iosim compare --help lists them)")->capture_default_str();
  c->add_option("--b", o.b, "The stack compared with it; total = b - a (I/O/s)")->capture_default_str();
  c->add_option("--block,--blocks", o.blocks, "Block sizes with units, e.g. 4KiB,64KiB (default: the scenario's)")
      ->delimiter(',');
  c->add_option("--factors", o.factor_names, "Registered factors to use, comma-separated (default: the default ones)")
      ->delimiter(',');
  c->add_option("--factor", o.factor_specs,
                "An extra factor, NAME:key=value[,key=value...], applied to both stacks (repeatable)");
  c->add_option("--method", o.method, "Attribution: shapley (2^k worlds), sequential or oat (k + 1 worlds each)")
      ->capture_default_str();
  add_search_command_options(*c, o, o.out, "explain");
}

bool explain_command_parsed(const CLI::App&) { return g_exp.cmd && g_exp.cmd->parsed(); }

int run_explain_command() { return run_explain(g_exp.o); }

}  // namespace iosim
