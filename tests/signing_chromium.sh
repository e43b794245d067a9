#!/usr/bin/env bash
# The public lease-signing page in a real browser: headless Chromium driven through ChromeDriver's
# W3C WebDriver HTTP API (curl + python3, no other tools) against a real unitcycle-server on a
# fresh PostgreSQL database. A manager creates a TX property, a unit, a template and a lease over
# the API and sends it for signing; the tenant reads every page (scrolled into view: the page
# counts them), types a name, consents and signs; the property manager draws a signature on the
# canvas with pointer actions. Checks the recorded user agent and address, the refused re-use of
# a link, an unknown link's 404, the fully signed lease, its stored PDF (sha256 of the blob) and
# the certificate naming that hash, and the unit turned occupied.
# Uses target/debug/unitcycle-server from the workspace build of scripts/test (builds nothing).
# Skips (exit 0, with a message) when Chromium, ChromeDriver or the server binary is missing.
set -euo pipefail
export LC_ALL=C.UTF-8
cd "$(dirname "$0")/.."

SCRIPT="tests/$(basename "$0")"
skip() { echo "SKIP $SCRIPT: $*"; exit 0; }

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver || echo /usr/bin/chromedriver)}"
SERVER="${UNITCYCLE_SERVER_BIN:-${CARGO_TARGET_DIR:-$PWD/target}/debug/unitcycle-server}"
[ -x "$CHROMIUM" ] || skip "Chromium is not installed ($CHROMIUM; apt-get install chromium)"
[ -x "$CHROMEDRIVER" ] || skip "ChromeDriver is not installed (apt-get install chromium-driver)"
[ -x "$SERVER" ] || skip "no server binary at $SERVER (cargo build --workspace --all-targets --locked)"
command -v python3 >/dev/null || skip "python3 is not installed"
# The interpreter itself, not a version manager's shim: it runs a few hundred times.
PY="$(python3 -c 'import sys; print(sys.executable)')"
command -v curl >/dev/null || skip "curl is not installed"

started=$SECONDS
WORK="$(mktemp -d)"
DBNAME="uc_sign_$$"
PGCONN="host=127.0.0.1 port=5432 user=postgres"
SERVER_PID="" DRIVER_PID="" SID="" WD="" API=""

