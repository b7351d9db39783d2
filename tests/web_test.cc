// The web app in process, on fake storage and a fake clock: sign-in and its throttling,
// sessions that end, CSRF, the words in both languages, and forms read as people type
// them. The real browser walks are tests/browser/test_web_app.py.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "adapters/workflow_files.h"
#include "api/api.h"
#include "api/web/assets.h"
#include "api/web/case_page.h"
#include "api/web/diagram.h"
#include "api/web/dossier_model.h"
#include "api/web/cases_page.h"
#include "api/web/inbox_page.h"
#include "api/web/users_page.h"
#include "service/audit_chain.h"
#include "service/office_days.h"
#include "api/web/case_view.h"
#include "api/web/i18n.h"
#include "api/web/text_catalogue.h"
#include "api/web/translation_check.h"
#include "engine/jalali.h"
#include "engine/loader.h"
#include "adapters/file_spool.h"
#include "fake_office.h"
#include "in_process_request.h"
#include "upload_support.h"
#include "test_support.h"

namespace osic {
namespace {

using nlohmann::json;
namespace web = api::web;

// An action with nothing but its case and name.
ActCommand act_command(int64_t id, const std::string& action) {
  ActCommand c;
  c.case_id = id;
  c.action = action;
  return c;
}

class WebApp : public ::testing::Test, protected test::FakeOffice {
 protected:
  std::string staff_token_;

  void SetUp() override {
    staff_token_ = std::get<std::string>(storage_.add_user("sara", "sara@uni.ac.ir", {"staff"}, clock_.now()));
    api_.accounts().set_password(storage_, "sara", "correct horse");
  }

