//! A predictive win probability for opportunities, learned from the won and
//! lost history of a pipeline and checked on held-out history against the
//! stages' default probabilities.
//!
//! Each stay of a closed opportunity in an open stage is one example: the
//! features known on entering the stage (the stage, the amount, the source,
//! the owner, the age of the opportunity and the interactions recorded on it
//! so far), labelled won or lost. An L2-regularized logistic regression is
//! fitted by Newton's method. The examples of the opportunities closed last
//! (a quarter of them) are held out: the Brier score of the model and of the
//! stage defaults on them, and a calibration table, tell whether the model
//! is worth using.

#![allow(clippy::needless_range_loop)] // matrix code reads clearer with indices

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::sql;
use crate::Crm;
use crate::error::{Error, Result};

/// One bin of a calibration table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationBin {
    /// The predicted probabilities in the bin lie in `[low, high)`.
    pub low: f64,
    /// Upper end.
    pub high: f64,
    /// Held-out examples in the bin.
    pub count: u64,
    /// Their mean predicted probability.
    pub mean_predicted: f64,
    /// The share of them that was won.
    pub observed: f64,
}

/// How the learned model did on held-out history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WinModelReport {
    /// The pipeline.
    pub pipeline_id: Uuid,
    /// Examples learned from.
    pub train_examples: u64,
    /// Examples held out.
    pub test_examples: u64,
    /// Brier score of the model on the held-out examples (lower is better).
    pub brier_model: f64,
    /// Brier score of the stages' default probabilities on the same examples.
    pub brier_default: f64,
    /// Calibration of the model on the held-out examples, in ten bins.
    pub calibration: Vec<CalibrationBin>,
    /// The model's weights, by feature name.
    pub weights: BTreeMap<String, f64>,
}

/// An open opportunity's win probability: the stage's default and the
/// model's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WinPrediction {
    /// The opportunity.
    pub opportunity_id: Uuid,
    /// Its stage's default probability (0 to 1).
    pub default_probability: f64,
    /// The learned probability (0 to 1).
    pub predicted_probability: f64,
}

/// The feature names and values of one example.
struct Encoder {
    names: Vec<String>,
}

impl Encoder {
    fn new(examples: &[sql::WinExample]) -> Encoder {
        let mut names = vec!["bias".to_string(), "log_amount".into(), "age_weeks".into(), "activity".into()];
        let mut cats: BTreeMap<String, usize> = BTreeMap::new();
        for e in examples {
            *cats.entry(format!("stage:{}", e.stage_position)).or_default() += 1;
            *cats.entry(format!("source:{}", e.source.as_deref().unwrap_or("none"))).or_default() += 1;
            *cats.entry(format!("owner:{}", e.owner.as_deref().unwrap_or("none"))).or_default() += 1;
        }
        // Categories seen at least 5 times get a weight of their own.
        names.extend(cats.into_iter().filter(|(_, n)| *n >= 5).map(|(k, _)| k));
        Encoder { names }
    }

