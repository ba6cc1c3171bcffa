//! Instants of the principal phases of the moon (new, first quarter, full,
//! last quarter).
//!
//! # Algorithm
//!
//! Jean Meeus, *Astronomical Algorithms*, 2nd edition (1998), chapter 49
//! "Phases of the Moon": the mean phase from the lunation number `k`
//! (eq. 49.1), the periodic terms for new moon, full moon and the quarters,
//! the `W` correction of the quarters and the fourteen additional
//! (planetary) corrections A1..A14. This gives the Julian Ephemeris Day in
//! Terrestrial Time, which is converted to Universal Time with the
//! Espenak–Meeus polynomial expressions for ΔT ("Polynomial expressions for
//! Delta T", NASA eclipse web site, the pieces valid for 1900–2150).
//!
//! # Accuracy and range
//!
//! The phase algorithm itself is good to a few seconds over 1900–2100; the
//! ΔT model adds an uncertainty of seconds for recent years that grows to
//! tens of seconds by 2100 (future ΔT is an extrapolation). Every phase of
//! 1900–2100 agrees with an independent implementation (PyEphem 4.2.1) to
//! within 36 seconds; the tests allow 2 minutes. Instants are rounded to the
//! second.
//!
//! The supported range is `1900-01-01T00:00:00Z` (inclusive) to
//! `2101-01-01T00:00:00Z` (exclusive): [`phases_between`] clamps its interval
//! to that range, so it never returns an instant outside it, and returns an
//! empty list for an interval entirely outside it.

use chrono::{DateTime, Utc};

/// A principal phase of the moon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MoonPhase {
    /// New moon: the Moon's apparent ecliptic longitude equals the Sun's.
    New,
    /// First quarter: the Moon is 90° east of the Sun.
    FirstQuarter,
    /// Full moon: the Moon is 180° from the Sun.
    Full,
    /// Last quarter: the Moon is 270° east of (90° west of) the Sun.
    LastQuarter,
}

impl MoonPhase {
    /// The fraction of a lunation at which this phase falls, counted from
    /// new moon.
    fn offset(self) -> f64 {
        match self {
            Self::New => 0.0,
            Self::FirstQuarter => 0.25,
            Self::Full => 0.5,
            Self::LastQuarter => 0.75,
        }
    }
}

/// Start of the supported range, 1900-01-01T00:00:00Z, as a Unix timestamp.
const RANGE_START: i64 = -2_208_988_800;
/// End (exclusive) of the supported range, 2101-01-01T00:00:00Z, as a Unix
/// timestamp.
const RANGE_END: i64 = 4_133_980_800;

/// Julian Day of the Unix epoch, 1970-01-01T00:00:00Z.
const JD_UNIX_EPOCH: f64 = 2_440_587.5;
/// Seconds in a day.
const SECONDS_PER_DAY: f64 = 86_400.0;
/// JDE of the mean new moon with k = 0 (2000 January 6), eq. 49.1.
const JDE_K0: f64 = 2_451_550.097_66;
/// Mean synodic month in days, eq. 49.1.
const SYNODIC_MONTH: f64 = 29.530_588_861;

