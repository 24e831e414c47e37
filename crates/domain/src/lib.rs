//! The rules of jxjy: pure functions and types with no I/O, no clock and no randomness.
//!
//! Everything that depends on the current date or time takes it as a parameter, so the rules can
//! be tested at any instant and the web layer decides which clock is authoritative.

pub mod credentials;
pub mod identity;
pub mod lockout;
pub mod org_code;
pub mod password;

mod text;

pub use credentials::FieldError;
