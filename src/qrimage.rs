//! Photos and scans of QR codes (PNG or JPEG), read with `image`, then `rxing` (a Rust port of
//! ZXing, the reader the recovery page carries as WebAssembly) and `rqrr` for what it misses, all
//! pure Rust: a kit's page 1 (the share) and page 2 (the recovery copy's parts), and an
//! exchange's authenticator setup code. The pixels show secrets: our grey copy is wiped after
//! use (the readers' own working copies are not reached).

use zeroize::Zeroizing;

/// The largest image file read (a phone photo is a few MiB).
pub const MAX_IMAGE_FILE: u64 = 32 * 1024 * 1024;
/// Pictures larger than this many pixels are scaled down before the search (a 12-megapixel
/// phone photo or a 300 dpi page scan is searched as it is: the codes' modules stay legible).
const MAX_PIXELS: u64 = 36_000_000;

/// Whether a path names an image by its extension (`.png`, `.jpg`, `.jpeg`, any case).
pub fn looks_like_image(path: &std::path::Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| ["png", "jpg", "jpeg"].contains(&e.to_ascii_lowercase().as_str()))
}

/// Wipes a decoded picture's pixels (PNG and JPEG decode to 8 or 16 bits per channel). What
/// the decoders held on the way (compressed rows, rqrr's own copy) is not reached.
fn wipe(img: image::DynamicImage) {
    use image::DynamicImage as D;
    use zeroize::Zeroize;
    match img {
        D::ImageLuma8(mut b) => (*b).zeroize(),
        D::ImageLumaA8(mut b) => (*b).zeroize(),
        D::ImageRgb8(mut b) => (*b).zeroize(),
        D::ImageRgba8(mut b) => (*b).zeroize(),
        D::ImageLuma16(mut b) => (*b).zeroize(),
        D::ImageLumaA16(mut b) => (*b).zeroize(),
        D::ImageRgb16(mut b) => (*b).zeroize(),
        D::ImageRgba16(mut b) => (*b).zeroize(),
        _ => {}
    }
}

/// How long the search of one picture may take.
const SEARCH_TIME: std::time::Duration = std::time::Duration::from_secs(10);
/// The name of the thread that searches, whose panics are silenced (one sentence instead).
const SEARCHER: &str = "gsl-vault-qr-search";

/// Adds the texts rqrr reads in a grey picture to `out`, each once. A panic inside rqrr (it has
/// assertions some real photos reach) loses this pass only, never what earlier passes read.
fn read_into(out: &mut Vec<Zeroizing<String>>, g: &[u8], w: usize, h: usize) {
    let found = std::panic::catch_unwind(|| {
        let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| g[y * w + x]);
        let mut found: Vec<Zeroizing<String>> = Vec::new();
        for grid in prepared.detect_grids().into_iter().take(120) {
            if let Ok((_, text)) = grid.decode() {
                found.push(Zeroizing::new(text));
            }
        }
        found
    })
    .unwrap_or_default();
    keep_new(out, found);
}

/// Adds the texts `rxing` (ZXing's detector, which looks for several codes in one picture) reads
/// in a grey picture to `out`, each once. A panic inside it loses this pass only.
fn read_zxing_into(out: &mut Vec<Zeroizing<String>>, g: &[u8], w: usize, h: usize) {
    use rxing::multi::{GenericMultipleBarcodeReader, MultipleBarcodeReader};
    let (Ok(wu), Ok(hu)) = (u32::try_from(w), u32::try_from(h)) else {
        return;
    };
    let found = std::panic::catch_unwind(|| {
        let hints = rxing::DecodeHints {
            TryHarder: Some(true),
            PossibleFormats: Some(std::iter::once(rxing::BarcodeFormat::QR_CODE).collect()),
            ..Default::default()
        };
        let Ok(source) = rxing::Luma8LuminanceSource::new(g.to_vec(), wu, hu) else {
            return Vec::new();
        };
        let mut bitmap = rxing::BinaryBitmap::new(rxing::common::HybridBinarizer::new(source));
        let mut reader =
            GenericMultipleBarcodeReader::new(rxing::MultiUseMultiFormatReader::default());
        reader
            .decode_multiple_with_hints(&mut bitmap, &hints)
            .map(|found| {
                found
                    .into_iter()
                    .map(|r| Zeroizing::new(r.getText().to_owned()))
                    .collect()
            })
            .unwrap_or_default()
    })
    .unwrap_or_default();
    keep_new(out, found);
}

