//! The only binding layer: typed requests and results cross as JavaScript objects
//! (serde-wasm-bindgen, one serializer configuration), the bulk of records in the boundary format
//! of `boundary.rs` (one text and one `Uint32Array` of lengths per call), errors as real `Error`
//! objects with a `code` (js-sys). It decides nothing.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::engine::{Engine, Step};
use crate::error::{Error, ErrorCode};
use crate::ops::{Query, Request};

// Talc instead of the default dlmalloc: measured faster for the core's many small allocations.
#[cfg(not(target_feature = "atomics"))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** A step of an operation (see src/engine.rs): reads to do, or the end with the records to write. */
export type WasmStep =
  | { kind: 'read'; reads: Array<{ op: 'get'; keys: string[] } | { op: 'range'; gte: string; lt: string; limit: number }> }
  | { kind: 'done'; result: unknown; next: object | null; writes: string; lengths: Uint32Array };
"#;

fn js_error(e: Error) -> JsValue {
    let err = js_sys::Error::new(&e.message);
    let _ = js_sys::Reflect::set(&err, &JsValue::from_str("code"), &JsValue::from_str(e.code.as_str()));
    if let Some(at) = &e.at {
        let _ = js_sys::Reflect::set(&err, &JsValue::from_str("field"), &JsValue::from_str(&at.field));
        let _ = js_sys::Reflect::set(&err, &JsValue::from_str("line"), &JsValue::from_f64(at.line.into()));
        let _ = js_sys::Reflect::set(&err, &JsValue::from_str("column"), &JsValue::from_f64(at.column.into()));
    }
    err.into()
}

fn serializer() -> serde_wasm_bindgen::Serializer {
    serde_wasm_bindgen::Serializer::new().serialize_missing_as_null(true).serialize_maps_as_objects(true)
}

fn to_js<T: Serialize>(v: &T) -> Result<JsValue, JsValue> {
    v.serialize(&serializer()).map_err(|e| js_error(Error::new(ErrorCode::Internal, format!("result: {e}"))))
}

/// A request or query object. `Request` and `Query` are internally tagged (`op`, `q`), which serde
/// decodes by buffering the whole object (its `Content`) first; that costs the wasm about 30 KiB
/// gzipped (measured against external tagging) and is kept on purpose: serde-wasm-bindgen reads a
/// struct by asking the JS object for the struct's own fields only, so with external tagging
/// `deny_unknown_fields` never sees a misspelt option (RReverser/serde-wasm-bindgen#39), and
/// going through `serde_json::Value` instead loses NaN and infinities (and was larger).
fn from_js<T: serde::de::DeserializeOwned>(what: &str, v: JsValue) -> Result<T, JsValue> {
    serde_wasm_bindgen::from_value(v).map_err(|e| js_error(Error::new(ErrorCode::InvalidArgument, format!("{what}: {e}"))))
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
enum StepOut<'a> {
    Read { reads: &'a [crate::io::ReadReq] },
    Done { result: &'a crate::views::OpResult, next: &'a Option<crate::ops::Continuation>, writes: String },
}

/// Adds `lengths` (a `Uint32Array`, one copy) to an object.
fn with_lengths(out: JsValue, lens: &[u32]) -> Result<JsValue, JsValue> {
    js_sys::Reflect::set(&out, &JsValue::from_str("lengths"), &js_sys::Uint32Array::from(lens))?;
    Ok(out)
}

/// The engine, for JavaScript.
#[wasm_bindgen]
pub struct WasmEngine {
    inner: Engine,
}

impl WasmEngine {
    fn out(&mut self, step: Result<Step, Error>) -> Result<JsValue, JsValue> {
        match step.map_err(js_error)? {
            Step::Read(reads) => to_js(&StepOut::Read { reads: &reads }),
            Step::Done(done) => {
                let writes = match crate::boundary::encode_writes(&done.writes) {
                    Ok(w) => w,
                    Err(e) => {
                        self.inner.rollback();
                        return Err(js_error(e));
                    }
                };
                let out = to_js(&StepOut::Done { result: &done.result, next: &done.next, writes: writes.text })?;
                with_lengths(out, &writes.lens)
            }
        }
    }
}

#[wasm_bindgen]
impl WasmEngine {
    /// An engine on nothing yet: its first operation is `open`.
    #[wasm_bindgen(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> WasmEngine {
        WasmEngine { inner: Engine::new() }
    }

    /// Starts an operation (a request object); returns a step. A pushed document crosses as
    /// UTF-8 bytes in `text` (a typed array: one native copy, where a string would be copied
    /// character by character).
    pub fn begin(&mut self, request: JsValue, text: Option<Vec<u8>>) -> Result<JsValue, JsValue> {
        let mut req: Request = from_js("request", request)?;
        let slot = match &mut req {
            Request::Push(p) => Some(&mut p.text),
            Request::Soap(p) => Some(&mut p.text),
            _ => None,
        };
        if let (Some(slot), Some(bytes)) = (slot, text) {
            *slot = String::from_utf8(bytes).map_err(|_| js_error(Error::new(ErrorCode::InvalidArgument, "the document is not UTF-8")))?;
        }
        let step = self.inner.begin(req);
        self.out(step)
    }

    /// Continues with read results in the boundary format: the fields' text as UTF-8 bytes (a
    /// typed array, for the same reason) and their lengths; returns a step.
    pub fn resume(&mut self, text: &[u8], lengths: &[u32]) -> Result<JsValue, JsValue> {
        let step = match std::str::from_utf8(text) {
            Ok(text) => self.inner.resume_encoded(text, lengths),
            Err(_) => {
                self.inner.rollback();
                Err(Error::new(ErrorCode::InvalidArgument, "read results are not UTF-8"))
            }
        };
        self.out(step)
    }

    /// The step's writes are durable.
    pub fn commit(&mut self) {
        self.inner.commit();
    }

    /// The step's writes failed.
    pub fn rollback(&mut self) {
        self.inner.rollback();
    }

    /// A query on the small state (an object in, an object out).
    pub fn query(&self, q: JsValue) -> Result<JsValue, JsValue> {
        let q: Query = from_js("query", q)?;
        to_js(&self.inner.query(q).map_err(js_error)?)
    }
}

