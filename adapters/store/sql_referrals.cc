// Referrals of cases to colleagues (migration 32).
#include "adapters/store/sql_storage.h"
#include "service/case_snapshot.h"

namespace osic {

namespace {

constexpr const char* kColumns =
    "SELECT id, case_id, from_user, to_user, kind, note, made_at, status, answer, answered_at FROM referrals ";

// Runs a SELECT of kColumns with `bind` adding its parameters.
template <class Bind>
std::vector<ReferralRow> select_referrals(soci::session& session, const std::string& rest, Bind bind) {
  std::vector<ReferralRow> out;
  ReferralRow r;
  long long id = 0, case_id = 0, made = 0, answered = 0;
  soci::statement st(session);
  st.exchange(soci::into(id));
  st.exchange(soci::into(case_id));
  st.exchange(soci::into(r.from_user));
  st.exchange(soci::into(r.to_user));
  st.exchange(soci::into(r.kind));
  st.exchange(soci::into(r.note));
  st.exchange(soci::into(made));
  st.exchange(soci::into(r.status));
  st.exchange(soci::into(r.answer));
  st.exchange(soci::into(answered));
  bind(st);
  st.alloc();
  st.prepare(std::string(kColumns) + rest);
  st.define_and_bind();
  st.execute();
  while (st.fetch()) {
    r.id = id;
    r.case_id = case_id;
    r.made_at = timestamp_of(made);
    r.answered_at = timestamp_of(answered);
    out.push_back(r);
  }
  return out;
}

}  // namespace

int64_t SqlStorage::add_referral(const ReferralRow& r) {
  return db_.guard("cannot keep the referral", [&] {
    long long case_id = r.case_id, made = seconds_of(r.made_at), id = 0;
    db_.session() << "INSERT INTO referrals (case_id, from_user, to_user, kind, note, made_at, status)"
                     " VALUES (:c, :f, :t, :k, :n, :m, :s) RETURNING id",
        soci::use(case_id), soci::use(r.from_user), soci::use(r.to_user), soci::use(r.kind), soci::use(r.note),
        soci::use(made), soci::use(r.status), soci::into(id);
    return static_cast<int64_t>(id);
  });
}

std::optional<ReferralRow> SqlStorage::referral(int64_t id) {
  return db_.guard("cannot read the referral", [&]() -> std::optional<ReferralRow> {
    long long key = id;
    auto rows = select_referrals(db_.session(), "WHERE id = :i", [&](soci::statement& st) { st.exchange(soci::use(key)); });
    if (rows.empty()) return std::nullopt;
    return rows.front();
  });
}

void SqlStorage::close_referral(int64_t id, const std::string& status, const std::string& answer, Timestamp at) {
  db_.guard("cannot close the referral", [&] {
    long long key = id, when = seconds_of(at);
    db_.session() << "UPDATE referrals SET status = :s, answer = :a, answered_at = :t WHERE id = :i",
        soci::use(status), soci::use(answer), soci::use(when), soci::use(key);
  });
}

namespace {

// The rows of one of HotStatements' kept referral reads, from the members it binds. The
// case's id is an input of one and an output of the others: either way it is h.case_id.
std::vector<ReferralRow> fetch_referrals(sql::HotStatements& h, soci::statement& st) {
  std::vector<ReferralRow> out;
  st.execute();
  while (st.fetch()) {
    ReferralRow r;
    r.id = h.referral;
    r.case_id = h.case_id;
    r.from_user = h.referral_from;
    r.to_user = h.referral_to;
    r.kind = h.kind;
    r.note = h.note;
    r.made_at = timestamp_of(h.made);
    r.status = h.status;
    r.answer = h.answer;
    r.answered_at = timestamp_of(h.answered);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

// Read on every case page: by a statement kept prepared (adapters/store/hot_statements.h).
std::vector<ReferralRow> SqlStorage::referrals_of_case(int64_t case_id) {
  return db_.guard("cannot read the case's referrals", [&] {
    hot_->case_id = case_id;
    return fetch_referrals(*hot_, hot_->select_referrals_of_case);
  });
}

// These two on every inbox, kept prepared too.
std::vector<ReferralRow> SqlStorage::open_referrals_to(const std::string& user) {
  return db_.guard("cannot read the referrals", [&] {
    hot_->user = user;
    return fetch_referrals(*hot_, hot_->select_referrals_to);
  });
}

std::vector<ReferralRow> SqlStorage::answered_referrals_from(const std::string& user, Timestamp since) {
  return db_.guard("cannot read the referrals", [&] {
    hot_->user = user;
    hot_->at = seconds_of(since);
    return fetch_referrals(*hot_, hot_->select_answers_from);
  });
}

bool SqlStorage::has_open_referral(int64_t case_id, const std::string& user) {
  return db_.guard("cannot read the referrals", [&] {
    long long key = case_id, found = 0;
    soci::indicator ind = soci::i_null;
    db_.session() << "SELECT 1 FROM referrals WHERE to_user = :u AND status = 'open' AND case_id = :c LIMIT 1",
        soci::use(user), soci::use(key), soci::into(found, ind);
    return ind == soci::i_ok;
  });
}

}  // namespace osic
