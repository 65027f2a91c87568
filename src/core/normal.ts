/* eslint-disable no-loss-of-precision -- coefficients are quoted with the digits Cody (1993) and Wichura (1988) published, so they can be checked against the papers; each rounds to the nearest double. */
// The standard normal distribution: density, distribution function and quantile, to double precision.
//
// normCdf follows W. J. Cody's ANORM (ACM TOMS Algorithm 715, SPECFUN, 1993), rational Chebyshev
// approximations derived from Cody, "Rational Chebyshev approximations for the error function",
// Math. Comp. 23 (1969) 631-637: three ranges of |x|, each a ratio of polynomials, with the Gaussian
// factor split as exp(-xs^2/2)·exp(-(x-xs)(x+xs)/2) (xs = x rounded down to 1/16) so the far tails keep
// full relative precision. normInv follows M. J. Wichura, "Algorithm AS 241: The percentage points of
// the normal distribution", Applied Statistics 37 (1988) 477-484 (PPND16, about 16 digits).

const INV_SQRT_2PI = 0.3989422804014327; // 1/sqrt(2*pi)
const SQRT_32 = 5.656854249492381;

// ANORM, |x| <= 0.66291: x * A(x^2) / B(x^2).
const A = [2.2352520354606839287, 161.02823106855587881, 1067.6894854603709582, 18154.981253343561249, 0.065682337918207449113];
const B = [47.20258190468824187, 976.09855173777669322, 10260.932208618978205, 45507.789335026729956];
// ANORM, 0.66291 < |x| <= sqrt(32): exp(-x^2/2) * C(|x|) / D(|x|).
const C = [
  0.39894151208813466764, 8.8831497943883759412, 93.506656132177855979, 597.27027639480026226, 2494.5375852903726711,
  6848.1904505362823326, 11602.651437647350124, 9842.7148383839780218, 1.0765576773720192317e-8,
];
const D = [
  22.266688044328115691, 235.38790178262499861, 1519.377599407554805, 6485.558298266760755, 18615.571640885098091,
  34900.952721145977266, 38912.003286093271411, 19685.429676859990727,
];
// ANORM, |x| > sqrt(32): exp(-x^2/2) / |x| * (1/sqrt(2 pi) - P(1/x^2) / (x^2 Q(1/x^2))).
const P = [0.21589853405795699, 0.1274011611602473639, 0.022235277870649807, 0.001421619193227893466, 2.9112874951168792e-5, 0.02307344176494017303];
const Q = [1.28426009614491121, 0.468238212480865118, 0.0659881378689285515, 0.00378239633202758244, 7.29751555083966205e-5];

/** Standard normal density φ(x) = exp(-x²/2) / √(2π). */
export function normPdf(x: number): number {
  const y = Math.abs(x);
  if (!(y < 40)) return Number.isNaN(x) ? NaN : 0; // exp(-800) underflows to 0 anyway
  return INV_SQRT_2PI * gaussTail(y);
}

/** exp(-x²/2) without the cancellation error of squaring a large x in one go. */
function gaussTail(y: number): number {
  const ys = Math.trunc(y * 16) / 16;
  const del = (y - ys) * (y + ys);
  return Math.exp(-ys * ys * 0.5) * Math.exp(-del * 0.5);
}

/**
 * Upper or lower tail for |x| > 0.66291: returns Φ(-|x|) (the smaller tail), accurate relative to
 * itself, so the caller can form Φ(x) or 1 - Φ(x) without cancellation.
 */
function smallTail(y: number): number {
  if (y <= SQRT_32) {
    let num = C[8]! * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + C[i]!) * y;
      den = (den + D[i]!) * y;
    }
    return (gaussTail(y) * (num + C[7]!)) / (den + D[7]!);
  }
  const xsq = 1 / (y * y);
  let num = P[5]! * xsq;
  let den = xsq;
  for (let i = 0; i < 4; i++) {
    num = (num + P[i]!) * xsq;
    den = (den + Q[i]!) * xsq;
  }
  const r = (xsq * (num + P[4]!)) / (den + Q[4]!);
  return (gaussTail(y) * (INV_SQRT_2PI - r)) / y;
}

/**
 * Standard normal distribution function Φ(x) = P(Z ≤ x), relative error about 1e-16 over the whole
 * range (the left tail keeps full relative precision down to underflow near x = -38.4).
 */
export function normCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const y = Math.abs(x);
  if (y <= 0.66291) {
    const xsq = x * x;
    let num = A[4]! * xsq;
    let den = xsq;
    for (let i = 0; i < 3; i++) {
      num = (num + A[i]!) * xsq;
      den = (den + B[i]!) * xsq;
    }
    return 0.5 + (x * (num + A[3]!)) / (den + B[3]!);
  }
  if (y > 40) return x > 0 ? 1 : 0;
  const tail = smallTail(y);
  return x > 0 ? 1 - tail : tail;
}

/** Upper tail 1 - Φ(x) = Φ(-x), accurate in the right tail. */
export function normSf(x: number): number {
  return normCdf(-x);
}

/**
 * Standard normal quantile Φ⁻¹(p) for p in [0, 1] (−∞ and +∞ at the ends, NaN outside), relative error
 * about 1e-16 (Wichura's AS 241, PPND16).
 */
export function normInv(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (
      (q *
        (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r + 67265.770927008700853) * r + 45921.953931549871457) * r +
          13731.693765509461125) *
          r +
          1971.5909503065514427) *
          r +
          133.14166789178437745) *
          r +
          3.387132872796366608)) /
      (((((((r * 5226.495278852854561 + 28729.085735721942674) * r + 39307.89580009271061) * r + 21213.794301586595867) * r +
        5394.1960214247511077) *
        r +
        687.1870074920579083) *
        r +
        42.313330701600911252) *
        r +
        1)
    );
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let val: number;
  if (r <= 5) {
    r -= 1.6;
    val =
      (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r + 0.24178072517745061177) * r + 1.27045825245236838258) * r +
        3.64784832476320460504) *
        r +
        5.7694972214606914055) *
        r +
        4.6303378461565452959) *
        r +
        1.42343711074968357734) /
      (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r + 0.14810397642748007459) * r +
        0.68976733498510000455) *
        r +
        1.6763848301838038494) *
        r +
        2.05319162663775882187) *
        r +
        1);
  } else {
    r -= 5;
    val =
      (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r + 0.026532189526576123093) * r +
        0.29656057182850489123) *
        r +
        1.7848265399172913358) *
        r +
        5.4637849111641143699) *
        r +
        6.6579046435011037772) /
      (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r +
        0.0148753612908506148525) *
        r +
        0.13692988092273580531) *
        r +
        0.59983220655588793769) *
        r +
        1);
  }
  return q < 0 ? -val : val;
}
