#pragma once
// Configuration errors: every problem in a scenario is reported as
// `file:line:col: key.path: message`, GCC style, so editors can jump to it,
// followed by the offending source line with a caret and an optional hint
// ("did you mean 'rpm'?"). The CLI maps ConfigError to exit status 2.
#include <functional>
#include <iosfwd>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace iosim::config {

// The text a position refers to: a file, or "--set" (one line per --set
// argument, so line N is the N-th --set).
struct Source {
  std::string name;
  std::vector<std::string> lines;
};

// A position in a Source; line and col are 1-based (0 = unknown).
struct Mark {
  std::shared_ptr<const Source> src;
  int line = 0;
  int col = 0;
  std::string file() const { return src ? src->name : std::string("<unknown>"); }
  std::string str() const;  // "file:line:col"
};

struct Diagnostic {
  Mark mark;
  std::string path;     // key path "disk.rpm", "workload.block[1]"; may be empty
  std::string message;
  std::string hint;     // may be empty
};

class ConfigError : public std::runtime_error {
public:
  explicit ConfigError(std::vector<Diagnostic> diags);
  ConfigError(Mark mark, std::string path, std::string message, std::string hint = "");

  const std::vector<Diagnostic>& diagnostics() const { return diags_; }
  // The first diagnostic's fields, for the common single-error case.
  std::string file() const { return diags_.front().mark.file(); }
  int line() const { return diags_.front().mark.line; }
  int col() const { return diags_.front().mark.col; }
  const std::string& key_path() const { return diags_.front().path; }
  const std::string& message() const { return diags_.front().message; }
  const std::string& hint() const { return diags_.front().hint; }

private:
  std::vector<Diagnostic> diags_;
};

std::string format_diagnostic(const Diagnostic& d);

// Exit status of the CLI for any configuration error.
inline constexpr int kConfigErrorExit = 2;

// Runs body(); on ConfigError prints it to err and returns kConfigErrorExit.
int guard_config_errors(const std::function<int()>& body, std::ostream& err);

// Optimal-string-alignment distance (Levenshtein + adjacent transposition),
// so "rmp" is 1 away from "rpm".
size_t edit_distance(const std::string& a, const std::string& b);

// The candidate closest to `word`, if close enough to be a plausible typo
// (case-insensitive equal, or distance <= 1 for short words, <= 2 for words of
// 5+ characters); empty otherwise.
std::string nearest(const std::string& word, const std::vector<std::string>& candidates);

// Hint for an unknown name: "did you mean 'X'?" or, failing that, the list of
// valid names (when short enough to be useful).
std::string suggestion_hint(const std::string& word, const std::vector<std::string>& candidates,
                            const char* what = "valid keys here");

}  // namespace iosim::config
