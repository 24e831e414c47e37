//! The rules of jxjy: pure functions and types with no I/O, no clock and no randomness.
//!
//! Everything that depends on the current date or time takes it as a parameter, so the rules can
//! be tested at any instant and the web layer decides which clock is authoritative.

pub mod attachment;
pub mod binding;
pub mod certificate;
pub mod code;
pub mod credentials;
pub mod cycle;
pub mod hours;
pub mod identity;
pub mod import;
pub mod internal_review;
pub mod job;
pub mod lockout;
pub mod org;
pub mod org_code;
pub mod password;
pub mod policy;
pub mod profile;
pub mod record;
pub mod roles;
pub mod unit_declaration;
pub mod unit_info;
pub mod verification;

mod text;

pub use code::Coded;
pub use credentials::FieldError;
pub use org::TransitionError;
