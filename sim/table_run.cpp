#include "sim/table_run.hpp"

#include "sim/point_pool.hpp"

#include <fmt/core.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <functional>
#include <future>
#include <map>
#include <numeric>
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

// Every point the table runs, by its `iosim run` arguments (scenario,
// overrides, seed): a point asked for again, by the same search or another,
// or speculatively, gets the first run's outcome.
class PointMemo {
public:
  explicit PointMemo(PointPool& pool) : pool_(pool) {}

  // The point's handle; submitted to the pool unless known already.
  PointPool::Handle get(const std::vector<std::string>& args, bool speculative) {
    std::lock_guard<std::mutex> l(mu_);
    auto it = points_.find(args);
    if (it != points_.end()) return it->second;
    return points_.emplace(args, pool_.submit(args, speculative)).first->second;
  }
  bool known(const std::vector<std::string>& args) const {
    std::lock_guard<std::mutex> l(mu_);
    return points_.count(args) > 0;
  }

  // After the pool has finished every point (speculative ones included).
  void totals(TableResult& r) const {
    std::lock_guard<std::mutex> l(mu_);
    for (const auto& [args, h] : points_) {
      r.cpu_s += h.get().cpu_s;
      if (h.get().ok()) r.requests_simulated += key_figures(h.get().result).requests_issued;
    }
  }

private:
  PointPool& pool_;
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, PointPool::Handle> points_;
};

// One search's points: x -> the running/finished child. eval() waits on it;
// the hinted likely next points start alongside, but only into idle workers.
class PointEvaluator : public saturation::Evaluator {
public:
  PointEvaluator(PointPool& pool, PointMemo& memo, Shared& sh, bool open_loop, std::string label, std::string scenario,
                 std::vector<std::string> sets, std::function<std::string(double)> axis_set,
                 std::function<std::string(double)> axis_label)
      : pool_(pool), memo_(memo), sh_(sh), open_loop_(open_loop), label_(std::move(label)), scenario_(std::move(scenario)),
        sets_(std::move(sets)), axis_set_(std::move(axis_set)), axis_label_(std::move(axis_label)) {}

  saturation::Measure eval(double x) override {
    if (sh_.abort) throw std::runtime_error("stopped: another point failed");
    // The real point first, so a speculative one never queues ahead of it.
    PointPool::Handle h = start(x, false);
    for (double y : hints_)
      if (!memo_.known(args(y)) && pool_.idle() > 0) start(y, true);
    hints_.clear();
    const PointOutcome& o = h.get();
    const nlohmann::json& j = point_result(o, fmt::format("{} at {}", label_, axis_label_(x)));
    const double iops = key_figures(j).iops;
    if (iops > best_) {
      best_ = iops;
      std::lock_guard<std::mutex> l(sh_.mu);
      sh_.best = fmt::format("{}: {:.0f} I/O/s at {}", label_, iops, axis_label_(x));
    }
    return {iops, open_loop_ ? arrived_rate(j, x) : 0};
  }

  // Started by the next eval(), right after its own point.
  void hint(const std::vector<double>& xs) override { hints_ = xs; }

  void grown(const saturation::Result& so_far) override {
    if (on_grown) on_grown(so_far);
  }
  std::function<void(const saturation::Result&)> on_grown;
  double warm_from = 0;  // the search under way started warm from here (0: cold)

  KeyFigures figures(double x) { return key_figures(start(x, false).get().result); }

  // The results of every x (the points run already taken from the memo), the
  // new ones queued behind every search's own points; throws if one failed.
  std::vector<nlohmann::json> results(const std::vector<double>& xs) {
    std::vector<PointPool::Handle> hs;
    for (double x : xs) hs.push_back(memo_.get(args(x), true));
    std::vector<nlohmann::json> out;
    for (size_t i = 0; i < xs.size(); ++i) {
      if (sh_.abort) throw std::runtime_error("stopped: another point failed");
      out.push_back(point_result(hs[i].get(), fmt::format("{} at {} (curve)", label_, axis_label_(xs[i]))));
    }
    return out;
  }

private:
  std::vector<std::string> args(double x) const {
    std::vector<std::string> sets = sets_;
    sets.push_back(axis_set_(x));
    return point_args(scenario_, sets);
  }

  PointPool::Handle start(double x, bool speculative) { return memo_.get(args(x), speculative); }

  PointPool& pool_;
  PointMemo& memo_;
  Shared& sh_;
  bool open_loop_;
  std::string label_, scenario_;
  std::vector<std::string> sets_;
  std::function<std::string(double)> axis_set_, axis_label_;
  std::vector<double> hints_;
  double best_ = 0;
};

// Thrown out of an open-loop warm search whose premise failed (see run_table).
struct WarmStartMissed {};

