"""What the browser tests share: a real `osic serve` on loopback with the shipped
workflows and demo people, and a headless Chromium driven through Debian's chromedriver."""
import os
import base64
import hashlib
import json
import re
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_certificate(folder, name="server", serial=None):
    """A throwaway CA (made once per folder) and a certificate it signs for 127.0.0.1:
    `folder`/ca.pem, `folder`/NAME.pem and NAME.key. Debian's openssl command."""
    ca_key, ca = os.path.join(folder, "ca.key"), os.path.join(folder, "ca.pem")
    run = lambda *args: subprocess.run(["openssl", *args], check=True, capture_output=True)
    if not os.path.exists(ca):
        run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", ca, "-days", "2",
            "-subj", "/CN=OSIC test CA")
    key, csr, cert = (os.path.join(folder, name + ext) for ext in (".key", ".csr", ".pem"))
    ext = os.path.join(folder, "san.cnf")
    with open(ext, "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=127.0.0.1")
    run("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-out", cert, "-days", "2", "-extfile", ext,
        "-set_serial", str(serial or int(time.time() * 1000)))
    return cert, key


def spki_hash(cert):
    """What Chromium's --ignore-certificate-errors-spki-list takes: the base64 SHA-256 of
    the certificate's public key, which pins this one test certificate and no other."""
    pub = subprocess.run(["openssl", "x509", "-in", cert, "-pubkey", "-noout"], check=True, capture_output=True).stdout
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "der"], input=pub, check=True,
                         capture_output=True).stdout
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


class Server:
    """`osic serve --demo` on a fresh SQLite file; the demo passwords are read from the
    tokens file it writes (standard output is not a terminal here). `config`: the text
    of a config file to serve with. `db`: another
    database (a PostgreSQL that several servers share); each start gives the demo people
    new passwords, so use the last server's. With `tls`, over
    HTTPS with a certificate of a throwaway CA (`self.ca`), plain HTTP on
    `self.redirect_port` redirected to it."""

    def __init__(self, osic, tls=False, db=None, config=""):
        self.dir = tempfile.mkdtemp(prefix="osic-browser-")
        self.port = free_port()
        self.tls = tls
        self.base = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"
        tokens = os.path.join(self.dir, "tokens")
        self.log = open(os.path.join(self.dir, "serve.log"), "w")
        extra = []
        self.context = None
        if tls:
            self.cert, self.key = make_certificate(self.dir)
            self.ca = os.path.join(self.dir, "ca.pem")
            self.redirect_port = free_port()
            self.context = ssl.create_default_context(cafile=self.ca)
            # Through the config file, as a packaged server is run: it proves the file is read.
            config = os.path.join(self.dir, "osic.yaml")
            with open(config, "w") as f:
                f.write(f"tls_cert: {self.cert}\ntls_key: {self.key}\nredirect_http: {self.redirect_port}\n")
            extra = ["--config", config]
        elif config:
            # Settings of the config file (the directory's `auth:` section lives only there).
            path = os.path.join(self.dir, "osic.yaml")
            with open(path, "w") as f:
                f.write(config)
            extra = ["--config", path]
        self.proc = subprocess.Popen(
            [osic, "serve", "--db", db or "sqlite:" + os.path.join(self.dir, "osic.db"),
             "--workflows", os.path.join(ROOT, "workflows"), "--listen", f"127.0.0.1:{self.port}",
             "--demo", "--tokens-file", tokens, "--link-key-file", os.path.join(self.dir, "link.key"), *extra],
            stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(300):
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=1, context=self.context)
                break
            except (urllib.error.URLError, ConnectionError):
                if self.proc.poll() is not None:
                    raise RuntimeError("osic serve exited: " + open(self.log.name).read())
                time.sleep(0.05)
        with open(tokens) as f:
            text = f.read()
        self.passwords = dict(re.findall(r"^  (\S+)  (demo-\S+)$", text, re.M))
        if "staff" not in self.passwords:
            raise RuntimeError("no demo passwords in " + tokens)

    def tokens(self):
        """The demo people's bearer tokens, by role."""
        with open(os.path.join(self.dir, "tokens")) as f:
            return dict(re.findall(r"^demo user (\S+) \(role \S+\): (\S+)$", f.read(), re.M))

    def api(self, role, path, body):
        """POSTs JSON to the API as the demo person of `role`; the answer's JSON."""
        if not hasattr(self, "_tokens"):
            self._tokens = self.tokens()
        request = urllib.request.Request(self.base + path, data=json.dumps(body).encode(), method="POST",
                                         headers={"Authorization": "Bearer " + self._tokens[role],
                                                  "Content-Type": "application/json"})
        with urllib.request.urlopen(request, context=self.context) as answer:
            return json.load(answer)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=20)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def fresh_postgres_database():
    """A new database on the tests' PostgreSQL (OSIC_TEST_PG, which ctest sets), as a URL."""
    keywords = dict(part.split("=", 1) for part in os.environ["OSIC_TEST_PG"].split())
    name = "browser_" + hashlib.sha1(os.urandom(8)).hexdigest()[:12]
    subprocess.run(["createdb", "-h", keywords["host"], "-p", keywords["port"], "-U", keywords["user"], name],
                   check=True, capture_output=True)
    return f"postgresql://{keywords['user']}@{keywords['host']}:{keywords['port']}/{name}"


