//! Analytics: customer values, RFM, funnels, forecasts, revenue, cohorts,
//! churn, offers and win probabilities as records; the pure CLV models;
//! and `Table`, the list of records the reports return (with `to_pandas()`).
//! Type conversion only: every rule lives in crm-core.

use std::collections::BTreeMap;

use crm_core::analytics::clv::{self, CustomerSummary, FitOptions, SpendSummary};
use pyo3::IntoPyObjectExt;
use pyo3::basic::CompareOp;
use pyo3::exceptions::PyImportError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PySlice, PyString, PyTuple};

use crate::activity::sid;
use crate::convert::{decimal_type, enum_text, items, mapping, text};
use crate::errors::{guard, to_py, type_error};

// ------------------------------------------------------------ Table

/// A list of records returned by a report: a read-only sequence (`len`,
/// indexing, slicing, iteration, `==` with a list) that also turns into
/// plain dicts (`to_dicts()`) or a pandas DataFrame (`to_pandas()`).
#[pyclass(frozen, sequence, module = "crm._crm", name = "Table")]
pub struct Table {
    rows: Py<PyTuple>,
    columns: &'static [&'static str],
}

impl Table {
    /// A table of `rows` whose records have the attributes `columns`.
    pub(crate) fn new<'py, T: IntoPyObject<'py>>(
        py: Python<'py>,
        rows: impl IntoIterator<Item = T>,
        columns: &'static [&'static str],
    ) -> PyResult<Table> {
        let items = rows.into_iter().map(|r| r.into_bound_py_any(py)).collect::<PyResult<Vec<_>>>()?;
        Ok(Table { rows: PyTuple::new(py, items)?.unbind(), columns })
    }

    fn compare(&self, py: Python<'_>, other: &Bound<'_, PyAny>, op: CompareOp) -> PyResult<Py<PyAny>> {
        let mine = self.to_list(py)?;
        let theirs: Bound<'_, PyAny> = if let Ok(t) = other.cast::<Table>() {
            t.get().to_list(py)?.into_any()
        } else if other.is_instance_of::<PyList>() {
            other.clone()
        } else {
            return Ok(py.NotImplemented());
        };
        match op {
            CompareOp::Eq => mine.as_any().eq(&theirs)?.into_py_any(py),
            CompareOp::Ne => mine.as_any().ne(&theirs)?.into_py_any(py),
            _ => Ok(py.NotImplemented()),
        }
    }

    fn repr(&self, py: Python<'_>) -> PyResult<String> {
        let rows = self.rows.bind(py);
        let shown: Vec<String> =
            rows.iter().take(3).map(|r| r.repr().and_then(|s| s.extract())).collect::<PyResult<_>>()?;
        let more = if rows.len() > 3 { format!(", … ({} rows)", rows.len()) } else { String::new() };
        Ok(format!("Table([{}{}])", shown.join(", "), more))
    }
}

#[pymethods]
impl Table {
    fn __len__(&self, py: Python<'_>) -> usize {
        self.rows.bind(py).len()
    }

