# Generates the iosim(1) man page from the program's own help: help2man runs
# `iosim --help` and `iosim --version`; a section with every subcommand's
# --help is added, plus the static sections of iosim.h2m.
#   cmake -DIOSIM=path/to/iosim -DHELP2MAN=path/to/help2man -DSRC=packaging -DOUT=iosim.1 -P man.cmake
execute_process(COMMAND "${IOSIM}" --help OUTPUT_VARIABLE top RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${IOSIM} --help failed")
endif()
# The subcommands: the indented names under "Subcommands:".
string(REGEX REPLACE ".*\nSubcommands:\n" "" subs "${top}")
string(REGEX MATCHALL "(^|\n)  [a-z][-a-z0-9]*" names "${subs}")
set(inc "${OUT}.h2m")
file(READ "${SRC}/iosim.h2m" static)
set(text "[COMMANDS]\n")
foreach(n IN LISTS names)
  string(STRIP "${n}" n)
  execute_process(COMMAND "${IOSIM}" ${n} --help OUTPUT_VARIABLE h)
  # Roff: a leading '.' or '\'' would be a request; backslashes escaped.
  string(REPLACE "\\" "\\e" h "${h}")
  string(REGEX REPLACE "\n([.'])" "\n\\\\&\\1" h "${h}")
  string(APPEND text ".SS ${n}\n.nf\n${h}.fi\n")
endforeach()
file(WRITE "${inc}" "${text}\n${static}")
execute_process(COMMAND "${HELP2MAN}" --no-info --no-discard-stderr --section=1
                        "--name=cycle-level simulator of a storage I/O path (SystemC/TLM-2.0)"
                        --include=${inc} --output=${OUT} "${IOSIM}"
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "help2man failed")
endif()
