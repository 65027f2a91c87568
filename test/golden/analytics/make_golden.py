#!/usr/bin/env python3
"""Reference values for src/analytics (the metrics library), from textbook formulas.

    python3 test/golden/analytics/make_golden.py

Writes metrics.json beside this file. Every value is computed here, independently of the
TypeScript code, with numpy/scipy written the way the formulas read (full arrays, np.percentile,
scipy.stats.skew/kurtosis, scipy.stats.norm), following empyrical/quantstats conventions:
simple returns, sample std (ddof=1), annual risk-free rate compounded per period, CAGR over
calendar time (365.25-day years). Inputs (timestamps, equity, benchmark returns, trades) are
stored in the JSON exactly as used, so the TypeScript tests need nothing but the JSON.
NaN is written as null.
"""

import datetime as dt
import json
import math
import os
import platform

import numpy as np
import scipy
from scipy import stats
from scipy.stats import norm

HERE = os.path.dirname(os.path.abspath(__file__))
MS_PER_DAY = 86_400_000
MS_PER_YEAR = 365.25 * MS_PER_DAY
EULER_GAMMA = 0.5772156649015329


def clean(x):
    """JSON-safe: numpy scalars to float, NaN/inf to None, recursively."""
    if isinstance(x, dict):
        return {k: clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple, np.ndarray)):
        return [clean(v) for v in x]
    if x is None or isinstance(x, (bool, str)):
        return x
    if isinstance(x, (int, np.integer)):
        return int(x)
    f = float(x)
    return f if math.isfinite(f) else None


# ---------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------
def business_days(start, n):
    out, d = [], start
    while len(out) < n:
        if d.weekday() < 5:
            out.append(int(d.timestamp() * 1000))
        d += dt.timedelta(days=1)
    return np.array(out, dtype=np.float64)


def calendar_days(start, n):
    return np.array([int((start + dt.timedelta(days=i)).timestamp() * 1000) for i in range(n)], dtype=np.float64)


def utc(y, m, d):
    return dt.datetime(y, m, d, tzinfo=dt.timezone.utc)


def make_inputs():
    rng = np.random.default_rng(20240601)
    series = []

    # 1. ~8 years of daily returns, fat-tailed (Student t, 4 dof), with a correlated benchmark.
    n = 2000
    common = rng.standard_t(4, n) / math.sqrt(2.0)
    bench = 0.0003 + 0.010 * common
    idio = rng.standard_normal(n)
    r = 0.0004 + 0.011 * (0.7 * common + 0.714 * idio)
    equity = 100_000.0 * np.concatenate([[1.0], np.cumprod(1.0 + r)])
    series.append({"name": "random-daily", "periodsPerYear": 252, "timeMs": business_days(utc(2015, 1, 2), n + 1),
                   "equity": equity, "benchmarkReturns": bench, "rollingWindow": 63})

    # 2. A flat stretch of 80 bars (equity exactly constant) between two noisy parts.
    a = 0.0005 + 0.008 * rng.standard_normal(100)
    b = -0.0002 + 0.009 * rng.standard_normal(120)
    r = np.concatenate([a, np.zeros(80), b])
    equity = np.empty(len(r) + 1)
    equity[0] = 50_000.0
    for i, x in enumerate(r):
        equity[i + 1] = equity[i] if x == 0 else equity[i] * (1.0 + x)
    series.append({"name": "flat-stretch", "periodsPerYear": 252, "timeMs": business_days(utc(2020, 3, 2), len(r) + 1),
                   "equity": equity, "rollingWindow": 40})

    # 3. A big drawdown on a 24/7 calendar: a rise, a 60 % crash, a partial recovery that never
    #    regains the peak (the last episode stays open).
    up = 0.002 + 0.01 * rng.standard_normal(150)
    crash = np.full(100, (0.4 ** (1 / 100)) - 1) + 0.004 * rng.standard_normal(100)
    rec = 0.0015 + 0.012 * rng.standard_normal(350)
    r = np.concatenate([up, crash, rec])
    equity = 10_000.0 * np.concatenate([[1.0], np.cumprod(1.0 + r)])
    series.append({"name": "big-drawdown", "periodsPerYear": 365, "timeMs": calendar_days(utc(2021, 1, 1), len(r) + 1),
                   "equity": equity, "rollingWindow": 30})

    # Trades on the first series: overlapping long and short round trips, one break-even trade,
    # some without excursions.
    t = series[0]["timeMs"]
    trades = []
    for k in range(60):
        i = int(rng.integers(0, n - 40))
        hold = int(rng.integers(1, 35))
        qty = int(rng.integers(1, 200)) * (1 if rng.random() < 0.65 else -1)
        entry = round(float(50 + 100 * rng.random()), 2)
        exit_ = round(entry * (1 + 0.06 * float(rng.standard_normal())), 2)
        commission = round(0.001 * abs(qty) * (entry + exit_), 6)
        if k == 7:
            exit_, commission = entry, 0.0
        pnl = (exit_ - entry) * qty - commission
        tr = {"symbol": "AAA" if k % 3 else "BBB", "entryTimeMs": float(t[i]), "exitTimeMs": float(t[i + hold]),
              "entryPrice": entry, "exitPrice": exit_, "qty": float(qty), "pnl": pnl, "commission": commission}
        if k % 5 != 4:
            tr["mae"] = -float(0.1 * rng.random())
            tr["mfe"] = float(0.15 * rng.random())
        trades.append(tr)
    exposure = np.where(rng.random(n + 1) < 0.3, 0.0, 0.5 + 0.5 * rng.random(n + 1))
    return series, trades, exposure


