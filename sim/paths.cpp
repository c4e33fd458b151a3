#include "sim/paths.hpp"

#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <vector>

namespace iosim {

namespace fs = std::filesystem;

std::string executable_dir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : exe.parent_path().string();
}

std::string data_path(const std::string& rel) {
  std::error_code ec;
  if (fs::exists(rel, ec)) return rel;
  std::vector<fs::path> roots;
  if (const char* d = std::getenv("IOSIM_DATA_DIR"); d && *d) roots.emplace_back(d);
  if (const std::string exe = executable_dir(); !exe.empty()) {
    roots.push_back(fs::path(exe) / ".." / "share" / "iosim");
    roots.push_back(fs::path(exe) / "..");
  }
  for (const auto& r : roots) {
    const fs::path p = (r / rel).lexically_normal();
    if (fs::exists(p, ec)) return p.string();
  }
  return rel;
}

}  // namespace iosim
