//! Analytical CRM: models and reports computed from the operational data.
//!
//! Purchases are the orders placed, paid, shipped or delivered (not drafts,
//! cancelled or returned ones), counted at most once a day per customer
//! as the models expect, in one currency at a time: currencies never mix.

pub(crate) mod cache;
pub mod clv;
mod customers;
mod reports;
pub(crate) mod sql;
mod winprob;

pub use customers::{ClvModel, ClvRequest, CustomerValue, PurchaseSummary, RfmScore, RfmSegment};
pub use reports::{
    ChurnRisk, Cohort, ForecastMonth, Funnel, FunnelGroup, FunnelStage, LeadFunnel, Offer, OfferEvaluation, Period,
    RevenueBy, RevenueQuery, RevenueRow,
};
pub use winprob::{CalibrationBin, WinModelReport, WinPrediction};

impl From<clv::Error> for crate::Error {
    fn from(e: clv::Error) -> Self {
        match e {
            clv::Error::Validation { field, reason } => crate::Error::Validation { field, reason },
            clv::Error::NoData { reason } => crate::Error::Validation { field: "orders".into(), reason },
            clv::Error::NotConverged { iterations, reason } => crate::Error::Validation {
                field: "orders".into(),
                reason: format!("the model did not converge after {iterations} iterations: {reason}"),
            },
        }
    }
}