  api::HttpResponse request(const std::string& method, const std::string& target, const std::string& cookies,
                            const std::string& form = "", const std::string& from = "10.0.0.1") {
    return api_.handle(test::in_process_request(method, target, cookies, form, "application/x-www-form-urlencoded", from),
                       &storage_);
  }
  static std::string header(const api::HttpResponse& r, const std::string& name) {
    for (const auto& [h, v] : r.headers) {
      if (h == name) return v;
    }
    return "";
  }
  static std::string cookie_value(const api::HttpResponse& r, const std::string& name) {
    return test::set_cookie_value(r, name);
  }
  // Signs in through the pages; returns the Cookie header a browser would then send.
  std::string sign_in(const std::string& user, const std::string& password, int* status = nullptr,
                      const std::string& from = "10.0.0.1") {
    auto page = request("GET", "/login", "");
    std::string login = cookie_value(page, "osic_login");
    auto r = request("POST", "/login", "osic_login=" + login,
                     "csrf=" + login + "&username=" + user + "&password=" + api::url_encode(password), from);
    if (status) *status = r.status;
    for (const char* name : {"osic_session", "__Host-osic_session"}) {
      if (std::string session = cookie_value(r, name); !session.empty()) return name + ("=" + session);
    }
    return "";
  }
  std::string csrf_of(const std::string& cookies) {
    auto page = request("GET", "/inbox", cookies);
    std::smatch m;
    std::regex re("name=\"csrf\" value=\"([0-9a-f]{64})\"");
    return std::regex_search(page.body, m, re) ? m[1].str() : "";
  }
  int64_t start_case() {
    StartCommand command;
    command.workflow = "agreement";
    command.title = "KTH";
    command.data = json{{"partner", "KTH"}, {"country", "SE"}};
    auto c = service_.start(storage_, Actor{"sara", {"staff"}}, command);
    return std::get<StoredCase>(c).id;
  }
};

// The pages' words are kept for translators in api/web/texts.tsv; the build refuses a
// line that lacks a language, and the server reads the same file.
TEST(TextCatalogue, TheShippedTextsHaveBothLanguagesAndABrokenLineIsNamed) {
  const auto shipped = web::read_text_catalogue(api::web_texts().at("texts.tsv"), "texts.tsv");
  EXPECT_TRUE(shipped.problems.empty()) << shipped.problems.front();
  EXPECT_GT(shipped.texts.size(), 200u);
  EXPECT_EQ(web::tr("inbox", web::Lang::kFa), "کارتابل");
  EXPECT_EQ(web::tr("inbox", web::Lang::kEn), "Inbox");

  const auto broken = web::read_text_catalogue("# words\nkey\tfa\ten\ninbox\tکارتابل\t\ninbox\tx\ty\nsent\tonly one\n", "t.tsv");
  EXPECT_EQ(broken.problems, (std::vector<std::string>{"t.tsv:3: error: 'inbox' has no English text",
                                                      "t.tsv:4: error: 'inbox' is used twice",
                                                      "t.tsv:5: error: a line is a key, its Persian and its English, "
                                                      "separated by two tabs; this one has 2 columns"}));
}

// Every text written into a template reads as it did when looked up at render time,
// escaped the same way; a text with braces, an unknown key and a triple mustache stay
// tags and render as before.
TEST(TemplateTexts, EveryTextWrittenInRendersAsItsLookupDid) {
  for (web::Lang lang : {web::Lang::kFa, web::Lang::kEn}) {
    std::string tpl = "{{t.no_such_key}}|{{{t.inbox}}}|";
    for (const auto& [key, text] : web::texts(lang)) tpl += "{{t." + key + "}}|";
    const std::string written = web::with_texts(tpl, lang);
    EXPECT_EQ(written.find("|{{t.inbox}}|"), std::string::npos);
    EXPECT_NE(written.find("{{t.cond_date_gt}}"), std::string::npos) << "its braces stay a tag";
    EXPECT_NE(written.find("{{{t.inbox}}}"), std::string::npos);
    web::mustache::mustache looked_up(tpl), in_place(written);
    const web::mustache::data empty;
    EXPECT_EQ(web::render_with_texts(in_place, empty, lang), web::render_with_texts(looked_up, empty, lang));
  }
  EXPECT_NE(web::with_texts("{{t.reviewers_comments}}", web::Lang::kEn).find("Reviewers&apos; comments"),
            std::string::npos);
}

// Issue 34: a title in one language, or none where the catalogue has no usual verb or
// role title, is named with its place in the file.
TEST(TranslationCheck, NamesEveryTextMissingALanguageWithItsPlace) {
  const auto loaded = load_definition(R"(workflow: trip
title: {fa: سفر, en: Trip}
roles: [staff, stargazer]
fields:
  kind: {type: enum, values: {short: {fa: کوتاه, en: Short}, long: Long}, label: {fa: نوع, en: Kind}}
  place: {type: string, label: Place}
initial: draft
states:
  draft:
    title: {fa: پیش‌نویس, en: Draft}
    actions:
      submit: {to: done, roles: [staff]}
      record_visa: {to: done, roles: [staff]}
      settle: {title: {fa: تسویه, en: ""}, to: done, roles: [staff]}
  done: {title: {fa: پایان, en: Done}, final: true}
)", "trip.yaml");
  ASSERT_TRUE(loaded.definition) << (loaded.diagnostics.empty() ? "" : loaded.diagnostics.front().to_string());
  std::vector<std::string> found;
  for (const auto& d : web::missing_translations(*loaded.definition, Diagnostic::Severity::kError)) {
    found.push_back(d.to_string());
  }
  EXPECT_EQ(found, (std::vector<std::string>{
                       "trip.yaml:1:11: error: role 'stargazer' has no title: add 'role_stargazer' with its Persian "
                       "and English to api/web/texts.tsv",
                       "trip.yaml:5:3: error: value 'long' of field 'kind' has no Persian (fa) title",
                       "trip.yaml:6:3: error: field 'place' has no Persian (fa) title",
                       "trip.yaml:13:7: error: action 'record_visa' of state 'draft' has no title in Persian or "
                       "English (and 'verb_record_visa' is not in api/web/texts.tsv)",
                       "trip.yaml:14:7: error: action 'settle' of state 'draft' has no English (en) title",
                   }));
}

// Issue 34: an entry written by a timer reads as a sentence, never «system: notify».
TEST(HistoryText, EntriesOfTimersSayWhatWasSentToWhomOrWhatWasDone) {
  WorkflowSet set = load_workflows({std::string(OSIC_SOURCE_DIR) + "/workflows/agreement.yaml"});
  ASSERT_TRUE(set.ok());
  const Definition& def = *set.files.at(0).result.definition;
  auto entry = [](std::string action, std::string timer) {
    HistoryRow h;
    h.actor = "system";
    h.action = std::move(action);
    h.from = h.to = "active";
    h.timer = std::move(timer);
    return h;
  };
  EXPECT_EQ(web::history_action(def, entry("notify", "active/timer/expires_on - 30 days"), web::Lang::kFa),
            "ارسال یادآوری به کارشناس دفتر همکاری‌ها، مدیر دفتر همکاری‌ها و رئیس دانشکده");
  EXPECT_EQ(web::history_action(def, entry("notify", "active/timer/expires_on - 90 days"), web::Lang::kEn),
            "Reminder sent to OSIC staff and Head of OSIC");
  HistoryRow late = entry("notify", "osic_review/deadline");
  late.from = late.to = "osic_review";
  EXPECT_EQ(web::history_action(def, late, web::Lang::kFa), "اعلام پایان مهلت رسیدگی به مدیر دفتر همکاری‌ها");
  HistoryRow expired = entry("expire", "active/timer/expires_on");
  expired.to = "expired";
  EXPECT_EQ(web::history_action(def, expired, web::Lang::kFa), "پایان اعتبار");
  EXPECT_EQ(web::history_actor("system", web::Lang::kFa), "سامانه");
  EXPECT_EQ(web::history_actor("sara", web::Lang::kFa), "sara");
}

// Issue 34: a refused guard is told in the guard's own words, or in words made from the
// fields' titles, never as the expression.
TEST(GuardText, ARefusalIsTheGuardsMessageOrTheConditionInWords) {
  const auto loaded = load_definition(R"(workflow: trip
title: {fa: سفر, en: Trip}
roles: [staff]
fields:
  starts_on: {type: date, label: {fa: تاریخ رفت, en: Departure}}
  ends_on: {type: date, label: {fa: تاریخ بازگشت, en: Return}}
  people: {type: number, label: {fa: شمار همراهان, en: Companions}}
initial: draft
states:
  draft:
    title: {fa: پیش‌نویس, en: Draft}
    actions:
      submit: {to: done, roles: [staff], guard: "ends_on >= starts_on and people < 5"}
      send:
        to: done
        roles: [staff]
        guard: {when: "ends_on > today", message: {fa: سفر گذشته را نمی‌توان فرستاد., en: A past trip cannot be sent.}}
  done: {title: {fa: پایان, en: Done}, final: true}
)", "trip.yaml");
  ASSERT_TRUE(loaded.definition) << (loaded.diagnostics.empty() ? "" : loaded.diagnostics.front().to_string());
  const Definition& def = *loaded.definition;
  const ActionDef* submit = def.find_state("draft")->find_action("submit");
  const ActionDef* send = def.find_state("draft")->find_action("send");
  EXPECT_EQ(web::guard_refusal(def, submit, "ends_on >= starts_on", web::Lang::kFa),
            "تاریخ بازگشت نباید پیش از تاریخ رفت باشد.");
  EXPECT_EQ(web::guard_refusal(def, submit, "people < 5", web::Lang::kEn), "Companions must be less than 5.");
  EXPECT_EQ(web::guard_refusal(def, submit, "people < 5", web::Lang::kFa), "شمار همراهان باید کمتر از ۵ باشد.");
  EXPECT_EQ(web::guard_refusal(def, send, "ends_on > today", web::Lang::kFa), "سفر گذشته را نمی‌توان فرستاد.");
  EXPECT_EQ(web::guard_refusal(def, send, "ends_on > today", web::Lang::kEn), "A past trip cannot be sent.");
  EXPECT_EQ(web::guard_refusal(def, submit, "len(title) > 3", web::Lang::kFa), "شرط این اقدام برقرار نیست.");
}

// The agreement workflow on the office calendar, and a moment on 16 Azar 1405 at 10:00:
// what the page-model tests draw with, no store, server or clock.
struct AgreementOnItsCalendar {
  WorkflowSet set = load_workflows({std::string(OSIC_SOURCE_DIR) + "/workflows/agreement.yaml"});
  const Calendar& calendar() const { return *set.office_calendar; }
  Timestamp t() const { return calendar().start_of_day(*parse_office_date("1405/09/16")) + std::chrono::hours(10); }
  std::shared_ptr<const Engine> engine() const {
    return std::make_shared<const Engine>(set.files.at(0).result.definition, calendar());
  }
  // An agreement with KTH that sara started, in `state`, as a page's row shows it.
  StoredCase stored(int64_t id, std::string title, std::string state) const {
    StoredCase c;
    c.id = id;
    c.workflow = "agreement";
    c.workflow_version = 1;
    c.title = std::move(title);
    c.state = {std::move(state), {{"partner", Value("KTH")}, {"country", Value("SE")}}, 3, "sara", {}, t()};
    c.created_at = c.updated_at = t();
    return c;
  }
};

// Someone signed in, reading in Persian: whom a page model is drawn for.
struct SignedIn {
  SessionRow session;
  web::Viewer viewer;
  explicit SignedIn(const User& who) : session(session_of(who)), viewer{web::Lang::kFa, &who, &session} {}
  SignedIn(const SignedIn&) = delete;  // the viewer points at this session
  static SessionRow session_of(const User& who) {
    SessionRow s;
    s.user = who.name;
    s.csrf = std::string(64, 'c');
    return s;
  }
};

User person(std::string name, std::string role, std::string name_fa) {
  User u;
  u.name = std::move(name);
  u.roles = {std::move(role)};
  u.name_fa = std::move(name_fa);
  return u;
}

// Issue 36: the case page is a pure function of its CaseView and the rows read beside
// it. Drawn here with no store, no server and no clock: the OSIC head stands in for the
// dean, who has yet to sign beside the VP, and has referred the case to legal.
TEST(CasePageModel, IsDrawnFromTheViewAndItsRowsAlone) {
  AgreementOnItsCalendar agreement;
  ASSERT_TRUE(agreement.set.ok());
  const Calendar& calendar = agreement.calendar();
  const Timestamp t = agreement.t();
  auto engine = agreement.engine();

  CaseView view{.kase = {}, .engine = engine, .caller = {}, .acting = {}};
  view.kase.id = 7;
  view.kase.workflow = "agreement";
  view.kase.workflow_version = 1;
  view.kase.title = "KTH";
  view.kase.state = {"dean_approval", {{"partner", Value("KTH")}, {"country", Value("SE")}}, 5, "sara",
                     {{"vahid", "vp_international", true, t, "موافقم"}}, t};
  const User dina = person("dina", "dean", "دکتر دینا کریمی");
  view.caller = {Actor{"hamid", {"osic_head"}}, {dina}};
  view.acting = view.caller.actor;
  view.stand_ins = {Actor{"hamid", {"dean"}, "dina"}};
  for (auto& a : engine->available_actions(view.kase.state, view.stand_ins.front())) {
    view.actions.push_back({std::move(a), "dina"});
  }
  view.approval = engine->approval_status(view.kase.state);
  view.timing.entered_at = t;

  HistoryRow started;
  started.seq = 1;
  started.at = t;
  started.actor = "sara";
  started.action = "start";
  started.to = "draft";
  started.channel = "web";
  const User sara = person("sara", "staff", "سارا احمدی"), leila = person("leila", "legal", "لیلا نوری"),
             hamid = person("hamid", "osic_head", "حمید رضایی"), vahid = person("vahid", "vp_international", "وحید صالحی");
  ReferralRow referral{.id = 3, .case_id = 7, .from_user = "hamid", .to_user = "leila", .kind = "review",
                       .note = "بند ۴ را ببینید", .made_at = t};
  // The system's own entry (a deadline moved with the calendar) has no role to show.
  HistoryRow moved;
  moved.seq = 2;
  moved.at = t;
  moved.actor = kSystemUser;
  moved.action = kDeadlineMovedAction;
  moved.from = moved.to = "draft";
  moved.channel = "calendar";
  web::CasePageFacts facts{view, {started, moved}, {}, {referral}, {sara, leila, hamid, vahid, dina}};
  const SignedIn signed_in(hamid);
  const web::Viewer& viewer = signed_in.viewer;

  web::mustache::data d = web::case_page_model(facts, viewer, nullptr, calendar, t);
  const auto& actions = d.get("actions")->list_value();
  ASSERT_EQ(actions.size(), 2u);  // approve and reject, both for the dean
  EXPECT_EQ(actions[0].get("name")->string_value(), "approve");
  EXPECT_EQ(actions[0].get("for")->string_value(), "dina");
  const std::string html = web::render_page(200, "KTH", "case.html", d).body;
  EXPECT_NE(html.find("دکتر دینا کریمی"), std::string::npos) << "the dean, still to sign, by name";
  EXPECT_NE(html.find("وحید صالحی"), std::string::npos) << "the VP's signature";
  EXPECT_NE(html.find("موافقم"), std::string::npos);
  EXPECT_NE(html.find("بند ۴ را ببینید"), std::string::npos) << "the referral's margin note";
  EXPECT_NE(html.find("لیلا نوری"), std::string::npos) << "the colleague referred to";
  EXPECT_NE(html.find("سارا احمدی"), std::string::npos) << "the requester";
  EXPECT_NE(html.find("<bdi>سامانه</bdi>: "), std::string::npos) << "the system's entry, its colon right after it";
  EXPECT_EQ(html.find("<bdi class=\"detail\"></bdi>"), std::string::npos) << "no empty role beside a name";
  // Legal is among the colleagues the head may refer to; the head is not.
  const auto& colleagues = d.get("referral_section")->get("colleagues")->list_value();
  std::set<std::string> offered;
  for (const auto& c : colleagues) offered.insert(c.get("name")->string_value());
  EXPECT_EQ(offered, (std::set<std::string>{"dina", "leila", "sara", "vahid"}));
}

// Issue 36: the inbox, drawn from the case service's views and the rows beside them,
// with no store. The OSIC head has two agreements to accept in person, which are offered
// for bulk sign-off, and one that waits for the dean they stand in for, which says so;
// a colleague has referred a case to them and answered one of theirs.
TEST(InboxPageModel, IsDrawnFromTheViewsAndTheirRowsAlone) {
  AgreementOnItsCalendar agreement;
  ASSERT_TRUE(agreement.set.ok());
  const Calendar& calendar = agreement.calendar();
  const Timestamp t = agreement.t();
  auto engine = agreement.engine();
  const User dina = person("dina", "dean", "دکتر دینا کریمی"), sara = person("sara", "staff", "سارا احمدی"),
             leila = person("leila", "legal", "لیلا نوری"), hamid = person("hamid", "osic_head", "حمید رضایی");
  const Caller caller{Actor{"hamid", {"osic_head"}}, {dina}};
  auto stored = [&](int64_t id, std::string title, std::string state) {
    return agreement.stored(id, std::move(title), std::move(state));
  };
  std::vector<CaseView> waiting;
  for (auto [id, title] : {std::pair<int64_t, const char*>{11, "KTH"}, {12, "ETH"}}) {
    CaseView v{.kase = stored(id, title, "osic_review"), .engine = engine, .caller = caller, .acting = caller.actor};
    for (auto& a : engine->available_actions(v.kase.state, v.acting)) v.actions.push_back({std::move(a), ""});
    v.timing.entered_at = t;
    waiting.push_back(std::move(v));
  }
  CaseView for_dean{.kase = stored(13, "Aalto", "dean_approval"), .engine = engine, .caller = caller,
                    .acting = caller.actor};
  for_dean.stand_ins = {Actor{"hamid", {"dean"}, "dina"}};
  for (auto& a : engine->available_actions(for_dean.kase.state, for_dean.stand_ins.front())) {
    for_dean.actions.push_back({std::move(a), "dina"});
  }
  ASSERT_TRUE(for_dean.may_act());
  waiting.push_back(std::move(for_dean));

  web::InboxFacts facts{.caller = caller, .waiting = waiting};
  facts.mine.push_back({stored(20, "Uppsala", "draft"), engine, std::nullopt});
  facts.more_mine = true;
  ReferralRow asked{.id = 4, .case_id = 30, .from_user = "leila", .to_user = "hamid", .kind = "review",
                    .note = "نظر شما دربارهٔ بند ۲؟", .made_at = t};
  facts.referred.push_back({asked, {stored(30, "Lund", "legal_review"), engine, std::nullopt}});
  ReferralRow answered{.id = 5, .case_id = 31, .from_user = "hamid", .to_user = "leila", .kind = "review",
                       .note = "", .made_at = t, .status = "answered", .answer = "بی‌اشکال است", .answered_at = t};
  facts.answers.push_back({answered, {stored(31, "Oslo", "osic_review"), engine, std::nullopt}});
  facts.people = {dina, sara, leila, hamid};
  const SignedIn signed_in(hamid);
  const web::Viewer& viewer = signed_in.viewer;

  web::mustache::data d = web::inbox_page_model(facts, viewer, calendar, t);
  const auto& rows = d.get("waiting")->list_value();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].get("requester")->string_value(), "سارا احمدی");
  EXPECT_EQ(rows[0].get("for"), nullptr) << "in person: no one named";
  ASSERT_NE(rows[0].get("bulk_version"), nullptr);
  ASSERT_NE(rows[2].get("for"), nullptr);
  EXPECT_EQ(rows[2].get("for")->string_value(), "دکتر دینا کریمی");
  EXPECT_EQ(rows[2].get("bulk_version"), nullptr) << "only what the reader does in person is offered in bulk";
  std::set<std::string> bulk;
  for (const auto& a : d.get("bulk_actions")->list_value()) bulk.insert(a.get("name")->string_value());
  EXPECT_TRUE(bulk.count("accept")) << "open on both agreements in review";
  EXPECT_TRUE(d.get("has_mine") && d.get("more_mine"));
  const std::string html = web::render_page(200, "inbox", "inbox.html", d).body;
  for (const char* shown : {"KTH", "ETH", "Aalto", "Uppsala", "Lund", "Oslo", "لیلا نوری", "نظر شما دربارهٔ بند ۲؟",
                            "بی‌اشکال است"}) {
    EXPECT_NE(html.find(shown), std::string::npos) << shown;
  }
}