cleanup() {
    if [ -n "$SID" ] && [ -n "$WD" ]; then curl -s -m 5 -X DELETE "$WD/session/$SID" >/dev/null 2>&1 || true; fi
    for p in "$DRIVER_PID" "$SERVER_PID"; do
        [ -n "$p" ] && kill "$p" 2>/dev/null || true
    done
    for p in "$DRIVER_PID" "$SERVER_PID"; do
        [ -n "$p" ] && wait "$p" 2>/dev/null || true
    done
    dropdb -h 127.0.0.1 -U postgres --if-exists "$DBNAME" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT
MAIN_PID=$$
trap 'exit 1' TERM

# Prints to stderr (it may run inside a command substitution) and ends the whole script, also
# from a subshell.
fail() {
    {
        echo "FAIL $SCRIPT: $*"
        echo "---- server log (tail) ----"
        tail -n 30 "$WORK/server.log" 2>/dev/null || true
        echo "---- chromedriver log (tail) ----"
        tail -n 10 "$WORK/driver.log" 2>/dev/null || true
        if [ -n "$SID" ]; then
            echo "---- page source (first 3000 characters) ----"
            curl -s -m 5 "$WD/session/$SID/source" 2>/dev/null | "$PY" -c \
                'import json, sys; print(json.load(sys.stdin).get("value", "")[:3000])' 2>/dev/null || true
        fi
    } >&2
    [ "$BASHPID" = "$MAIN_PID" ] || kill -TERM "$MAIN_PID"
    exit 1
}

# A free TCP port on 127.0.0.1.
free_port() {
    "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
# `jv EXPR`: EXPR (Python, over the JSON `v` read from stdin), printed (dicts and lists as JSON).
jv() {
    "$PY" -c '
import json, sys
v = json.load(sys.stdin)
r = eval(sys.argv[1])
print(json.dumps(r) if isinstance(r, (dict, list)) else ("" if r is None else r))' "$1"
}
# `json K V K V …`: a JSON object of string values (values starting with `@` are raw JSON).
json_obj() {
    "$PY" -c '
import json, sys
a = sys.argv[1:]
print(json.dumps({a[i]: (json.loads(a[i + 1][1:]) if a[i + 1].startswith("@") else a[i + 1]) for i in range(0, len(a), 2)}))' "$@"
}

# ---- The API: `api METHOD PATH [BODY]` prints the body; the status is in $WORK/status.
TOKEN=""
api() {
    local m="$1" p="$2" b="${3:-}"
    local args=(-s -m 30 -o "$WORK/body" -w '%{http_code}' -X "$m" -H 'Accept: application/json')
    [ -n "$TOKEN" ] && args+=(-H "Authorization: Bearer $TOKEN")
    [ -n "$b" ] && args+=(-H 'Content-Type: application/json' --data-binary "$b")
    curl "${args[@]}" "$API$p" >"$WORK/status" || fail "curl $m $p did not complete"
    cat "$WORK/body"
}
status() { cat "$WORK/status"; }
# `expect_status CODE WHAT`: the last call answered CODE.
expect_status() {
    [ "$(status)" = "$1" ] || fail "$2: expected HTTP $1, got $(status): $(head -c 800 "$WORK/body")"
}

# ---- WebDriver: `wd METHOD PATH [BODY]` prints the answer's `value` (as JSON) and fails on an error.
wd() {
    local m="$1" p="$2" b="${3:-}" out
    if [ -n "$b" ]; then
        out="$(curl -s -m 60 -X "$m" -H 'Content-Type: application/json' --data-binary "$b" "$WD$p")" \
            || fail "WebDriver $m $p did not answer"
    else
        out="$(curl -s -m 60 -X "$m" "$WD$p")" || fail "WebDriver $m $p did not answer"
    fi
    printf '%s' "$out" | "$PY" -c '
import json, sys
try:
    v = json.load(sys.stdin).get("value")
except ValueError:
    sys.exit("not JSON")
if isinstance(v, dict) and v.get("error"):
    sys.exit("%s: %s" % (v["error"], str(v.get("message", ""))[:300]))
print(json.dumps(v) if isinstance(v, (dict, list)) else ("" if v is None else v))' 2>"$WORK/wd.err" \
        || fail "WebDriver $m $p: $(cat "$WORK/wd.err") ${out:0:200}"
}
# `js SCRIPT`: the script's return value (executed synchronously in the page).
js() { wd POST "/session/$SID/execute/sync" "$(json_obj script "$1" args @[])"; }
# `element CSS`: the element reference (the W3C key's value).
element() {
    wd POST "/session/$SID/element" "$(json_obj using "css selector" value "$1")" \
        | jv 'v["element-6066-11e4-a52e-4f735466cecf"]'
}
click() { wd POST "/session/$SID/element/$(element "$1")/click" '{}' >/dev/null; }
type_into() { wd POST "/session/$SID/element/$(element "$1")/value" "$(json_obj text "$2")" >/dev/null; }
navigate() { wd POST "/session/$SID/url" "$(json_obj url "$1")" >/dev/null; }
# `wait_js EXPR WHAT [TRIES]`: waits until the JS expression is true (tenths of a second; 10 s).
wait_js() {
    local tries="${3:-100}"
    for _ in $(seq 1 "$tries"); do
        [ "$(js "return !!($1);")" = "True" ] && return 0
        sleep 0.1
    done
    fail "timed out waiting for $2 ($1)"
}

# `pdf_last_page_contains PDF TEXT…`: the last page's text (pdftotext is not needed: printpdf
# writes Flate streams and Type0 fonts with ToUnicode CMaps, decoded here) contains every TEXT.
pdf_last_page_contains() {
    "$PY" - "$@" <<'PY'
# The text of each page of the PDF (printpdf's output: Flate streams, Type0 fonts with ToUnicode
# CMaps, hex strings shown with Tj/TJ); checks that the last page contains every argument.
import re, sys, zlib
data = open(sys.argv[1], "rb").read()
objs = {int(m.group(1)): m.group(2) for m in re.finditer(rb"(\d+) 0 obj(.*?)endobj", data, re.S)}
def dict_of(n): return objs[n].split(b"stream")[0]
def stream(n):
    raw = re.search(rb"stream\r?\n(.*?)\r?\nendstream", objs[n], re.S).group(1)
    return zlib.decompress(raw) if b"FlateDecode" in dict_of(n) else raw
def ref(d, key):
    m = re.search(rb"/" + key + rb"\s*(\d+) 0 R", d)
    return int(m.group(1)) if m else None
def cmap(n):
    out, text = {}, stream(n).decode("latin-1")
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            out[int(src, 16)] = bytes.fromhex(dst).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for lo, hi, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            for i, c in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                out[c] = chr(int(dst, 16) + i)
    return out
pages_obj = next(n for n in objs if re.search(rb"/Type\s*/Pages\b", dict_of(n)))
kids = [int(k) for k in re.findall(rb"(\d+) 0 R", re.search(rb"/Kids\s*\[(.*?)\]", dict_of(pages_obj), re.S).group(1))]
texts = []
for page in kids:
    d = dict_of(page)
    res = ref(d, b"Resources")
    res_d = dict_of(res) if res else d
    fonts_n = ref(res_d, b"Font")
    fonts = {}
    for name, n in re.findall(rb"/([^\s/<>\[\]()]+)\s*(\d+) 0 R", dict_of(fonts_n)):
        tu = ref(dict_of(int(n)), b"ToUnicode")
        fonts[name] = cmap(tu) if tu else {}
    content = stream(ref(d, b"Contents")).decode("latin-1")
    font, lines = {}, []
    for m in re.finditer(r"/(\S+)\s+[\d.]+\s+Tf|\[((?:[^\]])*)\]\s*TJ|<([0-9A-Fa-f]*)>\s*Tj", content):
        if m.group(1):
            font = fonts.get(m.group(1).encode("latin-1"), {})
            continue
        hexes = re.findall(r"<([0-9A-Fa-f]*)>", m.group(2)) if m.group(2) is not None else [m.group(3)]
        h = "".join(hexes)
        lines.append("".join(font.get(int(h[i:i + 4], 16), "?") for i in range(0, len(h) - 3, 4)))
    texts.append("\n".join(lines))
last = texts[-1] if texts else ""
missing = [w for w in sys.argv[2:] if w not in last and w not in re.sub(r"\s+", "", last)]
if missing:
    print("the last page does not contain %s; its text:\n%s" % (missing, last[:3000]), file=sys.stderr)
    sys.exit(1)
PY
}

# ---- 1. Database and server.
pg_isready -q -h 127.0.0.1 -p 5432 || fail "PostgreSQL is not up on 127.0.0.1:5432"
createdb -h 127.0.0.1 -U postgres "$DBNAME" || fail "createdb $DBNAME"
DBURL="$PGCONN dbname=$DBNAME"
"$SERVER" --database-url "$DBURL" migrate >"$WORK/migrate.log" 2>&1 || { cat "$WORK/migrate.log"; fail "migrate"; }
"$SERVER" --database-url "$DBURL" create-user --email manager@example.com --password 'sign-it-2027!' --role manager \
    >"$WORK/user.log" 2>&1 || { cat "$WORK/user.log"; fail "create-user"; }

PORT="$(free_port)"
API="http://127.0.0.1:$PORT"
ESIGN_BASE_URL="$API/api/v1/lease-signatures" UNITCYCLE_AI=offline NO_COLOR=1 RUST_LOG="${RUST_LOG:-info}" \
    "$SERVER" --database-url "$DBURL" serve --bind "127.0.0.1:$PORT" --no-scheduler >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
    curl -s -m 2 -o /dev/null "$API/healthz" && break
    kill -0 "$SERVER_PID" 2>/dev/null || fail "the server exited"
    sleep 0.1
done
[ "$(api GET /healthz | jv 'v["status"]')" = "ok" ] || fail "the server does not answer /healthz"

# Chromium is started by ChromeDriver; start the driver now so both come up while the data is made.
DPORT="$(free_port)"
WD="http://127.0.0.1:$DPORT"
"$CHROMEDRIVER" --port="$DPORT" >"$WORK/driver.log" 2>&1 &
DRIVER_PID=$!

TOKEN="$(api POST /api/v1/auth/login/ '{"email":"manager@example.com","password":"sign-it-2027!"}' | jv 'v["token"]')"
expect_status 200 "login"

# ---- 2. The lease, over the API as the manager.
prop="$(api POST /api/v1/properties/ '{"name":"Lone Star Flats","address":"400 Congress Ave","city":"Austin","state":"TX","zip_code":"78701","year_built":1995,"time_zone":"America/Chicago"}')"
expect_status 201 "create the property"
PID_="$(printf '%s' "$prop" | jv 'v["id"]')"
unit="$(api POST /api/v1/units/ "$(json_obj property_id "$PID_" unit_number 101 bedrooms @2 bathrooms 1.0 market_rent 1800.00)")"
expect_status 201 "create the unit"
UNIT="$(printf '%s' "$unit" | jv 'v["id"]')"
tpl="$(api POST /api/v1/lease-templates/ '{"name":"Standard","jurisdiction_state":"TX"}')"
expect_status 201 "create the template"
TPL="$(printf '%s' "$tpl" | jv 'v["id"]')"
terms='{"tenant_name":"Dana Okafor","tenant_email":"dana@example.com","start_date":"2027-01-01","end_date":"2027-12-31","monthly_rent":"1800.00","security_deposit":"1800.00","late_fee":"50.00","grace_days":5,"variables":{"landlord_paid_utilities":"water","floodplain_status":"is not","flood_damage_status":"is not"}}'
lease="$(api POST /api/v1/generated-leases/ "$(json_obj unit_id "$UNIT" template_id "$TPL" lease_terms "@$terms")")"
expect_status 201 "create the lease"
LEASE="$(printf '%s' "$lease" | jv 'v["id"]')"
[ "$(printf '%s' "$lease" | jv 'v["status"]')" = "draft" ] || fail "a new lease is not a draft: $lease"
sent="$(api POST "/api/v1/generated-leases/$LEASE/send-for-signing/" '{"signers":[
    {"signer_role":"tenant","signer_name":"Dana Okafor","signer_email":"dana@example.com"},
    {"signer_role":"property_manager","signer_name":"Alex Manager","signer_email":"manager@example.com"}]}')"
