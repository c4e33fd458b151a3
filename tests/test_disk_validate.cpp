// The two validation drives replayed against their measured traces
// (../shared/disk-validation). Targets from the task: cheetah9LP <= 0.25 ms,
// atlas10k <= 0.5 ms RMS demerit (DiskSim itself: ~0.107 and ~0.268 ms).
#include <catch2/catch.hpp>
#include <iostream>

#include "sim/disk_validate.hpp"

using namespace iosim;

TEST_CASE("disk validation: Cheetah 9LP demerit <= 0.25 ms", "[disk][validate]") {
  const DiskValidation v = validate_drive(IOSIM_SHARED_DIR "/disk-validation/cheetah9LP");
  v.print(std::cout);
  CHECK(v.simulated_s.size() == 10000);
  CHECK(v.demerit_ms <= 0.25);
}

TEST_CASE("disk validation: Atlas 10K demerit <= 0.5 ms", "[disk][validate]") {
  const DiskValidation v = validate_drive(IOSIM_SHARED_DIR "/disk-validation/atlas10k");
  v.print(std::cout);
  CHECK(v.simulated_s.size() == 10000);
  CHECK(v.demerit_ms <= 0.5);
}
