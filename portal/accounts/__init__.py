"""Accounts apart from the web: passwords and second factors, sign-in steps, sessions and known devices."""

# The one place besides the audit sealer and the outbox worker that commits on its own: a code used once, an attempt
# counted, a session made or ended is a security claim that must hold even when the page after it fails, so each is
# committed where it is made (a rollback of the request must not give a guesser the attempt back).