// Issue 36: the case list is drawn from the page of cases and the rows read beside it,
// with no store. Staff filtered on agreements in review, with a search, on the second
// page: the workflow and state they chose are selected, the requester is named as people
// know her, and the pager keeps the filter. A refused search is said beside the box.
TEST(CasesPageModel, IsDrawnFromThePageOfCasesAlone) {
  AgreementOnItsCalendar agreement;
  ASSERT_TRUE(agreement.set.ok());
  const Calendar& calendar = agreement.calendar();
  const Timestamp t = agreement.t();
  auto engine = agreement.engine();
  const User sara = person("sara", "staff", "سارا احمدی");
  CaseFilter filter{.workflow = "agreement", .state = "osic_review", .q = "KTH & co", .after_id = 40};
  web::CasesFacts facts{.filter = filter, .next_cursor = 17};
  facts.items.push_back({agreement.stored(21, "KTH", "osic_review"), engine, std::nullopt});
  facts.people = {sara};
  facts.workflows = {engine};
  const SignedIn signed_in(sara);
  const web::Viewer& viewer = signed_in.viewer;

  web::mustache::data d = web::cases_page_model(facts, viewer, calendar, t);
  const auto& rows = d.get("items")->list_value();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].get("requester")->string_value(), "سارا احمدی");
  const auto& workflows = d.get("workflows")->list_value();
  ASSERT_EQ(workflows.size(), 1u);
  EXPECT_TRUE(workflows[0].get("selected"));
  int selected_states = 0;
  for (const auto& s : d.get("states")->list_value()) {
    if (s.get("selected")) {
      ++selected_states;
      EXPECT_EQ(s.get("name")->string_value(), "osic_review");
    }
  }
  EXPECT_EQ(selected_states, 1);
  EXPECT_EQ(d.get("next_page")->string_value(),
            "/cases?workflow=agreement&state=osic_review&requester=&q=KTH%20%26%20co&cursor=17");
  EXPECT_EQ(d.get("first_page")->string_value(), "/cases?workflow=agreement&state=osic_review&requester=&q=KTH%20%26%20co");
  EXPECT_EQ(d.get("q_error"), nullptr);
  const std::string html = web::render_page(200, "cases", "cases.html", d).body;
  EXPECT_NE(html.find("سارا احمدی"), std::string::npos);
  EXPECT_NE(html.find("href=\"/cases/21\""), std::string::npos);

  web::CasesFacts refused{.filter = filter, .q_error = "متن جست‌وجو خوانا نیست"};
  refused.workflows = {engine};
  web::mustache::data r = web::cases_page_model(refused, viewer, calendar, t);
  ASSERT_NE(r.get("q_error"), nullptr);
  EXPECT_EQ(r.get("has_items"), nullptr);
  EXPECT_EQ(r.get("next_page"), nullptr);
}

// Issue 36: the admin's list of people is drawn from the people and who has a password,
// with no store: a directory person's roles split into those the directory gives and
// those an admin gave by hand, a disabled account, the add form's values kept after a
// refusal, and the note that a change went through.
TEST(UsersPageModel, IsDrawnFromThePeopleAlone) {
  User admin = person("admin", "admin", "");
  User dina = person("dina", "dean@physics", "دکتر دینا کریمی");
  dina.roles.push_back("staff");
  dina.origin = "directory";
  dina.directory_roles = {"dean@physics"};
  User old = person("old", "staff", "");
  old.disabled = true;
  web::UsersFacts facts{.users = {admin, dina, old}, .with_password = {"old"},
                        .typed = {{"name", "new one"}, {"roles", "staff"}}, .error = "نام کاربری پذیرفته نیست",
                        .done = "changed"};
  const SignedIn signed_in(admin);
  web::mustache::data d = web::users_page_model(facts, signed_in.viewer);
  const auto& rows = d.get("users")->list_value();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].get("display")->string_value(), "دکتر دینا کریمی");
  EXPECT_EQ(rows[1].get("roles")->string_value(), "dean@physics,staff");
  EXPECT_EQ(rows[1].get("directory_roles")->string_value(), "dean@physics");
  EXPECT_EQ(rows[1].get("hand_roles")->string_value(), "staff");
  EXPECT_EQ(rows[0].get("from_directory"), nullptr);
  EXPECT_EQ(rows[0].get("display"), nullptr) << "no display name: the login name alone";
  EXPECT_NE(rows[2].get("disabled"), nullptr);
  EXPECT_NE(rows[2].get("has_password"), nullptr);
  EXPECT_EQ(rows[1].get("has_password"), nullptr);
  EXPECT_EQ(d.get("add")->get("name")->string_value(), "new one");
  EXPECT_EQ(d.get("add")->get("email")->string_value(), "");
  EXPECT_EQ(d.get("error")->string_value(), "نام کاربری پذیرفته نیست");
  ASSERT_NE(d.get("flash"), nullptr);
  const std::string html = web::render_page(200, "users", "admin_users.html", d).body;
  EXPECT_NE(html.find("دکتر دینا کریمی"), std::string::npos);
  EXPECT_NE(html.find("action=\"/admin/users/old/enable\""), std::string::npos);
  EXPECT_NE(html.find("value=\"new one\""), std::string::npos);

  facts.done = "";
  EXPECT_EQ(web::users_page_model(facts, signed_in.viewer).get("flash"), nullptr);
}

// Issue 31: a case page's diagram is drawn once per workflow version and path. What is
// kept is what would be drawn afresh; another path, language or engine gets its own.
TEST(Diagram, AKeptPictureIsTheOneDrawnAfreshAndBelongsToItsEngine) {
  WorkflowSet set = load_workflows({std::string(OSIC_SOURCE_DIR) + "/workflows/agreement.yaml"});
  ASSERT_TRUE(set.ok());
  const Calendar& calendar = *set.office_calendar;
  auto engine = std::make_shared<const Engine>(set.files.at(0).result.definition, calendar);
  const Definition& def = engine->definition();
  const GraphPath in_draft{"draft", {"draft"}, {}};
  const GraphPath in_review{"osic_review", {"draft", "osic_review"}, {{"draft", "osic_review"}}};
  const std::string first = web::workflow_svg(engine, in_draft, "diagram", web::Lang::kFa);
  EXPECT_EQ(first, web::workflow_svg(def, in_draft, "diagram", web::Lang::kFa));
  EXPECT_EQ(web::workflow_svg(engine, in_draft, "diagram", web::Lang::kFa), first);  // from what was kept
  EXPECT_EQ(web::workflow_svg(engine, in_review, "diagram", web::Lang::kFa),
            web::workflow_svg(def, in_review, "diagram", web::Lang::kFa));
  EXPECT_NE(web::workflow_svg(engine, in_review, "diagram", web::Lang::kFa), first);
  EXPECT_EQ(web::workflow_svg(engine, in_draft, "diagram", web::Lang::kEn),
            web::workflow_svg(def, in_draft, "diagram", web::Lang::kEn));

  // Another version of the workflow, with the same path: its own picture.
  std::string source = set.files.at(0).source;
  const std::string title = "title: {fa: پیش‌نویس";
  ASSERT_NE(source.find(title), std::string::npos);
  source.replace(source.find(title), title.size(), "title: {fa: چرک‌نویس");
  auto loaded = load_definition(source, "agreement.yaml");
  ASSERT_TRUE(loaded.definition);
  auto changed = std::make_shared<const Engine>(loaded.definition, calendar);
  const std::string redrawn = web::workflow_svg(changed, in_draft, "diagram", web::Lang::kFa);
  EXPECT_NE(redrawn.find("چرک‌نویس"), std::string::npos);
  EXPECT_EQ(redrawn, web::workflow_svg(changed->definition(), in_draft, "diagram", web::Lang::kFa));
}

