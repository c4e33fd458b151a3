#include "sim/table_run.hpp"

#include "sim/point_pool.hpp"

#include <fmt/core.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <unistd.h>

namespace iosim {

std::vector<std::string> point_args(const std::string& scenario, const std::vector<std::string>& sets) {
  std::vector<std::string> a{scenario};
  for (const auto& s : sets) a.push_back("--set"), a.push_back(s);
  return a;
}

namespace {

// What the searches share besides the pool: a stop flag (one failed point
// ends the table) and the progress line.
struct Shared {
  std::atomic<bool> abort{false};
  std::atomic<int> searches_done{0};
  int searches = 0;
  bool tty = false, progress = true;
  std::mutex mu;
  std::string best;  // the latest best figure of any search
};

// One search's points: x -> the running/finished child. eval() waits on it;
// the hinted likely next points start alongside, but only into idle workers.
class PointEvaluator : public saturation::Evaluator {
public:
  PointEvaluator(PointPool& pool, Shared& sh, bool open_loop, std::string label, std::string scenario,
                 std::vector<std::string> sets, std::function<std::string(double)> axis_set,
                 std::function<std::string(double)> axis_label)
      : pool_(pool), sh_(sh), open_loop_(open_loop), label_(std::move(label)), scenario_(std::move(scenario)), sets_(std::move(sets)),
        axis_set_(std::move(axis_set)), axis_label_(std::move(axis_label)) {}

  saturation::Measure eval(double x) override {
    if (sh_.abort) throw std::runtime_error("stopped: another point failed");
    // The real point first, so a speculative one never queues ahead of it.
    PointPool::Handle h = start(x, false);
    for (double y : hints_)
      if (!points_.count(y) && pool_.idle() > 0) start(y, true);
    hints_.clear();
    const PointOutcome& o = h.get();
    const nlohmann::json& j = point_result(o, fmt::format("{} at {}", label_, axis_label_(x)));
    const double iops = key_figures(j).iops;
    if (iops > best_) {
      best_ = iops;
      std::lock_guard<std::mutex> l(sh_.mu);
      sh_.best = fmt::format("{}: {:.0f} I/O/s at {}", label_, iops, axis_label_(x));
    }
    return {iops, open_loop_ ? arrivals(j, x) : 0};
  }

  // Started by the next eval(), right after its own point.
  void hint(const std::vector<double>& xs) override { hints_ = xs; }

  KeyFigures figures(double x) const { return key_figures(points_.at(x).get().result); }

  // After the pool has finished every point (speculative ones included).
  void totals(int& points, double& requests) const {
    for (const auto& [x, h] : points_) {
      ++points;
      if (h.get().ok()) requests += key_figures(h.get().result).requests_issued;
    }
  }

private:
  // Requests/s that arrived in the window: the same Poisson sample the
  // completions come from, so a 3% keep-up margin is not lost in arrival
  // noise (at 1000/s over 1 s, one sigma is 3%). Only if the arrivals fall
  // short of the nominal rate by more than 4 sigma were the processes held
  // back (a full ring, saturated CPUs): then the nominal rate is what was
  // offered and not kept up with.
  static double arrivals(const nlohmann::json& j, double nominal) {
    const auto& st = j.at("stats");
    const double window = j.at("run").at("duration_s").get<double>();
    if (!st.contains("top.workload.issued") || window <= 0) return nominal;
    const double issued = st["top.workload.issued"].at("value").get<double>() / window;
    const double tolerance = 4 / std::sqrt(nominal * window);
    return issued >= nominal * (1 - tolerance) ? issued : nominal;
  }

  PointPool::Handle& start(double x, bool speculative) {
    auto it = points_.find(x);
    if (it != points_.end()) return it->second;
    std::vector<std::string> sets = sets_;
    sets.push_back(axis_set_(x));
    return points_.emplace(x, pool_.submit(point_args(scenario_, sets), speculative)).first->second;
  }

