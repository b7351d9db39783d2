// Cases, their history, votes and remembered answers: what the case service reads and writes.
// One of the ports service/ports.h gathers into a connection (Storage); its fake is
// tests/fakes/case_rows.h.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "service/error.h"
#include "service/records.h"

namespace osic {

class CaseRows {
 public:
  virtual ~CaseRows() = default;
  virtual std::optional<CaseRow> case_row(int64_t id) = 0;
  virtual std::vector<Vote> votes(int64_t case_id, int64_t round) = 0;
  // Inserts with a new id, which it returns.
  virtual int64_t insert_case(const CaseRow& row) = 0;
  // Writes state, data, version (and entered_at, round when `entered`) where the stored
  // version is `expected_version`. False when it was not (someone else wrote first).
  virtual bool update_case(const CaseRow& row, int64_t expected_version, bool entered) = 0;
  virtual int64_t case_version(int64_t id) = 0;
  // `osic migrate`: the case now runs on another version of its workflow.
  virtual void set_workflow_version(int64_t case_id, int version) = 0;
  virtual void write(int64_t case_id, const CaseWrites& writes) = 0;
  // Entries after `after_seq`, in order, at most `limit`.
  virtual std::vector<HistoryRow> history(int64_t case_id, int64_t after_seq, int limit) = 0;
  std::vector<HistoryRow> history(int64_t case_id) { return history(case_id, 0, std::numeric_limits<int>::max()); }
  // Retention: an entry's data change and files with personal data removed, and the
  // record of the removal (HistoryRow::purged). Its hash stays as it was.
  virtual void set_history_purged(int64_t case_id, int64_t seq, const std::string& data_change,
                                  const std::string& files, const std::string& purged) = 0;
  // The hash of the case's newest history entry; "" when it has none.
  virtual std::string history_head(int64_t case_id) = 0;
  // Whether `user` appears in the case's history.
  virtual bool has_acted(int64_t case_id, const std::string& user) = 0;
  // Newest first, ids below `before`; narrowed by the read scope, workflow, state and
  // text (for text a superset: the service checks it on typed data).
  virtual std::vector<CaseRow> find_cases(const CaseFilter& filter, int64_t before, int batch) = 0;
  virtual std::optional<IdempotentAnswer> idempotent_answer(const std::string& user,
                                                            const std::string& key) = 0;
  virtual void remember_answer(const std::string& user, const std::string& key,
                               const IdempotentAnswer& answer, Timestamp at) = 0;
  // Drops answers remembered before `before`; returns how many.
  virtual int64_t forget_answers(Timestamp before) = 0;
};

}  // namespace osic
