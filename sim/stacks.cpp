#include "sim/stacks.hpp"

#include <CLI/CLI.hpp>

#include "sim/config/error.hpp"
#include "sim/config/units.hpp"
#include "sim/point_pool.hpp"
#include "sim/table_config.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace iosim {

const char* to_string(Loop l) { return l == Loop::Closed ? "closed" : "open"; }

// ------------------------------------------------------------ the stacks
// One row per stack. Every row states the keys that make it what its name
// says, so it is the same stack whatever the base scenario sets (the base
// contributes the platform, the block size is compare's). Closed-loop rows
// are searched over workload.processes, open-loop rows over workload.rate.
const std::vector<Stack>& stacks() {
  static const std::vector<Stack> s = {
      {"sync",
       "Linux 2.4 blocking read() per process: md RAID0, the block layer's elevator, LSI 53C1030, an interrupt per "
       "completion (x342_sync.yaml)",
       "sync",
       {"platform.io_path=sync", "workload.kind=closed", "platform.sync.scheduler=elevator"},
       Loop::Closed},
      {"sync_fifo",
       "sync with the host elevator off: each disk's block-layer queue in arrival order, as the card takes its ring",
       "sync",
       {"platform.io_path=sync", "workload.kind=closed", "platform.sync.scheduler=fifo"},
       Loop::Closed},
      // 8 issuing processes: x342_async.yaml's (the paper's test program).
      {"async",
       "the paper's card: rings in card memory, firmware taking the ring in FIFO order with 6 tags per disk, host "
       "polling every 100 ms (x342_async.yaml)",
       "async",
       {"platform.io_path=async", "workload.kind=open", "workload.processes=8",
        "platform.async.firmware.scheduler=fifo"},
       Loop::Open},
      {"async_elevator",
       "the paper's card whose firmware orders each disk's pending requests by an elevator instead of FIFO",
       "async",
       {"platform.io_path=async", "workload.kind=open", "workload.processes=8",
        "platform.async.firmware.scheduler=elevator"},
       Loop::Open},
      {"card_irq",
       "the paper's card completing by interrupt (the firmware rings its messaging unit's doorbell per completion) "
       "instead of the 100 ms poll (x342_card_irq.yaml)",
       "async",
       {"platform.io_path=async", "workload.kind=open", "workload.processes=8",
        "platform.async.firmware.scheduler=fifo", "platform.async.completion=irq"},
       Loop::Open},
      {"card_hybrid",
       "the paper's card, NAPI-style: the first completion interrupts, a poll thread drains until the ring is empty",
       "async",
       {"platform.io_path=async", "workload.kind=open", "workload.processes=8",
        "platform.async.firmware.scheduler=fifo", "platform.async.completion=hybrid"},
       Loop::Open},
      {"sync_coalesce",
       "sync with the HBAs' Fusion-MPT reply coalescing: an interrupt per 4 replies or 1 ms (x342_sync_coalesce.yaml)",
       "sync",
       {"platform.io_path=sync", "workload.kind=closed", "platform.sync.scheduler=elevator",
        "platform.sync.hba.coalesce_count=4", "platform.sync.hba.coalesce_timeout=1ms"},
       Loop::Closed},
      // Closed loop: N processes, each an aio_read + aio_suspend at a time.
      {"posix_aio",
       "glibc POSIX AIO: aio_read queues to a pool of helper threads doing blocking reads (glibc's default "
       "aio_threads = 20 caps the reads in flight), aio_suspend to wait",
       "posix_aio",
       {"platform.io_path=posix_aio", "workload.kind=closed", "platform.sync.scheduler=elevator"},
       Loop::Closed},
      {"posix_aio_4k",
       "POSIX AIO with aio_init raising aio_threads to 4096: a helper thread for every caller",
       "posix_aio",
       {"platform.io_path=posix_aio", "workload.kind=closed", "platform.sync.scheduler=elevator",
        "platform.posix_aio.threads=4096"},
       Loop::Closed},
      {"kaio",
       "kernel AIO: io_submit down the block layer in the caller's context, completions into the context's ring, "
       "reaped by io_getevents (no thread blocked per read)",
       "kaio",
       {"platform.io_path=kaio", "workload.kind=closed", "platform.sync.scheduler=elevator"},
       Loop::Closed},
      // io_uring-style rings (issue 8; model/host/io_uring.hpp), closed loop
      // as kaio: N processes, one read each, sharing one ring.
      {"uring",
       "io_uring-style rings: SQEs written and CQEs reaped in user space, io_uring_enter per submission, CQEs "
       "posted from the HBA interrupt's bottom half (x342_uring.yaml)",
       "uring",
       {"platform.io_path=uring", "workload.kind=closed", "platform.sync.scheduler=elevator",
        "platform.uring.sqpoll=false", "platform.uring.iopoll=false"},
       Loop::Closed},
      {"uring_sqpoll",
       "io_uring with SQPOLL: a kernel thread polls the SQ and submits (no syscall per submission; it occupies a "
       "CPU while it polls)",
       "uring",
       {"platform.io_path=uring", "workload.kind=closed", "platform.sync.scheduler=elevator",
        "platform.uring.sqpoll=true", "platform.uring.iopoll=false"},
       Loop::Closed},
      {"uring_sqpoll_iopoll",
       "io_uring with SQPOLL and IOPOLL: the SQ thread also polls the HBAs' reply FIFOs, their interrupts masked "
       "(a what-if: the 2.4 Fusion-MPT driver has no poll hook)",
       "uring",
       {"platform.io_path=uring", "workload.kind=closed", "platform.sync.scheduler=elevator",
        "platform.uring.sqpoll=true", "platform.uring.iopoll=true", "platform.sync.completion=irq"},
       Loop::Closed},
  };
  return s;
}