// Issue 36: the dossier is drawn from what was read for it, with its chain checked on the
// same rows: an internal note only in the full one, and a changed entry named.
TEST(DossierModel, ShowsNotesOnlyWhenFullAndNamesTheFirstEntryThatDoesNotHold) {
  WorkflowSet set = load_workflows({std::string(OSIC_SOURCE_DIR) + "/workflows/agreement.yaml"});
  ASSERT_TRUE(set.ok());
  const Calendar& calendar = *set.office_calendar;
  const Timestamp t = calendar.start_of_day(*parse_office_date("1405/09/16")) + std::chrono::hours(10);
  StoredCase c;
  c.id = 9;
  c.workflow = "agreement";
  c.workflow_version = 1;
  c.title = "KTH";
  c.state = {"osic_review", {{"partner", Value("KTH")}, {"country", Value("SE")}}, 3, "sara", {}, t};
  std::vector<HistoryRow> rows(3);
  std::string prev;
  for (int i = 0; i < 3; ++i) {
    HistoryRow& h = rows[i];
    h.seq = i + 1;
    h.at = t;
    h.actor = i == 2 ? "hamid" : "sara";
    h.action = i == 0 ? "start" : i == 1 ? "submit" : "note";
    h.from = i == 0 ? "" : i == 1 ? "draft" : "osic_review";
    h.to = i == 0 ? "draft" : "osic_review";
    h.comment = i == 2 ? "پیش‌نویس را حقوقی ببیند" : "";
    h.channel = "web";
    if (i == 2) h.detail = R"({"visible_to":["osic_head"]})";
    seal(c.id, h, prev);
    prev = h.hash;
  }
  const Definition& def = *set.files.at(0).result.definition;
  auto html = [&](const std::vector<HistoryRow>& history, bool full) {
    const web::DossierFacts facts{c, def, {}, history, {}};
    web::mustache::data d = web::dossier_model(facts, web::Lang::kFa, calendar, t, full);
    return web::render_with_texts(web::parsed("dossier.html", web::Lang::kFa), d, web::Lang::kFa);
  };
  const std::string plain = html(rows, false), full = html(rows, true);
  EXPECT_EQ(plain.find("پیش‌نویس را حقوقی ببیند"), std::string::npos);
  EXPECT_NE(full.find("پیش‌نویس را حقوقی ببیند"), std::string::npos);
  EXPECT_NE(plain.find("زنجیرهٔ سوابق این پرونده وارسی شد و سالم است"), std::string::npos) << "notes are in the chain";
  std::vector<HistoryRow> changed = rows;
  changed[1].comment = "افزوده";
  const std::string broken = html(changed, false);
  EXPECT_EQ(broken.find("زنجیرهٔ سوابق این پرونده وارسی شد و سالم است"), std::string::npos);
  EXPECT_NE(broken.find("نخستین ردیف ناسازگار: ۲</p>"), std::string::npos) << broken;
}

// Issue 34: a deadline due at the start of the 16th is due by the end of the 15th.
TEST(DeadlineText, DueAtTheStartOfADayReadsAsTheEndOfTheDayBefore) {
  WorkflowSet set = load_workflows({std::string(OSIC_SOURCE_DIR) + "/workflows/agreement.yaml"});
  ASSERT_TRUE(set.ok());
  const Calendar& tehran = *set.office_calendar;
  const Date sixteenth = *parse_office_date("1405/09/16");
  auto text = [&](Timestamp t, web::Lang l) {
    return web::deadline_moment(t, tehran, l).get("text")->string_value();
  };
  EXPECT_EQ(text(tehran.start_of_day(sixteenth), web::Lang::kFa), "تا پایان ۱۵ آذر ۱۴۰۵");
  EXPECT_EQ(text(tehran.start_of_day(sixteenth), web::Lang::kEn), "by the end of 6 December 2026");
  const Timestamp noon = tehran.start_of_day(sixteenth) + std::chrono::hours(12);
  EXPECT_EQ(text(noon, web::Lang::kFa), web::format_time(noon, tehran, web::Lang::kFa));
}

TEST_F(WebApp, SigningInOpensTheInboxAndSigningOutEndsTheSessionOnTheServer) {
  int status = 0;
  std::string cookies = sign_in("sara", "correct horse", &status);
  EXPECT_EQ(status, 303);
  ASSERT_FALSE(cookies.empty());
  auto inbox = request("GET", "/inbox", cookies);
  EXPECT_EQ(inbox.status, 200);
  EXPECT_NE(inbox.body.find("<html lang=\"fa\" dir=\"rtl\">"), std::string::npos);
  EXPECT_NE(header(inbox, "Content-Security-Policy").find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(header(inbox, "X-Frame-Options"), "DENY");
  EXPECT_EQ(header(inbox, "Referrer-Policy"), "same-origin");
  EXPECT_EQ(header(inbox, "Cache-Control"), "no-store");
  // A bearer token is for the JSON API: a page asks for a sign-in instead.
  api::HttpRequest bearer;
  bearer.method = "GET";
  api::split_target("/inbox", bearer);
  bearer.headers["authorization"] = "Bearer " + staff_token_;
  api::HttpResponse refused = api_.handle(bearer, &storage_);
  EXPECT_EQ(refused.status, 303);
  EXPECT_EQ(header(refused, "Location"), "/login?next=%2Finbox");
  auto out = request("POST", "/logout", cookies, "csrf=" + csrf_of(cookies));
  EXPECT_EQ(out.status, 303);
  auto after = request("GET", "/inbox", cookies);
  EXPECT_EQ(after.status, 303);
  EXPECT_EQ(header(after, "Location"), "/login?next=%2Finbox");
}

// Issue 12: a country is chosen by name; in Persian in the Persian alphabet, where the
// code points would put پاکستان after وانواتو.
TEST_F(WebApp, CountriesAreChosenByNameInThePagesAlphabet) {
  std::string sara = sign_in("sara", "correct horse");
  auto page = request("GET", "/cases/new?workflow=agreement", sara);
  ASSERT_EQ(page.status, 200);
  auto at = [&](const char* text) { return page.body.find(text); };
  ASSERT_NE(at("<option value=\"AR\""), std::string::npos) << page.body.substr(0, 2000);
  EXPECT_LT(at("<option value=\"AR\""), at("<option value=\"IR\""));  // آرژانتین, ایران
  EXPECT_LT(at("<option value=\"IR\""), at("<option value=\"PK\""));  // ایران, پاکستان
  EXPECT_LT(at("<option value=\"PK\""), at("<option value=\"TJ\""));  // پاکستان, تاجیکستان
  EXPECT_LT(at("<option value=\"JP\""), at("<option value=\"VU\""));  // ژاپن, وانواتو
  EXPECT_NE(at(">ایران<"), std::string::npos);
}

TEST_F(WebApp, TheSessionCookieIsHttpOnlyAndLaxAndSecureOnlyOverHttps) {
  auto page = request("GET", "/login", "");
  std::string login = cookie_value(page, "osic_login");
  auto r = request("POST", "/login", "osic_login=" + login, "csrf=" + login + "&username=sara&password=correct+horse");
  std::string set;
  for (const auto& [h, v] : r.headers) {
    if (h == "Set-Cookie" && v.rfind("osic_session=", 0) == 0) set = v;
  }
  EXPECT_NE(set.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set.find("SameSite=Lax"), std::string::npos);
  EXPECT_EQ(set.find("Secure"), std::string::npos);
  // Over https (issue 30) the session's cookie has the __Host- prefix, which browsers
  // keep only when Secure, host-only and for the whole site; the plain name is not read.
  api_.set_secure_cookies(true);
  std::string cookies = sign_in("sara", "correct horse");
  EXPECT_EQ(cookies.rfind("__Host-osic_session=", 0), 0u) << cookies;
  EXPECT_EQ(request("GET", "/inbox", cookies).status, 200);
  EXPECT_EQ(request("GET", "/inbox", "osic_session=" + cookies.substr(cookies.find('=') + 1)).status, 303);
  r = request("POST", "/login", "osic_login=" + login, "csrf=" + login + "&username=sara&password=correct+horse");
  std::string secure;
  for (const auto& [h, v] : r.headers) {
    if (h == "Set-Cookie" && v.rfind("__Host-osic_session=", 0) == 0) secure = v;
  }
  EXPECT_NE(secure.find("; Secure"), std::string::npos) << secure;
  EXPECT_NE(secure.find("Path=/"), std::string::npos) << secure;
  EXPECT_EQ(secure.find("Domain"), std::string::npos) << secure;
}

// Issue 30: a request that a trusted proxy says came over https gets Secure cookies; the
// same header from anyone else changes nothing.
TEST_F(WebApp, OnlyATrustedProxyDecidesThatTheBrowserCameOverHttps) {
  auto signed_in_over = [&](bool https) {
    auto page = request("GET", "/login", "");
    std::string login = cookie_value(page, "osic_login");
    api::HttpRequest r;
    r.method = "POST";
    api::split_target("/login", r);
    r.headers["cookie"] = "osic_login=" + login;
    r.headers["content-type"] = "application/x-www-form-urlencoded";
    r.body = "csrf=" + login + "&username=sara&password=correct+horse";
    r.https = https;  // what the server sets from a trusted proxy's X-Forwarded-Proto
    return cookie_value(api_.handle(r, &storage_), "__Host-osic_session");
  };
  EXPECT_EQ(signed_in_over(false), "");
  EXPECT_NE(signed_in_over(true), "");
}

TEST_F(WebApp, AWrongPasswordAnUnknownUserAndADisabledOneAreRefusedAlike) {
  int status = 0;
  EXPECT_EQ(sign_in("sara", "wrong horse", &status), "");
  EXPECT_EQ(status, 401);
  EXPECT_EQ(sign_in("nobody", "correct horse", &status), "");
  EXPECT_EQ(status, 401);
  storage_.set_disabled("sara", true);
  EXPECT_EQ(sign_in("sara", "correct horse", &status), "");
  EXPECT_EQ(status, 401);
}

TEST_F(WebApp, RepeatedFailuresForOnePersonAreAnswered429EvenWithTheRightPassword) {
  int status = 0;
  for (int i = 0; i < 5; ++i) sign_in("sara", "guess " + std::to_string(i), &status, "10.0.0." + std::to_string(i + 2));
  EXPECT_EQ(status, 401);
  EXPECT_EQ(sign_in("sara", "correct horse", &status, "10.0.0.99"), "");
  EXPECT_EQ(status, 429);
}

TEST_F(WebApp, RepeatedFailuresFromOneAddressAreAnswered429) {
  int status = 0;
  for (int i = 0; i < 20; ++i) sign_in("user" + std::to_string(i), "guess", &status, "10.9.9.9");
  EXPECT_EQ(status, 401);
  sign_in("sara", "correct horse", &status, "10.9.9.9");
  EXPECT_EQ(status, 429);
  EXPECT_NE(sign_in("sara", "correct horse", &status, "10.9.9.10"), "");  // a colleague elsewhere
}

TEST_F(WebApp, ASessionEndsWhenIdleAndAtItsAbsoluteLimit) {
  std::string cookies = sign_in("sara", "correct horse");
  clock_.Advance(std::chrono::minutes(119));
  EXPECT_EQ(request("GET", "/inbox", cookies).status, 200);  // used: the idle clock restarts
  clock_.Advance(std::chrono::minutes(119));
  EXPECT_EQ(request("GET", "/inbox", cookies).status, 200);
  clock_.Advance(std::chrono::hours(2));
  EXPECT_EQ(request("GET", "/inbox", cookies).status, 303);  // idle two hours
  cookies = sign_in("sara", "correct horse");
  for (int i = 0; i < 12; ++i) {  // used every 59 minutes, for 11 hours 48 minutes
    clock_.Advance(std::chrono::minutes(59));
    EXPECT_EQ(request("GET", "/inbox", cookies).status, 200) << i;
  }
  clock_.Advance(std::chrono::minutes(12));
  EXPECT_EQ(request("GET", "/inbox", cookies).status, 303);  // twelve hours after sign-in
}

TEST_F(WebApp, ANewPasswordEndsThePersonsSessions) {
  std::string cookies = sign_in("sara", "correct horse");
  api_.accounts().set_password(storage_, "sara", "battery staple");
  EXPECT_EQ(request("GET", "/inbox", cookies).status, 303);
  EXPECT_NE(sign_in("sara", "battery staple"), "");
  EXPECT_THROW(api_.accounts().set_password(storage_, "sara", "short"), Error);
}

TEST_F(WebApp, AFormWithoutThisSessionsTokenIsRefused403AndChangesNothing) {
  std::string cookies = sign_in("sara", "correct horse");
  int64_t id = start_case();
  const std::string path = "/cases/" + std::to_string(id) + "/actions/submit";
  auto r = request("POST", path, cookies, "version=1");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(header(r, "X-Osic-Error"), "csrf_failed");
  r = request("POST", path, cookies, "version=1&csrf=" + std::string(64, '0'));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(std::get<StoredCase>(service_.get(storage_, id)).state.state, "draft");
  r = request("POST", path, cookies, "version=1&csrf=" + csrf_of(cookies));
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(std::get<StoredCase>(service_.get(storage_, id)).state.state, "osic_review");
}

TEST_F(WebApp, ALoginFormFromAnotherSiteIsRefused) {
  auto r = request("POST", "/login", "", "username=sara&password=correct+horse");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(cookie_value(r, "osic_session"), "");
}

TEST_F(WebApp, SignInReturnsOnlyToAPathOfThisServer) {
  auto page = request("GET", "/login", "");
  std::string login = cookie_value(page, "osic_login");
  // Browsers drop tabs and newlines from an address and read "\\" as "/": each of
  // these would leave the site (issue 30: the TAB was confirmed in Chromium).
  for (const std::string& next : std::vector<std::string>{"//evil.example/x", "https://evil.example", "/\\evil.example", "/\t/evil.example",
                                 "/\n/evil.example", "/\r/evil.example", "/ab\\..\\..\\/evil.example",
                                 std::string("/\0/evil.example", 16), "/\x7f/evil.example", "/\x01/evil.example"}) {
    auto r = request("POST", "/login", "osic_login=" + login,
                     "csrf=" + login + "&username=sara&password=correct+horse&next=" + api::url_encode(next));
    EXPECT_EQ(header(r, "Location"), "/inbox") << next;
  }
  auto r = request("POST", "/login", "osic_login=" + login,
                   "csrf=" + login + "&username=sara&password=correct+horse&next=" + api::url_encode("/cases?q=a b"));
  EXPECT_EQ(header(r, "Location"), "/cases?q=a b");
}

// Issue 30: a search text the list refuses is said beside the search box, in the page's
// language, with the page's status 400; the rest of the page is there.
TEST_F(WebApp, ASearchTooLongOrWithAControlCharacterIsExplainedBesideTheBox) {
  std::string cookies = sign_in("sara", "correct horse");
  start_case();
  auto ok = request("GET", "/cases?q=kth", cookies);
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body.find("id=\"e-q\""), std::string::npos);
  auto too_long = request("GET", "/cases?q=" + std::string(201, 'k'), cookies);
  EXPECT_EQ(too_long.status, 400);
  EXPECT_NE(too_long.body.find("id=\"e-q\""), std::string::npos);
  EXPECT_NE(too_long.body.find(web::tr("search_too_long", web::Lang::kFa)), std::string::npos);
  EXPECT_NE(too_long.body.find("name=\"q\""), std::string::npos);
  auto nul = request("GET", "/cases?q=%00kth", cookies);
  EXPECT_EQ(nul.status, 400);
  EXPECT_NE(nul.body.find(web::tr("search_unreadable", web::Lang::kFa)), std::string::npos);
}

