// E-mail through a real SMTP server (Debian's aiosmtpd, started here on loopback):
// plain and STARTTLS, Persian headers, recipients, retries, refusals.
#include <gtest/gtest.h>
#include <thread>
#include <sys/socket.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "service/crypto.h"
#include "adapters/mail/dispatcher.h"
#include "adapters/mail/links.h"
#include "adapters/mail/mime.h"
#include "adapters/mail/smtp_reply.h"
#include "service/internal_notes.h"
#include "store_support.h"
#include "upload_support.h"
#include "adapters/mail/render.h"

namespace osic {
namespace {

namespace fs = std::filesystem;
using namespace osic::test;

// Below the kernel's ephemeral range (32768 and up), which servers started on port 0 in
// parallel tests draw from: a port from it could be taken between choosing and binding.
int free_port() {
  static int next = 20000 + (getpid() % 1000) * 10;
  return next += 4;
}

std::string run(const std::string& cmd) {
  FILE* p = ::popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  ::pclose(p);
  return out;
}

// aiosmtpd writing every message it accepts into a Maildir.
class SmtpServer {
 public:
  SmtpServer(int port, const std::string& dir, const std::string& extra = "", const std::string& handler = "",
             const std::string& script_args = "")
      : port_(port), maildir_(dir + "/maildir") {
    pid_ = ::fork();
    if (pid_ == 0) {
      std::string cmd =
          !script_args.empty()
              ? "exec /usr/bin/python3 " + std::string(OSIC_SOURCE_DIR) + "/tests/support/smtp_server.py " +
                    std::to_string(port) + " " + maildir_ + " " + script_args
              : "exec /usr/bin/python3 -m aiosmtpd -n -l 127.0.0.1:" + std::to_string(port) + " " + extra +
                    (handler.empty() ? " -c aiosmtpd.handlers.Mailbox " + maildir_ : " -c " + handler);
      cmd += " >" + dir + "/smtp.log 2>&1";
      ::setenv("PYTHONPATH", (std::string(OSIC_SOURCE_DIR) + "/tests/support").c_str(), 1);
      ::execl("/bin/sh", "sh", "-c", cmd.c_str(), nullptr);
      _exit(127);
    }
    for (int i = 0; i < 300; ++i) {  // until it listens (15 s: python starts slowly on a loaded machine)
      if (run("bash -c 'echo > /dev/tcp/127.0.0.1/" + std::to_string(port) + "' 2>/dev/null && echo up").find("up") != std::string::npos) return;
      ::usleep(50000);
    }
    ADD_FAILURE() << "aiosmtpd did not start on " << port;
  }
  ~SmtpServer() {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
  std::vector<std::string> messages() const {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(maildir_ + "/new", ec)) {
      std::ifstream in(e.path());
      std::stringstream text;
      text << in.rdbuf();
      out.push_back(text.str());
    }
    return out;
  }
  const std::string& maildir() const { return maildir_; }

 private:
  int port_;
  std::string maildir_;
  pid_t pid_ = -1;
};

// What Python's e-mail library reads from a delivered message: the decoded subject,
// From, To and the envelope recipient, one per line.
std::string decoded_headers(const std::string& message_file) {
  return run("/usr/bin/python3 -c \"import email, email.policy, sys; "
             "m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default); "
             "sys.stdout.buffer.write(('%s\\n%s\\n%s\\n%s\\n' % (m['subject'], m['from'], m['to'], m['x-rcptto'])).encode())\" " +
             message_file);
}

class MailTest : public ::testing::Test {
 protected:
  std::string dir_ = ::testing::TempDir() + unique_name("mail_");
  std::string db_ = fresh_database("sqlite");
  Office office_{db_};
  int port_ = free_port();

  void SetUp() override {
    fs::create_directories(dir_);
    office_.store->add_user("hamid", "hamid@uni.ac.ir", {"osic_head"}, t0());
    office_.store->add_user("hoda", "hoda@uni.ac.ir", {"osic_head", "staff"}, t0());
    office_.store->add_user("nomail", "", {"osic_head"}, t0());
  }

