//! The public signing page (served at `GET /api/v1/lease-signatures/{token}/`): the lease split
//! into pages the signer reads, a record of which pages were on screen and for how long, and the
//! signature (typed or drawn) with the consent to sign electronically. Self-contained HTML — no
//! external scripts, styles or fonts — so the page works behind any network policy and nothing
//! outside it sees the token.

use chrono::{DateTime, Utc};

use super::assembly::AssembledLease;

/// Clauses per reading page. The "every page viewed" record counts these pages, so the
/// certificate and the page must agree on it.
pub const PER_PAGE: usize = 4;

/// How many reading pages `pages` makes, without building their HTML.
pub fn page_count(lease: &AssembledLease, addenda: &[(String, String)]) -> usize {
    lease.clauses.len().div_ceil(PER_PAGE) + addenda.len()
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// Paragraph text as HTML: escaped, line breaks kept.
fn text_html(s: &str) -> String {
    esc(s).replace('\n', "<br>")
}

/// The lease split into pages for reading and for the "every page viewed" record: `PER_PAGE`
/// clauses per page, addenda one page each after.
pub fn pages(lease: &AssembledLease, addenda: &[(String, String)]) -> Vec<String> {
    let mut out: Vec<String> = lease
        .clauses
        .chunks(PER_PAGE)
        .map(|chunk| {
            chunk
                .iter()
                .map(|c| {
                    format!(
                        "<div class=\"clause\" id=\"clause-{n}\"><h2>{n}. {}</h2><p>{}</p></div>",
                        esc(&c.clause.title),
                        text_html(&c.text),
                        n = c.number
                    )
                })
                .collect()
        })
        .collect();
    out.extend(addenda.iter().map(|(title, text)| {
        format!("<div class=\"addendum\"><h2>{}</h2><p>{}</p></div>", esc(title), text_html(text))
    }));
    out
}

/// What the signing page shows to one signer.
pub struct SigningView<'a> {
    pub token: &'a str,
    pub title: &'a str,
    pub signer_name: &'a str,
    pub signer_role: &'a str,
    pub expires_at: DateTime<Utc>,
    pub lease: &'a AssembledLease,
    pub addenda: &'a [(String, String)],
    pub already_signed: bool,
}