expect_status 200 "send for signing"
TENANT_URL="$(printf '%s' "$sent" | jv '[l["url"] for l in v["signing_links"]][0]')"
MANAGER_URL="$(printf '%s' "$sent" | jv '[l["url"] for l in v["signing_links"]][1]')"
case "$TENANT_URL" in "$API/api/v1/lease-signatures/"*) ;; *) fail "the signing link does not point at this server: $TENANT_URL" ;; esac
case "$MANAGER_URL" in "$API/api/v1/lease-signatures/"*) ;; *) fail "the signing link does not point at this server: $MANAGER_URL" ;; esac
PAGES="$(curl -s -m 10 -H 'Accept: application/json' "$TENANT_URL" | jv 'v["page_count"]')"
[ "$PAGES" -ge 3 ] || fail "expected at least 3 reading pages, got $PAGES"

# ---- 3. The browser.
for _ in $(seq 1 100); do
    [ "$(curl -s -m 2 "$WD/status" 2>/dev/null | jv 'v["value"]["ready"]' 2>/dev/null)" = "True" ] && break
    kill -0 "$DRIVER_PID" 2>/dev/null || fail "chromedriver exited"
    sleep 0.1
done
caps="$("$PY" -c 'import json, sys; print(json.dumps({"capabilities": {"alwaysMatch": {"browserName": "chrome",
    "goog:chromeOptions": {"binary": sys.argv[1], "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
        "--disable-dev-shm-usage", "--window-size=1024,768", "--no-first-run", "--no-default-browser-check"]}}}}))' "$CHROMIUM")"
