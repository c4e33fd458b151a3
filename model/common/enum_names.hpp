#pragma once
// One string table per choice enum: the scenario loader parses with it, the
// outputs print with it, and nothing compares strings at run time. A choice
// enum E declares `template <> struct EnumNames<E>` with a static `table`
// of {value, name} pairs, next to the enum.
#include <array>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace iosim {

template <class E> struct EnumNames;  // specialised per enum

template <class E> const char* to_string(E e) {
  for (const auto& [v, n] : EnumNames<E>::table)
    if (v == e) return n;
  throw std::logic_error("enum value without a name");
}

template <class E> bool enum_from_string(std::string_view s, E& out) {
  for (const auto& [v, n] : EnumNames<E>::table)
    if (s == n) { out = v; return true; }
  return false;
}

template <class E> std::vector<std::string> enum_names() {
  std::vector<std::string> out;
  for (const auto& [v, n] : EnumNames<E>::table) out.emplace_back(n);
  return out;
}

} // namespace iosim
