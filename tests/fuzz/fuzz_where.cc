// libFuzzer: any text as a `where` filter on the agreement workflow. When it compiles, its
// SQL runs on an in-memory SQLite holding a few agreements, and must pick exactly the
// rows the workflow's own evaluator accepts; it must also be valid SQL for PostgreSQL's
// text to be made. A mismatch or an SQL error aborts.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include "adapters/store/sql_where.h"
#include "engine/case_query.h"
#include "engine/field_symbols.h"
#include "engine/loader.h"
#include "service/data_codec.h"

namespace {

std::shared_ptr<const osic::Definition> agreement() {
  std::ifstream in(OSIC_SOURCE_DIR "/workflows/agreement.yaml");
  std::stringstream text;
  text << in.rdbuf();
  osic::LoadResult r = osic::load_definition(text.str(), "agreement.yaml");
  if (!r.definition) std::abort();
  return r.definition;
}

std::vector<osic::Data> rows() {
  using osic::Value;
  return {
      {{"partner", Value("Sorbonne")}, {"country", Value("FR")}, {"kind", Value("mou")},
       {"expires_on", Value(osic::Date{20500})}, {"budget", Value(osic::Money{150000, "IRR"})}},
      {{"partner", Value("دانشگاه تهران")}, {"country", Value("IR")}, {"kind", Value("exchange")},
       {"signed_on", Value(osic::Date{20400})}, {"expires_on", Value(osic::Date{20300})},
       {"budget", Value(osic::Money{0, "IRR"})}, {"summary", Value("it's 'quoted'")}},
      {{"partner", Value("KTH")}, {"country", Value("SE")}},
  };
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto def = agreement();
  static const auto cases = rows();
  static soci::session* db = [] {
    auto* s = new soci::session("sqlite3", ":memory:");
    *s << "CREATE TABLE cases (id INTEGER PRIMARY KEY, data TEXT NOT NULL)";
    for (size_t i = 0; i < cases.size(); ++i) {
      std::string json = osic::data_to_json(cases[i]).dump();
      int id = static_cast<int>(i);
      *s << "INSERT INTO cases (id, data) VALUES (:i, :d)", soci::use(id), soci::use(json);
    }
    return s;
  }();
  const osic::Date today{20450};
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto compiled = osic::compile_case_query(text, *def, today);
  auto* query = std::get_if<osic::CaseQuery>(&compiled);
  if (!query) return 0;
  osic::sql::SqlWhere pg(*query, osic::sql::Dialect::kPostgres);
  osic::sql::SqlWhere lite(*query, osic::sql::Dialect::kSqlite);
  std::set<int> found;
  try {
    int id = 0;
    soci::statement st(*db);
    st.exchange(soci::into(id));
    lite.bind(st);
    st.alloc();
    st.prepare("SELECT id FROM cases WHERE " + lite.text() + " ORDER BY id");
    st.define_and_bind();
    st.execute();
    while (st.fetch()) found.insert(id);
  } catch (const soci::soci_error& e) {
    std::fprintf(stderr, "SQL failed: %s\n%s\n", e.what(), lite.text().c_str());
    std::abort();
  }
  osic::FieldSymbols symbols(*def);
  auto expr = osic::Expr::compile(text, symbols, osic::Type::kBool);
  std::set<int> expected;
  for (size_t i = 0; i < cases.size(); ++i) {
    auto r = std::get<osic::Expr>(expr).evaluate({cases[i], today});
    if (r.ok() && r.value.is_set() && r.value.as_bool()) expected.insert(static_cast<int>(i));
  }
  if (found != expected) {
    std::fprintf(stderr, "SQL and the evaluator disagree on: %.*s\n%s\n", static_cast<int>(size), data,
                 lite.text().c_str());
    std::abort();
  }
  return 0;
}
