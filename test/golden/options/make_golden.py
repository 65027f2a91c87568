#!/usr/bin/env python3
"""Writes bsm.json: Black-Scholes-Merton prices and Greeks, and standard normal values, as reference
data for src/risk/options (see README.md beside this file).

BSM values use scipy.stats.norm (cdf, pdf). Every BSM value is cross-checked against an independent
50-digit mpmath evaluation, and every Greek against mpmath's numerical derivative of that price, so
a wrong closed form fails here rather than being frozen into the golden file. The normal values
(cdf, pdf, quantile) come from mpmath at 50 digits, rounded once to double.

Run from anywhere: python3 test/golden/options/make_golden.py
"""
import itertools
import json
import math
import os
import sys

import mpmath
import numpy
import scipy
from scipy.stats import norm

mpmath.mp.dps = 50
HERE = os.path.dirname(os.path.abspath(__file__))


def bsm_scipy(right, s, k, t, r, q, vol):
    sd = s * math.exp(-q * t)
    kd = k * math.exp(-r * t)
    vst = vol * math.sqrt(t)
    d1 = (math.log(s / k) + (r - q) * t) / vst + 0.5 * vst
    d2 = d1 - vst
    pdf = norm.pdf(d1)
    decay = -sd * pdf * vol / (2 * math.sqrt(t))
    if right == "call":
        price = sd * norm.cdf(d1) - kd * norm.cdf(d2)
        delta = math.exp(-q * t) * norm.cdf(d1)
        theta = decay - r * kd * norm.cdf(d2) + q * sd * norm.cdf(d1)
        rho = k * t * math.exp(-r * t) * norm.cdf(d2)
        psi = -s * t * math.exp(-q * t) * norm.cdf(d1)
    else:
        price = kd * norm.cdf(-d2) - sd * norm.cdf(-d1)
        delta = -math.exp(-q * t) * norm.cdf(-d1)
        theta = decay + r * kd * norm.cdf(-d2) - q * sd * norm.cdf(-d1)
        rho = -k * t * math.exp(-r * t) * norm.cdf(-d2)
        psi = s * t * math.exp(-q * t) * norm.cdf(-d1)
    gamma = math.exp(-q * t) * pdf / (s * vst)
    vega = sd * pdf * math.sqrt(t)
    return {
        "price": float(price), "delta": float(delta), "gamma": float(gamma), "vega": float(vega),
        "theta": float(theta), "rho": float(rho), "psi": float(psi),
    }


def bsm_mp(right, s, k, t, r, q, vol):
    s, k, t, r, q, vol = (mpmath.mpf(x) for x in (s, k, t, r, q, vol))
    vst = vol * mpmath.sqrt(t)
    d1 = (mpmath.log(s / k) + (r - q + vol * vol / 2) * t) / vst
    d2 = d1 - vst
    if right == "call":
        return s * mpmath.exp(-q * t) * mpmath.ncdf(d1) - k * mpmath.exp(-r * t) * mpmath.ncdf(d2)
    return k * mpmath.exp(-r * t) * mpmath.ncdf(-d2) - s * mpmath.exp(-q * t) * mpmath.ncdf(-d1)


def check(case, got):
    right, s, k, t, r, q, vol = (case[x] for x in ("right", "spot", "strike", "timeYears", "rate", "dividendYield", "vol"))
    f = lambda **kw: bsm_mp(right, kw.get("s", s), k, kw.get("t", t), kw.get("r", r), kw.get("q", q), kw.get("vol", vol))
    ref = {
        "price": f(),
        "delta": mpmath.diff(lambda x: f(s=x), s),
        "gamma": mpmath.diff(lambda x: f(s=x), s, 2),
        "vega": mpmath.diff(lambda x: f(vol=x), vol),
        "theta": -mpmath.diff(lambda x: f(t=x), t),
        "rho": mpmath.diff(lambda x: f(r=x), r),
        "psi": mpmath.diff(lambda x: f(q=x), q),
    }
    scale = s + k
    for name, want in ref.items():
        err = abs(got[name] - float(want))
        # Double-precision formulas lose a few ulps of S + K to cancellation; allow 1e-12 of that scale.
        if err > 1e-12 * max(abs(float(want)), 1.0) * (scale if name in ("price", "theta") else 1.0) and err > 1e-13 * scale:
            sys.exit(f"mismatch {name} for {case}: scipy {got[name]!r} vs mpmath {float(want)!r}")


