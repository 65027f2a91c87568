#!/usr/bin/python3
"""Golden values for src/analytics/stationarity (ADF, Engle-Granger, MacKinnon, OLS).

Run with Debian's interpreter and Debian's statsmodels (not a pyenv python):

    apt-get install -y python3-statsmodels
    /usr/bin/python3 test/golden/coint/make_golden.py

It writes test/golden/coint/golden.json next to this file. The inputs are stored in the JSON
exactly as they were passed to statsmodels (rounded to 8 decimals *before* the calls), so the
TypeScript tests need nothing but the JSON.
"""

import json
import math
import os
import platform
import sys
import warnings

import numpy as np
import scipy
import statsmodels
from scipy.stats import norm
from statsmodels.regression.linear_model import OLS
from statsmodels.tools.tools import add_constant
from statsmodels.tsa.adfvalues import mackinnoncrit, mackinnonp
from statsmodels.tsa.stattools import adfuller, coint
from statsmodels.tsa.tsatools import add_trend

HERE = os.path.dirname(os.path.abspath(__file__))
DECIMALS = 8


# ---------------------------------------------------------------------------------------------
# A deterministic synthetic market generator that does not depend on numpy's generators:
# SplitMix64 for uniforms, polar Box-Muller for normals, pure Python integers and floats.
# ---------------------------------------------------------------------------------------------
class SplitMix64:
    MASK = (1 << 64) - 1

    def __init__(self, seed):
        self.state = seed & self.MASK
        self.spare = None

    def next_u64(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & self.MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & self.MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & self.MASK
        return z ^ (z >> 31)

    def uniform(self):
        return (self.next_u64() >> 11) / float(1 << 53)

    def normal(self):
        if self.spare is not None:
            s, self.spare = self.spare, None
            return s
        while True:
            u = 2.0 * self.uniform() - 1.0
            v = 2.0 * self.uniform() - 1.0
            q = u * u + v * v
            if 0.0 < q < 1.0:
                break
        f = math.sqrt(-2.0 * math.log(q) / q)
        self.spare = v * f
        return u * f


def synthetic_log_prices(n, seed):
    """Two log-price paths sharing a common factor, with a mean-reverting (OU) spread and a
    volatility that cycles between calm and busy regimes. Returns (log_a, log_b)."""
    g = SplitMix64(seed)
    log_a = [math.log(50.0)]
    spread = 0.0
    for t in range(1, n):
        vol = 0.012 * (1.0 + 0.5 * math.sin(2.0 * math.pi * t / 180.0))
        common = g.normal()
        log_a.append(log_a[-1] + 0.0002 + vol * common)
    log_b = []
    for t in range(n):
        spread = 0.92 * spread + 0.01 * g.normal()
        log_b.append(0.35 + 0.8 * log_a[t] + spread)
    return np.array(log_a), np.array(log_b)


def ar1(rng, n, phi, sigma=1.0, mu=0.0):
    e = rng.standard_normal(n) * sigma
    out = np.empty(n)
    out[0] = e[0] / math.sqrt(1.0 - phi * phi)
    for t in range(1, n):
        out[t] = phi * out[t - 1] + e[t]
    return out + mu


def rounded(a):
    return np.round(np.asarray(a, dtype=np.float64), DECIMALS)


def build_series():
    rng = np.random.default_rng(20240611)
    s = {}
    s["rw_250"] = 100.0 + np.cumsum(rng.standard_normal(250))
    s["rw_2000"] = 100.0 + np.cumsum(rng.standard_normal(2000))
    s["ar1_250"] = ar1(rng, 250, 0.6, mu=5.0)
    s["ar1_2000"] = ar1(rng, 2000, 0.95, sigma=0.5)
    s["ar1_short_20"] = ar1(rng, 20, 0.3)
    t250 = np.arange(250, dtype=np.float64)
    s["trend_stationary_250"] = 10.0 + 0.05 * t250 + ar1(rng, 250, 0.5)
    s["rw_drift_2000"] = np.cumsum(0.1 + rng.standard_normal(2000))
    for n in (250, 2000):
        x = 50.0 + np.cumsum(rng.standard_normal(n))
        noise = ar1(rng, n, 0.5, sigma=0.8)
        s[f"pair_x_{n}"] = x
        s[f"pair_y_{n}"] = 3.0 + 1.7 * x + noise
        s[f"indep_a_{n}"] = 20.0 + np.cumsum(rng.standard_normal(n))
        s[f"indep_b_{n}"] = 30.0 + np.cumsum(rng.standard_normal(n))
    a, b = synthetic_log_prices(500, 7)
    s["logp_a_500"], s["logp_b_500"] = a, b
    a, b = synthetic_log_prices(2000, 11)
    s["logp_a_2000"], s["logp_b_2000"] = a, b
    # Exactly collinear pair: statsmodels skips the ADF and reports -inf, p = 0.
    s["collinear_x_250"] = s["rw_250"]
    s["collinear_y_250"] = 2.0 * s["rw_250"] + 1.0
    return {k: rounded(v) for k, v in s.items()}


def num(v):
    """JSON has no infinities or NaN: encode them as strings."""
    v = float(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return v


def crit_dict(c):
    return {k: num(c[k]) for k in ("1%", "5%", "10%")}


def main():
    warnings.simplefilter("ignore")
    series = build_series()

    adf_cases = []
    # Every series except the collinear duplicates, every deterministic term, every lag rule.
    adf_series = [k for k in series if not k.startswith("collinear")]
    for name in adf_series:
        x = series[name]
        for regression in ("c", "n", "ct", "ctt"):
            for autolag in ("AIC", "BIC", "t-stat", None):
                for maxlag in (None, 3):
                    if maxlag is not None and autolag == "AIC" and regression != "c":
                        continue  # keep the file small: explicit maxlag mostly with 'c'
                    try:
                        res = adfuller(x, maxlag=maxlag, regression=regression, autolag=autolag)
                    except ValueError as e:  # too short for the requested terms
                        adf_cases.append(
                            {"series": name, "regression": regression, "autolag": autolag,
                             "maxlag": maxlag, "error": str(e)})
                        continue
                    case = {
                        "series": name,
                        "regression": regression,
                        "autolag": autolag,
                        "maxlag": maxlag,
                        "stat": num(res[0]),
                        "pvalue": num(res[1]),
                        "usedlag": int(res[2]),
                        "nobs": int(res[3]),
                        "crit": crit_dict(res[4]),
                        "icbest": num(res[5]) if autolag is not None else None,
                    }
                    adf_cases.append(case)

    pairs = [
        ("pair_y_250", "pair_x_250"),
        ("pair_x_250", "pair_y_250"),
        ("pair_y_2000", "pair_x_2000"),
        ("indep_a_250", "indep_b_250"),
        ("indep_a_2000", "indep_b_2000"),
        ("logp_b_500", "logp_a_500"),
        ("logp_a_500", "logp_b_500"),
        ("logp_b_2000", "logp_a_2000"),
        ("rw_2000", "rw_drift_2000"),
        ("collinear_y_250", "collinear_x_250"),
    ]
    coint_cases = []
    for y0n, y1n in pairs:
        y0, y1 = series[y0n], series[y1n]
        for trend in ("c", "ct"):
            for autolag in ("AIC", "BIC", "t-stat", None):
                if trend == "ct" and autolag not in ("AIC", None):
                    continue
                stat, p, crit = coint(y0, y1, trend=trend, autolag=autolag)
                first = OLS(y0, add_trend(y1[:, None], trend=trend, prepend=False)).fit()
                coint_cases.append({
                    "y0": y0n,
                    "y1": y1n,
                    "trend": trend,
                    "autolag": autolag,
                    "stat": num(stat),
                    "pvalue": num(p),
                    "crit": [num(c) for c in crit],
                    "params": [num(v) for v in first.params],
                })

    ols_cases = []
    for yn, xns in [
        ("pair_y_2000", ["pair_x_2000"]),
        ("pair_y_250", ["pair_x_250"]),
        ("logp_b_500", ["logp_a_500"]),
        ("rw_drift_2000", ["rw_2000", "pair_x_2000", "indep_a_2000"]),
        ("trend_stationary_250", ["rw_250", "ar1_250", "pair_x_250", "indep_b_250"]),
    ]:
        y = series[yn]
        X = add_constant(np.column_stack([series[n] for n in xns]), prepend=True)
        r = OLS(y, X).fit()
        ols_cases.append({
            "y": yn,
            "x": xns,
            "params": [num(v) for v in r.params],
            "bse": [num(v) for v in r.bse],
            "tvalues": [num(v) for v in r.tvalues],
            "ssr": num(r.ssr),
            "llf": num(r.llf),
            "aic": num(r.aic),
            "bic": num(r.bic),
            "rsquared": num(r.rsquared),
            "df_resid": num(r.df_resid),
            "resid_head": [num(v) for v in r.resid[:5]],
            "resid_tail": [num(v) for v in r.resid[-5:]],
        })

    p_cases = []
    stats = [round(-20.0 + 0.25 * i, 2) for i in range(int(23.0 / 0.25) + 1)]
    stats += [-19.05, -18.84, -1.61, -1.6, -2.62, -2.63, 2.74, 2.75, -1.04, -3.13]
    for regression in ("c", "n", "ct", "ctt"):
        for N in range(1, 7):
            for s in stats:
                p_cases.append({"stat": s, "regression": regression, "N": N,
                                "p": num(mackinnonp(s, regression=regression, N=N))})

    crit_cases = []
    for regression in ("c", "ct", "ctt", "n"):
        n_max = 1 if regression == "n" else 12
        for N in range(1, n_max + 1):
            for nobs in (math.inf, 20, 100, 249, 1999):
                c = mackinnoncrit(N=N, regression=regression, nobs=nobs)
                crit_cases.append({"N": N, "regression": regression, "nobs": num(nobs),
                                   "crit": [num(v) for v in c]})

    xs = [round(-38.0 + 0.5 * i, 2) for i in range(int(46.0 / 0.5) + 1)]
    xs += [-0.3, -1e-3, 1e-3, 0.3, 0.4769, -0.4769, 4.0 * math.sqrt(0.5), -4.0 * math.sqrt(0.5)]
    norm_cases = [[num(x), num(norm.cdf(x))] for x in xs]

    out = {
        "meta": {
            "generator": "test/golden/coint/make_golden.py",
            "python": platform.python_version(),
            "executable": sys.executable,
            "statsmodels": statsmodels.__version__,
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "decimals": DECIMALS,
        },
        "series": {k: [float(v) for v in a] for k, a in series.items()},
        "adfuller": adf_cases,
        "coint": coint_cases,
        "ols": ols_cases,
        "mackinnonp": p_cases,
        "mackinnoncrit": crit_cases,
        "normcdf": norm_cases,
    }
    path = os.path.join(HERE, "golden.json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {path}: {len(adf_cases)} adfuller, {len(coint_cases)} coint, "
          f"{len(ols_cases)} ols, {len(p_cases)} mackinnonp, {len(crit_cases)} mackinnoncrit")


if __name__ == "__main__":
    main()
