//! The standard normal distribution in log space: `ln Φ(z)` and its inverse, accurate far into
//! both tails (the gallery calibration of search scores takes `Φ(z)` to the power of millions).

use std::f64::consts::{LN_2, PI, SQRT_2};

/// Largest |z| handled; cosines of unit vectors stay well inside it for the stranger model.
const Z_LIMIT: f64 = 37.0;

/// `ln Φ(z)`, the log of the standard normal CDF.
pub(crate) fn ln_cdf(z: f64) -> f64 {
    let z = z.clamp(-Z_LIMIT, Z_LIMIT);
    if z > 0.0 {
        // ln(1 - Q(z)) without cancellation when Q(z) is tiny.
        (-0.5 * libm::erfc(z / SQRT_2)).ln_1p()
    } else {
        (0.5 * libm::erfc(-z / SQRT_2)).ln()
    }
}

/// The z with `ln Φ(z) = ln_p` (`ln_p <= 0`); clamped to +-[`Z_LIMIT`].
pub(crate) fn from_ln_cdf(ln_p: f64) -> f64 {
    if ln_p.is_nan() {
        return -Z_LIMIT;
    }
    if ln_p >= -LN_2 {
        // Upper half: z = Q^-1(1 - p), with 1 - p taken as -expm1(ln p) so tiny tails survive.
        let q = -ln_p.exp_m1();
        if q <= 0.0 {
            return Z_LIMIT;
        }
        (-lower_quantile(q)).min(Z_LIMIT)
    } else {
        let p = ln_p.exp();
        if p <= 0.0 {
            return -Z_LIMIT;
        }
        lower_quantile(p).max(-Z_LIMIT)
    }
}

/// Φ^-1(p) for 0 < p <= 0.5: Acklam's rational approximation, then one Halley step on erfc.
fn lower_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let x = if p < 0.02425 {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    };
    // Halley refinement: relative error of the CDF, well-conditioned in the lower tail.
    let e = 0.5 * libm::erfc(-x / SQRT_2) - p;
    let u = e * (2.0 * PI).sqrt() * (x * x / 2.0).exp();
    x - u / (1.0 + x * u / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_and_round_trip() {
        assert!((ln_cdf(0.0) - 0.5f64.ln()).abs() < 1e-12);
        // Φ(-1.959964) = 0.025, Q(4.753424) = 1e-6, Q(8) = 6.22e-16.
        assert!((ln_cdf(-1.959_964).exp() - 0.025).abs() < 1e-8);
        assert!(((-ln_cdf(4.753_424)) / 1e-6 - 1.0).abs() < 1e-4);
        assert!(((-ln_cdf(8.0)) / 6.220_960_574_271_78e-16 - 1.0).abs() < 1e-6);
        for i in -120..=120 {
            let z = i as f64 / 10.0;
            let back = from_ln_cdf(ln_cdf(z));
            assert!((back - z).abs() < 1e-6, "{z} -> {back}");
        }
        assert_eq!(from_ln_cdf(0.0), Z_LIMIT);
        assert_eq!(from_ln_cdf(f64::NEG_INFINITY), -Z_LIMIT);
    }
}