namespace {

template <class T>
const T& find_named(const std::vector<T>& all, const std::string& name, const char* what) {
  std::vector<std::string> names;
  for (const auto& x : all) {
    if (x.name == name) return x;
    names.push_back(x.name);
  }
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  const std::string near = config::nearest(name, names);
  throw UsageError(fmt::format("unknown {} '{}'{} ({}s: {})", what, name,
                               near.empty() ? "" : "; did you mean '" + near + "'?", what, list));
}

}  // namespace

const Stack& find_stack(const std::string& name) { return find_named(stacks(), name, "stack"); }

// ------------------------------------------------------------ the factors
// One row per counterfactual. A factor removes one mechanism, or makes it the
// same on both sides, so that `explain` can measure how much of the gap
// between two stacks goes away with it (sim/explain.hpp).
const std::vector<Factor>& factors() {
  static const std::vector<Factor> f = {
      {"os_costs",
       "zero the host's interrupt entry, ISR, wakeup, scheduler-pass and context-switch costs (every stack)",
       {"platform.host.cost.irq_entry=0", "platform.host.cost.wakeup=0", "platform.host.cost.ctx_switch=0",
        "platform.host.cost.sched_base=0", "platform.host.cost.sched_per_task=0", "platform.sync.cost.isr=0"},
       {},
       true},
      // The card's value (platform.async.tags_per_disk, fitted) on the HBA
      // side, so that both keep the same number of commands at each disk.
      {"queue_depth",
       "the sync HBA keeps 6 commands per disk (the card's tags_per_disk) instead of 2.4's cmd_per_lun 7",
       {"platform.sync.queue_depth=6"},
       {"sync"},
       true},
      {"elevator",
       "the host elevator off: the block layer's per-disk queue in arrival order, as the card takes its ring",
       {"platform.sync.scheduler=fifo"},
       {"sync"},
       true},
      // 1 ms keeps the table's windows (0.55 s + 2 s) whole numbers of periods.
      {"polling",
       "the card's completions reaped every 1 ms instead of every 100 ms (no polling delay to speak of)",
       {"platform.async.poll_period=1ms"},
       {"async"},
       true},
      // The table's 15% per x1.41 processes is fitted to the paper's sync
      // column. Without a rule the search adds processes while I/O/s still
      // rises (up to its max, 4096): sync's plateau, what its disks and its
      // elevator can give. (A 2% rule stopped FIFO sync at N = 373, 1.4%
      // under its plateau, which is approached slowly: 4973 I/O/s at 373,
      // 5036 at 528, 5103 at 1056 processes.)
      {"stop_rule",
       "no stop rule: the closed-loop search adds x1.41 processes while I/O/s rises (to its max) instead of stopping "
       "at a step that gains < 15%",
       {"search.closed.min_gain=0%"},
       {},
       true},
      // The card takes ring records only while it has a free command
      // descriptor (max_jobs, 512, estimate). In FIFO order a full pool can
      // hold few requests for one disk: its queue runs short (a drive's mean
      // depth down to 4.9 of 6 at 8000/s offered) while the ring waits. The
      // key's maximum leaves only the ring's own bound (jobs + completions
      // <= ring_depth).
      {"card_jobs",
       "no cap on the card's command descriptors (max_jobs 512): it takes requests while its ring has room",
       {"platform.async.firmware.max_jobs=1048576"},
       {"async"},
       true},
      {"card_elevator",
       "the card's firmware orders each disk's pending requests by an elevator instead of FIFO",
       {"platform.async.firmware.scheduler=elevator"},
       {"async"},
       false},
  };
  return f;
}