  MailSettings settings(const std::string& query = "tls=none") {
    MailSettings s;
    std::string error;
    s.smtp = *parse_smtp_url("smtp://127.0.0.1:" + std::to_string(port_) + "?" + query + "&timeout=5", error);
    s.from = {"دفتر همکاری‌های علمی و بین‌المللی", "osic@uni.ac.ir"};
    s.first_retry = std::chrono::seconds(60);
    return s;
  }
  OutboxDispatcher dispatcher(const MailSettings& s) {
    WorkflowSet set = load_workflows({std::string(OSIC_SOURCE_DIR) + "/workflows"});
    return OutboxDispatcher(storage_factory({db_, SyncMode::kFull}, office_.clock), office_.service, set.templates, s);
  }
  // A case that enters osic_review: one outbox row for the role osic_head.
  int64_t submitted() {
    StoredCase c = office_.start_agreement(kSara, "دانشگاه سوربن");
    ok_case(office_.act(kSara, c.id, "submit"));
    return c.id;
  }
};

TEST_F(MailTest, ArrivesForEachRecipientWithPersianHeadersIntact) {
  SmtpServer smtp(port_, dir_);
  int64_t id = submitted();
  auto d = dispatcher(settings());
  DispatchStats stats = d.run_once(t0());
  EXPECT_EQ(stats.sent, 1);
  auto messages = smtp.messages();
  ASSERT_EQ(messages.size(), 2u);  // hamid and hoda; nomail has no address
  std::set<std::string> rcpts;
  for (const auto& e : fs::directory_iterator(smtp.maildir() + "/new")) {
    std::istringstream lines(decoded_headers(e.path().string()));
    std::string subject, from, to, rcpt;
    std::getline(lines, subject), std::getline(lines, from), std::getline(lines, to), std::getline(lines, rcpt);
    EXPECT_EQ(subject, "ارجاع جدید: MoU — New task: MoU");
    EXPECT_EQ(from, "دفتر همکاری‌های علمی و بین‌المللی <osic@uni.ac.ir>");
    EXPECT_NE(to.find(rcpt), std::string::npos);
    rcpts.insert(rcpt);
  }
  EXPECT_EQ(rcpts, (std::set<std::string>{"hamid@uni.ac.ir", "hoda@uni.ac.ir"}));
  auto row = office_.store->outbox(id)[0];
  EXPECT_EQ(row.status, "sent");
  EXPECT_EQ(row.last_error, "no e-mail address for: nomail");
  EXPECT_NE(messages[0].find("Message-ID: <osic-" + std::to_string(row.id) + "-"), std::string::npos);
  EXPECT_EQ(d.run_once(t0()).sent, 0);  // nothing twice
  EXPECT_EQ(smtp.messages().size(), 2u);
}

// Issue 35: a rejection's mail quotes the rejection, not an internal note written after it
// and before the mail went out; the requester hears nothing of the note.
TEST_F(MailTest, AnInternalNoteIsNeverQuotedInMail) {
  SmtpServer smtp(port_, dir_);
  office_.store->add_user("sara", "sara@uni.ac.ir", {"staff"}, t0());
  int64_t id = submitted();
  ok_case(office_.act(kHamid, id, "reject", {{}, "NO-PARTNER-INTEREST"}));
  auto note = InternalNotes(office_.service).add(*office_.store, kHamid, id, "SECRET-NOTE", {"osic_head"});
  ASSERT_TRUE(std::holds_alternative<HistoryRow>(note));
  auto d = dispatcher(settings());
  d.run_once(t0());
  bool rejection = false;
  for (const auto& m : smtp.messages()) {
    EXPECT_EQ(m.find("SECRET-NOTE"), std::string::npos);
    rejection = rejection || m.find("NO-PARTNER-INTEREST") != std::string::npos;
  }
  EXPECT_TRUE(rejection);
}

// Issue 12: mail in the recipient's language, by their display name; Persian dates,
// digits and titles in the Persian part, and the office's wording.
class MailText : public ::testing::Test {
 protected:
  void SetUp() override {
    set_ = load_workflows({std::string(OSIC_SOURCE_DIR) + "/workflows"});
    ASSERT_TRUE(set_.ok());
    for (const auto& d : set_.definitions()) {
      if (d->name == "agreement") agreement_ = d;
    }
    ASSERT_TRUE(agreement_);
    c_.id = 7;
    c_.title = "تفاهم‌نامه با دانشگاه KTH";
    c_.state.state = "osic_review";
    c_.state.data["expires_on"] = Value(*Date::parse("2027-03-21"));
    c_.state.data["partner"] = Value("KTH");
    c_.state.data["budget"] = test::money(500000000, "IRR");
    c_.state.data["kind"] = Value("mou");
  }
  RenderedMail render(const std::string& name, const std::string& lang, const char* today = "2026-12-21") {
    MailContext context{c_, *agreement_, "hamid", "hamid@uni.ac.ir", "https://osic.example/cases/7", "on_enter"};
    context.recipient_name_fa = "دکتر حمید رضایی";
    context.recipient_name_en = "Dr Hamid Rezaei";
    context.recipient_lang = lang;
    context.today = *Date::parse(today);
    context.last_comment = "شریک علاقه‌ای ندارد";
    context.last_comment_by = "leila";
    context.last_comment_by_fa = "لیلا کریمی";
    context.last_comment_by_en = "Leila Karimi";
    return render_mail(set_.templates.templates.at(name), context);
  }
  WorkflowSet set_;
  std::shared_ptr<const Definition> agreement_;
  StoredCase c_;
};

TEST_F(MailText, APersianReaderGetsPersianOnlyByTheirName) {
  RenderedMail m = render("task_assigned", "fa");
  EXPECT_EQ(m.subject, "ارجاع جدید: تفاهم‌نامه با دانشگاه KTH");
  // A Persian letter: the greeting, «با سلام و احترام», the text, and the office's name
  // after «با احترام» (issue 34).
  EXPECT_EQ(m.text.rfind("دکتر حمید رضایی گرامی،\nبا سلام و احترام،\nپروندهٔ «تفاهم‌نامه با دانشگاه KTH» "
                         "(تفاهم‌نامه و موافقت‌نامه همکاری بین‌المللی) در مرحلهٔ «بررسی دفتر همکاری‌ها» منتظر اقدام شماست.",
                         0),
            0u)
      << m.text;
  const std::string closing = "\n\nبا احترام،\nدفتر همکاری‌های علمی و بین‌المللی\n";
  EXPECT_EQ(m.text.substr(m.text.size() - closing.size()), closing) << m.text;
  EXPECT_NE(m.html.find("<p>با احترام،<br>\nدفتر همکاری‌های علمی و بین‌المللی</p>\n</div>"), std::string::npos) << m.html;
  EXPECT_NE(render("task_assigned", "en").text.find("\n\nKind regards,\nOffice for Scientific and International Cooperation\n"),
            std::string::npos);
  EXPECT_EQ(m.text.find("Dear"), std::string::npos);
  EXPECT_EQ(m.html.rfind("<div dir=\"rtl\" lang=\"fa\"", 0), 0u) << m.html;
  EXPECT_EQ(m.html.find("dir=\"ltr\""), std::string::npos);
  m = render("renewal_reminder", "fa");
  EXPECT_NE(m.text.find("در تاریخ ۱ فروردین ۱۴۰۶، یعنی ۹۰ روز دیگر، به پایان می‌رسد."), std::string::npos) << m.text;
  m = render("case_rejected", "fa");
  EXPECT_NE(m.text.find("با درخواست «تفاهم‌نامه با دانشگاه KTH» (تفاهم‌نامه و موافقت‌نامه همکاری بین‌المللی) موافقت نشد. "
                        "توضیح لیلا کریمی: «شریک علاقه‌ای ندارد»"),
            std::string::npos)
      << m.text;
  m = render("overdue", "fa");
  EXPECT_NE(m.text.find("مهلت رسیدگی به پروندهٔ"), std::string::npos) << m.text;
}

TEST_F(MailText, AnEnglishReaderGetsEnglishOnly) {
  RenderedMail m = render("renewal_reminder", "en");
  EXPECT_EQ(m.subject, "Renewal reminder: تفاهم‌نامه با دانشگاه KTH");
  EXPECT_EQ(m.text.rfind("Dear Dr Hamid Rezaei, ", 0), 0u) << m.text;
  EXPECT_NE(m.text.find("expires on 21 March 2027, in 90 days."), std::string::npos) << m.text;
  EXPECT_EQ(m.html.rfind("<div dir=\"ltr\" lang=\"en\">", 0), 0u) << m.html;
  EXPECT_NE(render("case_rejected", "en").text.find(" was rejected. Leila Karimi wrote: \"شریک علاقه‌ای ندارد\""),
            std::string::npos);
}

// Issue 35: a case with a letter number has it in its reminders, on a line of its own;
// one without has no empty line.
TEST_F(MailText, TheLetterNumberIsInTheMailWhenTheCaseHasOne) {
  RenderedMail without = render("renewal_reminder", "fa");
  EXPECT_EQ(without.text.find("شمارهٔ نامه"), std::string::npos);
  EXPECT_NE(without.text.find("آغاز کنید.\n\nمشاهدهٔ پرونده"), std::string::npos) << without.text;
  c_.state.data["letter_no"] = Value("۱۴۰۵/ب/۱۲۳");
  RenderedMail fa = render("renewal_reminder", "fa");
  EXPECT_NE(fa.text.find("به پایان می‌رسد. لطفاً اقدامات لازم برای تمدید را آغاز کنید.\nشمارهٔ نامه: ۱۴۰۵/ب/۱۲۳\n"),
            std::string::npos)
      << fa.text;
  EXPECT_NE(fa.html.find("<p>شمارهٔ نامه: <bdi>۱۴۰۵/ب/۱۲۳</bdi></p>"), std::string::npos) << fa.html;
  EXPECT_NE(render("agreement_expired", "en").text.find("Letter number: ۱۴۰۵/ب/۱۲۳\n"), std::string::npos);
}

// Issue 35: the colleague a case is referred to reads who referred it, why, and the
// margin note, in their language.
TEST_F(MailText, AReferralSaysWhoWhyAndTheMarginNote) {
  MailContext context{c_, *agreement_, "nasrin", "nasrin@uni.ac.ir", "https://osic.example/cases/7", "history:3"};
  context.recipient_lang = "fa";
  context.recipient_name_fa = "نسرین صالحی";
  context.last_comment = "بودجه را بررسی کنید";
  context.last_comment_by_fa = "دکتر حمید رضایی";
  context.last_comment_by_en = "Dr Hamid Rezaei";
  context.referral_kind = "review";
  RenderedMail fa = render_mail(set_.templates.templates.at("referral_received"), context);
  EXPECT_EQ(fa.subject, "ارجاع پرونده: تفاهم‌نامه با دانشگاه KTH");
  EXPECT_NE(fa.text.find("از سوی دکتر حمید رضایی جهت بررسی و اعلام نظر به شما ارجاع شد.\nهامش: «بودجه را بررسی کنید»\n"),
            std::string::npos)
      << fa.text;
  context.recipient_lang = "en";
  RenderedMail en = render_mail(set_.templates.templates.at("referral_received"), context);
  EXPECT_NE(en.text.find("Dr Hamid Rezaei referred the case \"تفاهم‌نامه با دانشگاه KTH\" (International cooperation "
                         "agreement (MoU)) to you for review and your opinion.\nNote: \"بودجه را بررسی کنید\"\n"),
            std::string::npos)
      << en.text;
}

// Issue 34: «۱ روز دیگر» and "in 1 days" read as machine text; a day away is «فردا».
TEST_F(MailText, ADayAwayIsTomorrowInBothLanguages) {
  EXPECT_NE(render("renewal_reminder", "fa", "2027-03-20").text.find("یعنی فردا، به پایان می‌رسد."), std::string::npos);
  EXPECT_NE(render("renewal_reminder", "en", "2027-03-20").text.find("expires on 21 March 2027, tomorrow."),
            std::string::npos);
  EXPECT_NE(render("renewal_reminder", "fa", "2027-03-21").text.find("یعنی امروز، به پایان می‌رسد."), std::string::npos);
  EXPECT_NE(render("renewal_reminder", "en", "2027-03-19").text.find(", in 2 days."), std::string::npos);
}

TEST_F(MailText, SomeoneWithoutALanguageGetsBothPersianFirst) {
  RenderedMail m = render("task_assigned", "");
  EXPECT_EQ(m.subject, "ارجاع جدید: تفاهم‌نامه با دانشگاه KTH — New task: تفاهم‌نامه با دانشگاه KTH");
  size_t fa = m.text.find("دکتر حمید رضایی گرامی"), en = m.text.find("Dear Dr Hamid Rezaei");
  ASSERT_NE(fa, std::string::npos);
  ASSERT_NE(en, std::string::npos);
  EXPECT_LT(fa, en);
  EXPECT_NE(m.html.find("</div>\n<hr>\n<div dir=\"ltr\" lang=\"en\">"), std::string::npos) << m.html;
}

TEST_F(MailText, AmountsChoicesAndDatesAreWrittenAsEachLanguageWritesThem) {
  MailTemplate t;
  t.subject = {"", "{{data.budget}}", "{{data.budget}}"};
  t.text = {"", "{{data.budget}}، {{data.kind}}، {{data_jalali.expires_on}}، پرونده {{case.id}}",
            "{{data.budget}}, {{data.kind}}, {{data_jalali.expires_on}}, case {{case.id}}"};
  MailContext context{c_, *agreement_, "hamid", "hamid@uni.ac.ir", "", ""};
  context.signature_fa = context.signature_en = "";  // the values alone
  context.recipient_lang = "fa";
  EXPECT_EQ(render_mail(t, context).text, "۵۰۰٬۰۰۰٬۰۰۰ ریال، تفاهم‌نامه، ۱۴۰۶/۰۱/۰۱، پرونده ۷");
  context.recipient_lang = "en";
  EXPECT_EQ(render_mail(t, context).text, "500,000,000 IRR, MoU, 1406/01/01, case 7");
  // With display names set, the login name appears nowhere in the Persian part.
  EXPECT_EQ(render("task_assigned", "fa").text.find("hamid"), std::string::npos);
}

// "No English inside the Persian part": every shipped template, for a Persian reader of a
// case whose own words are Persian, has no Latin letter outside its link.
TEST_F(MailText, EveryTemplatesPersianPartIsPersianThroughout) {
  c_.title = "تفاهم‌نامه با دانشگاه تهران";
  c_.state.data["partner"] = Value("دانشگاه تهران");
  c_.state.data["organization"] = Value("اتحادیهٔ بین‌المللی ریاضی");
  c_.state.data["scholar_name"] = Value("دکتر مریم احمدی");
  c_.state.data["home_institution"] = Value("دانشگاه شیراز");
  c_.state.data["renewal_due_on"] = Value(*Date::parse("2027-06-30"));
  c_.state.data["annual_fee"] = test::money(1200, "EUR");
  c_.state.data["arrives_on"] = Value(*Date::parse("2027-01-10"));
  ASSERT_GE(set_.templates.templates.size(), 14u);
  for (const auto& [name, t] : set_.templates.templates) {
    RenderedMail m = render(name, "fa");
    for (std::string text : {m.subject, m.text}) {
      auto url = text.find("https://");
      while (url != std::string::npos) {
        text.erase(url, text.find_first_of(" \n", url) - url);
        url = text.find("https://");
      }
      EXPECT_EQ(text.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"), std::string::npos)
          << name << ":\n" << text;
    }
  }
}

// Issue 12: a person with a language gets mail in it, addressed by their display name;
// the names and language are kept by both databases.
TEST_F(MailTest, EachRecipientGetsTheirLanguageAndName) {
  ASSERT_TRUE(office_.store->set_display_names("hoda", "دکتر هدی احمدی", "Dr Hoda Ahmadi"));
  ASSERT_TRUE(office_.store->set_language("hoda", "en"));
  ASSERT_TRUE(office_.store->set_display_names("hamid", "دکتر حمید رضایی", ""));
  auto hoda = office_.store->user_by_name("hoda");
  ASSERT_TRUE(hoda);
  EXPECT_EQ(hoda->name_fa, "دکتر هدی احمدی");
  EXPECT_EQ(hoda->name_en, "Dr Hoda Ahmadi");
  EXPECT_EQ(hoda->lang, "en");
  SmtpServer smtp(port_, dir_);
  submitted();
  EXPECT_EQ(dispatcher(settings()).run_once(t0()).sent, 1);
  std::map<std::string, std::pair<std::string, std::string>> got;  // address -> subject, To
  for (const auto& e : fs::directory_iterator(smtp.maildir() + "/new")) {
    std::istringstream lines(decoded_headers(e.path().string()));
    std::string subject, from, to, rcpt;
    std::getline(lines, subject), std::getline(lines, from), std::getline(lines, to), std::getline(lines, rcpt);
    got[rcpt] = {subject, to};
  }
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got["hoda@uni.ac.ir"].first, "New task: MoU");
  EXPECT_NE(got["hoda@uni.ac.ir"].second.find("Dr Hoda Ahmadi"), std::string::npos) << got["hoda@uni.ac.ir"].second;
  EXPECT_EQ(got["hamid@uni.ac.ir"].first, "ارجاع جدید: MoU — New task: MoU");
  EXPECT_NE(got["hamid@uni.ac.ir"].second.find("دکتر حمید رضایی"), std::string::npos) << got["hamid@uni.ac.ir"].second;
}

TEST_F(MailTest, ASignersMessageCarriesOneClickLinks) {
  SmtpServer smtp(port_, dir_);
  office_.store->add_user("dina", "dina@uni.ac.ir", {"dean"}, t0());
  StoredCase c = office_.start_agreement(kSara);
  ok_case(office_.act(kSara, c.id, "submit"));
  ok_case(office_.act(kHamid, c.id, "accept"));
  ok_case(office_.act(kLeila, c.id, "approve"));  // to dean_approval: approval_requested
  MailSettings s = settings();
  s.link_secret = "test-secret";
  s.base_url = "https://osic.example";
  auto d = dispatcher(s);
  d.run_once(t0());
  std::string to_dean;
  for (const auto& m : smtp.messages()) {
    if (m.find("X-RcptTo: dina@uni.ac.ir") != std::string::npos) to_dean = m;
  }
  ASSERT_FALSE(to_dean.empty());
  EXPECT_NE(to_dean.find("https://osic.example/cases/" + std::to_string(c.id)), std::string::npos);  // case.url: the page
  EXPECT_NE(to_dean.find("https://osic.example/v1/links/"), std::string::npos);
  auto approve = to_dean.find("Approve: https://osic.example/v1/links/");
  ASSERT_NE(approve, std::string::npos) << to_dean;
  std::string token = to_dean.substr(approve + 39, to_dean.find_first_of("\r\n", approve) - approve - 39);
  auto claims = verify_link_token("test-secret", token, t0());
  ASSERT_TRUE(std::holds_alternative<LinkClaims>(claims)) << token;
  EXPECT_EQ(std::get<LinkClaims>(claims).user, "dina");
  EXPECT_EQ(std::get<LinkClaims>(claims).action, "approve");
}

// Issue 10: approval steps carry deadlines, and the reminder reaches only the signers
// who have not signed yet, with links that work after the other's signature.
TEST_F(MailTest, AnOverdueSignOffRemindsOnlyTheSignerStillOutstanding) {
  SmtpServer smtp(port_, dir_);
  office_.store->add_user("dina", "dina@uni.ac.ir", {"dean"}, t0());
  office_.store->add_user("vahid", "vahid@uni.ac.ir", {"vp_international"}, t0());
  StoredCase c = office_.start_agreement(kSara);
  ok_case(office_.act(kSara, c.id, "submit"));
  ok_case(office_.act(kHamid, c.id, "accept"));
  ok_case(office_.act(kLeila, c.id, "approve"));  // dean_approval: five business days
  ok_case(office_.act(kDina, c.id, "approve"));   // the dean signs; the VP does not
  MailSettings s = settings();
  s.link_secret = std::string(40, 'k');
  auto d = dispatcher(s);
  d.run_once(t0());
  const size_t before = smtp.messages().size();
  auto fired = office_.fire(t0() + std::chrono::days(14));
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0].key, "dean_approval/deadline");
  d.run_once(t0() + std::chrono::days(14));
  auto messages = smtp.messages();
  ASSERT_EQ(messages.size(), before + 1) << "only the VP is reminded";
  int to_dean = 0, to_vp = 0, live_links = 0;
  for (const auto& m : messages) {
    to_dean += m.find("X-RcptTo: dina@uni.ac.ir") != std::string::npos;
    if (m.find("X-RcptTo: vahid@uni.ac.ir") == std::string::npos) continue;
    ++to_vp;
    auto approve = m.find("/v1/links/", m.find("Approve: "));  // the text part's line
    ASSERT_NE(approve, std::string::npos);
    std::string token = m.substr(approve + 10, m.find_first_of("\r\n", approve) - approve - 10);
    // The request's links (7 days) have lapsed by now; the reminder's are fresh and
    // bound to the round the dean already signed in.
    auto claims = verify_link_token(s.link_secret, token, t0() + std::chrono::days(14));
    if (auto* ok = std::get_if<LinkClaims>(&claims)) {
      ++live_links;
      EXPECT_EQ(ok->round, office_.get_case(c.id)->round);
    }
  }
  EXPECT_EQ(to_dean, 0);  // she had signed before either message went out
  EXPECT_EQ(to_vp, 2);    // asked to sign, then reminded
  EXPECT_EQ(live_links, 1);
}

