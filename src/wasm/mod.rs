//! The only binding layer: converts strings in and out and maps errors to JavaScript `Error`s with
//! a `code`. It decides nothing. JSON strings cross the boundary (one copy per call; faster than
//! object conversion for large batches).

use wasm_bindgen::prelude::*;

use crate::engine::{Engine, Step};
use crate::error::Error;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** A step of an operation, as JSON: `{"kind":"read","reads":[…]}` or `{"kind":"done","put":[[k,v]…],"del":[k…],"result":…}`. */
export type StepJson = string;
"#;

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
    match step {
        Step::Read(reads) => serde_json::json!({ "kind": "read", "reads": reads }).to_string(),
        Step::Done { writes, result } => {
            let (put, del) = writes.split();
            serde_json::json!({ "kind": "done", "put": put, "del": del, "result": result }).to_string()
        }
    }
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

    /// Continues with read results (JSON); returns a step (JSON).
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
