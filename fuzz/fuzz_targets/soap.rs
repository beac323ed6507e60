#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| message_center::sim::fuzz::soap(data));
