//! Crash points for the fault-injection tests; compiled to nothing without the `fault-injection` feature.

/// Environment variable naming the crash point at which the process dies.
pub const ENV_CRASH_AT: &str = "BCODE_CRASH_AT";

/// Dies on the spot (no cleanup, like SIGKILL) when `BCODE_CRASH_AT` names this point.
#[cfg(feature = "fault-injection")]
pub fn point(name: &str) {
    if std::env::var(ENV_CRASH_AT).is_ok_and(|v| v == name) {
        std::process::abort();
    }
}

/// Dies on the spot when `BCODE_CRASH_AT` names this point (only with `fault-injection`).
#[cfg(not(feature = "fault-injection"))]
#[inline(always)]
pub fn point(_name: &str) {}
