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
    format!("{} %", one_decimal(part as f64 * 100.0 / whole as f64))
}

/// `x` with one decimal, exactly as `format!("{:.1}", x)` writes it (the nearest tenth, a tie to
/// the even one) for a finite `x` from 0 up to 2^70, without the standard library's float
/// formatting, which would be most of the code the console's numbers need. `x` is
/// `m * 2^e` exactly; `10 * x`, rounded to an integer with 128-bit arithmetic, is the tenths.
pub fn one_decimal(x: f64) -> String {
    let bits = x.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i32;
    let fraction = u128::from(bits & ((1 << 52) - 1));
    let (m, e) = if exponent == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), exponent - 1075)
    };
    let tenths = if e >= 0 {
        (m * 10) << e.min(70)
    } else if e < -120 {
        // Below 2^-67: ten times it is far below a half.
        0
    } else {
        let shift = -e;
        let scaled = m * 10;
        let whole = scaled >> shift;
        let rest = scaled & ((1 << shift) - 1);
        let half = 1 << (shift - 1);
        if rest > half || (rest == half && whole % 2 == 1) {
            whole + 1
        } else {
            whole
        }
    };
    format!("{}.{}", tenths / 10, tenths % 10)
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
        1_000..=59_999 => format!("{} s", one_decimal(ms as f64 / 1000.0)),
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
    fn one_decimal_writes_what_float_formatting_writes() {
        let mut values = vec![
            0.0, 0.04, 0.05, 0.06, 0.25, 0.35, 1.0, 2.5, 6.25, 99.95, 100.0,
        ];
        for whole in 1..=400u64 {
            for part in 0..=whole {
                values.push(part as f64 * 100.0 / whole as f64);
                values.push((part as f64 / whole as f64).min(1.0) * 160.0);
            }
        }
        for ms in (1_000..60_000u64).step_by(7) {
            values.push(ms as f64 / 1000.0);
        }
        values.push(u64::MAX as f64 * 100.0);
        values.push(f64::MIN_POSITIVE);
        for x in values {
            assert_eq!(one_decimal(x), format!("{x:.1}"), "{x:e}");
        }
    }

    #[test]
    fn shares_have_one_decimal() {
        assert_eq!(share(312, 1204), "25.9 %");
        assert_eq!(share(1, 0), "–");
    }
}
