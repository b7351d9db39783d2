// A workflow's fields as the expression compiler sees them: used by the loader for
// guards and timer dates, and by case_query.h for `where` filters.
#pragma once

#include "engine/definition.h"
#include "engine/expr.h"

namespace osic {

class FieldSymbols : public Symbols {
 public:
  explicit FieldSymbols(const Definition& def) : def_(def) {}
  std::optional<FieldInfo> lookup(std::string_view name) const override {
    const FieldDef* f = def_.find_field(name);
    if (!f) return std::nullopt;
    return FieldInfo{value_type_of(f->type), f->type == FieldType::kEnum ? &f->values : nullptr,
                     f->type == FieldType::kMoney ? &f->currencies : nullptr};
  }
  std::vector<std::string> names() const override {
    std::vector<std::string> out;
    for (const auto& f : def_.fields) out.push_back(f.name);
    return out;
  }

 private:
  const Definition& def_;
};

}  // namespace osic
