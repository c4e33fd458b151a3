// GTKWave's FST writer/reader (fstapi), as Verilator ships it
// (verilator's include/gtkwave/), compiled in one translation unit the way
// Verilator's own verilated_fst_c.cpp does. Not our code: built without our
// -Werror (CMakeLists.txt, target iosim_fst). Used by model/stats/vcd.cpp for
// `--vcd FILE.fst`, and by the tests to read FST files back.
// No FST_WRITER_PARALLEL: the single-threaded writer, so the bytes written do
// not depend on thread timing.
#define __STDC_LIMIT_MACROS
#define FST_CONFIG_INCLUDE "fst_config.h"
#include "gtkwave/fastlz.c"
#include "gtkwave/fstapi.c"
#include "gtkwave/lz4.c"