// Issue 10: a department's travel request is announced to that department's head only.
TEST_F(MailTest, ATravelRequestReachesOnlyTheRequestersOwnHead) {
  SmtpServer smtp(port_, dir_);
  Storage& store = *office_.store;
  store.add_unit({"physics", "", "گروه فیزیک", "Department of Physics"});
  store.add_unit({"chemistry", "", "گروه شیمی", "Department of Chemistry"});
  store.add_user("nima", "nima@uni.ac.ir", {"faculty@physics"}, t0());
  store.add_user("pari", "pari@uni.ac.ir", {"department_head@physics"}, t0());
  store.add_user("kian", "kian@uni.ac.ir", {"department_head@chemistry"}, t0());
  store.add_user("wide", "wide@uni.ac.ir", {"department_head"}, t0());
  const Actor nima{"nima", {"faculty@physics"}};
  StartCommand start{"conference_travel", "ICHEP",
                     {{"conference", "ICHEP"}, {"country", "IT"}, {"starts_on", "2027-07-01"}, {"ends_on", "2027-07-05"}},
                     "", "test"};
  StoredCase c = ok_case(office_.service.start(store, nima, start));
  uploaded(office_.service, store, nima, c.id, "acceptance_letter");
  ok_case(office_.service.act(store, nima, {c.id, "submit", nullptr, "", std::nullopt, "", "test"}));
  auto d = dispatcher(settings());
  d.run_once(t0());
  std::set<std::string> rcpts;
  for (const auto& m : smtp.messages()) {
    auto at = m.find("X-RcptTo: ");
    rcpts.insert(m.substr(at + 10, m.find_first_of("\r\n", at) - at - 10));
  }
  EXPECT_EQ(rcpts, std::set<std::string>{"pari@uni.ac.ir"});
}

