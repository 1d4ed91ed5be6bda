//! The wasm core: the klartext crate and the bindings in its `wasm` module, as one cdylib
//! (Cargo.toml says why it is a package of its own).

#![forbid(unsafe_code)]

pub use klartext;
