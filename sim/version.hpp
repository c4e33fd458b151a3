#pragma once
// iosim's version (CMakeLists.txt project()) and source revision (`git
// describe --always --dirty` of the source tree, "unknown" outside git),
// generated into the build tree at every build by cmake/revision.cmake, so a
// commit or an edit shows without reconfiguring.
namespace iosim {
extern const char* const kIosimVersion;
extern const char* const kIosimRevision;
}  // namespace iosim