// Issue 10: someone away is copied; their delegate is told too, with links that act in
// their place.
TEST_F(MailTest, TheDelegateOfSomeoneAwayGetsTheirMessageWithLinks) {
  SmtpServer smtp(port_, dir_);
  Storage& store = *office_.store;
  store.add_user("dina", "dina@uni.ac.ir", {"dean"}, t0());
  store.add_user("reza", "reza@uni.ac.ir", {"staff"}, t0());
  office_.service.set_away(store, "dina", Date::from_sys(std::chrono::floor<std::chrono::days>(t0())),
                           Date::from_sys(std::chrono::floor<std::chrono::days>(t0())) , "reza");
  StoredCase c = office_.start_agreement(kSara);
  ok_case(office_.act(kSara, c.id, "submit"));
  ok_case(office_.act(kHamid, c.id, "accept"));
  ok_case(office_.act(kLeila, c.id, "approve"));  // to dean_approval: the dean is asked to sign
  MailSettings s = settings();
  s.link_secret = std::string(40, 'k');
  auto d = dispatcher(s);
  d.run_once(t0());
  std::string to_dina, to_reza;
  for (const auto& m : smtp.messages()) {
    if (m.find("X-RcptTo: dina@uni.ac.ir") != std::string::npos) to_dina = m;
    if (m.find("X-RcptTo: reza@uni.ac.ir") != std::string::npos && m.find("/v1/links/") != std::string::npos) to_reza = m;
  }
  EXPECT_FALSE(to_dina.empty()) << "the dean is copied";
  ASSERT_FALSE(to_reza.empty()) << "her delegate is asked, with links";
  auto approve = to_reza.find("/v1/links/", to_reza.find("Approve: "));
  std::string token = to_reza.substr(approve + 10, to_reza.find_first_of("\r\n", approve) - approve - 10);
  auto claims = verify_link_token(s.link_secret, token, t0());
  ASSERT_TRUE(std::holds_alternative<LinkClaims>(claims));
  EXPECT_EQ(std::get<LinkClaims>(claims).user, "reza");
}