# ---------------------------------------------------------------------------------------------
# Formulas
# ---------------------------------------------------------------------------------------------
def simple_returns(e):
    return e[1:] / e[:-1] - 1.0


def per_period(annual, ppy):
    return (1.0 + annual) ** (1.0 / ppy) - 1.0


def headline(tm, e, ppy, rf_annual):
    r = simple_returns(e)
    x = r - per_period(rf_annual, ppy)
    years = (tm[-1] - tm[0]) / MS_PER_YEAR
    cagr = (e[-1] / e[0]) ** (1.0 / years) - 1.0
    vol = np.std(r, ddof=1) * math.sqrt(ppy)
    sharpe = np.mean(x) / np.std(x, ddof=1) * math.sqrt(ppy)
    down = math.sqrt(np.mean(np.minimum(x, 0.0) ** 2))
    sortino = np.mean(x) * ppy / (down * math.sqrt(ppy))
    dd = e / np.maximum.accumulate(e) - 1.0
    mdd = dd.min()
    eps = episodes(tm, e)
    return {
        "riskFreeRate": rf_annual,
        "years": years,
        "totalReturn": e[-1] / e[0] - 1.0,
        "cagr": cagr,
        "annualVolatility": vol,
        "sharpe": sharpe,
        "sortino": sortino,
        "maxDrawdown": mdd,
        "maxDrawdownDurationBars": max([ep["lengthBars"] for ep in eps], default=0),
        "maxDrawdownDurationDays": max([ep["lengthDays"] for ep in eps], default=0),
        "calmar": cagr / abs(mdd),
    }


def episodes(tm, e):
    """Runs of bars under water (dd < 0); the peak is the bar before the run."""
    dd = e / np.maximum.accumulate(e) - 1.0
    n, out, i = len(e), [], 0
    while i < n:
        if dd[i] < 0:
            s = i
            while i < n and dd[i] < 0:
                i += 1
            f = i - 1
            peak = s - 1
            trough = s + int(np.argmin(e[s:f + 1]))
            rec = f + 1 if f + 1 < n else None
            end = rec if rec is not None else n - 1
            out.append({
                "startIndex": peak, "troughIndex": trough, "recoveryIndex": rec,
                "startMs": tm[peak], "troughMs": tm[trough], "recoveryMs": tm[rec] if rec is not None else None,
                "depth": e[trough] / e[peak] - 1.0,
                "lengthBars": end - peak, "lengthDays": (tm[end] - tm[peak]) / MS_PER_DAY,
                "recoveryBars": rec - trough if rec is not None else None,
                "recoveryDays": (tm[rec] - tm[trough]) / MS_PER_DAY if rec is not None else None,
            })
        else:
            i += 1
    return out


def distribution(r, ppy, rf_annual, required_annual, cutoff=0.05):
    tau = per_period(rf_annual, ppy) + per_period(required_annual, ppy)
    s = np.sort(r)
    k = int((len(r) - 1) * cutoff)
    mu, sd = np.mean(r), np.std(r, ddof=1)
    z = norm.ppf(cutoff)
    return {
        "riskFreeRate": rf_annual,
        "requiredReturn": required_annual,
        "cutoff": cutoff,
        "skew": stats.skew(r, bias=False),
        "excessKurtosis": stats.kurtosis(r, fisher=True, bias=False),
        "omega": np.sum(np.maximum(r - tau, 0)) / np.sum(np.maximum(tau - r, 0)),
        "tailRatio": abs(np.percentile(r, 95)) / abs(np.percentile(r, 5)),
        "historicalVaR": np.percentile(r, 100 * cutoff),
        "historicalCVaR": np.mean(s[: k + 1]),
        "parametricVaR": mu + sd * z,
        "parametricCVaR": mu - sd * norm.pdf(z) / cutoff,
    }


