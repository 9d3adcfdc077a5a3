#!/usr/bin/env python3
"""A Docker registry token server for tests (74-images-token): the `auth: token:` flow.

tokenserver.py PORT KEY CERT ISSUER LOG USER:PASSWORD
GET /token?service=S&scope=repository:NAME:ACTIONS (scope may repeat) answers
{"token": JWT, "access_token": JWT} with a JWT signed RS256 by KEY (openssl does the
signing), the certificate CERT in its x5c header (the registry checks it against its
rootcertbundle). Who gets what:
  anonymous          pull, on any repository but private/*
  USER (Basic auth)  what it asks for, but only pull on readonly/*
  a wrong password   HTTP 401
Each request is logged to LOG: "ACCOUNT SCOPE GRANTED".
"""
import base64
import http.server
import json
import os
import subprocess
import sys
import time
import urllib.parse

PORT, KEY, CERT, ISSUER, LOG, ACCOUNT = sys.argv[1:7]
USER, PASSWORD = ACCOUNT.split(":", 1)


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def cert_der():
    pem = open(CERT).read()
    body = pem.split("-----BEGIN CERTIFICATE-----")[1].split("-----END CERTIFICATE-----")[0]
    return "".join(body.split())  # x5c holds standard base64 of the DER


def sign(claims):
    head = {"typ": "JWT", "alg": "RS256", "x5c": [cert_der()]}
    msg = (b64(json.dumps(head).encode()) + "." + b64(json.dumps(claims).encode())).encode()
    sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", KEY], input=msg,
                         capture_output=True, check=True).stdout
    return msg.decode() + "." + b64(sig)


def grant(who, scope):
    parts = scope.split(":")
    if len(parts) != 3 or parts[0] != "repository":
        return None
    name, asked = parts[1], parts[2].split(",")
    if who is None:
        allowed = [] if name.startswith("private/") else ["pull"]
    else:
        allowed = ["pull"] if name.startswith("readonly/") else asked
    return {"type": "repository", "name": name, "actions": [a for a in asked if a in allowed]}


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def account(self):
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Basic "):
            return None, True
        user, _, pw = base64.b64decode(auth[6:]).decode().partition(":")
        return user, user == USER and pw == PASSWORD

    def answer(self, status, obj):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        q = urllib.parse.parse_qs(url.query)
        who, ok = self.account()
        scopes = q.get("scope", [])
        if url.path != "/token" or not ok:
            with open(LOG, "a") as f:
                f.write("%s %s refused\n" % (who, " ".join(scopes) or "-"))
            return self.answer(401, {"errors": [{"code": "UNAUTHORIZED",
                                                 "message": "wrong user name or password"}]})
        access = [a for a in (grant(who, s) for s in scopes) if a]
        now = int(time.time())
        tok = sign({"iss": ISSUER, "sub": who or "", "aud": q.get("service", [""])[0],
                    "exp": now + 300, "nbf": now - 10, "iat": now,
                    "jti": b64(os.urandom(12)), "access": access})
        with open(LOG, "a") as f:
            for s in scopes or ["-"]:
                a = grant(who, s) or {"actions": []}
                f.write("%s %s %s\n" % (who or "anonymous", s, ",".join(a["actions"]) or "-"))
        self.answer(200, {"token": tok, "access_token": tok, "expires_in": 300})


http.server.ThreadingHTTPServer(("127.0.0.1", int(PORT)), Handler).serve_forever()
