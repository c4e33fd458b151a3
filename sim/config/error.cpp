#include "sim/config/error.hpp"

#include <algorithm>
#include <cctype>
#include <ostream>

namespace iosim::config {

std::string Mark::str() const {
  std::string s = file();
  if (line > 0) s += ":" + std::to_string(line);
  if (line > 0 && col > 0) s += ":" + std::to_string(col);
  return s;
}

std::string format_diagnostic(const Diagnostic& d) {
  std::string s = d.mark.str() + ": ";
  if (!d.path.empty()) s += d.path + ": ";
  s += d.message;
  // Quote the source line with a caret under the column, like GCC.
  if (d.mark.src && d.mark.line > 0 && d.mark.line <= static_cast<int>(d.mark.src->lines.size())) {
    const std::string& text = d.mark.src->lines[d.mark.line - 1];
    const std::string num = std::to_string(d.mark.line);
    s += "\n " + num + " | " + text;
    if (d.mark.col > 0) {
      std::string pad;
      for (int i = 0; i < d.mark.col - 1 && i < static_cast<int>(text.size()); ++i)
        pad += text[i] == '\t' ? '\t' : ' ';
      s += "\n " + std::string(num.size(), ' ') + " | " + pad + "^";
    }
  }
  if (!d.hint.empty()) s += "\n  hint: " + d.hint;
  return s;
}

static std::string join_diagnostics(const std::vector<Diagnostic>& ds) {
  std::string s;
  for (const auto& d : ds) {
    if (!s.empty()) s += "\n";
    s += format_diagnostic(d);
  }
  return s;
}

ConfigError::ConfigError(std::vector<Diagnostic> diags)
    : std::runtime_error(join_diagnostics(diags)), diags_(std::move(diags)) {
  if (diags_.empty()) diags_.push_back({{}, "", "configuration error", ""});
}

ConfigError::ConfigError(Mark mark, std::string path, std::string message, std::string hint)
    : ConfigError(std::vector<Diagnostic>{
          {std::move(mark), std::move(path), std::move(message), std::move(hint)}}) {}

int guard_config_errors(const std::function<int()>& body, std::ostream& err) {
  try {
    return body();
  } catch (const ConfigError& e) {
    err << e.what() << "\n";
    return kConfigErrorExit;
  }
}

static std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

size_t edit_distance(const std::string& a, const std::string& b) {
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<size_t>> d(n + 1, std::vector<size_t>(m + 1));
  for (size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (size_t i = 1; i <= n; ++i)
    for (size_t j = 1; j <= m; ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[n][m];
}

std::string nearest(const std::string& word, const std::vector<std::string>& candidates) {
  const std::string w = lower(word);
  const size_t limit = w.size() >= 5 ? 2 : 1;
  std::string best;
  size_t best_d = limit + 1;
  for (const auto& c : candidates) {
    if (c == word) continue;
    const size_t d = edit_distance(w, lower(c));
    if (d < best_d) best_d = d, best = c;
  }
  return best;
}

std::string suggestion_hint(const std::string& word, const std::vector<std::string>& candidates,
                            const char* what) {
  const std::string n = nearest(word, candidates);
  if (!n.empty()) return "did you mean '" + n + "'?";
  if (candidates.empty() || candidates.size() > 16) return "";
  std::vector<std::string> sorted = candidates;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  std::string s = std::string(what) + ": ";
  for (size_t i = 0; i < sorted.size(); ++i) s += (i ? ", " : "") + sorted[i];
  return s;
}

}  // namespace iosim::config