    fn __getitem__<'py>(&self, py: Python<'py>, index: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            let got = self.rows.bind(py).as_any().get_item(index)?;
            if index.is_instance_of::<PySlice>() {
                return Ok(PyList::new(py, got.try_iter()?.collect::<PyResult<Vec<_>>>()?)?.into_any());
            }
            Ok(got)
        })
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || Ok(self.rows.bind(py).as_any().try_iter()?.into_any()))
    }

    fn __contains__(&self, py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<bool> {
        guard(py, || self.rows.bind(py).contains(value))
    }

    fn __richcmp__(&self, py: Python<'_>, other: &Bound<'_, PyAny>, op: CompareOp) -> PyResult<Py<PyAny>> {
        guard(py, || self.compare(py, other, op))
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        guard(py, || self.repr(py))
    }

    /// The attribute names of the records (the columns of `to_pandas()`).
    #[getter]
    fn columns(&self) -> Vec<&'static str> {
        self.columns.to_vec()
    }

    /// The records as a list.
    fn to_list<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        guard(py, || PyList::new(py, self.rows.bind(py).iter()))
    }

    /// The records as a list of dicts (`to_dict()` of each).
    fn to_dicts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        guard(py, || {
            let out = PyList::empty(py);
            for r in self.rows.bind(py).iter() {
                out.append(r.call_method0("to_dict")?)?;
            }
            Ok(out)
        })
    }

    /// The records as a pandas DataFrame, a column per attribute (nested
    /// records as `outer.inner` columns). Needs pandas, which crm does not
    /// require: an ImportError says so when it is missing.
    fn to_pandas<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            let pandas = match py.import("pandas") {
                Ok(m) => m,
                Err(e) if e.is_instance_of::<PyImportError>(py) => {
                    let err = PyImportError::new_err(
                        "Table.to_pandas() needs pandas, which is not installed (pip install pandas); \
                         to_dicts() gives the same rows without it",
                    );
                    err.set_cause(py, Some(e));
                    return Err(err);
                }
                Err(e) => return Err(e),
            };
            let dicts = self.to_dicts(py)?;
            if dicts.is_empty() {
                let kwargs = PyDict::new(py);
                kwargs.set_item("columns", self.columns.to_vec())?;
                return pandas.getattr("DataFrame")?.call((), Some(&kwargs));
            }
            let kwargs = PyDict::new(py);
            kwargs.set_item("max_level", 1)?;
            pandas.call_method("json_normalize", (dicts,), Some(&kwargs))
        })
    }
}

// ------------------------------------------------------------ numbers

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".to_string())
}