SID="$(wd POST /session "$caps" | jv 'v["sessionId"]')"
[ -n "$SID" ] || fail "no WebDriver session"

# `sign_in_browser URL NAME KIND`: reads every page, signs (typed or drawn), waits for the thanks.
sign_in_browser() {
    local url="$1" name="$2" kind="$3"
    navigate "$url"
    wait_js "document.getElementById('sign-button')" "the signing page"
    [ "$(js "return document.getElementById('sign-button').disabled;")" = "True" ] \
        || fail "the sign button is enabled before any page was read"
    local total
    total="$(js "return document.querySelectorAll('section.page').length;")"
    [ "$total" = "$PAGES" ] || fail "the page shows $total pages, the JSON says $PAGES"
    for n in $(seq 1 "$total"); do
        js "document.getElementById('page-$n').scrollIntoView({block: 'start'}); return true;" >/dev/null
        sleep 0.15
    done
    wait_js "document.getElementById('pages-viewed').textContent === 'Pages viewed: $total of $total'" \
        "every page counted as viewed"
    if [ "$kind" = typed ]; then
        type_into "#typed-name" "$name"
        wait_js "document.getElementById('typed-preview').textContent === '$name'" "the typed preview"
    else
        click "#kind-drawn"
        wait_js "!document.getElementById('drawn-box').hidden" "the drawing pad"
        js "document.getElementById('signature-pad').scrollIntoView({block: 'center'}); return true;" >/dev/null
        local pad actions
        pad="$(element "#signature-pad")"
        # A stroke across the pad: offsets are from the element's centre (the pad is 500x150 CSS px max).
        actions="$("$PY" -c '
import json, sys
el = {"element-6066-11e4-a52e-4f735466cecf": sys.argv[1]}
pts = [(-150, 20), (-110, -30), (-70, 25), (-30, -35), (10, 30), (50, -25), (90, 20), (140, -10)]
seq = [{"type": "pointerMove", "duration": 0, "origin": el, "x": pts[0][0], "y": pts[0][1]},
       {"type": "pointerDown", "button": 0}]
seq += [{"type": "pointerMove", "duration": 40, "origin": el, "x": x, "y": y} for x, y in pts[1:]]
seq += [{"type": "pointerUp", "button": 0}]
print(json.dumps({"actions": [{"type": "pointer", "id": "pen", "parameters": {"pointerType": "mouse"}, "actions": seq}]}))' "$pad")"
        wd POST "/session/$SID/actions" "$actions" >/dev/null
        wd DELETE "/session/$SID/actions" >/dev/null
        # Ink on the canvas: some pixel is not transparent.
        wait_js "(function(){var c=document.getElementById('signature-pad');var d=c.getContext('2d').getImageData(0,0,c.width,c.height).data;for(var i=3;i<d.length;i+=4){if(d[i]>0)return true;}return false;})()" \
            "ink on the signature pad"
    fi
    [ "$(js "return document.getElementById('sign-button').disabled;")" = "True" ] \
        || fail "the sign button is enabled before consent"
    click "#consent"
    wait_js "!document.getElementById('sign-button').disabled" "the sign button enabled"
    click "#sign-button"
    wait_js "document.getElementById('signed-message') || document.getElementById('sign-error').textContent" \
        "the signature's answer" 150
    [ "$(js "return !!document.getElementById('signed-message');")" = "True" ] \
        || fail "the signature was refused: $(js "return document.getElementById('sign-error').textContent;")"
}