/// Every instant (UTC, rounded to the second) at which `phase` occurs with
/// `from <= t < to`, ascending.
///
/// Returns an empty Vec when `from >= to`. The interval is clamped to the
/// supported range `1900-01-01T00:00:00Z..2101-01-01T00:00:00Z`, so no
/// instant outside that range is ever returned and an interval lying
/// entirely outside it gives an empty Vec. Never panics.
pub fn phases_between(
    phase: MoonPhase,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Vec<DateTime<Utc>> {
    let from_ts = from.timestamp().max(RANGE_START);
    let to_ts = to.timestamp().min(RANGE_END);
    if from_ts >= to_ts {
        return Vec::new();
    }
    let lunation_at = |ts: i64| (unix_to_jd(ts as f64) - JDE_K0) / SYNODIC_MONTH;
    // Both bounds lie within about ±1300 lunations of k = 0, so the casts are
    // exact. One extra lunation on each side absorbs the periodic terms
    // (under a day) and ΔT.
    let k_first = lunation_at(from_ts).floor() as i64 - 1;
    let k_last = lunation_at(to_ts).ceil() as i64 + 1;
    (k_first..=k_last)
        .filter_map(|k| {
            let jde = jde(k, phase);
            let jd_ut = jde - delta_t_seconds(jd_to_decimal_year(jde)) / SECONDS_PER_DAY;
            let ts = jd_to_unix(jd_ut).round() as i64;
            if (from_ts..to_ts).contains(&ts) {
                DateTime::<Utc>::from_timestamp(ts, 0)
            } else {
                None
            }
        })
        .collect()
}

/// Julian Day for a Unix time in seconds.
fn unix_to_jd(seconds: f64) -> f64 {
    seconds / SECONDS_PER_DAY + JD_UNIX_EPOCH
}

/// Unix time in seconds for a Julian Day.
fn jd_to_unix(jd: f64) -> f64 {
    (jd - JD_UNIX_EPOCH) * SECONDS_PER_DAY
}

/// Decimal (Julian) year of a Julian Day, as used by the ΔT polynomials.
fn jd_to_decimal_year(jd: f64) -> f64 {
    2000.0 + (jd - 2_451_545.0) / 365.25
}

/// ΔT = TT − UT in seconds for the decimal year `y`, by the Espenak–Meeus
/// polynomial expressions (NASA eclipse web site, "Polynomial Expressions
/// for Delta T"), pieces for 1900..2150. Years outside that span use the
/// nearest piece (they are never reached from [`phases_between`]).
fn delta_t_seconds(y: f64) -> f64 {
    if y < 1920.0 {
        let t = y - 1900.0;
        -2.79 + t * (1.494_119 + t * (-0.059_893_9 + t * (0.006_196_6 + t * -0.000_197)))
    } else if y < 1941.0 {
        let t = y - 1920.0;
        21.20 + t * (0.844_93 + t * (-0.076_100 + t * 0.002_093_6))
    } else if y < 1961.0 {
        let t = y - 1950.0;
        29.07 + 0.407 * t - t * t / 233.0 + t * t * t / 2547.0
    } else if y < 1986.0 {
        let t = y - 1975.0;
        45.45 + 1.067 * t - t * t / 260.0 - t * t * t / 718.0
    } else if y < 2005.0 {
        let t = y - 2000.0;
        63.86
            + t * (0.3345
                + t * (-0.060_374 + t * (0.001_727_5 + t * (0.000_651_814 + t * 0.000_023_735_99))))
    } else if y < 2050.0 {
        let t = y - 2000.0;
        62.92 + 0.322_17 * t + 0.005_589 * t * t
    } else {
        let u = (y - 1820.0) / 100.0;
        -20.0 + 32.0 * u * u - 0.5628 * (2150.0 - y)
    }
}

/// Sine of an angle in degrees.
fn sin_deg(degrees: f64) -> f64 {
    degrees.to_radians().sin()
}

/// Cosine of an angle in degrees.
fn cos_deg(degrees: f64) -> f64 {
    degrees.to_radians().cos()
}

/// Periodic terms for new moon (Meeus, chapter 49): coefficient, power of
/// E, and multiples of (M, M', F, Ω) in the argument of the sine.
const NEW_MOON_TERMS: [(f64, i32, [f64; 4]); 25] = [
    (-0.40720, 0, [0.0, 1.0, 0.0, 0.0]),
    (0.17241, 1, [1.0, 0.0, 0.0, 0.0]),
    (0.01608, 0, [0.0, 2.0, 0.0, 0.0]),
    (0.01039, 0, [0.0, 0.0, 2.0, 0.0]),
    (0.00739, 1, [-1.0, 1.0, 0.0, 0.0]),
    (-0.00514, 1, [1.0, 1.0, 0.0, 0.0]),
    (0.00208, 2, [2.0, 0.0, 0.0, 0.0]),
    (-0.00111, 0, [0.0, 1.0, -2.0, 0.0]),
    (-0.00057, 0, [0.0, 1.0, 2.0, 0.0]),
    (0.00056, 1, [1.0, 2.0, 0.0, 0.0]),
    (-0.00042, 0, [0.0, 3.0, 0.0, 0.0]),
    (0.00042, 1, [1.0, 0.0, 2.0, 0.0]),
    (0.00038, 1, [1.0, 0.0, -2.0, 0.0]),
    (-0.00024, 1, [-1.0, 2.0, 0.0, 0.0]),
    (-0.00017, 0, [0.0, 0.0, 0.0, 1.0]),
    (-0.00007, 0, [2.0, 1.0, 0.0, 0.0]),
    (0.00004, 0, [0.0, 2.0, -2.0, 0.0]),
    (0.00004, 0, [3.0, 0.0, 0.0, 0.0]),
    (0.00003, 0, [1.0, 1.0, -2.0, 0.0]),
    (0.00003, 0, [0.0, 2.0, 2.0, 0.0]),
    (-0.00003, 0, [1.0, 1.0, 2.0, 0.0]),
    (0.00003, 0, [-1.0, 1.0, 2.0, 0.0]),
    (-0.00002, 0, [-1.0, 1.0, -2.0, 0.0]),
    (-0.00002, 0, [1.0, 3.0, 0.0, 0.0]),
    (0.00002, 0, [0.0, 4.0, 0.0, 0.0]),
];

/// Periodic terms for full moon (Meeus, chapter 49), laid out as
/// [`NEW_MOON_TERMS`].
const FULL_MOON_TERMS: [(f64, i32, [f64; 4]); 25] = [
    (-0.40614, 0, [0.0, 1.0, 0.0, 0.0]),
    (0.17302, 1, [1.0, 0.0, 0.0, 0.0]),
    (0.01614, 0, [0.0, 2.0, 0.0, 0.0]),
    (0.01043, 0, [0.0, 0.0, 2.0, 0.0]),
    (0.00734, 1, [-1.0, 1.0, 0.0, 0.0]),
    (-0.00515, 1, [1.0, 1.0, 0.0, 0.0]),
    (0.00209, 2, [2.0, 0.0, 0.0, 0.0]),
    (-0.00111, 0, [0.0, 1.0, -2.0, 0.0]),
    (-0.00057, 0, [0.0, 1.0, 2.0, 0.0]),
    (0.00056, 1, [1.0, 2.0, 0.0, 0.0]),
    (-0.00042, 0, [0.0, 3.0, 0.0, 0.0]),
    (0.00042, 1, [1.0, 0.0, 2.0, 0.0]),
    (0.00038, 1, [1.0, 0.0, -2.0, 0.0]),
    (-0.00024, 1, [-1.0, 2.0, 0.0, 0.0]),
    (-0.00017, 0, [0.0, 0.0, 0.0, 1.0]),
    (-0.00007, 0, [2.0, 1.0, 0.0, 0.0]),
    (0.00004, 0, [0.0, 2.0, -2.0, 0.0]),
    (0.00004, 0, [3.0, 0.0, 0.0, 0.0]),
    (0.00003, 0, [1.0, 1.0, -2.0, 0.0]),
    (0.00003, 0, [0.0, 2.0, 2.0, 0.0]),
    (-0.00003, 0, [1.0, 1.0, 2.0, 0.0]),
    (0.00003, 0, [-1.0, 1.0, 2.0, 0.0]),
    (-0.00002, 0, [-1.0, 1.0, -2.0, 0.0]),
    (-0.00002, 0, [1.0, 3.0, 0.0, 0.0]),
    (0.00002, 0, [0.0, 4.0, 0.0, 0.0]),
];

/// Periodic terms for the first and last quarters (Meeus, chapter 49),
/// laid out as [`NEW_MOON_TERMS`].
const QUARTER_TERMS: [(f64, i32, [f64; 4]); 25] = [
    (-0.62801, 0, [0.0, 1.0, 0.0, 0.0]),
    (0.17172, 1, [1.0, 0.0, 0.0, 0.0]),
    (-0.01183, 1, [1.0, 1.0, 0.0, 0.0]),
    (0.00862, 0, [0.0, 2.0, 0.0, 0.0]),
    (0.00804, 0, [0.0, 0.0, 2.0, 0.0]),
    (0.00454, 1, [-1.0, 1.0, 0.0, 0.0]),
    (0.00204, 2, [2.0, 0.0, 0.0, 0.0]),
    (-0.00180, 0, [0.0, 1.0, -2.0, 0.0]),
    (-0.00070, 0, [0.0, 1.0, 2.0, 0.0]),
    (-0.00040, 0, [0.0, 3.0, 0.0, 0.0]),
    (-0.00034, 1, [-1.0, 2.0, 0.0, 0.0]),
    (0.00032, 1, [1.0, 0.0, 2.0, 0.0]),
    (0.00032, 1, [1.0, 0.0, -2.0, 0.0]),
    (-0.00028, 2, [2.0, 1.0, 0.0, 0.0]),
    (0.00027, 1, [1.0, 2.0, 0.0, 0.0]),
    (-0.00017, 0, [0.0, 0.0, 0.0, 1.0]),
    (-0.00005, 0, [-1.0, 1.0, -2.0, 0.0]),
    (0.00004, 0, [0.0, 2.0, 2.0, 0.0]),
    (-0.00004, 0, [1.0, 1.0, 2.0, 0.0]),
    (0.00004, 0, [-2.0, 1.0, 0.0, 0.0]),
    (0.00003, 0, [1.0, 1.0, -2.0, 0.0]),
    (0.00003, 0, [3.0, 0.0, 0.0, 0.0]),
    (0.00002, 0, [0.0, 2.0, -2.0, 0.0]),
    (0.00002, 0, [-1.0, 1.0, 2.0, 0.0]),
    (-0.00002, 0, [1.0, 3.0, 0.0, 0.0]),
];

/// The additional corrections for all phases (Meeus, chapter 49): for each
/// of A1..A14, the coefficient (days), the argument at k = 0 and its rate per
/// lunation (degrees). A1 also has a T² term, added in [`jde`].
const PLANETARY_TERMS: [(f64, f64, f64); 14] = [
    (0.000_325, 299.77, 0.107_408),
    (0.000_165, 251.88, 0.016_321),
    (0.000_164, 251.83, 26.651_886),
    (0.000_126, 349.42, 36.412_478),
    (0.000_110, 84.66, 18.206_239),
    (0.000_062, 141.74, 53.303_771),
    (0.000_060, 207.14, 2.453_732),
    (0.000_056, 154.84, 7.306_860),
    (0.000_047, 34.52, 27.261_239),
    (0.000_042, 207.19, 0.121_824),
    (0.000_040, 291.34, 1.844_379),
    (0.000_037, 161.72, 24.198_154),
    (0.000_035, 239.56, 25.513_099),
    (0.000_023, 331.55, 3.592_518),
];

/// Julian Ephemeris Day (Terrestrial Time) of `phase` in lunation `lunation`
/// (Meeus's integer part of k; lunation 0 is the new moon of 2000 January 6).
fn jde(lunation: i64, phase: MoonPhase) -> f64 {
    let k = lunation as f64 + phase.offset();
    let t = k / 1236.85;
    let t2 = t * t;
    let t3 = t2 * t;
    let t4 = t3 * t;

    // Mean phase, eq. 49.1.
    let mean =
        JDE_K0 + SYNODIC_MONTH * k + 0.000_154_37 * t2 - 0.000_000_150 * t3 + 0.000_000_000_73 * t4;

    // Eccentricity of the Earth's orbit (eq. 47.6).
    let e = 1.0 - 0.002_516 * t - 0.000_007_4 * t2;
    // Sun's mean anomaly.
    let m = 2.5534 + 29.105_356_70 * k - 0.000_001_4 * t2 - 0.000_000_11 * t3;
    // Moon's mean anomaly.
    let m_moon =
        201.5643 + 385.816_935_28 * k + 0.010_758_2 * t2 + 0.000_012_38 * t3 - 0.000_000_058 * t4;
    // Moon's argument of latitude.
    let f =
        160.7108 + 390.670_502_84 * k - 0.001_611_8 * t2 - 0.000_002_27 * t3 + 0.000_000_011 * t4;
    // Longitude of the ascending node of the lunar orbit.
    let omega = 124.7746 - 1.563_755_88 * k + 0.002_067_2 * t2 + 0.000_002_15 * t3;

    let terms: &[(f64, i32, [f64; 4])] = match phase {
        MoonPhase::New => &NEW_MOON_TERMS,
        MoonPhase::Full => &FULL_MOON_TERMS,
        MoonPhase::FirstQuarter | MoonPhase::LastQuarter => &QUARTER_TERMS,
    };
    let periodic: f64 = terms
        .iter()
        .map(|&(coefficient, e_power, [cm, cm_moon, cf, comega])| {
            let argument = cm * m + cm_moon * m_moon + cf * f + comega * omega;
            coefficient * e.powi(e_power) * sin_deg(argument)
        })
        .sum();

    // The W correction of the quarters.
    let w = 0.003_06 - 0.000_38 * e * cos_deg(m) + 0.000_26 * cos_deg(m_moon)
        - 0.000_02 * cos_deg(m_moon - m)
        + 0.000_02 * cos_deg(m_moon + m)
        + 0.000_02 * cos_deg(2.0 * f);
    let quarter = match phase {
        MoonPhase::FirstQuarter => w,
        MoonPhase::LastQuarter => -w,
        MoonPhase::New | MoonPhase::Full => 0.0,
    };

    let planetary: f64 = PLANETARY_TERMS
        .iter()
        .enumerate()
        .map(|(i, &(coefficient, start, rate))| {
            let a1_t2 = if i == 0 { -0.009_173 * t2 } else { 0.0 };
            coefficient * sin_deg(start + rate * k + a1_t2)
        })
        .sum();

    mean + periodic + quarter + planetary
}

#[cfg(test)]
mod tests;
