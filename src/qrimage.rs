//! Photos and scans of QR codes (PNG or JPEG), read with `image` and `rqrr`, both pure Rust: a
//! kit's page 1 (the share) and page 2 (the recovery copy's parts), and an exchange's
//! authenticator setup code. The pixels show secrets: the grey copy is wiped after use.

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

/// The QR texts in a grey picture, searched by `rqrr` on a thread of its own: a picture built to
/// make the search slow is given up after [`SEARCH_TIME`], and a panic inside the reader (rqrr
/// has assertions that some real photos reach) becomes `None`, never exit 101.
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
    let spawned = std::thread::Builder::new()
        .name(SEARCHER.into())
        .spawn(move || {
            let mut prepared =
                rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| grey[y * w + x]);
            let mut out: Vec<Zeroizing<String>> = Vec::new();
            for grid in prepared.detect_grids().into_iter().take(120) {
                if let Ok((_, text)) = grid.decode() {
                    let text = Zeroizing::new(text);
                    if !out
                        .iter()
                        .any(|t| crate::crypto::ct_eq(t.as_bytes(), text.as_bytes()))
                    {
                        out.push(text);
                    }
                }
            }
            let _ = tx.send(out);
        })
        .ok()?;
    let got = rx.recv_timeout(SEARCH_TIME).ok();
    if got.is_some() {
        let _ = spawned.join();
    }
    got
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
        format!("{name} could not be searched for QR codes in reasonable time (it may be damaged, or not a photo of a kit or setup code): take the photo again, or type the words.")
    })?;
    if out.is_empty() {
        return Err(format!(
            "no QR code could be read in {name}: take the photo again, straight, whole and in good light (or scan the page), or type the words."
        ));
    }
    Ok(out)
}
