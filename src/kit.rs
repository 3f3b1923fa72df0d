//! The paper kit: one self-contained HTML page per custodian (no external resource), printable
//! on one A4 or Letter page: who and what it is, the numbered words with their first four
//! letters in bold, a QR code of the compact form as inline SVG, recovery steps for a
//! non-technical person, and a drill log to fill in by hand.

use std::fmt::Write as _;

use qrcode::{Color, EcLevel, QrCode};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::share::ShareCode;

/// What the page says besides the share itself.
pub struct KitInfo<'a> {
    /// Vault label.
    pub label: &'a str,
    /// `XXXX-XXXX`.
    pub fingerprint: &'a str,
    /// This custodian.
    pub custodian: &'a str,
    /// Every custodian, in index order (the page lists the others).
    pub custodians: &'a [String],
    /// Shares needed.
    pub threshold: usize,
    /// Epoch of the share set.
    pub epoch: u32,
    /// `YYYY-MM-DD`.
    pub date: &'a str,
    /// The vault file's name, for the command in the steps.
    pub vault_name: &'a str,
    /// The vault's recovery copy, printed on page 2 as a QR code, with its generation.
    pub copy: Option<(&'a [u8], u64)>,
    /// Whether the owner's passphrase is needed with the shares (policy `both`).
    pub passphrase_too: bool,
    /// The SHA-256 (hex) of the `recover.html` written with the kit, if one was.
    pub page_sha256: Option<&'a str>,
}

/// Escapes text for HTML.
fn esc(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '&' => "&amp;".to_string(),
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '"' => "&quot;".to_string(),
            '\'' => "&#39;".to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// The QR code of `data` as an inline SVG (one path of dark modules, 4-module quiet zone).
pub fn qr_svg(data: &[u8]) -> Result<Zeroizing<String>> {
    let code = QrCode::with_error_correction_level(data, EcLevel::M)
        .map_err(|e| Error::Other(format!("the QR code could not be made ({e}).")))?;
    let w = code.width();
    let q = 4;
    let size = w + 2 * q;
    let mut s = Zeroizing::new(String::with_capacity(64 + w * w * 16));
    // Written straight into the sized buffer (`write!`, not `format!`): the module positions
    // are the share, and a temporary string of them would be freed unwiped.
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" width=\"{px}\" height=\"{px}\" shape-rendering=\"crispEdges\"><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
        px = size * 4
    );
    for y in 0..w {
        for x in 0..w {
            if code[(x, y)] == Color::Dark {
                let _ = write!(s, "M{} {}h1v1h-1z", x + q, y + q);
            }
        }
    }
    s.push_str("\"/></svg>");
    Ok(s)
}