TEST_F(MailTest, StarttlsWithACertificateTheClientChecks) {
  std::string cert = dir_ + "/cert.pem", key = dir_ + "/key.pem";
  run("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 "
      "-keyout " + key + " -out " + cert + " 2>/dev/null");
  SmtpServer smtp(port_, dir_, "--tlscert " + cert + " --tlskey " + key);
  submitted();
  auto untrusted = dispatcher(settings("tls=starttls"));
  EXPECT_EQ(untrusted.run_once(t0()).retrying, 1);  // a self-signed certificate is not trusted
  EXPECT_TRUE(smtp.messages().empty());
  auto trusting = dispatcher(settings("tls=starttls&ca=" + cert));
  EXPECT_EQ(trusting.run_once(t0() + std::chrono::hours(1)).sent, 1);
  EXPECT_EQ(smtp.messages().size(), 2u);
}

// A peer that says what a script tells it: one reply per line it reads, to probe how the
// client treats a hostile or broken server. Real sockets on loopback.
class ScriptedPeer {
 public:
  ScriptedPeer(int port, std::vector<std::string> replies) : replies_(std::move(replies)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    ::listen(listener_, 1);
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedPeer() {
    ::shutdown(listener_, SHUT_RDWR);
    ::close(listener_);
    thread_.join();
  }

 private:
  void serve() {
    int fd = ::accept(listener_, nullptr, nullptr);
    if (fd < 0) return;
    std::string in;
    char buf[4096];
    for (size_t i = 0; i < replies_.size(); ++i) {
      if (i > 0) {  // every reply after the greeting answers one command line
        while (in.find("\r\n") == std::string::npos) {
          ssize_t n = ::read(fd, buf, sizeof buf);
          if (n <= 0) return (void)::close(fd);
          in.append(buf, static_cast<size_t>(n));
        }
        in.erase(0, in.find("\r\n") + 2);
      }
      if (::write(fd, replies_[i].data(), replies_[i].size()) < 0) break;
    }
    ::usleep(200000);
    ::close(fd);
  }
  std::vector<std::string> replies_;
  int listener_ = -1;
  std::thread thread_;
};

// Issue 16's SMTP findings, each against a peer that tries it.
TEST_F(MailTest, AHostileServerIsRefusedAndBadSettingsAreErrors) {
  MailSettings s = settings("tls=starttls&verify=no");
  const MailMessage m{{"OSIC", "osic@uni.ac.ir"}, {{"Hamid", "hamid@uni.ac.ir"}}, "s", "t", "", "id@x", t0()};
  {
    // Bytes after STARTTLS's reply, before the handshake, would be read as answers under TLS.
    ScriptedPeer peer(port_, {"220 hi\r\n", "250-x\r\n250 STARTTLS\r\n", "220 go ahead\r\n250 injected\r\n"});
    SendResult r = send_mail(s.smtp, "osic@uni.ac.ir", {"hamid@uni.ac.ir"}, m);
    EXPECT_EQ(r.kind, SendResult::Kind::kTransient);
    EXPECT_NE(r.reply.find("after its STARTTLS reply"), std::string::npos) << r.reply;
  }
  {
    // An endless reply line: the client stops at its bound instead of buffering it all.
    s.smtp.port = static_cast<unsigned short>(port_ + 1);
    ScriptedPeer peer(port_ + 1, {"220-" + std::string(1 << 20, 'x')});
    SendResult r = send_mail(s.smtp, "osic@uni.ac.ir", {"hamid@uni.ac.ir"}, m);
    EXPECT_EQ(r.kind, SendResult::Kind::kTransient);
    EXPECT_NE(r.reply.find("at most 4096 bytes a line"), std::string::npos) << r.reply;
  }
  // A line break in an address would smuggle a second command; refused before connecting.
  SendResult smuggled = send_mail(s.smtp, "osic@uni.ac.ir", {"hamid@uni.ac.ir>\r\nRCPT TO:<x@evil"}, m);
  EXPECT_EQ(smuggled.kind, SendResult::Kind::kPermanent);
  // A malformed %-escape in --smtp is an error message, not the end of the process.
  std::string error;
  EXPECT_FALSE(parse_smtp_url("smtp://osic:%zz@127.0.0.1:25", error));
  EXPECT_NE(error.find("malformed %-escape"), std::string::npos) << error;
  EXPECT_FALSE(parse_smtp_url("smtp://127.0.0.1:25?tls=%4", error));
}

TEST_F(MailTest, AuthAndImplicitTls) {
  {
    SmtpServer smtp(port_, dir_, "", "", "auth");
    int64_t refused = submitted();
    EXPECT_EQ(dispatcher(settings()).run_once(t0()).failed, 1);  // no AUTH: 530, permanent
    EXPECT_NE(office_.store->outbox(refused)[0].last_error.find("530"), std::string::npos);
    EXPECT_TRUE(smtp.messages().empty());
  }
  std::string dir2 = dir_ + "/two";
  fs::create_directories(dir2);
  SmtpServer with_auth(port_ + 1, dir2, "", "", "auth");
  submitted();
  // (aiosmtpd 1.4 never answers a failed login, so wrong credentials cannot be shown here.)
  MailSettings right = settings();
  std::string error;
  right.smtp = *parse_smtp_url("smtp://osic:s3cret@127.0.0.1:" + std::to_string(port_ + 1) + "?tls=none&timeout=5", error);
  EXPECT_GE(dispatcher(right).run_once(t0()).sent, 1);
  EXPECT_EQ(with_auth.messages().size(), 2u);

  std::string cert = dir_ + "/cert.pem", key = dir_ + "/key.pem";
  run("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 "
      "-keyout " + key + " -out " + cert + " 2>/dev/null");
  std::string dir3 = dir_ + "/three";
  fs::create_directories(dir3);
  SmtpServer tls(port_ + 2, dir3, "", "", "tls " + cert + " " + key);
  int64_t other = submitted();
  MailSettings implicit = settings();
  implicit.smtp = *parse_smtp_url("smtp://127.0.0.1:" + std::to_string(port_ + 2) + "?tls=tls&timeout=5&ca=" + cert, error);
  EXPECT_EQ(dispatcher(implicit).run_once(t0()).sent, 1);
  EXPECT_EQ(office_.store->outbox(other)[0].status, "sent");
  EXPECT_EQ(tls.messages().size(), 2u);
}

TEST_F(MailTest, AServerThatIsDownIsRetriedUntilItIsBack) {
  int64_t id = submitted();
  auto d = dispatcher(settings());
  DispatchStats first = d.run_once(t0());
  EXPECT_EQ(first.retrying, 1);
  auto row = office_.store->outbox(id)[0];
  EXPECT_EQ(row.status, "pending");
  EXPECT_EQ(row.attempts, 1);
  EXPECT_GE(row.next_attempt_at, t0() + std::chrono::seconds(30));   // 60 s with jitter 0.5-1.5
  EXPECT_LE(row.next_attempt_at, t0() + std::chrono::seconds(90));
  EXPECT_NE(row.last_error.find("connecting to 127.0.0.1"), std::string::npos) << row.last_error;
  EXPECT_EQ(d.run_once(t0() + std::chrono::seconds(10)).retrying, 0);  // not due yet
  SmtpServer smtp(port_, dir_);
  EXPECT_EQ(d.run_once(t0() + std::chrono::minutes(5)).sent, 1);
  EXPECT_EQ(smtp.messages().size(), 2u);
  EXPECT_EQ(office_.store->outbox(id)[0].status, "sent");
}

TEST_F(MailTest, A550MarksTheRowFailedWithTheServersReplyAndRetryQueuesItAgain) {
  int64_t id = submitted();
  {
    SmtpServer rejecting(port_, dir_, "", "reject_handler.Reject");
    auto d = dispatcher(settings());
    EXPECT_EQ(d.run_once(t0()).failed, 1);
  }
  auto row = office_.store->outbox(id)[0];
  EXPECT_EQ(row.status, "failed");
  EXPECT_NE(row.last_error.find("550 5.1.1"), std::string::npos) << row.last_error;
  EXPECT_EQ(office_.store->list_outbox("failed", 10).size(), 1u);
  EXPECT_TRUE(office_.store->retry_outbox(row.id, t0()));
  EXPECT_FALSE(office_.store->retry_outbox(row.id, t0()));  // pending now, not failed
  EXPECT_EQ(office_.store->outbox(id)[0].status, "pending");
}

// Issue 16: one recipient's permanent refusal failed the whole row, so the people after
// them never got the mail and a retry sent it again to those before.
TEST_F(MailTest, OneRefusedRecipientDoesNotKeepTheMailFromTheOthers) {
  int64_t id = submitted();  // to hamid, then hoda
  {
    SmtpServer picky(port_, dir_, "", "reject_handler.RejectHamid");
    auto d = dispatcher(settings());
    EXPECT_EQ(d.run_once(t0()).failed, 1);
  }
  auto row = office_.store->outbox(id)[0];
  EXPECT_EQ(row.status, "failed");
  EXPECT_NE(row.last_error.find("hamid@uni.ac.ir: 550 5.1.1"), std::string::npos) << row.last_error;
  EXPECT_EQ(row.delivered, "hoda@uni.ac.ir\n");  // hoda was served after hamid's refusal
  // The address is fixed at the mail server; a retry reaches hamid alone.
  ASSERT_TRUE(office_.store->retry_outbox(row.id, t0()));
  fs::create_directories(dir_ + "_retry");
  SmtpServer smtp(port_ + 1, dir_ + "_retry");
  MailSettings s = settings();
  s.smtp.port = static_cast<unsigned short>(port_ + 1);
  EXPECT_EQ(dispatcher(s).run_once(t0() + std::chrono::hours(1)).sent, 1);
  auto messages = smtp.messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_NE(messages[0].find("X-RcptTo: hamid@uni.ac.ir"), std::string::npos);
  EXPECT_EQ(office_.store->outbox(id)[0].status, "sent");
}

TEST_F(MailTest, SigkillDuringDispatchLosesNoMessage) {
  SmtpServer smtp(port_, dir_);
  std::vector<int64_t> cases;
  for (int i = 0; i < 40; ++i) cases.push_back(submitted());  // 40 rows, 2 recipients each
  std::mt19937 random(11);
  int kills = 0;
  for (int round = 0; round < 40; ++round) {
    // Each round starts after the lease of the killed one: its claims are free again.
    Timestamp now = t0() + std::chrono::seconds(400 * round);
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      try {
        auto d = dispatcher(settings());
        for (;;) {
          DispatchStats st = d.run_once(now);
          if (st.sent + st.retrying + st.failed == 0) break;
        }
      } catch (...) {
        _exit(1);
      }
      _exit(0);
    }
    ::usleep(1000 * std::uniform_int_distribution<int>(5, 40)(random));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFSIGNALED(status)) break;  // it finished before the kill
    ++kills;
  }
  EXPECT_GE(kills, 2) << "dispatch finished before it could be interrupted";
  auto d = dispatcher(settings());
  d.run_once(t0() + std::chrono::hours(24));
  std::map<std::string, int> copies;  // Message-ID -> how many arrived
  for (const auto& m : smtp.messages()) {
    auto at = m.find("Message-ID: <");
    ASSERT_NE(at, std::string::npos);
    copies[m.substr(at + 13, m.find('>', at) - at - 13)] += 1;
  }
  int duplicates = 0;
  for (int64_t id : cases) {
    auto row = office_.store->outbox(id)[0];
    EXPECT_EQ(row.status, "sent") << "row " << row.id << ": " << row.last_error;
    for (const char* who : {"hamid@uni.ac.ir", "hoda@uni.ac.ir"}) {
      std::string message_id = "osic-" + std::to_string(row.id) + "-" + sha256_hex(who).substr(0, 12) + "@uni.ac.ir";
      EXPECT_GE(copies[message_id], 1) << "lost: " << message_id;
      duplicates += std::max(0, copies[message_id] - 1);
    }
  }
  // The one window for a duplicate: killed after the server accepted, before the mark.
  EXPECT_LE(duplicates, kills);
}