def main():
    cases = []
    # Hull, Options, Futures and Other Derivatives, Example 15.6 (S=42, K=40, r=10%, sigma=20%, T=0.5).
    grid = [("call", "put"), (42.0,), (40.0,), (0.5,), (0.1,), (0.0,), (0.2,)]
    grid_main = [
        ("call", "put"),
        (60.0, 90.0, 100.0, 110.0, 150.0),  # spot against strike 100: deep OTM/ITM both sides, near ATM
        (100.0,),
        (7 / 365, 0.25, 1.0, 3.0),  # one week to three years
        (0.0, 0.05),
        (0.0, 0.03),  # continuous dividend yield
        (0.1, 0.3, 0.8),
    ]
    # Negative rate, high dividend, long expiry, tiny vol: a handful of corner cases.
    extra = [
        ("call", 100.0, 100.0, 10.0, -0.01, 0.06, 0.25),
        ("put", 100.0, 100.0, 10.0, -0.01, 0.06, 0.25),
        ("call", 100.0, 80.0, 0.5, 0.03, 0.0, 0.01),
        ("put", 100.0, 120.0, 0.5, 0.03, 0.0, 0.01),
        ("call", 1.2345, 1.25, 0.75, 0.045, 0.02, 0.12),
        ("put", 25000.0, 24000.0, 1 / 365, 0.05, 0.015, 0.18),
    ]
    rows = list(itertools.product(*grid)) + list(itertools.product(*grid_main)) + extra
    for right, s, k, t, r, q, vol in rows:
        case = {"right": right, "spot": s, "strike": k, "timeYears": t, "rate": r, "dividendYield": q, "vol": vol}
        got = bsm_scipy(right, s, k, t, r, q, vol)
        check(case, got)
        cases.append({**case, **got})

    xs = [-38.0, -37.5, -30.0, -20.0, -12.5, -8.0, -5.657, -5.65, -4.0, -2.326, -1.0, -0.66291, -0.6629, -0.1, 0.0,
          1e-9, 0.3, 0.66292, 1.0, 1.959963984540054, 2.5, 4.0, 5.7, 7.5, 8.3, 9.0]
    normal_cdf = [{"x": x, "cdf": float(mpmath.ncdf(x)), "pdf": float(mpmath.npdf(x))} for x in xs]
    ps = [1e-300, 1e-100, 1e-20, 1e-12, 1e-6, 0.001, 0.01, 0.025, 0.05, 0.074, 0.075, 0.2, 0.5, 0.6, 0.9, 0.95, 0.975, 0.99,
          0.999, 0.9999999]
    normal_inv = []
    for p in ps:
        z = mpmath.findroot(lambda t: mpmath.ncdf(t) - mpmath.mpf(p), float(norm.ppf(p)))
        normal_inv.append({"p": p, "x": float(z)})

    out = {
        "origin": (
            "test/golden/options/make_golden.py: BSM closed forms evaluated with scipy.stats.norm "
            f"(scipy {scipy.__version__}, numpy {numpy.__version__}, Python {sys.version.split()[0]}), each cross-checked "
            f"against 50-digit mpmath {mpmath.__version__} prices and numerical derivatives; normal values from mpmath at 50 digits."
        ),
        "units": "vega, rho, psi per 1.00 of vol/rate/yield; theta per year of calendar time (-dV/dT)",
        "bsm": cases,
        "normalCdf": normal_cdf,
        "normalInv": normal_inv,
    }
    with open(os.path.join(HERE, "bsm.json"), "w") as fh:
        json.dump(out, fh, indent=1)
        fh.write("\n")
    print(f"wrote {len(cases)} BSM cases, {len(normal_cdf)} cdf points, {len(normal_inv)} quantiles")


if __name__ == "__main__":
    main()
