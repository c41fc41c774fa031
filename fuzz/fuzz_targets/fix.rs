#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| nixk8s_lint_fuzz::fix(data));
