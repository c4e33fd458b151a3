#pragma once
// Every plot iosim draws goes through here: DIR/NAME.gp is written (so the
// user can redraw or restyle it by hand: `gnuplot NAME.gp` in DIR) and
// gnuplot runs it in DIR, drawing NAME.png, then NAME.svg, from `body`.
#include <string>

namespace iosim {

struct PlotFile {
  std::string dir, name;
  int width = 900, height = 900;
  std::string data;       // the data files it reads, for the script's header (default NAME.dat)
  bool enhanced = true;   // gnuplot's enhanced text ('_' subscripts); off where names hold '_'
};

// A missing or failing gnuplot is a warning on stderr; returns whether it drew.
bool draw_plot(const PlotFile& f, const std::string& body);

}  // namespace iosim
