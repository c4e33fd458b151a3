#include "sim/merge.hpp"

#include "sim/jobs.hpp"
#include "sim/sweep.hpp"
#include "sim/table.hpp"

#include <fmt/core.h>

#include <filesystem>
#include <stdexcept>

namespace iosim {

int run_merge(const std::string& dir_arg, const std::string& out_arg, bool no_plot) {
  namespace fs = std::filesystem;
  const std::string dir = fs::absolute(dir_arg).lexically_normal().string();
  const std::string out = out_arg.empty() ? dir : fs::absolute(out_arg).lexically_normal().string();
  const nlohmann::json m = read_manifest(dir);
  // The scenario and table paths are as the user gave them, relative to the
  // folder --emit-jobs ran in: merge reads them from there, as the jobs did.
  const std::string cwd = m.at("cwd").get<std::string>();
  std::error_code ec;
  fs::current_path(cwd, ec);
  if (ec) throw std::runtime_error(fmt::format("{}/jobs.json: cannot enter its working directory {}: {}", dir, cwd, ec.message()));
  const std::string cmd = m.at("command").get<std::string>();
  if (cmd == "sweep") return merge_sweep(m, dir, out, no_plot);
  if (cmd == "table") return merge_table(m, dir, out, no_plot);
  throw std::runtime_error(fmt::format("{}/jobs.json: unknown command '{}' (sweep or table)", dir, cmd));
}

}  // namespace iosim