/// The whole page.
pub fn render(info: &KitInfo<'_>, code: &ShareCode) -> Result<Zeroizing<String>> {
    let mnemonic = code.to_mnemonic();
    let compact = code.to_compact();
    let svg = qr_svg(compact.as_bytes())?;
    let n = info.custodians.len();
    let k = code.point.x;
    let others: Vec<String> = info
        .custodians
        .iter()
        .filter(|c| c.as_str() != info.custodian)
        .map(|c| esc(c))
        .collect();
    let mut h = Zeroizing::new(String::with_capacity(64 * 1024));
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
    h.push_str(&format!(
        "<title>gsl-vault share for {} ({})</title>\n",
        esc(info.custodian),
        esc(info.label)
    ));
    h.push_str(STYLE);
    h.push_str("</head><body>\n");
    h.push_str(&format!(
        "<header><div><h1>Recovery share for <span class=\"who\">{}</span></h1>\
         <p class=\"sub\">Vault <b>{}</b> &middot; fingerprint <b class=\"mono\">{}</b> &middot; epoch {}</p>\
         <p class=\"big\">Share {k} of {n}. Any {} of the {n} shares recover the key.</p></div></header>\n",
        esc(info.custodian),
        esc(info.label),
        esc(info.fingerprint),
        info.epoch,
        info.threshold
    ));
    h.push_str(
        "<p class=\"warn\">This page is one piece of a secret. Keep it private and safe (a drawer, an envelope). \
         Never photograph it with a phone that uploads its photos, never type these words into a website or a chat \
         (only into gsl-vault or its offline page, <span class=\"mono\">recover.html</span>), and never give it to anyone \
         who asks for it by e-mail or phone.</p>\n",
    );
    // Issue 28, item 1: a reshare's kit replaces the earlier ones, which still work with
    // their copies: the custodian destroys them.
    if info.epoch > 1 {
        let earlier = if info.epoch == 2 {
            "epoch 1".to_string()
        } else {
            format!("epochs 1 to {}", info.epoch - 1)
        };
        let _ = writeln!(
            h,
            "<p class=\"warn\">This kit (epoch {e}) replaces any earlier kit of vault {l}. If you hold one of {earlier} (the epoch is printed under its title, and in its share file's header), shred both of its pages and delete its share file: with the recovery copy it carries, a quorum of old shares still opens the master key as it was.</p>",
            e = info.epoch,
            l = esc(info.label),
        );
    }
    h.push_str("<section class=\"share\"><div class=\"words\"><h2>Your 36 words</h2><p class=\"order\">In the order of their numbers: down each column, 1 to 12, then 13 to 24, then 25 to 36.</p><ol>");
    for (i, w) in mnemonic.split(' ').enumerate() {
        let _ = write!(
            h,
            "<li><span class=\"n\">{}</span><b>{}</b>{}</li>",
            i + 1,
            &w[..4],
            &w[4..]
        );
    }
    h.push_str(
        "</ol><p class=\"hint\">The first four letters (in bold) are enough when typing.</p></div>",
    );
    h.push_str("<div class=\"qr\"><h2>The same share as a QR code</h2>");
    h.push_str(&svg);
    h.push_str("<p class=\"mono compact\">");
    for (i, chunk) in compact.as_bytes().chunks(6).enumerate() {
        if i > 0 {
            h.push(' ');
        }
        h.push_str(std::str::from_utf8(chunk).unwrap_or(""));
    }
    h.push_str("</p></div></section>\n");
    push_steps_and_log(&mut h, info, &others);
    if let Some((copy, generation)) = info.copy {
        push_copy_page(&mut h, info, copy, generation, true)?;
    }
    h.push_str("</body></html>\n");
    Ok(h)
}