/// Adds to `out` the texts of `found` it does not hold yet.
fn keep_new(out: &mut Vec<Zeroizing<String>>, found: Vec<Zeroizing<String>>) {
    for text in found {
        if !out
            .iter()
            .any(|t| crate::crypto::ct_eq(t.as_bytes(), text.as_bytes()))
        {
            out.push(text);
        }
    }
}

/// Whether more is to be looked for: nothing was read, or page 2's parts (`GSLC3:i/n:...`)
/// are incomplete.
fn missing(out: &[Zeroizing<String>]) -> bool {
    if out.is_empty() {
        return true;
    }
    let mut seen: Vec<(usize, usize)> = Vec::new();
    for t in out {
        let Some(rest) = t.strip_prefix(crate::copy::QR_PARTS_PREFIX) else {
            continue;
        };
        let pos = rest.split(':').next().unwrap_or("");
        if let Some((i, n)) = pos.split_once('/')
            && let (Ok(i), Ok(n)) = (i.parse::<usize>(), n.parse::<usize>())
            && !seen.contains(&(i, n))
        {
            seen.push((i, n));
        }
    }
    seen.iter()
        .any(|&(_, n)| seen.iter().filter(|p| p.1 == n).count() < n)
}

/// How many versions of a picture are searched (see [`variant`]).
const PASSES: usize = 6;

/// Version `pass` of a grey picture: 0 as it is, 1 and 2 shrunk to a half and a third (each
/// pixel the mean of its block), 3 in black and white at Otsu's threshold. `None` when a
/// shrunk picture would be too small to hold a code.
fn variant(
    grey: &[u8],
    w: usize,
    h: usize,
    pass: usize,
) -> Option<(Zeroizing<Vec<u8>>, usize, usize)> {
    match pass {
        0 => Some((Zeroizing::new(grey.to_vec()), w, h)),
        1 | 2 => {
            let k = pass + 1;
            let (sw, sh) = (w / k, h / k);
            if sw < 64 || sh < 64 {
                return None;
            }
            let mut g = Zeroizing::new(vec![0u8; sw * sh]);
            for y in 0..sh {
                for x in 0..sw {
                    let mut sum = 0u32;
                    for dy in 0..k {
                        for dx in 0..k {
                            sum += u32::from(grey[(y * k + dy) * w + x * k + dx]);
                        }
                    }
                    g[y * sw + x] = (sum / (k * k) as u32) as u8;
                }
            }
            Some((g, sw, sh))
        }
        5 => {
            // Sharpened (unsharp mask over a 3 by 3 mean), then at Otsu's threshold: a soft
            // or slightly blurred photo.
            let mut g = Zeroizing::new(grey.to_vec());
            for y in 1..h.saturating_sub(1) {
                for x in 1..w.saturating_sub(1) {
                    let mut sum = 0i32;
                    for dy in 0..3 {
                        for dx in 0..3 {
                            sum += i32::from(grey[(y + dy - 1) * w + x + dx - 1]);
                        }
                    }
                    let v = i32::from(grey[y * w + x]);
                    g[y * w + x] = (3 * v - 2 * sum / 9).clamp(0, 255) as u8;
                }
            }
            Some((black_and_white(&g), w, h))
        }
        4 => {
            // Twice the size (each pixel the mean of its neighbours): small or soft modules.
            if w * h * 4 > 40_000_000 {
                return None;
            }
            let (dw, dh) = (w * 2, h * 2);
            let mut g = Zeroizing::new(vec![0u8; dw * dh]);
            for y in 0..dh {
                for x in 0..dw {
                    let (x0, y0) = (x / 2, y / 2);
                    let (x1, y1) = ((x0 + (x & 1)).min(w - 1), (y0 + (y & 1)).min(h - 1));
                    let sum = u32::from(grey[y0 * w + x0])
                        + u32::from(grey[y0 * w + x1])
                        + u32::from(grey[y1 * w + x0])
                        + u32::from(grey[y1 * w + x1]);
                    g[y * dw + x] = (sum / 4) as u8;
                }
            }
            Some((g, dw, dh))
        }
        _ => Some((black_and_white(grey), w, h)),
    }
}

