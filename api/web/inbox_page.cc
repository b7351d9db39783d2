#include "api/web/inbox_page.h"

#include <algorithm>
#include <map>
#include <utility>

#include "api/web/case_view.h"

namespace osic::api::web {

namespace {

// inbox.html shows no row's creation, and only the reader's own cases when they last
// changed.
constexpr RowTimes kNoTimes{.created = false, .updated = false};
constexpr RowTimes kWhenUpdated{.created = false, .updated = true};

mustache::data listed_row(const ListedCase& c, const Calendar& calendar, Timestamp now, Lang l, RowTimes times) {
  return case_row(c.kase, *c.engine, c.due, calendar, now, l, times);
}

}  // namespace

mustache::data inbox_page_model(const InboxFacts& facts, const Viewer& viewer, const Calendar& calendar,
                                Timestamp now) {
  const Lang l = viewer.lang;
  People people(facts.people, l);
  // Whom a case waits for when it is not the reader in person: the absent colleagues they
  // stand in for now (issue 34: «به نیابت از دکتر رضایی»).
  const bool stands_in = !facts.caller.stands_in_for.empty();
  std::map<std::string, std::pair<std::string, int>> bulk_actions;  // name -> (title, cases)
  mustache::data waiting{mustache::data::type::list};
  reserve(waiting, facts.waiting.size());
  for (const CaseView& v : facts.waiting) {
    const StoredCase& c = v.kase;
    mustache::data row = case_row(c, *v.engine, v.timing.due_at, calendar, now, l, kNoTimes);
    row.set("requester", people.name(c.state.requester));
    bool in_person = false;
    std::string absent;
    for (const OpenAction& open : v.actions) {
      if (!open.on_behalf_of.empty()) {
        if (absent.empty()) absent = people.name(open.on_behalf_of);
        continue;
      }
      in_person = true;
      // Offered for bulk sign-off when the action needs nothing more than a comment.
      const bool needs_fields = std::any_of(open.action.requires_fields.begin(), open.action.requires_fields.end(),
                                            [&](const std::string& f) { return !c.state.data.count(f); });
      if (needs_fields) continue;
      row.set("bulk_version", std::to_string(c.state.version));
      auto& offered = bulk_actions[open.action.name];
      if (offered.first.empty()) offered.first = action_title(v.definition(), c.state.state, open.action.name, l);
      ++offered.second;
    }
    if (stands_in && !in_person && !absent.empty()) row.set("for", absent);
    append(waiting, std::move(row));
  }

  mustache::data mine{mustache::data::type::list};
  reserve(mine, facts.mine.size());
  for (const ListedCase& c : facts.mine) append(mine, listed_row(c, calendar, now, l, kWhenUpdated));

  // Referrals (issue 35): cases colleagues referred to the reader, and the answers to the
  // reader's own referrals of the last two weeks.
  mustache::data referred{mustache::data::type::list};
  for (const ReferredCase& r : facts.referred) {
    mustache::data row = listed_row(r.listed, calendar, now, l, kNoTimes);
    row.set("from", people.name(r.referral.from_user));
    row.set("kind", tr("referral_kind_" + r.referral.kind, l));
    row.set("note", r.referral.note);
    put(row, "made", moment(r.referral.made_at, calendar, l));
    append(referred, std::move(row));
  }
  mustache::data answers{mustache::data::type::list};
  for (const ReferredCase& r : facts.answers) {
    mustache::data row = listed_row(r.listed, calendar, now, l, kNoTimes);
    row.set("to", people.name(r.referral.to_user));
    row.set("answer", r.referral.answer);
    put(row, "answered", moment(r.referral.answered_at, calendar, l));
    append(answers, std::move(row));
  }

  mustache::data d = page_data(viewer, "/inbox", "inbox");
  if (!facts.referred.empty()) d.set("has_referred", true);
  put(d, "referred", std::move(referred));
  if (!facts.answers.empty()) d.set("has_answers", true);
  put(d, "answers", std::move(answers));
  put(d, "waiting", std::move(waiting));
  if (!facts.waiting.empty()) d.set("has_waiting", true);
  // Bulk sign-off: the actions open on at least two of these cases.
  mustache::data offered{mustache::data::type::list};
  for (const auto& [name, title_count] : bulk_actions) {
    if (title_count.second < 2) continue;
    mustache::data a;
    a.set("name", name);
    a.set("title", title_count.first);
    offered.push_back(a);
  }
  if (!offered.is_empty_list()) {
    d.set("bulk_actions", offered);
    d.set("has_bulk", true);
  }
  put(d, "mine", std::move(mine));
  if (!facts.mine.empty()) d.set("has_mine", true);
  if (facts.more_mine) d.set("more_mine", true);
  return d;
}

}  // namespace osic::api::web
