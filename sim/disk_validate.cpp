#include "sim/disk_validate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <systemc>

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>
#include <filesystem>
#include <iostream>
#include <map>

#include "model/disk/direct_link.hpp"
#include "model/disk/disk.hpp"
#include "model/disk/disksim_reader.hpp"
#include "model/stats/stats.hpp"

namespace iosim {
namespace {

struct TraceRecord {
  IoOp op;
  uint64_t lbn;
  uint32_t blocks;
  double service_s, think_s;
};

std::string read_file(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw std::runtime_error(path + ": cannot open");
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::vector<TraceRecord> load_trace(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw std::runtime_error(path + ": cannot open");
  std::vector<TraceRecord> out;
  std::string line;
  int ln = 0;
  while (std::getline(f, line)) {
    ++ln;
    std::istringstream ss(line);
    std::string op, outcome;
    double lbn = 0, blocks = 0, svc = 0, think = 0;
    if (!(ss >> op)) continue;
    if (!(ss >> outcome >> lbn >> blocks >> svc >> think) || (op != "R" && op != "W"))
      throw std::runtime_error(path + ":" + std::to_string(ln) + ": expected 'R|W outcome lbn blocks us us'");
    out.push_back(TraceRecord{op == "R" ? IoOp::Read : IoOp::Write, uint64_t(lbn), uint32_t(blocks),
                              svc * 1e-6, think * 1e-6});
  }
  return out;
}

// Closed loop: one request outstanding; the next is issued `think` after the
// previous one completed (trace column 6).
SC_MODULE(TraceReplayer) {
  Disk* disk = nullptr;
  const std::vector<TraceRecord>* trace = nullptr;
  std::vector<double> service;
  std::vector<bool> hit;
  IoRequest req;
  sc_core::sc_event done;

  SC_CTOR(TraceReplayer) { SC_THREAD(run); }

  void run() {
    req.on_done = [this](IoRequest&) { done.notify(sc_core::SC_ZERO_TIME); };
    for (size_t i = 0; i < trace->size(); ++i) {
      const TraceRecord& r = (*trace)[i];
      req.id = i;
      req.op = r.op;
      req.lba = r.lbn;
      req.blocks = r.blocks;
      req.t_issue = sc_core::sc_time_stamp();
      const uint64_t hits0 = disk->read_hits();
      disk->command(req);
      wait(done);
      service.push_back((sc_core::sc_time_stamp() - req.t_issue).to_seconds());
      hit.push_back(disk->read_hits() != hits0);
      wait(sc_core::sc_time(r.think_s, sc_core::SC_SEC));
    }
    sc_core::sc_stop();
  }
};

double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double rank = std::ceil(q * double(v.size()));
  const size_t i = rank < 1 ? 0 : std::min(v.size() - 1, size_t(rank) - 1);
  return v[i];
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0 : s / double(v.size());
}

}  // namespace

double rms_demerit(std::vector<double> a, std::vector<double> b) {
  if (a.size() != b.size() || a.empty()) throw std::invalid_argument("rms_demerit: lists differ in length");
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += (a[i] - b[i]) * (a[i] - b[i]);
  return std::sqrt(s / double(a.size()));
}

std::optional<double> published_disksim_demerit_ms(const std::string& drive) {
  // ../shared/disk-validation/README.md and issue 10 ("DiskSim itself").
  static const std::map<std::string, double> known{{"cheetah9LP", 0.107}, {"atlas10k", 0.268}};
  const auto it = known.find(drive);
  if (it == known.end()) return std::nullopt;
  return it->second;
}

DrivePaths resolve_drive_argument(const std::string& arg) {
  const std::string ext = ".parv";
  if (arg.size() <= ext.size() || arg.compare(arg.size() - ext.size(), ext.size(), ext) != 0)
    return DrivePaths{arg, arg + ".trace"};
  // A .parv is a whole DiskSim setup; the drive is the file it sources that
  // ends in .diskspecs (the validation .parv files: `source cheetah9LP.diskspecs`).
  const std::string text = read_file(arg);
  const std::string stem = arg.substr(0, arg.size() - ext.size());
  const size_t slash = arg.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : arg.substr(0, slash);
  std::istringstream ss(text);
  std::string line, found;
  int ln = 0;
  while (std::getline(ss, line)) {
    ++ln;
    std::istringstream ls(line.substr(0, line.find('#')));
    std::string w, file;
    if (!(ls >> w) || w != "source" || !(ls >> file)) continue;
    const std::string suf = ".diskspecs";
    if (file.size() > suf.size() && file.compare(file.size() - suf.size(), suf.size(), suf) == 0) {
      if (!found.empty())
        throw std::runtime_error(arg + ":" + std::to_string(ln) + ": a second drive ('" + file +
                                 "'); disk-validate replays one drive");
      found = file.substr(0, file.size() - suf.size());
    }
  }
  if (found.empty()) throw std::runtime_error(arg + ": no 'source NAME.diskspecs' line: which drive?");
  return DrivePaths{dir + "/" + found, stem + ".trace"};
}

DiskValidation validate_drive(const std::string& prefix) { return validate_drive(DrivePaths{prefix, prefix + ".trace"}); }

DiskValidation validate_drive(const DrivePaths& paths) {
  const std::string& prefix = paths.prefix;
  std::vector<std::string> warnings;
  const DiskParams params = load_disksim_drive(prefix, &warnings);
  for (const std::string& w : warnings) std::cerr << "iosim disk-validate: warning: " << w << "\n";
  const std::vector<TraceRecord> trace = load_trace(paths.trace);

  auto disk = std::make_unique<Disk>("disk", params);
  DirectLink link(params.interface_sector_time);
  disk->link.bind(link);
  auto rep = std::make_unique<TraceReplayer>("replayer");
  rep->disk = disk.get();
  rep->trace = &trace;
  sc_core::sc_start();

  DiskValidation v;
  v.drive = prefix.substr(prefix.find_last_of('/') + 1);
  for (const TraceRecord& r : trace) v.measured_s.push_back(r.service_s);
  v.simulated_s = rep->service;
  if (v.simulated_s.size() != v.measured_s.size()) throw std::runtime_error("disk validation: replay incomplete");
  for (size_t i = 0; i < trace.size(); ++i)
    v.requests.push_back({trace[i].op == IoOp::Write, trace[i].lbn, trace[i].blocks,
                          trace[i].op == IoOp::Read && rep->hit[i]});
  v.disksim_demerit_ms = published_disksim_demerit_ms(v.drive);
  v.demerit_ms = rms_demerit(v.measured_s, v.simulated_s) * 1e3;
  v.mean_measured_ms = mean(v.measured_s) * 1e3;
  v.mean_simulated_ms = mean(v.simulated_s) * 1e3;
  v.demerit_pct = 100.0 * v.demerit_ms / v.mean_measured_ms;
  for (auto [label, q] : {std::pair<const char*, double>{"p10", 0.10}, {"p50", 0.50}, {"p90", 0.90}, {"p99", 0.99}})
    v.quantiles.push_back({label, quantile(v.measured_s, q) * 1e3, quantile(v.simulated_s, q) * 1e3});
  v.quantiles.push_back({"mean", v.mean_measured_ms, v.mean_simulated_ms});
  Stats st;
  disk->report(st, sc_core::sc_time_stamp().to_seconds());
  v.read_hit_rate_pct = st.get(std::string(disk->name()) + ".read_hit_ratio");
  return v;
}

void DiskValidation::print(std::ostream& os) const {
  char buf[160];
  std::snprintf(buf, sizeof buf, "disk validation: %s, %zu requests, read hit rate %.1f%%\n", drive.c_str(),
                measured_s.size(), read_hit_rate_pct);
  os << buf;
  std::snprintf(buf, sizeof buf, "demerit (RMS of sorted differences): %.3f ms = %.1f%% of mean measured %.3f ms\n",
                demerit_ms, demerit_pct, mean_measured_ms);
  os << buf;
  if (disksim_demerit_ms) {
    std::snprintf(buf, sizeof buf, "DiskSim 4.0's own demerit on this trace: %.3f ms (iosim %s)\n", *disksim_demerit_ms,
                  demerit_ms <= *disksim_demerit_ms ? "at or below it" : "above it");
    os << buf;
  }
  os << "           measured  simulated   (ms)\n";
  for (const Quantile& q : quantiles) {
    std::snprintf(buf, sizeof buf, "  %-6s %10.3f %10.3f\n", q.label.c_str(), q.measured_ms, q.simulated_ms);
    os << buf;
  }
}

void DiskValidation::write_outputs(const std::string& dir, std::ostream& warn) const {
  namespace fs = std::filesystem;
  fs::create_directories(dir);
  auto open = [&](const std::string& name) {
    std::ofstream f(dir + "/" + name);
    if (!f) throw std::runtime_error(dir + "/" + name + ": cannot write");
    return f;
  };
  {
    std::ofstream f = open("requests.csv");
    f << "index,op,block,blocks,measured_ms,simulated_ms,buffer\n";
    for (size_t i = 0; i < requests.size(); ++i) {
      const Request& r = requests[i];
      f << fmt::format("{},{},{},{},{:.6f},{:.6f},{}\n", i, r.write ? "W" : "R", r.lbn, r.blocks, measured_s[i] * 1e3,
                       simulated_s[i] * 1e3, r.write ? "write" : r.hit ? "hit" : "miss");
    }
  }
  {
    // Both CDFs on one abscissa list: row k holds the k-th smallest of each.
    std::vector<double> m = measured_s, s = simulated_s;
    std::sort(m.begin(), m.end());
    std::sort(s.begin(), s.end());
    std::ofstream f = open("cdf.dat");
    f << "# fraction measured_ms simulated_ms\n";
    for (size_t i = 0; i < m.size(); ++i)
      f << fmt::format("{:.6f} {:.6f} {:.6f}\n", double(i + 1) / double(m.size()), m[i] * 1e3, s[i] * 1e3);
  }
  {
    std::ofstream f = open("cdf.gp");
    const std::string title = fmt::format("{}: demerit {:.3f} ms{}", drive, demerit_ms,
                                          disksim_demerit_ms ? fmt::format(" (DiskSim {:.3f} ms)", *disksim_demerit_ms) : "");
    for (const char* term : {"pngcairo size 900,600", "svg size 900,600"}) {
      const bool png = std::string(term).rfind("png", 0) == 0;
      f << "set terminal " << term << "\n";
      f << "set output '" << (png ? "cdf.png" : "cdf.svg") << "'\n";
      f << "set title '" << title << "' noenhanced\n";
      f << "set xlabel 'service time (ms)'\nset ylabel 'fraction of requests'\n";
      f << "set key bottom right\nset grid\nset yrange [0:1]\n";
      f << "plot 'cdf.dat' using 2:1 with lines lw 2 title 'measured', "
           "'cdf.dat' using 3:1 with lines lw 2 dt 2 title 'iosim'\n";
    }
  }
  {
    nlohmann::ordered_json j;
    j["drive"] = drive;
    j["requests"] = measured_s.size();
    j["demerit_ms"] = demerit_ms;
    j["demerit_pct"] = demerit_pct;
    j["disksim_demerit_ms"] = disksim_demerit_ms ? nlohmann::ordered_json(*disksim_demerit_ms) : nlohmann::ordered_json();
    j["mean_measured_ms"] = mean_measured_ms;
    j["mean_simulated_ms"] = mean_simulated_ms;
    j["read_hit_rate_pct"] = read_hit_rate_pct;
    for (const Quantile& q : quantiles) j["quantiles"][q.label] = {{"measured_ms", q.measured_ms}, {"simulated_ms", q.simulated_ms}};
    std::ofstream f = open("summary.json");
    f << j.dump(2) << "\n";
  }
  // gnuplot runs in DIR so the script's relative names resolve there.
  const std::string cmd = "cd '" + dir + "' && gnuplot cdf.gp 2>&1";
  if (std::system("command -v gnuplot >/dev/null 2>&1") != 0) {
    warn << "iosim disk-validate: warning: gnuplot not found; " << dir << "/cdf.gp not rendered\n";
    return;
  }
  if (std::system(cmd.c_str()) != 0)
    warn << "iosim disk-validate: warning: gnuplot failed on " << dir << "/cdf.gp\n";
}

namespace {
struct DiskValidateArgs {
  std::string drive, out;
  double max_demerit = -1;
  CLI::App* cmd = nullptr;
} g_dv;
}  // namespace

void register_disk_validate_command(CLI::App& app) {
  g_dv.cmd = app.add_subcommand("disk-validate",
                                "Replay a measured drive trace (DiskSim format) and print the demerit.\n"
                                "Exit status: 0 ok, 1 error, 2 usage, 3 demerit above --max-demerit");
  g_dv.cmd->add_option("drive", g_dv.drive,
                       "DRIVE.parv, or the path prefix of DRIVE.diskspecs/.model/.seek/.trace, "
                       "e.g. ../shared/disk-validation/atlas10k")->required();
  g_dv.cmd->add_option("--out", g_dv.out,
                       "Directory for requests.csv (per request), cdf.png/cdf.svg (both CDFs), summary.json");
  g_dv.cmd->add_option("--max-demerit", g_dv.max_demerit, "Exit with status 3 if the demerit exceeds this (ms)")
      ->check(CLI::NonNegativeNumber);
}

bool disk_validate_command_parsed(const CLI::App&) { return g_dv.cmd && g_dv.cmd->parsed(); }

int run_disk_validate_command() {
  DrivePaths paths;
  try {
    paths = resolve_drive_argument(g_dv.drive);
  } catch (const std::exception& e) {
    fmt::print(stderr, "iosim disk-validate: {}\n", e.what());
    return 2;
  }
  for (const std::string& f : {paths.prefix + ".diskspecs", paths.prefix + ".model", paths.trace})
    if (!std::filesystem::exists(f)) {
      fmt::print(stderr, "iosim disk-validate: {}: no such file (expected DRIVE.diskspecs, .model, .seek, .trace)\n", f);
      return 2;
    }
  const DiskValidation v = validate_drive(paths);
  v.print(std::cout);
  if (!g_dv.out.empty()) {
    v.write_outputs(g_dv.out, std::cerr);
    fmt::print("  outputs      {0}/requests.csv, {0}/cdf.png, {0}/cdf.svg, {0}/summary.json\n", g_dv.out);
  }
  if (g_dv.max_demerit >= 0 && v.demerit_ms > g_dv.max_demerit) {
    fmt::print(stderr, "iosim disk-validate: demerit {:.3f} ms above --max-demerit {:.3f} ms\n", v.demerit_ms,
               g_dv.max_demerit);
    return 3;
  }
  return 0;
}

} // namespace iosim