const Factor& find_factor(const std::string& name) { return find_named(factors(), name, "factor"); }

std::vector<std::string> factor_sets_for(const Factor& f, const Stack& s) {
  if (!f.paths.empty() && std::find(f.paths.begin(), f.paths.end(), s.io_path) == f.paths.end()) return {};
  std::vector<std::string> out;
  for (const auto& kv : f.sets) {
    if (kv.rfind("search.closed.", 0) == 0 && s.loop != Loop::Closed) continue;
    if (kv.rfind("search.open.", 0) == 0 && s.loop != Loop::Open) continue;
    out.push_back(kv);
  }
  return out;
}

// ------------------------------------------------------------ override sets
OverrideSet parse_override_set(const std::string& spec, const char* option) {
  const size_t colon = spec.find(':');
  if (colon == std::string::npos || colon == 0)
    throw UsageError(fmt::format("{} '{}': expected NAME:key=value[,key=value...]", option, spec));
  OverrideSet v{spec.substr(0, colon), {}};
  const std::string rest = spec.substr(colon + 1);
  for (size_t a = 0; a <= rest.size();) {
    size_t b = rest.find(',', a);
    if (b == std::string::npos) b = rest.size();
    const std::string piece = rest.substr(a, b - a);
    if (piece.find('=') == std::string::npos && !v.sets.empty()) v.sets.back() += "," + piece;
    else if (!piece.empty()) v.sets.push_back(piece);
    a = b + 1;
  }
  for (const auto& s : v.sets)
    if (s.find('=') == std::string::npos)
      throw UsageError(fmt::format("{} '{}': '{}' is not key=value", option, spec, s));
  if (v.sets.empty()) throw UsageError(fmt::format("{} '{}': no key=value", option, spec));
  return v;
}

std::vector<std::uint64_t> parse_blocks(const std::vector<std::string>& in, const char* option) {
  std::vector<std::uint64_t> out;
  for (const auto& b : in) {
    try {
      const config::Quantity q = config::parse_quantity(config::Kind::Size, b);
      if (q.value < 512 || q.value != std::floor(q.value)) throw config::UnitError{"must be at least 512 B", "", 0};
      out.push_back(std::uint64_t(q.value));
    } catch (const config::UnitError& e) {
      throw UsageError(fmt::format("{} '{}': {}{}", option, b, e.message, e.hint.empty() ? "" : " (" + e.hint + ")"));
    }
  }
  return out;
}

// ------------------------------------------------------------ protocol
Protocol table1_protocol(bool quick) {
  // = scenarios/paper/table1.yaml (comments there: sources and the fitted
  // stop rule).
  Protocol p;
  p.warmup_s = quick ? 0.35 : 0.55;
  p.duration_s = quick ? 1.0 : 2.0;
  p.seed = 1;
  p.closed.start = quick ? 16 : 8;
  p.closed.factor = 1.414;
  p.closed.min_gain = 0.15;
  p.closed.patience = 1;
  p.closed.max = 4096;
  p.closed.speculate = 2;
  p.open.start = quick ? 1000 : 500;
  p.open.factor = 2;
  p.open.keep_up = 0.97;
  p.open.bisection_steps = quick ? 2 : 4;
  p.open.max = 200000;
  p.open.speculate = 2;
  return p;
}

Protocol protocol_of(const TableConfig& c) {
  Protocol p;
  p.warmup_s = c.warmup_s;
  p.duration_s = c.duration_s;
  p.seed = c.seed;
  p.closed = c.sync;
  p.open = c.async;
  return p;
}

