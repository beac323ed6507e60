//! message-center: a sans-I/O engine of Adobe Campaign Classic's Message Center.
//!
//! No I/O, no clock, no randomness of its own: time and seeds come in as arguments, records come
//! in and the records to write go out. `engine::Engine` is the entry point; `ops` lists what it
//! does; `keys` is the storage layout; `src/wasm/` binds it for JavaScript.

#![deny(clippy::unwrap_used)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod boundary;
pub(crate) mod cache;
pub mod check;
pub mod config;
pub(crate) mod ctx;
pub mod dates;
pub mod engine;
pub mod error;
pub(crate) mod events;
pub mod exercise;
pub(crate) mod input;
pub mod io;
pub mod keys;
pub mod migrate;
pub mod model;
pub(crate) mod mta;
pub mod ops;
pub mod packed;
pub(crate) mod pages;
pub(crate) mod records;
pub(crate) mod render;
pub(crate) mod script;
pub(crate) mod search;
pub mod secrets;
pub mod security;
pub mod sessions;
pub mod snapshot;
pub(crate) mod soap;
pub mod state;
pub(crate) mod tree;
pub(crate) mod txn;
pub mod views;
pub(crate) mod xtk;

#[cfg(feature = "driver")]
pub mod driver;

#[cfg(feature = "bench")]
pub mod bench;

#[cfg(feature = "sim")]
pub mod sim;

#[cfg(feature = "fault-injection")]
pub(crate) mod faults;

#[cfg(target_arch = "wasm32")]
mod wasm;

#[cfg(test)]
mod typescript;

pub use engine::{Done, Engine, Step};
pub use error::{Error, ErrorCode};
pub use io::{ReadReq, ReadResult, Writes};
pub use ops::{Continuation, Query, QueryResult, Request};
