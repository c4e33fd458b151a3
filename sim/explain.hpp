#pragma once
// `iosim explain SCENARIO --a sync --b async`: attributes the difference in
// saturation I/O/s between two stacks (sim/stacks.cpp) to mechanisms, by
// counterfactual runs.
//
// What is compared: the saturation I/O/s each stack reaches under the
// table's protocol (closed loop over processes with the table's stop rule,
// open loop over the offered rate with the keep-up test), i.e. the quantity
// the paper's Table 1 and its gain column are about. A fixed operating point
// (same processes or same rate on both) would not be: the two stacks are
// driven differently (N blocking processes vs a rate), so "the same point"
// does not exist, and the stop rule's choice of N is itself one of the
// mechanisms to weigh (factor `stop_rule`).
//
// Counterfactuals: each factor (sim/stacks.cpp) is a named set of overrides
// that removes a mechanism or makes it the same on both stacks (zero the
// interrupt/wakeup/switch costs, equal per-disk queue depth, host elevator
// off, no polling delay, the search's stop rule, the card's
// descriptor cap). A world is a subset S of
// the factors, applied to both stacks (each factor only where it applies);
// gap(S) = I/O/s of B - I/O/s of A in that world. total = gap({}).
//
// Attribution (choose with --method):
//  - shapley (default): each factor's Shapley value over the game
//    r(S) = gap({}) - gap(S) (how much of the gap the factors in S remove):
//    phi_i = sum over S not holding i of |S|! (k-|S|-1)! / k! (gap(S) - gap(S+i)).
//    Order-free, interactions shared fairly; 2^k worlds (k <= 8).
//  - sequential: factors added in the order given, phi_i = gap(S_i-1) - gap(S_i);
//    k + 1 worlds, but the figures depend on the order.
//  - oat (one at a time): phi_i = gap({}) - gap({i}); k + 1 worlds; the
//    interactions stay in the remainder.
// remainder = total - sum(phi): for shapley and sequential it is gap(all
// factors), the part no factor explains; for oat it also holds the
// interactions. contributions + remainder = total by construction.
#include "sim/stacks.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace CLI { class App; }

namespace iosim {

enum class AttributionMethod { Shapley, Sequential, OneAtATime };
const char* to_string(AttributionMethod m);

struct Attribution {
  double total = 0;               // gap({})
  std::vector<double> contrib;    // per factor, in the order given
  double remainder = 0;           // total - sum(contrib)
  double gap_all = 0;             // gap(every factor)
};

// The worlds (bit i: factor i applied) a method needs for k factors.
std::vector<std::uint32_t> worlds_needed(AttributionMethod m, int k);
// gap(mask) is called only for masks worlds_needed() returned.
Attribution attribute(AttributionMethod m, int k, const std::function<double(std::uint32_t)>& gap);

struct ExplainOptions : SearchCommandOptions {
  std::string scenario, out = "out/explain";
  std::string a = "sync", b = "async";   // stack names
  std::vector<std::string> blocks;       // sizes with units; empty: the scenario's workload.block
  std::vector<std::string> factor_names; // registered factors; empty: the default ones
  std::vector<std::string> factor_specs; // user factors NAME:key=value,... (every stack)
  std::string method = "shapley";
};

// Exit status: 0 ok, 1 a point failed to run, 2 bad input.
int run_explain(const ExplainOptions& o);

void register_explain_command(CLI::App& app);
bool explain_command_parsed(const CLI::App& app);
int run_explain_command();

}  // namespace iosim