def browser(javascript=True, trust_cert=None):
    """Headless Chromium; with `javascript=False` the pages' script never runs, as for a
    person who has it turned off: every core flow must still work. `trust_cert`: a test
    server's certificate, pinned by its key, for HTTPS."""
    options = webdriver.ChromeOptions()
    if trust_cert:
        options.add_argument("--ignore-certificate-errors-spki-list=" + spki_hash(trust_cert))
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1000",
                "--disable-dev-shm-usage", "--lang=fa"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.implicitly_wait(0)
    return driver


class Page:
    """One person's browser session against the server."""

    def __init__(self, server, driver, shots):
        self.server = server
        self.d = driver
        self.shots = shots

    def submit(self, button):
        """Clicks a form's button and waits for the page it leads to."""
        old = self.d.find_element(By.TAG_NAME, "html")
        button.click()
        self.wait_for_new_page(old)

    def enter(self, element):
        """Presses Enter on the focused element and waits for the next page."""
        from selenium.webdriver.common.keys import Keys
        old = self.d.find_element(By.TAG_NAME, "html")
        element.send_keys(Keys.ENTER)
        self.wait_for_new_page(old)

    def wait_for_new_page(self, old):
        def replaced(driver):
            try:
                old.is_enabled()
                return False
            except WebDriverException:  # stale, or "does not belong to the document"
                return driver.execute_script("return document.readyState") == "complete"
        WebDriverWait(self.d, 15).until(replaced)

    def open(self, path):
        self.d.get(self.server.base + path)

    def shot(self, name):
        os.makedirs(self.shots, exist_ok=True)
        self.d.save_screenshot(os.path.join(self.shots, name + ".png"))

    def sign_in(self, user, lang="fa"):
        self.d.delete_all_cookies()
        self.open("/login?lang=" + lang)
        self.d.find_element(By.NAME, "username").send_keys(user)
        self.d.find_element(By.NAME, "password").send_keys(self.server.passwords[user])
        self.submit(self.d.find_element(By.CSS_SELECTOR, "form[data-action=login] button"))
        assert self.d.current_url.endswith("/inbox"), self.d.current_url
        # The language is remembered per person: switch it in the app when it differs.
        if self.d.find_element(By.TAG_NAME, "html").get_attribute("lang") != lang:
            self.submit(self.d.find_element(By.CSS_SELECTOR, "form[action='/settings/language'] button"))
            assert self.d.current_url.endswith("/inbox"), self.d.current_url
        self.check_lang(lang)

    def sign_out(self):
        self.submit(self.d.find_element(By.CSS_SELECTOR, "form[data-action=logout] button"))
        assert "/login" in self.d.current_url, self.d.current_url

    def check_lang(self, lang):
        html = self.d.find_element(By.TAG_NAME, "html")
        assert html.get_attribute("lang") == lang, html.get_attribute("lang")
        assert html.get_attribute("dir") == ("rtl" if lang == "fa" else "ltr")

    def main(self):
        return self.d.find_element(By.TAG_NAME, "main")

    def state(self):
        return self.main().get_attribute("data-state")

    def case_id(self):
        return self.main().get_attribute("data-case-id")

    def form(self, action):
        return self.d.find_element(By.CSS_SELECTOR, f"form[data-action={action}]")

    def fill(self, form, values):
        for name, value in values.items():
            el = form.find_element(By.NAME, name)
            if el.tag_name == "select":
                el.find_element(By.CSS_SELECTOR, f"option[value='{value}']").click()
            elif el.get_attribute("type") == "file":
                el.send_keys(value)  # a path; a file input cannot be cleared
            else:
                el.clear()
                el.send_keys(value)

    def act(self, action, values=None):
        form = self.form(action)
        self.fill(form, values or {})
        self.submit(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))

    def upload(self, field, path):
        """Chooses a file for a file field's upload form and sends it."""
        form = self.d.find_element(By.CSS_SELECTOR, f"form.upload[data-field={field}]")
        form.find_element(By.NAME, "file").send_keys(path)
        self.submit(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))

    def field_error(self, form_action, field):
        form = self.form(form_action)
        return form.find_element(By.CSS_SELECTOR, f"[name={field}]").find_element(
            By.XPATH, "./following-sibling::span[contains(@class,'field-error')]").text

    def cookie(self, name):
        c = self.d.get_cookie(name)
        return c["value"] if c else None


def post(server, path, fields, session_cookie):
    """A POST outside the browser, with the session's cookie: what a forged form sends."""
    data = urllib.parse.urlencode(fields).encode()
    req = urllib.request.Request(server.base + path, data=data, method="POST",
                                 headers={"Cookie": "osic_session=" + session_cookie,
                                          "Content-Type": "application/x-www-form-urlencoded"})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    handlers = [NoRedirect()]
    if server.context:
        handlers.append(urllib.request.HTTPSHandler(context=server.context))
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


def get(server, path, session_cookie=None, raw=False):
    """GET as the given session; the body as text, or as bytes with `raw`."""
    headers = {"Cookie": "osic_session=" + session_cookie} if session_cookie else {}
    req = urllib.request.Request(server.base + path, headers=headers)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    handlers = [NoRedirect()]
    if server.context:
        handlers.append(urllib.request.HTTPSHandler(context=server.context))
    try:
        with urllib.request.build_opener(*handlers).open(req, timeout=10) as r:
            body = r.read()
            return r.status, dict(r.headers), body if raw else body.decode()
    except urllib.error.HTTPError as e:
        body = e.read()
        return e.code, dict(e.headers), body if raw else body.decode()