/// A real number: an int, a float, a Decimal, or anything with `__float__`
/// (numpy scalars); not a bool or a str.
pub(crate) fn real(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<f64> {
    if obj.is_instance_of::<PyBool>() || obj.is_instance_of::<PyString>() || obj.is_none() {
        return Err(type_error(field, format!("expected a number, got {}", type_name(obj))));
    }
    if obj.is_instance_of::<PyFloat>() || obj.is_instance_of::<PyInt>() {
        return obj.extract();
    }
    if obj.is_instance(decimal_type(obj.py())?)? || obj.hasattr("__float__")? {
        return obj.call_method0("__float__")?.extract();
    }
    Err(type_error(field, format!("expected a number, got {}", type_name(obj))))
}

pub(crate) fn opt_real(obj: Option<&Bound<'_, PyAny>>, field: &str, default: f64) -> PyResult<f64> {
    match obj {
        Some(o) if !o.is_none() => real(o, field),
        _ => Ok(default),
    }
}

/// A sequence of numbers (a list, a tuple, a numpy array, …).
fn reals(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<Vec<f64>> {
    items(obj, field)?.iter().enumerate().map(|(i, x)| real(x, &format!("{field}[{i}]"))).collect()
}

fn is_number(obj: &Bound<'_, PyAny>) -> bool {
    real(obj, "").is_ok()
}

/// Conversion rates: `{"USD": 0.92, ...}`.
pub(crate) fn rates(obj: Option<&Bound<'_, PyAny>>) -> PyResult<BTreeMap<String, f64>> {
    match obj {
        Some(o) if !o.is_none() => {
            mapping(o, "rates")?.into_iter().map(|(k, v)| Ok((k.clone(), real(&v, &format!("rates.{k}"))?))).collect()
        }
        _ => Ok(BTreeMap::new()),
    }
}

fn clv_err(py: Python<'_>, e: clv::Error) -> PyErr {
    to_py(py, crm_core::Error::from(e))
}

// ------------------------------------------------------------ customers

record! {
    /// A customer's purchase history as of a date, in the models' terms.
    PurchaseSummary(crm_core::PurchaseSummary) as "PurchaseSummary";
    repr(party_id, frequency, recency_weeks, age_weeks);
    {
        party_id(s, py) -> String = sid(&s.party_id);
        /// Repeat purchases: purchase days after the first.
        frequency(s, py) -> u32 = s.frequency;
        /// Weeks from the first purchase to the last.
        recency_weeks(s, py) -> f64 = s.recency_weeks;
        /// Weeks from the first purchase to the as-of date.
        age_weeks(s, py) -> f64 = s.age_weeks;
        /// Mean spend of the repeat purchase days (minor units).
        mean_repeat_spend(s, py) -> f64 = s.mean_repeat_spend;
        /// Spend over all purchase days (minor units).
        total_spend(s, py) -> i64 = s.total_spend;
        orders(s, py) -> i64 = s.orders;
        first_purchase(s, py) -> chrono::NaiveDate = s.first_purchase;
        last_purchase(s, py) -> chrono::NaiveDate = s.last_purchase;
    }
}

pub(crate) const PURCHASE_SUMMARY_COLUMNS: &[&str] = &[
    "party_id",
    "frequency",
    "recency_weeks",
    "age_weeks",
    "mean_repeat_spend",
    "total_spend",
    "orders",
    "first_purchase",
    "last_purchase",
];

/// One value or a list of them, by whether the input was a number or a
/// sequence.
fn one_or_many(py: Python<'_>, scalar: bool, values: Vec<f64>) -> PyResult<Py<PyAny>> {
    if scalar { values.first().copied().unwrap_or(f64::NAN).into_py_any(py) } else { values.into_py_any(py) }
}

/// Customer summaries from x, tₓ and T given as numbers or as sequences of
/// one length; true when given as numbers.
#[allow(non_snake_case)]
fn summaries(
    frequency: &Bound<'_, PyAny>,
    recency: &Bound<'_, PyAny>,
    T: &Bound<'_, PyAny>,
) -> PyResult<(bool, Vec<CustomerSummary>)> {
    if is_number(frequency) {
        let s = CustomerSummary::new(real(frequency, "frequency")?, real(recency, "recency")?, real(T, "T")?);
        return Ok((true, vec![s]));
    }
    let (x, r, t) = (reals(frequency, "frequency")?, reals(recency, "recency")?, reals(T, "T")?);
    if r.len() != x.len() || t.len() != x.len() {
        return Err(crate::errors::validation(
            frequency.py(),
            "recency",
            format!("frequency, recency and T differ in length ({}, {}, {})", x.len(), r.len(), t.len()),
        ));
    }
    Ok((false, x.iter().zip(&r).zip(&t).map(|((x, r), t)| CustomerSummary::new(*x, *r, *t)).collect()))
}

record! {
    /// BG/NBD parameters: the purchase rate λ ~ Gamma(r, α) and the drop-out
    /// probability p ~ Beta(a, b). `BgNbdParams(r, alpha, a, b)` makes one
    /// from known values.
    BgNbdParams(clv::BgNbdParams) as "BgNbdParams";
    repr(r, alpha, a, b);
    {
        r(s, py) -> f64 = s.r;
        alpha(s, py) -> f64 = s.alpha;
        a(s, py) -> f64 = s.a;
        b(s, py) -> f64 = s.b;
    }
    methods {
        #[new]
        fn py_new(py: Python<'_>, r: &Bound<'_, PyAny>, alpha: &Bound<'_, PyAny>, a: &Bound<'_, PyAny>, b: &Bound<'_, PyAny>) -> PyResult<Self> {
            guard(py, || {
                clv::BgNbdParams::new(real(r, "r")?, real(alpha, "alpha")?, real(a, "a")?, real(b, "b")?)
                    .map(BgNbdParams)
                    .map_err(|e| clv_err(py, e))
            })
        }

        /// P(alive) of a customer with x repeat purchases, the last at tₓ,
        /// observed for T (numbers, or sequences of one length for many
        /// customers: then a list).
        #[allow(non_snake_case)]
        fn probability_alive(&self, py: Python<'_>, frequency: &Bound<'_, PyAny>, recency: &Bound<'_, PyAny>, T: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
            guard(py, || {
                let (scalar, cs) = summaries(frequency, recency, T)?;
                let p = self.0;
                let out = py.detach(|| cs.iter().map(|c| p.probability_alive(c)).collect::<clv::Result<Vec<f64>>>()).map_err(|e| clv_err(py, e))?;
                one_or_many(py, scalar, out)
            })
        }

        /// Expected purchases in the next `t` of a customer (x, tₓ, T), in
        /// the time unit of the summaries.
        #[allow(non_snake_case)]
        fn conditional_expected_purchases(&self, py: Python<'_>, t: &Bound<'_, PyAny>, frequency: &Bound<'_, PyAny>, recency: &Bound<'_, PyAny>, T: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
            guard(py, || {
                let t = real(t, "t")?;
                let (scalar, cs) = summaries(frequency, recency, T)?;
                let p = self.0;
                let out = py.detach(|| cs.iter().map(|c| p.conditional_expected_purchases(c, t)).collect::<clv::Result<Vec<f64>>>()).map_err(|e| clv_err(py, e))?;
                one_or_many(py, scalar, out)
            })
        }

        /// Expected purchases of a new customer in a time `t`.
        fn expected_purchases(&self, py: Python<'_>, t: &Bound<'_, PyAny>) -> PyResult<f64> {
            guard(py, || self.0.expected_purchases(real(t, "t")?).map_err(|e| clv_err(py, e)))
        }
    }
}

record! {
    /// Standard errors of fitted BG/NBD parameters.
    BgNbdStandardErrors(clv::BgNbdStandardErrors) as "BgNbdStandardErrors";
    repr(r, alpha, a, b);
    {
        r(s, py) -> f64 = s.r;
        alpha(s, py) -> f64 = s.alpha;
        a(s, py) -> f64 = s.a;
        b(s, py) -> f64 = s.b;
    }
}

record! {
    /// A fitted BG/NBD model.
    BgNbdFit(clv::BgNbdFit) as "BgNbdFit";
    repr(params, log_likelihood, n_customers);
    {
        /// Maximum-likelihood estimates.
        params(s, py) -> BgNbdParams = BgNbdParams(s.params);
        /// From the observed information; None when the Hessian at the
        /// optimum is not negative definite.
        standard_errors(s, py) -> Option<BgNbdStandardErrors> = s.standard_errors.map(BgNbdStandardErrors);
        /// The covariance of (r, alpha, a, b) as a 4×4 list of lists.
        covariance(s, py) -> Option<Vec<Vec<f64>>> = s.covariance.map(|m| m.iter().map(|row| row.to_vec()).collect());
        log_likelihood(s, py) -> f64 = s.log_likelihood;
        n_customers(s, py) -> usize = s.n_customers;
        /// Distinct (x, tₓ, T) triples.
        n_repeat_buyers(s, py) -> usize = s.n_repeat_buyers;
        iterations(s, py) -> u64 = s.iterations;
    }
}

record! {
    /// Gamma-Gamma parameters: each purchase's value is Gamma(p, ν) and ν ~
    /// Gamma(q, γ) across customers. `GammaGammaParams(p, q, gamma)` makes
    /// one from known values.
    GammaGammaParams(clv::GammaGammaParams) as "GammaGammaParams";
    repr(p, q, gamma);
    {
        p(s, py) -> f64 = s.p;
        q(s, py) -> f64 = s.q;
        gamma(s, py) -> f64 = s.gamma;
    }
    methods {
        #[new]
        fn py_new(py: Python<'_>, p: &Bound<'_, PyAny>, q: &Bound<'_, PyAny>, gamma: &Bound<'_, PyAny>) -> PyResult<Self> {
            guard(py, || {
                clv::GammaGammaParams::new(real(p, "p")?, real(q, "q")?, real(gamma, "gamma")?)
                    .map(GammaGammaParams)
                    .map_err(|e| clv_err(py, e))
            })
        }

        /// The population's mean spend per purchase.
        fn expected_average_spend(&self, py: Python<'_>) -> PyResult<f64> {
            guard(py, || self.0.expected_average_spend().map_err(|e| clv_err(py, e)))
        }

        /// The expected spend per purchase of a customer with x repeat
        /// purchases of mean value z̄ (numbers, or sequences: then a list).
        fn conditional_expected_average_spend(&self, py: Python<'_>, frequency: &Bound<'_, PyAny>, mean_spend: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
            guard(py, || {
                let (scalar, spends) = spend_summaries(frequency, mean_spend)?;
                let p = self.0;
                let out = spends.iter().map(|s| p.conditional_expected_average_spend(s)).collect::<clv::Result<Vec<f64>>>().map_err(|e| clv_err(py, e))?;
                one_or_many(py, scalar, out)
            })
        }
    }
}

fn spend_summaries(frequency: &Bound<'_, PyAny>, mean_spend: &Bound<'_, PyAny>) -> PyResult<(bool, Vec<SpendSummary>)> {
    if is_number(frequency) {
        return Ok((true, vec![SpendSummary::new(real(frequency, "frequency")?, real(mean_spend, "mean_spend")?)]));
    }
    let (x, m) = (reals(frequency, "frequency")?, reals(mean_spend, "mean_spend")?);
    if m.len() != x.len() {
        return Err(crate::errors::validation(
            frequency.py(),
            "mean_spend",
            format!("frequency and mean_spend differ in length ({}, {})", x.len(), m.len()),
        ));
    }
    Ok((false, x.iter().zip(&m).map(|(x, m)| SpendSummary::new(*x, *m)).collect()))
}

record! {
    /// Standard errors of fitted Gamma-Gamma parameters.
    GammaGammaStandardErrors(clv::GammaGammaStandardErrors) as "GammaGammaStandardErrors";
    repr(p, q, gamma);
    {
        p(s, py) -> f64 = s.p;
        q(s, py) -> f64 = s.q;
        gamma(s, py) -> f64 = s.gamma;
    }
}

record! {
    /// A fitted Gamma-Gamma model.
    GammaGammaFit(clv::GammaGammaFit) as "GammaGammaFit";
    repr(params, log_likelihood, n_customers);
    {
        params(s, py) -> GammaGammaParams = GammaGammaParams(s.params);
        standard_errors(s, py) -> Option<GammaGammaStandardErrors> = s.standard_errors.map(GammaGammaStandardErrors);
        /// The covariance of (p, q, gamma) as a 3×3 list of lists.
        covariance(s, py) -> Option<Vec<Vec<f64>>> = s.covariance.map(|m| m.iter().map(|row| row.to_vec()).collect());
        log_likelihood(s, py) -> f64 = s.log_likelihood;
        /// Repeat buyers fitted.
        n_customers(s, py) -> usize = s.n_customers;
        iterations(s, py) -> u64 = s.iterations;
    }
}

record! {
    /// The purchase and spend models fitted on the base.
    ClvModel(crm_core::ClvModel) as "ClvModel";
    repr(bgnbd, gamma_gamma, customers);
    {
        bgnbd(s, py) -> BgNbdFit = BgNbdFit(s.bgnbd.clone());
        /// None when no customer bought twice.
        gamma_gamma(s, py) -> Option<GammaGammaFit> = s.gamma_gamma.clone().map(GammaGammaFit);
        customers(s, py) -> usize = s.customers;
    }
}

record! {
    /// A customer's predicted future.
    CustomerValue(crm_core::CustomerValue) as "CustomerValue";
    repr(party_id, probability_alive, clv);
    {
        party_id(s, py) -> String = sid(&s.party_id);
        summary(s, py) -> PurchaseSummary = PurchaseSummary(s.summary.clone());
        probability_alive(s, py) -> f64 = s.probability_alive;
        /// Expected purchases over the horizon.
        expected_purchases(s, py) -> f64 = s.expected_purchases;
        /// Expected spend per purchase (minor units).
        expected_average_spend(s, py) -> f64 = s.expected_average_spend;
        /// Discounted lifetime value over the horizon (minor units, margin
        /// applied).
        clv(s, py) -> f64 = s.clv;
    }
}

pub(crate) const CUSTOMER_VALUE_COLUMNS: &[&str] =
    &["party_id", "summary", "probability_alive", "expected_purchases", "expected_average_spend", "clv"];

record! {
    /// A customer's RFM scores.
    RfmScore(crm_core::RfmScore) as "RfmScore";
    repr(party_id, r, f, m, segment);
    {
        party_id(s, py) -> String = sid(&s.party_id);
        recency_days(s, py) -> i64 = s.recency_days;
        /// Purchase days.
        frequency(s, py) -> u32 = s.frequency;
        /// Total spend (minor units).
        monetary(s, py) -> i64 = s.monetary;
        /// Quintile scores, 5 the best.
        r(s, py) -> u8 = s.r;
        f(s, py) -> u8 = s.f;
        m(s, py) -> u8 = s.m;
        /// "champions", "loyal", "potential_loyalists", "new_customers",
        /// "promising", "about_to_sleep", "at_risk", "cannot_lose_them",
        /// "hibernating" or "lost".
        segment(s, py) -> String = enum_text(&s.segment);
    }
}

pub(crate) const RFM_COLUMNS: &[&str] =
    &["party_id", "recency_days", "frequency", "monetary", "r", "f", "m", "segment"];

// ------------------------------------------------------------ reports

record! {
    /// A stage of a funnel.
    FunnelStage(crm_core::analytics::FunnelStage) as "FunnelStage";
    repr(name, reached, conversion);
    {
        stage_id(s, py) -> String = sid(&s.stage_id);
        name(s, py) -> String = s.name.clone();
        reached(s, py) -> u64 = s.reached;
        /// Share that moved on to a later open stage or won (None for won
        /// and lost stages).
        conversion(s, py) -> Option<f64> = s.conversion;
        median_days(s, py) -> Option<f64> = s.median_days;
        mean_days(s, py) -> Option<f64> = s.mean_days;
    }
}

record! {
    /// The funnel of a pipeline for one group.
    Funnel(crm_core::analytics::Funnel) as "Funnel";
    repr(group, opportunities, win_rate);
    {
        /// The owner or source (None: everything, or no value).
        group(s, py) -> Option<String> = s.group.clone();
        opportunities(s, py) -> u64 = s.opportunities;
        win_rate(s, py) -> Option<f64> = s.win_rate;
        stages(s, py) -> Vec<FunnelStage> = s.stages.iter().cloned().map(FunnelStage).collect();
    }
}

pub(crate) const FUNNEL_COLUMNS: &[&str] = &["group", "opportunities", "win_rate", "stages"];

record! {
    /// Lead statuses reached over the leads created in a period.
    LeadFunnel(crm_core::analytics::LeadFunnel) as "LeadFunnel";
    repr(group, leads, converted);
    {
        group(s, py) -> Option<String> = s.group.clone();
        leads(s, py) -> u64 = s.leads;
        working(s, py) -> u64 = s.working;
        qualified(s, py) -> u64 = s.qualified;
        converted(s, py) -> u64 = s.converted;
        disqualified(s, py) -> u64 = s.disqualified;
    }
}

pub(crate) const LEAD_FUNNEL_COLUMNS: &[&str] =
    &["group", "leads", "working", "qualified", "converted", "disqualified"];

record! {
    /// Weighted pipeline of one month and currency.
    ForecastMonth(crm_core::analytics::ForecastMonth) as "ForecastMonth";
    repr(month, currency, count, weighted_amount);
    {
        /// "2025-06", or "none" for open deals without an expected close.
        month(s, py) -> String = s.month.clone();
        currency(s, py) -> String = s.currency.clone();
        count(s, py) -> u64 = s.count;
        /// Minor units.
        amount(s, py) -> i64 = s.amount;
        weighted_amount(s, py) -> i64 = s.weighted_amount;
    }
}

pub(crate) const FORECAST_COLUMNS: &[&str] = &["month", "currency", "count", "amount", "weighted_amount"];

record! {
    /// One cell of a revenue cut.
    RevenueRow(crm_core::analytics::RevenueRow) as "RevenueRow";
    repr(period, key, currency, amount);
    {
        period(s, py) -> String = s.period.clone();
        /// The cut's value ("" for totals).
        key(s, py) -> String = s.key.clone();
        currency(s, py) -> String = s.currency.clone();
        /// Net of discounts, tax included (minor units).
        amount(s, py) -> i64 = s.amount;
        orders(s, py) -> i64 = s.orders;
    }
}

pub(crate) const REVENUE_COLUMNS: &[&str] = &["period", "key", "currency", "amount", "orders"];

record! {
    /// The customers whose first purchase fell in one month.
    Cohort(crm_core::analytics::Cohort) as "Cohort";
    repr(month, customers);
    {
        month(s, py) -> String = s.month.clone();
        customers(s, py) -> u64 = s.customers;
        /// Month 0, 1, 2, …: customers who bought.
        active(s, py) -> Vec<u64> = s.active.clone();
        retention(s, py) -> Vec<f64> = s.retention.clone();
        /// Month 0, 1, 2, …: revenue (minor units).
        revenue(s, py) -> Vec<i64> = s.revenue.clone();
    }
}

pub(crate) const COHORT_COLUMNS: &[&str] = &["month", "customers", "active", "retention", "revenue"];

record! {
    /// A customer at risk of leaving, and why.
    ChurnRisk(crm_core::analytics::ChurnRisk) as "ChurnRisk";
    repr(party_id, probability_alive, days_since_last);
    {
        party_id(s, py) -> String = sid(&s.party_id);
        probability_alive(s, py) -> Option<f64> = s.probability_alive;
        days_since_last(s, py) -> i64 = s.days_since_last;
        usual_gap_days(s, py) -> Option<f64> = s.usual_gap_days;
        reason(s, py) -> String = s.reason.clone();
    }
}

pub(crate) const CHURN_COLUMNS: &[&str] =
    &["party_id", "probability_alive", "days_since_last", "usual_gap_days", "reason"];

record! {
    /// A product to offer.
    Offer(crm_core::analytics::Offer) as "Offer";
    repr(product_id, score);
    {
        product_id(s, py) -> String = sid(&s.product_id);
        score(s, py) -> f64 = s.score;
    }
}

pub(crate) const OFFER_COLUMNS: &[&str] = &["product_id", "score"];

record! {
    /// How well the offers predict each customer's next order.
    OfferEvaluation(crm_core::analytics::OfferEvaluation) as "OfferEvaluation";
    repr(customers, hit_rate, baseline_hit_rate, k);
    {
        customers(s, py) -> u64 = s.customers;
        hit_rate(s, py) -> f64 = s.hit_rate;
        baseline_hit_rate(s, py) -> f64 = s.baseline_hit_rate;
        k(s, py) -> usize = s.k;
    }
}

record! {
    /// One bin of a calibration table.
    CalibrationBin(crm_core::analytics::CalibrationBin) as "CalibrationBin";
    repr(low, high, count, mean_predicted, observed);
    {
        low(s, py) -> f64 = s.low;
        high(s, py) -> f64 = s.high;
        count(s, py) -> u64 = s.count;
        mean_predicted(s, py) -> f64 = s.mean_predicted;
        observed(s, py) -> f64 = s.observed;
    }
}

record! {
    /// How the learned win model did on held-out history.
    WinModelReport(crm_core::analytics::WinModelReport) as "WinModelReport";
    repr(pipeline_id, brier_model, brier_default);
    {
        pipeline_id(s, py) -> String = sid(&s.pipeline_id);
        train_examples(s, py) -> u64 = s.train_examples;
        test_examples(s, py) -> u64 = s.test_examples;
        /// Lower is better.
        brier_model(s, py) -> f64 = s.brier_model;
        brier_default(s, py) -> f64 = s.brier_default;
        calibration(s, py) -> Vec<CalibrationBin> = s.calibration.iter().cloned().map(CalibrationBin).collect();
        /// By feature name.
        weights(s, py) -> BTreeMap<String, f64> = s.weights.clone();
    }
}

record! {
    /// An open opportunity's win probability.
    WinPrediction(crm_core::analytics::WinPrediction) as "WinPrediction";
    repr(opportunity_id, default_probability, predicted_probability);
    {
        opportunity_id(s, py) -> String = sid(&s.opportunity_id);
        default_probability(s, py) -> f64 = s.default_probability;
        predicted_probability(s, py) -> f64 = s.predicted_probability;
    }
}

pub(crate) const WIN_PREDICTION_COLUMNS: &[&str] = &["opportunity_id", "default_probability", "predicted_probability"];

// ------------------------------------------------------------ pure models

fn fit_options(
    max_iterations: Option<&Bound<'_, PyAny>>,
    gradient_tolerance: Option<&Bound<'_, PyAny>>,
    restarts: Option<&Bound<'_, PyAny>>,
) -> PyResult<FitOptions> {
    let d = FitOptions::default();
    let int = |o: Option<&Bound<'_, PyAny>>, f: &str, dv: u32| -> PyResult<u32> {
        match o {
            Some(x) if !x.is_none() => crate::convert::integer(x, f),
            _ => Ok(dv),
        }
    };
    Ok(FitOptions {
        max_iterations: int(max_iterations, "max_iterations", d.max_iterations)?,
        gradient_tolerance: opt_real(gradient_tolerance, "gradient_tolerance", d.gradient_tolerance)?,
        restarts: int(restarts, "restarts", d.restarts)?,
    })
}

/// Fit the BG/NBD model by maximum likelihood on customers given as three
/// sequences of one length: repeat purchases x, recency tₓ and age T (any
/// one time unit).
#[pyfunction]
#[pyo3(signature = (frequency, recency, T, *, max_iterations=None, gradient_tolerance=None, restarts=None))]
#[pyo3(text_signature = "(frequency, recency, T, *, max_iterations=500, gradient_tolerance=1e-8, restarts=3)")]
#[allow(non_snake_case)]
pub(crate) fn fit_bgnbd(
    py: Python<'_>,
    frequency: &Bound<'_, PyAny>,
    recency: &Bound<'_, PyAny>,
    T: &Bound<'_, PyAny>,
    max_iterations: Option<&Bound<'_, PyAny>>,
    gradient_tolerance: Option<&Bound<'_, PyAny>>,
    restarts: Option<&Bound<'_, PyAny>>,
) -> PyResult<BgNbdFit> {
    guard(py, || {
        let (x, r, t) = (reals(frequency, "frequency")?, reals(recency, "recency")?, reals(T, "T")?);
        if r.len() != x.len() || t.len() != x.len() {
            return Err(crate::errors::validation(
                py,
                "recency",
                format!("frequency, recency and T differ in length ({}, {}, {})", x.len(), r.len(), t.len()),
            ));
        }
        let cs: Vec<CustomerSummary> =
            x.iter().zip(&r).zip(&t).map(|((x, r), t)| CustomerSummary::new(*x, *r, *t)).collect();
        let options = fit_options(max_iterations, gradient_tolerance, restarts)?;
        py.detach(|| clv::fit_bgnbd(&cs, &options)).map(BgNbdFit).map_err(|e| clv_err(py, e))
    })
}

/// Fit the Gamma-Gamma spend model by maximum likelihood on customers given
/// as two sequences of one length: repeat purchases x and their mean value
/// z̄ (customers with x = 0 are skipped).
#[pyfunction]
#[pyo3(signature = (frequency, mean_spend, *, max_iterations=None, gradient_tolerance=None, restarts=None))]
#[pyo3(text_signature = "(frequency, mean_spend, *, max_iterations=500, gradient_tolerance=1e-8, restarts=3)")]
pub(crate) fn fit_gamma_gamma(
    py: Python<'_>,
    frequency: &Bound<'_, PyAny>,
    mean_spend: &Bound<'_, PyAny>,
    max_iterations: Option<&Bound<'_, PyAny>>,
    gradient_tolerance: Option<&Bound<'_, PyAny>>,
    restarts: Option<&Bound<'_, PyAny>>,
) -> PyResult<GammaGammaFit> {
    guard(py, || {
        let (x, m) = (reals(frequency, "frequency")?, reals(mean_spend, "mean_spend")?);
        if m.len() != x.len() {
            return Err(crate::errors::validation(
                py,
                "mean_spend",
                format!("frequency and mean_spend differ in length ({}, {})", x.len(), m.len()),
            ));
        }
        let spends: Vec<SpendSummary> = x.iter().zip(&m).map(|(x, m)| SpendSummary::new(*x, *m)).collect();
        let options = fit_options(max_iterations, gradient_tolerance, restarts)?;
        py.detach(|| clv::fit_gamma_gamma(&spends, &options)).map(GammaGammaFit).map_err(|e| clv_err(py, e))
    })
}

/// A text argument that must be one character (a CSV delimiter).
pub(crate) fn one_char(obj: Option<&Bound<'_, PyAny>>, field: &str) -> PyResult<Option<char>> {
    match obj {
        Some(o) if !o.is_none() => {
            let s = text(o, field)?;
            let mut chars = s.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => Ok(Some(c)),
                _ => Err(crate::errors::validation(o.py(), field, format!("{s:?} is not one character"))),
            }
        }
        _ => Ok(None),
    }
}
