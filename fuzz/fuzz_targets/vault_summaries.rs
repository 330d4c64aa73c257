//! Fuzz the counts `list` reads (the strict one-pass reader, serde behind it): never a panic, and whatever the full decoder reads gets the same counts.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let summaries = bcode::partial::decode_summaries(text);
    if let Ok(v) = bcode::vault::decode(data) {
        let summaries = summaries.expect("a vault the full decoder reads is counted");
        assert_eq!(summaries.len(), v.services.len());
        for (name, service) in &v.services {
            assert_eq!(summaries[name].status, service.status());
        }
    }
});