std::vector<std::string> apply_search_sets(Protocol& p, const std::vector<std::string>& sets) {
  static const std::vector<std::string> closed_keys{"start", "factor", "min_gain", "patience", "max"};
  static const std::vector<std::string> open_keys{"start", "factor", "keep_up", "bisection_steps", "max"};
  std::vector<std::string> rest;
  for (const auto& kv : sets) {
    const bool closed = kv.rfind("search.closed.", 0) == 0, open = kv.rfind("search.open.", 0) == 0;
    if (!closed && !open) {
      if (kv.rfind("search.", 0) == 0)
        throw UsageError(fmt::format("'{}': the search keys are search.closed.KEY and search.open.KEY", kv));
      rest.push_back(kv);
      continue;
    }
    const size_t eq = kv.find('=');
    const std::string key = kv.substr(closed ? 14 : 12, eq == std::string::npos ? std::string::npos : eq - (closed ? 14 : 12));
    const std::string val = eq == std::string::npos ? "" : kv.substr(eq + 1);
    const auto& keys = closed ? closed_keys : open_keys;
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      const std::string near = config::nearest(key, keys);
      throw UsageError(fmt::format("'{}': unknown search key '{}'{}", kv, key,
                                   near.empty() ? "" : "; did you mean '" + near + "'?"));
    }
    double x = 0;
    try {
      const config::Kind kind = (key == "min_gain" || key == "keep_up") ? config::Kind::Fraction
                                : (open && (key == "start" || key == "max")) ? config::Kind::IoRate
                                                                             : config::Kind::Cycles;
      x = config::parse_quantity(kind, val).value;
    } catch (const config::UnitError& e) {
      throw UsageError(fmt::format("'{}': {}", kv, e.message));
    }
    if (closed) {
      auto& c = p.closed;
      if (key == "start") c.start = int(x);
      else if (key == "factor") c.factor = x;
      else if (key == "min_gain") c.min_gain = x;
      else if (key == "patience") c.patience = int(x);
      else c.max = int(x);
    } else {
      auto& o = p.open;
      if (key == "start") o.start = x;
      else if (key == "factor") o.factor = x;
      else if (key == "keep_up") o.keep_up = x;
      else if (key == "bisection_steps") o.bisection_steps = int(x);
      else o.max = x;
    }
  }
  try {
    saturation::validate(p.closed);
    saturation::validate(p.open);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("search parameters: ") + e.what());
  }
  return rest;
}

// ------------------------------------------------------------ points
std::vector<std::string> spec_sets(const SearchSpec& s) {
  std::vector<std::string> out = s.stack.sets;
  Protocol scratch = s.protocol;
  const std::vector<std::string> extra = apply_search_sets(scratch, s.extra);
  out.insert(out.end(), extra.begin(), extra.end());
  out.push_back("workload.block=" + block_arg(s.block));
  out.push_back(fmt::format("run.warmup={}s", s.protocol.warmup_s));
  out.push_back(fmt::format("run.duration={}s", s.protocol.duration_s));
  out.push_back(fmt::format("run.seed={}", s.protocol.seed));
  out.insert(out.end(), s.user.begin(), s.user.end());
  return out;
}

std::string axis_set(Loop l, double x) {
  return l == Loop::Closed ? fmt::format("workload.processes={:.0f}", x) : fmt::format("workload.rate={:.0f}/s", x);
}
std::string axis_label(Loop l, double x) {
  return l == Loop::Closed ? fmt::format("N={:.0f}", x) : fmt::format("{:.0f}/s", x);
}

namespace {

double stat_of(const nlohmann::json& st, const std::string& k) {
  if (!st.contains(k)) throw std::runtime_error("results have no statistic '" + k + "'");
  return st.at(k).at("value").get<double>();
}

// The groups of a type in a results file (`groups`: path -> type).
std::vector<std::string> groups_of(const nlohmann::json& r, const char* type) {
  std::vector<std::string> out;
  for (const auto& [path, t] : r.at("groups").items())
    if (t == type) out.push_back(path);
  return out;
}

std::string one_group(const nlohmann::json& r, const char* type) {
  const auto g = groups_of(r, type);
  if (g.size() != 1) throw std::runtime_error(fmt::format("results have {} groups of type {}", g.size(), type));
  return g[0];
}

}  // namespace