def ulcer(e):
    dd = e / np.maximum.accumulate(e) - 1.0
    return math.sqrt(np.mean(dd ** 2))


def rolling(r, w, ppy, bench=None):
    n = len(r)
    sh, vol, beta = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    for i in range(w - 1, n):
        x = r[i - w + 1: i + 1]
        sd = np.std(x, ddof=1)
        vol[i] = sd * math.sqrt(ppy)
        sh[i] = np.mean(x) / sd * math.sqrt(ppy) if sd > 0 else np.nan
        if bench is not None:
            y = bench[i - w + 1: i + 1]
            vy = np.var(y, ddof=1)
            beta[i] = np.cov(x, y, ddof=1)[0, 1] / vy if vy > 0 else np.nan
    out = {"window": w, "sharpe": sh, "volatility": vol}
    if bench is not None:
        out["beta"] = beta
    return out


def benchmark_stats(r, b, ppy, rf_annual):
    rf = per_period(rf_annual, ppy)
    x, y = r - rf, b - rf
    beta = np.cov(x, y, ddof=1)[0, 1] / np.var(y, ddof=1)
    active = r - b
    te = np.std(active, ddof=1)
    return {
        "riskFreeRate": rf_annual,
        "alpha": (1.0 + np.mean(x - beta * y)) ** ppy - 1.0,
        "beta": beta,
        "correlation": np.corrcoef(r, b)[0, 1],
        "trackingError": te * math.sqrt(ppy),
        "informationRatio": np.mean(active) / te * math.sqrt(ppy),
    }


def sharpe_inference(r, ppy, bench_sharpe_annual, n_trials, trial_var_annual):
    """Bailey & Lopez de Prado: PSR, DSR, MinTRL with per-period SR and biased moments."""
    n = len(r)
    sr = np.mean(r) / np.std(r, ddof=1)
    g3 = stats.skew(r, bias=True)
    g4 = stats.kurtosis(r, fisher=False, bias=True)
    disp = math.sqrt(1.0 - g3 * sr + (g4 - 1.0) / 4.0 * sr ** 2)

    def psr(star):
        return norm.cdf((sr - star) * math.sqrt(n - 1) / disp)

    sr_star = bench_sharpe_annual / math.sqrt(ppy)
    emax = math.sqrt(trial_var_annual) * ((1 - EULER_GAMMA) * norm.ppf(1 - 1 / n_trials)
                                          + EULER_GAMMA * norm.ppf(1 - 1 / (n_trials * math.e)))
    min_trl = 1 + disp ** 2 * (norm.ppf(0.95) / (sr - 0.0)) ** 2 if sr > 0 else None
    return {
        "benchmarkSharpe": bench_sharpe_annual,
        "numTrials": n_trials,
        "trialSharpeVariance": trial_var_annual,
        "psr0": psr(0.0),
        "psrBenchmark": psr(sr_star),
        "expectedMaxSharpe": emax,
        "dsr": psr(emax / math.sqrt(ppy)),
        "sharpe": sr * math.sqrt(ppy),
        "minTrackRecordLength": min_trl,
    }


def calendar_tables(tm, e):
    r = simple_returns(e)
    months, years = {}, {}
    for t, x in zip(tm[1:], r):
        d = dt.datetime.fromtimestamp(t / 1000, tz=dt.timezone.utc)
        months.setdefault((d.year, d.month), []).append(x)
        years.setdefault(d.year, []).append(x)
    return (
        [{"year": y, "month": m, "return": np.prod(1.0 + np.array(v)) - 1.0} for (y, m), v in sorted(months.items())],
        [{"year": y, "return": np.prod(1.0 + np.array(v)) - 1.0} for y, v in sorted(years.items())],
    )


def pnl_summary(tr):
    pnl = np.array([t["pnl"] for t in tr])
    wins, losses = pnl[pnl > 0], pnl[pnl < 0]
    return {
        "count": len(tr), "wins": len(wins), "losses": len(losses),
        "winRate": len(wins) / len(tr) if tr else None,
        "profitFactor": wins.sum() / -losses.sum() if len(losses) else None,
        "avgWin": wins.mean() if len(wins) else None,
        "avgLoss": losses.mean() if len(losses) else None,
        "expectancy": pnl.mean() if tr else None,
        "totalPnl": pnl.sum(),
    }