/// `tenant` → "Tenant", `property_manager` → "Property manager".
pub(crate) fn role_label(role: &str) -> String {
    if role.trim() == "co_tenant" {
        return "Co-tenant".into();
    }
    let words = role.trim().replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A value as a JavaScript string literal that cannot end the `<script>` element it sits in.
fn js_string(s: &str) -> String {
    serde_json::to_string(s)
        .unwrap_or_else(|_| "\"\"".into())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

const STYLE: &str = "\
body{font-family:Georgia,'Times New Roman',serif;color:#1e293b;background:#f1f5f9;margin:0;line-height:1.5}\
header,main,#signing-area,.signed{max-width:46em;margin:0 auto;padding:0 1em}\
header{padding-top:1.5em}h1{color:#0f172a;font-size:1.6em;margin:.2em 0}\
.meta{color:#64748b;font-size:.9em}\
.page{background:#fff;border:1px solid #cbd5e1;border-radius:4px;margin:1.2em auto;padding:1.5em 2em}\
.page-label{color:#64748b;font:12px monospace;text-align:right}\
.page h2{font-size:1.1em;color:#0f172a;margin:1em 0 .3em}\
#status{position:sticky;top:0;background:#0f172a;color:#fff;padding:.5em 1em;font:14px sans-serif;z-index:1}\
#signing-area{background:#fff;border:1px solid #cbd5e1;border-radius:4px;padding:1.2em 2em;margin-bottom:3em;\
font-family:sans-serif}\
#typed-name{font-size:1.1em;padding:.4em;width:20em;max-width:100%}\
#typed-preview{font-family:'Brush Script MT','Segoe Script',cursive;font-size:2em;min-height:1.3em}\
#signature-pad{border:1px dashed #64748b;background:#fff;touch-action:none;width:100%;max-width:500px;\
height:150px;display:block}\
#sign-button{background:#0d9488;color:#fff;border:0;padding:.7em 1.6em;font-size:1em;border-radius:4px}\
#sign-button:disabled{background:#94a3b8}\
#sign-error{color:#b91c1c;margin-top:.8em}#sign-error:empty{display:none}\
#sign-hint{color:#64748b;font-size:.9em}\
#signed-message,.signed{color:#0d9488;font-weight:bold;font-family:sans-serif}\
label{display:block;margin:.5em 0}";

/// The page's script. Placeholders `__TOKEN__` and `__TOTAL__` are filled with a safe JS string
/// literal and a number.
const SCRIPT: &str = r##"
(function () {
  "use strict";
  var TOKEN = __TOKEN__;
  var TOTAL = __TOTAL__;
  var viewed = new Set();
  var seconds = 0;
  var drawn = false;
  var busy = false;
  var $ = function (id) { return document.getElementById(id); };
  var status = $("pages-viewed"), timeEl = $("time-spent"), button = $("sign-button");
  var consent = $("consent"), typed = $("typed-name"), pad = $("signature-pad");
  var kindTyped = $("kind-typed"), kindDrawn = $("kind-drawn");

  function kind() { return kindDrawn.checked ? "drawn" : "typed"; }
  function hasSignature() { return kind() === "drawn" ? drawn : typed.value.trim().length > 0; }

  // The button stays disabled until the record is complete: every page seen, consent, a signature.
  function refresh() {
    status.textContent = "Pages viewed: " + viewed.size + " of " + TOTAL;
    var missing = [];
    if (viewed.size < TOTAL) missing.push("read every page");
    if (!hasSignature()) missing.push(kind() === "drawn" ? "draw your signature" : "type your name");
    if (!consent.checked) missing.push("agree to sign electronically");
    button.disabled = busy || missing.length > 0;
    $("sign-hint").textContent = missing.length ? "To sign: " + missing.join(", ") + "." : "";
  }

  // A page counts as viewed when half of it, or half of the screen, shows it: a page taller than
  // twice the screen never reaches a 0.5 ratio, so several thresholds are watched.
  function seen(e) {
    var root = e.rootBounds ? e.rootBounds.height : window.innerHeight;
    return e.isIntersecting && (e.intersectionRatio >= 0.5 || e.intersectionRect.height >= root * 0.5);
  }
  var sections = document.querySelectorAll("section.page");
  if ("IntersectionObserver" in window) {
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) { if (seen(e)) viewed.add(Number(e.target.dataset.page)); });
      refresh();
    }, { threshold: [0, 0.25, 0.5, 0.75, 1] });
    sections.forEach(function (s) { observer.observe(s); });
  } else {
    var check = function () {
      sections.forEach(function (s) {
        var r = s.getBoundingClientRect();
        var shown = Math.min(r.bottom, window.innerHeight) - Math.max(r.top, 0);
        if (shown >= Math.min(r.height, window.innerHeight) * 0.5) viewed.add(Number(s.dataset.page));
      });
      refresh();
    };
    window.addEventListener("scroll", check);
    check();
  }

  // Time on the page counts only while the tab is visible.
  setInterval(function () {
    if (document.visibilityState === "visible") {
      seconds += 1;
      timeEl.textContent = "Time on page: " + Math.floor(seconds / 60) + " min " + (seconds % 60) + " s";
    }
  }, 1000);

  function showKind() {
    $("typed-box").hidden = kind() !== "typed";
    $("drawn-box").hidden = kind() !== "drawn";
    refresh();
  }
  kindTyped.addEventListener("change", showKind);
  kindDrawn.addEventListener("change", showKind);
  typed.addEventListener("input", function () {
    $("typed-preview").textContent = typed.value;
    refresh();
  });
  consent.addEventListener("change", refresh);

  // Drawing with mouse or finger; canvas pixels are scaled from CSS pixels.
  var ctx = pad.getContext("2d");
  ctx.lineWidth = 2.5;
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
  ctx.strokeStyle = "#0f172a";
  var down = false;
  function point(clientX, clientY) {
    var r = pad.getBoundingClientRect();
    return { x: (clientX - r.left) * (pad.width / r.width), y: (clientY - r.top) * (pad.height / r.height) };
  }
  function start(p) { down = true; ctx.beginPath(); ctx.moveTo(p.x, p.y); }
  function move(p) {
    if (!down) return;
    ctx.lineTo(p.x, p.y);
    ctx.stroke();
    if (!drawn) { drawn = true; refresh(); }
  }
  function end() { down = false; }
  pad.addEventListener("mousedown", function (e) { start(point(e.clientX, e.clientY)); });
  pad.addEventListener("mousemove", function (e) { move(point(e.clientX, e.clientY)); });
  window.addEventListener("mouseup", end);
  pad.addEventListener("touchstart", function (e) {
    e.preventDefault();
    start(point(e.touches[0].clientX, e.touches[0].clientY));
  }, { passive: false });
  pad.addEventListener("touchmove", function (e) {
    e.preventDefault();
    move(point(e.touches[0].clientX, e.touches[0].clientY));
  }, { passive: false });
  pad.addEventListener("touchend", end);
  $("clear-signature").addEventListener("click", function () {
    ctx.clearRect(0, 0, pad.width, pad.height);
    drawn = false;
    refresh();
  });

  button.addEventListener("click", function () {
    if (button.disabled) return;
    var k = kind();
    var body = {
      signature_kind: k,
      signature_data: k === "drawn" ? pad.toDataURL("image/png") : typed.value.trim(),
      consent: true,
      pages_viewed: Array.from(viewed).sort(function (a, b) { return a - b; }),
      time_spent_seconds: seconds
    };
    var error = $("sign-error");
    error.textContent = "";
    busy = true;
    refresh();
    fetch("/api/v1/lease-signatures/" + encodeURIComponent(TOKEN) + "/sign/", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.text().then(function (text) {
        if (r.ok) {
          var done = document.createElement("div");
          done.id = "signed-message";
          done.textContent = "Signed. Thank you \u2014 a copy will be emailed when every party has signed.";
          var area = $("signing-area");
          area.innerHTML = "";
          area.appendChild(done);
          return;
        }
        var message = text;
        try {
          var j = JSON.parse(text);
          message = (j && (j.error || j.message)) || text;
        } catch (ignored) {}
        error.textContent = message || ("The signature was not accepted (" + r.status + ").");
        busy = false;
        refresh();
      });
    }).catch(function () {
      error.textContent = "The signature could not be sent. Check your connection and try again.";
      busy = false;
      refresh();
    });
  });

  showKind();
})();
"##;