sign_in_browser "$TENANT_URL" "Dana Okafor" typed
detail="$(api GET "/api/v1/generated-leases/$LEASE/")"
expect_status 200 "the lease detail"
[ "$(printf '%s' "$detail" | jv 'v["status"]')" = "partially_signed" ] \
    || fail "after the tenant: status $(printf '%s' "$detail" | jv 'v["status"]')"
tsig="$(printf '%s' "$detail" | jv '[s for s in v["signatures"] if s["signer_role"] == "tenant"][0]')"
[ "$(printf '%s' "$tsig" | jv 'v["status"]')" = "signed" ] || fail "the tenant's signature: $tsig"
ua="$(printf '%s' "$tsig" | jv 'v["user_agent"]')"
case "$ua" in *Chrome*) ;; *) fail "the tenant's user agent is not Chrome's: '$ua'" ;; esac
[ "$(printf '%s' "$tsig" | jv 'v["ip_address"]')" = "127.0.0.1" ] || fail "the tenant's address: $tsig"
[ "$(printf '%s' "$tsig" | jv 'v["signature_kind"]')" = "typed" ] || fail "the tenant's signature kind: $tsig"
[ "$(printf '%s' "$tsig" | jv 'v["pages_viewed"]')" = "$("$PY" -c "print(list(range(1, $PAGES + 1)))")" ] \
    || fail "the tenant's pages viewed: $tsig"

