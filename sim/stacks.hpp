#pragma once
// What `iosim compare` (sim/compare.cpp) and `iosim explain` (sim/explain.cpp)
// share: the registry of I/O stacks (a stack is one row: name, description,
// the scenario overrides that select it, closed- or open-loop search), the
// registry of counterfactual factors (a named set of overrides that removes
// or equalises one mechanism), override sets written `NAME:key=value,...`
// (the syntax of `iosim capacity --variant`), the search protocol of the
// paper's Table 1, and a runner of saturation searches (sim/saturation.hpp)
// on a PointPool of `iosim run` children.
//
// Adding a stack or a factor is adding one row to the tables in stacks.cpp.
#include "sim/saturation.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace CLI { class App; }

namespace iosim {

struct TableConfig;

// The options `compare` and `explain` share: the protocol and the runner.
struct SearchCommandOptions {
  std::vector<std::string> sets;  // for every point; search.closed.* / search.open.* change the searches
  std::string table;              // a table YAML whose protocol to use (default: table1's values)
  bool quick = false;             // the table's quick: section
  int jobs = 0;
  double point_timeout_s = 3600;
  bool no_plot = false, no_files = false, quiet = false;
};
// Registers them on a subcommand; `what` names its output files ("compare").
void add_search_command_options(CLI::App& c, SearchCommandOptions& o, std::string& out, const std::string& what);

// Bad names or syntax on the command line (unknown stack, factor, malformed
// override set): the commands print the message and exit 2.
struct UsageError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// How a stack's saturation is searched: closed loop over processes
// (workload.processes, saturation::search_closed) or open loop over the
// offered rate (workload.rate, saturation::search_open), as the table does.
enum class Loop { Closed, Open };
const char* to_string(Loop l);

struct Stack {
  std::string name;
  std::string description;        // one line
  std::string io_path;            // its platform.io_path (factors are scoped by it)
  std::vector<std::string> sets;  // the overrides that select it, `key=value`
  Loop loop = Loop::Closed;
};

// Every registered stack, in the order compare lists them.
const std::vector<Stack>& stacks();
// Throws UsageError "unknown stack 'x'; did you mean 'y'?" (with the list).
const Stack& find_stack(const std::string& name);

struct Factor {
  std::string name;
  std::string description;        // one line: what the counterfactual does
  std::vector<std::string> sets;  // `key=value`; `search.closed.*` / `search.open.*` change the search
  std::vector<std::string> paths; // io_path values of the stacks it changes (empty: every stack)
  bool in_default = true;         // explain uses it unless --factors names others
};

// Every registered factor.
const std::vector<Factor>& factors();
const Factor& find_factor(const std::string& name);  // throws UsageError with a did-you-mean

// The overrides of `f` that change stack `s` (empty: the factor does not
// touch it): the factor's paths scope it, and `search.closed.*` keys apply
// to closed-loop stacks only, `search.open.*` to open-loop ones.
std::vector<std::string> factor_sets_for(const Factor& f, const Stack& s);

// "NAME:key=value,key=value" (iosim capacity's --variant syntax): a value may
// hold a ',' when the next piece has no '='. Throws UsageError.
struct OverrideSet {
  std::string name;
  std::vector<std::string> sets;
};
OverrideSet parse_override_set(const std::string& spec, const char* option = "--variant");

// Block sizes with units ("4KiB"). Throws UsageError naming the option.
std::vector<std::uint64_t> parse_blocks(const std::vector<std::string>& in, const char* option);

// The table's protocol: every point's run window and seed, and the two
// searches' parameters.
struct Protocol {
  double warmup_s = 0, duration_s = 0;
  std::uint64_t seed = 1;
  saturation::ClosedParams closed;
  saturation::OpenParams open;
};
// The values of scenarios/paper/table1.yaml (its `quick:` section merged
// when quick); tests/test_compare.cpp checks that they agree with the file.
Protocol table1_protocol(bool quick);
Protocol protocol_of(const TableConfig& c);
// Applies `search.closed.KEY=V` / `search.open.KEY=V` overrides (start,
// factor, min_gain, patience, max; start, factor, keep_up, bisection_steps,
// max) and returns the other overrides. Throws UsageError on an unknown key
// (with a did-you-mean) or a bad value.
std::vector<std::string> apply_search_sets(Protocol& p, const std::vector<std::string>& sets);

// One saturation search: a stack at a block size, with extra overrides.
struct SearchSpec {
  std::string label;                // progress and error messages
  std::string scenario;
  Stack stack;
  std::uint64_t block = 0;          // bytes
  std::vector<std::string> extra;   // after the stack's sets (variants, factors); may hold search.* keys
  std::vector<std::string> user;    // the command line's --set, last (wins over everything)
  Protocol protocol;
};

// The `--set` list of one point of a spec (search.* keys removed), without
// the search axis; and the search axis's override at x.
std::vector<std::string> spec_sets(const SearchSpec& s);
std::string axis_set(Loop l, double x);
std::string axis_label(Loop l, double x);

// What a stack did at its saturation point, read from that point's results.
struct StackFigures {
  double iops = 0, mbps = 0;
  double cpu_us_per_io = 0;    // host CPU time (user + system + irq, all CPUs) per completed I/O, us
  double cpu_us_per_mb = 0;    // the same per MB moved (10^6 B), us
  double cpu_busy_pct = 0;     // host CPUs, mean %
  double irq_per_s = 0;        // device interrupts taken, 1/s
  double ctx_per_s = 0;        // context switches, 1/s
  double io_ctx_per_s = 0;     // of which to a task woken from an I/O wait (a blocking read's), 1/s
  double wakeups_per_s = 0;    // task wakeups, 1/s
  double lat_p50_ms = 0, lat_p99_ms = 0;
  double disk_busy_pct = 0;    // mean over the disks
  double disk_queue = 0;       // commands queued at a disk (mean)
};
StackFigures stack_figures(const nlohmann::json& results);
nlohmann::ordered_json to_json(const StackFigures& f);

struct SearchOutcome {
  saturation::Result result;
  nlohmann::json at_best;  // the results JSON of the point with the best I/O/s
  std::string error;       // a point failed (its stderr)
};

// Runs the searches side by side, one thread each, on one pool of `jobs`
// `iosim run` children; a point (same arguments) never runs twice. Each
// search is cold (from its protocol's start) and deterministic.
std::vector<SearchOutcome> run_searches(const std::vector<SearchSpec>& specs, int jobs, double point_timeout_s,
                                        bool progress, const char* command);

}  // namespace iosim

