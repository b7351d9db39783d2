"""Issue 34: the office closes a day at a day's notice on /admin/calendar, and a running
case's deadline moves, on two servers sharing one PostgreSQL: the closure is declared on
one node, and the other counts with it within seconds, without a restart.

Run by ctest (calendar_browser_tests), which starts PostgreSQL and sets OSIC_TEST_PG."""
import datetime
import os
import zoneinfo
import sys
import time
import unittest

from selenium.webdriver.common.by import By

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import osic_browser as ob  # noqa: E402

OSIC = os.environ.get("OSIC", os.path.join(ob.ROOT, "build/release/cli/osic"))
SHOTS = os.environ.get("OSIC_SCREENSHOTS", os.path.join(ob.ROOT, "build/release/screenshots"))


class OfficeCalendar(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        db = ob.fresh_postgres_database()
        cls.node_a = ob.Server(OSIC, db=db)
        cls.node_b = ob.Server(OSIC, db=db)
        cls.node_a.passwords = cls.node_b.passwords  # the second start gave new ones
        cls.driver = ob.browser()

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        cls.node_b.stop()
        cls.node_a.stop()

    def due(self, page, case):
        page.open(f"/cases/{case}")
        return page.d.find_element(By.CSS_SELECTOR, ".case-head .due time").get_attribute("datetime")

    def wait_for_due(self, page, case, wanted):
        # The node reads the days again every few seconds.
        for _ in range(40):
            if self.due(page, case) == wanted:
                return
            time.sleep(0.25)
        self.assertEqual(self.due(page, case), wanted)

    def test_a_closure_declared_on_one_node_moves_a_running_deadline_on_both(self):
        a = ob.Page(self.node_a, self.driver, SHOTS)
        b = ob.Page(self.node_b, self.driver, SHOTS)
        a.sign_in("staff", "fa")
        a.open("/cases/new?workflow=agreement")
        a.act("start", {"title": "تفاهم‌نامه با دانشگاه لیدن", "partner": "Leiden University", "country": "NL"})
        case = a.case_id()
        a.act("submit")
        self.assertEqual(a.state(), "osic_review")
        before = self.due(a, case)
        a.sign_out()

        # On the other node, the admin closes the first working day from tomorrow on:
        # tomorrow in the office's time zone, which is a day ahead of this machine's from
        # 20:30 UTC on.
        b.sign_in("admin", "fa")
        day = datetime.datetime.now(zoneinfo.ZoneInfo("Asia/Tehran")).date()
        for _ in range(14):
            day += datetime.timedelta(days=1)
            b.open("/admin/calendar")
            form = b.form("change_day")
            b.fill(form, {"day": day.isoformat(), "reason": "آلودگی هوا"})
            b.submit(form.find_element(By.CSS_SELECTOR, "button[value=close]"))
            if "done=closed" in b.d.current_url:
                break
            self.assertIn("از پیش تعطیل است", b.main().text)
        self.assertIn("moved=1", b.d.current_url)
        self.assertIn("مهلت‌های جابه‌جاشده: ۱", b.d.find_element(By.TAG_NAME, "body").text)
        said = b.d.find_element(By.CSS_SELECTOR, "table.list").text
        self.assertIn("آلودگی هوا", said)
        self.assertIn("مدیر سامانه", said)  # who declared it, by name
        closed = b.d.find_elements(By.CSS_SELECTOR, ".month-grid td.day.closed")
        self.assertEqual(len(closed), 1)
        b.d.execute_script("arguments[0].scrollIntoView({block: 'center'})", closed[0])
        b.shot("fa-20-calendar-closed")
        after = self.due(b, case)
        self.assertGreater(after, before)

        # The node where the case lives counts with the closure within seconds, and the
        # case's history says why its deadline moved.
        b.sign_out()
        a.sign_in("osic_head", "fa")
        self.wait_for_due(a, case, after)
        timeline = a.d.find_element(By.CSS_SELECTOR, "ol.timeline").text
        self.assertIn("جابه‌جایی مهلت رسیدگی با تغییر تقویم اداری", timeline)
        self.assertIn("آلودگی هوا", timeline)
        a.shot("fa-21-deadline-moved")
        a.sign_out()

        # Undone in English on the first node: the deadline comes back on both.
        a.sign_in("admin", "en")
        a.open("/admin/calendar")
        form = a.form("change_day")
        a.fill(form, {"day": day.isoformat(), "reason": ""})
        a.submit(form.find_element(By.CSS_SELECTOR, "button[value=open]"))
        self.assertIn("done=opened", a.d.current_url)
        self.assertIn("Deadlines moved: 1", a.d.find_element(By.TAG_NAME, "body").text)
        a.shot("en-20-calendar-opened")
        self.assertEqual(self.due(a, case), before)
        a.sign_out()
        b.sign_in("osic_head", "en")
        self.wait_for_due(b, case, before)
        b.sign_out()


if __name__ == "__main__":
    unittest.main()