TEST_F(MailTest, AClaimWhoseDispatcherDiedIsClaimedAgainWhenItsLeaseRunsOut) {
  submitted();
  auto claimed = office_.store->claim_outbox(t0(), 10, std::chrono::seconds(300));
  ASSERT_EQ(claimed.size(), 1u);
  // Issue 16: the claimed row carries its lease's end, which the dispatcher writes back
  // with each recipient it reaches; the old time written back dropped the lease.
  EXPECT_EQ(claimed[0].next_attempt_at, t0() + std::chrono::seconds(300));
  // The dispatcher dies here, before sending or recording anything.
  EXPECT_TRUE(office_.store->claim_outbox(t0() + std::chrono::seconds(299), 10, std::chrono::seconds(300)).empty());
  auto again = office_.store->claim_outbox(t0() + std::chrono::seconds(300), 10, std::chrono::seconds(300));
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].id, claimed[0].id);
}

// A bare "250" is a legal last line of an EHLO reply (RFC 5321 4.2.1); reading it for
// extensions threw out_of_range, and every mail to such a server failed as transient.
TEST_F(MailTest, AnEhloReplyEndingInABareCodeStillDelivers) {
  MailSettings s = settings("tls=none");
  const MailMessage m{{"OSIC", "osic@uni.ac.ir"}, {{"Hamid", "hamid@uni.ac.ir"}}, "s", "t", "", "id@x", t0()};
  ScriptedPeer peer(port_, {"220 hi\r\n", "250-mail.uni.ac.ir\r\n250-8BITMIME\r\n250\r\n", "250 ok\r\n",
                            "250 ok\r\n", "354 go\r\n", "250 queued as 7\r\n", "221 bye\r\n"});
  SendResult r = send_mail(s.smtp, "osic@uni.ac.ir", {"hamid@uni.ac.ir"}, m);
  EXPECT_EQ(r.kind, SendResult::Kind::kSent) << r.reply;
  EXPECT_EQ(r.reply, "250 queued as 7");
}

