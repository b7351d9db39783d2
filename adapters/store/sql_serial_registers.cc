// The registers of letter numbers (migration 31).
#include "adapters/store/sql_storage.h"

namespace osic {

// One statement on both databases: the first number of a year makes the row, the next
// ones take its lock (PostgreSQL re-reads the row committed by whoever held it before).
int64_t SqlStorage::next_serial(const std::string& scope, int year) {
  return db_.guard("cannot give the next letter number", [&] {
    long long y = year, n = 0;
    db_.session() << "INSERT INTO serial_registers (scope, year, last_number) VALUES (:s, :y, 1)"
                     " ON CONFLICT (scope, year) DO UPDATE SET last_number = serial_registers.last_number + 1"
                     " RETURNING last_number",
        soci::use(scope), soci::use(y), soci::into(n);
    return static_cast<int64_t>(n);
  });
}

void SqlStorage::raise_serial(const std::string& scope, int year, int64_t n) {
  db_.guard("cannot keep the letter numbers brought in", [&] {
    long long y = year, last = n;
    db_.session() << "INSERT INTO serial_registers (scope, year, last_number) VALUES (:s, :y, :n)"
                     " ON CONFLICT (scope, year) DO UPDATE SET last_number ="
                     " CASE WHEN serial_registers.last_number < excluded.last_number THEN excluded.last_number"
                     " ELSE serial_registers.last_number END",
        soci::use(scope), soci::use(y), soci::use(last);
  });
}

}  // namespace osic
