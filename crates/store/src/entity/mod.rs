//! Table mappings. Kept private to the crate: callers see the domain-shaped
//! structs of the query modules, never rows.

pub mod account;
pub mod audit_log;
pub mod form_submission;
pub mod session;