// Issue 30: "all my cases" lists by the login name, which a display name is not.
TEST_F(WebApp, AllMyCasesLinksByTheLoginNameNotTheDisplayName) {
  storage_.set_display_names("sara", "سارا احمدی", "Sara Ahmadi");
  std::string cookies = sign_in("sara", "correct horse");
  for (int i = 0; i < 22; ++i) start_case();  // more than the inbox lists
  auto inbox = request("GET", "/inbox", cookies);
  EXPECT_NE(inbox.body.find("href=\"/cases?requester=sara\""), std::string::npos) << inbox.body;
}

// Issue 30: the session's own form token never appears in an address; an upload form
// carries a token good for its own path only.
TEST_F(WebApp, AnUploadFormsAddressCarriesAPerFormTokenNotTheSessions) {
  std::string cookies = sign_in("sara", "correct horse");
  int64_t id = start_case();
  const std::string csrf = csrf_of(cookies);
  auto page = request("GET", "/cases/" + std::to_string(id), cookies);
  EXPECT_EQ(page.body.find("csrf=" + csrf), std::string::npos);
  const std::string action = "/cases/" + std::to_string(id) + "/files/draft_text";
  EXPECT_NE(page.body.find(action + "?t=" + web::upload_token(csrf, action)), std::string::npos);
  EXPECT_NE(web::upload_token(csrf, action), web::upload_token(csrf, action + "x"));
  // The form's token opens that upload's route to the session, and no other token does.
  api::HttpRequest head;
  head.method = "POST";
  api::split_target(action + "?t=" + web::upload_token(csrf, action), head);
  head.headers["cookie"] = cookies;
  EXPECT_FALSE(api_.refuse_upload(head, &storage_).has_value());
  api::split_target(action + "?csrf=" + csrf, head);
  head.query.erase("t");
  auto refused = api_.refuse_upload(head, &storage_);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 403);
}

TEST_F(WebApp, AStalePageIsAnsweredWithTheCaseAsItIsNow) {
  std::string cookies = sign_in("sara", "correct horse");
  int64_t id = start_case();
  std::string csrf = csrf_of(cookies);
  ASSERT_EQ(request("POST", "/cases/" + std::to_string(id) + "/actions/submit", cookies, "version=1&csrf=" + csrf).status, 303);
  auto r = request("POST", "/cases/" + std::to_string(id) + "/actions/submit", cookies, "version=1&csrf=" + csrf);
  EXPECT_EQ(r.status, 409);
  EXPECT_NE(r.body.find("data-state=\"osic_review\""), std::string::npos);
  EXPECT_NE(r.body.find(web::tr("stale", web::Lang::kFa)), std::string::npos);
}

TEST_F(WebApp, EveryTextAPageAsksForExistsInBothLanguages) {
  std::regex key("\\{\\{t\\.([a-z_]+)\\}\\}");
  std::set<std::string> keys;
  for (const auto& [k, en] : web::texts(web::Lang::kEn)) {
    EXPECT_FALSE(en.empty()) << k;
    keys.insert(k);
  }
  int seen = 0;
  for (const auto& [name, text] : api::web_assets()) {
    for (auto it = std::sregex_iterator(text.begin(), text.end(), key); it != std::sregex_iterator(); ++it) {
      const std::string k = (*it)[1];
      EXPECT_TRUE(keys.count(k)) << name << ": {{t." << k << "}} has no text";
      ++seen;
    }
  }
  EXPECT_GT(seen, 50);
  for (const auto& [k, fa] : web::texts(web::Lang::kFa)) EXPECT_FALSE(fa.empty()) << k;
}

