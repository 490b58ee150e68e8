"""What the web tests share: a client that talks to baton serve as a browser would (its own Origin
on every form, cookies, a language), the login, the hidden fields of a form, and the one line per
check that the shell side counts (ok / FAIL)."""
import http.client
import re
import urllib.parse

CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'"


def check(what, ok):
    print(("ok" if ok else "FAIL"), what, flush=True)


def header(h, name):
    return [v for k, v in h if k == name]


def form_fields(html, action):
    """The hidden inputs of the form posting to action (its anti-forgery token among them), or None."""
    m = re.search(r'<form method="post" action="' + re.escape(action) + r'">(.*?)</form>', html, re.S)
    if not m:
        return None
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', m.group(1)))


class Web:
    def __init__(self, port, lang="da"):
        self.port, self.lang = port, lang
        self.origin = f"http://127.0.0.1:{port}"

    def req(self, method, path, form=None, cookies=None, lang=None, origin_header="same", raw_body=None, ctype=None,
            headers=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        h = {"Accept-Language": lang or self.lang, "Host": f"127.0.0.1:{self.port}", **(headers or {})}
        if cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        body = raw_body
        if form is not None:
            body = urllib.parse.urlencode(form)
        if body is not None:
            h["Content-Type"] = ctype or "application/x-www-form-urlencoded"
            if origin_header:
                h["Origin"] = self.origin if origin_header == "same" else origin_header
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read().decode("utf-8", "replace")
        return r.status, [(k.lower(), v) for k, v in r.getheaders()], data

    def login(self, who, password):
        """The session token of a login with a password (None if it was refused)."""
        s, h, d = self.req("GET", "/login")
        pre = re.search(r"baton_pre=([^;]+)", " ".join(header(h, "set-cookie"))).group(1)
        csrf = form_fields(d, "/login")["csrf"]
        s, h, _ = self.req("POST", "/login", {"csrf": csrf, "staff": who, "password": password}, {"baton_pre": pre})
        toks = [re.search(r"baton_session=([^;]*)", v).group(1) for v in header(h, "set-cookie")
                if v.startswith("baton_session=")]
        return toks[0] if s == 303 and toks else None

    def get(self, path, tok):
        return self.req("GET", path, cookies={"baton_session": tok})

    def post(self, path, form, tok):
        return self.req("POST", path, form, cookies={"baton_session": tok})

    def submit(self, page_path, action, values, tok):
        """Opens page_path, takes the hidden fields of its form posting to action, adds values, and
        posts it: (status, headers, body), or (0, [], why) when the page has no such form."""
        s, _, d = self.get(page_path, tok)
        fields = form_fields(d, action)
        if fields is None:
            return 0, [], f"{page_path} ({s}) has no form to {action}"
        fields.update(values)
        return self.post(action, fields, tok)


def said(html):
    """The words of the page's error (its class="error" element), or "" when it has none or it is
    empty: a refusal must say what is wrong."""
    m = re.search(r'class="error"[^>]*>([^<]+)<', html)
    return m.group(1).strip() if m else ""
