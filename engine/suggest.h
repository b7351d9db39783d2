// "Did you mean" for misspelt names in definitions and expressions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace osic {

// The candidate closest to `name` by edit distance, if close enough to be a likely typo;
// empty otherwise.
std::string closest_name(std::string_view name, const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" or "".
std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace osic
