//! Fuzz the recogniser with GitHub's profile (the known-service path).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let profile = bcode::services::lookup("github");
    if let Ok(found) = bcode::import::recognise(data, profile) {
        assert!(!found.codes.is_empty());
        for c in &found.codes {
            assert!(!c.code.chars().any(bcode::sanitize::is_dangerous));
        }
    }
});