TEST_F(MailTest, AReplyThatIsNotSmtpIsATransientFailureNamingIt) {
  MailSettings s = settings("tls=none");
  const MailMessage m{{"OSIC", "osic@uni.ac.ir"}, {{"Hamid", "hamid@uni.ac.ir"}}, "s", "t", "", "id@x", t0()};
  ScriptedPeer peer(port_, {"HTTP/1.1 400 Bad Request\r\n"});
  SendResult r = send_mail(s.smtp, "osic@uni.ac.ir", {"hamid@uni.ac.ir"}, m);
  EXPECT_EQ(r.kind, SendResult::Kind::kTransient);
  EXPECT_NE(r.reply.find("not SMTP: 'HTTP/1.1 400"), std::string::npos) << r.reply;
}

TEST(SmtpReply, LinesGatherIntoOneReplyWithItsCode) {
  SmtpReplyReader reader;
  EXPECT_FALSE(reader.add_line("250-mail.uni.ac.ir greets you"));
  EXPECT_FALSE(reader.add_line("250-starttls"));
  EXPECT_FALSE(reader.add_line("250-AUTH=login plain"));
  auto ehlo = reader.add_line("250 SMTPUTF8");
  ASSERT_TRUE(ehlo);
  EXPECT_EQ(ehlo->code, 250);
  EXPECT_EQ(ehlo->lines.size(), 4u);
  EXPECT_TRUE(smtp_offers(*ehlo, "STARTTLS"));
  EXPECT_TRUE(smtp_offers(*ehlo, "SMTPUTF8"));
  EXPECT_FALSE(smtp_offers(*ehlo, "SMTP"));      // a keyword, not a prefix
  EXPECT_FALSE(smtp_offers(*ehlo, "MAIL.UNI"));  // the greeting line offers nothing
  EXPECT_EQ(smtp_auth_methods(*ehlo), "LOGIN PLAIN");
  // The reader starts over for the next reply.
  auto next = reader.add_line("354 go ahead");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->text(), "354 go ahead");
}

