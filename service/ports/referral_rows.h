// One of the ports service/ports.h gathers into a connection (Storage); its fake is
// tests/fakes/referral_rows.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "service/error.h"
#include "service/records.h"

namespace osic {

// Referrals of cases to colleagues (service/referrals.h).
class ReferralRows {
 public:
  virtual ~ReferralRows() = default;
  virtual int64_t add_referral(const ReferralRow& row) = 0;  // its id
  virtual std::optional<ReferralRow> referral(int64_t id) = 0;
  // Answered or withdrawn: the status, the answer, and when.
  virtual void close_referral(int64_t id, const std::string& status, const std::string& answer, Timestamp at) = 0;
  virtual std::vector<ReferralRow> referrals_of_case(int64_t case_id) = 0;  // oldest first
  // Open ones sent to `user`, oldest first; answered ones `user` sent, answered since
  // `since`, newest first.
  virtual std::vector<ReferralRow> open_referrals_to(const std::string& user) = 0;
  virtual std::vector<ReferralRow> answered_referrals_from(const std::string& user, Timestamp since) = 0;
  virtual bool has_open_referral(int64_t case_id, const std::string& user) = 0;
};

}  // namespace osic
