//! The gap engine: `rules` is the method (pure, unit-tested); the SQL that feeds it lives in `load`.
//!
//! The method is written out for users in `docs/gap-method.md`; the two must change together,
//! and any change to what a gap means bumps [`rules::METHODOLOGY_VERSION`].

pub mod load;
pub mod rules;
