#include "sim/compare.hpp"

#include "sim/config/error.hpp"
#include "sim/config/units.hpp"
#include "sim/output.hpp"
#include "sim/point_pool.hpp"
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
#include <optional>

namespace iosim {

namespace {

struct Entry {        // one stack (x variant): a row of the comparison per block
  Stack stack;
  std::string label;  // stack, or stack/variant
  std::vector<std::string> variant_sets;
};

std::string num(double v) { return std::isfinite(v) ? fmt::format("{:.6g}", v) : std::string(); }

void write_plot(const std::string& dir, const std::string& title, const std::vector<Entry>& es,
                const std::vector<std::uint64_t>& blocks, const std::vector<std::vector<SearchOutcome>>& res,
                const std::vector<std::vector<StackFigures>>& figs) {
  namespace fs = std::filesystem;
  {
    std::ofstream dat(fs::path(dir) / "compare.dat");
    dat << "# saturation I/O/s: stack, then one column per block\n";
    for (size_t i = 0; i < es.size(); ++i) {
      dat << '"' << es[i].label << '"';
      for (size_t b = 0; b < blocks.size(); ++b) dat << ' ' << num(res[i][b].result.best_iops);
      dat << "\n";
    }
    dat << "\n\n# host CPU us per I/O at saturation: stack, then one column per block\n";
    for (size_t i = 0; i < es.size(); ++i) {
      dat << '"' << es[i].label << '"';
      for (size_t b = 0; b < blocks.size(); ++b) dat << ' ' << num(figs[i][b].cpu_us_per_io);
      dat << "\n";
    }
  }
  auto series = [&](int index) {
    std::string p = "plot ";
    for (size_t b = 0; b < blocks.size(); ++b)
      p += fmt::format("\"compare.dat\" index {} using {}{} title \"{} kB\"{}", index, b + 2,
                       b == 0 ? ":xtic(1)" : "", block_kb(blocks[b]), b + 1 < blocks.size() ? ", \\\n     " : "\n");
    return p;
  };
  const std::string body = fmt::format(R"gp(set multiplot layout 2,1 title "I/O stacks at saturation on the platform of {}"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set grid ytics
set key top right
set yrange [0:*]
set xtics rotate by -30 left
set ylabel "saturation I/O/s"
{}set ylabel "host CPU us per I/O"
{}unset multiplot
)gp", title, series(0), series(1));
  draw_plot({dir, "compare", 900, 860, "", false}, body);  // stack names hold '_'
}

}  // namespace

int run_compare(const CompareOptions& o) {
  // ---- names and values: UsageError -> exit 2
  std::vector<Entry> entries;
  std::vector<std::uint64_t> blocks;
  Protocol proto;
  std::vector<std::string> user;
  const bool explicit_stacks = !o.stacks.empty();
  try {
    std::vector<OverrideSet> variants;
    for (const auto& v : o.variants) variants.push_back(parse_override_set(v, "--variant"));
    if (variants.empty()) variants.push_back({"", {}});
    std::vector<Stack> chosen;
    if (explicit_stacks)
      for (const auto& n : o.stacks) chosen.push_back(find_stack(n));
    else
      chosen = stacks();
    for (const auto& s : chosen)
      for (const auto& v : variants)
        entries.push_back({s, v.name.empty() ? s.name : s.name + "/" + v.name, v.sets});
    blocks = parse_blocks(o.blocks, "--blocks");
  } catch (const UsageError& e) {
    fmt::print(stderr, "iosim compare: {}\n", e.what());
    return 2;
  }
  std::string name;
  const int cfg = config::guard_config_errors([&] {
    if (!o.table.empty()) proto = protocol_of(load_table_config(o.table, o.quick));
    else proto = table1_protocol(o.quick);
    try {
      user = apply_search_sets(proto, o.sets);
      for (auto& e : entries) {
        Protocol scratch = proto;
        apply_search_sets(scratch, e.variant_sets);  // checks the keys only
      }
    } catch (const UsageError& e) {
      fmt::print(stderr, "iosim compare: {}\n", e.what());
      return 2;
    }
    const Scenario base = load_scenario(o.scenario, user);
    name = base.name;
    if (blocks.empty()) blocks.push_back(base.workload.access.block_bytes);
    // Every stack x variant x block loaded as its first point would be: a
    // typo is one located error. A registered stack this scenario cannot run
    // (a key it lacks) is left out unless --stacks named it.
    std::vector<Entry> ok;
    for (const auto& e : entries) {
      bool runs = true;
      for (auto b : blocks) {
        SearchSpec s{e.label, o.scenario, e.stack, b, e.variant_sets, user, proto};
        std::vector<std::string> sets = spec_sets(s);
        sets.push_back(axis_set(e.stack.loop, e.stack.loop == Loop::Closed ? proto.closed.start : proto.open.start));
        if (explicit_stacks || !e.variant_sets.empty()) {
          load_scenario(o.scenario, sets);
          continue;
        }
        try {
          load_scenario(o.scenario, sets);
        } catch (const config::ConfigError& err) {
          if (!o.quiet)
            fmt::print(stderr, "iosim compare: stack {} left out: this scenario cannot run it ({})\n", e.label,
                       err.message());
          runs = false;
          break;
        }
      }
      if (runs) ok.push_back(e);
    }
    entries = ok;
    return 0;
  }, std::cerr);
  if (cfg != 0) return cfg;
  if (entries.empty()) {
    fmt::print(stderr, "iosim compare: no stack can run {}\n", o.scenario);
    return 2;
  }

  // ---- the searches: every entry x block side by side
  std::vector<SearchSpec> specs;
  for (const auto& e : entries)
    for (auto b : blocks) {
      Protocol p = proto;
      specs.push_back({fmt::format("{} {} kB", e.label, block_kb(b)), o.scenario, e.stack, b, e.variant_sets, user, p});
    }
  const std::vector<SearchOutcome> flat = run_searches(specs, o.jobs, o.point_timeout_s, !o.quiet, "compare");
  std::vector<std::vector<SearchOutcome>> res(entries.size());
  std::vector<std::vector<StackFigures>> figs(entries.size());
  int failed = 0;
  for (size_t i = 0, k = 0; i < entries.size(); ++i)
    for (size_t b = 0; b < blocks.size(); ++b, ++k) {
      res[i].push_back(flat[k]);
      StackFigures f;
      if (flat[k].error.empty()) f = stack_figures(flat[k].at_best);
      else ++failed;
      figs[i].push_back(f);
    }

  // ---- terminal
  fmt::print("{}: I/O stacks at saturation (the table's searches: closed loop over processes, open loop over rate)\n",
             name);
  fmt::print("{:>16} {:>6} {:>6} {:>9} {:>8} {:>8} {:>9} {:>8} {:>8} {:>8} {:>8} {:>8} {:>9} {:>6} {:>6}\n", "stack",
             "block", "loop", "sat", "at", "CPU", "CPU", "irq", "ctxsw", "I/O", "wakeups", "p50", "p99", "CPU", "disks");
  fmt::print("{:>16} {:>6} {:>6} {:>9} {:>8} {:>8} {:>9} {:>8} {:>8} {:>8} {:>8} {:>8} {:>9} {:>6} {:>6}\n", "", "kB",
             "", "I/O/s", "N|rate/s", "us/IO", "us/MB", "1/s", "1/s", "ctxsw/s", "1/s", "ms", "ms", "%", "%");
  for (size_t i = 0; i < entries.size(); ++i)
    for (size_t b = 0; b < blocks.size(); ++b) {
      const SearchOutcome& r = res[i][b];
      if (!r.error.empty()) {
        fmt::print("{:>16} {:>6} failed: {}\n", entries[i].label, block_kb(blocks[b]), r.error);
        continue;
      }
      const StackFigures& f = figs[i][b];
      fmt::print("{:>16} {:>6} {:>6} {:>9.0f} {:>7.0f}{} {:>8.1f} {:>9.1f} {:>8.0f} {:>8.0f} {:>8.0f} {:>8.0f} {:>8.2f} "
                 "{:>9.2f} {:>6.1f} {:>6.1f}\n",
                 entries[i].label, block_kb(blocks[b]), to_string(entries[i].stack.loop), r.result.best_iops,
                 r.result.best_x, r.result.capped ? "+" : " ", f.cpu_us_per_io, f.cpu_us_per_mb, f.irq_per_s,
                 f.ctx_per_s, f.io_ctx_per_s, f.wakeups_per_s, f.lat_p50_ms, f.lat_p99_ms, f.cpu_busy_pct, f.disk_busy_pct);
    }
  if (std::any_of(res.begin(), res.end(), [](const auto& v) {
        return std::any_of(v.begin(), v.end(), [](const SearchOutcome& r) { return r.result.capped; });
      }))
    fmt::print("note: '+' marks a search that reached its max (processes or rate) before its stop rule held\n");

  // ---- files
  if (!o.no_files) {
    namespace fs = std::filesystem;
    fs::create_directories(o.out);
    std::string csv =
        "stack,block_bytes,loop,saturation_iops,at,at_unit,points,capped,mbps,cpu_us_per_io,cpu_us_per_mb,"
        "cpu_busy_pct,interrupts_per_s,context_switches_per_s,context_switches_io_per_s,wakeups_per_s,latency_p50_ms,latency_p99_ms,"
        "disk_busy_pct,disk_queue_mean\n";
    nlohmann::ordered_json js;
    js["scenario"] = o.scenario;
    js["name"] = name;
    js["units"] = {{"saturation_iops", "1/s"},       {"at", "processes (closed) or requests/s (open)"},
                   {"mbps", "MB/s (10^6 B)"},        {"cpu_us_per_io", "us of host CPU per completed I/O"},
                   {"cpu_us_per_mb", "us of host CPU per MB"}, {"interrupts_per_s", "1/s"},
                   {"context_switches_per_s", "1/s"}, {"context_switches_io_per_s", "1/s"},
                   {"wakeups_per_s", "1/s"},
                   {"latency_p50_ms", "ms"},          {"latency_p99_ms", "ms"}};
    js["protocol"] = {{"warmup_s", proto.warmup_s},
                      {"duration_s", proto.duration_s},
                      {"seed", proto.seed},
                      {"closed", {{"start", proto.closed.start}, {"factor", proto.closed.factor},
                                  {"min_gain", proto.closed.min_gain}, {"patience", proto.closed.patience},
                                  {"max", proto.closed.max}}},
                      {"open", {{"start", proto.open.start}, {"factor", proto.open.factor},
                                {"keep_up", proto.open.keep_up}, {"bisection_steps", proto.open.bisection_steps},
                                {"max", proto.open.max}}}};
    js["table"] = o.table;
    js["quick"] = o.quick;
    js["sets"] = o.sets;
    js["stacks"] = nlohmann::json::array();
    for (size_t i = 0; i < entries.size(); ++i) {
      nlohmann::ordered_json s;
      s["stack"] = entries[i].label;
      s["description"] = entries[i].stack.description;
      s["loop"] = to_string(entries[i].stack.loop);
      s["set"] = entries[i].stack.sets;
      s["variant_set"] = entries[i].variant_sets;
      s["blocks"] = nlohmann::json::array();
      for (size_t b = 0; b < blocks.size(); ++b) {
        const SearchOutcome& r = res[i][b];
        const StackFigures& f = figs[i][b];
        const bool closed = entries[i].stack.loop == Loop::Closed;
        nlohmann::ordered_json j{{"block_bytes", blocks[b]},
                                 {"saturation_iops", r.result.best_iops},
                                 {"at", r.result.best_x},
                                 {"at_unit", closed ? "processes" : "requests/s"},
                                 {"capped", r.result.capped}};
        if (!r.error.empty()) j["error"] = r.error;
        else j["figures"] = to_json(f);
        j["steps"] = nlohmann::json::array();
        for (const auto& st : r.result.steps)
          j["steps"].push_back({{"phase", st.phase}, {"x", st.x}, {"iops", st.iops}, {"offered", st.offered},
                                {"kept_up", st.kept_up}});
        s["blocks"].push_back(j);
        if (r.error.empty())
          csv += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", entries[i].label, blocks[b],
                             to_string(entries[i].stack.loop), num(r.result.best_iops), num(r.result.best_x),
                             closed ? "processes" : "requests/s", r.result.steps.size(), r.result.capped ? 1 : 0,
                             num(f.mbps), num(f.cpu_us_per_io), num(f.cpu_us_per_mb), num(f.cpu_busy_pct),
                             num(f.irq_per_s), num(f.ctx_per_s), num(f.io_ctx_per_s), num(f.wakeups_per_s), num(f.lat_p50_ms),
                             num(f.lat_p99_ms), num(f.disk_busy_pct), num(f.disk_queue));
      }
      js["stacks"].push_back(s);
    }
    {
      const Scenario base = load_scenario(o.scenario, user);
      js["provenance"] = provenance_json(&base);
    }
    std::ofstream(fs::path(o.out) / "compare.csv") << csv;
    std::ofstream(fs::path(o.out) / "compare.json") << js.dump(2) << "\n";
    if (!o.no_plot) write_plot(o.out, fs::path(o.scenario).filename().string(), entries, blocks, res, figs);
    fmt::print("  results  {}/compare.csv, {}/compare.json{}\n", o.out, o.out,
               o.no_plot ? "" : fmt::format(", {}/compare.png", o.out));
  }
  return failed ? 1 : 0;
}

