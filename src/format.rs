//! How numbers, shares and times read on screen.

/// `12345` -> `12,345`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The share `part / whole` with one decimal, for people (`25.9 %`). Never used to decide.
pub fn share(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "–".to_owned();
    }
    format!("{:.1} %", part as f64 * 100.0 / whole as f64)
}

/// `2026-11-23T18:04:05.123Z` -> `2026-11-23 18:04`.
pub fn timestamp(rfc3339: &str) -> String {
    let t = rfc3339.replace('T', " ");
    t.get(..16).map_or(t.clone(), str::to_owned)
}

/// The time between two RFC 3339 timestamps, as `1 h 4 min`, `3 min 2 s` or `850 ms`.
pub fn duration(start: &str, end: &str) -> String {
    let (Some(a), Some(b)) = (millis(start), millis(end)) else {
        return "–".to_owned();
    };
    let ms = (b - a).max(0.0) as u64;
    match ms {
        0..=999 => format!("{ms} ms"),
        1_000..=59_999 => format!("{:.1} s", ms as f64 / 1000.0),
        60_000..=3_599_999 => format!("{} min {} s", ms / 60_000, (ms % 60_000) / 1000),
        _ => format!("{} h {} min", ms / 3_600_000, (ms % 3_600_000) / 60_000),
    }
}

fn millis(rfc3339: &str) -> Option<f64> {
    let ms = js_sys::Date::parse(rfc3339);
    (!ms.is_nan()).then_some(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_have_thousands_separators() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1204), "1,204");
        assert_eq!(count(1_000_000), "1,000,000");
    }

    #[test]
    fn shares_have_one_decimal() {
        assert_eq!(share(312, 1204), "25.9 %");
        assert_eq!(share(1, 0), "–");
    }
}