def trade_stats(tr):
    out = pnl_summary(tr)
    out["long"] = pnl_summary([t for t in tr if t["qty"] > 0])
    out["short"] = pnl_summary([t for t in tr if t["qty"] < 0])
    pnl = [t["pnl"] for t in tr]
    out["largestWin"], out["largestLoss"] = max(pnl), min(pnl)
    streak_w = streak_l = best_w = best_l = 0
    for t in sorted(tr, key=lambda t: t["exitTimeMs"]):  # sorted() is stable
        streak_w = streak_w + 1 if t["pnl"] > 0 else 0
        streak_l = streak_l + 1 if t["pnl"] < 0 else 0
        best_w, best_l = max(best_w, streak_w), max(best_l, streak_l)
    out["maxConsecutiveWins"], out["maxConsecutiveLosses"] = best_w, best_l
    hold = np.array([t["exitTimeMs"] - t["entryTimeMs"] for t in tr])
    out["holdingMeanMs"], out["holdingMedianMs"] = hold.mean(), np.median(hold)
    out["commissionPaid"] = sum(t["commission"] for t in tr)
    mae = np.array([t["mae"] for t in tr if "mae" in t])
    mfe = np.array([t["mfe"] for t in tr if "mfe" in t])
    out["mae"] = {"count": len(mae), "mean": mae.mean(), "median": np.median(mae), "extreme": mae.min()}
    out["mfe"] = {"count": len(mfe), "mean": mfe.mean(), "median": np.median(mfe), "extreme": mfe.max()}
    out["edgeRatio"] = mfe.mean() / abs(mae.mean())
    return out


def time_in_market(tm, tr):
    inside = [any(t["entryTimeMs"] <= x < t["exitTimeMs"] for t in tr) for x in tm]
    return sum(inside) / len(tm)


def main():
    series, trades, exposure = make_inputs()
    out_series = []
    for s in series:
        tm, e, ppy = s["timeMs"], s["equity"], s["periodsPerYear"]
        r = simple_returns(e)
        monthly, yearly = calendar_tables(tm, e)
        exp = {
            "returns": r,
            "headline": [headline(tm, e, ppy, 0.0), headline(tm, e, ppy, 0.03)],
            "distribution": [distribution(r, ppy, 0.0, 0.0), distribution(r, ppy, 0.02, 0.05, cutoff=0.01)],
            "ulcerIndex": ulcer(e),
            "drawdownEpisodes": episodes(tm, e),
            "monthly": monthly,
            "yearly": yearly,
            "rolling": rolling(r, s["rollingWindow"], ppy, s.get("benchmarkReturns")),
            "sharpeInference": sharpe_inference(r, ppy, 0.5, 100, 0.25),
        }
        if "benchmarkReturns" in s:
            exp["benchmark"] = [benchmark_stats(r, s["benchmarkReturns"], ppy, 0.0),
                                benchmark_stats(r, s["benchmarkReturns"], ppy, 0.03)]
        item = {k: v for k, v in s.items()}
        item["expected"] = exp
        out_series.append(item)

    # Run-level metrics of the first series with its trades and an exposure series.
    s0 = series[0]
    tm, e = s0["timeMs"], s0["equity"]
    years = (tm[-1] - tm[0]) / MS_PER_YEAR
    traded = sum(abs(t["qty"]) * (t["entryPrice"] + t["exitPrice"]) for t in trades)
    run = {
        "exposure": exposure,
        "turnoverValue": 3_250_000.0,
        "expected": {
            "timeInMarketFromTrades": time_in_market(tm, trades),
            "timeInMarketFromExposure": np.mean(exposure > 0),
            "avgGrossExposure": np.mean(exposure),
            "tradedValue": traded,
            "turnoverFromTrades": traded / years / np.mean(e),
            "turnoverGiven": 3_250_000.0 / years / np.mean(e),
        },
    }

    doc = {
        "origin": {
            "script": "test/golden/analytics/make_golden.py",
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "note": "independent textbook formulas (empyrical/quantstats conventions); NaN written as null",
        },
        "series": out_series,
        "trades": trades,
        "tradeStats": trade_stats(trades),
        "run": run,
    }
    path = os.path.join(HERE, "metrics.json")
    with open(path, "w") as f:
        json.dump(clean(doc), f, allow_nan=False, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
