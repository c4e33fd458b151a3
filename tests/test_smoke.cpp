#include <catch2/catch.hpp>
#include "model/common/rng.hpp"
TEST_CASE("rng streams differ by name and repeat by seed", "[common]") {
  iosim::Rng a(1, "top.a"), b(1, "top.b"), a2(1, "top.a");
  const auto x = a.next();
  CHECK(x != b.next());
  CHECK(x == a2.next());
}
