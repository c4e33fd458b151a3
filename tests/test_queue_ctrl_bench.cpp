// Raw speed of the two cores, cycles per second of wall time. Hidden ([.]):
// not a test (wall-clock figures can't be asserted), run by hand with
//   build/iosim_tests "[.bench]"
#include <catch2/catch.hpp>

#include "model/card/queue_ctrl_core.hpp"
#include "model/common/rng.hpp"

#include <chrono>
#include <cstdio>
#include <vector>

using namespace iosim;

TEST_CASE("queue ctrl: cycles per second of rtl and model cores", "[.bench]") {
  const uint64_t kCycles = 20000000;
  std::vector<QcInputs> pattern(4096);  // pre-drawn so the RNG is not timed
  Rng rng(1, "bench");
  for (auto& in : pattern) {
    in.h_req_push = rng.uniform01() < 0.5;
    in.c_req_pop = rng.uniform01() < 0.5;
    in.c_cpl_push = rng.uniform01() < 0.5;
    in.h_cpl_pop = rng.uniform01() < 0.5;
  }
  for (const char* kind : {"rtl", "model"}) {
    auto qc = make_queue_ctrl_core(kind, 5000);
    uint64_t sink = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (uint64_t c = 0; c < kCycles; ++c) sink += qc->cycle(pattern[c & 4095]).req_count;
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("%-5s core: %.1f M cycles/s (%llu cycles in %.2f s, checksum %llu)\n", kind,
                double(kCycles) / s / 1e6, (unsigned long long)kCycles, s, (unsigned long long)sink);
  }
}
