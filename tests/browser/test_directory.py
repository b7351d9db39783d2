"""Issue 33: people sign in with their university accounts. A real OpenLDAP slapd on
loopback (tests/support/ldap_server, its own instance), `osic serve` with the directory
in its config file, and Chromium: a directory dean signs in and sees the dean's inbox;
taken out of the deans' group, they lose the role at the next sign-in; with the
directory down, they are told so in Persian while the local admin still signs in."""
import os
import subprocess
import sys
import tempfile
import unittest

from selenium.webdriver.common.by import By

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import osic_browser as ob  # noqa: E402

OSIC = os.environ.get("OSIC", os.path.join(ob.ROOT, "build/release/cli/osic"))
SHOTS = os.environ.get("OSIC_SCREENSHOTS", os.path.join(ob.ROOT, "build/release/screenshots"))
LDAP_SERVER = os.path.join(ob.ROOT, "tests/support/ldap_server")
DEANS = "cn=deans-media,ou=groups,dc=uni,dc=ac,dc=ir"
HAMID = "uid=hamid.rezaei,ou=people,dc=uni,dc=ac,dc=ir"


class Directory(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.state = tempfile.mktemp(prefix="osic-ldap-state-")
        cls.ldap_port = ob.free_port()
        subprocess.run([LDAP_SERVER, "start", cls.state, str(cls.ldap_port)], check=True)
        config = (
            "auth:\n"
            "  ldap:\n"
            f"    url: ldap://127.0.0.1:{cls.ldap_port}\n"
            "    bind_dn: \"uid={user},ou=people,dc=uni,dc=ac,dc=ir\"\n"
            "    service_dn: cn=osic,ou=services,dc=uni,dc=ac,dc=ir\n"
            f"    service_password_file: {cls.state}.password\n"
            "    groups:\n"
            "      base: ou=groups,dc=uni,dc=ac,dc=ir\n"
            "      roles:\n"
            f"        \"{DEANS}\": dean\n"
            "        \"cn=osic-staff,ou=groups,dc=uni,dc=ac,dc=ir\": staff\n")
        with open(cls.state + ".password", "w") as f:
            f.write("service-secret\n")
        cls.server = ob.Server(OSIC, config=config)
        cls.driver = ob.browser()

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        cls.server.stop()
        subprocess.run([LDAP_SERVER, "stop", cls.state], check=False)
        os.remove(cls.state + ".password")

    def modify(self, ldif):
        subprocess.run(["ldapmodify", "-x", "-H", f"ldap://127.0.0.1:{self.ldap_port}", "-D",
                        "cn=admin,dc=uni,dc=ac,dc=ir", "-w", "admin-secret"], input=ldif.encode(), check=True,
                       capture_output=True)

    def case_at_the_deans_step(self):
        call = self.server.api
        case = call("staff", "/v1/cases", {"workflow": "agreement", "title": "تفاهم‌نامه با دانشگاه بولونیا",
                                           "data": {"partner": "Università di Bologna", "country": "IT",
                                                    "budget": "1000 IRR"}})["id"]
        call("staff", f"/v1/cases/{case}/actions/submit", {})
        for role, action in (("osic_head", "accept"), ("legal", "approve"), ("finance", "approve")):
            call(role, f"/v1/cases/{case}/actions/{action}", {})
        return case

    def test_a_directory_dean_signs_in_and_loses_the_role_with_the_group(self):
        case = self.case_at_the_deans_step()
        p = ob.Page(self.server, self.driver, SHOTS)
        # A wrong university password is refused like any other.
        p.open("/login")
        form = p.form("login")
        p.fill(form, {"username": "hamid.rezaei", "password": "wrong"})
        p.submit(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        self.assertIn("/login", p.d.current_url)
        # The university password: the account is made, named as the directory names him,
        # with the dean's role from his group, and the dean's inbox has the case.
        self.server.passwords["hamid.rezaei"] = "dean-password"
        p.sign_in("hamid.rezaei", "fa")
        self.assertIn("دکتر حمید رضایی", p.d.find_element(By.TAG_NAME, "header").text)
        self.assertIn("تفاهم‌نامه با دانشگاه بولونیا", p.main().text)
        p.shot("fa-30-directory-dean-inbox")
        p.open(f"/cases/{case}")
        self.assertTrue(p.d.find_elements(By.CSS_SELECTOR, "form[data-action=approve]"))
        p.sign_out()

        # Out of the deans' group: at the next sign-in the role is gone.
        self.modify(f"dn: {DEANS}\nchangetype: modify\ndelete: member\nmember: {HAMID}\n")
        try:
            p.sign_in("hamid.rezaei", "fa")
            self.assertNotIn("تفاهم‌نامه با دانشگاه بولونیا", p.main().text)
            p.sign_out()
        finally:
            self.modify(f"dn: {DEANS}\nchangetype: modify\nadd: member\nmember: {HAMID}\n")

        # The admin sees where each role came from.
        p.sign_in("admin", "fa")
        p.open("/admin/users")
        row = p.d.find_element(By.XPATH, "//tr[.//span[text()='hamid.rezaei']]").text
        self.assertIn("نقش‌های دادهٔ دایرکتوری دانشگاه", row)
        p.d.execute_script("arguments[0].scrollIntoView({block: 'center'})",
                           p.d.find_element(By.XPATH, "//tr[.//span[text()='hamid.rezaei']]"))
        p.shot("fa-32-directory-roles")
        p.sign_out()

        # The directory down: a clear Persian sentence, and the local admin still gets in.
        subprocess.run([LDAP_SERVER, "pause", self.state], check=True)
        try:
            p.open("/login")
            form = p.form("login")
            p.fill(form, {"username": "hamid.rezaei", "password": "dean-password"})
            p.submit(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
            self.assertIn("سامانهٔ حساب‌های دانشگاه اکنون پاسخ نمی‌دهد", p.main().text)
            p.shot("fa-31-directory-down")
            p.sign_in("admin", "fa")
            p.sign_out()
        finally:
            subprocess.run([LDAP_SERVER, "resume", self.state, str(self.ldap_port)], check=True)


if __name__ == "__main__":
    unittest.main()