    fn encode(&self, e: &sql::WinExample) -> Vec<f64> {
        let stage = format!("stage:{}", e.stage_position);
        let source = format!("source:{}", e.source.as_deref().unwrap_or("none"));
        let owner = format!("owner:{}", e.owner.as_deref().unwrap_or("none"));
        self.names
            .iter()
            .map(|n| match n.as_str() {
                "bias" => 1.0,
                "log_amount" => (e.amount.max(0) as f64 + 1.0).ln() / 10.0,
                "age_weeks" => (e.age_days / 7.0).min(104.0) / 10.0,
                "activity" => (e.activity as f64 + 1.0).ln(),
                other => f64::from(u8::from(other == stage || other == source || other == owner)),
            })
            .collect()
    }
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// Fit an L2-regularized logistic regression by Newton's method.
fn fit(x: &[Vec<f64>], y: &[f64], lambda: f64) -> Vec<f64> {
    let d = x.first().map_or(0, Vec::len);
    let mut w = vec![0.0; d];
    for _ in 0..50 {
        let mut grad = vec![0.0; d];
        let mut hess = vec![vec![0.0; d]; d];
        for (xi, yi) in x.iter().zip(y) {
            let p = sigmoid(xi.iter().zip(&w).map(|(a, b)| a * b).sum());
            let s = p * (1.0 - p);
            for j in 0..d {
                grad[j] += (p - yi) * xi[j];
                for k in 0..d {
                    hess[j][k] += s * xi[j] * xi[k];
                }
            }
        }
        for j in 1..d {
            grad[j] += lambda * w[j];
            hess[j][j] += lambda;
        }
        hess[0][0] += 1e-9;
        let Some(step) = solve(hess, grad) else { break };
        let mut change = 0.0f64;
        for j in 0..d {
            w[j] -= step[j];
            change = change.max(step[j].abs());
        }
        if change < 1e-8 {
            break;
        }
    }
    w
}

/// Solve `a · x = b` by Gaussian elimination with partial pivoting.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    for c in 0..n {
        let p = (c..n).max_by(|i, j| a[*i][c].abs().total_cmp(&a[*j][c].abs()))?;
        if a[p][c].abs() < 1e-12 {
            return None;
        }
        a.swap(c, p);
        b.swap(c, p);
        for r in c + 1..n {
            let f = a[r][c] / a[c][c];
            for k in c..n {
                a[r][k] -= f * a[c][k];
            }
            b[r] -= f * b[c];
        }
    }
    let mut x = vec![0.0; n];
    for r in (0..n).rev() {
        let s: f64 = (r + 1..n).map(|k| a[r][k] * x[k]).sum();
        x[r] = (b[r] - s) / a[r][r];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

fn brier(p: &[f64], y: &[f64]) -> f64 {
    p.iter().zip(y).map(|(p, y)| (p - y).powi(2)).sum::<f64>() / p.len().max(1) as f64
}

impl Crm {
    /// Learn win probabilities from a pipeline's closed opportunities and
    /// report how they do on the most recently closed quarter of them,
    /// against the stages' default probabilities.
    pub fn win_model(&self, pipeline_id: Uuid) -> Result<WinModelReport> {
        let (report, _) = self.learn_win(pipeline_id)?;
        Ok(report)
    }

    /// The learned win probability of each open opportunity of a pipeline,
    /// beside its stage's default.
    pub fn predict_wins(&self, pipeline_id: Uuid) -> Result<Vec<WinPrediction>> {
        let (_, predictions) = self.learn_win(pipeline_id)?;
        Ok(predictions)
    }

    fn learn_win(&self, pipeline_id: Uuid) -> Result<(WinModelReport, Vec<WinPrediction>)> {
        let (closed, open) = self.store.read(|c| {
            crate::sales::sql::get_pipeline(c, pipeline_id)?;
            Ok((sql::win_examples(c, pipeline_id, true)?, sql::win_examples(c, pipeline_id, false)?))
        })?;
        // Hold out the examples of the opportunities closed last.
        let mut closed_at: Vec<i64> = closed.iter().map(|e| e.closed_at).collect();
        closed_at.sort_unstable();
        closed_at.dedup();
        if closed_at.len() < 8 || !closed.iter().any(|e| e.won) || closed.iter().all(|e| e.won) {
            return Err(Error::validation(
                "pipeline_id",
                "too little won and lost history to learn from (8 closed opportunities, some won, some lost)",
            ));
        }
        let cut = closed_at[closed_at.len() * 3 / 4];
        let (train, test): (Vec<&sql::WinExample>, Vec<&sql::WinExample>) =
            closed.iter().partition(|e| e.closed_at < cut);
        let train_owned: Vec<sql::WinExample> = train.iter().map(|e| (*e).clone()).collect();
        let enc = Encoder::new(&train_owned);
        let x: Vec<Vec<f64>> = train.iter().map(|e| enc.encode(e)).collect();
        let y: Vec<f64> = train.iter().map(|e| f64::from(u8::from(e.won))).collect();
        let w = fit(&x, &y, 1.0);
        let predict = |e: &sql::WinExample| sigmoid(enc.encode(e).iter().zip(&w).map(|(a, b)| a * b).sum());
        let p_model: Vec<f64> = test.iter().map(|e| predict(e)).collect();
        let p_default: Vec<f64> = test.iter().map(|e| f64::from(e.stage_probability) / 100.0).collect();
        let y_test: Vec<f64> = test.iter().map(|e| f64::from(u8::from(e.won))).collect();
        let mut calibration: Vec<CalibrationBin> = (0..10)
            .map(|i| CalibrationBin {
                low: f64::from(i) / 10.0,
                high: f64::from(i + 1) / 10.0,
                count: 0,
                mean_predicted: 0.0,
                observed: 0.0,
            })
            .collect();
        for (p, y) in p_model.iter().zip(&y_test) {
            let b = &mut calibration[((p * 10.0) as usize).min(9)];
            b.count += 1;
            b.mean_predicted += p;
            b.observed += y;
        }
        for b in &mut calibration {
            if b.count > 0 {
                b.mean_predicted /= b.count as f64;
                b.observed /= b.count as f64;
            }
        }
        let report = WinModelReport {
            pipeline_id,
            train_examples: train.len() as u64,
            test_examples: test.len() as u64,
            brier_model: brier(&p_model, &y_test),
            brier_default: brier(&p_default, &y_test),
            calibration,
            weights: enc.names.iter().cloned().zip(w.iter().copied()).collect(),
        };
        let predictions = open
            .iter()
            .map(|e| WinPrediction {
                opportunity_id: e.opportunity_id,
                default_probability: f64::from(e.stage_probability) / 100.0,
                predicted_probability: predict(e),
            })
            .collect();
        Ok((report, predictions))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logistic_regression_recovers_a_clear_signal() {
        // y = 1 when the feature is 1, with some noise.
        let mut x = Vec::new();
        let mut y = Vec::new();
        for i in 0..200 {
            let f = f64::from(u8::from(i % 2 == 0));
            x.push(vec![1.0, f]);
            y.push(if i % 10 == 0 { 1.0 - f } else { f });
        }
        let w = fit(&x, &y, 0.01);
        assert!(sigmoid(w[0] + w[1]) > 0.75 && sigmoid(w[0]) < 0.05, "{w:?}");
        assert!(solve(vec![vec![0.0]], vec![1.0]).is_none());
    }
}
