"""An aiosmtpd handler that refuses every recipient with 550, for the outbox tests."""


class Reject:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return "550 5.1.1 <%s>: mailbox unavailable" % address