// A row's warm start, handed down the chain of rows: set once, by the
// neighbour's search (or its failure: 0, start cold).
struct StartPoint {
  std::promise<double> p;
  std::shared_future<double> f = p.get_future().share();
  std::once_flag once;
  void set(double x) {
    std::call_once(once, [&] { p.set_value(x); });
  }
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
  const size_t rows = c.blocks.size();
  res.rows.resize(rows);
  if (o.curves) {
    validate(c.curves);  // before any point runs
    res.curves.resize(rows);
    for (size_t i = 0; i < rows; ++i) res.curves[i].block = c.blocks[i];
  }
  std::vector<std::unique_ptr<PointEvaluator>> sync_ev, async_ev;
  // The warm-start chain: rows from the largest block down (stable on ties);
  // row order[k] starts from what order[k - 1] hands it.
  std::vector<size_t> order(rows);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return c.blocks[a] > c.blocks[b]; });
  std::vector<size_t> prev(rows, rows);  // rows: none (start cold)
  if (o.warm_start)
    for (size_t k = 1; k < rows; ++k) prev[order[k]] = order[k - 1];
  std::vector<StartPoint> sync_start(rows), async_start(rows);
  std::exception_ptr failure;
  std::mutex fail_mu;
  {
    PointPool pool(o.jobs > 0 ? o.jobs : default_jobs(), "", o.point_timeout_s);
    PointMemo memo(pool);
    auto show = [&] {
      if (!sh.progress || !sh.tty) return;
      std::lock_guard<std::mutex> l(sh.mu);
      fmt::print(stderr, "\rtable: {}/{} points done, {}/{} searches done; best so far {}\033[K", pool.done(),
                 pool.started(), sh.searches_done.load(), sh.searches, sh.best);
    };
    pool.on_done(show);

    for (size_t i = 0; i < rows; ++i) {
      const std::uint64_t b = c.blocks[i];
      res.rows[i].block = b;
      sync_ev.push_back(std::make_unique<PointEvaluator>(
          pool, memo, sh, false, fmt::format("sync {} kB", block_kb(b)), c.sync_scenario,
          mode_sets(c, c.sync_sets, o.sets, b), [](double n) { return fmt::format("workload.processes={:.0f}", n); },
          [](double n) { return fmt::format("N={:.0f}", n); }));
      async_ev.push_back(std::make_unique<PointEvaluator>(
          pool, memo, sh, true, fmt::format("async {} kB", block_kb(b)), c.async_scenario,
          mode_sets(c, c.async_sets, o.sets, b), [](double r) { return fmt::format("workload.rate={:.0f}/s", r); },
          [](double r) { return fmt::format("{:.0f}/s", r); }));
      StartPoint& handed = async_start[i];
      PointEvaluator* ev = async_ev.back().get();
      ev->on_grown = [&handed, ev](const saturation::Result& so_far) {
        // A warm start whose first rate was not kept up breaks the premise
        // (sim/saturation.hpp): the cold search may have bracketed lower.
        // Abandon this search before its bisection; the cold one follows.
        if (ev->warm_from > 0 && !so_far.steps.empty() && !so_far.steps.front().kept_up) throw WarmStartMissed{};
        handed.set(saturation::warm_start_open(so_far));
      };
    }

    auto search = [&](size_t i, bool sync) {
      StartPoint& mine = sync ? sync_start[i] : async_start[i];
      try {
        TableCell& cell = sync ? res.rows[i].sync : res.rows[i].async;
        PointEvaluator& ev = sync ? *sync_ev[i] : *async_ev[i];
        const double from = prev[i] < rows ? (sync ? sync_start : async_start)[prev[i]].f.get() : 0;
        if (sync) {
          saturation::ClosedParams p = c.sync;
          if (from > 0) p.start = int(from);
          cell.search = saturation::search_closed(p, ev);
          mine.set(saturation::warm_start_closed(c.sync, cell.search));
        } else {
          saturation::OpenParams p = c.async;
          if (from > 0) p.start = from;
          ev.warm_from = from;
          try {
            cell.search = saturation::search_open(p, ev);
          } catch (const WarmStartMissed&) {
            // The memo reruns none of the points already run.
            ev.warm_from = 0;
            cell.search = saturation::search_open(c.async, ev);
          }
        }
        cell.at_best = ev.figures(cell.search.best_x);
        if (o.curves) {
          // The curve's points from the table's own (cold) grid: the same
          // curve whether this search started warm or cold.
          std::vector<bool> on_path;
          const std::vector<double> xs = sync ? sync_curve_xs(c.sync, c.curves, cell.search, &on_path)
                                              : async_curve_xs(c.async, c.curves, cell.search, &on_path);
          const std::vector<nlohmann::json> js = ev.results(xs);
          Curve& cv = sync ? res.curves[i].sync : res.curves[i].async;
          cv.chosen_x = cell.search.best_x;
          cv.knee_x = cell.search.knee_x;
          for (size_t k = 0; k < xs.size(); ++k) {
            CurvePoint p = curve_point(js[k], xs[k], !sync, c.async.keep_up);
            p.search = on_path[k];
            p.chosen = xs[k] == cell.search.best_x;
            cv.points.push_back(p);
          }
        }
        ++sh.searches_done;
        if (sh.progress && !sh.tty) {
          std::lock_guard<std::mutex> l(sh.mu);
          fmt::print(stderr, "table: {} {} kB: {:.0f} I/O/s at {} ({} points{}){}\n", sync ? "sync" : "async",
                     block_kb(c.blocks[i]), cell.search.best_iops,
                     sync ? fmt::format("N={:.0f}", cell.search.best_x) : fmt::format("{:.0f}/s", cell.search.best_x),
                     cell.search.steps.size(),
                     cell.search.steps.size() && from > 0 && cell.search.steps.front().x == from ? ", warm start" : "",
                     cell.search.capped ? " (capped)" : "");
        }
        show();
      } catch (...) {
        sh.abort = true;
        std::lock_guard<std::mutex> l(fail_mu);
        if (!failure) failure = std::current_exception();
      }
      mine.set(0);  // no-op if handed already; else the next row must not wait forever
    };
    std::vector<std::thread> threads;
    for (size_t i = 0; i < rows; ++i) {
      threads.emplace_back(search, i, true);
      threads.emplace_back(search, i, false);
    }
    for (auto& t : threads) t.join();
    if (!failure) memo.totals(res);
    res.points_run = pool.started();  // child processes: the memo runs each point once
  }  // the pool waits for speculative points still running
  if (sh.progress && sh.tty) fmt::print(stderr, "\r\033[K");
  if (failure) std::rethrow_exception(failure);
  res.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

}  // namespace iosim
