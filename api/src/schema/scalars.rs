//! Scalars: `Date` (a calendar day) and `PartialDate` (a date at the precision its source gives).

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::NaiveDate;

/// A calendar day, `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date(pub NaiveDate);

/// A calendar day in ISO 8601 form, `YYYY-MM-DD` (used for `asOf` and date-range filters).
#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Date)
                .map_err(|_| {
                    InputValueError::custom(format!("`{s}` is not a date: write YYYY-MM-DD"))
                }),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

/// A date at the precision its source gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartialDate(pub entity::PartialDate);

/// A date written with exactly the precision its source gives: `YYYY` (a year), `YYYY-MM` (a
/// month) or `YYYY-MM-DD` (a day). Normwatch never invents a day or month a source does not give.
#[Scalar(name = "PartialDate")]
impl ScalarType for PartialDate {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => s
                .parse::<entity::PartialDate>()
                .map(PartialDate)
                .map_err(InputValueError::custom),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_string())
    }
}

/// Rebuilds the GraphQL value from stored columns.
pub fn partial(
    date: Option<NaiveDate>,
    precision: Option<entity::DatePrecision>,
) -> Option<PartialDate> {
    entity::PartialDate::from_parts(date, precision).map(PartialDate)
}
