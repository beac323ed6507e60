//! message-center: a sans-I/O engine of Adobe Campaign Classic's Message Center.
//!
//! No I/O, no clock, no randomness of its own: time and seeds come in as arguments, records come
//! in and the records to write go out. `engine::Engine` is the entry point; `ops` lists what it
//! does; `src/wasm/` binds it for JavaScript.

pub mod bench;
pub mod config;
pub mod ctx;
pub mod dates;
pub mod driver;
pub mod engine;
pub mod error;
pub mod events;
pub mod input;
pub mod keys;
pub mod model;
pub mod mta;
pub mod ops;
pub mod personalization;
pub mod render;
pub mod state;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use engine::{Engine, ReadReq, ReadResult, Step, Writes};
pub use error::{Error, ErrorCode};