/// The signing page for one signer. Every value from the lease or the signer is escaped; the
/// token reaches the script only as a JSON string literal.
pub fn signing_page(v: &SigningView<'_>) -> String {
    let pages = pages(v.lease, v.addenda);
    let total = pages.len();
    let mut h = String::from(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"referrer\" content=\"no-referrer\"><meta name=\"robots\" content=\"noindex\"><title>",
    );
    h.push_str(&esc(v.title));
    h.push_str("</title><style>");
    h.push_str(STYLE);
    h.push_str("</style></head><body><header>");
    h.push_str(&format!("<h1>{}</h1>", esc(v.title)));
    h.push_str(&format!(
        "<p class=\"meta\">For {} ({}). This signing link expires {}.</p></header>",
        esc(v.signer_name),
        esc(&role_label(v.signer_role)),
        v.expires_at.format("%B %-d, %Y at %H:%M UTC")
    ));
    if !v.already_signed {
        h.push_str(&format!(
            "<div id=\"status\"><span id=\"pages-viewed\">Pages viewed: 0 of {total}</span> · \
             <span id=\"time-spent\">Time on page: 0 min 0 s</span></div>"
        ));
    }
    h.push_str("<main>");
    for (i, content) in pages.iter().enumerate() {
        let n = i + 1;
        h.push_str(&format!(
            "<section class=\"page\" data-page=\"{n}\" id=\"page-{n}\">\
             <div class=\"page-label\">Page {n} of {total}</div>{content}</section>"
        ));
    }
    h.push_str("</main>");
    if v.already_signed {
        h.push_str("<div class=\"signed\" id=\"already-signed\"><p>This lease has been signed.</p></div>");
        h.push_str("</body></html>");
        return h;
    }
    h.push_str(&format!(
        "<div id=\"signing-area\"><h2>Sign as {name}</h2>\
         <label><input type=\"radio\" name=\"signature-kind\" id=\"kind-typed\" value=\"typed\" checked> \
         Type your name</label>\
         <label><input type=\"radio\" name=\"signature-kind\" id=\"kind-drawn\" value=\"drawn\"> Draw</label>\
         <div id=\"typed-box\"><input type=\"text\" id=\"typed-name\" autocomplete=\"name\" \
         placeholder=\"{name}\" aria-label=\"Type your full name\"><div id=\"typed-preview\"></div></div>\
         <div id=\"drawn-box\" hidden><canvas id=\"signature-pad\" width=\"500\" height=\"150\" \
         aria-label=\"Draw your signature\"></canvas>\
         <button type=\"button\" id=\"clear-signature\">Clear</button></div>\
         <label><input type=\"checkbox\" id=\"consent\"> I agree to sign electronically and that my electronic \
         signature is as binding as a handwritten one (E-SIGN Act / UETA)</label>\
         <p id=\"sign-hint\"></p>\
         <button type=\"button\" id=\"sign-button\" disabled>Sign the lease</button>\
         <div id=\"sign-error\" role=\"alert\"></div></div>",
        name = esc(v.signer_name)
    ));
    h.push_str("<script>");
    h.push_str(&SCRIPT.replace("__TOKEN__", &js_string(v.token)).replace("__TOTAL__", &total.to_string()));
    h.push_str("</script></body></html>");
    h
}

#[cfg(test)]
mod tests {

    use chrono::NaiveDate;

    use super::super::assembly::assemble;
    use super::*;

    use super::super::assembly::fixtures::{terms, vars};

