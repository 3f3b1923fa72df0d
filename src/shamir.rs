//! The only caller of blahaj. blahaj returns `Ok(wrong secret)` for a duplicated x, an x=0 share
//! (whose y it returns verbatim), shares of different lengths or splits; `Sharks(0|1)` writes the
//! secret into every share; its dealer yields at most 255 shares. Everything is checked here
//! before blahaj sees it, and every share is checked against its commitment by the caller
//! (`vault`) before it reaches [`combine`], so a wrong share is named, never combined.
//!
//! Accepted risk (SECURITY.md): blahaj's GF(256) arithmetic uses lookup tables and is not
//! constant-time. This is an offline tool that combines one 32-byte key, once per run.

use blahaj::{Share, Sharks};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::secret::QuorumKey;

/// One share's point: x in 1..=255 and y, 32 bytes (one polynomial per byte of QK).
pub struct Point {
    /// The x coordinate, which is also the custodian's index.
    pub x: u8,
    /// The y bytes.
    pub y: Zeroizing<[u8; 32]>,
}

/// Checks 2 <= t <= n <= 255.
pub fn check_threshold(t: usize, n: usize) -> Result<()> {
    if !(2..=255).contains(&n) || !(2..=n).contains(&t) {
        return Err(Error::Usage(format!(
            "a threshold of {t} with {n} custodians is not possible: use at least 2 custodians, at most 255, and a threshold from 2 to the number of custodians."
        )));
    }
    Ok(())
}

/// Splits QK into `n` points, any `t` of which recover it. Points have x = 1..=n.
pub fn split(qk: &QuorumKey, t: usize, n: usize) -> Result<Vec<Point>> {
    check_threshold(t, n)?;
    let dealer = Sharks(t as u8).dealer(qk.expose());
    let points: Vec<Point> = dealer
        .take(n)
        .map(|s| {
            let mut y = Zeroizing::new([0u8; 32]);
            for (d, v) in y.iter_mut().zip(s.y.iter()) {
                *d = v.0;
            }
            Point { x: s.x.0, y }
        })
        .collect();
    // blahaj documents x = 1, 2, ...; a silent change there would break every index.
    if points.len() != n
        || points
            .iter()
            .enumerate()
            .any(|(i, p)| usize::from(p.x) != i + 1)
    {
        return Err(Error::Other(
            "the Shamir dealer returned unexpected points; nothing was written.".into(),
        ));
    }
    Ok(points)
}

/// Recovers QK from exactly `t` points with distinct non-zero x. The caller has already checked
/// each point against its commitment; these checks are the last line, not the first.
pub fn combine(points: &[&Point], t: usize) -> Result<QuorumKey> {
    if t < 2 || points.len() < t {
        return Err(Error::Shares(format!(
            "{} valid share(s) given, {t} needed: ask more custodians for their shares.",
            points.len()
        )));
    }
    let used = &points[..t];
    for (i, p) in used.iter().enumerate() {
        if p.x == 0 {
            return Err(Error::Shares(
                "a share with index 0 cannot be combined.".into(),
            ));
        }
        if used[..i].iter().any(|q| q.x == p.x) {
            return Err(Error::Shares(format!(
                "share index {} was given twice.",
                p.x
            )));
        }
    }
    let mut shares: Vec<Share> = Vec::with_capacity(t);
    let mut raw = Zeroizing::new([0u8; 33]);
    for p in used {
        raw[0] = p.x;
        raw[1..].copy_from_slice(&p.y[..]);
        let share = Share::try_from(&raw[..])
            .map_err(|e| Error::Shares(format!("a share could not be read ({e}).")))?;
        shares.push(share);
    }
    let secret = Zeroizing::new(
        Sharks(t as u8)
            .recover(&shares)
            .map_err(|e| Error::Shares(format!("the shares could not be combined ({e}).")))?,
    );
    let mut k: [u8; 32] = secret
        .as_slice()
        .try_into()
        .map_err(|_| Error::Shares("the combined key has the wrong length.".into()))?;
    Ok(QuorumKey::from_bytes(&mut k))
}