TEST(SmtpReply, WhatIsNotAReplyIsRefused) {
  for (std::string_view bad : {"", "25", "2x0 ok", "250_ok", "ok 250", "650 ok", "099 ok"}) {
    SmtpReplyReader reader;
    EXPECT_THROW(reader.add_line(bad), SmtpReplyError) << bad;
  }
  SmtpReplyReader changing;
  changing.add_line("250-first");
  EXPECT_THROW(changing.add_line("550 second"), SmtpReplyError);
  SmtpReplyReader endless;
  for (size_t i = 0; i < SmtpReplyReader::kMaxLines; ++i) endless.add_line("250-more");
  EXPECT_THROW(endless.add_line("250 last"), SmtpReplyError);
  SmtpReplyReader wide;
  EXPECT_THROW(wide.add_line("250 " + std::string(SmtpReplyReader::kMaxLineBytes, 'x')), SmtpReplyError);
}

// Found by fuzz_mime: a run of bytes that start no UTF-8 character split into empty
// pieces forever. Text is checked for UTF-8 where it enters, so this is a second line.
TEST(Mime, BytesThatAreNotUtf8EndInsteadOfLoopingForever) {
  std::string subject = "Rello[\n" + std::string(70, '\xB5') + "Bcc:";
  std::string encoded = encode_header_text(subject);
  EXPECT_EQ(encoded.find("\r\nBcc"), std::string::npos);
  EXPECT_LT(encoded.size(), 400u);
}

TEST(Mime, LongPersianSubjectsAreSplitIntoValidEncodedWords) {
  std::string subject;
  for (int i = 0; i < 20; ++i) subject += "تفاهم‌نامهٔ همکاری ";
  std::string encoded = encode_header_text(subject);
  std::istringstream words(encoded);
  for (std::string word; words >> word;) {
    EXPECT_LE(word.size(), 75u) << word;
    EXPECT_EQ(word.rfind("=?UTF-8?B?", 0), 0u);
  }
  EXPECT_EQ(encode_header_text("Plain subject"), "Plain subject");
  EXPECT_EQ(base64("Man"), "TWFu");
  EXPECT_EQ(base64("Ma"), "TWE=");
}

}  // namespace
}  // namespace osic

namespace osic {
namespace {

// The README says a part with one language and not the other is refused.
TEST(Templates, APartInOneLanguageOnlyIsAValidationError) {
  fs::path dir = fs::temp_directory_path() / ("osic_tpl_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "half.yaml") << "subject: {fa: \"سلام\"}\ntext: {fa: a, en: b}\n";
  std::vector<Diagnostic> out;
  TemplateSet set = load_templates(dir.string(), out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_NE(out[0].to_string().find("'subject' needs both 'fa' and 'en'"), std::string::npos) << out[0].to_string();
  EXPECT_FALSE(set.templates.count("half"));
  fs::remove_all(dir);
}

TEST(Templates, AMissingTemplateOrVariableIsAValidationError) {
  std::string dir = ::testing::TempDir() + test::unique_name("tpl_");
  fs::create_directories(dir + "/templates");
  std::ofstream(dir + "/flow.yaml") << "workflow: flow\nroles: [staff]\nfields: {partner: string, due_on: date}\n"
                                       "initial: a\nstates:\n"
                                       "  a:\n    on_enter: {notify: [staff], template: hello}\n"
                                       "    actions: {go: {to: b, roles: [staff]}}\n"
                                       "  b:\n    final: true\n    on_enter: {notify: [requester], template: bye}\n";
  std::ofstream(dir + "/templates/hello.yaml")
      << "subject: \"Hello {{recipient.name}}\"\n"
         "text: \"{{data.partner}} {{data_jalali.due_on}} {{data.budget}} {{data_jalali.partner}} {{casetitle}}\"\n";
  WorkflowSet set = load_workflows({dir});
  std::string all;
  for (const auto& d : set.diagnostics) all += d.to_string() + "\n";
  const std::string flow = dir + "/flow.yaml";
  EXPECT_EQ(all, flow + ":7:15: error: template 'hello' uses '{{casetitle}}', which is not a variable of e-mails\n" +
                     flow + ":7:15: error: template 'hello' uses '{{data.budget}}', which is not a field of flow\n" +
                     flow + ":7:15: error: template 'hello' uses '{{data_jalali.partner}}', which is not a date field of flow\n" +
                     flow + ":11:15: error: no e-mail template 'bye' (templates/bye.yaml)\n");
  EXPECT_FALSE(set.ok());
}

}  // namespace
}  // namespace osic
