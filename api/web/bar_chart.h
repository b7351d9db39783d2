// A horizontal bar chart as SVG data for the bars.svg template: drawn on the server, so
// the dashboard needs no script, and laid out right to left for Persian.
#pragma once

#include <string>
#include <vector>

#include "api/web/page.h"

namespace osic::api::web {

struct Bar {
  std::string label;
  double value = 0;
  std::string value_text;  // as shown beside the bar (Persian digits in Persian)
};

mustache::data bar_chart(const std::vector<Bar>& bars, const std::string& caption, Lang lang);

}  // namespace osic::api::web
