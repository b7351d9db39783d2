"""An aiosmtpd handler that refuses every recipient with 550, for the outbox tests."""


class Reject:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return "550 5.1.1 <%s>: mailbox unavailable" % address


class RejectHamid:
    """Refuses one recipient only, so a test can see the others still served."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == "hamid@uni.ac.ir":
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"