TEST_F(WebApp, AnAdminAddsPeopleSetsRolesAndPasswordsAndDisablesThem) {
  storage_.add_user("root", "root@uni.ac.ir", {"admin"}, clock_.now());
  api_.accounts().set_password(storage_, "root", "admin password");
  std::string admin = sign_in("root", "admin password");
  std::string csrf = csrf_of(admin);
  auto r = request("POST", "/admin/users", admin,
                   "csrf=" + csrf + "&name=leila&email=leila%40uni.ac.ir&roles=legal%2Cstaff&password=leila+password");
  ASSERT_EQ(r.status, 303) << r.body;
  EXPECT_EQ(storage_.user_by_name("leila")->roles, (std::vector<std::string>{"legal", "staff"}));
  std::string leila = sign_in("leila", "leila password");
  ASSERT_NE(leila, "");
  EXPECT_EQ(request("POST", "/admin/users/leila/roles", admin, "csrf=" + csrf + "&roles=finance").status, 303);
  EXPECT_EQ(storage_.user_by_name("leila")->roles, (std::vector<std::string>{"finance"}));
  EXPECT_EQ(request("POST", "/admin/users/leila/disable", admin, "csrf=" + csrf).status, 303);
  EXPECT_EQ(request("GET", "/inbox", leila).status, 303);  // her session ended with the account
  EXPECT_EQ(request("POST", "/admin/users/leila/enable", admin, "csrf=" + csrf).status, 303);
  EXPECT_EQ(request("POST", "/admin/users/leila/password", admin, "csrf=" + csrf + "&password=a+new+one+here").status, 303);
  EXPECT_NE(sign_in("leila", "a new one here"), "");
  // Refusals come back on the page, in words: a short password, a role in no unit, a name taken.
  r = request("POST", "/admin/users/leila/password", admin, "csrf=" + csrf + "&password=short");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("class=\"error\""), std::string::npos);
  EXPECT_EQ(request("POST", "/admin/users", admin, "csrf=" + csrf + "&name=leila&email=x%40y&roles=staff").status, 409);
  EXPECT_EQ(request("POST", "/admin/users", admin, "csrf=" + csrf + "&name=omid&email=o%40y&roles=dean%40nowhere").status,
            400);
  EXPECT_FALSE(storage_.user_by_name("omid"));
  EXPECT_EQ(request("POST", "/admin/users/root/disable", admin, "csrf=" + csrf).status, 400);  // not oneself
  EXPECT_NE(request("GET", "/admin/users", admin).body.find("leila"), std::string::npos);
  // Display names and the language of their mail (issue 12), shown beside the login.
  r = request("POST", "/admin/users", admin,
              "csrf=" + csrf + "&name=parisa&email=p%40uni.ac.ir&roles=dean&name_fa=" +
                  "%D9%BE%D8%B1%DB%8C%D8%B3%D8%A7%20%D9%86%D9%88%D8%B1%DB%8C&name_en=Parisa+Nouri&lang=en");
  ASSERT_EQ(r.status, 303) << r.body;
  auto parisa = storage_.user_by_name("parisa");
  EXPECT_EQ(parisa->name_fa, "پریسا نوری");
  EXPECT_EQ(parisa->name_en, "Parisa Nouri");
  EXPECT_EQ(parisa->lang, "en");
  EXPECT_NE(request("GET", "/admin/users", admin).body.find("<small>پریسا نوری</small>"), std::string::npos);
  EXPECT_EQ(request("POST", "/admin/users", admin, "csrf=" + csrf + "&name=omid&email=o%40y&roles=dean&lang=de").status,
            400);
}

TEST_F(WebApp, AdminPagesAreForAdminsOnly) {
  std::string sara = sign_in("sara", "correct horse");
  std::string csrf = csrf_of(sara);
  EXPECT_EQ(request("GET", "/admin/users", sara).status, 403);
  EXPECT_EQ(request("GET", "/admin/outbox", sara).status, 403);
  EXPECT_EQ(request("POST", "/admin/users", sara, "csrf=" + csrf + "&name=x&email=x%40y&roles=admin").status, 403);
  EXPECT_FALSE(storage_.user_by_name("x"));
  EXPECT_EQ(request("GET", "/inbox", sara).body.find("/admin/users"), std::string::npos);
}

TEST_F(WebApp, TheOutboxPageShowsFailedMailAndSendsItAgain) {
  storage_.add_user("root", "root@uni.ac.ir", {"admin"}, clock_.now());
  api_.accounts().set_password(storage_, "root", "admin password");
  std::string admin = sign_in("root", "admin password");
  int64_t id = start_case();
  ActCommand submit;
  submit.case_id = id;
  submit.action = "submit";
  ASSERT_EQ(std::get<StoredCase>(service_.act(storage_, Actor{"sara", {"staff"}}, submit)).state.state, "osic_review");
  auto rows = storage_.list_outbox("pending", 10);
  ASSERT_FALSE(rows.empty());
  OutboxUpdate failed;
  failed.id = rows[0].id;
  failed.status = "failed";
  failed.attempts = 8;
  failed.next_attempt_at = clock_.now();
  failed.last_error = "550 mailbox unavailable";
  storage_.update_outbox(failed);
  auto page = request("GET", "/admin/outbox", admin);
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("550 mailbox unavailable"), std::string::npos);
  auto r = request("POST", "/admin/outbox/" + std::to_string(rows[0].id) + "/retry", admin, "csrf=" + csrf_of(admin));
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(storage_.list_outbox("failed", 10).size(), 0u);
  EXPECT_EQ(request("POST", "/admin/outbox/" + std::to_string(rows[0].id) + "/retry", admin, "csrf=" + csrf_of(admin)).status,
            404);  // no longer failed
}

// Issue 12: the shipped workflows are bilingual, for pages and for other systems alike.
// Issue 34: every state of every shipped workflow, as its case page shows it in Persian
// to someone who holds every role (so every action's form is on it), has no Latin word
// but codes and names, and no middle dot; people appear by their names, never their logins. Tags, scripts and styles are left out; the text
// inside SVG <title> elements (what a hover shows) is read. It found the diagram's
// hover texts in English and in identifiers.
TEST_F(WebApp, EveryStateOfEveryShippedWorkflowReadsInPersian) {
  std::set<std::string> roles;
  for (const auto& name : registry_.names()) {
    for (const auto& r : registry_.current(name)->definition().roles) roles.insert(r);
  }
  ASSERT_TRUE(std::holds_alternative<std::string>(
      storage_.add_user("head", "head@uni.ac.ir", std::vector<std::string>(roles.begin(), roles.end()), clock_.now())));
  api_.accounts().set_password(storage_, "head", "correct horse");
  // People are shown by their names: no login name may appear.
  ASSERT_TRUE(storage_.set_display_names("head", "دکتر مریم کاظمی", "Dr Maryam Kazemi"));
  ASSERT_TRUE(storage_.set_display_names("sara", "سارا احمدی", "Sara Ahmadi"));
  const std::string cookies = sign_in("head", "correct horse");
  ASSERT_FALSE(cookies.empty());
  // Codes people read as codes; the product's name and the switch to English, which are
  // names.
  const std::set<std::string> allowed{"IRR", "EUR", "USD", "GBP", "CNY", "RUB", "TRY", "AED", "pdf", "jpg", "png",
                                      "docx", "xlsx", "OSIC", "Flow", "English"};
  const std::regex tag("<script[\\s\\S]*?</script>|<style[\\s\\S]*?</style>|<[^>]*>");
  const std::regex latin("[A-Za-z]{2,}");
  std::vector<std::string> found;
  for (const auto& name : registry_.names()) {
    const Definition& def = registry_.current(name)->definition();
    for (const auto& st : def.states) {
      CaseRow row;
      row.workflow = name;
      row.workflow_version = 1;
      row.title = "پرونده آزمایشی";
      row.state = st.name;
      row.data = "{}";
      row.version = 1;
      row.requester = "sara";
      row.created_at = row.updated_at = row.entered_at = clock_.now();
      row.round = 1;
      const int64_t id = storage_.insert_case(row);
      CaseWrites started;
      started.history = HistoryRow{1, clock_.now(), "sara", "start", "", st.name, "", "{}", "web", ""};
      storage_.write(id, started);
      auto page = request("GET", "/cases/" + std::to_string(id), cookies);
      ASSERT_EQ(page.status, 200) << name << "/" << st.name;
      const std::string text = std::regex_replace(page.body, tag, " ");
      for (auto it = std::sregex_iterator(text.begin(), text.end(), latin); it != std::sregex_iterator(); ++it) {
        if (!allowed.count(it->str())) found.push_back(name + "/" + st.name + ": " + it->str());
      }
      // Beside Persian digits a middle dot reads as a zero: «۹ · تفاهم‌نامه» as «۹۰».
      if (page.body.find("·") != std::string::npos) found.push_back(name + "/" + st.name + ": a middle dot (·)");
    }
  }
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  std::string all;
  for (const auto& f : found) all += f + "\n";
  EXPECT_TRUE(found.empty()) << found.size() << " Latin words on Persian pages:\n" << all;
}

// Issue 34: a case page names people as they go by, in the page's language: the
// requester and the history's actors; the system as «سامانه».
TEST_F(WebApp, ACasePageNamesPeopleByTheirNamesNotTheirLogins) {
  ASSERT_TRUE(storage_.set_display_names("sara", "سارا احمدی", "Sara Ahmadi"));
  std::string cookies = sign_in("sara", "correct horse");
  const int64_t id = start_case();
  auto page = request("GET", "/cases/" + std::to_string(id), cookies);
  EXPECT_NE(page.body.find("سارا احمدی"), std::string::npos);
  // In the history, beside the name, the role the person acted in (issue 34).
  EXPECT_NE(page.body.find("<bdi>سارا احمدی</bdi> <bdi class=\"detail\">(کارشناس دفتر همکاری‌ها)</bdi>"), std::string::npos)
      << page.body.substr(page.body.find("history"), 2000);
  const std::string text = std::regex_replace(page.body, std::regex("<[^>]*>"), " ");
  EXPECT_EQ(std::regex_search(text, std::regex("\\bsara\\b")), false) << "the login name is shown";
  auto dossier = request("GET", "/cases/" + std::to_string(id) + "/dossier", cookies);
  ASSERT_EQ(dossier.status, 200);
  EXPECT_NE(dossier.body.find("سارا احمدی"), std::string::npos);
  EXPECT_EQ(std::regex_search(std::regex_replace(dossier.body, std::regex("<[^>]*>"), " "), std::regex("\\bsara\\b")),
            false)
      << "the dossier shows the login name";
}

