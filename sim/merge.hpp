#pragma once
// `iosim merge DIR`: the outputs of a sweep or a table whose points ran as
// the jobs `--emit-jobs DIR` wrote (sim/jobs.hpp), byte-identical to a local
// run's.
#include <string>

namespace iosim {

// out: where the outputs go (empty: DIR). Exit status: 0 ok; 1 a point failed
// or has not run; 2 a configuration error.
int run_merge(const std::string& dir, const std::string& out, bool no_plot);

}  // namespace iosim
