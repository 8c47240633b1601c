"""Message providers on loopback for the senders' tests: an HTTP SMS provider that is up or down, and an SMTP relay.

    provider = SmsProvider()      # provider.url for PORTAL_SMS_URL; provider.accepted: the {to, body} it took
    relay = SmtpRelay()           # relay.host for PORTAL_SMTP_HOST; relay.received: each message as sent
    provider.close(); relay.close()
"""
import json
import socketserver
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class SmsProvider:
    """An SMS provider on loopback that is up or down (503); it keeps what it accepted and counts every call."""

    def __init__(self):
        self.up, self.calls, self.accepted, self.delay = True, 0, [], 0.0
        self.lock = threading.Lock()
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                time.sleep(provider.delay)
                with provider.lock:
                    provider.calls += 1
                    if provider.up:
                        provider.accepted.append(body)
                self.send_response(202 if provider.up else 503)
                self.end_headers()

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/messages"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class SmtpRelay:
    """Just enough SMTP to accept messages; it keeps each one as sent (headers and body, lines joined by \\n)."""

    def __init__(self):
        received = self.received = []

        class Relay(socketserver.StreamRequestHandler):
            def handle(self):
                self.wfile.write(b"220 relay\r\n")
                data = None
                for raw in self.rfile:
                    line = raw.decode().rstrip("\r\n")
                    if data is not None:
                        if line == ".":
                            received.append("\n".join(data))
                            data = None
                            self.wfile.write(b"250 queued\r\n")
                        else:
                            data.append(line[1:] if line.startswith("..") else line)  # SMTP's dot-stuffing
                    elif line.upper().startswith("EHLO"):
                        self.wfile.write(b"250 relay\r\n")
                    elif line.upper() == "DATA":
                        data = []
                        self.wfile.write(b"354 go on\r\n")
                    elif line.upper() == "QUIT":
                        self.wfile.write(b"221 bye\r\n")
                        return
                    else:
                        self.wfile.write(b"250 ok\r\n")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Relay)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.host = f"127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
