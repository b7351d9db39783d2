#include "adapters/store/sql_where.h"

#include <algorithm>

#include "service/crypto.h"

namespace osic::sql {

bool plain_name(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

namespace {

const char* sql_operator(Comparison c) {
  switch (c) {
    case Comparison::kEq: return " = ";
    case Comparison::kNe: return " <> ";
    case Comparison::kLt: return " < ";
    case Comparison::kLe: return " <= ";
    case Comparison::kGt: return " > ";
    case Comparison::kGe: return " >= ";
  }
  return " = ";
}

}  // namespace

SqlWhere::SqlWhere(const CaseQuery& query, Dialect dialect) : dialect_(dialect) { text_ = condition(query); }

void SqlWhere::bind(soci::statement& st) {
  for (const auto& [kind, i] : order_) {
    switch (kind) {
      case Kind::kText: st.exchange(soci::use(texts_[i])); break;
      case Kind::kNumber: st.exchange(soci::use(numbers_[i])); break;
      case Kind::kInt: st.exchange(soci::use(ints_[i])); break;
    }
  }
}

std::string SqlWhere::placeholder(const Value& v, Type as) {
  const std::string name = ":w" + std::to_string(order_.size());
  if (as == Type::kNumber) {
    numbers_.push_back(v.as_number());
    order_.emplace_back(Kind::kNumber, numbers_.size() - 1);
  } else if (as == Type::kBool && dialect_ == Dialect::kSqlite) {
    ints_.push_back(v.as_bool() ? 1 : 0);  // json_extract gives true as 1
    order_.emplace_back(Kind::kInt, ints_.size() - 1);
  } else {
    std::string text = as == Type::kBool ? (v.as_bool() ? "true" : "false")
                       : as == Type::kDate ? v.as_date().to_string()
                                           : v.as_string();
    texts_.push_back(std::move(text));
    order_.emplace_back(Kind::kText, texts_.size() - 1);
  }
  return name;
}

std::string field_column(const std::string& field, const std::string& part, Dialect dialect,
                         const std::string& table) {
  // Field names come from a loaded definition, which allows only these characters.
  if (!plain_name(field) || !(part.empty() || plain_name(part))) {
    throw Error(ErrorCode::kInternal, "a field name that cannot be used in a query");
  }
  const std::string data = table + "data";
  if (dialect == Dialect::kSqlite) {
    return "json_extract(" + data + ", '$." + field + (part.empty() ? "" : "." + part) + "')";
  }
  return part.empty() ? "(" + data + "::jsonb ->> '" + field + "')"
                      : "(" + data + "::jsonb -> '" + field + "' ->> '" + part + "')";
}

std::string compared_column(const std::string& field, const std::string& part, Type type, Dialect dialect,
                            const std::string& table) {
  std::string c = field_column(field, part, dialect, table);
  if (dialect == Dialect::kPostgres) {
    if (type == Type::kNumber) return "CAST(" + c + " AS double precision)";
    if (type == Type::kString || type == Type::kDate) return c + " COLLATE \"C\"";
  }
  return c;
}

FieldIndex field_index(const std::string& workflow, const IndexedField& field, Dialect dialect) {
  if (!plain_name(workflow)) throw Error(ErrorCode::kInternal, "a workflow name that cannot be used in a query");
  std::string name = "cases_" + workflow + "_by_" + field.name;
  if (name.size() > 63) {  // PostgreSQL's longest name; the hash keeps cut names apart
    name = name.substr(0, 46) + "_" + sha256_hex(workflow + "/" + field.name).substr(0, 16);
  }
  std::string columns;
  switch (field.as) {
    case IndexedField::As::kText: columns = compared_column(field.name, "", Type::kString, dialect, ""); break;
    case IndexedField::As::kNumber: columns = compared_column(field.name, "", Type::kNumber, dialect, ""); break;
    case IndexedField::As::kMoney:
      columns = compared_column(field.name, "currency", Type::kString, dialect, "") + ", " +
                compared_column(field.name, "amount", Type::kNumber, dialect, "");
      break;
  }
  // Quoted, so PostgreSQL keeps the case of names that differ only in it.
  return {name, "CREATE INDEX IF NOT EXISTS \"" + name + "\" ON cases (" + columns + ") WHERE workflow = '" +
                    workflow + "'"};
}

std::string SqlWhere::column(const QueryOperand& o) { return field_column(o.field, o.part, dialect_); }

std::string SqlWhere::operand(const QueryOperand& o) {
  if (!o.is_field()) return placeholder(o.value, o.type);
  return compared_column(o.field, o.part, o.type, dialect_);
}

std::string SqlWhere::condition(const CaseQuery& q) {
  using K = CaseQuery::Kind;
  switch (q.kind) {
    case K::kTrue: return "1 = 1";
    case K::kFalse: return "1 = 0";
    case K::kAnd:
    case K::kOr: {
      // One statement each: the operands of + are unsequenced, and the placeholders
      // must appear in the text in the order they are bound.
      std::string a = condition(q.kids[0]);
      std::string b = condition(q.kids[1]);
      return "(" + a + (q.kind == K::kAnd ? " AND " : " OR ") + b + ")";
    }
    case K::kNot: return "NOT (" + condition(q.kids[0]) + ")";
    case K::kIsSet: return column(q.left) + " IS NOT NULL";
    case K::kIsNotSet: return column(q.left) + " IS NULL";
    case K::kIn:
    case K::kNotIn: {
      // As the evaluator: an unset field is neither in the list nor out of it.
      std::string out = "(" + column(q.left) + " IS NOT NULL";
      if (q.values.empty()) return out + (q.kind == K::kIn ? " AND 1 = 0)" : ")");
      std::string left = operand(q.left);
      out += " AND " + left + (q.kind == K::kIn ? " IN (" : " NOT IN (");
      for (size_t i = 0; i < q.values.size(); ++i) {
        out += i ? ", " : "";
        out += placeholder(q.values[i], q.left.type);
      }
      return out + "))";
    }
    case K::kCompare: {
      // An unset field makes the comparison false, not unknown, so `not` turns it true
      // as the evaluator does.
      std::string out = "(";
      if (q.left.is_field()) out += column(q.left) + " IS NOT NULL AND ";
      if (q.right.is_field()) out += column(q.right) + " IS NOT NULL AND ";
      std::string left = operand(q.left);
      std::string right = operand(q.right);
      return out + left + sql_operator(q.comparison) + right + ")";
    }
  }
  return "1 = 0";
}

}  // namespace osic::sql