/// A fresh random 64-bit seed (decimal), from the platform's source (`crypto.getRandomValues`),
/// for a new store opened without one.
#[wasm_bindgen(js_name = freshSeed)]
pub fn fresh_seed() -> Result<String, JsValue> {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).map_err(|e| js_error(Error::new(ErrorCode::Internal, format!("no random source: {e}"))))?;
    Ok(u64::from_le_bytes(b).to_string())
}

/// Core micro-benchmark shared with the native benchmark (`--features bench` builds only).
#[cfg(feature = "bench")]
#[wasm_bindgen(js_name = benchCore)]
pub fn bench_core(n: u32, seed: u32) -> Result<f64, JsValue> {
    crate::bench::route_and_derive(n, u64::from(seed)).map(|w| w as f64).map_err(js_error)
}

/// The personalization benchmark (`--features bench` builds only): renders a template case of
/// tests/fixtures/templates `n` times (with its ctx parsed from its stored XML each time when
/// `stored`, as the engine renders a message); the length of the last HTML, so nothing is skipped.
#[cfg(feature = "bench")]
#[wasm_bindgen(js_name = benchRender)]
pub fn bench_render(case_json: &str, n: u32, stored: bool) -> Result<u32, JsValue> {
    let case = crate::bench::RenderCase::new(case_json).map_err(js_error)?;
    let mut len = 0;
    for _ in 0..n {
        let html = if stored { case.render_stored() } else { case.render() }.map_err(js_error)?;
        len = html.len() as u32;
    }
    Ok(len)
}

/// Bulk boundary, read direction (`--features bench` builds only): entries as the shell sends them
/// (UTF-8 bytes and lengths, see `boundary.rs`), decoded as the core decodes read results; their
/// count.
#[cfg(feature = "bench")]
#[wasm_bindgen(js_name = benchReadLengths)]
pub fn bench_read_lengths(bytes: &[u8], lengths: &[u32]) -> Result<u32, JsValue> {
    let text = std::str::from_utf8(bytes).map_err(|_| js_error(Error::new(ErrorCode::InvalidArgument, "not UTF-8")))?;
    let es = crate::boundary::decode_entries(text, lengths).map_err(js_error)?;
    Ok(es.len() as u32)
}

/// The same entries as the format before (version 1) sent them: one string of fields separated by
/// U+0001, every stored value checked for a separator.
#[cfg(feature = "bench")]
#[wasm_bindgen(js_name = benchReadSeparated)]
pub fn bench_read_separated(bytes: &[u8]) -> Result<u32, JsValue> {
    let text = std::str::from_utf8(bytes).map_err(|_| js_error(Error::new(ErrorCode::InvalidArgument, "not UTF-8")))?;
    let es =
        crate::boundary::separated::decode_entries(text).ok_or_else(|| js_error(Error::new(ErrorCode::InvalidArgument, "not framed")))?;
    Ok(es.len() as u32)
}

/// The same entries as a JS array of `[key, value]` pairs read with serde-wasm-bindgen.
#[cfg(feature = "bench")]
#[wasm_bindgen(js_name = benchReadObjects)]
pub fn bench_read_objects(entries: JsValue) -> Result<u32, JsValue> {
    let es: Vec<(String, String)> =
        serde_wasm_bindgen::from_value(entries).map_err(|e| js_error(Error::new(ErrorCode::InvalidArgument, e.to_string())))?;
    Ok(es.len() as u32)
}

#[cfg(feature = "bench")]
fn bench_entries(n: u32, bytes: u32) -> Vec<(String, String)> {
    (0..n).map(|i| (format!("e/01/{i:013x}/s"), "x".repeat(bytes as usize))).collect()
}

/// Bulk boundary, write direction: `n` records of `bytes` characters encoded as the core encodes a
/// step's writes, as entries (`{ writes, lengths }`: the count, then each key's and value's length).
#[cfg(feature = "bench")]
#[wasm_bindgen(js_name = benchWriteLengths)]
pub fn bench_write_lengths(n: u32, bytes: u32) -> Result<JsValue, JsValue> {
    let f = crate::boundary::encode_entries(&bench_entries(n, bytes)).map_err(js_error)?;
    let out = js_sys::Object::new();
    js_sys::Reflect::set(&out, &JsValue::from_str("writes"), &JsValue::from_str(&f.text))?;
    with_lengths(out.into(), &f.lens)
}

/// The same records as the format before (version 1) wrote them: one separated string.
#[cfg(feature = "bench")]
#[wasm_bindgen(js_name = benchWriteSeparated)]
pub fn bench_write_separated(n: u32, bytes: u32) -> String {
    crate::boundary::separated::encode_entries(&bench_entries(n, bytes))
}

/// The same records as a JS array of `[key, value]` pairs written with serde-wasm-bindgen.
#[cfg(feature = "bench")]
#[wasm_bindgen(js_name = benchWriteObjects)]
pub fn bench_write_objects(n: u32, bytes: u32) -> Result<JsValue, JsValue> {
    to_js(&bench_entries(n, bytes))
}
