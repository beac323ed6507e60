//! The only binding layer: converts strings in and out and maps errors to JavaScript `Error`s with
//! a `code`. It decides nothing. JSON strings cross the boundary (one copy per call; faster than
//! object conversion for large batches).

use wasm_bindgen::prelude::*;

// Talc instead of the default dlmalloc: the core allocates many small strings (records are JSON);
// measured faster here (see the benchmark).
#[cfg(not(target_feature = "atomics"))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

use crate::engine::{Engine, Step};
use crate::error::Error;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** A step of an operation: a JSON header, then for "done" the puts and deletes (see src/engine.rs `encode_step`). */
export type StepJson = string;
"#;

/// `memcmp` compares 8 bytes at a time. The builtin one of wasm32 compares byte by byte, and the
/// core compares many keys with long shared prefixes (`x/i01/s/pending/…`): it was the top entry
/// of the wasm profile (14%). Strong symbols override the weak builtins.
///
/// # Safety
/// `a` and `b` must be valid for reads of `n` bytes, as for the C function.
#[no_mangle]
pub unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    let mut i = 0;
    while i + 8 <= n {
        let x = (a.add(i) as *const u64).read_unaligned();
        let y = (b.add(i) as *const u64).read_unaligned();
        if x != y {
            let d = ((x ^ y).trailing_zeros() / 8) as usize;
            return i32::from(*a.add(i + d)) - i32::from(*b.add(i + d));
        }
        i += 8;
    }
    while i < n {
        let (x, y) = (*a.add(i), *b.add(i));
        if x != y {
            return i32::from(x) - i32::from(y);
        }
        i += 1;
    }
    0
}

/// `bcmp` (equality only), same as `memcmp`.
///
/// # Safety
/// As `memcmp`.
#[no_mangle]
pub unsafe extern "C" fn bcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    memcmp(a, b, n)
}

fn js_error(e: Error) -> JsValue {
    let err = js_sys_error(&e.message);
    let _ = js_set(&err, "code", &JsValue::from_str(e.code.as_str()));
    err
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = Error)]
    fn js_sys_error_ctor(message: &str) -> JsValue;
    #[wasm_bindgen(js_namespace = Reflect, js_name = set, catch)]
    fn js_set_raw(target: &JsValue, key: &JsValue, value: &JsValue) -> Result<bool, JsValue>;
}

fn js_sys_error(message: &str) -> JsValue {
    js_sys_error_ctor(message)
}

fn js_set(target: &JsValue, key: &str, value: &JsValue) -> Result<bool, JsValue> {
    js_set_raw(target, &JsValue::from_str(key), value)
}

fn step_json(step: Step) -> String {
    crate::engine::encode_step(&step)
}

/// The engine, for JavaScript.
#[wasm_bindgen]
pub struct WasmEngine {
    inner: Engine,
}

#[wasm_bindgen]
impl WasmEngine {
    /// An engine over storage holding these `m/…` records (a JSON array of `[key, value]`; empty
    /// for new storage).
    #[wasm_bindgen(constructor)]
    pub fn new(records_json: &str) -> Result<WasmEngine, JsValue> {
        let records: Vec<(String, String)> = crate::engine::parse_json("state records", records_json).map_err(js_error)?;
        Ok(WasmEngine { inner: Engine::load(records).map_err(js_error)? })
    }

    /// Whether the storage held an initialized Message Center.
    #[wasm_bindgen(getter)]
    pub fn initialized(&self) -> bool {
        self.inner.is_initialized()
    }

    /// Starts an operation (JSON request); returns a step (JSON).
    pub fn begin(&mut self, request: &str) -> Result<String, JsValue> {
        self.inner.begin(request).map(step_json).map_err(js_error)
    }

    /// Continues with read results (encoded as `encode_results` says); returns a step.
    pub fn resume(&mut self, results: &str) -> Result<String, JsValue> {
        self.inner.resume(results).map(step_json).map_err(js_error)
    }

    /// The step's writes are durable.
    pub fn commit(&mut self) {
        self.inner.commit();
    }

    /// The step's writes failed.
    pub fn rollback(&mut self) -> Result<(), JsValue> {
        self.inner.rollback().map_err(js_error)
    }

    /// A query on the small state (JSON in, JSON out).
    pub fn query(&self, request: &str) -> Result<String, JsValue> {
        self.inner.query(request).map(|v| v.to_string()).map_err(js_error)
    }
}

/// Core micro-benchmark shared with the native benchmark: routes and derives the status of `n`
/// events in memory, returns the number of records written.
#[wasm_bindgen(js_name = benchCore)]
pub fn bench_core(n: u32, seed: u32) -> Result<f64, JsValue> {
    crate::bench::route_and_derive(n, u64::from(seed)).map(|w| w as f64).map_err(js_error)
}
