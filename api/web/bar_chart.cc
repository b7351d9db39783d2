#include "api/web/bar_chart.h"

#include <algorithm>
#include <cstdio>

namespace osic::api::web {

namespace {

constexpr double kWidth = 640, kLabel = 220, kValue = 60, kRow = 28, kBarHeight = 18;

std::string px(double v) {
  char out[32];
  std::snprintf(out, sizeof out, "%.1f", v);
  return out;
}

}  // namespace

mustache::data bar_chart(const std::vector<Bar>& bars, const std::string& caption, Lang lang) {
  const bool rtl = lang == Lang::kFa;
  double most = 0;
  for (const auto& b : bars) most = std::max(most, b.value);
  const double room = kWidth - kLabel - kValue;
  mustache::data rows{mustache::data::type::list};
  for (size_t i = 0; i < bars.size(); ++i) {
    const Bar& b = bars[i];
    const double w = most > 0 ? std::max(b.value > 0 ? 2.0 : 0.0, room * b.value / most) : 0;
    const double top = static_cast<double>(i) * kRow + 4;
    mustache::data row;
    row.set("label", b.label);
    row.set("value", b.value_text);
    row.set("y", px(top));
    row.set("text_y", px(top + kBarHeight - 4));
    row.set("h", px(kBarHeight));
    row.set("w", px(w));
    // Persian: the label at the right edge, the bar growing leftwards from it.
    row.set("label_x", px(rtl ? kWidth - 4 : kLabel - 8));
    row.set("bar_x", px(rtl ? kWidth - kLabel - w : kLabel));
    row.set("value_x", px(rtl ? kWidth - kLabel - w - 6 : kLabel + w + 6));
    append(rows, std::move(row));
  }
  mustache::data chart;
  put(chart, "rows", std::move(rows));
  chart.set("caption", caption);
  chart.set("width", px(kWidth));
  chart.set("height", px(static_cast<double>(bars.size()) * kRow + 8));
  // With direction="rtl", "start" is the right end of the text.
  chart.set("label_anchor", rtl ? "start" : "end");
  chart.set("value_anchor", "start");  // the page is right to left in Persian, and the SVG inherits it
  if (rtl) chart.set("rtl", true);
  return chart;
}

}  // namespace osic::api::web