/// A grey picture in black and white, at its Otsu threshold.
fn black_and_white(grey: &[u8]) -> Zeroizing<Vec<u8>> {
    let t = otsu(grey);
    Zeroizing::new(grey.iter().map(|&v| if v > t { 255 } else { 0 }).collect())
}

/// Otsu's threshold of a grey picture: the level that best splits it into two classes.
fn otsu(grey: &[u8]) -> u8 {
    let mut hist = [0u64; 256];
    for &v in grey {
        hist[usize::from(v)] += 1;
    }
    let total = grey.len() as f64;
    let sum_all: f64 = hist
        .iter()
        .enumerate()
        .map(|(i, &c)| i as f64 * c as f64)
        .sum();
    let (mut w0, mut sum0, mut best, mut best_t) = (0f64, 0f64, -1f64, 127u8);
    for (t, &c) in hist.iter().enumerate() {
        w0 += c as f64;
        if w0 == 0.0 || w0 == total {
            continue;
        }
        sum0 += t as f64 * c as f64;
        let (m0, m1) = (sum0 / w0, (sum_all - sum0) / (total - w0));
        let between = w0 * (total - w0) * (m0 - m1) * (m0 - m1);
        if between > best {
            best = between;
            best_t = t as u8;
        }
    }
    best_t
}

