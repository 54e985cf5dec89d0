//! Sales: leads and their conversion, pipelines and opportunities, products
//! and price lists, orders from every channel.
//!
//! Money is always integer minor units beside an ISO 4217 code
//! ([`Money`]); totals are computed in integer arithmetic.

mod catalog;
mod lead;
mod opportunity;
mod order;
pub(crate) mod sql;

use serde::{Deserialize, Serialize};

pub use catalog::{NewPriceList, NewProduct, PriceList, PriceQuote, Product, ProductPatch};
pub use lead::{
    Lead, LeadCondition, LeadConversion, LeadPatch, LeadScoreRule, LeadStatus, NewLead, OpportunitySpec, PartyChoice,
    Utm,
};
pub use opportunity::{
    BuyingRole, NewOpportunity, NewPipeline, NewStage, Opportunity, OpportunityContact, OpportunityPartner,
    OpportunityPatch, OpportunityStatus, Pipeline, PipelineSummary, Stage, StageOutcome, StageSummary, StageVisit,
};
pub use order::{
    NewOrder, NewOrderLine, Order, OrderChannel, OrderLine, OrderQuery, OrderStatus, OrderStatusChange, UpsertOutcome,
};

use crate::error::{Error, Result};

/// An amount of money: integer minor units (cents, øre, stotinki) of an
/// ISO 4217 currency.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    /// The amount in minor units (1234 EUR = 12.34 €).
    pub amount: i64,
    /// The ISO 4217 code, upper-case ("EUR", "NOK", "BGN").
    pub currency: String,
}

impl Money {
    /// An amount in minor units of a currency.
    pub fn new(amount: i64, currency: impl Into<String>) -> Self {
        Money { amount, currency: currency.into() }
    }
}

impl std::fmt::Display for Money {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let exp = iso_currency::Currency::from_code(&self.currency).and_then(|c| c.exponent()).unwrap_or(2) as u32;
        if exp == 0 {
            return write!(f, "{} {}", self.amount, self.currency);
        }
        let div = 10i64.pow(exp);
        let sign = if self.amount < 0 { "-" } else { "" };
        let a = self.amount.unsigned_abs();
        write!(f, "{sign}{}.{:0width$} {}", a / div as u64, a % div as u64, self.currency, width = exp as usize)
    }
}

/// Validate an ISO 4217 currency code; returns it upper-case.
pub fn normalize_currency(code: &str) -> Result<String> {
    let c = code.trim().to_ascii_uppercase();
    match iso_currency::Currency::from_code(&c) {
        Some(_) => Ok(c),
        None => Err(Error::validation("currency", format!("{code:?} is not an ISO 4217 currency code"))),
    }
}

pub(crate) fn required_text(field: &str, s: &str, max: usize) -> Result<String> {
    let t = s.trim();
    if t.is_empty() {
        return Err(Error::validation(field, "is required"));
    }
    if t.chars().count() > max || t.chars().any(char::is_control) {
        return Err(Error::validation(field, format!("must be at most {max} characters, without control characters")));
    }
    Ok(t.to_string())
}

pub(crate) fn optional_text(field: &str, s: Option<String>, max: usize) -> Result<Option<String>> {
    let Some(s) = s else { return Ok(None) };
    let t = s.trim();
    if t.chars().count() > max {
        return Err(Error::validation(field, format!("must be at most {max} characters")));
    }
    if t.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(Error::validation(field, "must not contain control characters"));
    }
    Ok((!t.is_empty()).then(|| t.to_string()))
}

pub(crate) fn conflict(entity: &'static str, id: uuid::Uuid, expected: i64, actual: i64) -> Error {
    Error::Conflict { entity, id: id.to_string(), expected, actual }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_displays_in_major_units() {
        assert_eq!(Money::new(123456, "EUR").to_string(), "1234.56 EUR");
        assert_eq!(Money::new(-5, "EUR").to_string(), "-0.05 EUR");
        assert_eq!(Money::new(1500, "JPY").to_string(), "1500 JPY");
        assert_eq!(Money::new(1500, "BHD").to_string(), "1.500 BHD");
        assert_eq!(normalize_currency("nok").unwrap(), "NOK");
        assert!(normalize_currency("EURO").is_err());
    }
}