  PointPool& pool_;
  Shared& sh_;
  bool open_loop_;
  std::string label_, scenario_;
  std::vector<std::string> sets_;
  std::function<std::string(double)> axis_set_, axis_label_;
  std::map<double, PointPool::Handle> points_;
  std::vector<double> hints_;
  double best_ = 0;
};

std::vector<std::string> mode_sets(const TableConfig& c, const std::vector<std::string>& mode,
                                   const std::vector<std::string>& user, std::uint64_t block) {
  std::vector<std::string> s = mode;
  s.push_back("workload.block=" + block_arg(block));
  s.push_back(fmt::format("run.warmup={}s", c.warmup_s));
  s.push_back(fmt::format("run.duration={}s", c.duration_s));
  s.push_back(fmt::format("run.seed={}", c.seed));
  // The user's --set last: it wins over everything, as in `iosim run`.
  s.insert(s.end(), user.begin(), user.end());
  return s;
}

}  // namespace

TableResult run_table(const TableConfig& c, const TableRunOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  Shared sh;
  sh.searches = int(2 * c.blocks.size());
  sh.tty = isatty(2);
  sh.progress = o.progress;
  TableResult res;
  res.rows.resize(c.blocks.size());
  std::vector<std::unique_ptr<PointEvaluator>> evs;
  std::exception_ptr failure;
  std::mutex fail_mu;
  {
    PointPool pool(o.jobs > 0 ? o.jobs : default_jobs());
    auto show = [&] {
      if (!sh.progress || !sh.tty) return;
      std::lock_guard<std::mutex> l(sh.mu);
      fmt::print(stderr, "\rtable: {}/{} points done, {}/{} searches done; best so far {}\033[K", pool.done(),
                 pool.started(), sh.searches_done.load(), sh.searches, sh.best);
    };
    pool.on_done(show);

    std::vector<std::thread> threads;
    for (size_t i = 0; i < c.blocks.size(); ++i) {
      const std::uint64_t b = c.blocks[i];
      res.rows[i].block = b;
      evs.push_back(std::make_unique<PointEvaluator>(
          pool, sh, false, fmt::format("sync {} kB", block_kb(b)), c.sync_scenario, mode_sets(c, c.sync_sets, o.sets, b),
          [](double n) { return fmt::format("workload.processes={:.0f}", n); },
          [](double n) { return fmt::format("N={:.0f}", n); }));
      evs.push_back(std::make_unique<PointEvaluator>(
          pool, sh, true, fmt::format("async {} kB", block_kb(b)), c.async_scenario, mode_sets(c, c.async_sets, o.sets, b),
          [](double r) { return fmt::format("workload.rate={:.0f}/s", r); },
          [](double r) { return fmt::format("{:.0f}/s", r); }));
      PointEvaluator* se = evs[evs.size() - 2].get();
      PointEvaluator* ae = evs.back().get();
      auto search = [&, se, ae, i](bool sync) {
        try {
          TableCell& cell = sync ? res.rows[i].sync : res.rows[i].async;
          PointEvaluator* ev = sync ? se : ae;
          cell.search = sync ? saturation::search_closed(c.sync, *ev) : saturation::search_open(c.async, *ev);
          cell.at_best = ev->figures(cell.search.best_x);
          ++sh.searches_done;
          if (sh.progress && !sh.tty) {
            std::lock_guard<std::mutex> l(sh.mu);
            fmt::print(stderr, "table: {} {} kB: {:.0f} I/O/s at {} ({} points){}\n", sync ? "sync" : "async",
                       block_kb(c.blocks[i]), cell.search.best_iops,
                       sync ? fmt::format("N={:.0f}", cell.search.best_x) : fmt::format("{:.0f}/s", cell.search.best_x),
                       cell.search.steps.size(), cell.search.capped ? " (capped)" : "");
          }
          show();
        } catch (...) {
          sh.abort = true;
          std::lock_guard<std::mutex> l(fail_mu);
          if (!failure) failure = std::current_exception();
        }
      };
      threads.emplace_back(search, true);
      threads.emplace_back(search, false);
    }
    for (auto& t : threads) t.join();
  }  // the pool waits for speculative points still running
  if (sh.progress && sh.tty) fmt::print(stderr, "\r\033[K");
  if (failure) std::rethrow_exception(failure);
  for (const auto& e : evs) e->totals(res.points_run, res.requests_simulated);
  res.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

}  // namespace iosim