StackFigures stack_figures(const nlohmann::json& r) {
  const auto& st = r.at("stats");
  StackFigures f;
  const std::string w = one_group(r, "workload"), h = one_group(r, "host_os");
  f.iops = stat_of(st, w + ".io_rate");
  f.mbps = stat_of(st, w + ".data_rate");
  f.lat_p50_ms = stat_of(st, w + ".latency.p50");
  f.lat_p99_ms = stat_of(st, w + ".latency.p99");
  // CPU-seconds per second of every host CPU, from the per-CPU accounts
  // (user + system + irq; what is left is idle).
  double cpu_s_per_s = 0;
  const auto cpus = groups_of(r, "cpu");
  for (const auto& c : cpus)
    cpu_s_per_s += (stat_of(st, c + ".user") + stat_of(st, c + ".system") + stat_of(st, c + ".irq")) / 100;
  f.cpu_busy_pct = cpus.empty() ? 0 : 100 * cpu_s_per_s / double(cpus.size());
  f.cpu_us_per_io = f.iops > 0 ? 1e6 * cpu_s_per_s / f.iops : 0;
  f.cpu_us_per_mb = f.mbps > 0 ? 1e6 * cpu_s_per_s / f.mbps : 0;
  f.irq_per_s = stat_of(st, h + ".interrupt_rate");
  f.ctx_per_s = stat_of(st, h + ".context_switch_rate");
  f.io_ctx_per_s = stat_of(st, h + ".io_context_switch_rate");
  f.wakeups_per_s = stat_of(st, h + ".wakeup_rate");
  double busy = 0, queue = 0;
  const auto disks = groups_of(r, "disk");
  for (const auto& d : disks) busy += stat_of(st, d + ".busy"), queue += stat_of(st, d + ".queue_depth");
  if (!disks.empty()) f.disk_busy_pct = busy / double(disks.size()), f.disk_queue = queue / double(disks.size());
  return f;
}

nlohmann::ordered_json to_json(const StackFigures& f) {
  return {{"iops", f.iops},
          {"mbps", f.mbps},
          {"cpu_us_per_io", f.cpu_us_per_io},
          {"cpu_us_per_mb", f.cpu_us_per_mb},
          {"cpu_busy_pct", f.cpu_busy_pct},
          {"interrupts_per_s", f.irq_per_s},
          {"context_switches_per_s", f.ctx_per_s},
          {"context_switches_io_per_s", f.io_ctx_per_s},
          {"wakeups_per_s", f.wakeups_per_s},
          {"latency_p50_ms", f.lat_p50_ms},
          {"latency_p99_ms", f.lat_p99_ms},
          {"disk_busy_pct", f.disk_busy_pct},
          {"disk_queue_mean", f.disk_queue}};
}

// ------------------------------------------------------------ searches
namespace {

struct Memo {
  PointPool& pool;
  std::mutex mu;
  std::map<std::vector<std::string>, PointPool::Handle> points;
  PointPool::Handle get(const std::vector<std::string>& args, bool speculative) {
    std::lock_guard<std::mutex> l(mu);
    auto it = points.find(args);
    if (it != points.end()) return it->second;
    return points.emplace(args, pool.submit(args, speculative)).first->second;
  }
  bool known(const std::vector<std::string>& args) {
    std::lock_guard<std::mutex> l(mu);
    return points.count(args) > 0;
  }
};

class Evaluator : public saturation::Evaluator {
public:
  Evaluator(Memo& memo, const SearchSpec& s) : memo_(memo), spec_(s), sets_(spec_sets(s)) {}

