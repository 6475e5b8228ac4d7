//! Scalars: `Date` (a calendar day) and `PartialDate` (a date at the precision its source gives),
//! and the descriptions of the scalars async-graphql brings (`ID`, `DateTime`, `JSON`).
//!
//! README.md, "Using a code generator", maps each scalar to TypeScript and Python types; keep it
//! in step with the wire formats here.

use async_graphql::{
    InputValueError, InputValueResult, Json, Scalar, ScalarType, SchemaBuilder, Value, ID,
};
use chrono::NaiveDate;

/// A calendar day, `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date(pub NaiveDate);

/// A calendar day in ISO 8601 form, `YYYY-MM-DD`, e.g. `2024-01-01` (used for `asOf` and
/// date-range filters, which always take a full day). Anything else is a BAD_USER_INPUT naming
/// the argument.
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

/// A date written with exactly the precision its source gives: `YYYY` (a year, e.g. `1983`),
/// `YYYY-MM` (a month, `1983-03`) or `YYYY-MM-DD` (a day, `1983-03-23`). Normwatch never invents
/// a day or month a source does not give, so compare such dates as text or by their first day,
/// not as timestamps. As input, anything else is a BAD_USER_INPUT naming the field.
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

/// Describes the scalars that async-graphql defines, so that GraphiQL and generated code say
/// what their values look like here (String, Int, Float and Boolean keep async-graphql's own
/// descriptions, which are right for us). Applied to the served schema and to the SDL alike.
pub fn describe<Q, M, S>(builder: SchemaBuilder<Q, M, S>) -> SchemaBuilder<Q, M, S> {
    builder
        .override_output_type_description::<ID>(
            "An opaque identifier: a record's global id (e.g. `Commitment.id`, for `node(id:)` \
             and mutations) or the id of a computed answer (`Gap.id`, `Scorecard.id`). Always a \
             string on the wire; keep it as it is and do not parse it. An id this API did not \
             give is a BAD_USER_INPUT naming the argument.",
        )
        .override_output_type_description::<chrono::DateTime<chrono::Utc>>(
            "An instant, RFC 3339 in UTC with the offset written `+00:00` and fractional \
             seconds when there are any, e.g. `2026-03-01T09:30:00.123456+00:00` (when a \
             revision was made, when a token expires). Output only.",
        )
        .override_output_type_description::<Json<serde_json::Value>>(
            "Any JSON value, as is: a revision's record before or after the write (`Revision.before`, \
             `Revision.after`).",
        )
}
