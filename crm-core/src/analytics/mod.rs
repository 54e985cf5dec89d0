//! Analytical CRM: models and reports computed from the operational data.

pub mod clv;
