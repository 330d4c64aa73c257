//! bcode: keep MFA backup codes in an age-encrypted vault and hand each one out once.
#![forbid(unsafe_code)]

pub mod import;
pub mod name;
pub mod pdf;
pub mod sanitize;
pub mod services;
pub mod sheet;
pub mod vault;