    fn lease() -> AssembledLease {
        let slugs: Vec<String> =
            ["parties", "premises", "term", "rent", "security_deposit", "late_fees", "utilities", "signatures"]
                .iter()
                .map(|s| s.to_string())
                .collect();
        assemble("WA", None, &slugs, &vars(), &terms(), NaiveDate::from_ymd_opt(2026, 12, 1).unwrap())
    }

    fn addenda() -> Vec<(String, String)> {
        vec![("Addendum A — Pet".into(), "One cat, Miso, is allowed.\nNo other pets.".into())]
    }

    fn view<'a>(lease: &'a AssembledLease, addenda: &'a [(String, String)], name: &'a str) -> SigningView<'a> {
        SigningView {
            token: "tok_ABC123",
            title: "Residential Lease — Harbor View, Unit 204",
            signer_name: name,
            signer_role: "co_tenant",
            expires_at: NaiveDate::from_ymd_opt(2026, 12, 12).unwrap().and_hms_opt(18, 0, 0).unwrap().and_utc(),
            lease,
            addenda,
            already_signed: false,
        }
    }

    #[test]
    fn pages_hold_four_clauses_each_then_one_addendum_each() {
        let lease = lease();
        let n = lease.clauses.len();
        assert!(n > PER_PAGE, "the test needs more than one page of clauses");
        let p = pages(&lease, &addenda());
        assert_eq!(p.len(), n.div_ceil(PER_PAGE) + 1);
        assert_eq!(p.len(), page_count(&lease, &addenda()));
        assert_eq!(p[0].matches("class=\"clause\"").count(), PER_PAGE);
        assert!(p[0].contains("<h2>1. Parties</h2>"), "{}", p[0]);
        assert!(p[1].contains(&format!("<h2>5. {}</h2>", lease.clauses[4].clause.title)));
        let last = p.last().unwrap();
        assert!(last.contains("<h2>Addendum A — Pet</h2>") && last.contains("Miso, is allowed.<br>No other pets."));
    }

    #[test]
    fn the_page_escapes_text_and_has_a_numbered_section_per_page() {
        let (lease, addenda) = (lease(), addenda());
        let html = signing_page(&view(&lease, &addenda, "<script>alert(1)</script>"));
        assert!(!html.contains("<script>alert(1)"), "the signer's name is escaped");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert_eq!(html.matches("<script>").count(), 1, "only the page's own script");
        let total = page_count(&lease, &addenda);
        assert_eq!(html.matches("<section class=\"page\"").count(), total);
        for n in 1..=total {
            let section = format!("<section class=\"page\" data-page=\"{n}\" id=\"page-{n}\">");
            assert!(html.contains(&section), "{section}");
            assert!(html.contains(&format!("Page {n} of {total}")));
        }
        for id in
            ["pages-viewed", "typed-name", "signature-pad", "consent", "sign-button", "sign-error", "clear-signature"]
        {
            assert!(html.contains(&format!("id=\"{id}\"")), "#{id}");
        }
        assert!(html.contains(&format!("Pages viewed: 0 of {total}")));
        assert!(html.contains("id=\"sign-button\" disabled"));
        assert!(html.contains("E-SIGN Act / UETA") && html.contains("Co-tenant"));
        assert!(!html.contains("src=\"http") && !html.contains("href=\"http"), "no external resources");
    }

    #[test]
    fn the_sign_request_goes_to_this_links_token_which_cannot_break_the_script() {
        let (lease, addenda) = (lease(), addenda());
        let html = signing_page(&view(&lease, &addenda, "Jordan Lee"));
        assert!(html.contains("var TOKEN = \"tok_ABC123\";"));
        assert!(html.contains("fetch(\"/api/v1/lease-signatures/\" + encodeURIComponent(TOKEN) + \"/sign/\""));
        assert!(html.contains("Signed. Thank you \\u2014 a copy will be emailed when every party has signed."));
        let hostile = SigningView { token: "a</script><b>", ..view(&lease, &addenda, "Jordan Lee") };
        let html = signing_page(&hostile);
        assert!(!html.contains("a</script>") && html.contains("\"a\\u003c/script\\u003e\\u003cb\\u003e\""));
    }

    #[test]
    fn an_already_signed_lease_is_shown_without_a_form() {
        let (lease, addenda) = (lease(), addenda());
        let html = signing_page(&SigningView { already_signed: true, ..view(&lease, &addenda, "Jordan Lee") });
        assert!(html.contains("This lease has been signed."));
        for id in ["sign-button", "typed-name", "signature-pad", "consent"] {
            assert!(!html.contains(&format!("id=\"{id}\"")), "#{id}");
        }
        assert!(!html.contains("<script>"));
        assert!(html.contains("id=\"page-1\""), "the lease can still be read");
    }
}