/// The QR texts in a grey picture, searched by `rxing` and `rqrr` on a thread of its own: a picture built to
/// make the search slow is given up after [`SEARCH_TIME`] (with what was read by then, or
/// `None`), and a panic inside the reader loses one pass, never exit 101.
fn search(grey: Zeroizing<Vec<u8>>, w: usize, h: usize) -> Option<Vec<Zeroizing<String>>> {
    static QUIET: std::sync::Once = std::sync::Once::new();
    QUIET.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().name() != Some(SEARCHER) {
                previous(info);
            }
        }));
    });
    let (tx, rx) = std::sync::mpsc::channel();
    // What has been read so far, for the caller if the search runs out of time.
    let so_far: std::sync::Arc<std::sync::Mutex<Vec<Zeroizing<String>>>> = Default::default();
    let shared = std::sync::Arc::clone(&so_far);
    let spawned = std::thread::Builder::new()
        .name(SEARCHER.into())
        .spawn(move || {
            let mut out: Vec<Zeroizing<String>> = Vec::new();
            let publish = |out: &Vec<Zeroizing<String>>| {
                if let Ok(mut s) = shared.lock() {
                    s.clone_from(out);
                }
            };
            // More passes while time remains: what was read is kept when it runs out.
            let started = std::time::Instant::now();
            let time_left = || started.elapsed() < SEARCH_TIME * 7 / 10;
            // ZXing's search first (it reads every code zbarimg reads in the photo benchmark,
            // BENCHMARKS.md), then rqrr's passes for anything it missed.
            read_zxing_into(&mut out, &grey, w, h);
            publish(&out);
            // The picture as it is, then smaller (averaging blurs JPEG blocks and noise away and
            // gives rqrr's thresholds a sharper edge), then in black and white at its own
            // threshold: a photo one pass misses, another often reads. Each code once.
            for pass in 0..PASSES {
                if !time_left() || !missing(&out) {
                    break;
                }
                let Some((g, pw, ph)) = variant(&grey, w, h, pass) else {
                    continue;
                };
                read_into(&mut out, &g, pw, ph);
                publish(&out);
                if pass == 4 && missing(&out) {
                    // Doubled, then in black and white: small modules of dense codes.
                    read_into(&mut out, &black_and_white(&g), pw, ph);
                    publish(&out);
                }
            }
            // Several codes in one picture (page 2's parts) confuse rqrr, which pairs finder
            // squares across codes: while parts are missing (or nothing was read), overlapping
            // windows of the picture are searched one by one (2 by 2, then 3 by 3).
            // Windows of the picture as it is, then (small pictures: dense codes at a few pixels
            // per module) of the picture doubled.
            for doubled in [false, true] {
                if !missing(&out) || !time_left() {
                    break;
                }
                let copy = if doubled {
                    variant(&grey, w, h, 4)
                } else {
                    None
                };
                let (g, pw, ph): (&[u8], usize, usize) = match &copy {
                    Some((g, pw, ph)) => (g, *pw, *ph),
                    None if doubled => break,
                    None => (&grey, w, h),
                };
                for k in 2..=3usize {
                    let (tw, th) = ((pw * 8 / (5 * k)).min(pw), (ph * 8 / (5 * k)).min(ph));
                    let (sx, sy) = ((pw / (2 * k)).max(1), (ph / (2 * k)).max(1));
                    let mut y = 0;
                    while y + th < ph + sy && missing(&out) && time_left() {
                        let mut x = 0;
                        while x + tw < pw + sx && missing(&out) && time_left() {
                            let (x0, y0) = (x.min(pw - tw), y.min(ph - th));
                            let mut tile = Zeroizing::new(Vec::with_capacity(tw * th));
                            for row in y0..y0 + th {
                                tile.extend_from_slice(&g[row * pw + x0..row * pw + x0 + tw]);
                            }
                            read_into(&mut out, &tile, tw, th);
                            publish(&out);
                            x += sx;
                        }
                        y += sy;
                    }
                }
            }
            let _ = tx.send(out);
        })
        .ok()?;
    match rx.recv_timeout(SEARCH_TIME) {
        Ok(out) => {
            let _ = spawned.join();
            Some(out)
        }
        // Out of time (or the thread died): what was read so far, if anything.
        Err(_) => so_far
            .lock()
            .ok()
            .map(|v| v.clone())
            .filter(|v| !v.is_empty()),
    }
}

/// Why an image gave no text: one sentence about `name`.
pub type Refused = String;

/// The texts of every QR code found in an image, in the order found (each once).
pub fn texts(bytes: &[u8], name: &str) -> Result<Vec<Zeroizing<String>>, Refused> {
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| {
            format!("{name} could not be read as a picture: give a PNG or JPEG photo or scan.")
        })?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(12_000);
    limits.max_image_height = Some(12_000);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let img = reader
        .decode()
        .map_err(|_| format!("{name} is not a PNG or JPEG picture gsl-vault can read: give a photo or scan saved as PNG or JPEG."))?;
    let pixels = u64::from(img.width()) * u64::from(img.height());
    let img = if pixels > MAX_PIXELS {
        let f = (MAX_PIXELS as f64 / pixels as f64).sqrt();
        let (w, h) = (
            (f64::from(img.width()) * f) as u32,
            (f64::from(img.height()) * f) as u32,
        );
        img.resize(w.max(1), h.max(1), image::imageops::FilterType::Triangle)
    } else {
        img
    };
    let grey_img = img.to_luma8();
    wipe(img);
    let (w, h) = (grey_img.width() as usize, grey_img.height() as usize);
    let grey = Zeroizing::new(grey_img.into_raw());
    let out = search(grey, w, h).ok_or_else(|| {
        format!("{name} could not be searched for QR codes in reasonable time (it may be damaged, or not a photo of a kit or setup code): take the photo again (a share on page 1 can also be typed as its words; page 2 has none).")
    })?;
    if out.is_empty() {
        return Err(format!(
            "no QR code could be read in {name}: take the photo again, straight, whole and in good light (or scan the page); a share on page 1 can also be typed as its words (page 2 has none, only its codes)."
        ));
    }
    Ok(out)
}
