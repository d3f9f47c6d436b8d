"""The workstation's local UI: Starlette and Jinja2 on loopback, on top of :class:`Desk`.

``peluit-ws ui DIR`` serves it on ``127.0.0.1:8765`` and refuses any other
address. What protects it, and why:

- **Loopback only, and only our Host.** The server binds 127.0.0.1 (or ::1);
  every request whose ``Host`` header is not that address (or ``localhost``)
  with our port is refused, so a web page whose name an attacker rebinds to
  127.0.0.1 (DNS rebinding) cannot talk to it.
- **The unit passphrase is the login.** Nothing is readable until the key
  file opens (:meth:`Desk.open`). The session token is random for each run and
  each login, held only in memory, and sent as an ``HttpOnly``,
  ``SameSite=Strict`` cookie; another local user or process must know the
  passphrase as well.
- **CSRF token on every POST**, and a POST must come from our own origin:
  ``Origin`` (or ``Referer`` when there is no ``Origin``) names our loopback
  address; another site, another port or ``Origin: null`` is refused. Pages
  send ``Referrer-Policy: same-origin`` so that the browser names our origin
  on our own forms (:mod:`workstation.ui.security`).
- **The online CSP**, without any script: the UI needs no JavaScript.
- **Autoescaping everywhere.** Decrypted text from reporters is data: no
  template marks it safe, so ``<script>`` and ``{{7*7}}`` show as typed.
  Control and bidi characters show as ``<U+202E>`` markers, as on the
  terminal (:mod:`workstation.terminal`), never obeyed.

Handlers are ``async`` on purpose: the Desk's SQLite connection belongs to the
thread that opened it, and async handlers all run on the event loop's thread.
A local single-user tool loses nothing by that.
"""