# A used link is refused: 400 for a program, the refusal in the browser.
curl -s -m 10 -o "$WORK/used" -w '%{http_code}' -H 'Accept: application/json' "$TENANT_URL" >"$WORK/status"
expect_status 400 "re-opening a used link"
grep -q "has been used" "$WORK/used" || fail "the used link's refusal: $(cat "$WORK/used")"
navigate "$TENANT_URL"
wait_js "document.body && document.body.innerText.indexOf('has been used') >= 0" "the refusal in the browser"
[ "$(js "return !!document.getElementById('sign-button');")" = "False" ] || fail "a used link shows the sign button"
# An unknown link: 404.
curl -s -m 10 -o /dev/null -w '%{http_code}' -H 'Accept: application/json' \
    "$API/api/v1/lease-signatures/$("$PY" -c 'import uuid; print(uuid.uuid4())')/" >"$WORK/status"
expect_status 404 "an unknown signing link"

# ---- The manager signs with a drawn signature.
sign_in_browser "$MANAGER_URL" "Alex Manager" drawn

# ---- 4. Fully signed: the document, its stored hash, the certificate, the unit.
detail="$(api GET "/api/v1/generated-leases/$LEASE/")"
[ "$(printf '%s' "$detail" | jv 'v["status"]')" = "fully_signed" ] \
    || fail "after both: status $(printf '%s' "$detail" | jv 'v["status"]')"
msig="$(printf '%s' "$detail" | jv '[s for s in v["signatures"] if s["signer_role"] == "property_manager"][0]')"
[ "$(printf '%s' "$msig" | jv 'v["signature_kind"]')" = "drawn" ] || fail "the manager's signature kind: $msig"
HASH="$(printf '%s' "$detail" | jv 'v["signed_document_sha256"]')"
[[ "$HASH" =~ ^[0-9a-f]{64}$ ]] || fail "no signed_document_sha256 on the lease: $HASH"
api GET "/api/v1/blobs/$HASH" >/dev/null
expect_status 200 "the stored signed document"
[ "$(sha256sum "$WORK/body" | cut -d' ' -f1)" = "$HASH" ] || fail "the stored document's sha256 is not $HASH"
api GET "/api/v1/generated-leases/$LEASE/document/" >/dev/null
expect_status 200 "the lease's document"
cp "$WORK/body" "$WORK/lease.pdf"
[ "$(head -c 5 "$WORK/lease.pdf")" = "%PDF-" ] || fail "the document is not a PDF"
pdf_last_page_contains "$WORK/lease.pdf" "Certificate of Completion" "Document SHA-256: $HASH" \
    || fail "the final PDF's certificate does not name the hash $HASH"
unit="$(api GET "/api/v1/units/$UNIT/")"
expect_status 200 "the unit"
[ "$(printf '%s' "$unit" | jv 'v["status"]')" = "occupied" ] || fail "the unit is not occupied: $unit"

echo "ok: lease signed in headless Chromium by both signers (typed, drawn; $PAGES pages each, UA and IP recorded, used link refused, unknown link 404), fully signed, PDF hash $HASH on record and on the certificate, unit occupied ($((SECONDS - started)) s)"
