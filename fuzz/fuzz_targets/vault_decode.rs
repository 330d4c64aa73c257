//! Fuzz opening a decrypted vault document: refused or read, never a panic; what is read re-encodes and reads back equal.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(v) = bcode::vault::decode(data) {
        let again = bcode::vault::encode(&v);
        let back = bcode::vault::decode(&again).expect("a decoded vault re-encodes");
        assert_eq!(back, v);
    }
});
