//! Any bytes as a brief file: a brief or located errors, never a panic.
#![no_main]

use std::path::Path;

use briefbot::brief;
use briefbot::language::Language;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Err(errors) = brief::parse(Path::new("fuzz.toml"), bytes, Language::English) {
        assert!(!errors.is_empty());
        assert!(
            errors
                .iter()
                .all(|e| e.location.line >= 1 && e.location.column >= 1)
        );
    }
});
