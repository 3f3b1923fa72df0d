//! Times as the vault stores them (Unix seconds, UTC) and as people read them. The one place
//! where a time becomes text.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Latest time accepted in a vault (9999-12-31T23:59:59Z): later ones cannot be shown as dates.
pub const MAX_TIME: u64 = 253_402_300_799;

/// Seconds since the Unix epoch now (0 if the clock is before 1970).
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// `YYYY-MM-DDTHH:MM:SSZ` of a Unix time (UTC), capped at [`MAX_TIME`].
pub fn datetime(secs: u64) -> String {
    humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_secs(secs.min(MAX_TIME)))
        .to_string()
}

/// `YYYY-MM-DD` of a Unix time (UTC), capped at [`MAX_TIME`].
pub fn date(secs: u64) -> String {
    let mut s = datetime(secs);
    s.truncate(10);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_utc_and_capped() {
        assert_eq!(datetime(0), "1970-01-01T00:00:00Z");
        assert_eq!(date(1_790_000_000), "2026-09-21");
        assert_eq!(date(u64::MAX), "9999-12-31");
    }
}
