"""HTTPS in the server (issue 33): a throwaway CA's certificate served on the same port,
TLS 1.2 and later only, plain HTTP redirected, cookies Secure with the __Host- prefix, a
renewed certificate taken on SIGHUP without a restart, and the web app in Chromium over
HTTPS. Loopback only.

Run by scripts/test through ctest: /usr/bin/python3 -m unittest tests/browser/test_https.py"""
import http.client
import os
import shutil
import signal
import socket
import ssl
import sys
import time
import unittest

from selenium.webdriver.common.by import By

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import osic_browser as ob  # noqa: E402
import test_web_app as web_app  # noqa: E402  (a module: its classes are not collected here)

OSIC = os.environ.get("OSIC", os.path.join(ob.ROOT, "build/release/cli/osic"))
SHOTS = os.environ.get("OSIC_SCREENSHOTS", os.path.join(ob.ROOT, "build/release/screenshots"))


def served_serial(port, ca):
    """The serial number of the certificate a new TLS connection is given."""
    context = ssl.create_default_context(cafile=ca)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        with context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
            return tls.getpeercert()["serialNumber"]


class Https(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = ob.Server(OSIC, tls=True)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_the_certificate_is_checked_and_old_protocols_are_refused(self):
        s = self.server
        status, _, body = ob.get(s, "/healthz")
        self.assertEqual(status, 200)
        self.assertIn("ok", body)
        # A client that does not trust the CA refuses the server, as it should.
        with self.assertRaises(ssl.SSLCertVerificationError):
            ssl.create_default_context().wrap_socket(socket.create_connection(("127.0.0.1", s.port)),
                                                     server_hostname="127.0.0.1")
        for old in (ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1):
            context = ssl.create_default_context(cafile=s.ca)
            context.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
            context.maximum_version = old
            try:
                context.set_ciphers("DEFAULT:@SECLEVEL=0")
            except ssl.SSLError:
                pass
            with self.assertRaises((ssl.SSLError, ConnectionResetError)):
                with socket.create_connection(("127.0.0.1", s.port), timeout=5) as raw:
                    context.wrap_socket(raw, server_hostname="127.0.0.1")
        context = ssl.create_default_context(cafile=s.ca)
        context.maximum_version = ssl.TLSVersion.TLSv1_2
        with socket.create_connection(("127.0.0.1", s.port), timeout=5) as raw:
            with context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
                self.assertEqual(tls.version(), "TLSv1.2")
        # Plain HTTP on the HTTPS port gets no answer in the clear.
        conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=5)
        with self.assertRaises((http.client.HTTPException, ConnectionError, OSError)):
            conn.request("GET", "/healthz")
            conn.getresponse().read()

    def test_plain_http_is_redirected_to_the_same_path_over_https(self):
        s = self.server
        conn = http.client.HTTPConnection("127.0.0.1", s.redirect_port, timeout=5)
        conn.request("GET", "/cases?q=%D8%B3%D9%88%D8%B1%D8%A8%D9%86", headers={"Host": "127.0.0.1:" + str(s.redirect_port)})
        r = conn.getresponse()
        self.assertEqual(r.status, 308)
        self.assertEqual(r.getheader("Location"), f"https://127.0.0.1:{s.port}/cases?q=%D8%B3%D9%88%D8%B1%D8%A8%D9%86")
        # A crafted Host cannot send the browser to another site.
        conn = http.client.HTTPConnection("127.0.0.1", s.redirect_port, timeout=5)
        conn.request("GET", "/", headers={"Host": "evil.example/@x"})
        self.assertEqual(conn.getresponse().getheader("Location"), f"https://127.0.0.1:{s.port}/")

    def test_a_renewed_certificate_is_served_after_sighup_without_a_restart(self):
        s = self.server
        before = served_serial(s.port, s.ca)
        cert, key = ob.make_certificate(s.dir, "renewed", serial=4242)
        shutil.copyfile(cert, s.cert)
        shutil.copyfile(key, s.key)
        s.proc.send_signal(signal.SIGHUP)
        for _ in range(100):
            if served_serial(s.port, s.ca) != before:
                break
            time.sleep(0.05)
        self.assertEqual(served_serial(s.port, s.ca), "1092")  # 4242 in hex
        self.assertIsNone(s.proc.poll())
        # A broken file on the next SIGHUP keeps the renewed certificate in force.
        with open(s.key, "w") as f:
            f.write("not a key")
        s.proc.send_signal(signal.SIGHUP)
        time.sleep(0.5)
        self.assertEqual(served_serial(s.port, s.ca), "1092")
        shutil.copyfile(key, s.key)
        self.assertEqual(ob.get(s, "/healthz")[0], 200)

    def test_the_web_app_over_https_with_a_secure_host_only_session(self):
        s = self.server
        d = ob.browser(trust_cert=s.cert)
        try:
            p = ob.Page(s, d, SHOTS)
            p.sign_in("staff", "fa")
            cookie = d.get_cookie("__Host-osic_session")
            self.assertIsNotNone(cookie, d.get_cookies())
            self.assertTrue(cookie["secure"])
            self.assertTrue(cookie["httpOnly"])
            self.assertIsNone(d.get_cookie("osic_session"))
            p.open("/cases/new?workflow=agreement")
            p.act("start", {"title": "تفاهم‌نامه از راه HTTPS", "partner": "دانشگاه لیون", "country": "FR"})
            self.assertEqual(p.state(), "draft")
            self.assertTrue(d.current_url.startswith("https://127.0.0.1:"))
            p.shot("fa-https-case")
            p.sign_out()
        finally:
            d.quit()


class WalkOverHttps(web_app.WebApp):
    """The web app's main flow, an agreement walked from draft to active by six people with
    an upload, over HTTPS: the same test as over plain HTTP, on a TLS server."""

    @classmethod
    def setUpClass(cls):
        cls.server = ob.Server(OSIC, tls=True)
        cls.driver = ob.browser(trust_cert=cls.server.cert)
        cls.page = ob.Page(cls.server, cls.driver, SHOTS)
        cls.driver_without_js = ob.browser(javascript=False, trust_cert=cls.server.cert)

    def test_agreement_walk_in_persian(self):
        super().test_agreement_walk_in_persian()
        self.assertTrue(self.page.d.current_url.startswith("https://127.0.0.1:"))


# Only the walk runs over HTTPS here; the rest of the web app's tests run over HTTP.
for name in dir(web_app.WebApp):
    if name.startswith("test_") and name != "test_agreement_walk_in_persian":
        setattr(WalkOverHttps, name, None)


if __name__ == "__main__":
    unittest.main()
