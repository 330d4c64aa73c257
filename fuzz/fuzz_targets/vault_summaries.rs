//! Fuzz the fast readers of the vault document (the strict one-pass reader, serde behind
//! it): the counts `list` reads and the split `use` and `show` read. Never a panic, and
//! whatever the full decoder reads gets the same counts and the same services.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let summaries = bcode::partial::decode_summaries(text);
    let split = bcode::partial::decode_partial(text);
    if let Ok(v) = bcode::vault::decode(data) {
        let summaries = summaries.expect("a vault the full decoder reads is counted");
        assert_eq!(summaries.len(), v.services.len());
        for (name, service) in &v.services {
            assert_eq!(summaries[name].status, service.status());
        }
        let split = split.expect("a vault the full decoder reads is split");
        for (name, service) in &v.services {
            let one = split.take(name).expect("every service can be taken");
            assert_eq!(&one.services[name], service);
        }
    }
});