// Issue 34: the inbox and the case list name the requester as people know them, and a
// case waiting for someone the reader stands in for says for whom.
TEST_F(WebApp, TheInboxNamesTheRequesterAndWhomADelegateActsFor) {
  ASSERT_TRUE(storage_.set_display_names("sara", "سارا احمدی", "Sara Ahmadi"));
  ASSERT_FALSE(std::holds_alternative<Error>(storage_.add_user("hamid", "h@uni.ac.ir", {"osic_head"}, clock_.now())));
  ASSERT_TRUE(storage_.set_display_names("hamid", "دکتر حمید رضایی", "Dr Hamid Rezaei"));
  ASSERT_FALSE(std::holds_alternative<Error>(storage_.add_user("nima", "n@uni.ac.ir", {"staff"}, clock_.now())));
  api_.accounts().set_password(storage_, "nima", "correct horse");
  const int64_t id = start_case();
  ASSERT_FALSE(std::holds_alternative<Error>(
      service_.act(storage_, Actor{"sara", {"staff"}}, act_command(id, "submit"))));
  std::string sara = sign_in("sara", "correct horse");
  auto list = request("GET", "/cases", sara);
  EXPECT_NE(list.body.find("<bdi>سارا احمدی</bdi>"), std::string::npos);
  // Hamid is away and Nima acts for him: Nima's inbox says so, by Hamid's name.
  const Date today = service_.today();
  service_.set_away(storage_, "hamid", today, Date{today.days + 3}, "nima");
  std::string nima = sign_in("nima", "correct horse");
  auto inbox = request("GET", "/inbox", nima);
  ASSERT_EQ(inbox.status, 200);
  EXPECT_NE(inbox.body.find("به نیابت از <bdi>دکتر حمید رضایی</bdi>"), std::string::npos) << inbox.body;
  EXPECT_NE(inbox.body.find("<bdi>سارا احمدی</bdi>"), std::string::npos);
  const std::string text = std::regex_replace(inbox.body, std::regex("<[^>]*>"), " ");
  EXPECT_FALSE(std::regex_search(text, std::regex("\\b(sara|hamid)\\b"))) << "a login name is shown";
}

// Issue 34: a refused value is explained in Persian on a Persian page, for its field's
// type, never with the API's English reason.
TEST_F(WebApp, ARefusedValueIsExplainedInThePagesLanguage) {
  std::string cookies = sign_in("sara", "correct horse");
  const int64_t id = start_case();
  const std::string csrf = csrf_of(cookies);
  auto r = request("POST", "/cases/" + std::to_string(id) + "/actions/submit", cookies,
                   "version=1&csrf=" + csrf + "&summary=" + std::string(20100, 'x'));
  ASSERT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("این متن پذیرفته نیست؛ کوتاه‌ترش کنید."), std::string::npos);
  EXPECT_EQ(r.body.find("bytes"), std::string::npos);
  ASSERT_EQ(request("POST", "/settings/language", cookies, "csrf=" + csrf + "&lang=en").status, 303);
  r = request("POST", "/cases/" + std::to_string(id) + "/actions/submit", cookies,
              "version=1&csrf=" + csrf + "&summary=" + std::string(20100, 'x'));
  EXPECT_NE(r.body.find("bytes"), std::string::npos);
}

// Issue 35: bulk sign-off. The inbox offers the cases whose action needs nothing but a
// comment; one form acts on all, each case on its own, and the answer says per case what
// happened: done, or someone else acted first. The API does the same with case ids.
TEST_F(WebApp, BulkSignOffActsOnEachCaseAndSaysWhatHappenedToEach) {
  auto head = storage_.add_user("hamid", "h@uni.ac.ir", {"osic_head"}, clock_.now());
  ASSERT_TRUE(std::holds_alternative<std::string>(head));
  api_.accounts().set_password(storage_, "hamid", "correct horse");
  const Actor sara{"sara", {"staff"}}, other_head{"maryam", {"osic_head"}};
  std::vector<int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(start_case());
    ASSERT_TRUE(std::holds_alternative<StoredCase>(service_.act(storage_, sara, act_command(ids.back(), "submit"))));
  }
  std::string cookies = sign_in("hamid", "correct horse");
  auto inbox = request("GET", "/inbox", cookies);
  ASSERT_EQ(inbox.status, 200);
  EXPECT_NE(inbox.body.find("form method=\"post\" action=\"/inbox/bulk\""), std::string::npos);
  EXPECT_NE(inbox.body.find("name=\"case_" + std::to_string(ids[0]) + "\" value=\"2\""), std::string::npos);
  EXPECT_NE(inbox.body.find("<option value=\"accept\">پذیرش</option>"), std::string::npos);
  // Someone else accepts the third case after the page was read.
  ASSERT_TRUE(std::holds_alternative<StoredCase>(service_.act(storage_, other_head, act_command(ids[2], "accept"))));
  std::string form = "csrf=" + csrf_of(cookies) + "&action=accept&comment=" + api::url_encode("متن‌ها بررسی شد.");
  for (int i = 0; i < 3; ++i) form += "&case_" + std::to_string(ids[i]) + "=2";
  auto done = request("POST", "/inbox/bulk", cookies, form);
  ASSERT_EQ(done.status, 200) << done.body.substr(0, 500);
  EXPECT_NE(done.body.find("۲ از ۳ پرونده انجام شد."), std::string::npos);
  EXPECT_NE(done.body.find("دیگری پیش‌تر اقدام کرده است"), std::string::npos);
  for (int i : {0, 1}) {
    auto c = std::get<StoredCase>(service_.get(storage_, ids[i]));
    EXPECT_EQ(c.state.state, "legal_review");
    EXPECT_EQ(storage_.history(ids[i]).back().comment, "متن‌ها بررسی شد.");
    EXPECT_EQ(storage_.history(ids[i]).back().actor, "hamid");
  }
  EXPECT_EQ(storage_.history(ids[2]).back().actor, "maryam");  // not acted on twice

  // The API: ids alone; a case where the action is no longer open is refused, with why.
  api::HttpRequest r;
  r.method = "POST";
  api::split_target("/v1/actions/bulk", r);
  r.headers["authorization"] = "Bearer " + std::get<std::string>(head);
  r.headers["content-type"] = "application/json";
  r.body = json{{"action", "accept"}, {"cases", {ids[3], ids[4], ids[0]}}, {"comment", "ok"}}.dump();
  auto answer = api_.handle(r, &storage_);
  ASSERT_EQ(answer.status, 200) << answer.body;
  json results = json::parse(answer.body)["results"];
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0]["outcome"], "done");
  EXPECT_EQ(results[0]["state"], "legal_review");
  EXPECT_EQ(results[1]["outcome"], "done");
  EXPECT_EQ(results[2]["outcome"], "refused");
  EXPECT_EQ(results[2]["error"]["code"], "not_available");
  EXPECT_FALSE(results[2]["error"]["message_fa"].get<std::string>().empty());
  r.body = json{{"action", "accept"}, {"cases", json::array()}}.dump();
  EXPECT_EQ(api_.handle(r, &storage_).status, 400);
}

TEST_F(WebApp, TheShippedWorkflowsReadInPersianOnPagesAndInTheApi) {
  api::HttpRequest r;
  r.method = "GET";
  api::split_target("/v1/workflows/agreement", r);
  r.headers["authorization"] = "Bearer " + staff_token_;
  json doc = json::parse(api_.handle(r, &storage_).body);
  EXPECT_EQ(doc["title_fa"], "تفاهم‌نامه و موافقت‌نامه همکاری بین‌المللی");
  EXPECT_EQ(doc["states"][0]["title_fa"], "پیش‌نویس");
  json kind;
  for (const auto& f : doc["fields"]) {
    if (f["name"] == "kind") kind = f;
  }
  EXPECT_EQ(kind["label_fa"], "نوع سند");
  EXPECT_EQ(kind["value_titles"]["mou"], (json{{"fa", "تفاهم‌نامه"}, {"en", "MoU"}}));
  std::string cookies = sign_in("sara", "correct horse");
  auto page = request("GET", "/cases/" + std::to_string(start_case()), cookies);
  EXPECT_NE(page.body.find("مؤسسه طرف همکاری"), std::string::npos);
  EXPECT_NE(page.body.find(">پیش‌نویس<"), std::string::npos);
  EXPECT_EQ(page.body.find("Partner institution"), std::string::npos);
  // Times in the Solar Hijri calendar with Persian digits, the Gregorian date on hover.
  EXPECT_NE(page.body.find("<time datetime=\"2027-01-04T09:00:00Z\" title=\"2027-01-04\">۱۴۰۵/۱۰/۱۴ ۰۹:۰۰</time>"),
            std::string::npos);
  auto form = request("GET", "/cases/new?workflow=agreement", cookies);
  EXPECT_NE(form.body.find("<option value=\"mou\" selected>تفاهم‌نامه</option>"), std::string::npos);
}

TEST(WebFormat, NumbersDatesAndDigitsReadAsEachLanguageWritesThem) {
  EXPECT_EQ(web::format_number(250000000, web::Lang::kEn), "250,000,000");
  EXPECT_EQ(web::format_number(250000000, web::Lang::kFa), "۲۵۰٬۰۰۰٬۰۰۰");
  EXPECT_EQ(web::format_number(-1234.5, web::Lang::kEn), "-1,234.5");
  EXPECT_EQ(web::format_number(0, web::Lang::kFa), "۰");
  EXPECT_EQ(web::latin_digits("۲۵۰٬۰۰۰٬۰۰۰"), "250000000");
  EXPECT_EQ(web::latin_digits("٢٥٠,٥"), "2505");
  EXPECT_EQ(web::latin_digits("۱۲٫۵"), "12.5");
  EXPECT_EQ(web::format_date(*Date::parse("2027-03-21"), web::Lang::kFa), "۱۴۰۶/۰۱/۰۱");
  EXPECT_EQ(web::format_date(*Date::parse("2027-03-21"), web::Lang::kEn), "2027-03-21");
  EXPECT_EQ(web::other_calendar(*Date::parse("2027-03-21"), web::Lang::kFa), "2027-03-21");
  EXPECT_EQ(web::format_span(std::chrono::hours(50), web::Lang::kEn), "2 days 2 hours");
  EXPECT_EQ(web::format_span(std::chrono::hours(50), web::Lang::kFa), "۲ روز و ۲ ساعت");
}

