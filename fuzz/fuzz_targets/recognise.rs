//! Fuzz the recogniser with no service profile: any bytes in, codes or a refusal out, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(found) = bcode::import::recognise(data, None) {
        assert!(!found.codes.is_empty());
        for c in &found.codes {
            // A stored code never carries a terminal control.
            assert!(!c.code.chars().any(bcode::sanitize::is_dangerous));
        }
    }
});
