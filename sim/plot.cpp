#include "sim/plot.hpp"

#include "sim/subprocess.hpp"

#include <fmt/core.h>

#include <filesystem>
#include <fstream>

namespace iosim {

bool draw_plot(const PlotFile& f, const std::string& body) {
  const std::string text = f.enhanced ? "" : "set termoption noenhanced\n";
  {
    std::ofstream gp(std::filesystem::path(f.dir) / (f.name + ".gp"));
    gp << fmt::format("# gnuplot {0}.gp (in this folder) redraws {0}.png and {0}.svg from {1}\n", f.name,
                      f.data.empty() ? f.name + ".dat" : f.data)
       << fmt::format("if (strstrt(GPVAL_TERMINALS, \"pngcairo\") > 0) {{ set terminal pngcairo size {0},{1} }} "
                      "else {{ set terminal png size {0},{1} }}\n",
                      f.width, f.height)
       << text << fmt::format("set output \"{}.png\"\n", f.name) << body
       << fmt::format("set terminal svg size {},{} dynamic\n", f.width, f.height) << text
       << fmt::format("set output \"{}.svg\"\n", f.name) << body;
  }
  // gnuplot runs in `dir` so the script's relative names work when rerun by hand.
  const ChildResult g = run_child({"/bin/sh", "-c", "cd \"$0\" && exec gnuplot \"$1\"", f.dir, f.name + ".gp"});
  if (g.status == 127) {
    fmt::print(stderr, "warning: gnuplot not found (apt-get install gnuplot-nox): no {0}.png / {0}.svg\n", f.name);
    return false;
  }
  if (g.status != 0) {
    fmt::print(stderr, "warning: gnuplot failed (exit {}): {}\n", g.status, g.err);
    return false;
  }
  return true;
}

}  // namespace iosim