TEST(WebForm, WhatPeopleTypeIsReadAsTheFieldsType) {
  auto field = [](const std::string& name, FieldType type) {
    FieldDef f;
    f.name = name;
    f.type = type;
    return f;
  };
  FieldDef budget = field("budget", FieldType::kNumber), signed_on = field("signed_on", FieldType::kDate),
           kind = field("kind", FieldType::kEnum), partner = field("partner", FieldType::kString);
  kind.values = {"mou", "agreement"};
  std::map<std::string, std::string> errors;
  Data current{{"partner", Value("KTH")}, {"budget", Value(5.0)}};
  json data = web::data_from_form({&budget, &signed_on, &kind, &partner},
                                  {{"budget", "۲۵۰٬۰۰۰"}, {"signed_on", "۱۴۰۶/۰۱/۰۱"}, {"kind", "mou"}, {"partner", " KTH "}},
                                  current, errors, web::Lang::kFa);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(data, (json{{"budget", 250000.0}, {"signed_on", "2027-03-21"}, {"kind", "mou"}}));  // partner unchanged
  data = web::data_from_form({&budget, &signed_on, &kind, &partner},
                             {{"budget", "lots"}, {"signed_on", "1406/13/01"}, {"kind", "treaty"}, {"partner", ""}},
                             current, errors, web::Lang::kEn);
  EXPECT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors["budget"], web::tr("bad_number", web::Lang::kEn));
  EXPECT_EQ(errors["signed_on"], web::tr("bad_date", web::Lang::kEn));
  EXPECT_EQ(errors["kind"], web::tr("bad_choice", web::Lang::kEn));
  EXPECT_TRUE(data["partner"].is_null());  // emptied: cleared
}

// Issue 12: a money field is an amount typed in either digits with its currency chosen
// beside it; the page shows it back as the office writes it.
TEST(WebForms, MoneyIsAnAmountWithTheCurrencyChosenBesideIt) {
  FieldDef fee;
  fee.name = "fee";
  fee.type = FieldType::kMoney;
  fee.currencies = {"EUR", "USD"};
  FieldDef rials = fee;
  rials.name = "budget";
  rials.currencies = {"IRR"};
  std::map<std::string, std::string> errors;
  Data current{{"fee", Value(Money{120000, "EUR"})}};
  json data = web::data_from_form({&fee, &rials}, {{"fee", "۱٬۵۰۰٫۵۰"}, {"fee__currency", "USD"}, {"budget", "250,000,000"}},
                                  current, errors, web::Lang::kFa);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(data, (json{{"fee", {{"amount", 1500.5}, {"currency", "USD"}}},
                        {"budget", {{"amount", 250000000}, {"currency", "IRR"}}}}));
  // The same amount as before is no change.
  data = web::data_from_form({&fee}, {{"fee", "1200"}, {"fee__currency", "EUR"}}, current, errors, web::Lang::kEn);
  EXPECT_TRUE(data.empty());
  data = web::data_from_form({&fee}, {{"fee", "12.345"}, {"fee__currency", "EUR"}}, current, errors, web::Lang::kEn);
  EXPECT_EQ(errors["fee"], web::tr("bad_amount", web::Lang::kEn));
  errors.clear();
  data = web::data_from_form({&fee}, {{"fee", "10"}, {"fee__currency", "GBP"}}, current, errors, web::Lang::kEn);
  EXPECT_EQ(errors["fee"], web::tr("bad_choice", web::Lang::kEn));
  EXPECT_EQ(web::display_value(Value(Money{150050, "USD"}), web::Lang::kFa, &fee), "۱٬۵۰۰٫۵۰ دلار آمریکا");
  EXPECT_EQ(web::display_value(Value(Money{150050, "USD"}), web::Lang::kEn, &fee), "1,500.50 USD");
  // After a refused form the amount comes back as typed, with its currency still chosen.
  EXPECT_EQ(web::typed_input(fee, "1,500.5", "USD"), "1,500.5 USD");
  api::web::mustache::data input = web::field_input(fee, "start", "1,500.5 USD", false, "", web::Lang::kFa);
  EXPECT_EQ(input.get("value")->string_value(), "1,500.5");
  ASSERT_TRUE(input.get("currencies")->is_list());
  EXPECT_TRUE(input.get("currencies")->list_value()[1].get("selected"));
  EXPECT_EQ(input.get("currencies")->list_value()[1].get("title")->string_value(), "دلار آمریکا");
}

}  // namespace
}  // namespace osic

namespace osic {
namespace {

// `osic migrate` writes the action `migrate`: a Persian page names it in Persian.
TEST(WebText, AMigrationReadsInTheReadersLanguage) {
  auto def = test::must_load("workflow: w\nroles: [staff]\ninitial: a\nstates:\n  a: {final: true}\n");
  EXPECT_EQ(web::action_title(*def, "a", "migrate", web::Lang::kFa), "انتقال به نسخهٔ تازهٔ فرایند");
  EXPECT_EQ(web::action_title(*def, "a", "migrate", web::Lang::kEn), "Moved to the new workflow version");
}

}  // namespace
}  // namespace osic

namespace osic {
namespace {

// Issue 35: the signature's dates and signed copy in one multipart submit. A file of the
// wrong kind is refused beside its input with the dates kept; refused by the guard after
// the file was taken, the file stays attached and the form says so; then one submit signs.
class ActionFormWithAFile : public ::testing::Test, protected test::FakeOffice {
 protected:
  void SetUp() override {
    storage_.add_user("sara", "sara@uni.ac.ir", {"staff"}, clock_.now());
    api_.accounts().set_password(storage_, "sara", "correct horse");
    StartCommand start;
    start.workflow = "agreement";
    start.data = json{{"partner", "KTH"}, {"country", "SE"}};
    id_ = std::get<StoredCase>(service_.start(storage_, Actor{"sara", {"staff"}}, start)).id;
    for (auto [who, role, action] : {std::tuple{"sara", "staff", "submit"}, {"hamid", "osic_head", "accept"},
                                     {"leila", "legal", "approve"}, {"dina", "dean", "approve"},
                                     {"vahid", "vp_international", "approve"}}) {
      ActCommand c;
      c.case_id = id_;
      c.action = action;
      ASSERT_TRUE(std::holds_alternative<StoredCase>(service_.act(storage_, Actor{who, {role}}, c)));
    }
    api::HttpRequest login;
    login.method = "GET";
    api::split_target("/login", login);
    auto page = api_.handle(login, &storage_);
    std::string pre, csrf;
    for (const auto& [h, v] : page.headers) {
      if (h == "Set-Cookie") pre = v.substr(0, v.find(';'));
    }
    auto at = page.body.find("name=\"csrf\" value=\"");
    csrf = page.body.substr(at + 19, page.body.find('"', at + 19) - at - 19);
    api::HttpRequest post;
    post.method = "POST";
    api::split_target("/login", post);
    post.headers["cookie"] = pre;
    post.headers["content-type"] = "application/x-www-form-urlencoded";
    post.body = "username=sara&password=correct+horse&csrf=" + csrf;
    post.remote_address = "10.0.0.1";
    auto signed_in = api_.handle(post, &storage_);
    for (const auto& [h, v] : signed_in.headers) {
      if (h == "Set-Cookie" && v.rfind("osic_session=", 0) == 0) cookies_ = v.substr(0, v.find(';'));
    }
    ASSERT_FALSE(cookies_.empty()) << signed_in.body;
  }
  // The case page's record_signature form, sent as a browser sends it.
  api::HttpResponse sign(const std::map<std::string, std::string>& fields, const std::string& file_content,
                         const std::string& file_name) {
    auto page = api_.handle(get("/cases/" + std::to_string(id_)), &storage_);
    const std::string marker = "/cases/" + std::to_string(id_) + "/actions/record_signature/with-file?t=";
    auto at = page.body.find(marker);
    EXPECT_NE(at, std::string::npos) << "no file in the signature's form";
    const std::string target = page.body.substr(at, page.body.find('"', at) - at);
    const std::string version_attr = "name=\"version\" value=\"";
    const auto version = page.body.find(version_attr) + version_attr.size();
    const std::string v = page.body.substr(version, page.body.find('"', version) - version);
    std::string body;
    auto part = [&](const std::string& name, const std::string& value, const std::string& file = "") {
      body += "--XyZ\r\nContent-Disposition: form-data; name=\"" + name + "\"" +
              (file.empty() ? "" : "; filename=\"" + file + "\"\r\nContent-Type: application/pdf") + "\r\n\r\n" + value +
              "\r\n";
    };
    part("version", v);
    for (const auto& [k, val] : fields) part(k, val);
    part("signed_copy", file_content, file_name);
    body += "--XyZ--\r\n";
    api::HttpRequest r = get(target);
    r.method = "POST";
    r.headers["content-type"] = "multipart/form-data; boundary=XyZ";
    r.spool = std::make_shared<Spool>();
    r.spool->write(body);
    return api_.handle(r, &storage_);
  }
  api::HttpRequest get(const std::string& target) {
    api::HttpRequest r;
    r.method = "GET";
    api::split_target(target, r);
    r.headers["cookie"] = cookies_;
    r.remote_address = "10.0.0.1";
    return r;
  }
  int64_t id_ = 0;
  std::string cookies_;
};

TEST_F(ActionFormWithAFile, TheDatesAndTheSignedCopyGoInOneSubmit) {
  // A PNG passed off as a PDF: refused beside the file input, nothing attached, the dates kept.
  auto refused = sign({{"signed_on", "1405/09/08"}, {"expires_on", "1408/09/08"}}, "\x89PNG\r\n\x1a\nnot a pdf", "scan.pdf");
  EXPECT_EQ(refused.status, 415);
  EXPECT_NE(refused.body.find("value=\"1405/09/08\""), std::string::npos);
  EXPECT_NE(refused.body.find("id=\"e-record_signature-signed_copy\""), std::string::npos) << refused.body;
  EXPECT_TRUE(storage_.case_files(id_).empty());
  // The expiry before the signing: the guard refuses after the file was taken, which stays.
  auto guarded = sign({{"signed_on", "1405/09/08"}, {"expires_on", "1404/09/08"}}, test::kTinyPdf, "signed.pdf");
  EXPECT_EQ(guarded.status, 422);
  ASSERT_EQ(storage_.case_files(id_).size(), 1u);
  EXPECT_NE(guarded.body.find("signed.pdf"), std::string::npos);
  EXPECT_EQ(std::get<StoredCase>(service_.get(storage_, id_)).state.state, "signature");
  // Dates and file again, in one submit: signed.
  auto done = sign({{"signed_on", "1405/09/08"}, {"expires_on", "1408/09/08"}}, test::kTinyPdf, "signed-2.pdf");
  EXPECT_EQ(done.status, 303) << done.body;
  EXPECT_EQ(std::get<StoredCase>(service_.get(storage_, id_)).state.state, "active");
}

}  // namespace
}  // namespace osic