const STYLE: &str = "<style>
@page { size: auto; margin: 10mm; }
* { box-sizing: border-box; }
body { font-family: 'DejaVu Sans', Arial, sans-serif; color: #000; margin: 0 auto; max-width: 190mm; font-size: 10pt; line-height: 1.3; }
h1 { font-size: 17pt; margin: 0 0 2mm 0; }
h2 { font-size: 11pt; margin: 0 0 2mm 0; border-bottom: 1px solid #000; }
.who { text-decoration: underline; }
.sub { margin: 0; }
.big { font-size: 12pt; font-weight: bold; margin: 2mm 0; }
.warn { border: 2px solid #000; padding: 2mm 3mm; font-weight: bold; }
.sha { font-size: 7pt; word-break: break-all; }
.mono { font-family: 'DejaVu Sans Mono', 'Courier New', monospace; }
.share { display: flex; gap: 6mm; align-items: flex-start; }
.words { flex: 1.5; }
.words ol { list-style: none; padding: 0; margin: 0; display: grid; grid-template-columns: repeat(3, 1fr); grid-auto-flow: column; grid-template-rows: repeat(12, auto); gap: 0.5mm 3mm; }
.words li { font-family: 'DejaVu Sans Mono', 'Courier New', monospace; font-size: 11pt; border-bottom: 1px dotted #888; padding: 0.2mm 0; }
.words .n { display: inline-block; width: 7mm; color: #444; font-size: 8pt; }
.words .order { font-size: 8pt; margin: 0 0 1mm; color: #222; }
.qr { flex: 1; text-align: center; }
.qr svg { width: 52mm; height: 52mm; }
.compact { font-size: 8pt; word-spacing: 1mm; }
.hint { font-size: 8.5pt; color: #333; margin: 1mm 0; }
.cols { display: flex; gap: 6mm; margin-top: 3mm; }
.cols > div { flex: 1; min-width: 0; }
.contacts { margin-top: 3mm; }
.fill { margin: 1.5mm 0; white-space: nowrap; overflow: hidden; }
.steps { padding-left: 5mm; margin: 0; font-size: 9pt; }
.steps li { margin-bottom: 0.6mm; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
th, td { border: 1px solid #000; height: 7mm; font-size: 8.5pt; padding: 0 1mm; text-align: left; }
footer { margin-top: 2mm; font-size: 7.5pt; color: #333; border-top: 1px solid #000; padding-top: 1mm; }
.copy { break-before: page; page-break-before: always; }
.bigqr svg { width: 150mm; height: 150mm; }
.qrparts { display: grid; grid-template-columns: 1fr 1fr; gap: 2mm 4mm; }
.qrparts figure { margin: 0; break-inside: avoid; }
.qrparts svg { width: 55mm; height: 55mm; display: block; }
.qrparts figcaption { font-weight: bold; }
</style>
";

/// A page with the recovery copy alone (page 2 of a kit), for fresh copies the owner issues
/// without new shares. `info.custodian` names whose page it is; the share fields are unused.
pub fn render_copy_page(info: &KitInfo<'_>, copy: &[u8], generation: u64) -> Result<String> {
    let mut h = String::with_capacity(64 * 1024);
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
    let _ = writeln!(
        h,
        "<title>gsl-vault recovery copy for {} ({})</title>",
        esc(info.custodian),
        esc(info.label)
    );
    h.push_str(STYLE);
    h.push_str("</head><body>\n");
    let _ = writeln!(
        h,
        "<p class=\"big\">For {}: this replaces page 2 of your kit (keep page 1, your words). Throw the old page 2 away.</p>",
        esc(info.custodian)
    );
    // The copy page stands alone: no page break before it.
    push_copy_page(&mut h, info, copy, generation, false)?;
    // The recovery page that travels with it carries this copy, so its SHA-256 is new: said
    // here, where the custodian will look for it, since page 1's number is now out of date.
    if let Some(sha) = info.page_sha256 {
        let _ = writeln!(
            h,
            "<p>With this page comes a new <span class=\"mono\">recover.html</span>: its SHA-256 must be <span class=\"mono sha\">{}</span> \
             (it replaces the number on page 1, and the old recover.html: delete it).</p>",
            esc(sha)
        );
    }
    h.push_str("</body></html>\n");
    Ok(h)
}

/// Page 2: the vault's recovery copy as a QR code, for the day the owner's vault file is gone.
fn push_copy_page(
    h: &mut String,
    info: &KitInfo<'_>,
    copy: &[u8],
    generation: u64,
    new_sheet: bool,
) -> Result<()> {
    let codes = copy_codes(copy, info)?;
    let _ = writeln!(
        h,
        "<section class=\"{}\"><h2>Page 2 of 2: the vault, locked (useless without enough shares)</h2>\
         <p class=\"big\">This code holds the owner's vault, locked. Nobody can open it without {} custodians' pages{}. \
         With them, it stands in for the owner's vault file if that is ever lost: give it to the program with the words.</p>\
         {}\
         <p>Vault <b>{}</b> &middot; <b class=\"mono\">{}</b> &middot; copy generation {} &middot; {}. \
         Every custodian's page 2 holds the same vault; any one of them is enough. If the owner gives you a newer page 2, keep only the newer one.</p>\
         </section>",
        if new_sheet { "copy" } else { "copy-alone" },
        info.threshold,
        if info.passphrase_too {
            ", and the owner's passphrase too"
        } else {
            ""
        },
        &*codes,
        esc(info.label),
        esc(info.fingerprint),
        generation,
        esc(info.date)
    );
    Ok(())
}

/// The copy's QR code (format 2: one `GSLC1:` code), or its parts (format 3: `GSLC3:` codes,
/// each captioned "part i of n" with the vault's name, read back in any order).
fn copy_codes(copy: &[u8], info: &KitInfo<'_>) -> Result<Zeroizing<String>> {
    let mut h = Zeroizing::new(String::new());
    if !copy.starts_with(crate::format::COPY_MAGIC_V3.as_bytes()) {
        let svg = qr_svg(crate::copy::qr_text(copy).as_bytes())?;
        let _ = write!(h, "<div class=\"bigqr\">{}</div>", &*svg);
        return Ok(h);
    }
    let parts = crate::copy::qr_parts(copy);
    let n = parts.len();
    if n > crate::copy::MAX_QR_PARTS {
        return Err(Error::Other(format!(
            "the recovery copy needs {n} QR codes, more than the {} a page 2 may hold; nothing was written: shorten the note or the recovery codes.",
            crate::copy::MAX_QR_PARTS
        )));
    }
    if n == 1 {
        let svg = qr_svg(parts[0].as_bytes())?;
        let _ = write!(h, "<div class=\"bigqr\">{}</div>", &*svg);
        return Ok(h);
    }
    let _ = write!(
        h,
        "<p><b>{n} codes below: scan every one, in any order.</b></p><div class=\"qrparts\">"
    );
    for (i, part) in parts.iter().enumerate() {
        let svg = qr_svg(part.as_bytes())?;
        let _ = write!(
            h,
            "<figure><div>{}</div><figcaption>Part {} of {n} &middot; vault {} ({})</figcaption></figure>",
            &*svg,
            i + 1,
            esc(info.label),
            esc(info.fingerprint)
        );
    }
    h.push_str("</div>");
    Ok(h)
}

/// The step that points to the offline recovery page, when one was written with the kit, and
/// the command line that works with this paper alone (a photo of page 2, no vault file).
fn page_step(sha256: Option<&str>) -> String {
    match sha256 {
        Some(sha) => format!(
            "<li>On any computer, open <span class=\"mono\">recover.html</span> (it came with this page) in a web browser: it works offline. \
             Type the 36 words there; the first four letters of each are enough. Its SHA-256 must be <span class=\"mono sha\">{}</span>. \
             (Or with gsl-vault and a photo of page 2: <span class=\"mono\">gsl-vault recover --copy page2.jpg</span>, then type the words.)</li>",
            esc(sha)
        ),
        None => "<li>On an offline computer with gsl-vault, photograph page 2, run <span class=\"mono\">gsl-vault recover --copy page2.jpg</span> and type the 36 words (the first four letters of each).</li>".to_string(),
    }
}

/// The recovery steps, the drill log and contacts to fill in by hand, and the footer: nothing
/// secret.
fn push_steps_and_log(h: &mut String, info: &KitInfo<'_>, others: &[String]) {
    let both = if info.passphrase_too {
        " <b>The owner's passphrase is needed too</b>: without it the shares open nothing."
    } else {
        ""
    };
    h.push_str(&format!(
        "<section class=\"cols\"><div><h2>If the key must be recovered</h2><ol class=\"steps\">\
         <li>The owner, or someone they trusted, will ask you. Check it is really them: call back on a number you already know.</li>\
         <li>Meet or call the other custodians: any {} of you are needed. The others are <b>{}</b>.{both}</li>\
         {}\
         <li>The owner's vault file lost? Page 2 holds the vault, locked: load a photo of its code in <span class=\"mono\">recover.html</span> (it is useless without enough shares).</li>\
         <li>If a word is wrong, the program says which number: compare that word with this page. It never guesses for you. Afterwards, put this page back: it stays valid until the owner issues new shares.</li>\
         <li>The key turns the exchange's Global Settings Lock off; a password reset needs it too. An app code changes every 30 s: type it at once.</li>\
         </ol></div>\n",
        info.threshold,
        others.join(", "),
        page_step(info.page_sha256)
    ));
    h.push_str(
        "<div><h2>Drill log</h2><p class=\"hint\">Each rehearsal (<span class=\"mono\">gsl-vault drill</span>), write it down.</p>\
         <table><tr><th>Date</th><th>With whom</th><th>Result</th><th>Initials</th></tr>",
    );
    for _ in 0..5 {
        h.push_str("<tr><td></td><td></td><td></td><td></td></tr>");
    }
    h.push_str("</table><h2 class=\"contacts\">Contacts (fill in by hand)</h2><p class=\"fill\">Owner: ________________ phone: ____________</p>");
    for o in others {
        let _ = write!(
            h,
            "<p class=\"fill\">{o}: ______________________________</p>"
        );
    }
    h.push_str("</div></section>\n");
    h.push_str(&format!(
        "<footer>Written {} by gsl-vault {}. To check this share alone: <span class=\"mono\">gsl-vault check-share page1.jpg</span> (a photo of this page), or recover.html.</footer>\n",
        esc(info.date),
        env!("CARGO_PKG_VERSION"),
    ));
}