  saturation::Measure eval(double x) override {
    PointPool::Handle h = memo_.get(args(x), false);
    for (double y : hints_)
      if (!memo_.known(args(y)) && memo_.pool.idle() > 0) memo_.get(args(y), true);
    hints_.clear();
    const nlohmann::json& j =
        point_result(h.get(), fmt::format("{} at {}", spec_.label, axis_label(spec_.stack.loop, x)));
    const double iops = stat_of(j.at("stats"), one_group(j, "workload") + ".io_rate");
    return {iops, spec_.stack.loop == Loop::Open ? arrivals(j, x) : 0};
  }
  void hint(const std::vector<double>& xs) override { hints_ = xs; }
  const nlohmann::json& result(double x) { return memo_.get(args(x), false).get().result; }

private:
  // As the table (sim/table_run.cpp): requests/s that arrived in the window,
  // the Poisson sample the completions come from, unless the arrivals fall
  // short of the nominal rate by more than 4 sigma (processes held back by a
  // full ring or busy CPUs): then the nominal rate is what was offered.
  static double arrivals(const nlohmann::json& j, double nominal) {
    const auto& st = j.at("stats");
    const double window = j.at("run").at("duration_s").get<double>();
    if (!st.contains("top.workload.issued") || window <= 0) return nominal;
    const double issued = st["top.workload.issued"].at("value").get<double>() / window;
    const double tolerance = 4 / std::sqrt(nominal * window);
    return issued >= nominal * (1 - tolerance) ? issued : nominal;
  }
  std::vector<std::string> args(double x) const {
    std::vector<std::string> a{spec_.scenario};
    for (const auto& s : sets_) a.push_back("--set"), a.push_back(s);
    a.push_back("--set"), a.push_back(axis_set(spec_.stack.loop, x));
    return a;
  }

  Memo& memo_;
  const SearchSpec& spec_;
  std::vector<std::string> sets_;
  std::vector<double> hints_;
};

}  // namespace

std::vector<SearchOutcome> run_searches(const std::vector<SearchSpec>& specs, int jobs, double point_timeout_s,
                                        bool progress, const char* command) {
  std::vector<SearchOutcome> out(specs.size());
  std::mutex log;
  int done = 0;
  {
    PointPool pool(jobs > 0 ? jobs : default_jobs(), "", point_timeout_s);
    Memo memo{pool, {}, {}};
    std::vector<std::thread> th;
    for (size_t i = 0; i < specs.size(); ++i)
      th.emplace_back([&, i] {
        const SearchSpec& s = specs[i];
        try {
          Protocol p = s.protocol;
          apply_search_sets(p, s.extra);
          Evaluator ev(memo, s);
          out[i].result = s.stack.loop == Loop::Closed ? saturation::search_closed(p.closed, ev)
                                                       : saturation::search_open(p.open, ev);
          out[i].at_best = ev.result(out[i].result.best_x);
        } catch (const std::exception& e) {
          out[i].error = e.what();
        }
        if (progress) {
          std::lock_guard<std::mutex> l(log);
          ++done;
          if (out[i].error.empty())
            fmt::print(stderr, "{}: [{}/{}] {}: {:.0f} I/O/s at {} ({} points{})\n", command, done, specs.size(),
                       s.label, out[i].result.best_iops, axis_label(s.stack.loop, out[i].result.best_x),
                       out[i].result.steps.size(), out[i].result.capped ? ", capped" : "");
          else
            fmt::print(stderr, "{}: [{}/{}] {}: failed\n", command, done, specs.size(), s.label);
        }
      });
    for (auto& t : th) t.join();
  }  // the pool waits for speculative points still running
  return out;
}

}  // namespace iosim

#include "sim/subprocess.hpp"

#include <filesystem>
#include <fstream>

namespace iosim {

void add_search_command_options(CLI::App& c, SearchCommandOptions& o, std::string& out, const std::string& what) {
  c.add_option("--set", o.sets,
               "Override a key for every point (repeatable); search.closed.KEY / search.open.KEY change the searches "
               "(closed: start, factor, min_gain, patience, max; open: start, factor, keep_up, bisection_steps, max)");
  c.add_option("--table", o.table,
               "Take the run window and search parameters from this table YAML (default: those of "
               "scenarios/paper/table1.yaml)");
  c.add_flag("--quick", o.quick, "The table's quick: protocol (shorter windows, fewer bisections)");
  c.add_option("-j,--jobs", o.jobs, "Simulations run at once (default: the number of cores)")->check(CLI::PositiveNumber);
  c.add_option("--out", out, "Directory for " + what + ".csv, " + what + ".json, " + what + ".png, " + what + ".svg")
      ->capture_default_str();
  c.add_option("--point-timeout", o.point_timeout_s,
               "Wall-clock seconds a point may run before it is killed and reported as failed (0: no limit)")
      ->check(CLI::Range(0.0, 1e9))
      ->capture_default_str();
  c.add_flag("--no-plot", o.no_plot, "Do not run gnuplot");
  c.add_flag("--no-files", o.no_files, "Do not write " + what + ".csv / " + what + ".json / the plot");
  c.add_flag("--quiet,-q", o.quiet, "No progress on stderr");
}

}  // namespace iosim
