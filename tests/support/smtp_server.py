"""aiosmtpd for the e-mail tests, in the two set-ups its command line lacks:
   smtp_server.py PORT MAILDIR auth          -- requires AUTH (user osic, password s3cret)
   smtp_server.py PORT MAILDIR tls CERT KEY  -- implicit TLS from the first byte
"""
import signal
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"osic" and auth_data.password == b"s3cret"
    return AuthResult(success=ok)


port, maildir, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3]
if mode == "auth":
    controller = Controller(Mailbox(maildir), hostname="127.0.0.1", port=port, authenticator=authenticator,
                            auth_required=True, auth_require_tls=False)
else:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(sys.argv[4], sys.argv[5])
    controller = Controller(Mailbox(maildir), hostname="127.0.0.1", port=port, ssl_context=context)
controller.start()
signal.sigwait([signal.SIGTERM, signal.SIGINT])
controller.stop()
