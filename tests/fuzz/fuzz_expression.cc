// libFuzzer: any text as a guard and as a timer date, compiled against fields of every
// type and, when it compiles, evaluated on set and unset data.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string_view>

#include "engine/expr.h"

namespace {

class FuzzSymbols : public osic::Symbols {
 public:
  std::optional<osic::FieldInfo> lookup(std::string_view name) const override {
    auto it = fields_.find(std::string(name));
    if (it == fields_.end()) return std::nullopt;
    // An enum is a string field with its values; money has its currencies.
    return osic::FieldInfo{it->second, it->first == "kind" ? &values_ : nullptr,
                           it->first == "fee" ? &currencies_ : nullptr};
  }
  std::vector<std::string> names() const override {
    std::vector<std::string> out;
    for (const auto& [name, type] : fields_) out.push_back(name);
    return out;
  }

 private:
  std::map<std::string, osic::Type> fields_{{"budget", osic::Type::kNumber}, {"partner", osic::Type::kString},
                                            {"signed_on", osic::Type::kDate}, {"urgent", osic::Type::kBool},
                                            {"kind", osic::Type::kString}, {"fee", osic::Type::kMoney}};
  std::vector<std::string> values_{"mou", "agreement"};
  std::vector<std::string> currencies_{"EUR", "USD", "IRR"};
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const FuzzSymbols symbols;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  osic::Data set{{"budget", osic::Value(1e9)}, {"partner", osic::Value(std::string("KTH"))},
                 {"signed_on", osic::Value(osic::Date{20000})}, {"urgent", osic::Value(true)},
                 {"kind", osic::Value(std::string("mou"))},
                 {"fee", osic::Value(osic::Money{300050, "EUR"})}};
  osic::Data unset;
  for (osic::Type expected : {osic::Type::kBool, osic::Type::kDate}) {
    auto compiled = osic::Expr::compile(text, symbols, expected);
    if (auto* e = std::get_if<osic::Expr>(&compiled)) {
      for (const osic::Data* d : {&set, &unset}) {
        (void)e->evaluate({*d, osic::Date{20000}});
        if (expected == osic::Type::kBool) (void)e->first_failing_condition({*d, osic::Date{20000}});
      }
    }
  }
  return 0;
}
