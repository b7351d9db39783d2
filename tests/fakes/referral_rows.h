// The fake of the ReferralRows port (service/ports/referral_rows.h): its methods over a FakeConnection's
// tables, faults included. tests/fakes.h stacks it with the other ports' fakes.
#pragma once

#include "connection.h"

namespace osic::test {

template <class Connection>
class FakeReferralRows : public Connection {
 public:
  using Connection::Connection;

  int64_t add_referral(const ReferralRow& row) override {
    auto lock = writing("add_referral");
    ReferralRow r = row;
    r.id = t().referrals.empty() ? 1 : t().referrals.rbegin()->first + 1;
    t().referrals[r.id] = r;
    return r.id;
  }
  std::optional<ReferralRow> referral(int64_t id) override {
    auto lock = read("referral");
    auto it = t().referrals.find(id);
    if (it == t().referrals.end()) return std::nullopt;
    return it->second;
  }
  void close_referral(int64_t id, const std::string& status, const std::string& answer, Timestamp at) override {
    auto lock = writing("close_referral");
    auto& r = t().referrals.at(id);
    r.status = status;
    r.answer = answer;
    r.answered_at = at;
  }
  std::vector<ReferralRow> referrals_of_case(int64_t case_id) override {
    auto lock = read("referrals_of_case");
    std::vector<ReferralRow> out;
    for (const auto& [id, r] : t().referrals) {
      if (r.case_id == case_id) out.push_back(r);
    }
    return out;
  }
  std::vector<ReferralRow> open_referrals_to(const std::string& user) override {
    auto lock = read("open_referrals_to");
    std::vector<ReferralRow> out;
    for (const auto& [id, r] : t().referrals) {
      if (r.to_user == user && r.status == "open") out.push_back(r);
    }
    return out;
  }
  std::vector<ReferralRow> answered_referrals_from(const std::string& user, Timestamp since) override {
    auto lock = read("answered_referrals_from");
    std::vector<ReferralRow> out;
    for (const auto& [id, r] : t().referrals) {
      if (r.from_user == user && r.status == "answered" && r.answered_at >= since) out.push_back(r);
    }
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.answered_at > b.answered_at; });
    return out;
  }
  bool has_open_referral(int64_t case_id, const std::string& user) override {
    auto lock = read("has_open_referral");
    for (const auto& [id, r] : t().referrals) {
      if (r.case_id == case_id && r.to_user == user && r.status == "open") return true;
    }
    return false;
  }

 protected:
  // The connection's helpers, named here because the base is a template parameter.
  using Connection::t, Connection::read, Connection::writing;
};

}  // namespace osic::test
