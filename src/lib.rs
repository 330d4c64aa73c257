//! bcode: keep MFA backup codes in an age-encrypted vault and hand each one out once.
#![forbid(unsafe_code)]

pub mod cli;
pub mod cmd;
pub mod complete;
pub mod error;
pub mod faults;
pub mod git;
pub mod import;
pub mod keys;
pub mod manpage;
pub mod merge;
pub mod name;
pub mod partial;
pub mod pdf;
pub mod sanitize;
pub mod services;
pub mod sheet;
pub mod store;
pub mod vault;
