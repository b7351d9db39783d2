"""The web app in a real browser: an agreement walked from draft to active by six people
through the pages, in Persian and in English; errors beside their fields; a stale page;
CSRF and sign-out; the case page by keyboard alone. Screenshots go to OSIC_SCREENSHOTS.

Run by scripts/test: /usr/bin/python3 -m unittest tests/browser/test_web_app.py
with OSIC=build/release/cli/osic."""
import datetime
import os
import sqlite3
import sys
import shutil
import tempfile
import unittest

from selenium.webdriver.common.by import By
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import osic_browser as ob  # noqa: E402

OSIC = os.environ.get("OSIC", os.path.join(ob.ROOT, "build/release/cli/osic"))
SHOTS = os.environ.get("OSIC_SCREENSHOTS", os.path.join(ob.ROOT, "build/release/screenshots"))


class WebApp(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = ob.Server(OSIC)
        cls.driver = ob.browser()
        cls.page = ob.Page(cls.server, cls.driver, SHOTS)
        cls.driver_without_js = ob.browser(javascript=False)

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        cls.driver_without_js.quit()
        cls.server.stop()

    def start_agreement(self, p, lang, title):
        p.open("/cases/new?workflow=agreement")
        p.check_lang(lang)
        form = p.form("start")
        # Partner is required: left out, the page says so beside it and keeps what was typed.
        budget = "۲۵۰٬۰۰۰٬۰۰۰" if lang == "fa" else "250,000,000"
        p.fill(form, {"title": title, "country": "FR", "budget": budget})
        p.submit(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        self.assertIn("/cases/new", p.d.current_url)
        self.assertTrue(p.field_error("start", "partner"), "no error beside the partner field")
        self.assertEqual(p.form("start").find_element(By.NAME, "title").get_attribute("value"), title)
        self.assertEqual(p.form("start").find_element(By.NAME, "country").get_attribute("value"), "FR")
        p.shot(f"{lang}-01-new-case-error")
        p.act("start", {"partner": "Sorbonne Université"})
        self.assertEqual(p.state(), "draft")
        return p.case_id()

    def walk(self, lang, p):
        p.sign_in("staff", lang)
        case = self.start_agreement(p, lang, "MoU Sorbonne" if lang == "en" else "تفاهم‌نامه با سوربن")
        self.assertIn("250", p.main().text.replace("٬", ",").replace("۲۵۰", "250"))
        p.act("submit")
        self.assertEqual(p.state(), "osic_review")
        p.sign_out()

        p.sign_in("osic_head", lang)
        inbox = p.main().text
        self.assertIn("MoU Sorbonne" if lang == "en" else "تفاهم‌نامه با سوربن", inbox)
        p.shot(f"{lang}-02-inbox")
        p.open(f"/cases/{case}")
        # Return needs a comment: without one, the error sits beside the comment box.
        p.act("return")
        self.assertEqual(p.state(), "osic_review")
        self.assertTrue(p.field_error("return", "comment"), "no error beside the comment")
        p.shot(f"{lang}-03-comment-required")
        p.act("accept", {"comment": "متن را بررسی کردم." if lang == "fa" else "Text checked."})
        self.assertEqual(p.state(), "legal_review")
        p.sign_out()

        for person, state in (("legal", "finance_review"), ("finance", "dean_approval")):
            p.sign_in(person, lang)
            p.open(f"/cases/{case}")
            p.act("approve")
            self.assertEqual(p.state(), state, person)
            p.sign_out()

        p.sign_in("dean", lang)
        p.open(f"/cases/{case}")
        p.act("approve", {"comment": "با امضای اینجانب." if lang == "fa" else "Signed by me."})
        self.assertEqual(p.state(), "dean_approval")
        signers = p.d.find_element(By.CSS_SELECTOR, ".signers").text
        # By name, never by login (issue 34): who signed, and who is still to sign.
        self.assertIn("دکتر حمید رضایی" if lang == "fa" else "Dr Hamid Rezaei", signers)
        self.assertIn("دکتر رضا کریمی" if lang == "fa" else "Dr Reza Karimi", signers)
        self.assertNotIn("vp_international", signers)
        p.shot(f"{lang}-04-approval")
        p.sign_out()

        p.sign_in("vp_international", lang)
        p.open(f"/cases/{case}")
        p.act("approve")
        self.assertEqual(p.state(), "signature")
        p.sign_out()

        p.sign_in("staff", lang)
        p.open(f"/cases/{case}")
        # The letter to the partner takes the office register's next number (issue 35).
        p.act("send_for_signature")
        self.assertEqual(p.state(), "signature")
        self.assertIn("شمارهٔ نامه" if lang == "fa" else "Letter number", p.main().text)
        self.assertRegex(p.main().text, r"[۰-۹]{4}/ب/[۰-۹]+")
        dates = ({"signed_on": "۱۴۰۵/۰۹/۰۸", "expires_on": "1408/09/08"} if lang == "fa"
                 else {"signed_on": "2026-11-29", "expires_on": "2029-11-29"})
        # The signature needs the signed copy: a PNG passed off as a PDF is refused, the
        # PDF, under a Persian name, is kept and listed with a link to it.
        folder = tempfile.mkdtemp(prefix="osic-upload-")
        self.addCleanup(shutil.rmtree, folder, True)
        fake = os.path.join(folder, "scan.pdf")
        with open(fake, "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\nnot a pdf")
        signed = os.path.join(folder, "تفاهم‌نامهٔ امضاشده.pdf" if lang == "fa" else "signed MoU.pdf")
        with open(signed, "wb") as f:
            f.write(b"%PDF-1.7\n%%EOF\n")
        if lang == "fa":
            # Issue 35: the dates and the signed copy in the action's own form, one submit.
            # The fake is refused beside its input, and the dates typed are kept.
            p.act("record_signature", {**dates, "signed_copy": fake})
            self.assertEqual(p.state(), "signature")
            self.assertIn("این نوع فایل مجاز نیست", p.field_error("record_signature", "signed_copy"))
            self.assertEqual(p.form("record_signature").find_element(By.NAME, "signed_on").get_attribute("value"),
                             dates["signed_on"])
            p.shot(f"{lang}-05-signed-copy-refused")
            p.act("record_signature", {"signed_copy": signed})
        else:
            p.upload("signed_copy", fake)
            self.assertIn("This kind of file is not accepted", p.main().text)
            p.upload("signed_copy", signed)
            files = p.d.find_element(By.CSS_SELECTOR, ".file-field[data-field=signed_copy]").text
            self.assertIn(os.path.basename(signed), files)
            p.shot(f"{lang}-05-signed-copy")
            p.act("record_signature", dates)
        self.assertEqual(p.state(), "active")
        text = p.main().text
        self.assertIn("۱۴۰۵/۰۹/۰۸" if lang == "fa" else "2026-11-29", text)
        files = p.d.find_element(By.CSS_SELECTOR, ".file-field[data-field=signed_copy]").text
        self.assertIn(os.path.basename(signed), files)
        p.shot(f"{lang}-06-active")
        p.sign_out()

    def test_agreement_walk_in_persian(self):
        self.walk("fa", self.page)
        self.page.open("/login")
        self.assertEqual(self.page.d.execute_script("return document.documentElement.dataset.js || 'off'"), "on")

    def test_agreement_walk_in_english_with_javascript_off(self):
        p = ob.Page(self.server, self.driver_without_js, SHOTS)
        p.open("/login")
        # The script is there but does not run: forms are plain POSTs.
        self.assertEqual(p.d.execute_script("return document.documentElement.dataset.js || 'off'"), "off")
        self.walk("en", p)

    def test_uploads_past_the_cases_quota_are_refused_in_the_pages_language(self):
        # Issue 30: five earlier versions of a file are kept; a seventh upload is refused,
        # said whole in Persian with the workflow's own limits, no English beside it.
        p = self.page
        p.sign_in("staff", "fa")
        p.open("/cases/new?workflow=agreement")
        p.act("start", {"partner": "KTH", "country": "SE"})
        folder = tempfile.mkdtemp(prefix="osic-quota-")
        self.addCleanup(shutil.rmtree, folder, True)
        for i in range(7):
            path = os.path.join(folder, f"draft{i}.pdf")
            with open(path, "wb") as f:
                f.write(b"%PDF-1.4\n% version " + str(i).encode() + b"\n%%EOF\n")
            p.upload("draft_text", path)
        alert = p.d.find_element(By.CSS_SELECTOR, "p.error").text
        self.assertIn("سهمیهٔ فایل‌های این پرونده پر شده است", alert)
        self.assertIn("۵ نسخهٔ پیشین", alert)
        self.assertNotIn("keep_replaced", alert)
        self.assertEqual(p.d.find_element(By.CSS_SELECTOR, ".file-field[data-field=draft_text]").text.count(".pdf"), 6)
        p.shot("fa-07-upload-quota")
        p.sign_out()

    def test_a_stale_page_shows_the_new_state(self):
        p = self.page
        p.sign_in("staff", "fa")
        case = self.start_agreement(p, "fa", "صفحه کهنه")
        first = p.d.current_window_handle
        # The same page in a second tab acts first.
        p.d.switch_to.new_window("tab")
        p.open(f"/cases/{case}")
        p.act("submit")
        self.assertEqual(p.state(), "osic_review")
        p.d.close()
        p.d.switch_to.window(first)
        self.assertEqual(p.state(), "draft")  # the old page, still showing draft
        p.act("submit")
        self.assertEqual(p.state(), "osic_review")
        self.assertTrue(p.d.find_element(By.CSS_SELECTOR, ".notice").text)
        p.shot("fa-06-stale")
        p.sign_out()

    def test_csrf_and_sign_out(self):
        p = self.page
        p.sign_in("staff", "en")
        case = self.start_agreement(p, "en", "CSRF check")
        session = p.cookie("osic_session")
        version = p.main().get_attribute("data-version")
        # A form from elsewhere carries no token: 403, and nothing changes.
        status, _, _ = ob.post(self.server, f"/cases/{case}/actions/submit", {"version": version}, session)
        self.assertEqual(status, 403)
        status, _, _ = ob.post(self.server, f"/cases/{case}/actions/submit", {"version": version, "csrf": "0" * 64}, session)
        self.assertEqual(status, 403)
        p.open(f"/cases/{case}")
        self.assertEqual(p.state(), "draft")
        # Signed out, the session is over on the server: the old cookie opens nothing.
        p.sign_out()
        status, headers, _ = ob.get(self.server, "/inbox", session)
        self.assertEqual(status, 303)
        self.assertIn("/login", headers.get("Location", ""))
        for name in ("Content-Security-Policy", "X-Frame-Options", "Referrer-Policy"):
            self.assertIn(name, headers)

    def test_the_heads_dashboard_draws_its_reports_and_gives_their_csv(self):
        p = self.page
        p.sign_in("staff", "fa")
        self.start_agreement(p, "fa", "داشبورد")
        p.act("submit")  # its stay in draft ends: a row of the time spent in each step
        case = p.case_id()
        p.sign_out()
        # It expires in twenty days: the start form asks for no expiry date, so the date is
        # set in the database as a hand-made fix would (the kept counts follow it).
        expires = (datetime.date.today() + datetime.timedelta(days=20)).isoformat()
        with sqlite3.connect(os.path.join(self.server.dir, "osic.db")) as db:
            db.execute("UPDATE cases SET data = json_set(data, '$.expires_on', ?) WHERE id = ?", (expires, case))
        p.sign_in("osic_head", "fa")
        p.open("/reports?workflow=agreement")
        main = p.main()
        # What expires in the next 90 days: counted by country, listed with its date in
        # the Solar Hijri calendar and Persian digits.
        soon = p.d.find_element(By.CSS_SELECTOR, "section[aria-labelledby=expiring]")
        self.assertIn("(۱)", soon.find_element(By.TAG_NAME, "h2").text)
        self.assertIn("فرانسه", soon.find_element(By.CSS_SELECTOR, "svg.chart").text)
        row = soon.find_element(By.CSS_SELECTOR, "tbody tr").text
        self.assertIn("داشبورد", row)
        self.assertIn("فرانسه", row)
        self.assertRegex(row, "[۰-۹]{4}/[۰-۹]{2}/[۰-۹]{2}")
        p.d.execute_script("arguments[0].scrollIntoView()", soon)
        p.shot("fa-09-reports-expiring")
        p.d.execute_script("window.scrollTo(0, 0)")
        self.assertIn("پرونده‌های جاری به تفکیک مرحله", main.text)
        # The chart is SVG drawn on the server: one bar per step with cases, labelled.
        bars = p.d.find_elements(By.CSS_SELECTOR, "svg.chart rect")
        self.assertGreaterEqual(len(bars), 1)
        self.assertIn("پیش‌نویس", p.d.find_element(By.CSS_SELECTOR, "svg.chart").text)
        p.shot("fa-09-reports")
        cycle = p.d.find_element(By.CSS_SELECTOR, "section[aria-labelledby=cycle]")
        steps = [row.find_element(By.TAG_NAME, "td").text for row in cycle.find_elements(By.CSS_SELECTOR, "tbody tr")]
        self.assertIn("پیش‌نویس", steps)
        self.assertEqual(cycle.find_element(By.CSS_SELECTOR, "thead th").text, "مرحله")
        # Every step here took under a working day: the chart is in hours, not empty bars of days.
        self.assertEqual(cycle.find_element(By.CSS_SELECTOR, "svg.chart").get_attribute("aria-label"), "میانه (ساعت)")
        p.d.execute_script("arguments[0].scrollIntoView()", cycle)
        p.shot("fa-09-reports-cycle")
        # Each report's CSV link works under the session, with a byte-order mark for Excel.
        link = p.d.find_element(By.CSS_SELECTOR, "a[href^='/reports/states.csv']").get_attribute("href")
        status, headers, body = ob.get(self.server, link[len(self.server.base):], p.cookie("osic_session"))
        self.assertEqual(status, 200)
        self.assertTrue(headers.get("Content-Type", "").startswith("text/csv"))
        self.assertTrue(body.startswith("\ufeff"))
        self.assertIn("پیش‌نویس", body)
        # And as a workbook, for the office to fix and import back.
        link = p.d.find_element(By.CSS_SELECTOR, "a[href^='/reports/states.xlsx']").get_attribute("href")
        status, headers, body = ob.get(self.server, link[len(self.server.base):], p.cookie("osic_session"), raw=True)
        self.assertEqual(status, 200)
        self.assertEqual(headers.get("Content-Type"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        self.assertTrue(body.startswith(b"PK\x03\x04"))
        p.sign_out()

    def test_a_dean_signs_five_agreements_at_once_from_the_inbox(self):
        # Issue 35: five agreements at the dean's step; one form, one comment, five writes.
        cases = []
        for n in range(5):
            case = self.server.api("staff", "/v1/cases", {
                "workflow": "agreement", "title": f"تفاهم‌نامه شمارهٔ {n + 1} با دانشگاه گنت",
                "data": {"partner": "Ghent University", "country": "BE"}})["id"]
            self.server.api("staff", f"/v1/cases/{case}/actions/submit", {})
            self.server.api("osic_head", f"/v1/cases/{case}/actions/accept", {})
            self.server.api("legal", f"/v1/cases/{case}/actions/approve", {})
            cases.append(case)
        p = self.page
        p.sign_in("dean", "fa")
        # On a phone, the case page puts the actions before the fields.
        p.d.set_window_size(390, 844)
        p.open(f"/cases/{cases[0]}")
        actions = p.d.find_element(By.CSS_SELECTOR, "section.actions").rect["y"]
        fields = p.d.find_element(By.CSS_SELECTOR, "section[aria-labelledby=h-fields]").rect["y"]
        self.assertLess(actions, fields)
        p.shot("fa-16-case-phone-actions-first")
        p.d.set_window_size(1280, 1000)
        p.open("/inbox")
        form = p.form("bulk")
        for case in cases:
            form.find_element(By.NAME, f"case_{case}").click()
        p.fill(form, {"action": "approve", "comment": "با امضای اینجانب."})
        p.shot("fa-13-bulk-inbox")
        p.d.set_window_size(390, 844)
        p.shot("fa-14-bulk-inbox-phone")
        p.d.set_window_size(1280, 1000)
        p.submit(form.find_element(By.CSS_SELECTOR, "section.bulk button[type=submit]"))
        self.assertIn("۵ از ۵ پرونده انجام شد.", p.main().text)
        self.assertEqual(len(p.d.find_elements(By.CSS_SELECTOR, "tr.bulk-done")), 5)
        p.shot("fa-15-bulk-done")
        p.open(f"/cases/{cases[0]}")
        signers = p.d.find_element(By.CSS_SELECTOR, ".signers").text
        self.assertIn("با امضای اینجانب.", signers)
        p.sign_out()

    def test_a_referral_round_trip_with_a_margin_note(self):
        # Issue 35: the office head refers a case to legal «جهت بررسی و اعلام نظر» with a
        # margin note; legal, who could not read it, finds it in the inbox, reads it and
        # answers; the head sees the answer; legal can read the case no more.
        case = self.server.api("staff", "/v1/cases", {
            "workflow": "agreement", "title": "تفاهم‌نامه با دانشگاه لیدن",
            "data": {"partner": "Leiden University", "country": "NL"}})["id"]
        self.server.api("staff", f"/v1/cases/{case}/actions/submit", {})
        p = self.page
        p.sign_in("legal", "fa")
        p.open(f"/cases/{case}")
        self.assertIn("وجود ندارد، یا اجازه دیدن آن را ندارید", p.main().text)
        p.sign_out()

        p.sign_in("osic_head", "fa")
        p.open(f"/cases/{case}")
        form = p.d.find_element(By.CSS_SELECTOR, "form[data-referral=new]")
        # No colleague chosen: said beside the field, the note kept.
        p.fill(form, {"kind": "review", "note": "بند ۷ را از نظر حقوقی بررسی کنید."})
        p.submit(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        form = p.d.find_element(By.CSS_SELECTOR, "form[data-referral=new]")
        self.assertIn("همکاری را برای ارجاع انتخاب کنید", form.text)
        self.assertEqual(form.find_element(By.NAME, "note").get_attribute("value"), "بند ۷ را از نظر حقوقی بررسی کنید.")
        p.fill(form, {"to": "legal"})
        p.submit(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        self.assertIn("پرونده ارجاع شد.", p.main().text)
        self.assertEqual(p.state(), "osic_review")  # a referral moves no state
        thread = p.d.find_element(By.CSS_SELECTOR, "section.referrals").text
        self.assertIn("جهت بررسی و اعلام نظر", thread)
        self.assertIn("در انتظار پاسخ", thread)
        self.assertNotIn("legal", thread)  # people by name
        p.shot("fa-17-referral-sent")
        p.sign_out()

        p.sign_in("legal", "fa")
        p.open("/inbox")
        referred = p.d.find_element(By.CSS_SELECTOR, "table[data-list=referred]").text
        self.assertIn("تفاهم‌نامه با دانشگاه لیدن", referred)
        self.assertIn("بند ۷ را از نظر حقوقی بررسی کنید.", referred)
        p.d.set_window_size(390, 844)
        p.shot("fa-18-referred-inbox-phone")
        p.d.set_window_size(1280, 1000)
        p.open(f"/cases/{case}")
        self.assertEqual(p.state(), "osic_review")
        self.assertEqual(p.d.find_elements(By.CSS_SELECTOR, "section.actions form[data-action]"), [])  # no right to act
        answer = p.d.find_element(By.CSS_SELECTOR, "form[data-referral-answer]")
        p.submit(answer.find_element(By.CSS_SELECTOR, "button[type=submit]"))  # empty: refused beside it
        answer = p.d.find_element(By.CSS_SELECTOR, "form[data-referral-answer]")
        self.assertIn("پاسخ را بنویسید.", answer.text)
        p.fill(answer, {"note": "بند ۷ با قانون سازگار است؛ مانعی ندارد."})
        p.shot("fa-19-referral-answer")
        p.submit(answer.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        self.assertIn("پاسخ شما ثبت", p.main().text)
        p.open(f"/cases/{case}")
        self.assertIn("وجود ندارد، یا اجازه دیدن آن را ندارید", p.main().text)  # read access ended with the answer
        p.sign_out()

        p.sign_in("osic_head", "fa")
        p.open(f"/cases/{case}")
        history = p.d.find_element(By.CSS_SELECTOR, "ol.timeline").text
        self.assertIn("پاسخ به ارجاع", history)
        p.shot("fa-20-referral-answered")
        p.sign_out()

        p.sign_in("osic_head", "en")
        p.open("/inbox")
        answers = p.d.find_element(By.CSS_SELECTOR, "table[data-list=referral-answers]").text
        self.assertIn("مانعی ندارد", answers)
        p.open(f"/cases/{case}")
        thread = p.d.find_element(By.CSS_SELECTOR, "section.referrals").text
        self.assertIn("answered", thread)
        self.assertIn("بند ۷ با قانون سازگار است", thread)
        history = p.d.find_element(By.CSS_SELECTOR, "ol.timeline").text
        self.assertIn("Answered the referral from", history)
        p.shot("en-21-referral-answered")
        p.sign_out()

    def test_an_internal_note_is_seen_by_its_roles_and_not_by_the_requester(self):
        # Issue 35: the office head notes something for the office alone; the requester
        # (staff, who started the case) and the dean read the case but not the note.
        case = self.server.api("staff", "/v1/cases", {
            "workflow": "agreement", "title": "تفاهم‌نامه با دانشگاه گراتس",
            "data": {"partner": "University of Graz", "country": "AT"}})["id"]
        self.server.api("staff", f"/v1/cases/{case}/actions/submit", {})
        p = self.page
        p.sign_in("osic_head", "fa")
        p.open(f"/cases/{case}")
        form = p.d.find_element(By.CSS_SELECTOR, "form[data-note=new]")
        self.assertTrue(form.find_element(By.NAME, "visible_osic_head").is_selected())  # the writer's own role
        p.submit(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))  # no text: said beside it
        form = p.d.find_element(By.CSS_SELECTOR, "form[data-note=new]")
        self.assertIn("متن یادداشت را بنویسید.", form.text)
        p.fill(form, {"text": "طرف مقابل در تفاهم‌نامهٔ قبلی تعهدات را اجرا نکرد."})
        form.find_element(By.NAME, "visible_staff").click()
        p.submit(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        self.assertIn("یادداشت داخلی ثبت شد.", p.main().text)
        history = p.d.find_element(By.CSS_SELECTOR, "ol.timeline").text
        self.assertIn("تعهدات را اجرا نکرد", history)
        self.assertIn("فقط برای", history)
        p.shot("fa-22-internal-note")
        p.sign_out()
        for who in ("staff", "dean"):
            p.sign_in(who, "fa")
            p.open(f"/cases/{case}")
            self.assertEqual(p.state(), "osic_review")
            self.assertNotIn("تعهدات را اجرا نکرد", p.main().text)
            p.sign_out()

    def test_a_date_is_picked_from_a_solar_hijri_month_with_the_days_off_marked(self):
        # Issue 35: the picker beside a date field; typing still works without it.
        p = self.page
        p.sign_in("staff", "fa")
        p.open("/cases/new?workflow=visiting_scholar")
        field = p.d.find_element(By.CSS_SELECTOR, "input[name=arrives_on][data-date=jalali]")
        opener = p.d.find_element(By.CSS_SELECTOR, "input[name=arrives_on] + button.jpicker-open")
        opener.click()
        picker = p.d.find_element(By.CSS_SELECTOR, ".jpicker")
        title = picker.find_element(By.CSS_SELECTOR, ".jpicker-title").text
        self.assertRegex(title, "^(فروردین|اردیبهشت|خرداد|تیر|مرداد|شهریور|مهر|آبان|آذر|دی|بهمن|اسفند) [۰-۹]{4}$")
        picker.find_element(By.CSS_SELECTOR, "button[data-move='1']").click()
        self.assertNotEqual(p.d.find_element(By.CSS_SELECTOR, ".jpicker-title").text, title)
        # The office's weekends (Thursday and Friday) come marked from the server.
        ob.WebDriverWait(p.d, 5).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".jpicker .jday.off")) >= 8)
        p.shot("fa-17-date-picker")
        p.d.find_element(By.CSS_SELECTOR, ".jpicker button[data-day='15']").click()
        self.assertRegex(field.get_attribute("value"), "^[۰-۹]{4}/[۰-۹]{2}/۱۵$")
        self.assertFalse(p.d.find_elements(By.CSS_SELECTOR, ".jpicker"))
        p.sign_out()

    def test_an_admin_sets_roles_and_a_password_on_the_users_page(self):
        p = self.page
        p.sign_in("admin", "fa")
        p.open("/admin/users")
        form = p.d.find_element(By.CSS_SELECTOR, "form[action='/admin/users/legal/roles']")
        roles = form.find_element(By.NAME, "roles")
        self.assertTrue(roles.is_displayed(), "the roles input is hidden")
        p.fill(form, {"roles": "legal,finance"})
        p.submit(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        self.assertEqual(p.d.find_element(By.CSS_SELECTOR, "form[action='/admin/users/legal/roles'] input[name=roles]")
                         .get_attribute("value"), "legal,finance")
        form = p.d.find_element(By.CSS_SELECTOR, "form[action='/admin/users/protocol/password']")
        self.assertTrue(form.find_element(By.NAME, "password").is_displayed(), "the password input is hidden")
        p.fill(form, {"password": "a new password"})
        p.submit(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        p.shot("fa-07-admin-users")
        p.sign_out()
        self.server.passwords["protocol"] = "a new password"
        p.sign_in("protocol", "fa")
        p.sign_out()

    def import_file(self, p, name, text, where, map_text=""):
        path = os.path.join(self.server.dir, name)
        with open(path, "w", encoding="utf-8-sig") as f:  # as Excel saves "CSV UTF-8"
            f.write(text)
        p.open("/admin/import")
        form = p.form("preview_import")
        p.fill(form, {"where": where, "map": map_text})
        form.find_element(By.NAME, "file").send_keys(path)
        p.submit(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))

    def test_an_admin_imports_the_offices_agreements_after_a_preview(self):
        header = "شماره قرارداد,مؤسسه طرف همکاری,کشور,نوع سند,تاریخ امضا,تاریخ پایان اعتبار\n"
        good = header + ("A-201,دانشگاه لیدن,هلند,تفاهم‌نامه,۱۴۰۲/۰۵/۱۰,۱۴۰۸/۰۱/۲۵\n"
                         "A-202,Kyoto University,Japan,Agreement,2023-01-15,1409/7/1\n")
        bad = good + "A-203,دانشگاه آتلانتیس,آتلانتیس,تفاهم‌نامه,۱۴۰۲/۱۳/۱۰,۱۴۰۸/۰۱/۲۵\n"
        mapping = "شماره قرارداد: external_id"
        p = self.page
        p.sign_in("admin", "fa")
        # One bad row: every problem named by row and column, and nothing to confirm.
        self.import_file(p, "agreements-bad.csv", bad, "agreement:active", mapping)
        problems = p.d.find_element(By.CSS_SELECTOR, ".error-list").text
        self.assertIn("agreements-bad.csv:4:کشور", problems)
        self.assertIn("«آتلانتیس» نام کشوری نیست", problems)
        self.assertIn("agreements-bad.csv:4:تاریخ امضا", problems)
        self.assertFalse(p.d.find_elements(By.CSS_SELECTOR, "form[data-action=confirm_import]"))
        p.shot("fa-10-import-refused")
        # The fixed file: a preview of each row with its dates in both calendars and its
        # reminders, then one confirmation.
        self.import_file(p, "agreements.csv", good, "agreement:active", mapping)
        rows = p.d.find_element(By.CSS_SELECTOR, "table.import-rows").text
        self.assertIn("دانشگاه لیدن", rows)
        self.assertIn("۱۴۰۸/۰۱/۲۵", rows)
        self.assertIn("2029-04-13", rows)
        self.assertIn("یادآوری", rows)
        self.assertIn("پایان اعتبار", rows)
        p.shot("fa-11-import-preview")
        p.d.set_window_size(390, 844)
        p.shot("fa-12-import-preview-phone")
        p.d.set_window_size(1280, 1000)
        p.submit(p.form("confirm_import").find_element(By.CSS_SELECTOR, "button[type=submit]"))
        self.assertIn("done=imported", p.d.current_url)
        self.assertIn("۲ پرونده وارد شد", p.main().text + p.d.find_element(By.TAG_NAME, "body").text)
        p.open("/cases?q=" + "لیدن")
        self.assertIn("دانشگاه لیدن", p.main().text)
        # The same file again, in English with JavaScript off: nothing new to import.
        q = ob.Page(self.server, self.driver_without_js, SHOTS)
        q.sign_in("admin", "en")
        self.import_file(q, "agreements.csv", good, "agreement:active", mapping)
        rows = q.d.find_element(By.CSS_SELECTOR, "table.import-rows").text
        self.assertIn("Imported before", rows)
        self.assertFalse(q.d.find_elements(By.CSS_SELECTOR, "form[data-action=confirm_import]"))
        q.shot("en-10-import-again")
        q.sign_out()
        p.sign_out()

    def test_the_case_page_by_keyboard_alone(self):
        p = self.page
        p.sign_in("staff", "fa")
        case = self.start_agreement(p, "fa", "صفحه‌کلید")
        p.open(f"/cases/{case}")
        target = p.form("submit").find_element(By.CSS_SELECTOR, "button[type=submit]")
        body = p.d.find_element(By.TAG_NAME, "body")
        body.send_keys(Keys.TAB)
        # Keys to the page, as a keyboard sends them: to a file input's element, Selenium
        # would take the key for a file's path.
        for _ in range(80):
            if p.d.switch_to.active_element == target:
                break
            ActionChains(p.d).send_keys(Keys.TAB).perform()
        self.assertEqual(p.d.switch_to.active_element, target, "Tab never reached the submit button")
        p.enter(p.d.switch_to.active_element)
        self.assertEqual(p.state(), "osic_review")
        p.sign_out()


if __name__ == "__main__":
    unittest.main()