namespace {
struct CompareCmd {
  CLI::App* cmd = nullptr;
  CompareOptions o;
} g_cmp;
}  // namespace

void register_compare_command(CLI::App& app) {
  CompareOptions& o = g_cmp.o;
  std::string names;
  for (const auto& s : stacks()) names += "\n  " + s.name + ": " + s.description;
  auto* c = app.add_subcommand(
      "compare",
      "Every I/O stack on one platform, side by side: saturation I/O/s per stack and block size (the table's "
      "searches), and at saturation host CPU us per I/O and per MB, interrupts/s, context switches/s, wakeups/s, "
      "latency p50/p99 (ms). Writes compare.csv, compare.json, compare.png/svg.\n"
      "Stacks:" + names + "\n"
      "Examples:\n"
      "  iosim compare scenarios/platforms/x342_sync.yaml --blocks 4KiB,64KiB -j 2\n"
      "  iosim compare scenarios/platforms/x342_sync.yaml --stacks sync,async --quick --set run.duration=0.5s");
  g_cmp.cmd = c;
  c->add_option("scenario", o.scenario,
                "Scenario YAML giving the platform (e.g. scenarios/platforms/x342_sync.yaml); each stack sets its "
                "own io_path and workload loop")
      ->required()->check(CLI::ExistingFile);
  c->add_option("--stacks", o.stacks, "Stacks to compare, comma-separated (default: every stack the scenario can run)")
      ->delimiter(',');
  c->add_option("--blocks", o.blocks, "Block sizes with units, e.g. 4KiB,64KiB (default: the scenario's workload.block)")
      ->delimiter(',');
  c->add_option("--variant", o.variants,
                "A named set of overrides searched on every stack, NAME:key=value[,key=value...] (repeatable; "
                "as iosim capacity), e.g. --variant qd4:platform.sync.queue_depth=4");
  add_search_command_options(*c, o, o.out, "compare");
}

bool compare_command_parsed(const CLI::App&) { return g_cmp.cmd && g_cmp.cmd->parsed(); }

int run_compare_command() { return run_compare(g_cmp.o); }

}  // namespace iosim
