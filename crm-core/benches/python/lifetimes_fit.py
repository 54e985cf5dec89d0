"""Time the BG/NBD and Gamma-Gamma fits of the `lifetimes` package (0.11.3)
on a CSV of customer summaries (columns frequency, recency, T, monetary),
for the clv_fit benchmark of crm-core.

Usage: python lifetimes_fit.py FILE ROUNDS
Prints one JSON object: the median time of each fit in seconds, the rounds,
and the fitted parameters.
"""

import json
import statistics
import sys
import time
import warnings

warnings.filterwarnings("ignore")

import pandas as pd  # noqa: E402
from lifetimes import BetaGeoFitter, GammaGammaFitter  # noqa: E402


def main() -> None:
    path, rounds = sys.argv[1], int(sys.argv[2])
    data = pd.read_csv(path)
    buyers = data[data["frequency"] > 0]
    bg_times, gg_times = [], []
    bg = gg = None
    for _ in range(rounds):
        bg = BetaGeoFitter(penalizer_coef=0.0)
        start = time.perf_counter()
        bg.fit(data["frequency"], data["recency"], data["T"])
        bg_times.append(time.perf_counter() - start)
        gg = GammaGammaFitter(penalizer_coef=0.0)
        start = time.perf_counter()
        gg.fit(buyers["frequency"], buyers["monetary"])
        gg_times.append(time.perf_counter() - start)
    print(
        json.dumps(
            {
                "bgnbd_seconds": statistics.median(bg_times),
                "gamma_gamma_seconds": statistics.median(gg_times),
                "rounds": rounds,
                "bgnbd": {k: float(v) for k, v in bg.params_.items()},
                "gamma_gamma": {k: float(v) for k, v in gg.params_.items()},
                "customers": int(len(data)),
                "repeat_buyers": int(len(buyers)),
            }
        )
    )


if __name__ == "__main__":
    main()
