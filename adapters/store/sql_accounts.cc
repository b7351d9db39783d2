// Sign-in rows: password hashes and languages on the users table, and sessions.
#include "adapters/store/sql_storage.h"
#include "service/case_snapshot.h"

namespace osic {

std::string SqlStorage::user_column(const std::string& column, const std::string& user) {
  return db_.guard("cannot read user '" + user + "'", [&] {
    std::string value;
    soci::indicator ind = soci::i_null;
    db_.session() << "SELECT " + column + " FROM users WHERE name = :n", soci::use(user), soci::into(value, ind);
    return ind == soci::i_ok ? value : std::string();
  });
}

bool SqlStorage::set_password_hash(const std::string& user, const std::string& hash) {
  // A new password raises the credentials generation: links sent before it stop acting.
  return change_user("set the password of",
                     "UPDATE users SET password_hash = :h, credentials = credentials + 1 WHERE name = :n", user,
                     [&](soci::statement& st) { st.exchange(soci::use(hash)); });
}

std::string SqlStorage::password_hash(const std::string& user) { return user_column("password_hash", user); }

std::vector<std::string> SqlStorage::users_with_password() {
  return db_.guard("cannot read who has a password", [&] {
    std::vector<std::string> out;
    std::string name;
    soci::statement st = (db_.session().prepare << "SELECT name FROM users WHERE password_hash <> '' ORDER BY name",
                          soci::into(name));
    st.execute();
    while (st.fetch()) out.push_back(name);
    return out;
  });
}

bool SqlStorage::set_language(const std::string& user, const std::string& lang) {
  return change_user("set the language of", "UPDATE users SET lang = :l WHERE name = :n", user,
                     [&](soci::statement& st) { st.exchange(soci::use(lang)); });
}

// Asked on every signed-in page: read by the kept statement of the user's row.
std::string SqlStorage::language(const std::string& user) {
  auto u = user_by_name(user);
  return u ? u->lang : "";
}

bool SqlStorage::set_display_names(const std::string& user, const std::string& name_fa, const std::string& name_en) {
  return change_user("set the names of", "UPDATE users SET name_fa = :f, name_en = :e WHERE name = :n", user,
                     [&](soci::statement& st) {
                       st.exchange(soci::use(name_fa));
                       st.exchange(soci::use(name_en));
                     });
}

void SqlStorage::add_session(const SessionRow& s) {
  long long created = seconds_of(s.created_at), seen = seconds_of(s.last_seen_at);
  db_.guard("cannot start a session", [&] {
    db_.session() << "INSERT INTO sessions (id_hash, user_name, csrf, created_at, last_seen_at)"
                     " VALUES (:i, :u, :c, :a, :s)",
        soci::use(s.id_hash), soci::use(s.user), soci::use(s.csrf), soci::use(created), soci::use(seen);
  });
}

std::optional<SessionRow> SqlStorage::session(const std::string& id_hash) {
  return db_.guard("cannot read a session", [&]() -> std::optional<SessionRow> {
    sql::HotStatements& h = *hot_;
    h.id_hash = id_hash;
    h.found = soci::i_null;
    const bool found = h.select_session.execute(true) && h.found == soci::i_ok;
    while (h.select_session.fetch()) {
    }
    if (!found) return std::nullopt;
    SessionRow s;
    s.user = h.user;
    s.csrf = h.csrf;
    s.id_hash = id_hash;
    s.created_at = timestamp_of(h.created);
    s.last_seen_at = timestamp_of(h.updated);
    return s;
  });
}

void SqlStorage::touch_session(const std::string& id_hash, Timestamp at) {
  long long seen = seconds_of(at);
  db_.guard("cannot update a session", [&] {
    db_.session() << "UPDATE sessions SET last_seen_at = :s WHERE id_hash = :i", soci::use(seen), soci::use(id_hash);
  });
}

void SqlStorage::end_session(const std::string& id_hash) {
  db_.guard("cannot end a session",
            [&] { db_.session() << "DELETE FROM sessions WHERE id_hash = :i", soci::use(id_hash); });
}

int64_t SqlStorage::end_sessions_of(const std::string& user) {
  return db_.guard("cannot end sessions", [&] {
    soci::statement st = (db_.session().prepare << "DELETE FROM sessions WHERE user_name = :u", soci::use(user));
    st.execute(true);
    return static_cast<int64_t>(st.get_affected_rows());
  });
}

int64_t SqlStorage::end_sessions_idle_since(Timestamp before) {
  long long at = seconds_of(before);
  return db_.guard("cannot end sessions", [&] {
    soci::statement st = (db_.session().prepare << "DELETE FROM sessions WHERE last_seen_at < :a", soci::use(at));
    st.execute(true);
    return static_cast<int64_t>(st.get_affected_rows());
  });
}

}  // namespace osic
